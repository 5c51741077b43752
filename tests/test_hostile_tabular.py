"""Hostile and broken CSV/XLSX (issue 7): ``rodcli validate`` on bulk CSV and ``rodcli build``
on administration exports, a zip bomb disguised as a workbook, formula injection into the
CSV files rodcli writes, and control characters echoed into reports.

The CLI runs as the installed ``rodcli`` in a subprocess, bounded in time (and, for the zip
bomb, in memory), so a crash shows as a traceback or an internal error instead of failing
pytest itself. The validate and build run of one input go side by side.
"""

from __future__ import annotations

import csv
import io
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from conftest import BSN, csv_text, inschrijving, module_inschrijving
from rodcli.cli import app
from test_hostile_xml import (
    SECRET,
    Run,
    Tripwire,
    assert_clean_refusal,
    run_all,
    run_rodcli,
    time_limit,
)

EXPORT_HEADER = "BSN;Nummer;Start;CROHO"
MAPPING = """\
sector = "ho"

[records]
inschrijving = "always"

[fields]
brin = { value = "99XX" }
burgerservicenummer = "BSN"
inschrijvingvolgnummer = "Nummer"
datumInschrijving = { column = "Start", date = "YYYY-MM-DD" }
opleidingcode = "CROHO"
opleidingsvorm = { value = "VOLTIJD" }
opleidingsfase = { value = "B" }
inschrijvingsvorm = { value = "S" }
geboortedatum = { value = "2004-03-14" }
geslacht = { value = "V" }
vooropleiding = { value = "00401" }
"""
# BSNs that pass the eleven-test (synthetic, from conftest's set).
ROW_BSNS = ("111222333", "123456782", "100000009")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

runner = CliRunner(env={"COLUMNS": "200", "RODCLI_LANG": None, "RODCLI_DEBUG": None})


def export_rows(*rows: str) -> str:
    return EXPORT_HEADER + "\n" + "".join(row + "\n" for row in rows)


def good_row(number: int) -> str:
    return f"{ROW_BSNS[number % len(ROW_BSNS)]};{number};2024-09-01;34607"


def bulk_text(count: int = 3) -> str:
    return csv_text([inschrijving(inschrijvingvolgnummer=str(n)) for n in range(1, count + 1)])


def mapping_file(tmp_path: Path) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def build_args(export: Path, tmp_path: Path, *extra: object) -> list[object]:
    return ["build", export, "-m", mapping_file(tmp_path), "--sector", "ho",
            "-o", tmp_path / "out.xml", "--report-format", "json", "-q", *extra]


def codes(run: Run) -> set[str]:
    return set(run.codes())



@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    """In-process runs are bounded too (subprocess runs carry their own time limit)."""
    with time_limit(60):
        yield

# ---- the hostile inputs -----------------------------------------------------------------------

RANDOM = bytes((index * 7919 + 13) % 256 for index in range(4096))  # fixed, all byte values


def _mixed_endings(text: str) -> bytes:
    lines = text.splitlines()
    ends = ["\r\n", "\n", "\r", "\r\n", "\n"]
    return "".join(line + ends[index % len(ends)] for index, line in enumerate(lines)).encode()


def _zip_with_text() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("notes.txt", (2025, 9, 1, 0, 0, 0)), "not a workbook")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<<>>\n%%EOF\n"
BIG = 10 << 20  # a 10 MB field


def hostile_bulk(kind: str) -> bytes:
    """The input as a ROD bulk CSV (for validate)."""
    text = bulk_text()
    first, second, *rest = text.splitlines(keepends=True)
    return {
        "random-bytes": RANDOM,
        "nul-bytes": (first + second.replace("99XX", "99\x00XX") + "".join(rest)).encode(),
        "10mb-field": (first + second.replace("VOLTIJD", "V" * BIG) + "".join(rest)).encode(),
        "unbalanced-quotes": (first + second.replace("VOLTIJD", '"VOLTIJD')
                              + "".join(rest)).encode(),
        "zip": _zip_with_text(),
        "pdf": PDF,
        "utf16-no-bom": text.encode("utf-16-le"),
        "mixed-line-endings": _mixed_endings(text),
        "empty": b"",
        "header-only": first.encode(),
    }[kind]


def hostile_export(kind: str) -> bytes:
    """The input as an administration export (for build)."""
    text = export_rows(good_row(1), good_row(2), good_row(3))
    first, second, *rest = text.splitlines(keepends=True)
    return {
        "random-bytes": RANDOM,
        "nul-bytes": (first + second.replace("34607", "34\x0007") + "".join(rest)).encode(),
        "10mb-field": (first + second.replace("34607", "3" * BIG) + "".join(rest)).encode(),
        "unbalanced-quotes": (first + second.replace("34607", '"34607') + "".join(rest)).encode(),
        "zip": _zip_with_text(),
        "pdf": PDF,
        "utf16-no-bom": text.encode("utf-16-le"),
        "mixed-line-endings": _mixed_endings(text),
        "empty": b"",
        "header-only": first.encode(),
    }[kind]


# kind -> (validate: exit, a code it must report), (build: exit, a code it must report)
# Exit 0 in build means the odd but legitimate input was read right: every row written.
EXPECTED: dict[str, tuple[tuple[int, str], tuple[int, str] | None]] = {
    "random-bytes": ((1, "I005"), (2, "E005")),
    "nul-bytes": ((1, "F002"), (2, "E005")),
    "10mb-field": ((1, "I020"), (2, "B007")),  # I020, then: not read to the end, nothing
    "unbalanced-quotes": ((1, "I020"), (2, "B007")),  # written (B007)
    "zip": ((1, "I005"), (2, "E008")),
    "pdf": ((1, "I005"), (2, "E005")),
    "utf16-no-bom": ((1, "I005"), (0, "E001")),
    "mixed-line-endings": ((1, "I020"), (0, "E001")),  # a lone CR is no bulk line end
    "empty": ((1, "I007"), (2, "E004")),
    # I015 and B009 are warnings (examples/invalid/ho_header_only.csv): exit 0 unless
    # --fail-on warning (test_build_of_header_only_export_says_there_are_no_rows)
    "header-only": ((0, "I015"), (0, "B009")),
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_hostile_tabular_input_is_a_finding_not_a_crash(tmp_path: Path, kind: str) -> None:
    bulk = tmp_path / "bulk.csv"
    bulk.write_bytes(hostile_bulk(kind))
    export = tmp_path / "export.csv"
    original = hostile_export(kind)
    export.write_bytes(original)
    (validate_exit, validate_code), build_expected = EXPECTED[kind]
    commands: list[list[object]] = [["validate", "--format", "json", bulk]]
    if build_expected is not None:
        commands.append(build_args(export, tmp_path))
    runs = run_all(commands, timeout=30)

    validate = runs[0]
    if validate_exit == 0:  # not a crash, but the finding must be there
        assert validate.killed is None and "Traceback" not in validate.stderr
        assert "internal error" not in validate.stderr
    else:
        assert_clean_refusal(validate)
    assert validate.code == validate_exit, (validate.code, validate.stdout[-1500:])
    assert validate_code in codes(validate)
    assert validate.peak_mb < 500

    if build_expected is None:
        return
    build, (build_exit, build_code) = runs[1], build_expected
    if build_exit == 0:
        assert build.killed is None and "Traceback" not in build.stderr, build.stderr
        assert "internal error" not in build.stderr
    else:
        assert_clean_refusal(build)
    assert build.code == build_exit, (build.code, build.stdout[-1500:], build.stderr[-1500:])
    assert build_code in codes(build)
    assert build.peak_mb < 500
    output = tmp_path / "out.xml"
    if build_code == "E001":  # odd but legitimate: read right, every row written
        assert output.read_text(encoding="utf-8").count("<inschrijving>") == 3
    else:
        assert not output.exists()
    assert export.read_bytes() == original  # the input is never changed


def test_build_of_header_only_export_says_there_are_no_rows(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_bytes(hostile_export("header-only"))
    """No data rows: B009 (a warning: nothing to deliver), no (empty) bulk file; exit 1 with
    --fail-on warning, as validate's I015 for a bulk file without records."""
    run = run_rodcli(*build_args(export, tmp_path, "--fail-on", "warning"))
    assert "Traceback" not in run.stderr
    assert run.code == 1, (run.code, run.stdout)
    assert "B009" in codes(run)
    assert not (tmp_path / "out.xml").exists()


# ---- a record that cannot be read -------------------------------------------------------------


@pytest.mark.parametrize("breakage", ["unbalanced-quote", "10mb-field"])
@pytest.mark.parametrize("rejects", [False, True], ids=["no-rejects", "with-rejects"])
def test_unreadable_record_leaves_no_partial_bulk_file(
    tmp_path: Path, breakage: str, rejects: bool
) -> None:
    """Row 2 of 3 cannot be read (and so neither can row 3): I020 says where, B007 that the
    export was not read to its end, and nothing is written, with or without --rejects: a
    bulk file without the rows after the break would lose them silently."""
    broken = ('"' if breakage == "unbalanced-quote" else "3" * (2 << 20)) + "34607"
    export = tmp_path / "export.csv"
    export.write_text(export_rows(good_row(1), f"{ROW_BSNS[1]};2;2024-09-01;{broken}",
                                  good_row(3)), encoding="utf-8")
    output, rejects_file = tmp_path / "out.xml", tmp_path / "rejects.csv"
    args = ["build", export, "-m", mapping_file(tmp_path), "--sector", "ho", "-o", output, "-q"]
    if rejects:
        args += ["--rejects", rejects_file]
    run = runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)
    assert run.exit_code == 2, run.stdout
    assert "I020" in run.stdout and "B007" in run.stdout
    assert not output.exists(), "a bulk file without the rows after the break"
    assert not rejects_file.exists()
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".tmp")] == []


# ---- XLSX: zip bomb and broken sheets ---------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>')
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="A1:D2"/><sheetData>'
    '<row r="1">' + "".join(
        f'<c r="{column}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for column, name in zip("ABCD", EXPORT_HEADER.split(";"), strict=True)) + "</row>")
SHEET_TAIL = "</sheetData></worksheet>"


def _deflate(data: bytes, final: bool) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if final else
                                                        zlib.Z_FULL_FLUSH)


def write_zip(path: Path, members: dict[str, tuple[bytes, bytes, int, bytes]],
              wrong_crc: str | None = None) -> None:
    """A ZIP whose member ``name`` inflates to ``head + block * repeat + tail``, written
    without ever holding or compressing the inflated data: each piece is deflated on its own
    with a full flush (so it refers to nothing before it), and ``block``'s piece is repeated.
    The member named ``wrong_crc`` gets a checksum that does not match its data."""
    with path.open("wb") as out:
        central = []
        for name, (head, block, repeat, tail) in members.items():
            crc = zlib.crc32(head)
            for _ in range(repeat):
                crc = zlib.crc32(block, crc)
            crc = zlib.crc32(tail, crc) ^ (0xFFFF if name == wrong_crc else 0)
            size = len(head) + len(block) * repeat + len(tail)
            first, unit, last = (_deflate(head, False), _deflate(block, False) if repeat else b"",
                                 _deflate(tail, True))
            compressed = len(first) + len(unit) * repeat + len(last)
            offset, raw = out.tell(), name.encode()
            out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc,
                                  compressed, size, len(raw), 0) + raw + first)
            for _ in range(repeat):
                out.write(unit)
            out.write(last)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21,
                                       crc, compressed, size, len(raw), 0, 0, 0, 0, 0, offset)
                           + raw)
        start = out.tell()
        for entry in central:
            out.write(entry)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central),
                              out.tell() - start, start, 0))


def write_workbook(path: Path, sheet: tuple[bytes, bytes, int, bytes],
                   wrong_crc: bool = False) -> Path:
    small = {name: (text.encode(), b"", 0, b"") for name, text in (
        ("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK), ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS))}
    sheet_name = "xl/worksheets/sheet1.xml"
    write_zip(path, {**small, sheet_name: sheet}, sheet_name if wrong_crc else None)
    return path


def test_zip_writer_makes_a_workbook_openpyxl_reads(tmp_path: Path) -> None:
    """The hand-made ZIP is sound: a small one opens and reads as the export it claims."""
    import openpyxl

    row = (f'<row r="2"><c r="A2"><v>{BSN}</v></c><c r="B2" t="inlineStr"><is><t>1</t></is>'
           '</c></row>').encode()
    path = write_workbook(tmp_path / "small.xlsx", (SHEET_HEAD.format(doctype="").encode(), row,
                                                    1, SHEET_TAIL.encode()))
    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    assert rows == [tuple(EXPORT_HEADER.split(";")), (int(BSN), "1", None, None)]


GIB_BLOCKS = 1024  # x 1 MiB


def test_zip_bomb_disguised_as_xlsx_is_refused(tmp_path: Path) -> None:
    """A 1 MB .xlsx whose sheet XML inflates to 1 GiB (one cell of 'A's): refused, or at
    least bounded; the harness kills it past 500 MB of RSS or 8 s."""
    block = b"A" * (1 << 20)
    head = SHEET_HEAD.format(doctype="").encode() + b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    tail = b"</t></is></c></row>" + SHEET_TAIL.encode()
    bomb = write_workbook(tmp_path / "export.xlsx", (head, block, GIB_BLOCKS, tail))
    assert bomb.stat().st_size < 4 << 20  # small on disk, ~1 GiB inflated
    run = run_rodcli(*build_args(bomb, tmp_path), timeout=8, max_mb=500)
    assert run.killed is None, f"stopped: {run.killed} after {run.seconds:.1f}s"
    assert run.peak_mb < 500, run.peak_mb
    assert_clean_refusal(run)
    assert not (tmp_path / "out.xml").exists()


def test_xlsx_entities_never_read_a_file(tmp_path: Path) -> None:
    """A sheet with a DOCTYPE whose external entity points at a local file (openpyxl parses
    sheets with the standard library's expat): the file is never opened, nothing leaks."""
    wire = Tripwire(tmp_path / "secret.txt", SECRET)
    doctype = f'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file://{wire.path}">]>'
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>&x;</t></is></c></row>'
    workbook = write_workbook(tmp_path / "export.xlsx", (
        SHEET_HEAD.format(doctype=doctype).encode(), row, 1, SHEET_TAIL.encode()))
    try:
        run = run_rodcli(*build_args(workbook, tmp_path), timeout=20)
    finally:
        wire.close()
    assert wire.opened == 0
    assert SECRET not in run.stdout + run.stderr
    assert run.code != 0
    assert not (tmp_path / "out.xml").exists()


@pytest.mark.parametrize("breakage", ["truncated-sheet", "sheet-with-entity", "billion-laughs",
                                      "sheet-crc-mismatch"])
def test_xlsx_with_broken_sheet_xml_is_a_finding(tmp_path: Path, breakage: str) -> None:
    head = SHEET_HEAD.format(doctype="").encode()
    row = f'<row r="2"><c r="A2"><v>{BSN}</v></c></row>'.encode()
    tail = SHEET_TAIL.encode()
    repeat = 1
    if breakage == "truncated-sheet":  # cut inside a row, after the header row
        tail = b"<row r=\"3\"><c r=\"A3\"><v>1"
    elif breakage == "sheet-crc-mismatch":
        repeat = 20_000  # well-formed, but its checksum (checked at its end) is wrong
    elif breakage == "sheet-with-entity":
        row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>&undefined;</t></is></c></row>'
    else:
        entities = '<!ENTITY l0 "lol">' + "".join(
            f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
        head = SHEET_HEAD.format(doctype=f"<!DOCTYPE worksheet [{entities}]>").encode()
        row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>&l9;</t></is></c></row>'
    workbook = write_workbook(tmp_path / "export.xlsx", (head, row, repeat, tail),
                              wrong_crc=breakage == "sheet-crc-mismatch")
    run = run_rodcli(*build_args(workbook, tmp_path), timeout=20)
    assert_clean_refusal(run)
    assert "E008" in codes(run)


# ---- formula injection ------------------------------------------------------------------------

FORMULAS = ["=1+1", "+2", "-3-3", "@SUM(A1)", '=HYPERLINK("http://example.invalid")',
            "\t=4", "=5"]


def _cells(path: Path) -> list[list[str]]:
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _unsafe(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_START)]


def test_rejects_file_cells_are_neutralised(tmp_path: Path) -> None:
    """Every rejected row's cells that Excel would run (=, +, -, @, tab, CR) get a quote."""
    # Each in a column whose check fails (CROHO must be 5 digits), so every such row is
    # rejected; a BSN-column value is a personal number and masked in messages, but the
    # rejects file carries the row as it was.
    rows = [[ROW_BSNS[0], str(number), "2024-09-01", formula]
            for number, formula in enumerate(FORMULAS, start=1)]
    rows.append([FORMULAS[0], "8", FORMULAS[3], FORMULAS[2]])
    rows.append(good_row(9).split(";"))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(
        [EXPORT_HEADER.split(";"), *rows])
    export = tmp_path / "export.csv"
    export.write_text(buffer.getvalue(), encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    run = runner.invoke(app, [str(a) for a in build_args(export, tmp_path, "--rejects",
                                                         rejects)], catch_exceptions=False)
    assert run.exit_code == 1, run.stdout
    cells = _cells(rejects)
    assert len(cells) == 1 + len(FORMULAS) + 1  # the header and every row but the good one
    body = [row[1:] for row in cells[1:]]  # column 1 is rodcli's own line number
    assert _unsafe(body) == []
    assert {formula for row in body for cell in row for formula in FORMULAS
            if cell == "'" + formula} == set(FORMULAS)


HIDDEN_FORMULAS = [" =1+1", "  +2", "\n=3", "\u00a0-4", "\u200b@SUM(A1)", "\ufeff=5",
                   " \u00a0\u200b=6", "\u2060+7"]


def test_rejects_file_cells_with_a_blank_before_a_formula_are_neutralised(
        tmp_path: Path) -> None:
    """Before: a space, LF, no-break or zero-width space before = + - @ went through as it
    was (Excel, or a later trim, then runs it)."""
    rows = [[ROW_BSNS[0], str(number), "2024-09-01", formula]
            for number, formula in enumerate(HIDDEN_FORMULAS, start=1)]
    rows.append(good_row(99).split(";"))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows(
        [EXPORT_HEADER.split(";"), *rows])
    export = tmp_path / "export.csv"
    export.write_text(buffer.getvalue(), encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    run = runner.invoke(app, [str(a) for a in build_args(export, tmp_path, "--rejects",
                                                         rejects)], catch_exceptions=False)
    assert run.exit_code == 1, run.stdout
    croho = [row[4] for row in _cells(rejects)[1:]]
    assert croho == ["'" + formula for formula in HIDDEN_FORMULAS]


def test_rejects_file_header_is_neutralised(tmp_path: Path) -> None:
    """The export's own column names go into the rejects header: neutralised too."""
    export = tmp_path / "export.csv"
    export.write_text(f'{EXPORT_HEADER};=HYPERLINK("http://example.invalid");@Opmerking\n'
                      f"{ROW_BSNS[0]};bad value;2024-09-01;34607;x;y\n", encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    run = runner.invoke(app, [str(a) for a in build_args(export, tmp_path, "--rejects",
                                                         rejects)], catch_exceptions=False)
    assert run.exit_code == 1, run.stdout
    assert _unsafe(_cells(rejects)[:1]) == []


def test_compare_csv_cells_are_neutralised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    """compare --format csv: values, record keys and even file names that start like a
    formula get a quote. (Valid field values can start with '-' only; invalid ones with
    anything, and they are reported too.)"""
    if "compare" not in typer.main.get_command(app).commands:  # type: ignore[attr-defined]
        pytest.skip("no compare command yet")
    monkeypatch.chdir(tmp_path)
    ours = Path("=ours.csv")
    theirs = Path("@theirs.csv")
    ours.write_text(csv_text([
        module_inschrijving(onderwijseenheidcode="-1-1"),
        inschrijving(inschrijvingvolgnummer="-5"),
        inschrijving(inschrijvingvolgnummer="7", brin="=2+2"),
    ]), encoding="utf-8")
    theirs.write_text(csv_text([
        module_inschrijving(onderwijseenheidcode="-2-2"),
        inschrijving(inschrijvingvolgnummer="+6"),
    ]), encoding="utf-8")
    report = Path("compare.csv")
    run = runner.invoke(app, ["compare", str(ours), str(theirs), "--format", "csv", "-o",
                              str(report), "-q"], catch_exceptions=False)
    assert run.exit_code == 1, run.stdout
    cells = _cells(report)
    assert len(cells) > 3
    assert _unsafe(cells) == []
    flat = {cell for row in cells for cell in row}
    assert {"'-1-1", "'-2-2", "'=ours.csv", "'@theirs.csv"} <= flat


# ---- control characters -----------------------------------------------------------------------


def test_control_characters_in_values_do_not_reach_the_text_report(tmp_path: Path) -> None:
    bulk = tmp_path / "bulk.csv"
    bulk.write_text(csv_text([
        inschrijving(brin="9\x1b[2J\x1b]0;pwned\x07X", inschrijvingvolgnummer="1"),
        inschrijving(inschrijvingvolgnummer="2\x1b[31m"),
    ]), encoding="utf-8")
    report = tmp_path / "report.txt"
    run = run_rodcli("validate", bulk)
    to_file = runner.invoke(app, ["validate", str(bulk), "-o", str(report), "-q"],
                            catch_exceptions=False)
    assert run.code == 1 and to_file.exit_code == 1
    for text in (run.stdout, run.stderr, report.read_text(encoding="utf-8")):
        assert "\x1b" not in text
