"""The JSON report matches its documented, versioned JSON Schema (shipped in the package)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from conftest import ENROLMENT, write_bulk
from rodcli.codes import CATALOGUE
from rodcli.findings import FileReport, Location, Result, make_finding
from rodcli.pipeline import ValidateOptions, validate_files
from rodcli.render.json import REPORT_VERSION, render_json, report_schema


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = report_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def check(validator: Draft202012Validator, report: dict[str, Any]) -> None:
    errors = sorted(validator.iter_errors(report), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_schema_is_draft_2020_12_and_names_the_version() -> None:
    schema = report_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["report_version"]["const"] == REPORT_VERSION


def test_schema_ships_in_the_package() -> None:
    import rodcli.render

    assert (Path(rodcli.render.__file__).parent / "report.schema.json").is_file()


def test_report_with_findings_matches_schema(
    validator: Draft202012Validator, tmp_path: Path
) -> None:
    bulk = write_bulk(tmp_path / "bulk.csv", [
        ENROLMENT,
        {**ENROLMENT, "inschrijvingvolgnummer": "2", "datumInschrijving": "20241301"},
        {**ENROLMENT, "inschrijvingvolgnummer": "3", "geslacht": ""},
        {"recordtype": "uitschrijving", "brin": "99XX", "burgerservicenummer": "111222333",
         "inschrijvingvolgnummer": "9", "datumUitschrijving": "20250831"},
    ])
    result = validate_files([bulk, tmp_path / "missing.xml"], ValidateOptions())
    report = json.loads(render_json(result, "en"))
    check(validator, report)
    codes = {finding["code"] for finding in report["findings"]}
    assert {"F001", "F003", "R006", "I001"} <= codes
    assert report["counts"]["by_severity"]["error"] >= 2
    assert report["files"][1] == {"path": str(tmp_path / "missing.xml"), "kind": None,
                                  "sector": None, "encoding": None, "records": 0,
                                  "readable": False}


def test_clean_report_matches_schema(validator: Draft202012Validator, tmp_path: Path) -> None:
    bulk = write_bulk(tmp_path / "bulk.csv", [ENROLMENT])
    report = json.loads(render_json(validate_files([bulk], ValidateOptions()), "nl"))
    check(validator, report)
    assert report["findings"] == [] and report["counts"]["total"] == 0
    assert report["truncated"] is False


def test_truncated_report_matches_schema(validator: Draft202012Validator) -> None:
    result = Result(max_findings=1, files=[FileReport("a.csv", "csv", "ho", "utf-8", 2)])
    for line in (2, 3):
        result.add(make_finding("F007", Location("a.csv", line, 19, "burgerservicenummer",
                                                 "99XX/*****2334/1"), value="111222334"))
    report = json.loads(render_json(result, "en"))
    check(validator, report)
    assert report["truncated"] is True
    assert report["counts"]["total"] == 2 and len(report["findings"]) == 1


def test_every_catalogue_code_fits_the_schema(validator: Draft202012Validator) -> None:
    result = Result()
    for code in CATALOGUE:
        result.add(make_finding(code, Location("a.csv", 1, 1, "brin", "99XX/*****2333/1")))
    check(validator, json.loads(render_json(result, "nl")))


@pytest.mark.parametrize("broken", [
    {"report_version": "2"},
    {"truncated": "no"},
    {"language": "de"},
    {"extra": 1},
])
def test_schema_rejects_drift(validator: Draft202012Validator, broken: dict[str, Any]) -> None:
    report = json.loads(render_json(Result(), "nl"))
    report.update(broken)
    assert not validator.is_valid(report)


def test_schema_rejects_a_line_zero(validator: Draft202012Validator) -> None:
    result = Result()
    result.add(make_finding("X001", Location("a.xml", 0), reason="boom"))
    assert not validator.is_valid(json.loads(render_json(result, "nl")))
