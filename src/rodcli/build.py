"""The build pipeline: administration export -> mapping -> records -> rules -> bulk file.

Two streaming passes over the export. The first maps and checks every row and learns which
rows fail (cross-record rules included); the second writes the good rows to a temporary file
beside the output and the failing rows to the rejects file. The written bulk file is then
validated like any other before it is renamed into place, so what ``build`` writes always
passes ``validate``; a refusal, a crash or Ctrl-C leaves no partial bulk file. It never prints
and never exits.
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal

from rodcli.atomic import publish, temporary_beside
from rodcli.bulkformat import Sector
from rodcli.bulkformat.models import Record
from rodcli.codes import Lang, message
from rodcli.compare import Delta
from rodcli.exports import ExportError, ExportTable, open_export
from rodcli.findings import (
    BuildSummary,
    FileReport,
    Finding,
    Location,
    Result,
    Severity,
    make_finding,
)
from rodcli.mapping import CompiledMapping, MappingError, MappingFile, compile_mapping, load_mapping
from rodcli.masking import scrub
from rodcli.pipeline import ValidateOptions, validate_files
from rodcli.readers import read_bulk
from rodcli.records import to_record
from rodcli.rules import cross_record_rules, record_rules
from rodcli.rules.index import RecordStore
from rodcli.writers import DocumentHeader
from rodcli.writers.csv import write_csv
from rodcli.writers.xml import write_xml

BulkFormat = Literal["xml", "csv"]
PROGRESS_EVERY = 1000
# Cells that Excel would run as a formula: neutralised in the rejects file (OWASP advice).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


@dataclass(slots=True)
class _FirstPass:
    rejected: dict[int, list[Finding]] = field(default_factory=dict)  # export line -> errors
    sender: str | None = None
    unreadable: bool = False  # the export could not be read to its end


def build(
    export: Path, options: BuildOptions, on_progress: Callable[[int], None] | None = None
) -> Result:
    result = Result(max_findings=options.max_findings)
    summary = result.build = BuildSummary()
    if options.sector == "mbo" and options.output_format == "csv":
        result.add(make_finding("B002", Location(str(options.output))))
        return result
    refusal = _refuse_output(export, options)
    if refusal is not None:
        result.add(refusal)
        return result
    try:
        spec, mapping_text = load_mapping(options.mapping)
        with _opened(export, options, spec) as table:
            mapping = compile_mapping(spec, mapping_text, str(options.mapping), table,
                                      options.sector)
            first = _first_pass(table, mapping, result, on_progress)
            summary.encoding, summary.delimiter = table.encoding, table.delimiter
            # A sheet can be named after anything, a student's number included.
            summary.sheet = scrub(table.sheet) if table.sheet else None
            summary.rows_blank = table.blank_rows
    except (MappingError, ExportError) as error:
        for finding in _findings_of(error):
            result.add(finding)
        return result

    summary.rows_rejected = len(first.rejected)
    summary.rows_accepted = summary.rows_read - summary.rows_rejected
    if first.unreadable:
        result.add(make_finding("B007", Location(str(export))))
        return result
    if first.rejected and options.rejects is None:
        result.add(make_finding("B005", Location(str(export)), count=len(first.rejected)))
        return result
    if summary.rows_accepted == 0:
        result.add(make_finding("B009", Location(str(options.output))))
    delta = Delta(options.since, options.sector) if options.since else None
    try:
        if delta is not None and not delta.load(result.add):
            return result  # an earlier delivery could not be read: no delta to make
        _second_pass(export, options, spec, mapping_text, first, result, delta)
    except ExportError as error:  # the export changed or vanished between the passes
        for finding in _findings_of(error):
            result.add(finding)
    finally:
        if delta is not None:
            delta.close()
    return result


def _findings_of(error: MappingError | ExportError) -> list[Finding]:
    return error.findings if isinstance(error, MappingError) else [error.finding]


def _refuse_output(export: Path, options: BuildOptions) -> Finding | None:
    for target in filter(None, (options.output, options.rejects)):
        if target.exists() and target.resolve() == export.resolve():
            return make_finding("B008", Location(str(target)), file=target)
        if target.exists() and not options.force:
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
                on_progress: Callable[[int], None] | None) -> _FirstPass:
    first = _FirstPass(sender=mapping.constants.get("brin"))
    with RecordStore() as store:
        _check_rows(table, mapping, result, on_progress, first, store)
        # Rejecting a row can break a rule for another (a deregistration whose diploma row
        # was rejected): run the cross-record rules again on what is left until nothing
        # changes.
        reported: set[tuple[str, Location, tuple[tuple[str, str], ...]]] = set()
        while True:
            before = len(first.rejected)
            for group in store.groups(1, table.file, excluded_lines=set(first.rejected)):
                for rule in cross_record_rules():
                    for finding in rule.check_key(group):
                        identity = (finding.code, finding.location,
                                    tuple(finding.params.items()))
                        if identity not in reported:
                            reported.add(identity)
                            _note(first, result, finding, finding.location.line)
            if len(first.rejected) == before:
                return first


def _note(first: _FirstPass, result: Result, finding: Finding, line: int | None) -> None:
    result.add(finding)
    if finding.severity >= Severity.ERROR and line is not None:
        first.rejected.setdefault(line, []).append(finding)


def _check_rows(table: ExportTable, mapping: CompiledMapping, result: Result,
                on_progress: Callable[[int], None] | None, first: _FirstPass,
                store: RecordStore) -> None:
    assert result.build is not None
    summary = result.build
    per_record = record_rules()

    for row in table.rows:
        summary.rows_read += 1
        mapped = mapping.map_row(row)
        row_findings = list(mapped.findings)
        # A cell the mapping could not use is already reported; "required and missing" for
        # the same field would only repeat it.
        unusable = {finding.location.field for finding in mapped.findings}
        for raw in mapped.records:
            checked, findings = to_record(raw, mapping.sector, "iso")
            row_findings.extend(
                finding for finding in findings
                if not (finding.code == "F001" and finding.location.field in unusable))
            if checked is None:
                store.add_failed(raw, 1)
            else:
                store.add(checked, 1)
                for record_rule in per_record:
                    row_findings.extend(record_rule.check(checked))
                first.sender = first.sender or checked.model.brin
        _drain(table, result, first)
        for finding in row_findings:
            _note(first, result, finding, row.line)
        if on_progress is not None and summary.rows_read % PROGRESS_EVERY == 0:
            on_progress(summary.rows_read)
    _drain(table, result, first)


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
    temporary: Path | None = None
    rejects_temporary: Path | None = None
    write_bulk = summary.rows_accepted > 0
    rejects_writer: _RejectsWriter | None = None
    try:
        temporary = temporary_beside(output)
        rejects_temporary = temporary_beside(options.rejects) if options.rejects else None
        with _opened(export, options, spec) as table:
            mapping = compile_mapping(spec, mapping_text, str(options.mapping), table,
                                      options.sector)
            rejects_writer = _RejectsWriter(rejects_temporary, table.header, options.lang)
            records = _accepted_records(table, mapping, first, rejects_writer, delta)
            if delta is not None:
                records = delta.changed(records)
            if not write_bulk:
                for _record in records:  # every row goes to the rejects file
                    pass
            elif options.output_format == "xml":
                # A row is accepted only when its records passed, BRIN included: a sender.
                assert first.sender is not None
                header = DocumentHeader.new(first.sender)
                with temporary.open("wb") as out:
                    summary.records_written = write_xml(records, options.sector, header, out)
                    _sync(out)
            else:
                with temporary.open("w", encoding="utf-8", newline="") as text_out:
                    summary.records_written = write_csv(records, text_out)
                    _sync(text_out)
            rejects_writer.close()
        if delta is not None:
            # records built = records written + records unchanged since the last delivery
            summary.records_unchanged = delta.unchanged
            result.extend(delta.finish())
        if write_bulk:
            problem = _self_check(temporary, options.sector, options.output_format,
                                  options.since)
            if problem is not None:
                result.add(make_finding("B006", Location(str(output)), reason=problem))
                return
        # The rejects file first: if the bulk file then cannot be placed, the rejects file is
        # taken back, so either both are there or neither is.
        if rejects_temporary is not None and options.rejects is not None:
            publish(rejects_temporary, options.rejects)
        if write_bulk:
            try:
                publish(temporary, output)
            except OSError:
                if options.rejects is not None:
                    options.rejects.unlink(missing_ok=True)
                raise
            summary.output = str(output)
        if rejects_temporary is not None and options.rejects is not None:
            summary.rejects = str(options.rejects)
            if first.rejected:
                result.add(make_finding("B004", Location(str(options.rejects)),
                                        count=len(first.rejected), file=options.rejects))
    except OSError as error:
        result.add(make_finding("B003", Location(str(output)), file=output,
                                reason=error.strerror or str(error)))
    finally:
        if rejects_writer is not None:
            # Already closed on success; after a failure (reported above) a second fsync
            # error must not replace that report.
            with contextlib.suppress(OSError):
                rejects_writer.close()
        for leftover in (temporary, rejects_temporary):
            if leftover is not None:
                leftover.unlink(missing_ok=True)


def _accepted_records(table: ExportTable, mapping: CompiledMapping, first: _FirstPass,
                      rejects: _RejectsWriter, delta: Delta | None = None) -> Iterator[Record]:
    for row in table.rows:
        table.findings.clear()
        reasons = first.rejected.get(row.line)
        if reasons is not None:
            rejects.write(row.line, row.cells, reasons)
            if delta is not None:  # rejected now, but still in the export: not "gone"
                delta.present(mapping.map_row(row).records)
            continue
        for raw in mapping.map_row(row).records:
            checked, _ = to_record(raw, mapping.sector, "iso")
            if checked is None:  # the first pass accepted this row: the export changed
                raise ExportError(make_finding("I020", raw.location,
                                               reason="export changed during build"))
            yield checked.model


def _self_check(path: Path, sector: Sector, output_format: BulkFormat,
                since: tuple[Path, ...] = ()) -> str | None:
    """Why the written file would fail ``validate``, or None.

    Every record in it already passed the rules, so an XML file gets libxml2's streaming XSD
    check (fast, flat memory); only when that fails, or for CSV (no XSD), the full located
    check runs. A delta's context is the earlier deliveries, as with validate --with.
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
    # The reader's own XSD check: each record validated as it streams by, then the header.
    # (libxml2's parser-attached streaming validation was measured to grow with the file.)
    report = FileReport(str(path))
    for item in read_bulk(path, report, sector, None):
        if isinstance(item, Finding):
            if item.severity >= Severity.ERROR:
                return False
        elif item.schema_findings:
            return False
    return True


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
    return "'" + text if text.startswith(_FORMULA_START) else text
