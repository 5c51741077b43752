"""``build`` column by column writes what the row path writes: the same bulk file byte for
byte (but the document id and time), the same rejects file, the same findings in the same
order, the same counts and summary. The column path is forced here on small exports
(``columnar_from_bytes=0``), and its chunks made small, so that plain chunks, chunks with
other characters and the rest of an export after a quote meet in one file.

Every personal number here is synthetic (eleven-test arithmetic, belongs to nobody).
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from rodcli import build_columns
from rodcli import builder as build_module
from rodcli.builder import BuildOptions, build
from rodcli.findings import Result
from test_build_parallel import MAPPING, _body, _export_lines, _write

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT / "examples" / "exports"
IDENTITY = ROOT / "benchmarks" / "identity_mapping.toml"
BULK_CSVS = sorted([*(ROOT / "examples" / "invalid").glob("ho_*.csv"),
                    ROOT / "examples" / "valid" / "ho_bulk.csv"])


@dataclasses.dataclass
class _Built:
    result: Result
    output: str | None
    rejects: str | None
    columnar: bool


def _build(export: Path, mapping: Path, folder: Path, columnar: bool, output_format: str,
           sector: str = "ho", **changes: Any) -> _Built:
    folder.mkdir()
    output, rejects = folder / f"bulk.{output_format}", folder / "rejects.csv"
    used: list[bool] = []
    original = build_module._first_pass_in_columns

    def spy(*args: Any) -> Any:
        first = original(*args)
        used.append(first is not None)
        return first

    build_module._first_pass_in_columns = spy  # type: ignore[assignment]
    try:
        values: dict[str, Any] = {
            "mapping": mapping, "sector": sector, "output_format": output_format,
            "output": output, "rejects": rejects, "max_findings": 0, "jobs": 1,
            "columnar_from_bytes": 0 if columnar else 1 << 62}
        values.update(changes)
        result = build(export, BuildOptions(**values))
    finally:
        build_module._first_pass_in_columns = original  # type: ignore[assignment]
    built = _Built(result, _body(output) if output.exists() else None,
                   rejects.read_text("utf-8-sig") if rejects.exists() else None,
                   used == [True])
    shutil.rmtree(folder)
    return built


def _same_both_ways(tmp_path: Path, export: Path, mapping: Path, output_format: str,
                    sector: str = "ho", **changes: Any) -> _Built:
    columns = _build(export, mapping, tmp_path / "out", True, output_format, sector,
                     **changes)
    rows = _build(export, mapping, tmp_path / "out", False, output_format, sector, **changes)
    assert columns.output == rows.output
    assert columns.rejects == rows.rejects
    assert columns.result.findings == rows.result.findings  # the order found in, too
    assert columns.result.code_counts == rows.result.code_counts
    assert columns.result.severity_counts == rows.result.severity_counts
    assert columns.result.no_verdict == rows.result.no_verdict
    assert columns.result.build == rows.result.build
    return columns


@pytest.fixture(params=[1 << 21, 700], ids=["chunks-2MiB", "chunks-700B"])
def chunk_bytes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    size: int = request.param
    monkeypatch.setattr(build_columns, "CHUNK_BYTES", size)
    return size


@pytest.mark.parametrize("output_format", ["xml", "csv"])
@pytest.mark.parametrize("error_rate", [0.0, 0.3])
@pytest.mark.parametrize("quotes", [True, False], ids=["quotes", "no-quotes"])
def test_generated_exports(tmp_path: Path, chunk_bytes: int, error_rate: float,
                           output_format: str, quotes: bool) -> None:
    """Rows wrong in every way a row can be; without quotes, the rows the mapping or the
    checks flag sit in plain chunks to the end (a quote sends the rest to the row path)."""
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    lines = _export_lines(400, seed=11, error_rate=error_rate)
    if not quotes:
        lines = [line for line in lines if '"' not in line]
    built = _same_both_ways(tmp_path, _write(tmp_path / "export.csv", lines), mapping,
                            output_format)
    assert built.columnar
    if error_rate:
        assert {"F007", "M007", "R003", "R005", "R006"} <= set(built.result.code_counts)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_crlf_and_odd_cells(tmp_path: Path, chunk_bytes: int, newline: str) -> None:
    """Line ends, spaces around cells, codes the mapping translates, an 8-digit BSN, a
    date with one-digit day, a name with accents (another chunk kind), a cell with ``&``."""
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING.replace('"Fase"', '{ column = "Fase", codes = { "b" = "B" } }'),
                       encoding="utf-8")
    lines = _export_lines(300, seed=5, error_rate=0.0)
    lines = [line.replace("VT;", " VT ;", 1) if number % 7 == 0 else line
             for number, line in enumerate(lines)]
    lines += [lines[5].replace(";B", ";b", 1), lines[6].replace("Student", "Zoë & co", 1),
              lines[7].replace("-09-2024", "-9-2024", 1), lines[8].replace(";B", ";X", 1)]
    export = _write(tmp_path / "export.csv", lines, newline=newline)
    for output_format in ("xml", "csv"):
        assert _same_both_ways(tmp_path, export, mapping, output_format).columnar


@pytest.mark.parametrize("export", BULK_CSVS, ids=lambda path: path.name)
@pytest.mark.parametrize("output_format", ["xml", "csv"])
def test_bulk_files_through_the_identity_mapping(tmp_path: Path, export: Path,
                                                 output_format: str) -> None:
    """The examples' bulk CSV files, each wrong in its own way, as exports."""
    _same_both_ways(tmp_path, export, IDENTITY, output_format)


@pytest.mark.parametrize(("export", "mapping", "sector"), [
    (EXPORTS / "ho_export.csv", EXPORTS / "ho_mapping.toml", "ho"),
    (EXPORTS / "ho_export_broken.csv", EXPORTS / "ho_mapping.toml", "ho"),
    (EXPORTS / "mbo_export.csv", EXPORTS / "mbo_mapping.toml", "mbo"),
])
def test_example_exports(tmp_path: Path, chunk_bytes: int, export: Path, mapping: Path,
                         sector: str) -> None:
    for output_format in (["xml", "csv"] if sector == "ho" else ["xml"]):
        assert _same_both_ways(tmp_path, export, mapping, output_format, sector).columnar


def test_kept_findings_are_the_first_ones(tmp_path: Path, chunk_bytes: int) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    export = _write(tmp_path / "export.csv", _export_lines(300, seed=2, error_rate=0.5))
    for cap in (1, 10):
        built = _same_both_ways(tmp_path, export, mapping, "xml", max_findings=cap)
        assert built.result.truncated and len(built.result.findings) == cap


def test_not_for_the_column_path(tmp_path: Path) -> None:
    """A byte that is no UTF-8 late in the export, an old-Mac line end, or --since: the row
    path, and nothing was reported twice."""
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    lines = _export_lines(200, seed=4, error_rate=0.0)
    late_byte = _write(tmp_path / "cp1252.csv", lines[:-1], encoding="utf-8")
    late_byte.write_bytes(late_byte.read_bytes() + lines[-1].replace("Student", "Zo\xeb")
                          .encode("cp1252") + b"\n")
    old_mac = _write(tmp_path / "mac.csv", lines, newline="\r")
    for export in (late_byte, old_mac):
        assert not _same_both_ways(tmp_path, export, mapping, "xml").columnar


@pytest.mark.parametrize(("spoil", "fails"), [
    (lambda text: text.replace(";VOLTIJD;", ";VOLLTIJD;", 1), True),
    (lambda text: text.replace(";20250901;", ";20250931;", 1), True),
    (lambda text: text.replace("\n", "\ninschrijving;99XX\n", 1), True),
    (lambda text: text.replace(";99XX;", ';"99XX";', 1), False),
], ids=["bad-code", "bad-date", "short-line", "quoted-but-valid"])
def test_csv_output_failing_its_own_check_is_not_published(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spoil: Any, fails: bool) -> None:
    """The CSV written is checked as it is written (the engine's CSV adapter and column
    checks); what they do not pass at once goes to the full check, which decides: B006 and
    no file for a fault, the file for a quote that changes nothing."""
    import io

    real = build_module.write_csv

    def broken_writer(records: Any, out: Any) -> int:
        buffer = io.StringIO()
        count = real(records, buffer)
        out.write(spoil(buffer.getvalue()))
        return count

    monkeypatch.setattr(build_module, "write_csv", broken_writer)
    output = tmp_path / "bulk.csv"
    result = build(ROOT / "examples" / "valid" / "ho_bulk.csv",
                   BuildOptions(IDENTITY, "ho", "csv", output))
    assert ("B006" in {finding.code for finding in result.findings}) == fails
    assert output.exists() != fails


@pytest.mark.parametrize("columnar", [True, False], ids=["columns", "rows"])
@pytest.mark.parametrize("output_format", ["xml", "csv"])
def test_a_valid_output_passes_the_check_as_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str,
        columnar: bool) -> None:
    """What build writes passes the check made while writing it: the full check after
    writing is not needed."""

    def no_full_check(*args: Any) -> None:
        raise AssertionError("the full check ran")

    monkeypatch.setattr(build_module, "_self_check", no_full_check)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    lines = [line for line in _export_lines(300, seed=3, error_rate=0.3) if '"' not in line]
    export = _write(tmp_path / "export.csv", lines)
    built = _build(export, mapping, tmp_path / "out", columnar, output_format)
    assert built.columnar == columnar and built.output


@pytest.mark.parametrize("spoilt", ["codes", "quotes"])
def test_an_export_for_the_row_path_goes_to_processes(tmp_path: Path, spoilt: str) -> None:
    """Most rows of the first chunk need the precise path (every code unknown: M007), or
    it has quotes: with processes to be had, the forked row path reads the export instead,
    and builds the same."""
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    lines = _export_lines(300, seed=6, error_rate=0.0)
    if spoilt == "codes":
        lines = [line.replace(";VT;", ";XX;").replace(";DT;", ";XX;")
                 for line in lines if '"' not in line]
    else:
        assert any('"' in line for line in lines[:30])
    export = _write(tmp_path / "export.csv", lines)
    columns = _build(export, mapping, tmp_path / "out", True, "xml")
    forked = _build(export, mapping, tmp_path / "out", True, "xml", jobs=None,
                    parallel_from_bytes=0)
    assert columns.columnar and not forked.columnar
    assert forked.result.findings == columns.result.findings
    assert forked.rejects == columns.rejects and forked.output == columns.output
    assert forked.result.build == columns.result.build
    assert spoilt != "codes" or columns.result.code_counts["M007"] > 250


def _xml_build(tmp_path: Path) -> tuple[_Built, Path]:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    lines = [line for line in _export_lines(300, seed=8, error_rate=0.2) if '"' not in line]
    export = _write(tmp_path / "export.csv", lines)
    return _build(export, mapping, tmp_path / "out", True, "xml"), export


@pytest.mark.parametrize("piece", [700, 1 << 21], ids=["small-pieces", "pieces"])
def test_xml_records_are_checked_as_spooled_and_then_copied(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece: int) -> None:
    """An XML output's records pass the XSD as the first pass spools them, in pieces cut
    after a record: the second pass copies them and writes no record through Python, and
    the full check does not run. The file is the one the row path writes."""

    def no_full_check(*args: Any) -> None:
        raise AssertionError("the full check ran")

    def no_writer(*args: Any) -> None:
        raise AssertionError("the records went through write_xml")

    monkeypatch.setattr(build_module, "_self_check", no_full_check)
    monkeypatch.setattr(build_module, "write_xml", no_writer)
    monkeypatch.setattr(build_module._SpooledRecordsCheck, "_PIECE", piece)
    built, export = _xml_build(tmp_path)
    assert built.columnar and built.output
    monkeypatch.undo()
    rows = _build(export, tmp_path / "mapping.toml", tmp_path / "out", False, "xml")
    assert built.output == rows.output and built.rejects == rows.rejects


@pytest.mark.parametrize("spoilt", [True, False], ids=["spoilt", "check-failed-only"])
def test_xml_records_failing_as_spooled_go_to_the_written_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spoilt: bool) -> None:
    """Records that fail the XSD as spooled (a formatting fault) are written and checked as
    before: a fault is B006 and no file; a spooled check that failed without a fault only
    costs the check as written, and the file is published."""
    if spoilt:
        real_add = build_columns.ColumnSpool.add

        def spoiling_add(self: Any, lines: Any, texts: Any, counts: Any) -> None:
            real_add(self, lines, texts.str.replace("<brin>", "<brim>", literal=True)
                     .str.replace("</brin>", "</brim>", literal=True), counts)

        monkeypatch.setattr(build_columns.ColumnSpool, "add", spoiling_add)
    else:
        monkeypatch.setattr(build_module._SpooledRecordsCheck, "passed", lambda self: False)
    built, _export = _xml_build(tmp_path)
    codes = {finding.code for finding in built.result.findings}
    assert built.columnar
    assert ("B006" in codes) == spoilt
    assert (built.output is None) == spoilt


@pytest.mark.parametrize("rejected", [set(), {1}, {2, 3}, {5}, {1, 2, 3, 4, 5}, {3, 9}])
def test_the_spool_in_the_output_drops_rejected_records_in_place(
        tmp_path: Path, rejected: set[int]) -> None:
    """The records spooled into the output itself: the rejected rows' records dropped, the
    rest moved up in order, the head in the room left for it, the end after the last."""
    import polars as pl

    records = {line: f"<r{line}>" + "x" * (line * 700_000 % 1_300_001) for line in range(1, 6)}
    with (tmp_path / "out").open("w+b") as body:
        body.write(b"ROOM")
        spool = build_columns.ColumnSpool(body=body)
        for lines in ([1, 2], [3], [4, 5]):
            spool.add(pl.Series(lines), pl.Series([records[line] for line in lines]),
                      pl.Series([1] * len(lines)))
        assert spool.finish_in_place(rejected, b"HEAD", b"END") == 5 - len(rejected & {
            1, 2, 3, 4, 5})
        with pytest.raises(ValueError):
            spool.finish_in_place(rejected, b"TOO LONG", b"END")
    kept = "".join(f"{text}\n" for line, text in records.items() if line not in rejected)
    assert (tmp_path / "out").read_bytes() == b"HEAD" + kept.encode() + b"END"


def test_xml_text_leaves_out_each_kind_of_null_and_writes_the_rest() -> None:
    """The column formatter writes an element for a value of each kind (text escaped, date,
    study load as a Decimal) and leaves the element out where the value is null."""
    import polars as pl

    from rodcli.bulkformat.models import RECORD_MODELS
    from rodcli.writers.columns import xml_text

    model = RECORD_MODELS["ho"]["moduleInschrijving"]
    frame = pl.DataFrame({"brin": ["99XX", None], "onderwijseenheidcode": ["A&<b>", None],
                          "datumInschrijving": [None, "2025-09-01"],
                          "studielast": ["030.50", None]}, schema=dict.fromkeys(
                              ["brin", "onderwijseenheidcode", "datumInschrijving",
                               "studielast"], pl.String))
    present = {"brin": "text", "onderwijseenheidcode": "text", "datumInschrijving": "date",
               "studielast": "decimal"}
    texts = frame.select(xml_text(model, present, escape=True)).to_series().to_list()
    assert texts == [
        "  <moduleInschrijving>\n    <brin>99XX</brin>\n"
        "    <onderwijseenheidcode>A&amp;&lt;b&gt;</onderwijseenheidcode>\n"
        "    <studielast>30.5</studielast>\n  </moduleInschrijving>",
        "  <moduleInschrijving>\n    <datumInschrijving>2025-09-01</datumInschrijving>\n"
        "  </moduleInschrijving>",
    ]


@pytest.mark.parametrize("columnar", [True, False], ids=["columns", "rows"])
def test_an_output_folder_that_takes_no_file_is_b003(tmp_path: Path, columnar: bool) -> None:
    """The column path spools an XML output into the output's own pending file: a folder
    where no file can be made is then reported as the row path reports it (B003), not as
    an internal error."""
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    export = _write(tmp_path / "export.csv", _export_lines(200, seed=9, error_rate=0.0))
    output = tmp_path / "missing" / "bulk.xml"
    result = build(export, BuildOptions(mapping, "ho", "xml", output, jobs=1,
                                        columnar_from_bytes=0 if columnar else 1 << 62))
    assert "B003" in {finding.code for finding in result.findings}
    assert not output.parent.exists()


@pytest.mark.parametrize("output_format", ["xml", "csv"])
def test_a_full_disk_while_spooling_says_which_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str) -> None:
    """An XML output's records are spooled into the output's folder: a full disk there is
    B003 for the output, and no file is left. A CSV output's spool is in the temporary
    folder: its error goes up as the OSError it is (the CLI says I022, the folder and how
    much room the run needs)."""
    import errno

    def full(self: Any, data: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build_columns.ColumnSpool, "_write_body", full)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    export = _write(tmp_path / "export.csv", _export_lines(200, seed=10, error_rate=0.0))
    (tmp_path / "out").mkdir()
    output = tmp_path / "out" / f"bulk.{output_format}"
    options = BuildOptions(mapping, "ho", output_format, output, jobs=1,  # type: ignore[arg-type]
                           columnar_from_bytes=0)
    if output_format == "csv":
        with pytest.raises(OSError) as raised:
            build(export, options)
        assert raised.value.errno == errno.ENOSPC
    else:
        result = build(export, options)
        b003 = [finding for finding in result.findings if finding.code == "B003"]
        assert len(b003) == 1 and "No space left" in str(b003[0].params)
    assert list((tmp_path / "out").iterdir()) == []
