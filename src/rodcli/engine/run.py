"""The engine: every record of every command is checked here, and only here.

An input adapter turns a file into batches of columns (and, where the file is not plain,
into records read one by one, which the engine gathers into batches). For each batch the
column checks (``fields``) pass the records that have nothing to report; the others take the
precise path (``precise.RecordChecker``: the model and the per-record rules) for their
findings. Every record leaves a row in the key table, and at the end the cross-record rules
look at the keys some rule might find fault with (``keys``). Findings stream to a sink; the
engine never prints and never exits.

A small input (under ``SMALL_INPUT_BYTES``) takes the precise path alone, in plain Python:
starting the column engine would cost more than it saves (a pre-commit hook checks a few
records at a time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rodcli.bulkformat import Sector
from rodcli.bulkformat.models import field_names
from rodcli.bulkformat.types import DateNotation
from rodcli.engine.batch import Batch, batch_of_records
from rodcli.engine.keys import (
    COLUMNAR_FROM_RECORDS,
    KeyRows,
    KeyTable,
    PreciseKeys,
    check_groups,
    checked_row,
    failed_row,
)
from rodcli.engine.precise import RecordChecker
from rodcli.findings import FileReport, Finding, Location, Severity
from rodcli.records import RETAINED_RECORDS, CheckedRecord, RawRecord, RecordsEnd
from rodcli.rules import CrossRecordRule, RecordRule, cross_record_rules, record_rules

if TYPE_CHECKING:
    import polars as pl
    from lxml import etree

    from rodcli.engine.fields import CompiledChecks

Sink = Callable[[Finding], None]
Item = Batch | RawRecord | Finding | RecordsEnd
# What the precise path made of a batch's flagged records: (row in the batch, the record,
# its typed form or None when it failed typing).
Precise = list[tuple[int, RawRecord, CheckedRecord | None]]
# Sees each batch once checked: the batch's columns, which rows passed the column checks, the
# precise path's outcomes for the others, the sector and the date notation (compare builds
# its per-side frames from these; see rodcli.compare_fast).
BatchObserver = Callable[["pl.DataFrame", "pl.Series", Precise, Sector, DateNotation], None]

SMALL_INPUT_BYTES = 1 << 18
# Records read one by one are checked in batches of this many: the XML reader keeps as many
# records' elements alive, so the precise path can still ask a record's field lines.
BATCH_RECORDS = RETAINED_RECORDS


@dataclass(slots=True)
class Keys:
    """The key table of one input (or of the --with files), in either form."""

    columnar: bool
    table: KeyTable | None = None
    rows: PreciseKeys = field(default_factory=PreciseKeys)

    def __post_init__(self) -> None:
        if self.columnar and self.table is None:
            self.table = KeyTable()

    def add_rows(self, rows: KeyRows) -> None:
        """Key rows made in Python (by ``keys.checked_row`` or ``keys.failed_row``)."""
        if self.table is not None:
            self.table.add_rows(rows)
            return
        # Rows go into frames only past COLUMNAR_FROM_RECORDS, which makes the keys columnar.
        assert not rows.frames and rows.table is None
        for row in rows.rows:
            self.rows.add(row)
        rows.rows = []


class Engine:
    """Checks records of one sector's bulk format (or of any, as a file says)."""

    def __init__(self, columnar: bool, rules: list[RecordRule] | None = None,
                 cross_rules: list[CrossRecordRule] | None = None,
                 observer: BatchObserver | None = None) -> None:
        self.columnar = columnar
        # Only the column path gathers records into batches for an observer to see.
        assert observer is None or columnar
        self.observer = observer
        self.rules = record_rules() if rules is None else rules
        self.cross_rules = cross_record_rules() if cross_rules is None else cross_rules
        self.precise = RecordChecker(self.rules)
        self._compiled: dict[tuple[Sector, DateNotation, frozenset[str]],
                             CompiledChecks] = {}
        # Whether a finding at (file, line) can only be counted (``Result.beyond``): a file
        # where every row is wrong then skips locating each finding's column.
        self.counted_only: Callable[[str, int | None], bool] | None = None

    def new_keys(self) -> Keys:
        return Keys(self.columnar)

    def check(self, items: Iterable[Item], report: FileReport, sink: Sink,
              keys: Keys | None) -> None:
        """Each record on its own, leaving its row in ``keys`` for the cross-record rules
        (None: no cross-record rules will run, as in compare)."""
        pending: list[RawRecord] = []
        for item in items:
            if isinstance(item, Finding):
                sink(item)
            elif isinstance(item, Batch):
                self._flush(pending, report, sink, keys)
                self._check_batch(item, report, sink, keys)
            elif isinstance(item, RecordsEnd):
                self._flush(pending, report, sink, keys)
            elif report.sector is None:
                continue  # a file whose sector is unknown: its finding says why
            elif self.columnar:
                pending.append(item)
                if len(pending) >= BATCH_RECORDS:
                    self._flush(pending, report, sink, keys)
            else:
                self._check_one(item, report, sink, keys)
        self._flush(pending, report, sink, keys)

    def check_keys(self, file: str, keys: Keys, context: Keys | None, sink: Sink,
                   excluded_lines: frozenset[int] | set[int] = frozenset()) -> None:
        """The cross-record rules over one input's keys (with the --with files' beside)."""
        if keys.table is not None:
            groups = keys.table.groups(file, self.cross_rules,
                                       context.table if context is not None else None,
                                       excluded_lines)
        else:
            groups = keys.rows.groups(file, context.rows if context is not None else None,
                                      excluded_lines)
        for finding in check_groups(groups, self.cross_rules):
            sink(finding)

    def _checks(self, sector: Sector, notation: DateNotation,
                columns: frozenset[str]) -> CompiledChecks:
        from rodcli.engine.fields import compile_checks

        key = (sector, notation, columns)
        checks = self._compiled.get(key)
        if checks is None:
            checks = self._compiled[key] = compile_checks(sector, notation, columns,
                                                          self.rules)
        return checks

    def _check_one(self, raw: RawRecord, report: FileReport, sink: Sink,
                   keys: Keys | None) -> None:
        assert report.sector is not None and keys is not None
        checked, findings = self.precise.check(raw, report.sector, _notation(report))
        for finding in findings:
            sink(finding)
        keys.rows.add(checked_row(checked.model, raw) if checked is not None
                      else failed_row(raw))

    def _flush(self, pending: list[RawRecord], report: FileReport, sink: Sink,
               keys: Keys | None) -> None:
        if pending and report.sector is not None:
            from rodcli.engine.keys import diploma_reasons

            self._check_batch(batch_of_records(list(pending), field_names(report.sector),
                                               diploma_reasons(report.sector)),
                              report, sink, keys)
        pending.clear()

    def _check_batch(self, batch: Batch, report: FileReport, sink: Sink,
                     keys: Keys | None) -> None:
        import polars as pl

        from rodcli.engine.keys import batch_rows

        sector = report.sector
        if sector is None:
            return
        notation = _notation(report)
        frame = batch.frame
        passes = self._checks(sector, notation, frozenset(frame.columns)).run(frame)
        suspects = (~passes).arg_true()
        typed = passes
        precise: Precise = []
        if len(suspects):
            outcomes = []
            counted_only = self.counted_only
            rows = suspects.to_list()
            # A slice of the suspects at a time: where every row is wrong, a batch's records
            # as Python objects all at once were the run's peak (24 MiB more with chunks of
            # 3 MiB than of 2).
            for start in range(0, len(rows), _PRECISE_AT_ONCE):
                part = rows[start:start + _PRECISE_AT_ONCE]
                for row, raw in zip(part, batch.records(part), strict=True):
                    if counted_only is not None and counted_only(raw.file, raw.line):
                        raw.counted_only = True
                    checked, findings = self.precise.check(raw, sector, notation)
                    for finding in findings:
                        sink(finding)
                    outcomes.append(checked is not None)
                    if self.observer is not None:
                        precise.append((row, raw, checked))
            # scatter works in place: the observer still needs what the checks passed.
            typed = passes.clone().scatter(suspects, pl.Series(outcomes, dtype=pl.Boolean))
        if keys is not None:
            assert keys.table is not None
            keys.table.add_frame(batch_rows(frame, typed, sector, notation))
        if self.observer is not None:
            self.observer(frame, passes, precise, sector, notation)



# Suspect records turned into Python objects at a time (see Engine._check_batch).
_PRECISE_AT_ONCE = 4096


def _notation(report: FileReport) -> DateNotation:
    return "compact" if report.kind == "csv" else "iso"


def cross_record_rounds(rows: KeyRows, file: str, rejected: dict[int, list[Finding]],
                        sink: Sink, context_files: Sequence[Path] = ()) -> None:
    """The cross-record rules over an export's records (their key rows), for ``build`` and
    ``compare --mapping``: each finding goes to ``sink``, and an error rejects its row (into
    ``rejected``, line -> findings, which starts with the rows rejected for their own
    errors). Rejecting a row can break a rule for another (a deregistration whose diploma
    row was rejected): the rules run again on what is left until nothing changes.

    ``context_files`` are earlier deliveries (build --since), read as validate reads --with
    files; what stops one being read is reported by whoever reads it in full."""
    columnar = len(rows) >= COLUMNAR_FROM_RECORDS or any(
        path.stat().st_size >= SMALL_INPUT_BYTES for path in context_files if path.is_file())
    engine = Engine(columnar=columnar, rules=[])
    context: Keys | None = None
    if context_files:
        context = engine.new_keys()
        for path in context_files:
            report = FileReport(str(path))
            engine.check(bulk_items(path, report, None, None, columnar), report,
                         lambda _finding: None, context)
    keys = engine.new_keys()
    keys.add_rows(rows)
    reported: set[tuple[str, Location, tuple[tuple[str, str], ...]]] = set()

    def note(finding: Finding) -> None:
        identity = (finding.code, finding.location, tuple(finding.params.items()))
        if identity in reported:
            return
        reported.add(identity)
        sink(finding)
        line = finding.location.line
        if finding.severity >= Severity.ERROR and line is not None:
            rejected.setdefault(line, []).append(finding)

    while True:
        before = len(rejected)
        engine.check_keys(file, keys, context, note, excluded_lines=set(rejected))
        if len(rejected) == before:
            return


def bulk_items(path: Path, report: FileReport, sector: Sector | None,
               own_schema: etree.XMLSchema | None, columnar: bool) -> Iterator[Item]:
    """The records and findings of a bulk file, as its adapter reads them: when
    ``columnar``, in batches of columns (``csv_input``, ``xml_input``) where the file is
    plain, else through the precise readers (XML with the XSD, record by record)."""
    from rodcli.readers import read_bulk

    if not columnar:
        yield from read_bulk(path, report, sector, own_schema, records_end=True)
        return
    from rodcli.engine.csv_input import csv_items

    yield from read_bulk(path, report, sector, own_schema, csv_items, records_end=True,
                         xml_reader=_xml_items)


def _xml_items(path: Path, file: str, report: FileReport, sector: str | None
               ) -> Iterator[Item]:
    # Imported here: a CSV file never needs libxml2.
    from rodcli.engine.xml_input import xml_items

    yield from xml_items(path, file, report, sector)
