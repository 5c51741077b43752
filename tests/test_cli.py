"""The command line: exit codes, report formats, --max-findings, languages, codes and schema.

typer's CliRunner (typer >= 0.16 vendors click) keeps stdout and stderr apart:
``result.stdout`` and ``result.stderr``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner, Result

from conftest import (
    ONR,
    flatten,
    inschrijving,
    resultaat,
    uitschrijving,
    validate,
    write_csv,
    write_xml,
)
from rodcli import __version__, cli
from rodcli.bulkformat import NAMESPACES
from rodcli.bulkformat.valuelists import value_lists
from rodcli.cli import app
from rodcli.codes import CATALOGUE
from rodcli.findings import Severity

# wide enough that rich never shortens a table cell
runner = CliRunner(env={"COLUMNS": "250", "RODCLI_LANG": None, "RODCLI_DEBUG": None})


def rodcli(*args: object, **options: object) -> Result:
    return runner.invoke(app, [str(arg) for arg in args], **options)  # type: ignore[arg-type]


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write_csv(tmp_path, [inschrijving(), uitschrijving(), resultaat()], name="clean.csv")


@pytest.fixture
def errors(tmp_path: Path) -> Path:
    rows = [inschrijving(brin="9XX"), inschrijving(inschrijvingvolgnummer="2",
                                                   opleidingsvorm="FULLTIME")]
    return write_csv(tmp_path, rows, name="errors.csv")


@pytest.fixture
def warnings_only(tmp_path: Path) -> Path:
    return write_csv(tmp_path, [uitschrijving()], name="warnings.csv")


@pytest.fixture
def five(tmp_path: Path) -> Path:
    rows = [inschrijving(brin="9XX", inschrijvingvolgnummer=str(n)) for n in range(5)]
    return write_csv(tmp_path, rows, name="five.csv")


# ---- exit codes ------------------------------------------------------------------------------


def test_clean_file_exits_0(clean: Path) -> None:
    run = rodcli("validate", clean)
    assert run.exit_code == 0, run.output
    assert run.stdout.strip() == ""
    assert "Geen bevindingen." in run.stderr
    assert "csv ho, 3 records, codering utf-8" in run.stderr


@pytest.mark.parametrize("kind", ["csv", "xml"])
def test_errors_exit_1(tmp_path: Path, kind: str) -> None:
    rows = [inschrijving(brin="9XX")]
    path = write_csv(tmp_path, rows) if kind == "csv" else write_xml(tmp_path, rows)
    run = rodcli("validate", path)
    assert run.exit_code == 1
    assert "F002" in run.stdout


def test_warning_only_file_exits_0_unless_fail_on_warning(warnings_only: Path) -> None:
    run = rodcli("validate", warnings_only)
    assert run.exit_code == 0
    assert "R006" in run.stdout
    assert rodcli("validate", warnings_only, "--fail-on", "warning").exit_code == 1
    assert rodcli("validate", warnings_only, "--fail-on", "error").exit_code == 0


def test_missing_file_exits_2(tmp_path: Path) -> None:
    run = rodcli("validate", tmp_path / "nope.csv")
    assert run.exit_code == 2
    assert "I001" in run.stdout
    assert "niet gelezen" in run.stderr


def test_one_missing_file_among_good_ones_exits_2(tmp_path: Path, clean: Path) -> None:
    assert rodcli("validate", clean, tmp_path / "nope.csv").exit_code == 2


@pytest.mark.parametrize("content", [None, "not xml", "<a/>"])
def test_bad_schema_exits_2(tmp_path: Path, clean: Path, content: str | None) -> None:
    schema = tmp_path / "own.xsd"
    if content is not None:
        schema.write_text(content, encoding="utf-8")
    run = rodcli("validate", clean, "--schema", schema)
    assert run.exit_code == 2
    assert "I017" in run.stdout


def test_own_schema_is_used(tmp_path: Path) -> None:
    from rodcli.bulkformat.xsd import xsd_text

    schema = tmp_path / "own.xsd"
    schema.write_text(xsd_text("ho"), encoding="utf-8")
    path = write_xml(tmp_path, [inschrijving()])
    assert rodcli("validate", path, "--schema", schema).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "{clean}", "--bogus"],
        ["validate"],
        ["validate", "{clean}", "--format", "xml"],
        ["validate", "{clean}", "--fail-on", "info"],
        ["validate", "{clean}", "--max-findings", "-1"],
        ["validate", "{clean}", "--lang", "de"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(clean: Path, args: list[str]) -> None:
    run = rodcli(*[arg.format(clean=clean) for arg in args])
    assert run.exit_code == 2
    assert run.stdout == ""
    assert "Usage" in run.stderr or "Error" in run.stderr


# ---- report content --------------------------------------------------------------------------


def test_text_report_lines(errors: Path) -> None:
    run = rodcli("validate", errors, "--lang", "en")
    lines = run.stdout.splitlines()
    assert lines[0].startswith(f"{errors}:2:14: F002 BRIN-nummer (brin) has value '9XX'")
    assert lines[0].endswith("[brin · 9XX/*****2333/1]")
    assert lines[1].strip() == "fix: Correct the value in the administration."
    assert lines[2].startswith(f"{errors}:3:")
    assert " F005 " in lines[2]
    assert "2 errors, 0 warnings, 0 notes in 1 file" in run.stderr


def test_quiet_has_no_summary(errors: Path) -> None:
    run = rodcli("validate", errors, "--quiet")
    assert run.exit_code == 1
    assert run.stderr == ""
    assert "F002" in run.stdout


@pytest.mark.parametrize("path_fixture", ["clean", "errors", "warnings_only", "five"])
def test_json_counts_equal_the_pipeline(
    request: pytest.FixtureRequest, path_fixture: str
) -> None:
    path: Path = request.getfixturevalue(path_fixture)
    run = rodcli("validate", path, "--format", "json", "--quiet")
    document = json.loads(run.stdout)
    result = validate(path)
    assert document["counts"]["total"] == result.total
    assert document["counts"]["by_code"] == dict(result.code_counts)
    assert document["counts"]["by_severity"] == {
        severity.label: result.severity_counts[severity] for severity in Severity
    }
    assert document["truncated"] is False
    assert [
        (f["code"], f["location"]["line"], f["location"]["field"]) for f in document["findings"]
    ] == flatten(result)
    assert document["files"] == [{
        "path": str(path), "kind": "csv", "sector": "ho", "encoding": "utf-8",
        "records": result.files[0].records, "readable": True,
    }]
    assert document["report_version"] == "1"
    assert document["tool"] == {"name": "rodcli", "version": __version__}
    assert document["format"] == "ROD bulk v1"


def test_json_finding_fields(errors: Path) -> None:
    document = json.loads(rodcli("validate", errors, "--format", "json", "--lang", "en").stdout)
    first = document["findings"][0]
    assert first == {
        "code": "F002",
        "severity": "error",
        "family": "field",
        "location": {"file": str(errors), "line": 2, "column": 14, "field": "brin",
                     "record": "9XX/*****2333/1"},
        "message": "BRIN-nummer (brin) has value '9XX', expected 2 digits + 2 capitals, "
                   "e.g. 99XX",
        "hint": "Correct the value in the administration.",
    }
    assert document["language"] == "en"


def test_json_exit_code_follows_findings(errors: Path, clean: Path) -> None:
    assert rodcli("validate", errors, "--format", "json").exit_code == 1
    assert rodcli("validate", clean, "--format", "json").exit_code == 0


def test_max_findings_cuts_the_list_not_the_counts(five: Path) -> None:
    run = rodcli("validate", five, "--max-findings", "2", "--lang", "en")
    assert run.exit_code == 1
    listed = [line for line in run.stdout.splitlines() if line.startswith(f"{five}:")]
    assert len(listed) == 2
    assert "List cut: 2 of 5 findings shown (--max-findings)" in run.stdout
    assert "5 errors" in run.stderr
    assert "F002  error     5" in run.stderr


def test_max_findings_cut_in_dutch(five: Path) -> None:
    run = rodcli("validate", five, "--max-findings", "2")
    assert "Lijst afgekapt: 2 van 5 bevindingen getoond" in run.stdout


def test_max_findings_in_json(five: Path) -> None:
    run = rodcli("validate", five, "--max-findings", "2", "--format", "json")
    document = json.loads(run.stdout)
    assert len(document["findings"]) == 2
    assert document["truncated"] is True
    assert document["counts"]["total"] == 5
    assert document["counts"]["by_code"] == {"F002": 5}


def test_max_findings_0_lists_all(five: Path) -> None:
    run = rodcli("validate", five, "--max-findings", "0", "--format", "json")
    document = json.loads(run.stdout)
    assert len(document["findings"]) == 5
    assert document["truncated"] is False


def test_max_findings_not_reached(five: Path) -> None:
    run = rodcli("validate", five, "--max-findings", "5")
    assert "afgekapt" not in run.stdout


def test_lang_changes_message_text(errors: Path) -> None:
    nl = rodcli("validate", errors, "--lang", "nl")
    en = rodcli("validate", errors, "--lang", "en")
    nl_line = next(line for line in nl.stdout.splitlines() if " F002 " in line)
    en_line = next(line for line in en.stdout.splitlines() if " F002 " in line)
    assert nl_line != en_line
    assert "heeft waarde '9XX', verwacht" in nl_line
    assert "has value '9XX', expected" in en_line
    assert "oplossing:" in nl.stdout and "fix:" in en.stdout
    assert "fouten" in nl.stderr and "errors" in en.stderr


def test_lang_changes_json_messages_only(errors: Path) -> None:
    nl = json.loads(rodcli("validate", errors, "--format", "json", "--lang", "nl").stdout)
    en = json.loads(rodcli("validate", errors, "--format", "json", "--lang", "en").stdout)
    assert [f["message"] for f in nl["findings"]] != [f["message"] for f in en["findings"]]
    for document in (nl, en):
        del document["language"]
        for finding in document["findings"]:
            del finding["message"], finding["hint"]
    assert nl == en


def test_lang_from_environment(errors: Path) -> None:
    run = runner.invoke(app, ["validate", str(errors)], env={"RODCLI_LANG": "en"})
    assert "has value" in run.stdout


def test_with_option_gives_context(tmp_path: Path, warnings_only: Path) -> None:
    earlier = write_csv(tmp_path, [inschrijving()], name="earlier.csv")
    run = rodcli("validate", warnings_only, "--with", earlier, "--fail-on", "warning")
    assert run.exit_code == 0, run.stdout
    assert "R006" not in run.stdout


def test_sector_option(tmp_path: Path, clean: Path) -> None:
    run = rodcli("validate", clean, "--sector", "mbo")
    assert run.exit_code == 1
    assert "I013" in run.stdout
    assert rodcli("validate", clean, "--sector", "ho").exit_code == 0


def test_several_files_in_one_report(clean: Path, errors: Path) -> None:
    run = rodcli("validate", clean, errors, "--format", "json")
    document = json.loads(run.stdout)
    assert [f["path"] for f in document["files"]] == [str(clean), str(errors)]
    assert {f["location"]["file"] for f in document["findings"]} == {str(errors)}
    assert run.exit_code == 1


def test_unreadable_file_summary_names_the_path(tmp_path: Path) -> None:
    folder = tmp_path / "export 2025"
    folder.mkdir()
    run = rodcli("validate", folder / "nope.csv")
    assert f"{folder / 'nope.csv'}: niet gelezen" in run.stderr


def test_unreadable_file_summary_shows_brackets_verbatim(tmp_path: Path) -> None:
    folder = tmp_path / "[export]"
    folder.mkdir()
    run = rodcli("validate", folder / "nope.csv")
    assert f"{folder / 'nope.csv'}: niet gelezen" in run.stderr


def test_internal_error_is_exit_2_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], clean: Path
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom 111222333")

    monkeypatch.setattr("rodcli.pipeline.validate_files", broken)
    monkeypatch.setattr(sys, "argv", ["rodcli", "validate", str(clean)])
    monkeypatch.delenv("RODCLI_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert "rodcli internal error: RuntimeError" in captured.err
    assert "Traceback" not in captured.err
    assert "111222333" not in captured.err + captured.out


# ---- codes ------------------------------------------------------------------------------------


def test_codes_lists_the_catalogue() -> None:
    run = rodcli("codes")
    assert run.exit_code == 0
    listed = [line.split()[0] for line in run.stdout.splitlines()
              if re.match(r"[A-Z][0-9]{3} ", line)]
    assert listed == list(CATALOGUE)


def test_codes_in_english() -> None:
    run = rodcli("codes", "--lang", "en")
    assert "Final exam without diploma" in run.stdout
    assert "Afsluitend examen zonder diploma" not in run.stdout


@pytest.mark.parametrize("code", ["R003", "r003"])
def test_codes_one(code: str) -> None:
    run = rodcli("codes", code)
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert lines[0] == "R003  Afsluitend examen zonder diploma"
    assert lines[1] == "severity: error   family: diploma"
    assert lines[2] == CATALOGUE["R003"].message.nl
    assert lines[3] == CATALOGUE["R003"].hint.nl


def test_codes_one_in_english() -> None:
    run = rodcli("codes", "R003", "--lang", "en")
    assert run.stdout.splitlines()[0] == "R003  Final exam without diploma"


def test_codes_unknown_exits_2() -> None:
    run = rodcli("codes", "NOPE")
    assert run.exit_code == 2
    assert run.stdout == ""
    assert "Unknown code 'NOPE'" in run.stderr


# ---- schema -----------------------------------------------------------------------------------


def test_schema_shows_both_sectors_and_value_lists() -> None:
    run = rodcli("schema")
    assert run.exit_code == 0
    assert "ROD bulk v1 — ho" in run.stdout
    assert "ROD bulk v1 — mbo" in run.stdout
    for value_list in value_lists().values():
        assert value_list.name in run.stdout
    assert "studielast" in run.stdout and "leerweg" in run.stdout


def test_schema_one_sector() -> None:
    run = rodcli("schema", "--sector", "ho", "--lang", "en")
    assert run.exit_code == 0
    assert "ROD bulk v1 — ho" in run.stdout
    assert "ROD bulk v1 — mbo" not in run.stdout
    assert "source: BRO art. 4.1f, 18.1a" in run.stdout  # geboortedatum, for every student


@pytest.mark.parametrize("sector", ["ho", "mbo"])
def test_schema_xsd_parses(sector: str) -> None:
    run = rodcli("schema", "--xsd", sector)
    assert run.exit_code == 0
    document = etree.fromstring(run.stdout.encode("utf-8"))
    assert document.tag == "{http://www.w3.org/2001/XMLSchema}schema"
    assert document.get("targetNamespace") == NAMESPACES[sector]
    etree.XMLSchema(document)  # and it compiles


def test_schema_xsd_validates_a_built_file(tmp_path: Path) -> None:
    schema = etree.XMLSchema(etree.fromstring(rodcli("schema", "--xsd", "ho").stdout.encode()))
    rows = [inschrijving(burgerservicenummer=None, onderwijsnummer=ONR,
                         geboortedatum="2005-01-02", geslacht="V"), uitschrijving(), resultaat()]
    assert schema.validate(etree.parse(str(write_xml(tmp_path, rows))))


# ---- version ----------------------------------------------------------------------------------


def test_version_option() -> None:
    run = rodcli("--version")
    assert run.exit_code == 0
    assert run.stdout == f"rodcli {__version__}\n"


def test_python_m_rodcli_version() -> None:
    done = subprocess.run([sys.executable, "-m", "rodcli", "--version"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"rodcli {__version__}\n"


def test_python_m_rodcli_validate_exit_code(errors: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "rodcli", "validate", str(errors), "-q"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "F002" in done.stdout
