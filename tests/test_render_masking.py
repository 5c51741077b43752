"""No report format ever shows a personal number (BSN, onderwijsnummer) in full.

The files below carry synthetic numbers that pass the eleven-test (and one that fails it) in
records that draw findings; every renderer's output must show them masked (``*****2333``) only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rodcli.cli import RENDERERS, OutputFormat
from rodcli.codes import LANGS, Lang
from rodcli.findings import Result
from rodcli.pipeline import ValidateOptions, validate_files
from rodcli.readers.bulk_csv import csv_columns

BSN = "111222333"
BSN2 = "123456782"
ONR = "101222331"  # onderwijsnummer
BAD_BSN = "111222334"  # fails the eleven-test: still someone's number with a typo
NUMBERS = (BSN, BSN2, ONR, BAD_BSN)

ENROLMENT = {
    "recordtype": "inschrijving",
    "brin": "99XX",
    "inschrijvingvolgnummer": "1",
    "datumInschrijving": "20240901",
    "opleidingcode": "34479",
    "opleidingsvorm": "VOLTIJD",
    "opleidingsfase": "B",
    "inschrijvingsvorm": "S",
}

XML = """<?xml version="1.0" encoding="UTF-8"?>
<aanleveren_onderwijsdeelnemers_request xmlns="urn:rodcli:schema:ROD_Bulk_HO_V1">
  <identificatiecodeBedrijfsdocument>0f8fad5b-d9cb-469f-a165-70867728950e</identificatiecodeBedrijfsdocument>
  <verzendendeInstantie>99XX</verzendendeInstantie>
  <ontvangendeInstantie>DUO</ontvangendeInstantie>
  <datumTijdBedrijfsdocument>2025-09-01T08:15:00Z</datumTijdBedrijfsdocument>
  <inschrijving>
    <brin>99XX</brin>
    <burgerservicenummer>{bsn}</burgerservicenummer>
    <onderwijsnummer>{onr}</onderwijsnummer>
    <inschrijvingvolgnummer>1</inschrijvingvolgnummer>
    <geslacht>V</geslacht>
    <datumInschrijving>2024-09-31</datumInschrijving>
    <opleidingcode>34479</opleidingcode>
    <opleidingsvorm>VOLTIJD</opleidingsvorm>
    <opleidingsfase>B</opleidingsfase>
    <inschrijvingsvorm>S</inschrijvingsvorm>
  </inschrijving>
  <uitschrijving>
    <brin>99XX</brin>
    <burgerservicenummer>{bad}</burgerservicenummer>
    <inschrijvingvolgnummer>2</inschrijvingvolgnummer>
    <datumUitschrijving>2025-08-31</datumUitschrijving>
  </uitschrijving>
</aanleveren_onderwijsdeelnemers_request>
"""


def write_csv(path: Path) -> Path:
    rows = [
        {**ENROLMENT, "burgerservicenummer": BSN, "geslacht": "V"},  # F001: no birth date
        {**ENROLMENT, "burgerservicenummer": BSN2, "datumInschrijving": "20241301"},  # F003
        {**ENROLMENT, "onderwijsnummer": ONR},  # F001: no birth date, no sex
        {**ENROLMENT, "burgerservicenummer": BSN2, "onderwijsnummer": ONR,
         "inschrijvingvolgnummer": "2"},  # F009
        {**ENROLMENT, "burgerservicenummer": BAD_BSN},  # F007
        {"recordtype": "uitschrijving", "brin": "99XX", "burgerservicenummer": BSN,
         "inschrijvingvolgnummer": "7", "datumUitschrijving": "20250831"},  # R006
        {**ENROLMENT, "burgerservicenummer": BSN},  # R005
        {**ENROLMENT, "burgerservicenummer": BSN, "inschrijvingvolgnummer": "3",
         "postcode": ONR},  # F002, a personal number in the wrong column
    ]
    columns = csv_columns()
    lines = [";".join(columns)] + [";".join(row.get(name, "") for name in columns)
                                   for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    folder = tmp_path_factory.mktemp("pgn")
    csv_file = write_csv(folder / "students.csv")
    xml_file = folder / "students.xml"
    xml_file.write_text(XML.format(bsn=BSN, onr=ONR, bad=BAD_BSN), encoding="utf-8")
    return {
        "csv": validate_files([csv_file], ValidateOptions()),
        "xml": validate_files([xml_file], ValidateOptions()),
    }


@pytest.mark.parametrize(("kind", "masked"), [
    ("csv", {"99XX/*****2333/1", "99XX/*****6782/1", "99XX/*****2331/1", "99XX/*****2334/1"}),
    ("xml", {"99XX/*****2333/1", "99XX/*****2334/2"}),
])
def test_the_files_draw_findings_about_those_records(
    results: dict[str, Result], kind: str, masked: set[str]
) -> None:
    records = {finding.location.record for finding in results[kind].findings}
    assert masked <= records


@pytest.mark.parametrize("kind", ["csv", "xml"])
@pytest.mark.parametrize("output_format", list(OutputFormat))
@pytest.mark.parametrize("lang", LANGS)
def test_no_personal_number_in_full(
    results: dict[str, Result], kind: str, output_format: OutputFormat, lang: Lang
) -> None:
    text = RENDERERS[output_format](results[kind], lang)
    leaked = [number for number in NUMBERS if number in text]
    assert not leaked, f"{output_format.value} shows {leaked}"
    assert "*****" in text  # the records are there, masked


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_nine_digits_in_the_record_key_are_masked_too(
    tmp_path: Path, output_format: OutputFormat
) -> None:
    columns = csv_columns()
    row = {**ENROLMENT, "burgerservicenummer": BSN, "inschrijvingvolgnummer": BSN2,
           "geslacht": "V"}
    bulk = tmp_path / "students.csv"
    bulk.write_text(";".join(columns) + "\n" + ";".join(row.get(c, "") for c in columns) + "\n",
                    encoding="utf-8")
    result = validate_files([bulk], ValidateOptions())
    assert result.findings  # F001: no birth date, no vooropleiding
    assert BSN2 not in RENDERERS[output_format](result, "en")
