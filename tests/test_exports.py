"""Readers for administration exports (CSV and XLSX), with the quirks real files have.

Every personal number here is synthetic (111222333, 123456782, and 11222333 as a BSN that
lost its leading zero in Excel).
"""

from __future__ import annotations

import datetime
import re
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from rodcli.codes import CATALOGUE, message
from rodcli.exports import ExportError, ExportRow, ExportTable, open_export
from rodcli.exports.csv_export import sniff_delimiter
from rodcli.exports.xlsx_export import cell_value
from rodcli.findings import Finding, Location, Severity, make_finding

BSN = "111222333"
BSN2 = "123456782"


# ---- helpers ---------------------------------------------------------------------------------


def write(tmp_path: Path, data: bytes, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read(path: Path, **options: Any) -> tuple[ExportTable, list[ExportRow], list[Finding]]:
    """Open, read every row, close: (table, rows, every finding in arrival order)."""
    with open_export(path, **options) as table:
        rows = list(table.rows)
    return table, rows, list(table.findings)


def codes(findings: list[Finding]) -> list[str]:
    return [finding.code for finding in findings]


def error_of(path: Path, **options: Any) -> Finding:
    with pytest.raises(ExportError) as caught:
        open_export(path, **options)
    return caught.value.finding


def encoding_notes(findings: list[Finding]) -> list[str]:
    return [finding.params["encoding"] for finding in findings if finding.code == "E001"]


# ---- the catalogue ---------------------------------------------------------------------------


def test_export_codes_are_in_the_catalogue() -> None:
    export_codes = [code for code, info in CATALOGUE.items() if info.family == "export"]
    assert export_codes == [f"E{number:03d}" for number in range(1, 11)]
    assert CATALOGUE["E001"].severity is Severity.INFO
    assert CATALOGUE["E002"].severity is Severity.ERROR and not CATALOGUE["E002"].no_verdict
    for code in ("E003", "E004", "E005", "E006", "E007", "E008", "E009", "E010"):
        assert CATALOGUE[code].no_verdict, code
    assert "pip install 'rodcli[xlsx]'" in CATALOGUE["E007"].hint.en


# ---- CSV: separators -------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_each_separator_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["naam", "bsn", "plaats"]) + "\n"
    text += delimiter.join(["Jan", BSN, "Utrecht"]) + "\n"
    table, rows, _ = read(write(tmp_path, text.encode()))
    assert table.delimiter == delimiter
    assert table.header == ["naam", "bsn", "plaats"]
    assert [row.cells for row in rows] == [["Jan", BSN, "Utrecht"]]


def test_sniffing_counts_outside_quotes_and_prefers_semicolon_on_a_tie() -> None:
    assert sniff_delimiter('"a;b;c",d,e\n') == ","
    assert sniff_delimiter("a,b;c\n") == ";"
    assert sniff_delimiter("a|b\tc\n") == "\t"
    assert sniff_delimiter("alleen\n") == ";"


def test_sniffing_looks_at_the_header_not_the_data(tmp_path: Path) -> None:
    path = write(tmp_path, b"naam;plaats\n\"Jansen, J.\";Den Haag, Centrum\n")
    table, rows, _ = read(path)
    assert table.delimiter == ";"
    assert rows[0].cells == ["Jansen, J.", "Den Haag, Centrum"]


def test_forced_delimiter_wins_over_sniffing(tmp_path: Path) -> None:
    path = write(tmp_path, b"naam,voornaam;bsn\nJansen,Jan;" + BSN.encode() + b"\n")
    table, rows, _ = read(path, delimiter=",")
    assert table.delimiter == ","
    assert table.header == ["naam", "voornaam;bsn"]
    assert rows[0].cells == ["Jansen", "Jan;" + BSN]


@pytest.mark.parametrize("alias", ["\\t", "tab", "TAB"])
def test_tab_can_be_forced_by_name(tmp_path: Path, alias: str) -> None:
    table, rows, _ = read(write(tmp_path, b"a\tb\n1\t2\n"), delimiter=alias)
    assert table.delimiter == "\t"
    assert rows[0].cells == ["1", "2"]


@pytest.mark.parametrize("bad", ["", ";;", '"', "\n"])
def test_invalid_forced_delimiter_is_no_verdict(tmp_path: Path, bad: str) -> None:
    finding = error_of(write(tmp_path, b"a;b\n"), delimiter=bad)
    assert finding.code == "E010"


def test_excel_sep_line_sets_the_separator_and_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, b"sep=,\r\nnaam;x,bsn\r\nJan;y," + BSN.encode() + b"\r\n")
    table, rows, _ = read(path)
    assert table.delimiter == ","
    assert table.header == ["naam;x", "bsn"]
    assert table.header_line == 2
    assert rows[0].line == 3 and rows[0].cells == ["Jan;y", BSN]


# ---- CSV: encodings --------------------------------------------------------------------------


def test_plain_utf8_is_reported_once_at_the_end(tmp_path: Path) -> None:
    path = write(tmp_path, "naam;plaats\nJosé;Zoë\n".encode())
    with open_export(path) as table:
        assert table.findings == []  # UTF-8 is not certain until the last byte
        rows = list(table.rows)
    assert rows[0].cells == ["José", "Zoë"]
    assert table.encoding == "utf-8"
    assert codes(table.findings) == ["E001"]
    assert encoding_notes(table.findings) == ["UTF-8"]
    assert table.findings[0].severity is Severity.INFO


def test_utf8_bom_is_dropped_and_reported(tmp_path: Path) -> None:
    path = write(tmp_path, b"\xef\xbb\xbfnaam;bsn\r\nJos\xc3\xa9;" + BSN.encode() + b"\r\n")
    table, rows, findings = read(path)
    assert table.header == ["naam", "bsn"]  # no U+FEFF glued to the first name
    assert rows[0].cells == ["José", BSN]
    assert table.encoding == "utf-8-sig"
    assert encoding_notes(findings) == ["UTF-8 (BOM)"]
    assert codes(findings) == ["E001"]  # no I003: for an export a BOM is a fact, not a fault


def test_windows_1252_is_read_and_reported_with_line_and_byte(tmp_path: Path) -> None:
    data = b"naam;plaats\nJan;Utrecht\nRen\xe9;Zo\xebterwoude\nAnd\x80;x\n"
    table, rows, findings = read(write(tmp_path, data))
    assert [row.cells for row in rows] == [
        ["Jan", "Utrecht"], ["René", "Zoëterwoude"], ["And€", "x"],
    ]
    assert table.encoding == "cp1252"
    assert codes(findings) == ["E001"]  # once, no I002
    assert encoding_notes(findings) == ["Windows-1252 (byte 0xE9 is geen UTF-8)"]
    assert (findings[0].location.line, findings[0].location.column) == (3, 4)


def test_windows_1252_in_the_header(tmp_path: Path) -> None:
    table, rows, findings = read(write(tmp_path, b"na\xefve;b\nx;y\n"))
    assert table.header == ["naïve", "b"]
    assert table.encoding == "cp1252"
    assert encoding_notes(findings) == ["Windows-1252 (byte 0xEF is geen UTF-8)"]
    assert findings[0].location.line == 1


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    text = f"naam\tbsn\r\nJosé\t{BSN}\r\n\"twee\r\nregels\"\t{BSN2}\r\nZoë\t\r\n"
    table, rows, findings = read(write(tmp_path, bom + text.encode(codec)))
    assert table.encoding == "utf-16"
    assert table.delimiter == "\t"
    assert [(row.line, row.cells) for row in rows] == [
        (2, ["José", BSN]), (3, ["twee\r\nregels", BSN2]), (5, ["Zoë", None]),
    ]
    assert encoding_notes(findings) == ["UTF-16 (BOM)"]


def test_utf16_without_bom_is_recognised_by_its_zero_bytes(tmp_path: Path) -> None:
    data = f"naam;bsn\r\nJosé;{BSN}\r\n".encode("utf-16-le")
    table, rows, findings = read(write(tmp_path, data))
    assert table.encoding == "utf-16-le"
    assert rows[0].cells == ["José", BSN]
    assert encoding_notes(findings) == ["UTF-16LE"]


def test_forced_encoding(tmp_path: Path) -> None:
    # Valid UTF-8 bytes, but the export really is Latin-1: forcing it reads them as such.
    path = write(tmp_path, "naam\nJosé\n".encode())
    table, rows, findings = read(path, encoding="latin-1")
    assert table.encoding == "iso8859-1"
    assert rows[0].cells == ["JosÃ©"]
    assert encoding_notes(findings) == [
        "iso8859-1, zoals opgegeven (--encoding, of encoding in [source] van de mapping)"]
    assert findings[0].location.line is None


def test_forced_cp1252_reads_without_switching(tmp_path: Path) -> None:
    table, rows, findings = read(write(tmp_path, b"naam\nRen\xe9\n"), encoding="windows-1252")
    assert table.encoding == "cp1252"
    assert rows[0].cells == ["René"]
    assert encoding_notes(findings) == [
        "cp1252, zoals opgegeven (--encoding, of encoding in [source] van de mapping)"]


def test_forced_utf8_still_drops_a_bom(tmp_path: Path) -> None:
    table, _, _ = read(write(tmp_path, b"\xef\xbb\xbfnaam;bsn\n"), encoding="utf-8")
    assert table.header == ["naam", "bsn"]


def test_forced_utf16_without_bom(tmp_path: Path) -> None:
    data = "naam;bsn\nZoë;1\n".encode("utf-16-be")
    table, rows, _ = read(write(tmp_path, data), encoding="utf-16-be")
    assert rows[0].cells == ["Zoë", "1"]


def test_unknown_forced_encoding_is_no_verdict(tmp_path: Path) -> None:
    finding = error_of(write(tmp_path, b"a;b\n"), encoding="klingon")
    assert finding.code == "E009" and finding.params["encoding"] == "klingon"


# ---- CSV: line ends, line numbers, blank and ragged rows -------------------------------------


def test_embedded_line_breaks_keep_physical_line_numbers(tmp_path: Path) -> None:
    data = (
        "naam;opmerking;bsn\r\n"            # 1
        "Jan;\"eerste\r\n"                  # 2
        "tweede\r\n"                        # 3
        "derde\";" + BSN + "\r\n"           # 4
        "Piet;kort;" + BSN2 + "\r\n"        # 5
        "Kees;\"a;b\n"                      # 6  (a bare LF inside, as Excel's Alt+Enter)
        "c\";\r\n"                          # 7
        "Els;;" + BSN + "\r\n"              # 8
    ).encode()
    table, rows, _ = read(write(tmp_path, data))
    assert [row.line for row in rows] == [2, 5, 6, 8]
    assert rows[0].cells == ["Jan", "eerste\r\ntweede\r\nderde", BSN]
    assert rows[2].cells == ["Kees", "a;b\nc", None]
    # positions of cells, 1-based, physical
    assert rows[0].position(0) == (2, 1)
    assert rows[0].position(1) == (2, 5)
    assert rows[0].position(2) == (4, 8)
    assert rows[1].position(2) == (5, 11)
    assert rows[3].position(2) == (8, 6)


def test_crlf_and_old_mac_cr_line_ends(tmp_path: Path) -> None:
    for name, end in (("crlf.csv", "\r\n"), ("cr.csv", "\r")):
        text = end.join(["naam;bsn", "Jan;" + BSN, "", "Piet;" + BSN2, ""])
        table, rows, _ = read(write(tmp_path, text.encode(), name))
        assert table.header == ["naam", "bsn"], name
        assert [(row.line, row.cells) for row in rows] == [
            (2, ["Jan", BSN]), (4, ["Piet", BSN2]),
        ], name
        assert table.blank_rows == 1, name


def test_quoted_line_break_in_an_old_mac_file(tmp_path: Path) -> None:
    path = write(tmp_path, b'naam;opm\r"a\rb";x\rJan;y\r')
    _, rows, _ = read(path)
    assert [(row.line, row.cells) for row in rows] == [(2, ["a\nb", "x"]), (4, ["Jan", "y"])]
    assert rows[0].position(1) == (3, 4)


def test_blank_rows_and_trailing_blank_lines_are_counted_not_yielded(tmp_path: Path) -> None:
    data = (
        "\n"                    # 1 before the header: not a row
        "naam;bsn;plaats\n"     # 2
        "Jan;" + BSN + ";A\n"   # 3
        "\n"                    # 4 blank
        ";;\n"                  # 5 Excel's empty row
        " ; ;\n"                # 6 only spaces
        "Piet;" + BSN2 + ";B\n"  # 7
        "\n\n\n"                # 8-10 trailing
    ).encode()
    table, rows, _ = read(write(tmp_path, data))
    assert table.header_line == 2
    assert [row.line for row in rows] == [3, 7]
    assert table.blank_rows == 6


def test_blank_rows_are_counted_as_they_pass(tmp_path: Path) -> None:
    path = write(tmp_path, b"a\n1\n\n\n2\n")
    with open_export(path) as table:
        iterator = iter(table.rows)
        next(iterator)
        assert table.blank_rows == 0
        next(iterator)
        assert table.blank_rows == 2


def test_ragged_rows(tmp_path: Path) -> None:
    data = (
        "naam;bsn;plaats\n"
        "Jan\n"                          # 2 fewer cells: padded
        "Piet;" + BSN + "\n"             # 3
        "Kees;" + BSN2 + ";A;extra;\n"   # 4 more: E002, kept
        "Els;" + BSN + ";B;;\n"          # 5 empty extra cells: dropped silently
    ).encode()
    table, rows, findings = read(write(tmp_path, data))
    assert [row.cells for row in rows] == [
        ["Jan", None, None],
        ["Piet", BSN, None],
        ["Kees", BSN2, "A", "extra"],
        ["Els", BSN, "B"],
    ]
    errors = [finding for finding in findings if finding.code == "E002"]
    assert len(errors) == 1
    assert (errors[0].location.line, errors[0].location.column) == (4, 18)
    assert errors[0].params == {"found": "4", "expected": "3"}
    assert errors[0].severity is Severity.ERROR
    assert "4" in message(errors[0], "en") and "3" in message(errors[0], "nl")


def test_findings_arrive_with_their_row(tmp_path: Path) -> None:
    path = write(tmp_path, b"a;b\n1;2;3\n4;5\n")
    with open_export(path) as table:
        iterator = iter(table.rows)
        assert next(iterator).line == 2
        assert codes(table.findings) == ["E002"]
        table.findings.clear()
        assert next(iterator).line == 3
        assert table.findings == []


def test_trailing_separators_in_the_header_are_no_columns(tmp_path: Path) -> None:
    table, rows, _ = read(write(tmp_path, b"naam;bsn;;\nJan;1;;\n"))
    assert table.header == ["naam", "bsn"]
    assert rows[0].cells == ["Jan", "1"]


def test_values_are_kept_as_they_are_and_empty_is_none(tmp_path: Path) -> None:
    path = write(tmp_path, b' naam ; bsn ;opm\n  Jan ;"";" "\n')
    table, rows, _ = read(path)
    assert table.header == ["naam", "bsn", "opm"]  # names stripped
    assert rows[0].cells == ["  Jan ", None, " "]  # values not


@pytest.mark.parametrize(("header", "columns", "column"), [
    (b"naam;bsn;naam\n", "'naam' (1, 3)", 10),
    (b"naam;;bsn\n", "'' (2)", 6),
    (b"a;b;a;;b\n", "'a' (1, 3), 'b' (2, 5), '' (4)", 5),
])
def test_duplicate_or_empty_header_names_are_no_verdict(
    tmp_path: Path, header: bytes, columns: str, column: int
) -> None:
    finding = error_of(write(tmp_path, b"\n" + header + b"1;2;3\n"))
    assert finding.code == "E003"
    assert finding.params["columns"] == columns
    assert (finding.location.line, finding.location.column) == (2, column)
    assert CATALOGUE["E003"].no_verdict


def test_unterminated_quote_becomes_a_finding_at_the_record(tmp_path: Path) -> None:
    data = b'naam;opm\nJan;x\nPiet;"open\nKees;y\nEls;z\n'
    _, rows, findings = read(write(tmp_path, data))
    assert [row.line for row in rows] == [2]
    i020 = [finding for finding in findings if finding.code == "I020"]
    assert len(i020) == 1 and i020[0].location.line == 3


def test_text_after_a_closing_quote_becomes_a_finding(tmp_path: Path) -> None:
    _, rows, findings = read(write(tmp_path, b'a;b\n1;2\n"3"x;4\n5;6\n'))
    assert [row.line for row in rows] == [2]
    assert [(f.code, f.location.line) for f in findings if f.code != "E001"] == [("I020", 3)]


def test_field_size_is_limited_to_one_mib(tmp_path: Path) -> None:
    big = b"x" * ((1 << 20) + 10)
    _, rows, findings = read(write(tmp_path, b"a;b\n1;2\n3;\"" + big + b"\"\n5;6\n"))
    assert [row.line for row in rows] == [2]
    assert [(f.code, f.location.line) for f in findings if f.code != "E001"] == [("I020", 3)]


def test_header_only(tmp_path: Path) -> None:
    table, rows, findings = read(write(tmp_path, b"naam;bsn\r\n"))
    assert table.header == ["naam", "bsn"] and table.header_line == 1
    assert rows == [] and table.blank_rows == 0
    assert codes(findings) == ["E001"]


@pytest.mark.parametrize("data", [b"", b"\n\n \r\n", b"\xef\xbb\xbf", b";;;\n;;\n", b"sep=;\n"])
def test_empty_file_is_no_verdict(tmp_path: Path, data: bytes) -> None:
    finding = error_of(write(tmp_path, data))
    assert finding.code == "E004"
    assert CATALOGUE["E004"].no_verdict


def test_rows_stream(tmp_path: Path) -> None:
    path = write(tmp_path, b"a\n" + b"x\n" * 1000)
    with open_export(path) as table:
        assert isinstance(table.rows, Iterator) and not isinstance(table.rows, list)
        assert next(table.rows).line == 2


# ---- not CSV, not XLSX, not readable ---------------------------------------------------------


def test_missing_file_and_directory_are_unreadable(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope.csv").code == "I001"
    assert error_of(tmp_path).code == "I001"


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("leerlingen.csv", "naam;bsn\n")
    finding = error_of(path)
    assert finding.code == "E008"
    assert finding.params["reason"] == "ZIP: leerlingen.csv"
    assert CATALOGUE["E008"].no_verdict


def test_opendocument_spreadsheet_is_named(tmp_path: Path) -> None:
    path = tmp_path / "export.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    finding = error_of(path)
    assert finding.code == "E008" and finding.params["reason"] == "OpenDocument (.ods)"


def test_broken_zip_is_not_a_workbook(tmp_path: Path) -> None:
    finding = error_of(write(tmp_path, b"PK\x03\x04" + b"\x00" * 40, "kapot.xlsx"))
    assert finding.code == "E008"


def test_damaged_workbook_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "kapot.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "not xml")
    assert error_of(path).code == "E008"


@pytest.mark.parametrize(("data", "found"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "OLE2 (.xls)"),
    (b"%PDF-1.7\n", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "byte 0x00"),
])
def test_binary_content_is_not_csv(tmp_path: Path, data: bytes, found: str) -> None:
    finding = error_of(write(tmp_path, data, "export.csv"))
    assert finding.code == "E005" and finding.params["found"] == found


def test_error_text_is_readable() -> None:
    with pytest.raises(ExportError, match=r"^E004: Export holds no header row"):
        raise ExportError(make_finding("E004", Location("x.csv")))


# ---- XLSX ------------------------------------------------------------------------------------


def workbook(path: Path, sheets: dict[str, list[list[Any]]], hidden: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


def rewrite_values(path: Path, old: str, new: str) -> None:
    """openpyxl writes 1.0 as ``1``; Excel and other writers may store ``1.0``."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name in parts:
        if name.startswith("xl/worksheets/"):
            parts[name] = re.sub(f"<v>{re.escape(old)}</v>".encode(),
                                 f"<v>{new}</v>".encode(), parts[name])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.fixture
def leerlingen(tmp_path: Path) -> Path:
    path = workbook(tmp_path / "leerlingen.xlsx", {
        "Leerlingen": [
            [],                                                                # 1 empty
            [" naam ", "bsn", "geboren", "serie", "cijfer", "code", None, None],  # 2 header
            ["Jan ", 11222333, datetime.datetime(2005, 3, 1), 45536, 7, "0123"],  # 3
            [None, None, None],                                                # 4 blank
            ["Piet", int(BSN2), datetime.date(2006, 1, 2), 45537, 6.5, ""],    # 5
            [],                                                                # 6 blank
            ["Kees", int(BSN), None, None, 8],                                 # 7
        ],
        "Overig": [["a", "b"], [1, 2]],
    })
    rewrite_values(path, "7", "7.0")
    return path


def test_xlsx_rows_keep_their_types(leerlingen: Path) -> None:
    table, rows, findings = read(leerlingen)
    assert table.sheet == "Leerlingen"
    assert table.header == ["naam", "bsn", "geboren", "serie", "cijfer", "code"]
    assert table.header_line == 2
    assert table.encoding is None and table.delimiter is None
    assert [row.line for row in rows] == [3, 5, 7]
    jan, piet, kees = (row.cells for row in rows)
    assert jan == ["Jan ", 11222333, datetime.datetime(2005, 3, 1), 45536, 7, "0123"]
    assert isinstance(jan[1], int)  # the 8-digit BSN stays a number: the caller pads it
    assert isinstance(jan[4], int)  # stored as 7.0, read as 7
    assert isinstance(jan[2], datetime.datetime)
    assert piet[2] == datetime.datetime(2006, 1, 2)
    assert piet[4] == 6.5 and piet[5] is None
    assert kees == ["Kees", int(BSN), None, None, 8, None]
    assert table.blank_rows == 2
    assert findings == []


def test_xlsx_positions_are_row_and_column(leerlingen: Path) -> None:
    _, rows, _ = read(leerlingen)
    assert rows[1].position(0) == (5, 1)
    assert rows[1].position(4) == (5, 5)


def test_xlsx_float_integers_become_int(tmp_path: Path) -> None:
    path = workbook(tmp_path / "f.xlsx", {"S": [["bsn", "n"], [11222333, 1], [2, 3]]})
    rewrite_values(path, "11222333", "11222333.0")
    rewrite_values(path, "1", "1.0")
    _, rows, _ = read(path)
    assert rows[0].cells == [11222333, 1]
    assert all(type(cell) is int for cell in rows[0].cells)


def test_cell_values() -> None:
    assert cell_value(1.0) == 1 and type(cell_value(1.0)) is int
    assert cell_value(11222333.0) == 11222333 and type(cell_value(11222333.0)) is int
    assert cell_value(2.5) == 2.5
    assert cell_value("") is None and cell_value(None) is None
    assert cell_value(" x ") == " x "
    assert cell_value(0) == 0
    assert cell_value(datetime.date(2024, 9, 1)) == datetime.date(2024, 9, 1)
    assert cell_value(datetime.time(8, 30)) == "08:30:00"
    assert cell_value(datetime.timedelta(hours=1)) == "1:00:00"


def test_xlsx_sheet_by_name(leerlingen: Path) -> None:
    table, rows, _ = read(leerlingen, sheet="Overig")
    assert table.sheet == "Overig" and table.header == ["a", "b"]
    assert [(row.line, row.cells) for row in rows] == [(2, [1, 2])]
    table, _, _ = read(leerlingen, sheet=" overig ")  # unique, ignoring case and spaces
    assert table.sheet == "Overig"


def test_xlsx_unknown_sheet_is_no_verdict(leerlingen: Path) -> None:
    finding = error_of(leerlingen, sheet="Cijfers")
    assert finding.code == "E006"
    assert finding.params == {"sheet": "Cijfers", "sheets": "'Leerlingen', 'Overig'"}
    assert CATALOGUE["E006"].no_verdict


def test_xlsx_empty_sheet_is_no_verdict(tmp_path: Path) -> None:
    path = workbook(tmp_path / "leeg.xlsx", {"Leeg": [], "Vol": [["a"], [1]]})
    finding = error_of(path)
    assert finding.code == "E004" and finding.location.sheet == "Leeg"
    assert read(path, sheet="Vol")[1][0].cells == [1]


def test_xlsx_first_visible_sheet_is_the_default(tmp_path: Path) -> None:
    path = workbook(tmp_path / "h.xlsx", {"Codes": [["code"], ["X"]], "Data": [["naam"], ["Jan"]]},
                    hidden=("Codes",))
    table, rows, _ = read(path)
    assert table.sheet == "Data" and rows[0].cells == ["Jan"]
    assert read(path, sheet="Codes")[0].header == ["code"]


def test_xlsx_header_only(tmp_path: Path) -> None:
    table, rows, findings = read(workbook(tmp_path / "k.xlsx", {"S": [["naam", "bsn"]]}))
    assert table.header == ["naam", "bsn"] and rows == [] and findings == []


def test_xlsx_extra_cells_and_duplicate_names(tmp_path: Path) -> None:
    path = workbook(tmp_path / "x.xlsx", {"S": [["naam", "bsn"], ["Jan", 1, None, "extra"]]})
    _, rows, findings = read(path)
    assert rows[0].cells == ["Jan", 1, None, "extra"]
    assert [(f.code, f.location.line, f.location.column, f.location.sheet) for f in findings] == [
        ("E002", 2, 4, "S"),
    ]
    duplicate = workbook(tmp_path / "d.xlsx", {"S": [[], ["naam", None, "naam"], ["x"]]})
    finding = error_of(duplicate)
    assert finding.code == "E003"
    assert finding.params["columns"] == "'naam' (1, 3), '' (2)"
    assert (finding.location.line, finding.location.column) == (2, 2)


def test_xlsx_is_detected_by_content_not_name(tmp_path: Path) -> None:
    book = workbook(tmp_path / "a.xlsx", {"S": [["naam"], ["Jan"]]})
    disguised = write(tmp_path, book.read_bytes(), "export.csv")
    assert read(disguised)[0].sheet == "S"
    text = write(tmp_path, b"naam;bsn\nJan;1\n", "export.xlsx")
    assert read(text)[0].delimiter == ";"


def test_xlsx_without_openpyxl(leerlingen: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import fails as if not installed
    finding = error_of(leerlingen)
    assert finding.code == "E007"
    assert CATALOGUE["E007"].no_verdict


def test_xlsx_workbook_is_closed_when_exhausted(leerlingen: Path) -> None:
    with open_export(leerlingen) as table:
        rows = table.rows
        assert next(rows).line == 3
    with pytest.raises(StopIteration):
        next(rows)
    table = open_export(leerlingen)
    list(table.rows)
    table.close()  # again: harmless
