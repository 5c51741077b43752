"""The build pipeline: administration export -> mapping -> records -> rules -> bulk file.

The first pass maps and checks every row, learns which rows fail (cross-record rules
included) and keeps each row's records, already formatted for the output, in an unnamed
temporary spool. The second pass writes the spooled records of the good rows to a temporary
file beside the output, and reads the export again only for the failing rows, which go to the
rejects file with their original cells. The bulk file is checked as it is written (XML
against the XSD, CSV by the engine's column checks; see ``_XsdStream`` and ``_CsvStream``),
and in full after writing where that did not pass at once, before it is renamed into place,
so what ``build`` writes always passes ``validate``; a refusal, a crash or Ctrl-C leaves no
partial bulk file. It never prints and never exits.

A large CSV export has its first pass made column by column (``rodcli.build_columns``): only
the rows with something to report take the row path of ``check_row``. With ``jobs`` above 1
it is read row by row on several processes instead (see "the first pass over one large CSV
export on several cores" below). What is written and reported is the same either way.
"""

from __future__ import annotations

import contextlib
import csv
import os
import pickle
import struct
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, AnyStr, BinaryIO, Generic, Literal, TextIO, cast

from rodcli.atomic import PRIVATE, Pending, pending_beside, same_file
from rodcli.bulkformat import Sector
from rodcli.bulkformat.models import Record
from rodcli.bulkformat.xsd import builtin_schema, valid_as_read
from rodcli.codes import Lang, message
from rodcli.comparison import Delta
from rodcli.engine.keys import KeyRows, checked_row, failed_row
from rodcli.engine.precise import RecordChecker
from rodcli.engine.run import cross_record_rounds
from rodcli.excelsafe import neutralise
from rodcli.exports import ExportError, ExportRow, ExportTable, open_export
from rodcli.exports.csv_export import SliceLayout, plan_export_slices, read_csv_slice
from rodcli.findings import (
    SPILL_AT,
    BuildSummary,
    Finding,
    Location,
    Result,
    Severity,
    make_finding,
)
from rodcli.mapping import CompiledMapping, MappingError, MappingFile, compile_mapping, load_mapping
from rodcli.masking import scrub
from rodcli.parallel import SliceUnsure, can_fork, process_count, workers
from rodcli.pipeline import ValidateOptions, validate_files
from rodcli.readers.bulk_csv import CsvSlice
from rodcli.writers import DocumentHeader, Prewritten
from rodcli.writers.csv import CsvLines, write_csv
from rodcli.writers.xml import write_xml, xml_end, xml_head, xml_record, xml_start

if TYPE_CHECKING:
    from rodcli.build_columns import ColumnSpool
    from rodcli.engine.fields import CompiledChecks

BulkFormat = Literal["xml", "csv"]
PROGRESS_EVERY = 1000


@dataclass(frozen=True, slots=True)
class BuildOptions:
    mapping: Path
    sector: Sector
    output_format: BulkFormat
    output: Path
    rejects: Path | None = None
    force: bool = False
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    max_findings: int = 1000
    lang: Lang = "nl"
    # --since: bulk files delivered before, oldest first; only new or changed records are
    # written, and each delivered record gone from the export is a warning (C006).
    since: tuple[Path, ...] = ()
    # None: a large CSV export is read column by column on threads (rodcli.build_columns);
    # 1: the same on one thread; more: row by row on that many forked processes.
    jobs: int | None = None
    # The report the caller writes after the run: only checked here, against the other
    # outputs and the inputs, so that no output ends up over another.
    report: Path | None = None
    # Forking is cheap; from about 10,000 rows the second core more than pays for itself.
    parallel_from_bytes: int = 1 << 20
    # A CSV export from this size is read column by column (rodcli.build_columns); below it,
    # loading polars costs more than it saves.
    columnar_from_bytes: int = 1 << 18


# Spooled records are read back and written in pieces of about this size.
_CHUNK = 1 << 20
# The self-check validates the written XML in pieces of about this size (a parsed piece takes
# several times its size in memory).
_CHECK_CHUNK = 1 << 18


class _Spool:
    """What the first pass made of each row that typed cleanly, in export order: its records
    formatted for the output (``xml_record``, ``CsvLines``), or, for ``--since``, whose delta
    compares models, the models pickled. An index holds (line, size, count) per row.

    Both are unnamed temporary files (no name on disk, removed on close or crash, mode 0600):
    the second pass then need not map and type the export again. They hold what the bulk file
    will hold, personal numbers included, like the temporary file beside the output.
    """

    _ENTRY = struct.Struct("<QII")  # export line, bytes in the body, records

    def __init__(self, sector: Sector, form: Literal["xml", "csv", "models"],
                 descriptors: tuple[int, int] | None = None) -> None:
        self._sector: Sector = sector
        self._form = form
        self._csv = CsvLines()
        if descriptors is None:
            self._body: IO[bytes] = tempfile.TemporaryFile(buffering=_CHUNK)
            self._index: IO[bytes] = tempfile.TemporaryFile(buffering=_CHUNK)
        else:
            # Another spool's files, inherited by a forked worker that fills them: they are
            # not closed here, the spool that made them reads them and closes them.
            body, index = descriptors
            self._body = open(body, "wb", buffering=_CHUNK, closefd=False)  # noqa: SIM115
            self._index = open(index, "wb", buffering=_CHUNK, closefd=False)  # noqa: SIM115

    @property
    def descriptors(self) -> tuple[int, int]:
        """The files' descriptors, for a forked worker to fill (``_Spool(..., descriptors)``)."""
        return self._body.fileno(), self._index.fileno()

    def add(self, line: int, records: list[Record]) -> None:
        if self._form == "xml":
            data = "".join([xml_record(record, self._sector) for record in records]).encode()
        elif self._form == "csv":
            data = "".join([self._csv.line(record) for record in records]).encode()
        else:
            # Read back only by this process, from a file that never had a name.
            data = pickle.dumps(records, pickle.HIGHEST_PROTOCOL)
        self._body.write(data)
        self._index.write(self._ENTRY.pack(line, len(data), len(records)))

    def entries(self) -> Iterator[tuple[int, int, int, int]]:
        """(line, offset, size, count) of every spooled row, in export order."""
        self._index.flush()
        self._index.seek(0)
        offset = 0
        while block := self._index.read(self._ENTRY.size * 65536):
            for line, size, count in self._ENTRY.iter_unpack(block):
                yield line, offset, size, count
                offset += size

    def read(self, offset: int, size: int) -> bytes:
        self._body.seek(offset)
        return self._body.read(size)

    def models(self, offset: int, size: int) -> list[Record]:
        records: list[Record] = pickle.loads(self.read(offset, size))
        return records

    def close(self) -> None:
        self._body.close()
        self._index.close()

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


@dataclass(slots=True)
class _FirstPass:
    spools: list[_Spool]  # one per slice of the export, in export order
    rejected: dict[int, list[Finding]] = field(default_factory=dict)  # export line -> errors
    sender: str | None = None
    unreadable: bool = False  # the export could not be read to its end
    header: list[str] = field(default_factory=list)  # the export's column names
    # The column path's spool (rodcli.build_columns), which holds every row's records.
    column_spool: ColumnSpool | None = None
    # Whether every record in the column spool passed the XSD as it was spooled (XML).
    spool_valid: bool = False
    # The output's pending file, when the column spool is its body (XML).
    output_pending: Pending | None = None


def build(
    export: Path, options: BuildOptions, on_progress: Callable[[int], None] | None = None
) -> Result:
    result = Result(max_findings=options.max_findings, spill_at=SPILL_AT)
    summary = result.build = BuildSummary()
    if options.sector == "mbo" and options.output_format == "csv":
        result.add(make_finding("B002", Location(str(options.output))))
        return result
    refusal = _refuse_output(export, options)
    if refusal is not None:
        result.add(refusal)
        return result
    form: Literal["xml", "csv", "models"] = "models" if options.since else options.output_format
    with contextlib.ExitStack() as spools:
        try:
            spec, mapping_text = load_mapping(options.mapping)
            with _opened(export, options, spec) as table:
                mapping = compile_mapping(spec, mapping_text, str(options.mapping), table,
                                          options.sector)
                first = _first_pass_in_columns(export, options, spec, table, mapping, result,
                                               on_progress, form, spools)
                if first is None:
                    first = _first_pass_in_parallel(export, options, spec, mapping_text, table,
                                                    result, on_progress, form, spools)
                if first is None:
                    spool = spools.enter_context(_Spool(options.sector, form))
                    first = _first_pass(table, mapping, result, on_progress, spool,
                                        options.since)
                    summary.rows_blank = table.blank_rows
                summary.encoding, summary.delimiter = table.encoding, table.delimiter
                # A sheet can be named after anything, a student's number included.
                summary.sheet = scrub(table.sheet) if table.sheet else None
        except (MappingError, ExportError) as error:
            for finding in _findings_of(error):
                result.add(finding)
            return result
        except _OutputFailed as failed:
            result.add(failed.finding)
            return result
        _build_output(export, options, spec, mapping_text, first, result)
    return result


def _build_output(export: Path, options: BuildOptions, spec: MappingFile, mapping_text: str,
                  first: _FirstPass, result: Result) -> None:
    assert result.build is not None
    summary = result.build
    summary.rows_rejected = len(first.rejected)
    summary.rows_accepted = summary.rows_read - summary.rows_rejected
    if first.unreadable:
        result.add(make_finding("B007", Location(str(export))))
        return
    if first.rejected and options.rejects is None:
        result.add(make_finding("B005", Location(str(export)), count=len(first.rejected)))
        return
    if summary.rows_accepted == 0:
        result.add(make_finding("B009", Location(str(options.output))))
    delta = Delta(options.since, options.sector) if options.since else None
    try:
        if delta is not None and not delta.load(result.add):
            return  # an earlier delivery could not be read: no delta to make
        _second_pass(export, options, spec, mapping_text, first, result, delta)
    except ExportError as error:  # the export vanished before its rejected rows were read
        for finding in _findings_of(error):
            result.add(finding)
    finally:
        if delta is not None:
            delta.close()


def _findings_of(error: MappingError | ExportError) -> list[Finding]:
    return error.findings if isinstance(error, MappingError) else [error.finding]


def _refuse_output(export: Path, options: BuildOptions) -> Finding | None:
    """An output that is an input, two outputs that are one file (by path, ``..``, symbolic
    or hard link), or an output that exists (a dangling link included) without --force."""
    inputs = [("export", export), ("--mapping", options.mapping),
              *(("--since", path) for path in options.since)]
    outputs = [path for path in (options.output, options.rejects, options.report) if path]
    for target in outputs:
        for what, source in inputs:
            if same_file(target, source):
                return make_finding("B008", Location(str(target)), file=target,
                                    input=f"{what} {source}")
    for number, first in enumerate(outputs):
        for second in outputs[number + 1:]:
            if same_file(first, second):
                return make_finding("B010", Location(str(second)), first=first, second=second)
    for target in filter(None, (options.output, options.rejects)):
        if os.path.lexists(target) and not options.force:
            return make_finding("B001", Location(str(target)), file=target)
    return None


@contextlib.contextmanager
def _opened(export: Path, options: BuildOptions, spec: MappingFile) -> Iterator[ExportTable]:
    table = open_export(
        export,
        delimiter=options.delimiter or spec.source.delimiter,
        encoding=options.encoding or spec.source.encoding,
        sheet=options.sheet or spec.source.sheet,
    )
    with table:
        yield table


def _first_pass(table: ExportTable, mapping: CompiledMapping, result: Result,
                on_progress: Callable[[int], None] | None, spool: _Spool,
                since: tuple[Path, ...] = ()) -> _FirstPass:
    first = _FirstPass([spool], sender=mapping.constants.get("brin"),
                       header=list(table.header))
    rows = KeyRows()
    _check_rows(table, mapping, result, on_progress, first, rows)
    _check_keys(rows, table.file, first, result, since)
    return first


def _check_keys(rows: KeyRows, file: str, first: _FirstPass, result: Result,
                since: tuple[Path, ...] = ()) -> None:
    """The cross-record rules over the rows' records, in the engine's key table, with the
    earlier deliveries (--since) as their context, as validate --with has them."""
    cross_record_rounds(rows, file, first.rejected, result.add, since)


def _first_pass_in_columns(
    export: Path, options: BuildOptions, spec: MappingFile, table: ExportTable,
    mapping: CompiledMapping, result: Result, on_progress: Callable[[int], None] | None,
    form: Literal["xml", "csv", "models"], spools: contextlib.ExitStack,
) -> _FirstPass | None:
    """The first pass over a large CSV export column by column (``rodcli.build_columns``),
    or None when it is not for it: a small export, a workbook, --since (whose spool holds
    models), an export or mapping the column path cannot take (then nothing was reported)."""
    if form == "models" or table.delimiter is None or table.sheet is not None:
        return None
    if options.jobs is not None and options.jobs > 1:
        return None  # processes asked for: the row path, forked
    try:
        if export.stat().st_size < options.columnar_from_bytes:
            return None
    except OSError:
        return None  # the one-process pass reports it
    from rodcli.build_columns import SpoolWriteError, first_pass_in_columns

    forced_encoding = (options.encoding or spec.source.encoding) is not None
    # An export that is not plain, or whose rows mostly need the precise path, is read row
    # by row on forked processes instead, where they can be.
    forkable = (options.jobs is None and process_count(None) > 1 and can_fork()
                and export.stat().st_size >= options.parallel_from_bytes)
    # An XML output's records are checked against the XSD as they are spooled, on threads
    # beside the first pass (whose own threads leave a part of the cores idle), into the
    # output's pending file itself, after room for the document's head (of fixed length):
    # the second pass drops the rejected rows' records in place and writes the head,
    # instead of copying 390 MB per 1M records (see _SpooledRecordsCheck).
    spooled_check = output_pending = spool_body = None
    if form == "xml":
        spooled_check = spools.enter_context(_SpooledRecordsCheck(options.sector))
        try:
            output_pending = pending_beside(options.output)
            spools.callback(output_pending.discard)
            spool_body = spools.enter_context(output_pending.path.open("w+b"))
            spool_body.write(spooled_check.head)
        except OSError:
            # A folder that takes no file: the spool is a temporary file, and the second
            # pass says what is wrong with the output (B003).
            if output_pending is not None:
                output_pending.discard()
            output_pending = spool_body = None
    try:
        outcome = first_pass_in_columns(
            export, table, mapping, form, forced_encoding, result, on_progress,
            threads=options.jobs or 2, rows_unless_mostly_fine=forkable,
            on_spooled=spooled_check.write if spooled_check else None, spool_body=spool_body)
    except SpoolWriteError as error:
        if output_pending is None:
            raise  # the temporary folder: I022
        raise _OutputFailed(make_finding("B003", Location(str(options.output)),
                                         file=options.output, reason=error.strerror)) from None
    if outcome is None:
        if spool_body is not None and output_pending is not None:
            spool_body.close()
            output_pending.discard()
        return None
    spools.callback(outcome.spool.close)
    assert result.build is not None
    result.build.rows_read += outcome.rows_read
    result.build.rows_blank += outcome.rows_blank
    first = _FirstPass([], rejected=outcome.rejected,
                       sender=mapping.constants.get("brin") or outcome.sender,
                       unreadable=outcome.unreadable, header=list(table.header),
                       column_spool=outcome.spool,
                       spool_valid=spooled_check is not None and spooled_check.passed(),
                       output_pending=output_pending)
    _check_keys(outcome.keys, table.file, first, result, options.since)
    return first


# ---- the first pass over one large CSV export on several cores -------------------------------
#
# As validate does with a large bulk file (see rodcli.pipeline): the export is cut into slices
# at line ends outside quotes; this process reads the first slice, forked workers the others,
# each with what reading the header here found. Each slice leaves its rows' compact rows in its
# own store, their formatted records in its own spool and their findings in its own Result,
# taken over in slice order: the findings, counts and rejected rows are those of one process.
# The cross-record rules then run here over all the stores. Where a slice cannot judge alone
# (an encoding switch, a broken quote, an old-Mac line end) the export is read whole here.
# --since stays in one process: its spool holds models, and the delta reads the export again.


@dataclass(frozen=True, slots=True)
class _SliceTask:
    export: Path
    layout: SliceLayout
    part: CsvSlice
    number: int
    spec: MappingFile
    mapping_text: str
    options: BuildOptions
    # The slice's spool files, made by this process before the workers were forked: a
    # worker fills them through the descriptors it inherited, and they never have a name on
    # disk (they hold personal numbers as they are, unlike the stores).
    spool: tuple[int, int]


@dataclass(frozen=True, slots=True)
class _SliceOutcome:
    findings: Result
    keys: KeyRows  # the key-table rows of the slice's records
    rejected: dict[int, list[Finding]]
    sender: str | None
    rows_read: int
    rows_blank: int


def _first_pass_in_parallel(
    export: Path, options: BuildOptions, spec: MappingFile, mapping_text: str,
    table: ExportTable, result: Result, on_progress: Callable[[int], None] | None,
    form: Literal["xml", "csv", "models"], spools: contextlib.ExitStack,
) -> _FirstPass | None:
    """The first pass over ``table``'s rows on several cores (their spools then belong to
    ``spools``), or None when it is to run in one process: a small or unsuitable export, or
    a slice that could not be judged alone (then nothing was added to ``result``)."""
    jobs = process_count(options.jobs)
    # Spool files reach the workers only by fork.
    if jobs < 2 or form == "models" or not can_fork():
        return None
    forced_encoding = (options.encoding or spec.source.encoding) is not None
    try:
        if export.stat().st_size < options.parallel_from_bytes:
            return None
        planned = plan_export_slices(export, table, forced_encoding, jobs)
    except OSError:
        return None  # the one-process pass reports it
    if planned is None or len(planned[1]) < 2:
        return None
    layout, slices = planned
    assert result.build is not None
    summary = result.build
    with contextlib.ExitStack() as attempt:
        parts = [attempt.enter_context(_Spool(options.sector, form)) for _ in slices]
        tasks = [_SliceTask(export, layout, part, number, spec, mapping_text, options,
                            spool.descriptors)
                 for number, (part, spool) in enumerate(zip(slices, parts, strict=True))]
        # The progress shown is an estimate: this process's rows times the slices.
        progress = None if on_progress is None else (
            lambda rows: on_progress(rows * len(slices)))
        with workers(len(slices) - 1) as pool:
            others = [pool.submit(_first_pass_of_slice, task) for task in tasks[1:]]
            outcomes = [_first_pass_of_slice(tasks[0], progress),
                        *(future.result() for future in others)]
            done = [outcome for outcome in outcomes if outcome is not None]
            if len(done) < len(outcomes):
                return None
            first = _FirstPass(parts, header=list(table.header), sender=next(
                (o.sender for o in done if o.sender), done[0].sender))
            _drain(table, result, first)  # what reading the header found (E001 when forced)
            for outcome in done:
                result.absorb(outcome.findings)
                first.rejected.update(outcome.rejected)
                summary.rows_read += outcome.rows_read
                summary.rows_blank += outcome.rows_blank
            result.extend(layout.closing_findings())
        # The cross-record rules here, over the key rows of every slice, in export order.
        rows = KeyRows()
        for outcome in done:
            rows.extend(outcome.keys)
        _check_keys(rows, table.file, first, result, options.since)
        spools.enter_context(attempt.pop_all())
    return first


def _first_pass_of_slice(task: _SliceTask, on_progress: Callable[[int], None] | None = None
                         ) -> _SliceOutcome | None:
    """One slice's first pass, or None when the export is to be read whole after all; its
    records' key rows go back to the first pass, their formatted records into the spool."""
    options = task.options
    rows = KeyRows()
    with (_Spool(options.sector, options.output_format, task.spool) as spool,
          read_csv_slice(task.export, task.layout, task.part) as table):
        mapping = compile_mapping(task.spec, task.mapping_text, str(options.mapping), table,
                                  options.sector)
        part = Result(max_findings=options.max_findings)
        summary = part.build = BuildSummary()
        first = _FirstPass([spool], sender=mapping.constants.get("brin"))
        try:
            _check_rows(table, mapping, part, on_progress, first, rows)
        except SliceUnsure:
            return None
        if first.unreadable:  # a CSV error: a broken quote, or a cut inside a quoted field
            return None
    return _SliceOutcome(part, rows, first.rejected, first.sender, summary.rows_read,
                         table.blank_rows)


def _note(first: _FirstPass, result: Result, finding: Finding, line: int | None) -> None:
    result.add(finding)
    if finding.severity >= Severity.ERROR and line is not None:
        first.rejected.setdefault(line, []).append(finding)


def _check_rows(table: ExportTable, mapping: CompiledMapping, result: Result,
                on_progress: Callable[[int], None] | None, first: _FirstPass,
                keys: KeyRows) -> None:
    assert result.build is not None
    summary = result.build
    checker = RecordChecker()  # the engine's precise path: validate's findings, exactly
    (spool,) = first.spools  # the table's rows (a slice's, or the whole export's) go to one

    for row in table.rows:
        summary.rows_read += 1
        outcome = check_row(row, mapping, checker, keys)
        first.sender = first.sender or outcome.sender
        if outcome.models:
            spool.add(row.line, outcome.models)
        _drain(table, result, first)
        for finding in outcome.findings:
            _note(first, result, finding, row.line)
        if on_progress is not None and summary.rows_read % PROGRESS_EVERY == 0:
            on_progress(summary.rows_read)
    _drain(table, result, first)


@dataclass(slots=True)
class RowOutcome:
    findings: list[Finding]
    models: list[Record] | None  # the row's records, when none has an error so far
    sender: str | None  # the BRIN of the row's first record that passed its own checks


def check_row(row: ExportRow, mapping: CompiledMapping, checker: RecordChecker,
              keys: KeyRows) -> RowOutcome:
    """One export row on the precise path: mapped, its records checked (their key rows go
    to ``keys``)."""
    mapped = mapping.map_row(row)
    row_findings = list(mapped.findings)
    # A cell the mapping could not use is already reported; "required and missing" for
    # the same field would only repeat it.
    unusable = {finding.location.field for finding in mapped.findings}
    models: list[Record] | None = []
    sender: str | None = None
    for raw in mapped.records:
        checked, findings = checker.check(raw, mapping.sector, "iso")
        if findings:
            row_findings.extend(
                finding for finding in findings
                if not (finding.code == "F001" and finding.location.field in unusable))
        if checked is None:
            keys.append(failed_row(raw))
            models = None
        else:
            keys.append(checked_row(checked.model, raw))
            sender = sender or checked.model.brin
            if models is not None:
                models.append(checked.model)
    # A row with an error now is rejected whatever follows: only the others are kept
    # for the second pass (which skips those the cross-record rules reject later).
    if not models or any(f.severity >= Severity.ERROR for f in row_findings):
        models = None
    return RowOutcome(row_findings, models, sender)


def _drain(table: ExportTable, result: Result, first: _FirstPass) -> None:
    """The reader's own findings: a row it flags (E002) is rejected like any failing row;
    an export it cannot read to the end (I020) leaves rows unknown, so nothing is written."""
    for finding in table.findings:
        if finding.code == "I020":
            first.unreadable = True
            result.add(finding)
        elif finding.severity >= Severity.ERROR and finding.location.line is not None:
            _note(first, result, finding, finding.location.line)
        else:
            result.add(finding)
    table.findings.clear()


def _second_pass(export: Path, options: BuildOptions, spec: MappingFile, mapping_text: str,
                 first: _FirstPass, result: Result, delta: Delta | None = None) -> None:
    assert result.build is not None
    summary = result.build
    output = options.output
    pending: Pending | None = None
    rejects_pending: Pending | None = None
    write_bulk = summary.rows_accepted > 0
    checked_as_written = False
    rejects_writer: _RejectsWriter | None = None
    try:
        pending = (first.output_pending if first.output_pending is not None
                   else pending_beside(output))
        rejects_pending = pending_beside(options.rejects) if options.rejects else None
        with contextlib.ExitStack() as stack:
            rejected_rows: Iterator[ExportRow] = iter(())
            mapping: CompiledMapping | None = None
            if first.rejected:
                # Only the rejected rows are read again: the rejects file shows their cells.
                table = stack.enter_context(_opened(export, options, spec))
                mapping = compile_mapping(spec, mapping_text, str(options.mapping), table,
                                          options.sector)
                rejected_rows = _rows_at(table, first.rejected)
            rejects_writer = _RejectsWriter(rejects_pending.path if rejects_pending else None,
                                            first.header, options.lang)

            def reject(row: ExportRow) -> None:
                assert rejects_writer is not None
                rejects_writer.write(row.line, row.cells, first.rejected[row.line])
                if delta is not None:  # rejected now, but still in the export: not "gone"
                    assert mapping is not None
                    delta.present(mapping.map_row(row).records)

            records: Iterator[Record] | Iterator[Prewritten]
            if first.column_spool is not None:
                assert delta is None  # --since keeps to the row path
                for row in rejected_rows:
                    reject(row)
                records = first.column_spool.prewritten(first.rejected)
            elif delta is not None:
                records = delta.changed(_models(_accepted(first, rejected_rows, reject)))
            else:
                records = _prewritten(_accepted(first, rejected_rows, reject))
            if not write_bulk:
                for _record in records:  # every row goes to the rejects file
                    pass
            elif first.output_pending is not None:
                assert first.sender is not None and first.column_spool is not None
                head = xml_head(options.sector, DocumentHeader.new(first.sender))
                end = xml_end().encode()
                summary.records_written = first.column_spool.finish_in_place(
                    first.rejected, head, end)
                first.column_spool.sync()
                # Every record passed as spooled; the document is the header and a run of
                # them (see _XsdStream), so the header is what is left to check.
                checked_as_written = first.spool_valid and valid_as_read(
                    head + end, builtin_schema(options.sector))
            elif options.output_format == "xml":
                # A row is accepted only when its records passed, BRIN included: a sender.
                assert first.sender is not None
                header = DocumentHeader.new(first.sender)
                with pending.path.open("wb") as out, _XsdStream(options.sector) as stream:
                    # The XSD check of what is written runs beside the writing.
                    summary.records_written = write_xml(
                        records, options.sector, header, cast(BinaryIO, _Tee(out, stream.write)))
                    _sync(out)
                    checked_as_written = stream.passed()
            else:
                with (pending.path.open("w", encoding="utf-8", newline="") as text_out,
                      _CsvStream() as csv_stream):
                    # The column checks of what is written run beside the writing.
                    summary.records_written = write_csv(
                        records, cast(TextIO, _Tee(text_out, csv_stream.write)))
                    _sync(text_out)
                    # With --since the full check reads the earlier deliveries beside it.
                    checked_as_written = csv_stream.passed() and not options.since
            rejects_writer.close()
        if delta is not None:
            # records built = records written + records unchanged since the last delivery
            summary.records_unchanged = delta.unchanged
            result.extend(delta.finish())
        if write_bulk:
            problem = None if checked_as_written else _self_check(
                pending.path, options.sector, options.output_format, options.since)
            if problem is not None:
                result.add(make_finding("B006", Location(str(output)), reason=problem))
                return
        _publish(options, pending if write_bulk else None, rejects_pending)
        if write_bulk:
            summary.output = str(output)
        if rejects_pending is not None and options.rejects is not None:
            summary.rejects = str(options.rejects)
            if first.rejected:
                result.add(make_finding("B004", Location(str(options.rejects)),
                                        count=len(first.rejected), file=options.rejects))
    except FileExistsError as error:
        # Without --force, a file that appeared at an output while this run worked (another
        # build, a user) is kept: the link that would publish over it fails.
        appeared = Path(error.filename2 or error.filename or output)
        result.add(make_finding("B001", Location(str(appeared)), file=appeared))
    except OSError as error:
        result.add(make_finding("B003", Location(str(output)), file=output,
                                reason=error.strerror or str(error)))
    finally:
        if rejects_writer is not None:
            # Already closed on success; after a failure (reported above) a second fsync
            # error must not replace that report.
            with contextlib.suppress(OSError):
                rejects_writer.close()
        for leftover in (pending, rejects_pending):
            if leftover is not None:
                leftover.discard()


def _publish(options: BuildOptions, bulk: Pending | None, rejects: Pending | None) -> None:
    """The rejects file first: if the bulk file then cannot be placed, the rejects file is
    taken back, so either both are there or neither is. Both hold full personal numbers:
    mode 0600."""
    if rejects is not None:
        rejects.publish(replace=options.force, mode=PRIVATE)
    if bulk is not None:
        try:
            bulk.publish(replace=options.force, mode=PRIVATE)
        except OSError:
            if rejects is not None and options.rejects is not None:
                options.rejects.unlink(missing_ok=True)
            raise


def _rows_at(table: ExportTable, lines: dict[int, list[Finding]]) -> Iterator[ExportRow]:
    for row in table.rows:
        table.findings.clear()  # reported in the first pass
        if row.line in lines:
            yield row


_Spooled = tuple[_Spool, int, int, int]  # a row's spool, offset, size, records


def _accepted(first: _FirstPass, rejected_rows: Iterator[ExportRow],
              reject: Callable[[ExportRow], None]) -> Iterator[_Spooled]:
    """(spool, offset, size, count) of each accepted row, in export order; each rejected row
    is handed to ``reject`` in its place (a delta sees the rows in order)."""
    upcoming = next(rejected_rows, None)
    for spool in first.spools:
        for line, offset, size, count in spool.entries():
            while upcoming is not None and upcoming.line < line:
                reject(upcoming)
                upcoming = next(rejected_rows, None)
            if line not in first.rejected:
                yield spool, offset, size, count
    while upcoming is not None:
        reject(upcoming)
        upcoming = next(rejected_rows, None)


def _prewritten(accepted: Iterator[_Spooled]) -> Iterator[Prewritten]:
    """The accepted rows' formatted records, a run of adjacent rows of one spool per read."""
    current: _Spool | None = None
    start = size = count = 0
    for spool, offset, length, records in accepted:
        # another slice's spool, a rejected row between, or enough
        if spool is not current or offset != start + size or size >= _CHUNK:
            if size and current is not None:
                yield Prewritten(current.read(start, size), count)
            current, start, size, count = spool, offset, 0, 0
        size += length
        count += records
    if size and current is not None:
        yield Prewritten(current.read(start, size), count)


def _models(accepted: Iterator[_Spooled]) -> Iterator[Record]:
    for spool, offset, size, _ in accepted:
        yield from spool.models(offset, size)


def _self_check(path: Path, sector: Sector, output_format: BulkFormat,
                since: tuple[Path, ...] = ()) -> str | None:
    """Why the written file would fail ``validate``, or None.

    Every record in it already passed the rules, so an XML file gets an XSD check in pieces
    (fast, flat memory); only when that fails, or for CSV (no XSD), the full located check
    runs. A delta's context is the earlier deliveries, as with validate --with.
    """
    if output_format == "xml" and _passes_xsd(path, sector):
        return None
    checked = validate_files([path], ValidateOptions(sector=sector, with_files=since,
                                                     max_findings=5))
    errors = [f for f in checked.findings if f.severity >= Severity.ERROR]
    if not errors:
        return None
    return "; ".join(f"{f.code} line {f.location.line}: {message(f, 'en')}" for f in errors)


def _passes_xsd(path: Path, sector: Sector) -> bool:
    """Whether the written document is valid against the sector's XSD, read in pieces (see
    ``_XsdStream``)."""
    with path.open("rb") as handle, _XsdStream(sector) as stream:
        while more := handle.read(_CHECK_CHUNK):
            stream.write(more)
        return stream.passed()


class _XsdStream:
    """Checks a document against the sector's XSD in pieces, as it is written.

    The document is cut as ``start + header + body_1 + ... + body_n + end``, where ``start``
    is the declaration and root tag ``write_xml`` writes (so no DOCTYPE, BOM or other
    encoding) and ``end`` its closing tag; each ``start + header + body_i + end`` is parsed
    and validated by libxml2 on its own. The XSD's root is the header then any number of
    records, with no constraint across records, so when every piece is valid the whole is:
    the bodies are balanced content of records only, and the document is exactly their
    concatenation. A cut in the wrong place (a document not laid out as written) only makes
    a piece fail: then the caller's full check decides. Memory holds a few pieces at a time
    (libxml2's streaming validation of the whole file was measured to grow with the file).
    Fed the bytes ``write_xml`` writes, the check runs beside the writing on other threads.
    """

    _HEADER_LINES = 4  # identificatiecode, verzendende en ontvangende instantie, datumtijd

    def __init__(self, sector: Sector) -> None:
        self._start, self._end = xml_start(sector).encode(), xml_end().encode()
        self._head_lines = self._start.count(b"\n") + self._HEADER_LINES
        self._head: bytes | None = None
        self._buffer = b""
        self._ok = True
        self._checks = _PieceChecks(sector)

    def write(self, data: bytes) -> int:
        if not self._ok:
            return len(data)
        rest = data
        if self._head is None:
            self._buffer += data
            lines = self._buffer.split(b"\n", self._head_lines)
            if len(lines) <= self._head_lines:
                # a line of ours is < 200 bytes
                self._ok = len(self._buffer) < self._head_lines << 16
                return len(data)
            head = b"\n".join(lines[:self._head_lines]) + b"\n"
            if not head.startswith(self._start) or max(map(len, lines[:-1])) >= 1 << 16:
                self._ok = False
                return len(data)
            self._head, self._buffer, rest = head, b"", lines[-1]
        for offset in range(0, len(rest), _CHECK_CHUNK):
            self._step(rest[offset:offset + _CHECK_CHUNK])
            if not self._ok:
                break
        return len(data)

    def _step(self, more: bytes) -> None:
        assert self._head is not None
        self._buffer += more
        if len(self._buffer) < _CHECK_CHUNK:
            return
        # after the last record's end tag: a line "  </record>" (a "<" in a value is
        # written as "&lt;")
        last = self._buffer.rfind(b"\n  </")
        cut = self._buffer.find(b"\n", last + 1) + 1 if last >= 0 else 0
        if cut == 0:
            self._ok = len(self._buffer) <= 16 * _CHECK_CHUNK  # else no record boundary
            return
        body, self._buffer = self._buffer[:cut], self._buffer[cut:]
        self._ok = self._checks.add(self._head + body + self._end)

    def passed(self) -> bool:
        """Whether the whole document written is valid (call once, at its end)."""
        if not self._ok or self._head is None or not self._buffer.endswith(self._end):
            return False
        body = self._buffer[:-len(self._end)]
        return self._checks.add(self._head + body + self._end) and self._checks.passed()

    def __enter__(self) -> _XsdStream:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._checks.close()


class _OutputFailed(Exception):
    """The output could not be written in the first pass (its folder is full): ``finding``."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.code)
        self.finding = finding


class _SpooledRecordsCheck:
    """The records of an XML output checked against the XSD as the first pass spools them,
    in pieces of whole records behind a stand-in header (the sender is not known yet). Every
    record valid and the real header valid make the document valid, whichever records the
    cross-record rules then reject (see ``_XsdStream``)."""

    _STAND_IN = DocumentHeader("00000000-0000-4000-8000-000000000000", "00AA",
                               datetime(2000, 1, 1, tzinfo=UTC))
    # Pieces larger than the written file's: a piece validated as read is not held as a
    # tree, and each costs a parser.
    _PIECE = 1 << 21

    def __init__(self, sector: Sector) -> None:
        self.head = xml_head(sector, self._STAND_IN)  # as long as every document's head
        self._end = xml_end().encode()
        self._checks = _PieceChecks(sector)
        self._ok = True

    def write(self, records: bytes) -> None:
        """Whole records, as spooled: each one's end tag ends a line."""
        view = memoryview(records)
        start = 0
        while self._ok and start < len(records):
            # after a record's end tag: a line "  </record>" (a "<" in a value is "&lt;")
            last = records.find(b"\n  </", start + self._PIECE)
            cut = len(records) if last < 0 else records.find(b"\n", last + 1) + 1 or len(records)
            self._ok = self._checks.add(b"".join((self.head, view[start:cut], self._end)))
            start = cut

    def passed(self) -> bool:
        """Whether every record spooled is valid (call once, after the last)."""
        return self._ok and self._checks.passed()

    def __enter__(self) -> _SpooledRecordsCheck:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._checks.close()


class _CsvStream:
    """Checks a bulk CSV file as it is written, in pieces of whole lines on two threads: each
    piece goes through the engine's CSV adapter and column checks, as ``validate`` reads it.
    Every record in it already passed the rules, here and across records; like the XSD for
    XML, this checks that what was written is what was checked. Anything the column checks
    would not pass at once (a quoted cell, a record they flag) fails the stream: the full
    located check then decides."""

    _PIECE = 1 << 21

    def __init__(self) -> None:
        from rodcli.readers.bulk_csv import DELIMITER, RECORD_TYPE_COLUMN, csv_columns

        self._header = csv_columns()
        self._first = DELIMITER.join(self._header) + "\n"
        self._known = set(self._header) | {RECORD_TYPE_COLUMN}
        self._buffer: list[str] = []
        self._size = 0
        self._line = 1  # of the buffer's first line
        self._head = False
        self._ok = True
        self._lock = threading.Lock()
        self._compiled: dict[frozenset[str], CompiledChecks] = {}
        self._pool = ThreadPoolExecutor(2)
        self._pending: deque[Future[bool]] = deque()

    def write(self, text: str) -> int:
        if self._ok:
            self._buffer.append(text)
            self._size += len(text)
            if self._size >= self._PIECE:
                self._cut(final=False)
        return len(text)

    def _cut(self, final: bool) -> None:
        text = "".join(self._buffer)
        if not self._head:
            if not text.startswith(self._first) and (final or len(text) >= len(self._first)):
                self._ok = False
                return
            if not text.startswith(self._first):
                return
            text, self._head, self._line = text[len(self._first):], True, 2
        cut = len(text) if final else text.rfind("\n") + 1
        piece, rest = text[:cut], text[cut:]
        self._buffer, self._size = [rest], len(rest)
        if piece:
            self._pending.append(self._pool.submit(self._check, piece.encode("utf-8"),
                                                   self._line))
            self._line += piece.count("\n")
        while len(self._pending) > 4:
            self._ok = self._ok and self._pending.popleft().result()

    def _check(self, piece: bytes, line: int) -> bool:
        from rodcli.engine.csv_input import _is_plain, _plain_chunk
        from rodcli.engine.fields import compile_checks
        from rodcli.rules import record_rules

        if not _is_plain(piece) or not piece.endswith(b"\n"):
            return False
        items, _count = _plain_chunk(piece, line, self._header, self._known, "")
        for item in items:
            if isinstance(item, Finding):
                return False
            columns = frozenset(item.frame.columns)
            with self._lock:
                checks = self._compiled.get(columns)
                if checks is None:
                    checks = self._compiled[columns] = compile_checks(
                        "ho", "compact", columns, record_rules())
            if not checks.run(item.frame).all():
                return False
        return True

    def passed(self) -> bool:
        """Whether the whole file written passed (call once, at its end)."""
        if self._ok:
            self._cut(final=True)
        while self._pending:
            self._ok = self._ok and self._pending.popleft().result()
        return self._ok and self._head

    def __enter__(self) -> _CsvStream:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for future in self._pending:
            future.cancel()
        self._pool.shutdown(wait=True)


class _Tee(Generic[AnyStr]):
    """A file (binary or text) that also hands what is written to a check."""

    def __init__(self, out: IO[AnyStr], check: Callable[[AnyStr], object]) -> None:
        self._out: IO[AnyStr] = out
        self._check: Callable[[AnyStr], object] = check

    def write(self, data: AnyStr) -> int:
        self._check(data)
        return self._out.write(data)

    def tell(self) -> int:
        return self._out.tell()


class _PieceChecks:
    """Pieces of a document checked against the sector's XSD on two threads: libxml2
    parses and validates without the GIL, so a second core halves the wait."""

    _AHEAD = 4

    def __init__(self, sector: Sector) -> None:
        self._schema = builtin_schema(sector)
        self._pool = ThreadPoolExecutor(2)
        self._pending: deque[Future[bool]] = deque()

    def _check(self, piece: bytes) -> bool:
        return valid_as_read(piece, self._schema)

    def add(self, piece: bytes) -> bool:
        """False once a piece checked so far failed."""
        self._pending.append(self._pool.submit(self._check, piece))
        while len(self._pending) > self._AHEAD:
            if not self._pending.popleft().result():
                return False
        return True

    def passed(self) -> bool:
        while self._pending:
            if not self._pending.popleft().result():
                return False
        return True

    def close(self) -> None:
        for future in self._pending:
            future.cancel()
        self._pool.shutdown(wait=True)


def _sync(handle: IO[bytes] | IO[str]) -> None:
    handle.flush()
    os.fsync(handle.fileno())


class _RejectsWriter:
    """The rejected rows with their original columns and what to fix, openable in Excel."""

    def __init__(self, path: Path | None, header: list[str], lang: Lang) -> None:
        self._lang = lang
        self._handle: IO[str] | None = None
        if path is None:
            return
        # UTF-8 with BOM and ";" so Dutch Excel opens it with the right columns and accents.
        self._handle = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._handle, delimiter=";", lineterminator="\r\n")
        self._writer.writerow(["rodcli_regel", *(_neutralise(name) for name in header),
                               "rodcli_codes", "rodcli_meldingen"])

    def write(self, line: int, cells: Sequence[object], reasons: list[Finding]) -> None:
        if self._handle is None:
            return
        codes = ", ".join(dict.fromkeys(f.code for f in reasons))
        messages = " | ".join(
            f"{f.location.field + ': ' if f.location.field else ''}{message(f, self._lang)}"
            for f in reasons)
        self._writer.writerow([line, *(_cell_for_excel(c) for c in cells), codes,
                               _neutralise(messages)])

    def close(self) -> None:
        if self._handle is not None and not self._handle.closed:
            try:
                _sync(self._handle)
            finally:
                self._handle.close()


def _cell_for_excel(cell: object) -> str:
    if cell is None:
        return ""
    return _neutralise(str(cell))


def _neutralise(text: str) -> str:
    return neutralise(text)
