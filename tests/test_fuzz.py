"""Property-based fuzzing (issue 7): for any input, every reader and every CLI entry point
gives findings and an exit code of 0, 1 or 2; no exception escapes.

* ``rodcli.readers.read_bulk`` on arbitrary bytes (and on valid bulk files, mutated);
* ``rodcli.exports.open_export`` and its rows on arbitrary bytes (``ExportError`` is the
  designed "no verdict" answer; anything else is a bug), and on workbooks whose sheet XML or
  compressed data is damaged;
* ``rodcli validate`` on arbitrary bytes, in every report format (each must still parse);
* ``rodcli build`` on an arbitrary export with a fixed mapping (exit 0 means a bulk file that
  validates); ``rodcli init`` on the same;
* the XML reader's per-record validation against lxml's whole-document validation, on valid
  documents and their mutations (the same verdict).

The budget in the suite is small and deterministic (``derandomize``). A long run by hand::

    RODCLI_FUZZ_EXAMPLES=20000 .venv/bin/pytest tests/test_fuzz.py

(randomised then, so each long run explores new inputs; failures are kept in .hypothesis/).
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from typer.testing import CliRunner

from conftest import (
    BSN,
    csv_text,
    inschrijving,
    mbo_bpv,
    mbo_inschrijving,
    mbo_persoon,
    module_inschrijving,
    resultaat,
    uitschrijving,
    xml_text,
)
from rodcli.cli import app
from rodcli.exports import ExportError, open_export
from rodcli.findings import FileReport, Finding, Severity
from rodcli.pipeline import ValidateOptions, validate_files
from rodcli.readers import read_bulk
from rodcli.records import RawRecord
from test_hostile_xml import time_limit

LONG_RUN = "RODCLI_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("RODCLI_FUZZ_EXAMPLES", "120"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG_RUN,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.large_base_example],
    print_blob=True,
)
# The CLI runs cost more per example than the readers: a third of the budget each.
FUZZ_CLI = settings(FUZZ, max_examples=max(20, EXAMPLES // 3))

runner = CliRunner(env={"COLUMNS": "200", "RODCLI_LANG": None, "RODCLI_DEBUG": None})

# ---- seeds and strategies ---------------------------------------------------------------------

BULK_SEEDS = [
    csv_text([inschrijving(), uitschrijving(), resultaat(), module_inschrijving(
        inschrijvingvolgnummer="2")]).encode(),
    xml_text([inschrijving(), uitschrijving(), resultaat()]).encode(),
    xml_text([mbo_persoon(), mbo_inschrijving(), mbo_bpv()], sector="mbo").encode(),
]
EXPORT_HEADER = ["BSN", "Nummer", "Start", "CROHO", "Einde"]
EXPORT_SEEDS = [
    ("\n".join([";".join(EXPORT_HEADER), f"{BSN};1;2024-09-01;34607;",
                "123456782;2;2024-09-01;34607;2025-06-30"]) + "\n").encode(),
    ('"BSN","Nummer","Start","CROHO","Einde"\r\n"111222333","1","01-09-2024","34607",""\r\n'
     ).encode("cp1252"),
    ("sep=|\nBSN|Nummer|Start|CROHO|Einde\n111222333|1|2024-09-01|34607|\n").encode("utf-16"),
]
TOKENS = [b'"', b";", b",", b"\t", b"|", b"\r", b"\n", b"\r\n", b"\x00", b"\xff\xfe",
          b"\xfe\xff", b"\xef\xbb\xbf", b"\x80", b"\xc3", b"\xe9", b"<", b">", b"&", b"&amp;",
          b"&x;", b"<!DOCTYPE r>", b"<![CDATA[", b"]]>", b"&#0;", b"&#x1b;", b"\x1b[2J",
          b"<?xml version='1.0' encoding='latin-1'?>", b"recordtype", b"inschrijving",
          b"<inschrijving>", b"</inschrijving>", b"<burgerservicenummer>", BSN.encode(),
          b"999999999", b"sep=;", b"=1+1", b" " * 40, b"9" * 30, b"PK\x03\x04", b"%PDF"]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed with a few insertions, deletions, bit flips, repeats and a possible cut."""
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 6))):
        position = draw(st.integers(0, len(data)))
        operation = draw(st.sampled_from(["insert", "delete", "flip", "repeat", "cut"]))
        if operation == "insert":
            data[position:position] = draw(st.sampled_from(TOKENS) | st.binary(max_size=8))
        elif operation == "delete":
            del data[position:position + draw(st.integers(1, 16))]
        elif operation == "flip" and position < len(data):
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif operation == "repeat":
            end = min(len(data), position + draw(st.integers(1, 64)))
            data[position:position] = data[position:end] * draw(st.integers(1, 5))
        elif operation == "cut":
            del data[position:]
    return bytes(data)


def _tokens_text() -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(TOKENS) | st.binary(max_size=6), max_size=40).map(b"".join)


def _cell() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(["", BSN, "123456782", "1", "2024-09-01", "01-09-2024", "34607",
                         "VOLTIJD", "=1+1", '"', "1e5", "-0", "2024-02-30", "99999999999"]),
        st.text(max_size=12),
    )


@st.composite
def exports(draw: st.DrawFn) -> bytes:
    """An export with the mapping's columns (reordered, some missing or doubled sometimes),
    rows of plausible and implausible cells, any separator and encoding."""
    header = draw(st.permutations(EXPORT_HEADER))
    if draw(st.booleans()):
        header = [*header[: draw(st.integers(0, len(header)))],
                  *draw(st.lists(st.sampled_from([*EXPORT_HEADER, "", "x"]), max_size=2))]
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    rows = draw(st.lists(st.lists(_cell(), min_size=0, max_size=len(header) + 1), max_size=8))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter,
                        lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le"]))
    return buffer.getvalue().encode(encoding, errors="replace")


ANY_BYTES = st.binary(max_size=3000)
BULK_INPUT = st.one_of(ANY_BYTES, mutated(BULK_SEEDS), _tokens_text())
EXPORT_INPUT = st.one_of(ANY_BYTES, mutated(EXPORT_SEEDS), exports(), _tokens_text())


@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    """The fuzz runs in-process (a subprocess per example would be too slow): SIGALRM bounds
    each test, with room for a long run."""
    with time_limit(max(90.0, EXAMPLES * 0.15)):
        yield


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# ---- readers ------------------------------------------------------------------------------------


@FUZZ
@given(data=BULK_INPUT, sector=st.sampled_from([None, "ho", "mbo"]))
def test_read_bulk_never_raises(folder: Path, data: bytes, sector: str | None) -> None:
    path = _write(folder, "bulk.bin", data)
    report = FileReport(str(path))
    items = list(read_bulk(path, report, sector, None))  # type: ignore[arg-type]
    assert all(isinstance(item, RawRecord | Finding) for item in items)
    if not data.strip():
        assert [item.code for item in items if isinstance(item, Finding)] == ["I007"]
    # ... and the whole pipeline on the same bytes (types, rules, cross-record rules)
    result = validate_files([path], ValidateOptions(sector=sector))  # type: ignore[arg-type]
    assert result.total == len(result.findings)  # max_findings not reached here


def check_export(path: Path) -> None:
    """open_export and every row: rows, or ExportError (an error finding) when the export is
    opened or while its rows are read; nothing else."""
    try:
        table = open_export(path)
    except ExportError as error:
        assert error.finding.severity is Severity.ERROR
        return
    with table:
        try:
            for row in table.rows:
                assert len(row.cells) >= len(table.header)
                for index in range(len(row.cells)):
                    line, _ = row.position(index)
                    assert line is None or line >= 1
        except ExportError as error:  # damage found only when the rows are read (E008)
            assert error.finding.severity is Severity.ERROR
        table.findings.clear()
    assert all(isinstance(name, str) for name in table.header)


@FUZZ
@given(data=EXPORT_INPUT)
def test_open_export_never_raises_but_export_error(folder: Path, data: bytes) -> None:
    check_export(_write(folder, "export.bin", data))


SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<dimension ref="A1:E9"/><sheetData><row r="1">' + "".join(
                  f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
                  for col, name in zip("ABCDE", EXPORT_HEADER, strict=True)) + "</row>")
SHEET_ROWS = (f'<row r="2"><c r="A2"><v>{BSN}</v></c><c r="B2" t="inlineStr"><is><t>1</t>'
              '</is></c><c r="C2"><v>45536</v></c><c r="D2"><v>34607</v></c></row>') * 50
XML_TOKENS = ["<", ">", "&", "&amp;", "&lt;", "&bogus;", "<row>", "</row>", "<c>", "</c>",
              "<v>", "</v>", '<c t="s"><v>99</v></c>', '<c t="b"><v>7</v></c>',
              '<c t="e"><v>#N/A</v></c>', '<c r="ZZZZ9"><v>1</v></c>', '<row r="-1">',
              '<row r="99999999999">', "<!DOCTYPE x>", "\x00", "\ufffe", "]]>", '"', "'"]


def _workbook(sheet_xml: bytes, flips: list[tuple[int, int]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", (2025, 1, 1, 0, 0, 0)), (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="rels" ContentType="applicati'
            'on/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" Conten'
            'tType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="appli'
            'cation/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override'
            ' PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats'
            '-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        archive.writestr(zipfile.ZipInfo("_rels/.rels", (2025, 1, 1, 0, 0, 0)), (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxm'
            'lformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://sch'
            'emas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target='
            '"xl/workbook.xml"/></Relationships>'))
        archive.writestr(zipfile.ZipInfo("xl/workbook.xml", (2025, 1, 1, 0, 0, 0)), (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlform'
            'ats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/offic'
            'eDocument/2006/relationships"><sheets><sheet name="Export" sheetId="1" r:id="rId1'
            '"/></sheets></workbook>'))
        archive.writestr(zipfile.ZipInfo("xl/_rels/workbook.xml.rels", (2025, 1, 1, 0, 0, 0)), (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxm'
            'lformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://sch'
            'emas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="work'
            'sheets/sheet1.xml"/></Relationships>'))
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", (2025, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, sheet_xml)
    data = bytearray(buffer.getvalue())
    for position, bit in flips:  # damage inside the archive (the sheet's data is the bulk)
        data[position % len(data)] ^= 1 << bit
    return bytes(data)


@st.composite
def damaged_workbooks(draw: st.DrawFn) -> bytes:
    rows = SHEET_ROWS
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, len(rows)))
        rows = rows[:position] + draw(st.sampled_from(XML_TOKENS) | st.text(max_size=4)) + (
            rows[position:])
    sheet = (SHEET_HEAD + rows + "</sheetData></worksheet>").encode("utf-8", "surrogatepass")
    flips = draw(st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 7)), max_size=2))
    return _workbook(sheet, flips)


@settings(FUZZ, report_multiple_bugs=False)
@given(data=damaged_workbooks())
def test_open_export_on_damaged_workbooks(folder: Path, data: bytes) -> None:
    check_export(_write(folder, "export.xlsx", data))


# ---- the CLI ------------------------------------------------------------------------------------

MAPPING = """\
sector = "ho"

[records]
inschrijving = "always"
uitschrijving = { filled = "Einde" }

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
datumUitschrijving = { column = "Einde", date = "YYYY-MM-DD" }
"""


def _parses(output_format: str, text: str) -> None:
    if output_format in ("json", "sarif"):
        json.loads(text)
    elif output_format == "junit":
        etree.fromstring(text.encode("utf-8"))
    elif output_format == "github":
        assert all(line.startswith("::") for line in text.splitlines()), text


@FUZZ_CLI
@given(data=BULK_INPUT, output_format=st.sampled_from(["text", "json", "junit", "sarif",
                                                        "github"]))
def test_validate_cli_never_raises(folder: Path, data: bytes, output_format: str) -> None:
    path = _write(folder, "bulk.bin", data)
    run = runner.invoke(app, ["validate", str(path), "--format", output_format],
                        catch_exceptions=False)
    assert run.exit_code in (0, 1, 2)
    _parses(output_format, run.stdout)


@contextmanager
def _scratch(folder: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(dir=folder) as name:
        yield Path(name)


@FUZZ_CLI
@given(data=EXPORT_INPUT, bulk_format=st.sampled_from(["xml", "csv"]),
       rejects=st.booleans())
def test_build_cli_never_raises_and_writes_only_valid_files(
    folder: Path, data: bytes, bulk_format: str, rejects: bool
) -> None:
    with _scratch(folder) as work:
        export = _write(work, "export.csv", data)
        mapping = work / "mapping.toml"
        mapping.write_text(MAPPING, encoding="utf-8")
        output = work / f"bulk.{bulk_format}"
        args = ["build", str(export), "-m", str(mapping), "--sector", "ho", "--format",
                bulk_format, "-o", str(output), "--report-format", "json", "-q"]
        if rejects:
            args += ["--rejects", str(work / "rejects.csv")]
        run = runner.invoke(app, args, catch_exceptions=False)
        assert run.exit_code in (0, 1, 2)
        report = json.loads(run.stdout)
        codes = {finding["code"] for finding in report["findings"]}
        if output.exists():  # what build writes always passes validate
            assert run.exit_code in (0, 1)
            checked = validate_files([output], ValidateOptions(sector="ho"))
            assert not [f for f in checked.findings if f.severity >= Severity.ERROR]
        elif run.exit_code == 0:  # a clean run without a bulk file: nothing to deliver
            assert "B009" in codes, codes
        assert not [p.name for p in work.iterdir() if p.name.endswith(".tmp")]
        assert export.read_bytes() == data


@FUZZ_CLI
@given(data=EXPORT_INPUT, sector=st.sampled_from(["ho", "mbo"]))
def test_init_cli_never_raises(folder: Path, data: bytes, sector: str) -> None:
    path = _write(folder, "export.bin", data)
    run = runner.invoke(app, ["init", str(path), "--sector", sector], catch_exceptions=False)
    assert run.exit_code in (0, 2)


# ---- the XML differential: per-record validation against lxml's whole document ---------------
#
# validate checks each record on its own as it streams by and the root without its records at
# the end (flat memory, exact lines). Whatever that skips (text beside records, header elements
# out of order, anything after the last record) must still be caught: on valid documents and
# their mutations, the reader says "XSD-invalid" exactly when lxml validating the whole
# document does.

DIFFERENTIAL_SEEDS = [
    ("ho", xml_text([inschrijving(), uitschrijving(), resultaat(),
                     module_inschrijving(inschrijvingvolgnummer="2")])),
    ("mbo", xml_text([mbo_persoon(), mbo_inschrijving(), mbo_bpv()], sector="mbo")),
]
_PIECES = ["x", "42", "  ", "<extra/>", "<brin>99XX</brin>", "<!-- c -->", "<?pi x?>",
           "<inschrijving/>", "&amp;", "<verzendendeInstantie>99XX</verzendendeInstantie>",
           "<uitschrijving><brin>99XX</brin></uitschrijving>"]
_MUTATION = st.tuples(st.sampled_from(["insert-line", "append", "prepend", "delete",
                                       "duplicate", "swap"]),
                      st.integers(min_value=0, max_value=63), st.sampled_from(_PIECES))
_NOT_XSD_VALID = frozenset({"X001", "I004", "I005", "I006", "I007", "I016", "I021"})


def _mutate(text: str, mutations: list[tuple[str, int, str]]) -> str:
    lines = text.splitlines()
    for kind, where, piece in mutations:
        # the declaration and the root's tags stay: a document of another root or namespace
        # is another matter (I006), not the differential's. Half the mutations land on the
        # root's own children (header elements, record tags): where per-record validation
        # could miss what the whole document's would not.
        top = [at for at, line in enumerate(lines[:-1])
               if at >= 2 and line.startswith("  <") and not line.startswith("   ")]
        at = top[where // 2 % len(top)] if where % 2 == 0 and top else (
            2 + where % (len(lines) - 3))
        if kind == "insert-line":
            lines.insert(at, piece)
        elif kind == "append":
            lines[at] += piece
        elif kind == "prepend":
            lines[at] = piece + lines[at]
        elif kind == "delete" and len(lines) > 4:
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        elif kind == "swap" and at + 1 < len(lines) - 1:
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
    return "\n".join(lines) + "\n"


def _whole_document_invalid(data: bytes, sector: str) -> bool:
    from rodcli.bulkformat.xsd import builtin_schema, secure_parser

    try:
        document = etree.fromstring(data, secure_parser())
    except etree.XMLSyntaxError:
        return True
    return not builtin_schema(sector).validate(document)


def _reader_invalid(path: Path) -> bool:
    report = FileReport(str(path))
    for item in read_bulk(path, report, None, None):
        if isinstance(item, RawRecord):
            if item.schema_findings:
                return True
        elif item.code in _NOT_XSD_VALID:
            return True
    return False


@FUZZ
@given(seed=st.sampled_from(DIFFERENTIAL_SEEDS),
       mutations=st.lists(_MUTATION, min_size=0, max_size=2))
def test_per_record_validation_agrees_with_whole_document_validation(
        folder: Path, seed: tuple[str, str], mutations: list[tuple[str, int, str]]) -> None:
    sector, text = seed
    data = _mutate(text, mutations).encode("utf-8")
    path = _write(folder, "differential.xml", data)
    assert _reader_invalid(path) == _whole_document_invalid(data, sector), data.decode()
