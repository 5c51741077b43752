"""Readers: kind detection, encodings, physical lines and columns, header checks, XML safety
and XSD findings."""

from __future__ import annotations

import codecs
import gc
import warnings
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from conftest import (
    BRIN,
    BSN,
    Row,
    csv_text,
    flatten,
    inschrijving,
    line_of,
    mbo_inschrijving,
    mbo_student,
    module_inschrijving,
    uitschrijving,
    validate,
    write_csv,
    write_xml,
    xml_text,
)
from rodcli.bulkformat.models import field_names
from rodcli.bulkformat.xsd import builtin_schema, xsd_text
from rodcli.cli import app
from rodcli.codes import message
from rodcli.findings import FileReport, Result, Severity
from rodcli.readers import detect_kind
from rodcli.readers.bulk_csv import csv_columns

COLUMNS = csv_columns()
BRIN_COLUMN = len("inschrijving;") + 1  # where brin starts in an inschrijving row


def report(result: Result) -> FileReport:
    (file_report,) = result.files
    return file_report


# ---- kind detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b'<?xml version="1.0"?><a/>', "xml"),
        (b"\n\n   <root/>", "xml"),
        (codecs.BOM_UTF8 + b"<root/>", "xml"),
        ("<root/>".encode("utf-16"), "xml"),
        (b"recordtype;brin\n", "csv"),
        (b"RecordType;brin\n", "csv"),
        (codecs.BOM_UTF8 + b"recordtype;brin\n", "csv"),
        ("recordtype;brin\n".encode("utf-16"), "csv"),
        (b"brin;bsn\nrecordtype\n", None),  # only the first line counts
        (b"hello world", None),
        (b"\x00\x01\x02", None),
    ],
)
def test_detect_kind(head: bytes, kind: str | None) -> None:
    assert detect_kind(head) == kind


def test_xml_file_named_csv_is_read_as_xml(tmp_path: Path) -> None:
    path = tmp_path / "delivery.csv"
    path.write_text(xml_text([inschrijving(brin="9XX")]), encoding="utf-8")
    result = validate(path)
    assert report(result).kind == "xml"
    assert flatten(result) == [("F002", line_of(path, "<brin>"), "brin")]


def test_csv_file_named_xml_is_read_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "delivery.xml"
    path.write_text(csv_text([inschrijving(brin="9XX")]), encoding="utf-8")
    result = validate(path)
    assert report(result).kind == "csv"
    assert flatten(result) == [("F002", 2, "brin")]


def test_unknown_content_is_i005(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("naam;bsn\nJan;x\n", encoding="utf-8")
    result = validate(path)
    assert flatten(result) == [("I005", 1, None)]
    assert report(result).kind is None


@pytest.mark.parametrize("content", [b"", b"   \n\n", b"\r\n"])
def test_empty_file_is_i007(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    assert flatten(validate(path)) == [("I007", None, None)]


def test_missing_file_is_i001_without_verdict(tmp_path: Path) -> None:
    result = validate(tmp_path / "nope.csv")
    assert flatten(result) == [("I001", None, None)]
    assert result.no_verdict
    assert not report(result).readable


# ---- CSV encodings ---------------------------------------------------------------------------


def test_csv_with_bom_warns_and_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    text = csv_text([inschrijving(), inschrijving(brin="9XX", inschrijvingvolgnummer="2")])
    path.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    result = validate(path)
    assert flatten(result) == [("I003", 1, None), ("F002", 3, "brin")]
    assert result.findings[0].severity is Severity.WARNING
    assert report(result).records == 2
    # the BOM is not part of the first column's name
    assert not any(f.code in ("I008", "I009") for f in result.findings)


def test_csv_in_windows_1252(tmp_path: Path) -> None:
    rows = [
        inschrijving(),
        module_inschrijving(inschrijvingvolgnummer="2", onderwijseenheidcode="CAFÉ"),
        inschrijving(brin="9XX", inschrijvingvolgnummer="3"),
    ]
    path = tmp_path / "ansi.csv"
    path.write_bytes(csv_text(rows).encode("cp1252"))
    raw_line = path.read_bytes().split(b"\n")[2]
    result = validate(path)
    assert flatten(result) == [
        ("F002", 3, "onderwijseenheidcode"),
        ("I002", 3, None),
        ("F002", 4, "brin"),  # later rows are still checked
    ]
    i002 = next(f for f in result.findings if f.code == "I002")
    assert i002.location.column == raw_line.index(b"\xc9") + 1
    assert i002.params == {"byte": "0xC9", "assumed": "Windows-1252"}
    # decoding went on as Windows-1252: the value reads as the user typed it
    f002 = next(f for f in result.findings if f.location.field == "onderwijseenheidcode")
    assert f002.params["value"] == "CAFÉ"
    assert report(result).encoding == "cp1252"
    assert report(result).records == 3


def test_csv_windows_1252_in_the_first_data_row(tmp_path: Path) -> None:
    path = tmp_path / "ansi.csv"
    body = csv_text([inschrijving(onderwijseenheidcode="É")], columns=[*COLUMNS])
    path.write_bytes(body.encode("cp1252"))
    result = validate(path)
    i002 = next(f for f in result.findings if f.code == "I002")
    assert (i002.location.line, i002.location.column) == (2, body.splitlines()[1].index("É") + 1)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-16-le"])
def test_csv_in_utf16_with_bom(tmp_path: Path, encoding: str) -> None:
    text = csv_text([inschrijving(), inschrijving(brin="9XX", inschrijvingvolgnummer="2")])
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    elif encoding == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    path = tmp_path / "u16.csv"
    path.write_bytes(data)
    result = validate(path)
    assert flatten(result) == [("I002", 1, None), ("F002", 3, "brin")]
    assert result.findings[0].params["assumed"] == "UTF-16"
    assert result.findings[0].params["byte"] == f"0x{data[0]:02X}"
    assert next(f for f in result.findings if f.code == "F002").location.column == BRIN_COLUMN
    assert report(result).encoding == "utf-16"
    assert report(result).records == 2


def test_csv_with_crlf(tmp_path: Path) -> None:
    rows = [inschrijving(), inschrijving(brin="9XX", inschrijvingvolgnummer="2")]
    path = write_csv(tmp_path, rows, newline="\r\n")
    assert b"\r\n" in path.read_bytes()
    result = validate(path)
    assert flatten(result) == [("F002", 3, "brin")]
    assert result.findings[0].location.column == BRIN_COLUMN


def test_clean_csv_with_crlf(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [inschrijving(), uitschrijving()], newline="\r\n")
    assert flatten(validate(path)) == []


def test_csv_without_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "bulk.csv"
    path.write_text(csv_text([inschrijving(brin="9XX")]).rstrip("\n"), encoding="utf-8")
    assert flatten(validate(path)) == [("F002", 2, "brin")]


# ---- CSV physical lines and columns ---------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_quoted_newline_keeps_later_lines_physical(tmp_path: Path, newline: str) -> None:
    rows = [
        module_inschrijving(onderwijseenheidcode="A\nB", studielast="7,5"),
        inschrijving(brin="9XX", inschrijvingvolgnummer="2"),
    ]
    path = write_csv(tmp_path, rows, newline=newline)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[2].startswith('B";')  # the record spans physical lines 2 and 3
    result = validate(path)
    assert flatten(result) == [
        ("F002", 2, "onderwijseenheidcode"),
        ("F012", 3, "studielast"),
        ("F002", 4, "brin"),
    ]
    columns = {f.location.field: f.location.column for f in result.findings}
    assert columns["onderwijseenheidcode"] == lines[1].index('"A') + 1
    assert columns["studielast"] == lines[2].index("7,5") + 1
    assert columns["brin"] == BRIN_COLUMN


def test_quoted_delimiter_does_not_shift_columns(tmp_path: Path) -> None:
    rows = [module_inschrijving(onderwijseenheidcode="A;B", studielast="0")]
    path = write_csv(tmp_path, rows)
    line = path.read_text(encoding="utf-8").splitlines()[1]
    result = validate(path)
    assert flatten(result) == [("F002", 2, "onderwijseenheidcode"), ("F012", 2, "studielast")]
    columns = {f.location.field: f.location.column for f in result.findings}
    assert columns["studielast"] == line.index(";0;") + 2
    assert columns["onderwijseenheidcode"] == line.index('"A;B"') + 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("brin", "9XX"),
        ("burgerservicenummer", "111222334"),
        ("inschrijvingvolgnummer", "a b"),
        ("datumInschrijving", "20251131"),
        ("opleidingcode", "24607"),
        ("inschrijvingsvorm", "Z"),
    ],
)
def test_field_findings_have_the_column_of_the_value(
    tmp_path: Path, field: str, value: str
) -> None:
    path = write_csv(tmp_path, [inschrijving(**{field: value})])
    line = path.read_text(encoding="utf-8").splitlines()[1]
    (finding,) = validate(path).findings
    assert (finding.location.line, finding.location.field) == (2, field)
    cells = line.split(";")
    index = COLUMNS.index(field)
    assert finding.location.column == len(";".join(cells[:index])) + 2
    assert cells[index] == value


def test_blank_trailing_lines_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bulk.csv"
    path.write_text(csv_text([inschrijving()]) + "\n\n   \n;;;;\n\n", encoding="utf-8")
    result = validate(path)
    assert flatten(result) == []
    assert report(result).records == 1


def test_blank_line_between_rows_keeps_numbering(tmp_path: Path) -> None:
    text = csv_text([inschrijving(), inschrijving(brin="9XX", inschrijvingvolgnummer="2")])
    first, second = text.rstrip("\n").rsplit("\n", 1)
    path = tmp_path / "bulk.csv"
    path.write_text(f"{first}\n\n{second}\n", encoding="utf-8")
    assert flatten(validate(path)) == [("F002", 4, "brin")]


def test_header_only_csv_has_no_errors(tmp_path: Path) -> None:
    result = validate(write_csv(tmp_path, []))
    assert result.severity_counts[Severity.ERROR] == 0
    assert report(result).records == 0


@pytest.mark.parametrize(("kind", "line"), [("csv", 1), ("xml", 2)])
def test_file_without_records_is_i015(tmp_path: Path, kind: str, line: int) -> None:
    path = write_csv(tmp_path, []) if kind == "csv" else write_xml(tmp_path, [])
    result = validate(path)
    assert flatten(result) == [("I015", line, None)]
    assert result.findings[0].severity is Severity.WARNING


# ---- CSV header ------------------------------------------------------------------------------


def test_i008_unknown_column(tmp_path: Path) -> None:
    columns = [*COLUMNS[:3], "opmerking", *COLUMNS[3:]]
    path = write_csv(tmp_path, [inschrijving()], columns=columns)
    result = validate(path)
    assert flatten(result) == [("I008", 1, "opmerking")]
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert result.findings[0].location.column == header.index("opmerking") + 1
    assert result.findings[0].params == {"column": "opmerking"}


@pytest.mark.parametrize("missing", ["vooropleiding", "datumAfsluitendExamen", "brin"])
def test_i009_missing_column(tmp_path: Path, missing: str) -> None:
    columns = [c for c in COLUMNS if c != missing]
    result = validate(write_csv(tmp_path, [uitschrijving()], columns=columns))
    header_findings = [f for f in flatten(result) if f[1] == 1]
    assert header_findings == [("I009", 1, missing)]


def test_i009_without_a_recordtype_column(tmp_path: Path) -> None:
    # "RecordType" makes the file a CSV, but the column is not named exactly
    columns = ["RecordType", *COLUMNS[1:]]
    path = write_csv(tmp_path, [], columns=columns)
    path.write_text(path.read_text() + "inschrijving;99XX\n", encoding="utf-8")
    result = validate(path)
    assert flatten(result) == [("I009", 1, None)]
    assert result.findings[0].params == {"column": "recordtype"}


def test_i012_column_order(tmp_path: Path) -> None:
    columns = list(COLUMNS)
    columns[1], columns[2] = columns[2], columns[1]
    path = write_csv(tmp_path, [inschrijving(brin="9XX")], columns=columns)
    result = validate(path)
    assert flatten(result) == [("I012", 1, None), ("F002", 2, "brin")]
    assert result.sorted_findings()[0].severity is Severity.WARNING
    # values are read by name, and the column of the value is still right
    line = path.read_text(encoding="utf-8").splitlines()[1]
    brin = next(f for f in result.findings if f.code == "F002")
    assert line[brin.location.column - 1:].startswith("9XX;")


def test_i013_mbo_columns_in_csv(tmp_path: Path) -> None:
    columns = [*COLUMNS, "leertraject", "onderwijslocatie"]
    result = validate(write_csv(tmp_path, [inschrijving()], columns=columns))
    assert flatten(result) == [("I013", 1, None)]
    assert result.findings[0].params == {"reason": "leertraject, onderwijslocatie"}


def test_mbo_only_columns_are_all_known_to_the_check() -> None:
    mbo_only = set(field_names("mbo")) - set(COLUMNS)
    # DUO's RO fields: every mbo record type has some a ho file never has
    assert {"datumUitschrijvingGepland", "datumBeginPeriode", "leertraject", "onderwijslocatie",
            "bpvVolgnummer", "leerbedrijfId", "resultaatvolgnummer", "opleidingcodeDiploma",
            "codeKeuzedeel", "codeGeneriekExamenonderdeel", "codeAmvbOnderdeel"} <= mbo_only
    assert mbo_only.isdisjoint({"brin", "geboortedatum", "geslacht", "postcode",
                                "inschrijvingvolgnummer", "datumInschrijving", "opleidingcode",
                                "redenUitschrijving"})


def test_i013_sector_mbo_on_a_csv(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [inschrijving()])
    result = validate(path, sector="mbo")
    assert flatten(result) == [("I013", None, None)]
    assert result.findings[0].params == {"reason": "--sector mbo"}
    assert flatten(validate(path, sector="ho")) == []


@pytest.mark.parametrize(
    ("extra", "found"),
    [(";", 20), (";x;y", 21)],
)
def test_i010_too_many_columns(tmp_path: Path, extra: str, found: int) -> None:
    text = csv_text([inschrijving(), inschrijving(inschrijvingvolgnummer="2")])
    lines = text.splitlines()
    lines[1] += extra
    path = tmp_path / "bulk.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate(path)
    assert flatten(result) == [("I010", 2, None)]
    assert result.findings[0].params == {"found": str(found), "expected": "19"}
    assert report(result).records == 1  # the bad row is not a record; the next one is


def test_i010_too_few_columns(tmp_path: Path) -> None:
    path = tmp_path / "bulk.csv"
    path.write_text(csv_text([inschrijving()]) + "uitschrijving;99XX;111222333\n",
                    encoding="utf-8")
    result = validate(path)
    assert flatten(result) == [("I010", 3, None)]
    assert result.findings[0].params == {"found": "3", "expected": "19"}


def test_i020_unterminated_quote(tmp_path: Path) -> None:
    path = tmp_path / "bulk.csv"
    path.write_text(csv_text([inschrijving()]) + 'inschrijving;"99XX\n', encoding="utf-8")
    result = validate(path)
    assert flatten(result) == [("I020", 3, None)]


def test_i020_points_at_the_record_with_the_open_quote(tmp_path: Path) -> None:
    later = csv_text([inschrijving(inschrijvingvolgnummer=str(n)) for n in range(2, 6)])
    text = csv_text([inschrijving()]) + 'inschrijving;"99XX;111222333\n'
    path = tmp_path / "bulk.csv"
    path.write_text(text + later.split("\n", 1)[1], encoding="utf-8")
    assert flatten(validate(path)) == [("I020", 3, None)]


# ---- XML: well-formedness and safety -------------------------------------------------------


def test_xml_not_well_formed_has_its_line(tmp_path: Path) -> None:
    text = xml_text([inschrijving()]).replace(
        "<opleidingcode>34607</opleidingcode>", "<opleidingcode>34607</opleidingscode>"
    )
    path = tmp_path / "bulk.xml"
    path.write_text(text, encoding="utf-8")
    result = validate(path)
    assert flatten(result) == [("I004", line_of(path, "</opleidingscode>"), None)]
    assert "opleidingscode" in result.findings[0].params["reason"]
    assert "{" not in result.findings[0].params["reason"]


def test_truncated_xml_keeps_the_records_before(tmp_path: Path) -> None:
    text = xml_text([inschrijving(brin="9XX"), inschrijving(inschrijvingvolgnummer="2")])
    path = tmp_path / "bulk.xml"
    path.write_text(text[: text.index("<inschrijvingvolgnummer>2")], encoding="utf-8")
    result = validate(path)
    codes = flatten(result)
    assert codes[0] == ("F002", 8, "brin")
    assert [code for code, _, _ in codes] == ["F002", "I004"]


def test_unescaped_ampersand(tmp_path: Path) -> None:
    path = tmp_path / "bulk.xml"
    path.write_text(xml_text([inschrijving()]).replace("<brin>99XX", "<brin>99&XX"),
                    encoding="utf-8")
    assert flatten(validate(path)) == [("I004", 8, None)]


def test_doctype_is_refused(tmp_path: Path) -> None:
    text = xml_text([inschrijving()]).replace(
        "<aanleveren", "<!DOCTYPE aanleveren_onderwijsdeelnemers_request>\n<aanleveren", 1
    )
    path = tmp_path / "bulk.xml"
    path.write_text(text, encoding="utf-8")
    result = validate(path)
    assert [code for code, _, _ in flatten(result)] == ["I016"]
    assert report(result).records == 0


SECRET = "TOPSECRET-7f3a9c"


def _xxe_document(tmp_path: Path, padding: str = "", encoding: str = "utf-8") -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    doctype = f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
    text = xml_text([inschrijving(), uitschrijving()])
    text = text.replace("<aanleveren", padding + doctype + "<aanleveren", 1)
    text = text.replace("<inschrijvingvolgnummer>1<", "<inschrijvingvolgnummer>&xxe;<", 1)
    text = text.replace("<verzendendeInstantie>99XX<", "<verzendendeInstantie>&xxe;<", 1)
    if encoding != "utf-8":
        text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = tmp_path / "xxe.xml"
    path.write_bytes(text.encode(encoding))
    return path


def _all_output(path: Path) -> str:
    runner = CliRunner()
    parts = []
    for fmt in ("text", "json"):
        for lang in ("nl", "en"):
            run = runner.invoke(app, ["validate", str(path), "--format", fmt, "--lang", lang])
            assert run.exception is None or isinstance(run.exception, SystemExit)
            parts += [run.stdout, run.stderr]
    return "\n".join(parts)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_xxe_entity_is_refused_and_never_read(tmp_path: Path, encoding: str) -> None:
    path = _xxe_document(tmp_path, encoding=encoding)
    result = validate(path)
    assert "I016" in [code for code, _, _ in flatten(result)]
    assert SECRET not in repr(result)
    assert SECRET not in _all_output(path)


def test_xxe_after_a_long_prolog_is_never_read(tmp_path: Path) -> None:
    # the DOCTYPE sits beyond the bytes sniffed for it
    padding = "<!-- " + "x" * 70_000 + " -->\n"
    path = _xxe_document(tmp_path, padding=padding)
    assert SECRET not in _all_output(path)


def test_doctype_after_a_long_prolog_is_refused(tmp_path: Path) -> None:
    padding = "<!-- " + "x" * 70_000 + " -->\n"
    text = xml_text([inschrijving()]).replace(
        "<aanleveren",
        padding + "<!DOCTYPE aanleveren_onderwijsdeelnemers_request>\n<aanleveren", 1,
    )
    path = tmp_path / "bulk.xml"
    path.write_text(text, encoding="utf-8")
    assert [code for code, _, _ in flatten(validate(path))] == ["I016"]


def test_entity_after_a_long_prolog_is_refused(tmp_path: Path) -> None:
    padding = "<!-- " + "x" * 70_000 + " -->\n"
    path = _xxe_document(tmp_path, padding=padding)
    result = validate(path)
    assert [code for code, _, _ in flatten(result)] == ["I016"]
    assert report(result).records == 0
    assert SECRET not in repr(result)


# ---- XML: document and sector ---------------------------------------------------------------


# The reader leaves the file open after I006 (see test_xml_reader_closes_the_file below);
# here only the finding is under test.
@pytest.mark.parametrize(
    "options",
    [
        {"namespace": "urn:something:else"},
        {"namespace": ""},
        {"root": "aanleveren_request"},
    ],
)
def test_i006_wrong_root_or_namespace(tmp_path: Path, options: dict) -> None:
    text = xml_text([inschrijving(brin="9XX")], **options)
    if options.get("namespace") == "":
        text = text.replace(' xmlns=""', "")
    path = tmp_path / "bulk.xml"
    path.write_text(text, encoding="utf-8")
    result = validate(path)
    assert flatten(result) == [("I006", 2, None)]  # no record is checked
    assert "ROD_Bulk_HO_V1" in result.findings[0].params["expected"]
    assert report(result).sector is None


@pytest.mark.parametrize("own_schema", [False, True])
def test_xml_reader_closes_the_file(tmp_path: Path, own_schema: bool) -> None:
    path = tmp_path / "bulk.xml"
    path.write_text(xml_text([inschrijving()], namespace="urn:something:else"), encoding="utf-8")
    options = {}
    if own_schema:
        xsd = tmp_path / "own.xsd"
        xsd.write_text(xsd_text("ho"), encoding="utf-8")
        options["schema"] = xsd
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = validate(path, **options)
        gc.collect()
    # with --schema the document is also validated whole against the user's XSD (X001s)
    assert ("I019" if own_schema else "I006") in [code for code, _, _ in flatten(result)]
    assert [w.message for w in caught if issubclass(w.category, ResourceWarning)] == []


@pytest.mark.parametrize(("sector", "asked"), [("mbo", "ho"), ("ho", "mbo")])
def test_i014_sector_mismatch(tmp_path: Path, sector: str, asked: str) -> None:
    row = mbo_inschrijving(brin="9XX") if sector == "mbo" else inschrijving(brin="9XX")
    path = write_xml(tmp_path, [row], sector)
    result = validate(path, sector=asked)
    assert flatten(result) == [("I014", 2, None), ("F002", 8, "brin")]
    assert result.findings[0].params == {"found": sector, "expected": asked}
    assert report(result).sector == sector


@pytest.mark.parametrize("sector", ["ho", "mbo"])
def test_sector_is_detected_from_the_namespace(tmp_path: Path, sector: str) -> None:
    rows = mbo_student() if sector == "mbo" else [inschrijving()]
    path = write_xml(tmp_path, rows, sector)
    result = validate(path, sector=sector)
    assert flatten(result) == []
    assert (report(result).kind, report(result).sector) == ("xml", sector)


def test_xml_declared_in_another_encoding(tmp_path: Path) -> None:
    text = xml_text([inschrijving()]).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
    path = tmp_path / "bulk.xml"
    path.write_bytes(text.encode("latin-1"))
    result = validate(path)
    assert flatten(result) == [("I018", 1, None)]
    assert result.findings[0].params == {"found": "ISO-8859-1"}


def test_xml_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bulk.xml"
    path.write_bytes(codecs.BOM_UTF8 + xml_text([inschrijving(brin="9XX")]).encode("utf-8"))
    assert flatten(validate(path)) == [("I003", 1, None), ("F002", 8, "brin")]


def test_xml_in_utf16_is_reported_and_read(tmp_path: Path) -> None:
    text = xml_text([inschrijving(brin="9XX")]).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = tmp_path / "bulk.xml"
    path.write_bytes(text.encode("utf-16"))
    result = validate(path)
    assert flatten(result) == [("I002", 1, None), ("F002", 8, "brin")]
    assert report(result).encoding == "utf-16"


def test_xml_with_windows_1252_bytes(tmp_path: Path) -> None:
    text = xml_text([inschrijving()]).replace("<brin>99XX<", "<brin>99XÉ<")
    path = tmp_path / "bulk.xml"
    path.write_bytes(text.encode("cp1252"))
    result = validate(path)
    assert flatten(result) == [("I021", 8, None)]
    (finding,) = result.findings
    assert finding.location.column == len("    <brin>99X") + 1
    assert message(finding, "en").startswith("XML cannot be decoded: ")


# ---- XML: XSD findings ---------------------------------------------------------------------


LINE_12_DOCUMENT = """\
<?xml version="1.0" encoding="UTF-8"?>
<aanleveren_onderwijsdeelnemers_request xmlns="urn:rodcli:schema:ROD_Bulk_HO_V1">
  <identificatiecodeBedrijfsdocument>0f8fad5b-d9cb-469f-a165-70867728950e</identificatiecodeBedrijfsdocument>
  <verzendendeInstantie>99XX</verzendendeInstantie>
  <ontvangendeInstantie>DUO</ontvangendeInstantie>
  <datumTijdBedrijfsdocument>2025-09-01T08:15:00Z</datumTijdBedrijfsdocument>
  <uitschrijving>
    <brin>99XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <inschrijvingvolgnummer>1</inschrijvingvolgnummer>
    <datumUitschrijving>2025-08-31</datumUitschrijving></uitschrijving><uitschrijving>
    <brin>9XX</brin>
    <burgerservicenummer>111222333</burgerservicenummer>
    <inschrijvingvolgnummer>2</inschrijvingvolgnummer>
    <datumUitschrijving>2025-08-31</datumUitschrijving>
  </uitschrijving>
</aanleveren_onderwijsdeelnemers_request>
"""


def test_bad_brin_on_line_12_is_one_finding_on_line_12(tmp_path: Path) -> None:
    path = tmp_path / "bulk.xml"
    path.write_text(LINE_12_DOCUMENT, encoding="utf-8")
    assert line_of(path, "<brin>9XX</brin>") == 12
    findings = [f for f in flatten(validate(path)) if f[0] not in ("R006",)]
    assert findings == [("F002", 12, "brin")]  # the XSD says the same: no X001 beside it


def test_xsd_error_without_a_field_finding_has_its_line(tmp_path: Path) -> None:
    # opleidingcode before datumInschrijving: the model does not care, the XSD does
    text = xml_text([inschrijving(), inschrijving(inschrijvingvolgnummer="2")])
    swapped = text.replace(
        "    <datumInschrijving>2024-09-01</datumInschrijving>\n"
        "    <opleidingcode>34607</opleidingcode>\n",
        "    <opleidingcode>34607</opleidingcode>\n"
        "    <datumInschrijving>2024-09-01</datumInschrijving>\n",
    )
    path = tmp_path / "bulk.xml"
    path.write_text(swapped, encoding="utf-8")
    result = validate(path)
    lines = [n for n, line in enumerate(swapped.splitlines(), 1) if "<opleidingcode>" in line]
    assert flatten(result) == [("X001", lines[0], "opleidingcode"),
                               ("X001", lines[1], "opleidingcode")]
    reason = result.findings[0].params["reason"]
    assert reason.startswith("Element 'opleidingcode': This element is not expected.")
    assert "urn:" not in reason


def test_xsd_and_field_findings_on_different_lines_are_both_kept(tmp_path: Path) -> None:
    text = xml_text([inschrijving(brin="9XX")]).replace(
        "    <opleidingsvorm>VOLTIJD</opleidingsvorm>\n    <opleidingsfase>B</opleidingsfase>\n",
        "    <opleidingsfase>B</opleidingsfase>\n    <opleidingsvorm>VOLTIJD</opleidingsvorm>\n",
    )
    path = tmp_path / "bulk.xml"
    path.write_text(text, encoding="utf-8")
    assert flatten(validate(path)) == [
        ("F002", 8, "brin"), ("X001", line_of(path, "<opleidingsfase>"), "opleidingsfase"),
    ]


@pytest.mark.parametrize(
    ("row", "field", "code"),
    [
        (inschrijving(brin="9XX"), "brin", "F002"),
        (inschrijving(burgerservicenummer="11122233"), "burgerservicenummer", "F002"),
        (inschrijving(datumInschrijving="20240901"), "datumInschrijving", "F013"),
        (inschrijving(datumInschrijving="2024-02-30"), "datumInschrijving", "F003"),
        (inschrijving(opleidingcode="3460"), "opleidingcode", "F002"),
        (module_inschrijving(studielast="7,5"), "studielast", "F012"),
        (module_inschrijving(studielast="7.55"), "studielast", "F012"),
        (inschrijving(studielast="7.5"), "studielast", "F004"),
        (inschrijving(opleidingsvorm="VOL!TIJD"), "opleidingsvorm", "F002"),
    ],
)
def test_field_findings_replace_the_xsd_error_on_their_line(
    tmp_path: Path, row: Row, field: str, code: str
) -> None:
    path = write_xml(tmp_path, [row])
    assert flatten(validate(path)) == [(code, line_of(path, f"<{field}>"), field)]


def test_xsd_error_is_not_hidden_by_a_rule_warning(tmp_path: Path) -> None:
    text = xml_text([module_inschrijving(studielast="300")])
    in_order = ("    <inschrijvingsvorm>S</inschrijvingsvorm>\n"
                "    <studielast>300</studielast>\n")
    assert in_order in text
    path = tmp_path / "bulk.xml"
    path.write_text(text.replace(in_order, "".join(reversed(in_order.splitlines(True)))),
                    encoding="utf-8")
    assert not builtin_schema("ho").validate(etree.parse(str(path)))
    line = line_of(path, "<studielast>")
    assert flatten(validate(path)) == [("R013", line, "studielast"), ("X001", line, "studielast")]


def test_empty_required_element(tmp_path: Path) -> None:
    path = write_xml(tmp_path, [inschrijving(opleidingsvorm="")])
    line = line_of(path, "<opleidingsvorm>")
    assert flatten(validate(path)) == [("F001", line, "opleidingsvorm")]


def test_unexpected_element_in_the_header(tmp_path: Path) -> None:
    text = xml_text([inschrijving()]).replace(
        "  <ontvangendeInstantie>DUO</ontvangendeInstantie>\n",
        "  <ontvangendeInstantie>DUO</ontvangendeInstantie>\n  <kenmerk>x</kenmerk>\n",
    )
    path = tmp_path / "bulk.xml"
    path.write_text(text, encoding="utf-8")
    result = validate(path)
    assert flatten(result) == [("X001", 6, "kenmerk")]
    assert result.findings[0].params["reason"].startswith(
        "Element 'kenmerk': This element is not expected."
    )


@pytest.mark.parametrize(
    ("header", "line", "field"),
    [
        ({"identificatiecodeBedrijfsdocument": "nope"}, 3, "identificatiecodeBedrijfsdocument"),
        ({"verzendendeInstantie": "9XX"}, 4, "verzendendeInstantie"),
        ({"ontvangendeInstantie": "BRON"}, 5, "ontvangendeInstantie"),
        ({"datumTijdBedrijfsdocument": "2025-09-01T10:15:00+02:00"}, 6,
         "datumTijdBedrijfsdocument"),
        ({"datumTijdBedrijfsdocument": "2025-09-01"}, 6, "datumTijdBedrijfsdocument"),
    ],
)
def test_bad_header_values_are_x001_on_their_line(
    tmp_path: Path, header: dict, line: int, field: str
) -> None:
    path = write_xml(tmp_path, [inschrijving()], header=header)
    assert flatten(validate(path)) == [("X001", line, field)]


def test_missing_header_element(tmp_path: Path) -> None:
    text = xml_text([inschrijving()]).replace(
        "  <ontvangendeInstantie>DUO</ontvangendeInstantie>\n", ""
    )
    path = tmp_path / "bulk.xml"
    path.write_text(text, encoding="utf-8")
    assert flatten(validate(path)) == [("X001", 5, "datumTijdBedrijfsdocument")]


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ({"ontvangendeInstantie": "BRON"}, "{'DUO'}"),
        ({"identificatiecodeBedrijfsdocument": "nope"}, "[0-9a-fA-F]{8}-"),
        ({"datumTijdBedrijfsdocument": "2025-09-01T10:15:00+02:00"}, "[0-9]{4}-[0-9]{2}"),
    ],
)
def test_x001_message_keeps_the_facet(tmp_path: Path, header: dict, fragment: str) -> None:
    path = write_xml(tmp_path, [inschrijving()], header=header)
    (finding,) = validate(path).findings
    assert fragment in finding.params["reason"]
    assert "urn:" not in finding.params["reason"]


def test_record_inside_the_header_is_an_xsd_error(tmp_path: Path) -> None:
    lines = xml_text([inschrijving()]).splitlines()
    record, rest = lines[6:19], lines[:6] + lines[19:]
    assert record[0] == "  <inschrijving>" and record[-1] == "  </inschrijving>"
    path = tmp_path / "bulk.xml"
    path.write_text("\n".join([*rest[:3], *record, *rest[3:]]) + "\n", encoding="utf-8")
    assert not builtin_schema("ho").validate(etree.parse(str(path)))
    assert flatten(validate(path)) == [("X001", 4, "inschrijving")]


def test_mbo_record_not_in_the_mbo_schema_is_r001_only(tmp_path: Path) -> None:
    rows = [*mbo_student(), module_inschrijving(inschrijvingvolgnummer="2")]
    path = write_xml(tmp_path, rows, "mbo")
    assert flatten(validate(path)) == [("R001", line_of(path, "<moduleInschrijving>"), None)]


def test_xml_record_location_and_key(tmp_path: Path) -> None:
    path = write_xml(tmp_path, [uitschrijving()])
    (finding,) = validate(path).findings
    assert finding.code == "R006"
    assert finding.location.line == 7
    assert finding.location.record == f"{BRIN}/*****{BSN[-4:]}/1"


def test_comments_and_processing_instructions_are_ignored(tmp_path: Path) -> None:
    text = xml_text([inschrijving(brin="9XX")]).replace(
        "  <inschrijving>\n", "  <!-- export 2025 -->\n  <?app note?>\n  <inschrijving>\n"
    )
    path = tmp_path / "bulk.xml"
    path.write_text(text, encoding="utf-8")
    assert flatten(validate(path)) == [("F002", line_of(path, "<brin>9XX"), "brin")]


def test_many_records_stream_with_exact_lines(tmp_path: Path) -> None:
    rows = [inschrijving(inschrijvingvolgnummer=str(n)) for n in range(200)]
    rows.append(inschrijving(brin="9XX", inschrijvingvolgnummer="last"))
    path = write_xml(tmp_path, rows)
    result = validate(path)
    assert flatten(result) == [("F002", line_of(path, "<brin>9XX"), "brin")]
    assert report(result).records == 201
