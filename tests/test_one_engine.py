"""One checking engine: ``build`` finds in an export row exactly what ``validate`` finds in
the records that row maps to, so an administrator needs one round, not two.

Each example export is mapped row by row; the records are written, unchecked, to a bulk XML
file (one record after another, ISO dates as the mapping makes them) and validated. Per
export row, the codes ``build`` reports (field, value-list and rule findings) equal the
codes ``validate`` reports for that row's records.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from conftest import csv_text, inschrijving, xml_text
from rodcli.builder import BuildOptions, build
from rodcli.exports import open_export
from rodcli.mapping import compile_mapping, load_mapping
from rodcli.pipeline import ValidateOptions, validate_files

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "examples" / "exports"
IDENTITY = ROOT / "benchmarks" / "identity_mapping.toml"
CASES = [
    pytest.param(EXPORTS / "ho_export.csv", EXPORTS / "ho_mapping.toml", "ho", id="ho"),
    pytest.param(EXPORTS / "ho_export_broken.csv", EXPORTS / "ho_mapping.toml", "ho",
                 id="ho-broken"),
    pytest.param(EXPORTS / "ho_export.xlsx", EXPORTS / "ho_xlsx_mapping.toml", "ho", id="xlsx"),
    pytest.param(EXPORTS / "mbo_export.csv", EXPORTS / "mbo_mapping.toml", "mbo", id="mbo"),
]
# What only build can see (the export and the mapping) or only validate (the XSD).
_SHARED = ("F", "R")


def _shared(code: str) -> bool:
    return code.startswith(_SHARED)


@pytest.mark.parametrize(("export", "mapping", "sector"), CASES)
def test_build_finds_in_each_row_what_validate_finds_in_its_records(
        tmp_path: Path, export: Path, mapping: Path, sector: str) -> None:
    spec, text = load_mapping(mapping)
    rows: list[dict[str, object]] = []
    row_of_record: list[int] = []
    # What the mapping itself says of a cell (a date it cannot read, say) is build's alone;
    # the field it would have filled is then missing for validate, which build does not repeat.
    mapped_findings: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    with open_export(export, delimiter=spec.source.delimiter, encoding=spec.source.encoding,
                     sheet=spec.source.sheet) as table:
        compiled = compile_mapping(spec, text, str(mapping), table, sector)  # type: ignore[arg-type]
        for row in table.rows:
            mapped = compiled.map_row(row)
            mapped_findings[row.line] += [(f.code, f.location.field) for f in mapped.findings]
            for raw in mapped.records:
                rows.append({"recordtype": raw.record_type, **raw.values})
                row_of_record.append(row.line)
    bulk = tmp_path / "mapped.xml"
    bulk.write_text(xml_text(rows, sector), encoding="utf-8")
    # Each record element starts on its own line: the n-th record's line, back to its row.
    starts = [number for number, line in enumerate(bulk.read_text().splitlines(), start=1)
              if line.startswith("  <") and not line.startswith("  </")
              and line.strip()[1:-1] in {str(r["recordtype"]) for r in rows}]
    record_lines = starts[-len(rows):]
    line_to_row = {}
    for index, start in enumerate(record_lines):
        end = record_lines[index + 1] if index + 1 < len(record_lines) else 1 << 30
        line_to_row[(start, end)] = row_of_record[index]

    def row_at(line: int | None) -> int:
        assert line is not None
        return next(row for (start, end), row in line_to_row.items() if start <= line < end)

    validated = validate_files([bulk], ValidateOptions(max_findings=0))
    expected: dict[int, Counter[str]] = defaultdict(Counter)
    for finding in validated.findings:
        if _shared(finding.code):
            expected[row_at(finding.location.line)][finding.code] += 1

    built = build(export, BuildOptions(mapping=mapping, sector=sector,  # type: ignore[arg-type]
                                       output_format="xml", output=tmp_path / "out.xml",
                                       rejects=tmp_path / "rejects.csv", max_findings=0))
    found: dict[int, Counter[str]] = defaultdict(Counter)
    for finding in built.findings:
        if _shared(finding.code) and finding.location.line is not None:
            found[finding.location.line][finding.code] += 1
    for line, said in mapped_findings.items():
        for code, _field in said:
            if _shared(code):
                expected[line][code] += 1
        expected[line]["F001"] -= len(said)
    assert {line: +counts for line, counts in found.items() if +counts} == {
        line: +counts for line, counts in expected.items() if +counts}


def test_an_impossible_date_and_an_unknown_code_both_in_one_round(tmp_path: Path) -> None:
    """The drift issue 11 names: build gave F003 alone, validate F003 and F005."""
    bulk = tmp_path / "bulk.csv"
    bulk.write_text(csv_text([inschrijving(datumInschrijving="20250230", opleidingsvorm="XX")]),
                    encoding="utf-8")
    validated = validate_files([bulk], ValidateOptions())
    assert {f.code for f in validated.findings} >= {"F003", "F005"}
    built = build(bulk, BuildOptions(mapping=IDENTITY, sector="ho", output_format="csv",
                                     output=tmp_path / "out.csv",
                                     rejects=tmp_path / "rejects.csv"))
    assert sorted(f.code for f in built.findings if _shared(f.code)) == sorted(
        f.code for f in validated.findings if _shared(f.code))
