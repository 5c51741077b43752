"""``rodcli build``: administration export + mapping -> a bulk file that passes ``validate``.

The examples in ``examples/exports/`` are built with their mappings and the result validated
(the round trip); the broken export shows the rejects file; the rest pins down what build
promises: nothing written while a row has an error (unless --rejects), the rows balance, an
existing output kept without --force, the export never touched, atomic writing (no partial
file, no temporary file left, whatever goes wrong), and no personal number in any report.

Every personal number here is synthetic (eleven-test arithmetic, belongs to nobody).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import gc
import hashlib
import io
import json
import os
import random
import re
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from stdnum.nl import bsn as stdnum_bsn
from typer.testing import CliRunner, Result

from rodcli import builder as build_module
from rodcli.builder import BuildOptions, build
from rodcli.cli import app
from rodcli.findings import Severity, exit_code

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "examples" / "exports"
HO_CSV = EXPORTS / "ho_export.csv"
HO_XLSX = EXPORTS / "ho_export.xlsx"
HO_BROKEN = EXPORTS / "ho_export_broken.csv"
MBO_CSV = EXPORTS / "mbo_export.csv"
HO_MAPPING = EXPORTS / "ho_mapping.toml"
HO_XLSX_MAPPING = EXPORTS / "ho_xlsx_mapping.toml"
MBO_MAPPING = EXPORTS / "mbo_mapping.toml"

# (export, mapping, sector, bulk formats)
EXAMPLES = [
    pytest.param(HO_CSV, HO_MAPPING, "ho", ("xml", "csv"), id="ho_export.csv"),
    pytest.param(HO_XLSX, HO_XLSX_MAPPING, "ho", ("xml", "csv"), id="ho_export.xlsx"),
    pytest.param(MBO_CSV, MBO_MAPPING, "mbo", ("xml",), id="mbo_export.csv"),
]
# The broken rows of ho_export_broken.csv (physical line -> the code that rejects it).
BROKEN = {2: "F007", 3: "F003", 6: "M007", 7: "F011", 10: "R002", 30: "R005"}
NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")

runner = CliRunner(env={"COLUMNS": "250", "RODCLI_LANG": None, "RODCLI_DEBUG": None})


def rodcli(*args: object) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


def report_of(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def codes_of(report: dict[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = report["counts"]["by_code"]
    return counts


def csv_rows(path: Path, encoding: str, delimiter: str) -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def data_rows(path: Path, encoding: str, delimiter: str) -> list[list[str]]:
    """The export's non-blank rows after the header."""
    return [row for row in csv_rows(path, encoding, delimiter)[1:] if any(c.strip() for c in row)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def options(tmp_path: Path, mapping: Path = HO_MAPPING, **changes: Any) -> BuildOptions:
    values: dict[str, Any] = {"mapping": mapping, "sector": "ho", "output_format": "xml",
                              "output": tmp_path / "bulk.xml"}
    values.update(changes)
    return BuildOptions(**values)


# ---- small exports made here -------------------------------------------------------------------


SMALL_MAPPING = """\
sector = "ho"

[records]
inschrijving = "always"

[fields]
brin = { value = "99XX" }
burgerservicenummer = "BSN"
inschrijvingvolgnummer = "Inschrijvingsnummer"
datumInschrijving = { column = "Startdatum", date = "DD-MM-YYYY" }
opleidingcode = "CROHO"
opleidingsvorm = { column = "Vorm", codes = { "VT" = "VOLTIJD", "DT" = "DEELTIJD" } }
opleidingsfase = "Fase"
inschrijvingsvorm = { value = "S" }
geboortedatum = { value = "2004-03-14" }
geslacht = { value = "V" }
vooropleiding = { value = "00401" }
"""
SMALL_HEADER = "Inschrijvingsnummer;BSN;Startdatum;CROHO;Vorm;Fase"


def write_mapping(folder: Path, text: str, name: str = "mapping.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def valid_bsn(rng: random.Random) -> str:
    while True:
        number = str(rng.randint(100_000_000, 999_999_999))
        if stdnum_bsn.is_valid(number):
            return number


def break_bsn(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def small_export(folder: Path, lines: list[str]) -> Path:
    path = folder / "export.csv"
    path.write_text("\n".join([SMALL_HEADER, *lines]) + "\n", encoding="utf-8")
    return path



# ---- the examples: build, then validate (the round trip) ----------------------------------------


def _example_cases() -> Iterator[Any]:
    for case in EXAMPLES:
        export, mapping, sector, formats = case.values
        for bulk_format in formats:
            yield pytest.param(export, mapping, sector, bulk_format,
                               id=f"{case.id}-{bulk_format}")


@pytest.mark.parametrize(("export", "mapping", "sector", "bulk_format"), list(_example_cases()))
def test_example_builds_and_the_output_validates(tmp_path: Path, export: Path, mapping: Path,
                                                 sector: str, bulk_format: str) -> None:
    output = tmp_path / f"bulk.{bulk_format}"
    report = tmp_path / "report.json"
    run = rodcli("build", export, "-m", mapping, "--sector", sector, "-o", output,
                 "--format", bulk_format, "--report", report, "--report-format", "json", "-q")
    assert run.exit_code == 0, run.output
    data = report_of(report)
    assert data["counts"]["by_severity"]["error"] == 0, codes_of(data)
    summary = data["build"]
    assert summary["rows_rejected"] == 0
    assert summary["rows_read"] == summary["rows_accepted"] > 0
    assert summary["records_written"] >= summary["rows_read"]
    assert summary["output"] == str(output)
    assert output.is_file()
    assert leftovers(tmp_path) == []

    check = rodcli("validate", output, "--sector", sector)
    assert check.exit_code == 0, check.output
    assert "Geen bevindingen." in check.stderr


def test_ho_csv_and_xlsx_exports_give_the_same_records(tmp_path: Path) -> None:
    """The same students as CSV (Windows-1252, Dutch dates) and as a workbook (date cells,
    numbers): the bulk files differ only in the document header."""
    bodies = []
    for export, mapping in ((HO_CSV, HO_MAPPING), (HO_XLSX, HO_XLSX_MAPPING)):
        output = tmp_path / f"{export.suffix[1:]}.csv"
        result = build(export, options(tmp_path, mapping, output=output, output_format="csv"))
        assert exit_code(result, Severity.ERROR) == 0, result.findings
        bodies.append(output.read_text(encoding="utf-8"))
    assert bodies[0] == bodies[1]


def test_ho_example_details(tmp_path: Path) -> None:
    """What the ho example is there to show, read back from the bulk CSV."""
    output = tmp_path / "bulk.csv"
    result = build(HO_CSV, options(tmp_path, output=output, output_format="csv"))
    assert exit_code(result, Severity.ERROR) == 0
    assert result.build is not None and result.build.encoding == "cp1252"
    assert result.build.rows_blank == 1
    records = list(csv.DictReader(io.StringIO(output.read_text(encoding="utf-8")),
                                  delimiter=";"))
    kinds = {record["recordtype"] for record in records}
    assert kinds == {"inschrijving", "moduleInschrijving", "uitschrijving", "resultaat"}
    assert {r["opleidingsvorm"] for r in records if r["opleidingsvorm"]} == {
        "VOLTIJD", "DEELTIJD", "DUAAL"}
    # ROD-HO's code beëindiging, drafted by init from the export's words: "diploma" is 1,
    # "gestopt" 9; "overstap" and a finished module ("afgerond") have no code, so none.
    assert {r["redenUitschrijving"] for r in records if r["recordtype"] == "uitschrijving"} == {
        "1", "9", ""}
    assert {r["vooropleiding"] for r in records if r["recordtype"] == "inschrijving"} == {
        "00401", "00201", "00301", "00601", "00502", "00506"}
    assert {r["studielast"] for r in records if r["studielast"]} == {"7.5", "15", "5", "30"}
    # birth date and sex for every student, BSN or not (BRO art. 18.1a)
    enrolments = [r for r in records if r["recordtype"] in ("inschrijving", "moduleInschrijving")]
    assert all(r["geboortedatum"] and r["geslacht"] for r in enrolments)
    assert any(r["burgerservicenummer"] for r in enrolments)


def test_xlsx_bsn_that_lost_its_leading_zero_is_padded_with_a_warning(tmp_path: Path) -> None:
    result = build(HO_XLSX, options(tmp_path, HO_XLSX_MAPPING))
    padded = [f for f in result.findings if f.code == "M009"]
    assert len(padded) == 1
    assert padded[0].severity is Severity.WARNING
    assert padded[0].location.sheet == "Export" and padded[0].location.line is not None
    assert exit_code(result, Severity.ERROR) == 0
    assert exit_code(result, Severity.WARNING) == 1
    # the bulk file has the nine-digit number that starts with 0
    text = (tmp_path / "bulk.xml").read_text(encoding="utf-8")
    assert re.search(r"<burgerservicenummer>0[0-9]{8}</burgerservicenummer>", text)


def test_examples_are_the_generator_output_and_synthetic(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """examples/exports/generate.py writes exactly the committed files (fixed seed), and every
    personal number in them passes python-stdnum's check."""
    import importlib.util

    from stdnum.nl import onderwijsnummer as stdnum_onderwijsnummer

    spec = importlib.util.spec_from_file_location("generate_exports", EXPORTS / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, generate)  # dataclasses look it up there
    spec.loader.exec_module(generate)
    generate.main(tmp_path)
    for name in ("ho_export.csv", "ho_export.xlsx", "ho_export_broken.csv", "mbo_export.csv"):
        assert (tmp_path / name).read_bytes() == (EXPORTS / name).read_bytes(), name

    header = csv_rows(HO_CSV, "cp1252", ";")[0]
    rows = [dict(zip(header, row, strict=True)) for row in data_rows(HO_CSV, "cp1252", ";")]
    assert 25 <= len(rows) <= 35
    assert all(stdnum_bsn.is_valid(r["BSN"]) for r in rows if r["BSN"])
    assert [r["Onderwijsnummer"] for r in rows if r["Onderwijsnummer"]]
    assert all(stdnum_onderwijsnummer.is_valid(r["Onderwijsnummer"]) and not r["BSN"]
               for r in rows if r["Onderwijsnummer"])
    assert any(r["BSN"].startswith("0") for r in rows)
    mbo = data_rows(MBO_CSV, "utf-8-sig", ",")
    assert all(stdnum_bsn.is_valid(r[2]) for r in mbo) and 12 <= len(mbo) <= 20
    assert HO_CSV.read_bytes().endswith(b"\r\n\r\n")  # one blank line at the end
    assert MBO_CSV.read_bytes().startswith(b"\xef\xbb\xbf")


# ---- the broken export: nothing written, or good rows + rejects ---------------------------------


def test_broken_export_without_rejects_writes_nothing(tmp_path: Path) -> None:
    output = tmp_path / "bulk.xml"
    report = tmp_path / "report.json"
    run = rodcli("build", HO_BROKEN, "-m", HO_MAPPING, "--sector", "ho", "-o", output,
                 "--report", report, "--report-format", "json", "-q")
    assert run.exit_code == 1, run.output
    data = report_of(report)
    assert codes_of(data)["B005"] == 1
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
    summary = data["build"]
    assert summary["output"] is None and summary["rejects"] is None
    assert summary["rows_read"] == summary["rows_accepted"] + summary["rows_rejected"]
    assert summary["rows_rejected"] == len(BROKEN)


def _broken_lines() -> set[int]:
    """Physical lines of the broken export that differ from the good one (or are extra)."""
    good = HO_CSV.read_bytes().split(b"\r\n")
    broken = HO_BROKEN.read_bytes().split(b"\r\n")
    return {number for number, line in enumerate(broken, start=1)
            if line.strip() and (number > len(good) or line != good[number - 1])}


def test_broken_rows_are_the_documented_ones() -> None:
    assert _broken_lines() == set(BROKEN)


def test_broken_export_with_rejects(tmp_path: Path) -> None:
    output, rejects = tmp_path / "bulk.xml", tmp_path / "afgewezen.csv"
    report = tmp_path / "report.json"
    run = rodcli("build", HO_BROKEN, "-m", HO_MAPPING, "--sector", "ho", "-o", output,
                 "--rejects", rejects, "--report", report, "--report-format", "json", "-q")
    assert run.exit_code == 1, run.output
    data = report_of(report)
    counts = codes_of(data)
    assert counts["B004"] == 1 and "B005" not in counts
    for code in BROKEN.values():
        assert counts.get(code) == 1, (code, counts)

    summary = data["build"]
    export_rows = data_rows(HO_BROKEN, "cp1252", ";")
    assert summary["rows_read"] == summary["rows_accepted"] + summary["rows_rejected"]
    assert summary["rows_read"] == len(export_rows) == 29
    assert summary["rows_rejected"] == len(BROKEN)
    assert summary["rows_blank"] == 1
    assert summary["output"] == str(output) and summary["rejects"] == str(rejects)

    # the good rows form a valid bulk file
    assert rodcli("validate", output, "--sector", "ho").exit_code == 0

    # the rejects file: UTF-8 with BOM, ';', the original columns + line, codes, messages
    raw = rejects.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(rejects, "utf-8-sig", ";")
    header = csv_rows(HO_BROKEN, "cp1252", ";")[0]
    assert rows[0] == ["rodcli_regel", *header, "rodcli_codes", "rodcli_meldingen"]
    original = csv_rows(HO_BROKEN, "cp1252", ";")
    by_line = {int(row[0]): row for row in rows[1:]}
    assert set(by_line) == set(BROKEN)  # every broken row, and no good row
    for line, code in BROKEN.items():
        row = by_line[line]
        assert row[1:-2] == original[line - 1], line  # the cells as in the export
        assert row[-2] == code
        assert row[-1]  # what is wrong, in words
    assert "Café" in raw.decode("utf-8-sig") or "Ünal" in raw.decode("utf-8-sig")


def test_rejects_neutralise_formula_cells(tmp_path: Path) -> None:
    """A cell Excel would run as a formula gets a leading ' in the rejects file."""
    export = tmp_path / "export.csv"
    good, bad = valid_bsn(random.Random(1)), break_bsn(valid_bsn(random.Random(2)))
    lines = [
        "Inschrijvingsnummer;BSN;Startdatum;CROHO;Vorm;Fase;Naam;Opmerking;Telefoon;Email",
        f"1;{bad};01-09-2025;34479;VT;B;=cmd|' /C calc'!A0;+1;-2;@x",
        f"2;{good};01-09-2025;34479;VT;B;=SUM(1);+31;-;@",
        f"3;{bad};01-09-2025;34479;VT;B;\tTab;-cr;plain;Jansen",
    ]
    export.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    mapping = write_mapping(tmp_path, SMALL_MAPPING)
    rejects = tmp_path / "rejects.csv"
    result = build(export, options(tmp_path, mapping, rejects=rejects))
    assert result.build is not None and result.build.rows_rejected == 2
    rows = csv_rows(rejects, "utf-8-sig", ";")
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Naam"] == "'=cmd|' /C calc'!A0"
    assert first["Opmerking"] == "'+1"
    assert first["Telefoon"] == "'-2"
    assert first["Email"] == "'@x"
    assert first["Inschrijvingsnummer"] == "1"
    third = dict(zip(header, rows[2], strict=True))
    assert third["Naam"] == "'\tTab" and third["Opmerking"] == "'-cr"
    assert third["Telefoon"] == "plain" and third["Email"] == "Jansen"
    assert [row[0] for row in rows[1:]] == ["2", "4"]  # the good row is not there
    for row in rows[1:]:
        assert not row[-1].startswith(("=", "+", "-", "@"))


def test_rejects_neutralise_formula_header_names(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    bad = break_bsn(valid_bsn(random.Random(6)))
    export.write_text(f"{SMALL_HEADER};=cmd|' /C calc'!A0\r\n1;{bad};01-09-2025;34479;VT;B;x\r\n",
                      encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    build(export, options(tmp_path, write_mapping(tmp_path, SMALL_MAPPING), rejects=rejects))
    header = csv_rows(rejects, "utf-8-sig", ";")[0]
    assert not any(name.startswith(("=", "+", "-", "@")) for name in header)


# ---- refusals ---------------------------------------------------------------------------------


def test_mbo_csv_is_refused_before_any_work(tmp_path: Path) -> None:
    # B002, not a usage box without a code: the finding, exit 2 (no verdict), nothing built
    output = tmp_path / "bulk.csv"
    run = rodcli("build", MBO_CSV, "-m", MBO_MAPPING, "--sector", "mbo", "-o", output,
                 "--format", "csv", "--rejects", tmp_path / "rejects.csv")
    assert run.exit_code == 2
    assert "B002" in run.stdout and "mbo" in run.stdout
    assert "Usage:" not in run.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("report_format", ["json", "junit", "sarif", "github"])
def test_mbo_csv_refusal_comes_in_the_report_format_asked(tmp_path: Path,
                                                           report_format: str) -> None:
    report = tmp_path / "report.out"
    run = rodcli("build", MBO_CSV, "-m", MBO_MAPPING, "--sector", "mbo", "-o",
                 tmp_path / "bulk.csv", "--format", "csv", "--report-format", report_format,
                 "--report", report)
    assert run.exit_code == 2
    text = report.read_text(encoding="utf-8")
    assert "B002" in text
    if report_format == "json":
        assert codes_of(json.loads(text)) == {"B002": 1}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["report.out"]


def test_mbo_csv_is_refused_by_the_library_too(tmp_path: Path) -> None:
    # no mapping or export is even opened: both paths do not exist
    result = build(tmp_path / "nope.csv", options(tmp_path, tmp_path / "nope.toml", sector="mbo",
                                                  output_format="csv"))
    assert [f.code for f in result.findings] == ["B002"]
    assert exit_code(result, Severity.ERROR) == 2
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("mapping_encoding", [None, "cp1252"])
def test_binary_input_is_judged_as_init_judges_it(tmp_path: Path,
                                                  mapping_encoding: str | None) -> None:
    """Issue 14: init said E005 (byte 0x00), build M002 (every mapped column missing) when
    the mapping named an encoding, as init's own draft does for a Windows-1252 export."""
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 16)
    text = HO_MAPPING.read_text("utf-8")
    assert 'encoding = "cp1252"' in text
    if mapping_encoding is None:
        text = text.replace('encoding = "cp1252"', "")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(text, encoding="utf-8")
    drafted = rodcli("init", garbage, "--sector", "ho")
    built = rodcli("build", garbage, "-m", mapping, "--sector", "ho", "-o", tmp_path / "b.xml",
                   "--report-format", "json")
    assert drafted.exit_code == built.exit_code == 2
    assert "E005" in drafted.stdout
    assert codes_of(json.loads(built.stdout)) == {"E005": 1}
    forced = rodcli("build", garbage, "-m", mapping, "--sector", "ho", "-o", tmp_path / "b.xml",
                    "--encoding", "latin-1", "--report-format", "json")
    assert codes_of(json.loads(forced.stdout)) == {"E005": 1}


@pytest.mark.parametrize("target", ["output", "rejects"])
def test_existing_output_is_kept_without_force(tmp_path: Path, target: str) -> None:
    output, rejects = tmp_path / "bulk.xml", tmp_path / "rejects.csv"
    existing = output if target == "output" else rejects
    existing.write_text("keep me\n", encoding="utf-8")
    report = tmp_path / "report.json"
    run = rodcli("build", HO_CSV, "-m", HO_MAPPING, "--sector", "ho", "-o", output,
                 "--rejects", rejects, "--report", report, "--report-format", "json", "-q")
    assert run.exit_code == 2
    assert codes_of(report_of(report)) == {"B001": 1}
    assert existing.read_text(encoding="utf-8") == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([existing.name, "report.json"])

    run = rodcli("build", HO_CSV, "-m", HO_MAPPING, "--sector", "ho", "-o", output,
                 "--rejects", rejects, "--force", "-q")
    assert run.exit_code == 0, run.output
    assert output.read_bytes().startswith(b"<?xml")
    assert rejects.read_text(encoding="utf-8-sig").startswith("rodcli_regel;")


@pytest.mark.parametrize(("export", "mapping", "sector"), [
    (HO_CSV, HO_MAPPING, "ho"), (HO_XLSX, HO_XLSX_MAPPING, "ho"), (MBO_CSV, MBO_MAPPING, "mbo"),
    (HO_BROKEN, HO_MAPPING, "ho"),
], ids=["ho_csv", "ho_xlsx", "mbo_csv", "ho_broken"])
def test_the_export_and_mapping_are_never_changed(tmp_path: Path, export: Path, mapping: Path,
                                                  sector: str) -> None:
    before = digest(export), digest(mapping), export.stat().st_mtime_ns
    rodcli("build", export, "-m", mapping, "--sector", sector, "-o", tmp_path / "bulk.xml",
           "--rejects", tmp_path / "rejects.csv", "-q")
    assert (digest(export), digest(mapping), export.stat().st_mtime_ns) == before


def test_output_over_the_export_is_refused(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_bytes(HO_CSV.read_bytes())
    before = digest(export)
    run = rodcli("build", export, "-m", HO_MAPPING, "--sector", "ho", "-o", export, "--force")
    assert run.exit_code == 2
    assert digest(export) == before
    result = build(export, options(tmp_path, output=export, force=True))
    assert [f.code for f in result.findings] == ["B008"]
    assert digest(export) == before


# ---- atomic writing ---------------------------------------------------------------------------


@contextlib.contextmanager
def unclosed_files() -> Iterator[list[str]]:
    """Collect the files left open inside the block (ResourceWarning, directly or from a
    finalizer), so a leak is checked where it happens and cannot fail a later test."""
    caught: list[str] = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: caught.append(
        f"{unraisable.exc_value} in {unraisable.object!r}")
    try:
        with warnings.catch_warnings(record=True) as recorded:
            warnings.simplefilter("always", ResourceWarning)
            yield caught
            gc.collect()
        caught += [str(item.message) for item in recorded
                   if issubclass(item.category, ResourceWarning)]
    finally:
        sys.unraisablehook = previous


def _failing_writer(error: Callable[[], BaseException]) -> Any:
    """A write_xml that writes part of a document, then fails."""

    def write_xml(records: Any, sector: Any, header: Any, out: BinaryIO) -> int:
        out.write(b"<?xml version='1.0' encoding='utf-8'?>\n<aanleveren")
        next(iter(records))
        raise error()

    return write_xml


def test_disk_full_mid_write_leaves_nothing(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "write_xml",
                        _failing_writer(lambda: OSError(errno.ENOSPC,
                                                        os.strerror(errno.ENOSPC))))
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    output, rejects = out_dir / "bulk.xml", out_dir / "rejects.csv"
    report = tmp_path / "report.json"
    with unclosed_files():  # the rejects file is left open: see test_no_file_left_open
        run = rodcli("build", HO_BROKEN, "-m", HO_MAPPING, "--sector", "ho", "-o", output,
                     "--rejects", rejects, "--report", report, "--report-format", "json", "-q")
    assert run.exit_code == 2, run.output
    data = report_of(report)
    assert codes_of(data)["B003"] == 1
    b003 = next(f for f in data["findings"] if f["code"] == "B003")
    assert os.strerror(errno.ENOSPC) in b003["message"]
    assert list(out_dir.iterdir()) == []  # no output, no rejects, no .bulk.xml.*.tmp
    assert data["build"]["output"] is None


def test_disk_full_in_the_csv_writer_leaves_nothing(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def write_csv(records: Any, out: Any) -> int:
        out.write("recordtype;brin\n")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(build_module, "write_csv", write_csv)
    result = build(HO_CSV, options(tmp_path, output=tmp_path / "bulk.csv", output_format="csv"))
    assert [f.code for f in result.findings if f.code.startswith("B")] == ["B003"]
    assert exit_code(result, Severity.ERROR) == 2
    assert list(tmp_path.iterdir()) == []


def test_rename_failing_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def replace(source: Any, target: Any, **kwargs: Any) -> None:
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    # put in place by a link without --force, by a rename with it
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "link", replace)
    result = build(HO_CSV, options(tmp_path))
    assert [f.code for f in result.findings if f.code.startswith("B")] == ["B003"]
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_mid_write_leaves_nothing(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "write_xml", _failing_writer(KeyboardInterrupt))
    with unclosed_files(), pytest.raises(KeyboardInterrupt):
        build(HO_BROKEN, options(tmp_path, rejects=tmp_path / "rejects.csv"))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error", [lambda: OSError(errno.ENOSPC, "full"), KeyboardInterrupt],
                         ids=["ENOSPC", "Ctrl-C"])
def test_no_file_left_open_when_writing_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              error: Callable[[], BaseException]) -> None:
    monkeypatch.setattr(build_module, "write_xml", _failing_writer(error))
    with unclosed_files() as unclosed:
        with contextlib.suppress(KeyboardInterrupt):
            build(HO_BROKEN, options(tmp_path, rejects=tmp_path / "rejects.csv"))
    assert unclosed == []


def test_existing_output_survives_a_failed_forced_build(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "bulk.xml"
    output.write_text("the previous delivery\n", encoding="utf-8")
    monkeypatch.setattr(build_module, "write_xml",
                        _failing_writer(lambda: OSError(errno.EIO, os.strerror(errno.EIO))))
    result = build(HO_CSV, options(tmp_path, force=True))
    assert "B003" in {f.code for f in result.findings}
    assert output.read_text(encoding="utf-8") == "the previous delivery\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bulk.xml"]


def test_rejects_rename_failing_leaves_no_bulk_file(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def refusing(real: Any) -> Any:
        def step(source: Any, target: Any, **kwargs: Any) -> None:
            if str(target).endswith("rejects.csv"):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real(source, target, **kwargs)
        return step

    # put in place by a link without --force, by a rename with it
    monkeypatch.setattr(os, "replace", refusing(os.replace))
    monkeypatch.setattr(os, "link", refusing(os.link))
    output = tmp_path / "bulk.xml"
    result = build(HO_BROKEN, options(tmp_path, rejects=tmp_path / "rejects.csv"))
    assert "B003" in {f.code for f in result.findings}
    assert leftovers(tmp_path) == []
    # B003 says nothing was left behind: then there must be no bulk file either
    assert not output.exists()


# ---- findings in an export that stop reading or do not fit a row ----------------------------


def test_unreadable_rest_of_export_writes_no_truncated_bulk_file(tmp_path: Path) -> None:
    rng = random.Random(3)
    lines = [f"{n};{valid_bsn(rng)};01-09-2025;34479;VT;B" for n in range(1, 4)]
    lines.insert(1, f'9;{valid_bsn(rng)};01-09-2025;"34479" x;VT;B')
    export = small_export(tmp_path, lines)
    result = build(export, options(tmp_path, write_mapping(tmp_path, SMALL_MAPPING)))
    assert "I020" in {f.code for f in result.findings}
    assert not (tmp_path / "bulk.xml").exists()  # 2 of the 4 rows would be missing


def test_row_with_cells_beyond_the_header_is_not_written(tmp_path: Path) -> None:
    rng = random.Random(4)
    lines = [f"1;{valid_bsn(rng)};01-09-2025;34479;VT;B",
             f"2;{valid_bsn(rng)};01-09-2025;34479;VT;B;shifted"]
    export = small_export(tmp_path, lines)
    result = build(export, options(tmp_path, write_mapping(tmp_path, SMALL_MAPPING)))
    assert "E002" in {f.code for f in result.findings}
    assert result.build is not None
    assert result.build.rows_rejected == 1
    assert not (tmp_path / "bulk.xml").exists()


def test_brin_constant_left_as_todo_does_not_crash(tmp_path: Path) -> None:
    mapping = write_mapping(tmp_path, SMALL_MAPPING.replace('"99XX"', '"TODO"'))
    export = small_export(tmp_path, [f"1;{valid_bsn(random.Random(5))};01-09-2025;34479;VT;B"])
    crash = None
    with unclosed_files():  # a crash leaves the rejects file open, see above
        try:
            result = build(export, options(tmp_path, mapping, rejects=tmp_path / "rejects.csv"))
        except ValueError as error:
            crash = repr(error)  # the traceback is let go here, so the open file is collected
    assert crash is None, crash
    assert exit_code(result, Severity.ERROR) in (1, 2)
    assert leftovers(tmp_path) == []


# ---- a larger export ----------------------------------------------------------------------------


def test_two_thousand_random_rows_build_and_validate(tmp_path: Path) -> None:
    rng = random.Random(2025)
    header = ("Studentnummer;Inschrijvingsnummer;BSN;Onderwijsnummer;Geboortedatum;Geslacht;"
              "CROHO;Vorm;Fase;Vooropleiding;Startdatum;Einddatum;Reden uitschrijving;Modulecode;"
              "ECTS;"
              "Examendatum")
    lines = [header]
    expected_records = 0
    for number in range(1, 2001):
        year = rng.choice([2023, 2024, 2025])
        start = f"{rng.randint(1, 28)}-{rng.randint(1, 8)}-{year}"
        croho = rng.choice(["34479", "34560", "44341", "80083"])
        fase = {"3": "B", "4": "M", "8": "A"}[croho[0]]
        end = reason = module = ects = exam = ""
        kind = rng.random()
        if kind < 0.15:  # a module
            module, ects, fase = f"MOD-{number}", rng.choice(["7.5", "15", "5", "30"]), ""
        elif kind < 0.30:  # deregistered
            end, reason = f"31-08-{year + 1}", rng.choice(["gestopt", "overstap", ""])
        elif kind < 0.35:  # a full diploma
            end, reason, exam = f"31-08-{year + 1}", "diploma", f"4-7-{year + 1}"
        lines.append(";".join([
            str(400000 + number), f"R{number:05d}", valid_bsn(rng), "",
            f"{rng.randint(1, 28)}-3-2004", rng.choice("MV"), croho, rng.choice(["VT", "DT", "DU"]),
            fase, rng.choice(["vwo", "havo", "mbo 4"]), start, end, reason, module, ects, exam]))
        expected_records += 1 + bool(end) + bool(exam)
    export = tmp_path / "large.csv"
    export.write_text("\r\n".join(lines) + "\r\n", encoding="cp1252")
    output = tmp_path / "large.xml"
    result = build(export, options(tmp_path, output=output))
    assert exit_code(result, Severity.ERROR) == 0, result.sorted_findings()[:5]
    assert result.build is not None
    assert result.build.rows_read == result.build.rows_accepted == 2000
    assert result.build.records_written == expected_records
    assert rodcli("validate", output, "--sector", "ho", "-q").exit_code == 0


# ---- privacy ----------------------------------------------------------------------------------


def _personal_numbers(path: Path) -> set[str]:
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True)
        try:
            text = " ".join(str(c) for row in workbook.worksheets[0].iter_rows(values_only=True)
                            for c in row)
        finally:
            workbook.close()
    else:
        text = path.read_bytes().decode("cp1252" if path.name.startswith("ho") else "utf-8-sig")
    numbers = set(NINE_DIGITS.findall(text))
    numbers |= {n for n in re.findall(r"(?<![0-9])[0-9]{8}(?![0-9])", text)
                if stdnum_bsn.is_valid("0" + n)}
    return numbers


@pytest.mark.parametrize(("export", "mapping", "sector"), [
    (HO_CSV, HO_MAPPING, "ho"), (HO_XLSX, HO_XLSX_MAPPING, "ho"), (MBO_CSV, MBO_MAPPING, "mbo"),
    (HO_BROKEN, HO_MAPPING, "ho"),
], ids=["ho_csv", "ho_xlsx", "mbo_csv", "ho_broken"])
def test_no_personal_number_in_any_report(tmp_path: Path, export: Path, mapping: Path,
                                          sector: str) -> None:
    numbers = _personal_numbers(export)
    assert len(numbers) >= 10
    texts = []
    for language in ("nl", "en"):
        run = rodcli("build", export, "-m", mapping, "--sector", sector, "-o",
                     tmp_path / f"{language}.xml", "--rejects", tmp_path / f"{language}.csv",
                     "--lang", language, "--max-findings", "0")
        texts += [run.stdout, run.stderr]
        report = tmp_path / f"{language}.json"
        run = rodcli("build", export, "-m", mapping, "--sector", sector, "-o",
                     tmp_path / f"{language}2.xml", "--report", report, "--report-format",
                     "json", "--lang", language)
        texts += [run.stdout, run.stderr, report.read_text(encoding="utf-8")]
    leaked = {number for number in numbers for text in texts if number in text}
    assert leaked == set()


@pytest.mark.parametrize("spoil", [
    lambda text: text.replace("<brin>99XX</brin>", "<brin>9XX</brin>", 1),
    lambda text: text.replace("</inschrijving>", "</inschrijving><onbekend/>", 1),
], ids=["bad-value", "unknown-element"])
def test_output_failing_its_own_xsd_check_is_not_published(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spoil: Callable[[str], str]
) -> None:
    """The self-check is what stands between a writer bug and the Loket: a written file that
    fails the XSD gives B006 and is never renamed into place."""
    real = build_module.write_xml

    def broken_writer(records: Any, sector: Any, header: Any, out: BinaryIO) -> int:
        buffer = io.BytesIO()
        count = real(records, sector, header, buffer)
        out.write(spoil(buffer.getvalue().decode("utf-8")).encode("utf-8"))
        return count

    monkeypatch.setattr(build_module, "write_xml", broken_writer)
    result = build(HO_CSV, options(tmp_path))
    assert "B006" in {finding.code for finding in result.findings}
    assert exit_code(result, Severity.ERROR) == 2
    assert not (tmp_path / "bulk.xml").exists()
    assert leftovers(tmp_path) == []


# ---- the spool and the self-check in pieces ---------------------------------------------------


def _body(path: Path) -> list[str]:
    """A bulk XML file without the lines that differ per run (document id, timestamp)."""
    return [line for line in path.read_text("utf-8").splitlines()
            if "identificatiecodeBedrijfsdocument" not in line
            and "datumTijdBedrijfsdocument" not in line]


@pytest.mark.parametrize("output_format", ["xml", "csv"])
def test_small_pieces_write_the_same_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           output_format: str) -> None:
    """Spooled rows are read back in runs between rejected rows, and the XML is checked in
    pieces: with pieces of a few bytes the files are the same as with large ones."""
    files = {}
    for label in ("large", "small"):
        if label == "small":
            monkeypatch.setattr(build_module, "_CHUNK", 50)
            monkeypatch.setattr(build_module, "_CHECK_CHUNK", 50)
        folder = tmp_path / label
        folder.mkdir()
        result = build(HO_BROKEN, options(folder, output=folder / f"bulk.{output_format}",
                                          output_format=output_format,
                                          rejects=folder / "rejects.csv"))
        assert result.build is not None
        assert result.build.rows_rejected == 6
        assert "B006" not in {f.code for f in result.findings}
        output = folder / f"bulk.{output_format}"
        files[label] = (_body(output) if output_format == "xml" else output.read_text("utf-8"),
                        (folder / "rejects.csv").read_text("utf-8-sig"),
                        result.build.records_written)
    assert files["small"] == files["large"]


def _document(tmp_path: Path, count: int) -> Path:
    from rodcli.bulkformat.models import HoInschrijving
    from rodcli.writers import DocumentHeader
    from rodcli.writers.xml import write_xml

    records = [HoInschrijving.model_validate({
        "brin": "99XX", "burgerservicenummer": "111222333", "inschrijvingvolgnummer": str(n),
        "geboortedatum": "2004-03-14", "geslacht": "V",
        "datumInschrijving": "2025-09-01", "opleidingcode": "34479", "opleidingsvorm": "VOLTIJD",
        "opleidingsfase": "B", "inschrijvingsvorm": "S", "vooropleiding": "00401"},
        context={"date_notation": "iso"})
        for n in range(1, count + 1)]
    path = tmp_path / "bulk.xml"
    with path.open("wb") as out:
        write_xml(records, "ho", DocumentHeader.new("99XX"), out)
    return path


@pytest.mark.parametrize("spoil", [
    lambda text: text,
    lambda text: text.replace("<inschrijvingvolgnummer>40<", "<inschrijvingvolgnummer><", 1),
    lambda text: text.replace("</inschrijving>", "</inschrijving><onbekend/>", 39)
                     .replace("<onbekend/>", "", 38),
    lambda text: text.replace("?>\n", "?>\n<!DOCTYPE x [<!ENTITY a 'b'>]>\n", 1),
    lambda text: text.replace("'utf-8'", "'latin-1'", 1),
    lambda text: text.removesuffix("\n"),
    lambda text: text.replace("\n  </inschrijving>", "\n  </inschrijving>\n  <!-- ", 1),
], ids=["valid", "bad-value-late", "unknown-element-late", "doctype", "encoding", "tail",
        "open-comment"])
def test_self_check_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              spoil: Callable[[str], str]) -> None:
    """The piecewise XSD check passes a file as build writes it, and fails a fault in any
    piece (the full located check then says where). It may fail a valid file laid out
    otherwise (no newline at the end): then the full check decides."""
    from lxml import etree

    from rodcli.bulkformat.xsd import builtin_schema, secure_parser

    path = _document(tmp_path, 50)
    text = spoil(path.read_text("utf-8"))
    path.write_text(text, "utf-8")
    try:
        whole = builtin_schema("ho").validate(etree.parse(str(path), secure_parser()))
    except etree.XMLSyntaxError:
        whole = False
    whole = whole and "DOCTYPE" not in text and "latin-1" not in text
    for size in (64, 1000, 1 << 20):
        monkeypatch.setattr(build_module, "_CHECK_CHUNK", size)
        assert build_module._passes_xsd(path, "ho") == (whole and text.endswith("\n")), size
