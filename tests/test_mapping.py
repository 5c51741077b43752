"""Mapping files (TOML): problems with the mapping itself are no-verdict findings (exit 2) that
point at the mapping's line; problems of single rows (M007-M010) reject that row. Also: the
date notations, Excel dates, code translation, personal details with a BSN, ``[source]``.

Every personal number here is synthetic (eleven-test arithmetic, belongs to nobody).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import onderwijsnummer as stdnum_onderwijsnummer
from typer.testing import CliRunner

from rodcli.builder import BuildOptions, build
from rodcli.cli import app
from rodcli.codes import CATALOGUE, message
from rodcli.exports import open_export
from rodcli.findings import Finding, Result, Severity, exit_code
from rodcli.mapping import (
    DEFAULT_DATE_NOTATIONS,
    SUPPORTED_DATE_NOTATIONS,
    compile_mapping,
    date_pattern,
    load_mapping,
)

runner = CliRunner(env={"COLUMNS": "250", "RODCLI_LANG": None, "RODCLI_DEBUG": None})

RNG = random.Random(77)


def valid_bsn(rng: random.Random = RNG, first: str | None = None) -> str:
    while True:
        low, high = (10_000_000, 99_999_999) if first == "0" else (100_000_000, 999_999_999)
        number = f"{rng.randint(low, high):09d}"
        if stdnum_bsn.is_valid(number):
            return number


def valid_onderwijsnummer(rng: random.Random = RNG) -> str:
    while True:
        number = f"10{rng.randint(0, 9_999_999):07d}"
        if stdnum_onderwijsnummer.is_valid(number):
            return number


BSN1, BSN2, BSN3 = valid_bsn(), valid_bsn(), valid_bsn()
ONR = valid_onderwijsnummer()

HEADER = ["Nummer", "BSN", "Start", "CROHO", "Vorm", "Fase", "Eind", "Geboren", "Geslacht",
          "Vooropleiding"]
MAPPING = """\
# a small ho mapping
sector = "ho"

[records]
inschrijving = "always"
uitschrijving = { filled = "Eind" }

[fields]
brin = { value = "99XX" }
burgerservicenummer = "BSN"
inschrijvingvolgnummer = "Nummer"
datumInschrijving = { column = "Start", date = "DD-MM-YYYY" }
opleidingcode = "CROHO"
opleidingsvorm = { column = "Vorm", codes = { "VT" = "VOLTIJD", "DT" = "DEELTIJD" } }
opleidingsfase = "Fase"
inschrijvingsvorm = { value = "S" }
datumUitschrijving = { column = "Eind", date = "DD-MM-YYYY" }
geboortedatum = { column = "Geboren", date = "DD-MM-YYYY" }
geslacht = "Geslacht"
vooropleiding = { column = "Vooropleiding", codes = { "vwo" = "00401", "havo" = "00201" } }
"""


def row(**cells: str) -> list[str]:
    values = {"Nummer": "1", "BSN": BSN1, "Start": "01-09-2025", "CROHO": "34479", "Vorm": "VT",
              "Fase": "B", "Eind": "", "Geboren": "14-03-2005", "Geslacht": "V",
              "Vooropleiding": "vwo"}
    values.update(cells)
    return [values[name] for name in HEADER]


def write_export(folder: Path, rows: list[list[str]], header: list[str] = HEADER,
                 name: str = "export.csv") -> Path:
    path = folder / name
    lines = [";".join(header), *(";".join(cells) for cells in rows)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def write_mapping(folder: Path, text: str = MAPPING) -> Path:
    path = folder / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in the mapping")


def run_build(folder: Path, text: str, rows: list[list[str]] | None = None,
              header: list[str] = HEADER, **changes: Any) -> Result:
    export = write_export(folder, rows if rows is not None else [row()], header)
    values: dict[str, Any] = {"mapping": write_mapping(folder, text), "sector": "ho",
                              "output_format": "csv", "output": folder / "bulk.csv"}
    values.update(changes)
    return build(export, BuildOptions(**values))


def only(result: Result, code: str) -> Finding:
    found = [finding for finding in result.findings if finding.code == code]
    assert len(found) == 1, [(f.code, f.params) for f in result.findings]
    return found[0]


def bulk_rows(folder: Path) -> list[dict[str, str]]:
    import csv

    with (folder / "bulk.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


# ---- the example mapping works -----------------------------------------------------------------


def test_the_small_mapping_builds(tmp_path: Path) -> None:
    result = run_build(tmp_path, MAPPING, [row(), row(Nummer="2", BSN=BSN2, Eind="31-01-2026")])
    assert exit_code(result, Severity.ERROR) == 0, result.findings
    records = bulk_rows(tmp_path)
    assert [r["recordtype"] for r in records] == ["inschrijving", "inschrijving", "uitschrijving"]
    assert records[0]["opleidingsvorm"] == "VOLTIJD"
    assert records[2]["datumUitschrijving"] == "20260131"


# ---- problems of the mapping itself: no verdict, with the mapping's line ----------------------


def _mapping_problem(tmp_path: Path, text: str, code: str, needle: str,
                     sector: str = "ho") -> Finding:
    result = run_build(tmp_path, text, sector=sector)
    finding = only(result, code)
    assert CATALOGUE[code].no_verdict
    assert finding.location.file == str(tmp_path / "mapping.toml")
    assert finding.location.line == line_of(text, needle), finding
    assert exit_code(result, Severity.ERROR) == 2
    assert not (tmp_path / "bulk.csv").exists()
    return finding


def test_bad_toml_gives_the_line_of_the_toml_error(tmp_path: Path) -> None:
    text = MAPPING.replace('opleidingsfase = "Fase"', 'opleidingsfase = "Fase')
    finding = _mapping_problem(tmp_path, text, "M001", 'opleidingsfase = "Fase')
    # the place is in the location, once, not repeated in the reason (issue 14)
    assert finding.location.column is not None
    assert "line" not in finding.params["reason"]


def test_mapping_that_is_not_utf8(tmp_path: Path) -> None:
    export = write_export(tmp_path, [row()])
    mapping = tmp_path / "mapping.toml"
    mapping.write_bytes(MAPPING.replace("small", "kléin").encode("cp1252"))
    result = build(export, BuildOptions(mapping, "ho", "xml", tmp_path / "bulk.xml"))
    assert only(result, "M001").location.file == str(mapping)
    assert exit_code(result, Severity.ERROR) == 2


def test_missing_mapping_file(tmp_path: Path) -> None:
    export = write_export(tmp_path, [row()])
    result = build(export, BuildOptions(tmp_path / "nope.toml", "ho", "xml", tmp_path / "b.xml"))
    assert only(result, "M001")
    assert exit_code(result, Severity.ERROR) == 2


def test_unknown_record_field(tmp_path: Path) -> None:
    text = MAPPING + 'opleidingsduur = "Duur"\n'
    finding = _mapping_problem(tmp_path, text, "M003", "opleidingsduur")
    assert finding.params["key"] == "fields.opleidingsduur"


def test_unknown_record_type(tmp_path: Path) -> None:
    text = MAPPING.replace('uitschrijving = { filled = "Eind" }',
                           'diploma = { filled = "Eind" }')
    finding = _mapping_problem(tmp_path, text, "M003", "diploma =")
    assert finding.params["key"] == "records.diploma"


def test_module_enrolment_is_no_mbo_record_type(tmp_path: Path) -> None:
    text = MAPPING.replace('sector = "ho"', 'sector = "mbo"').replace(
        'uitschrijving = { filled = "Eind" }', 'moduleInschrijving = { filled = "Eind" }')
    result = run_build(tmp_path, text, sector="mbo", output=tmp_path / "bulk.xml",
                       output_format="xml")
    keys = {f.params.get("key") for f in result.findings if f.code == "M003"}
    assert "records.moduleInschrijving" in keys
    assert exit_code(result, Severity.ERROR) == 2


def test_unknown_key_in_source(tmp_path: Path) -> None:
    text = MAPPING.replace("[records]", '[source]\nseperator = ";"\n\n[records]')
    finding = _mapping_problem(tmp_path, text, "M003", "seperator")
    assert finding.params["key"] == "source.seperator"


@pytest.mark.parametrize("condition", [
    '{ filled = "Eind", empty = "Eind" }',
    '{ column = "Eind" }',
    "{ }",
])
def test_condition_of_the_wrong_shape(tmp_path: Path, condition: str) -> None:
    text = MAPPING.replace('uitschrijving = { filled = "Eind" }',
                           f"uitschrijving = {condition}")
    finding = _mapping_problem(tmp_path, text, "M003", "uitschrijving =")
    assert finding.params["key"] == "records.uitschrijving"


def test_condition_word_other_than_always(tmp_path: Path) -> None:
    text = MAPPING.replace('inschrijving = "always"', 'inschrijving = "altijd"')
    result = run_build(tmp_path, text)
    findings = [f for f in result.findings if f.code == "M003"]
    assert findings and {f.location.line for f in findings} == {line_of(text, '"altijd"')}
    assert exit_code(result, Severity.ERROR) == 2


def test_field_with_both_column_and_value(tmp_path: Path) -> None:
    text = MAPPING.replace('opleidingsfase = "Fase"',
                           'opleidingsfase = { column = "Fase", value = "B" }')
    _mapping_problem(tmp_path, text, "M003", "opleidingsfase =")


def test_unknown_export_column_is_named_and_the_header_listed(tmp_path: Path) -> None:
    text = MAPPING.replace('opleidingcode = "CROHO"', 'opleidingcode = "Croho"')
    finding = _mapping_problem(tmp_path, text, "M002", 'opleidingcode = "Croho"')
    assert finding.params["column"] == "Croho"
    assert finding.params["field"] == "opleidingcode"
    assert finding.params["expected"] == ", ".join(HEADER)


def test_unknown_export_column_in_a_record_condition(tmp_path: Path) -> None:
    text = MAPPING.replace('{ filled = "Eind" }', '{ filled = "Einddatum" }')
    finding = _mapping_problem(tmp_path, text, "M002", "uitschrijving =")
    assert finding.params["column"] == "Einddatum"


def test_translation_to_a_code_not_in_the_value_list(tmp_path: Path) -> None:
    text = MAPPING.replace('"VT" = "VOLTIJD"', '"VT" = "FULLTIME"')
    finding = _mapping_problem(tmp_path, text, "M004", "opleidingsvorm =")
    assert finding.params["value"] == "FULLTIME" and finding.params["source"] == "VT"
    assert "VOLTIJD" in finding.params["expected"]


@pytest.mark.parametrize("notation", ["MM-DD-YY", "DD-MM", "YYYY-MM-DD HH:MM", "dag-maand-jaar"])
def test_unsupported_date_notation(tmp_path: Path, notation: str) -> None:
    text = MAPPING.replace('{ column = "Start", date = "DD-MM-YYYY" }',
                           f'{{ column = "Start", date = "{notation}" }}')
    finding = _mapping_problem(tmp_path, text, "M005", "datumInschrijving =")
    assert finding.params["value"] == notation


@pytest.mark.parametrize("field", ["opleidingsfase", "datumInschrijving", "inschrijvingsvorm"])
def test_required_field_not_mapped(tmp_path: Path, field: str) -> None:
    text = "\n".join(line for line in MAPPING.splitlines() if not line.startswith(field)) + "\n"
    finding = _mapping_problem(tmp_path, text, "M006", "[fields]")
    assert finding.params == {"field": field, "record_type": "inschrijving"}


def test_no_personal_number_mapped(tmp_path: Path) -> None:
    text = MAPPING.replace('burgerservicenummer = "BSN"\n', "")
    result = run_build(tmp_path, text)
    findings = [f for f in result.findings if f.code == "M006"]
    assert {(f.params["field"], f.params["record_type"]) for f in findings} == {
        ("burgerservicenummer", "inschrijving"), ("burgerservicenummer", "uitschrijving")}
    assert {f.location.line for f in findings} == {line_of(text, "[fields]")}
    assert exit_code(result, Severity.ERROR) == 2


def test_required_field_of_a_conditional_record_type(tmp_path: Path) -> None:
    text = MAPPING.replace('datumUitschrijving = { column = "Eind", date = "DD-MM-YYYY" }\n', "")
    finding = _mapping_problem(tmp_path, text, "M006", "[fields]")
    assert finding.params == {"field": "datumUitschrijving", "record_type": "uitschrijving"}


def test_sector_mismatch(tmp_path: Path) -> None:
    result = run_build(tmp_path, MAPPING, sector="mbo", output_format="xml",
                       output=tmp_path / "bulk.xml")
    finding = only(result, "M011")
    assert finding.params == {"found": "ho", "expected": "mbo"}
    assert finding.location.line == line_of(MAPPING, 'sector = "ho"')
    assert exit_code(result, Severity.ERROR) == 2
    assert not (tmp_path / "bulk.xml").exists()


def test_every_mapping_problem_at_once(tmp_path: Path) -> None:
    text = (MAPPING.replace('opleidingcode = "CROHO"', 'opleidingcode = "Croho"')
            .replace('"VT" = "VOLTIJD"', '"VT" = "FULLTIME"')
            .replace('date = "DD-MM-YYYY" }\nopleidingcode', 'date = "MM/YY" }\nopleidingcode'))
    result = run_build(tmp_path, text)
    assert {"M002", "M004", "M005"} <= {f.code for f in result.findings}
    assert exit_code(result, Severity.ERROR) == 2


def test_unknown_column_of_a_required_field_is_reported_once(tmp_path: Path) -> None:
    text = MAPPING.replace('opleidingcode = "CROHO"', 'opleidingcode = "Croho"')
    result = run_build(tmp_path, text)
    assert sorted(f.code for f in result.findings) == ["M002"]


def test_mapping_problem_through_the_cli(tmp_path: Path) -> None:
    text = MAPPING.replace('opleidingcode = "CROHO"', 'opleidingcode = "Croho"')
    export = write_export(tmp_path, [row()])
    mapping = write_mapping(tmp_path, text)
    run = runner.invoke(app, ["build", str(export), "-m", str(mapping), "--sector", "ho",
                              "-o", str(tmp_path / "bulk.xml"), "--lang", "en"])
    assert run.exit_code == 2
    assert f"{mapping}:{line_of(text, 'Croho')}: M002" in run.stdout
    assert "Nummer, BSN, Start, CROHO" in run.stdout  # the header, to copy the name from
    assert not (tmp_path / "bulk.xml").exists()


# ---- problems of single rows: the row is rejected --------------------------------------------


def _rejected(result: Result, code: str) -> Finding:
    finding = only(result, code)
    assert result.build is not None
    assert result.build.rows_rejected == 1
    assert result.build.rows_read == result.build.rows_accepted + result.build.rows_rejected
    assert exit_code(result, Severity.ERROR) == 1
    return finding


def test_value_without_translation(tmp_path: Path) -> None:
    result = run_build(tmp_path, MAPPING, [row(), row(Nummer="2", BSN=BSN2, Vorm="Voltijd")])
    finding = _rejected(result, "M007")
    assert finding.params == {"value": "Voltijd", "column": "Vorm", "field": "opleidingsvorm"}
    assert finding.location.line == 3 and finding.location.column is not None


def test_value_that_is_already_a_valid_code_passes_through(tmp_path: Path) -> None:
    result = run_build(tmp_path, MAPPING, [row(Vorm="DUAAL"), row(Nummer="2", Vorm="DT")])
    assert exit_code(result, Severity.ERROR) == 0, result.findings
    assert [r["opleidingsvorm"] for r in bulk_rows(tmp_path)] == ["DUAAL", "DEELTIJD"]


def test_translation_is_exact_and_case_sensitive(tmp_path: Path) -> None:
    result = run_build(tmp_path, MAPPING, [row(Vorm=" VT "), row(Nummer="2", Vorm="vt")],
                       rejects=tmp_path / "rejects.csv")
    finding = _rejected(result, "M007")
    assert finding.params["value"] == "vt"
    assert bulk_rows(tmp_path)[0]["opleidingsvorm"] == "VOLTIJD"  # outer spaces are trimmed


def test_coded_field_without_codes_table_is_checked_against_the_value_list(
        tmp_path: Path) -> None:
    text = MAPPING.replace('opleidingsvorm = { column = "Vorm", codes = { "VT" = "VOLTIJD", '
                           '"DT" = "DEELTIJD" } }', 'opleidingsvorm = "Vorm"')
    result = run_build(tmp_path, text, [row(Vorm="VOLTIJD"), row(Nummer="2", Vorm="VT")])
    _rejected(result, "F005")


def test_date_not_in_the_declared_notation(tmp_path: Path) -> None:
    result = run_build(tmp_path, MAPPING, [row(Start="2025-09-01")])
    finding = _rejected(result, "M008")
    assert finding.params == {"value": "2025-09-01", "column": "Start",
                              "expected": "DD-MM-YYYY"}
    assert "F001" not in {f.code for f in result.findings}  # not also "required, missing"


def test_date_that_does_not_exist(tmp_path: Path) -> None:
    result = run_build(tmp_path, MAPPING, [row(Start="31-11-2025")])
    assert _rejected(result, "F003").params["value"] == "31-11-2025"


def test_eight_digit_bsn_is_padded_with_a_warning(tmp_path: Path) -> None:
    padded = valid_bsn(first="0")
    result = run_build(tmp_path, MAPPING, [row(BSN=padded[1:])])
    finding = only(result, "M009")
    assert finding.severity is Severity.WARNING
    assert finding.params["value"] == "*****" + padded[-4:]
    assert padded[1:] not in str(finding)
    assert exit_code(result, Severity.ERROR) == 0
    assert bulk_rows(tmp_path)[0]["burgerservicenummer"] == padded


def test_row_meeting_no_condition(tmp_path: Path) -> None:
    text = MAPPING.replace('inschrijving = "always"',
                           'inschrijving = { column = "Fase", equals = ["B", "M"] }')
    result = run_build(tmp_path, text, [row(), row(Nummer="2", BSN=BSN2, Fase="P")])
    finding = _rejected(result, "M010")
    assert finding.location.line == 3


def test_conditions_filled_empty_equals(tmp_path: Path) -> None:
    text = MAPPING.replace('inschrijving = "always"',
                           'inschrijving = { empty = "Eind" }').replace(
        'uitschrijving = { filled = "Eind" }',
        'uitschrijving = { column = "Fase", equals = ["X"] }')
    text = text.replace('opleidingsfase = "Fase"',
                        'opleidingsfase = { column = "Fase", codes = { "X" = "B" } }')
    rows = [row(), row(Nummer="2", Eind="31-01-2026"), row(Nummer="3", Fase="X",
                                                           Eind="31-01-2026")]
    result = run_build(tmp_path, text, rows)
    assert result.build is not None
    # row 2 has an end date: no enrolment, and Fase is not X: no deregistration either
    assert [f.code for f in result.findings
            if f.severity >= Severity.ERROR and f.code != "B005"] == ["M010"]
    assert result.build.rows_rejected == 1


# ---- date notations ----------------------------------------------------------------------------


def test_supported_notations_all_compile() -> None:
    for notation in (*SUPPORTED_DATE_NOTATIONS, *DEFAULT_DATE_NOTATIONS):
        assert date_pattern(notation) is not None, notation
    assert DEFAULT_DATE_NOTATIONS == ("YYYY-MM-DD", "DD-MM-YYYY")


@pytest.mark.parametrize(("notation", "text", "expected"), [
    ("DD-MM-YYYY", "31-08-2025", "20250831"),
    ("DD-MM-YYYY", "31-8-2025", "20250831"),
    ("DD-MM-YYYY", "1-9-2025", "20250901"),
    ("D-M-YYYY", "1-9-2025", "20250901"),
    ("D-M-YYYY", "01-09-2025", "20250901"),
    ("YYYY-MM-DD", "2025-08-31", "20250831"),
    ("YYYYMMDD", "20250831", "20250831"),
    ("DD/MM/YYYY", "31/08/2025", "20250831"),
    ("DD.MM.YYYY", "31.08.2025", "20250831"),
    ("JJJJ-MM-DD", "2025-08-31", "20250831"),
    ("dd-mm-yyyy", "31-08-2025", "20250831"),
    (None, "2025-08-31", "20250831"),
    (None, "31-08-2025", "20250831"),
    (None, "1-9-2025", "20250901"),
])
def test_date_notation(tmp_path: Path, notation: str | None, text: str, expected: str) -> None:
    source = f'{{ column = "Start", date = "{notation}" }}' if notation else '"Start"'
    mapping = MAPPING.replace('{ column = "Start", date = "DD-MM-YYYY" }', source)
    result = run_build(tmp_path, mapping, [row(Start=text)])
    assert exit_code(result, Severity.ERROR) == 0, result.findings
    assert bulk_rows(tmp_path)[0]["datumInschrijving"] == expected


@pytest.mark.parametrize(("notation", "text"), [
    ("YYYYMMDD", "2025831"),
    ("YYYYMMDD", "2025-08-31"),
    ("YYYY-MM-DD", "31-08-2025"),
    ("DD-MM-YYYY", "31-08-25"),
    ("DD-MM-YYYY", "31/08/2025"),
    ("DD-MM-YYYY", "45900"),  # an Excel serial as text in a CSV is not a date
    (None, "20250831"),
    (None, "31/08/2025"),
])
def test_date_in_another_notation(tmp_path: Path, notation: str | None, text: str) -> None:
    source = f'{{ column = "Start", date = "{notation}" }}' if notation else '"Start"'
    mapping = MAPPING.replace('{ column = "Start", date = "DD-MM-YYYY" }', source)
    result = run_build(tmp_path, mapping, [row(Start=text)])
    finding = _rejected(result, "M008")
    assert finding.params["expected"] == (notation or " / ".join(DEFAULT_DATE_NOTATIONS))


def _xlsx(folder: Path, rows: list[list[object]], header: list[str] = HEADER,
          sheets: tuple[str, ...] = ("Export",)) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheets[0]
    sheet.append(header)
    for cells in rows:
        sheet.append(cells)
    for name in sheets[1:]:
        workbook.create_sheet(name).append(["Toelichting"])
    path = folder / "export.xlsx"
    workbook.save(path)
    return path


def _xlsx_row(start: object, bsn: object = None) -> list[object]:
    return [1, bsn if bsn is not None else BSN1, start, 34479, "VT", "B", None,
            dt.date(2004, 3, 14), "V", "vwo"]


@pytest.mark.parametrize(("cell", "expected"), [
    (dt.date(2025, 8, 31), "20250831"),
    (dt.datetime(2025, 8, 31, 14, 30), "20250831"),
    (45900, "20250831"),  # Excel's serial number of 31 August 2025
    (45900.6, "20250831"),  # with a time of day
    ("31-08-2025", "20250831"),  # text in the declared notation
])
def test_excel_date_cells_and_serial_numbers(tmp_path: Path, cell: object,
                                             expected: str) -> None:
    export = _xlsx(tmp_path, [_xlsx_row(cell)])
    result = build(export, BuildOptions(write_mapping(tmp_path), "ho", "csv",
                                        tmp_path / "bulk.csv"))
    assert exit_code(result, Severity.ERROR) == 0, result.findings
    assert bulk_rows(tmp_path)[0]["datumInschrijving"] == expected


@pytest.mark.parametrize("cell", [7.5, 2025, 99999])
def test_number_that_is_no_plausible_excel_date(tmp_path: Path, cell: object) -> None:
    export = _xlsx(tmp_path, [_xlsx_row(cell)])
    result = build(export, BuildOptions(write_mapping(tmp_path), "ho", "csv",
                                        tmp_path / "bulk.csv"))
    assert only(result, "M012").params["column"] == "Start"
    assert exit_code(result, Severity.ERROR) == 1


def test_excel_number_bsn_and_numeric_codes(tmp_path: Path) -> None:
    padded = valid_bsn(first="0")
    export = _xlsx(tmp_path, [_xlsx_row(dt.date(2025, 9, 1), int(padded))])
    result = build(export, BuildOptions(write_mapping(tmp_path), "ho", "csv",
                                        tmp_path / "bulk.csv"))
    finding = only(result, "M009")
    assert finding.location.sheet == "Export" and finding.location.line == 2
    assert exit_code(result, Severity.ERROR) == 0
    record = bulk_rows(tmp_path)[0]
    assert record["burgerservicenummer"] == padded and record["opleidingcode"] == "34479"


# ---- personal details with a BSN ------------------------------------------------------------


PERSONAL = MAPPING.replace('burgerservicenummer = "BSN"', (
    'burgerservicenummer = "BSN"\nonderwijsnummer = "ONR"\npostcode = "Postcode"')).replace(
    'geslacht = "Geslacht"',
    'geslacht = { column = "Sekse", codes = { "man" = "M", "vrouw" = "V" } }')
PERSONAL_HEADER = [*HEADER, "ONR", "Sekse", "Postcode"]


def test_personal_details_are_kept_with_a_bsn(tmp_path: Path) -> None:
    """BRO art. 18.1a: birth date, sex and postcode go with every personal number, BSN or not
    (they used to be dropped for a student with a BSN)."""
    rows = [
        [*row(Geboren="14-03-2004"), "", "vrouw", "1234AB"],
        [*row(Nummer="2", BSN="", Geboren="02-06-2003"), ONR, "man", "3512AB"],
    ]
    result = run_build(tmp_path, PERSONAL, rows, PERSONAL_HEADER)
    assert exit_code(result, Severity.ERROR) == 0, result.findings
    first, second = bulk_rows(tmp_path)
    assert (first["burgerservicenummer"], first["geboortedatum"], first["geslacht"],
            first["postcode"]) == (BSN1, "20040314", "V", "1234AB")
    assert (second["onderwijsnummer"], second["geboortedatum"], second["geslacht"],
            second["postcode"]) == (ONR, "20030602", "M", "3512AB")


def test_a_bad_birth_date_with_a_bsn_is_reported_not_dropped(tmp_path: Path) -> None:
    rows = [[*row(Geboren="31-02-2004"), "", "vrouw", ""]]
    result = run_build(tmp_path, PERSONAL, rows, PERSONAL_HEADER)
    assert _rejected(result, "F003").location.field == "Geboren → geboortedatum"


def test_birth_date_and_sex_are_needed_for_every_student(tmp_path: Path) -> None:
    rows = [[*row(Geboren=""), "", "", ""],
            [*row(Nummer="2", BSN="", Geboren=""), ONR, "", ""]]
    result = run_build(tmp_path, PERSONAL, rows, PERSONAL_HEADER)
    missing = sorted((f.location.line, f.params["field"]) for f in result.findings
                     if f.code == "F001")
    assert missing == [(2, "geboortedatum"), (2, "geslacht"), (3, "geboortedatum"),
                       (3, "geslacht")]


def test_postcode_is_optional(tmp_path: Path) -> None:
    """A student abroad has no Dutch postcode; where the export has one it is delivered."""
    result = run_build(tmp_path, PERSONAL, [[*row(), "", "vrouw", ""]], PERSONAL_HEADER)
    assert exit_code(result, Severity.ERROR) == 0, result.findings
    assert bulk_rows(tmp_path)[0]["postcode"] == ""


# ---- [source], and the command line overriding it -------------------------------------------


def test_source_options_and_cli_flags_override_them(tmp_path: Path) -> None:
    text = MAPPING.replace("[records]", '[source]\ndelimiter = ","\nencoding = "utf-16-le"\n\n'
                                        "[records]")
    export = write_export(tmp_path, [row()])
    mapping = write_mapping(tmp_path, text)
    wrong = build(export, BuildOptions(mapping, "ho", "csv", tmp_path / "bulk.csv"))
    assert exit_code(wrong, Severity.ERROR) == 2  # the mapping's [source] was used
    right = build(export, BuildOptions(mapping, "ho", "csv", tmp_path / "bulk.csv",
                                       delimiter=";", encoding="utf-8"))
    assert exit_code(right, Severity.ERROR) == 0, right.findings
    assert right.build is not None
    assert (right.build.delimiter, right.build.encoding) == (";", "utf-8")


def test_forced_utf16_on_a_file_without_bom_reads_little_endian(tmp_path: Path) -> None:
    text = MAPPING.replace("[records]", '[source]\nencoding = "utf-16"\n\n[records]')
    result = run_build(tmp_path, text)
    assert exit_code(result, Severity.ERROR) == 2
    assert result.findings


def test_source_sheet_and_the_sheet_flag(tmp_path: Path) -> None:
    export = _xlsx(tmp_path, [_xlsx_row(dt.date(2025, 9, 1))], sheets=("Export", "Toelichting"))
    text = MAPPING.replace("[records]", '[source]\nsheet = "Toelichting"\n\n[records]')
    mapping = write_mapping(tmp_path, text)
    wrong = build(export, BuildOptions(mapping, "ho", "csv", tmp_path / "bulk.csv"))
    assert "M002" in {f.code for f in wrong.findings}
    right = build(export, BuildOptions(mapping, "ho", "csv", tmp_path / "bulk.csv",
                                       sheet="Export"))
    assert exit_code(right, Severity.ERROR) == 0, right.findings
    assert right.build is not None and right.build.sheet == "Export"
    missing = build(export, BuildOptions(mapping, "ho", "csv", tmp_path / "other.csv",
                                         sheet="Blad9"))
    assert only(missing, "E006").params["sheets"] == "'Export', 'Toelichting'"
    assert exit_code(missing, Severity.ERROR) == 2


def test_without_source_the_export_is_sniffed(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    lines = [",".join(HEADER), ",".join(row())]
    export.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    result = build(export, BuildOptions(write_mapping(tmp_path), "ho", "csv",
                                        tmp_path / "bulk.csv"))
    assert exit_code(result, Severity.ERROR) == 0, result.findings
    assert result.build is not None and result.build.delimiter == ","


def test_blank_rows_are_counted_apart(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    lines = [";".join(HEADER), ";".join(row()), "", ";;;;;;", ";".join(row(Nummer="2")), ""]
    export.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    result = build(export, BuildOptions(write_mapping(tmp_path), "ho", "csv",
                                        tmp_path / "bulk.csv"))
    assert result.build is not None
    assert (result.build.rows_read, result.build.rows_accepted, result.build.rows_rejected,
            result.build.rows_blank) == (2, 2, 0, 3)


# ---- loading and compiling directly -----------------------------------------------------------


def test_shorthand_and_long_form_are_the_same(tmp_path: Path) -> None:
    long_form = MAPPING.replace('opleidingcode = "CROHO"', 'opleidingcode = { column = "CROHO" }')
    export = write_export(tmp_path, [row()])
    mapped = []
    for text in (MAPPING, long_form):
        spec, raw = load_mapping(write_mapping(tmp_path, text))
        with open_export(export) as table:
            compiled = compile_mapping(spec, raw, "mapping.toml", table, "ho")
            mapped.append([record.values for r in table.rows
                           for record in compiled.map_row(r).records])
    assert mapped[0] == mapped[1]
    assert mapped[0][0]["opleidingcode"] == "34479"


def test_constants_are_used_as_they_are(tmp_path: Path) -> None:
    text = MAPPING.replace('opleidingsvorm = { column = "Vorm", codes = { "VT" = "VOLTIJD", '
                           '"DT" = "DEELTIJD" } }', 'opleidingsvorm = { value = "DEELTIJD" }')
    result = run_build(tmp_path, text, [row(Vorm="nonsense")])
    assert exit_code(result, Severity.ERROR) == 0, result.findings
    assert bulk_rows(tmp_path)[0]["opleidingsvorm"] == "DEELTIJD"


def test_decimal_comma_is_converted(tmp_path: Path) -> None:
    """A Dutch export writes 7,5; ROD wants 7.5. A decimal comma between digits is read as
    the decimal point it is; anything else that is no number is still rejected (F012)."""
    text = MAPPING.replace('inschrijving = "always"', 'moduleInschrijving = "always"').replace(
        'opleidingsfase = "Fase"', 'studielast = "Fase"')
    result = run_build(tmp_path, text, [row(Fase="7,5"), row(Nummer="2", Fase="7.5"),
                                        row(Nummer="3", Fase="7,5,0")], rejects=tmp_path / "r.csv")
    assert _rejected(result, "F012").params["value"] == "7,5,0"
    assert (tmp_path / "bulk.csv").read_text("utf-8").count(";7.5;") == 2
    # Said, not silent (issue 14): a note with the export's line and column, like M009.
    note = only(result, "M013")
    assert note.severity is Severity.INFO
    export_line = f"1;{BSN1};01-09-2025;34479;VT;7,5;"
    assert (note.location.line, note.location.column) == (2, export_line.index("7,5") + 1)
    assert note.location.field == "Fase → studielast"
    assert note.params["value"] == "7,5" and note.params["converted"] == "7.5"
    assert message(note, "nl") == "studielast in kolom Fase: '7,5' gelezen als 7.5"
    assert message(note, "en") == "studielast in column Fase: '7,5' read as 7.5"


# ---- R003 names the export column the reason came from ------------------------------------------


def test_r003_names_the_export_column_of_the_reason(tmp_path: Path) -> None:
    text = MAPPING + 'redenUitschrijving = { column = "Reden", codes = { "diploma" = "1" } }\n'
    rows = [[*row(Eind="31-08-2025"), "diploma"]]
    result = run_build(tmp_path, text, rows, [*HEADER, "Reden"])
    finding = _rejected(result, "R003")
    assert finding.location.field == "Reden → redenUitschrijving"
    line = (tmp_path / "export.csv").read_text(encoding="utf-8").splitlines()[1]
    assert finding.location.column is not None
    assert line[finding.location.column - 1:] == "diploma"
