"""``rodcli compare``: the school's records against what ROD holds ("Gegevens vergelijken"),
and the delta of ``rodcli build --since``.

Each side is a ROD bulk v1 file, or an administration export (or ROD overview) read through a
mapping, exactly as ``build`` reads one. Every record is checked as ``validate`` checks it
(field formats, value lists, the per-record rules) and put in an on-disk
:class:`~rodcli.store.RecordStore`; the store is then read back in key order. Records match on
BRIN + personal number + inschrijvingvolgnummer + record type. Two bulk files of some size
take the column path instead (``rodcli.compare_fast``): the engine reads them as
``validate`` does, and the sides meet as compact frames joined in polars; what they report,
and in which order, is the same (``tests/test_compare_fast.py``).

What a comparison can find, each a finding with a C code:

* C001 a record only at the school (not delivered yet, or rejected by the Loket);
* C010 a record only at the school that fails its own checks (``build`` would reject its row):
  it cannot be delivered as it is, so it is not called "not delivered yet";
* C002 a record only in ROD (changed in the Loket, or deleted locally);
* C003 per matched record, every field that differs, both values side by side;
* C004 the personal number changed between the sides (onderwijsnummer on one, BSN on the
  other, same BRIN + inschrijvingvolgnummer + record type), reported once, not as C001 + C002;
* C005 a key that occurs more than once on one side: only its first record is compared;
* C007 a side could not be read completely: then nothing is compared (no verdict).

Records that fail their own checks are reported with the codes ``validate`` uses; they still
match by key (so they are not reported missing as well) but their fields are not compared. Of
an export, every record of a row that ``build`` would reject counts as failing.

It never prints and never exits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rodcli.bulkformat.models import RECORD_MODELS, Record, Sector, field_meta, key_number
from rodcli.bulkformat.types import DateNotation
from rodcli.codes import CATALOGUE
from rodcli.engine.keys import KeyRows, checked_row, failed_row
from rodcli.engine.precise import RecordChecker
from rodcli.engine.run import SMALL_INPUT_BYTES, cross_record_rounds
from rodcli.exports import ExportError, open_export
from rodcli.findings import FileReport, Finding, Location, Result, Severity, make_finding
from rodcli.mapping import MappingError, MappingFile, compile_mapping, load_mapping
from rodcli.readers import read_bulk
from rodcli.records import CheckedRecord, RawRecord, display_name

if TYPE_CHECKING:
    from rodcli.compare_fast import SideFrames
    from rodcli.engine.run import Engine
from rodcli.store import (
    KEY_FIELDS,
    OURS,
    THEIRS,
    Duplicate,
    Match,
    RecordStore,
    Stored,
    canonical,
    repeated_person,
)

Sink = Callable[[Finding], None]

# Findings after which a file has not been read completely: comparing it would report the
# records it was not read as missing. (Codes that give no verdict at all count too.)
INCOMPLETE_CODES = frozenset({"I004", "I005", "I006", "I007", "I013", "I014", "I016", "I020",
                              "I021"})

SIDE_NAMES = ("ours", "theirs")
# From this size on (either side) two bulk files are compared on the column path: below it,
# starting polars costs more than it saves (the same threshold as validate's).
COLUMNAR_FROM_BYTES = SMALL_INPUT_BYTES


@dataclass(frozen=True, slots=True)
class CompareOptions:
    ours: Path
    theirs: Path
    mapping: Path | None = None  # OURS is an administration export read through this mapping
    their_mapping: Path | None = None  # THEIRS is an overview (CSV/XLSX) read through this
    sector: Sector | None = None  # expected sector; default: OURS's
    max_findings: int = 1000  # listed at most per code (0: all); counts stay complete
    # Two bulk files go through the column engine (rodcli.compare_fast) once either is this
    # large; None: COLUMNAR_FROM_BYTES.
    columnar_from_bytes: int | None = None


@dataclass(slots=True)
class SideSummary:
    """One side of a comparison.

    ``records = matched + pgn_changed + only + duplicates + unkeyed + skipped`` always holds.
    """

    path: str
    kind: str | None = None  # "xml"/"csv" (a bulk file), "export" (via a mapping), "ro" (DUO)
    sector: Sector | None = None
    encoding: str | None = None
    complete: bool = True  # read to the end; False: nothing was compared
    records: int = 0  # records read
    failed: int = 0  # of which failed their field checks: matched by key, fields not compared
    unkeyed: int = 0  # of which without a usable key (BRIN, personal number, volgnummer, type)
    duplicates: int = 0  # of which repeat a key seen before on this side (C005)
    only: int = 0  # keys on this side only (C001 for ours, C002 for theirs)
    matched: int = 0  # keys on both sides
    pgn_changed: int = 0  # records paired across a personal number change (C004)
    # Not compared: outside the other side's RO selection period, or of a kind the other
    # side has no counterpart for (rodcli.duo.compare; always 0 between two bulk files).
    skipped: int = 0


@dataclass(slots=True)
class CompareSummary:
    """``matched = equal + differing + not_compared`` (on either side's ``matched``)."""

    ours: SideSummary
    theirs: SideSummary
    compared: bool = False  # both sides read completely and matched
    equal: int = 0  # matched records without any difference
    differing: int = 0  # matched records with at least one field that differs
    not_compared: int = 0  # matched, but a side failed its field checks
    field_differences: int = 0  # C003 findings (also those of C004 pairs)


@dataclass(slots=True)
class Comparison:
    """What ``compare`` returns: the findings (``result``) and the counts (``summary``)."""

    result: Result
    summary: CompareSummary
    listed_per_code: int = 0  # the --max-findings cap per code (0: none)
    kept: Counter[str] = field(default_factory=Counter)  # findings listed per code

    @property
    def agree(self) -> bool:
        codes = self.result.code_counts
        # A note (what was not compared, and why) is no difference.
        return self.summary.compared and not any(
            codes[code] for code in codes
            if code.startswith("C") and CATALOGUE[code].severity > Severity.INFO)


# ---- reading one side ----------------------------------------------------------------------




Read = Iterator[tuple[RawRecord, CheckedRecord | None]]


def _bulk_records(path: Path, sector: Sector | None, summary: SideSummary,
                  checker: RecordChecker, sink: Sink) -> Read:
    report = FileReport(str(path))
    for item in read_bulk(path, report, sector, None):
        if isinstance(item, Finding):
            sink(item)
            continue
        summary.kind, summary.sector = report.kind, report.sector
        if report.sector is None:
            continue
        notation: DateNotation = "compact" if report.kind == "csv" else "iso"
        checked, findings = checker.check(item, report.sector, notation)
        for finding in findings:
            sink(finding)
        yield item, checked
    summary.kind, summary.sector, summary.encoding = report.kind, report.sector, report.encoding


def _export_records(path: Path, mapping_path: Path, sector: Sector | None,
                    summary: SideSummary, checker: RecordChecker, sink: Sink) -> Read:
    """An export read as ``build`` reads it; raises MappingError or ExportError when it
    cannot be read at all."""
    spec, text = load_mapping(mapping_path)
    summary.kind = "export"
    rejected = _rejected_rows(path, spec, text, mapping_path, sector, checker, sink)
    table = open_export(path, delimiter=spec.source.delimiter, encoding=spec.source.encoding,
                        sheet=spec.source.sheet)
    with table:
        mapping = compile_mapping(spec, text, str(mapping_path), table, sector)
        summary.sector = mapping.sector
        for row in table.rows:
            mapped = mapping.map_row(row)
            row_findings = [*table.findings, *mapped.findings]
            table.findings.clear()
            # A cell the mapping could not use is reported already; "required and missing"
            # for the same field would only repeat it (as in build).
            unusable = {finding.location.field for finding in mapped.findings}
            records = []
            for raw in mapped.records:
                checked, findings = checker.check(raw, mapping.sector, "iso")
                row_findings.extend(
                    finding for finding in findings
                    if not (finding.code == "F001" and finding.location.field in unusable))
                records.append((raw, checked))
            for finding in row_findings:
                sink(finding)
            # As in build, an error anywhere in the row rejects all its records (a value
            # without a translation, a row too long, a sibling record that fails): none of
            # them can be delivered, so none is compared as if it could.
            # The cross-record rules may reject it too, as in build (found in the first pass).
            rejects = row.line in rejected or any(
                finding.severity >= Severity.ERROR and finding.location.line in (None, row.line)
                for finding in row_findings)
            for raw, checked in records:
                yield raw, None if rejects else checked
        for finding in table.findings:
            sink(finding)
        table.findings.clear()
        summary.encoding = table.encoding


def _rejected_rows(path: Path, spec: MappingFile, text: str, mapping_path: Path,
                   sector: Sector | None, checker: RecordChecker, sink: Sink) -> set[int]:
    """The export rows build would reject, its cross-record rules included (a first pass
    over the export: a row's fate can hang on a row further on); the cross-record findings
    go to ``sink``, the rows' own findings come with the second pass."""
    rows = KeyRows()
    rejected: dict[int, list[Finding]] = {}
    table = open_export(path, delimiter=spec.source.delimiter, encoding=spec.source.encoding,
                        sheet=spec.source.sheet)
    with table:
        mapping = compile_mapping(spec, text, str(mapping_path), table, sector)
        for row in table.rows:
            mapped = mapping.map_row(row)
            errors = any(finding.severity >= Severity.ERROR
                         for finding in [*table.findings, *mapped.findings])
            table.findings.clear()
            for raw in mapped.records:
                checked, findings = checker.check(raw, mapping.sector, "iso")
                errors = errors or any(f.severity >= Severity.ERROR for f in findings)
                rows.append(checked_row(checked.model, raw) if checked is not None
                            else failed_row(raw))
            if errors:
                rejected[row.line] = []
    cross_record_rounds(rows, str(path), rejected, sink)
    return set(rejected)


def read_side(path: Path, mapping: Path | None, sector: Sector | None, summary: SideSummary,
              sink: Sink) -> Read:
    """The records of one side with their check findings (into ``sink``); sets
    ``summary.complete`` to False, and says why with C007, when the side could not be read
    to the end."""
    seen: set[str] = set()

    def note(finding: Finding) -> None:
        seen.add(finding.code)
        sink(finding)

    # validate's per-record checks; cross-record rules need state per key, and the store
    # does the key work here (C005 instead of R005).
    checker = RecordChecker()
    try:
        if mapping is None:
            yield from _bulk_records(path, sector, summary, checker, note)
        else:
            yield from _export_records(path, mapping, sector, summary, checker, note)
    except MappingError as error:
        for finding in error.findings:
            note(finding)
    except ExportError as error:
        note(error.finding)
    _incomplete(path, seen, summary, sink)


def raw_key(raw: RawRecord, sector: Sector | None) -> tuple[str, str, str, bool] | None:
    """(BRIN, personal number, volgnummer, is BSN) of a record that failed its checks, or
    None when it has no usable key."""
    values = raw.values
    bsn = values.get("burgerservicenummer")
    pgn = bsn or values.get("onderwijsnummer")
    brin, number = values.get("brin"), key_number(raw.record_type, values)
    if not (pgn and brin and number is not None and sector is not None
            and raw.record_type in RECORD_MODELS[sector]):
        return None
    return brin, pgn, number, bool(bsn)


def store_side(store: RecordStore, side: int, records: Read, summary: SideSummary,
               source: int = 0) -> None:
    for raw, checked in records:
        summary.records += 1
        if checked is not None:
            store.add_record(side, checked.model, raw.line, source)
            continue
        summary.failed += 1
        key = raw_key(raw, summary.sector)
        if key is None:
            summary.unkeyed += 1
            continue
        brin, pgn, number, bsn = key
        store.add(side, brin, number, raw.record_type, pgn, bsn, raw.line, None, source)


# ---- comparing ------------------------------------------------------------------------------


class _Collector:
    """Adds findings to a Result, listing at most ``cap`` per code (0: all) so that one
    kind of difference cannot crowd out the others; the counts stay complete."""

    def __init__(self, comparison: Comparison) -> None:
        self.comparison = comparison

    def __call__(self, finding: Finding) -> None:
        comparison, result = self.comparison, self.comparison.result
        cap = comparison.listed_per_code
        if cap <= 0 or comparison.kept[finding.code] < cap:
            comparison.kept[finding.code] += 1
            result.add(finding)
            return
        result.code_counts[finding.code] += 1
        result.severity_counts[finding.severity] += 1
        if CATALOGUE[finding.code].no_verdict:
            result.no_verdict = True


def compare(options: CompareOptions) -> Comparison:
    """Compare OURS with THEIRS; see the module docstring for what is reported."""
    # DUO's Registratieoverzicht on either side, by its content: rodcli.duo.compare.
    from rodcli.duo.compare import compare_with_ro, is_ro

    ro_sides = (options.mapping is None and is_ro(options.ours),
                options.their_mapping is None and is_ro(options.theirs))
    if any(ro_sides):
        return compare_with_ro(options, ro_sides)
    summary = CompareSummary(SideSummary(str(options.ours)), SideSummary(str(options.theirs)))
    comparison = Comparison(Result(max_findings=0), summary, options.max_findings)
    sink = _Collector(comparison)
    if _columnar(options):
        _compare_columnar(options, summary, sink)
        return comparison
    with RecordStore() as store:
        store_side(store, OURS, read_side(options.ours, options.mapping, options.sector,
                                          summary.ours, sink), summary.ours)
        expected = options.sector or summary.ours.sector
        store_side(store, THEIRS, read_side(options.theirs, options.their_mapping, expected,
                                            summary.theirs, sink), summary.theirs)
        if summary.ours.complete and summary.theirs.complete:
            _match(store, summary, sink)
            summary.compared = True
    return comparison


def _columnar(options: CompareOptions) -> bool:
    """Two bulk files (no mapping), either of them large enough for the column engine."""
    if options.mapping is not None or options.their_mapping is not None:
        return False
    threshold = (COLUMNAR_FROM_BYTES if options.columnar_from_bytes is None
                 else options.columnar_from_bytes)
    for path in (options.ours, options.theirs):
        try:
            if path.stat().st_size >= threshold:
                return True
        except OSError:
            continue  # reported when the file is read
    return False


def _compare_columnar(options: CompareOptions, summary: CompareSummary, sink: Sink) -> None:
    """Both sides through the column engine into compact frames, joined in polars; only
    the records that differ, repeat a key or are on one side come back as ``Stored``, for
    the same reporting as the store's (rodcli.compare_fast)."""
    from rodcli.compare_fast import SideFrames, settle
    from rodcli.engine.run import Engine
    from rodcli.scratch import Scratch

    engine = Engine(columnar=True, cross_rules=[])
    with Scratch("rodcli-compare-") as scratch:
        sides = (SideFrames(OURS, scratch, raw_key=raw_key),
                 SideFrames(THEIRS, scratch, raw_key=raw_key))
        _read_columnar(engine, options.ours, options.sector, summary.ours, sides[OURS], sink)
        expected = options.sector or summary.ours.sector
        _read_columnar(engine, options.theirs, expected, summary.theirs, sides[THEIRS], sink)
        if not (summary.ours.complete and summary.theirs.complete):
            return
        settled = settle(*sides)
        for side in (summary.ours, summary.theirs):
            side.matched += settled.matched
        summary.equal += settled.equal
        summary.not_compared += settled.not_compared
        sector = summary.ours.sector or summary.theirs.sector or "ho"
        for item in settled.items:
            _report(item, summary, sector, sink)
        for one, partner in settled.unmatched:
            _report_unmatched(one, partner, summary, sector, sink)
    summary.compared = True


def _read_columnar(engine: Engine, path: Path, sector: Sector | None, summary: SideSummary,
                   frames: SideFrames, sink: Sink) -> None:
    """One bulk file as ``read_side`` + ``store_side`` read it, on the column path."""
    from rodcli.engine.run import bulk_items

    seen: set[str] = set()

    def note(finding: Finding) -> None:
        seen.add(finding.code)
        sink(finding)

    report = FileReport(str(path))
    engine.observer = frames
    engine.check(bulk_items(path, report, sector, None, columnar=True), report, note, None)
    summary.kind, summary.sector, summary.encoding = report.kind, report.sector, report.encoding
    summary.records += frames.records
    summary.failed += frames.failed
    summary.unkeyed += frames.unkeyed
    _incomplete(path, seen, summary, sink)


def _incomplete(path: Path, seen: set[str], summary: SideSummary, sink: Sink) -> None:
    blocking = sorted(code for code in seen
                      if code in INCOMPLETE_CODES or CATALOGUE[code].no_verdict)
    if blocking:
        summary.complete = False
        sink(make_finding("C007", Location(str(path)), reason=", ".join(blocking)))


def _match(store: RecordStore, summary: CompareSummary, sink: Sink) -> None:
    sector = summary.ours.sector or summary.theirs.sector or "ho"
    for item in store.merge():
        if isinstance(item, Match) and (item.ours is None or item.theirs is None):
            continue  # handled by unmatched() below
        if isinstance(item, Match):
            summary.ours.matched += 1
            summary.theirs.matched += 1
        _report(item, summary, sector, sink)
    for one, partner in store.unmatched():
        _report_unmatched(one, partner, summary, sector, sink)


def _report(item: Match | Duplicate, summary: CompareSummary, sector: Sector,
            sink: Sink) -> None:
    """A key of the merge: a further record with a key seen before on its side (C005), or
    a key on both sides (already counted as matched), compared field by field."""
    sides = (summary.ours, summary.theirs)
    if isinstance(item, Duplicate):
        if repeated_person(item):
            return
        extra, first = item.extra, item.first
        sides[extra.side].duplicates += 1
        sink(make_finding("C005", Location(sides[extra.side].path, extra.line,
                                           record=extra.record),
                          record_type=extra.record_type, other_line=first.line or "?",
                          side=SIDE_NAMES[extra.side]))
        return
    assert item.ours is not None and item.theirs is not None
    _tally(summary, _differences(item.ours, item.theirs, sector, summary, sink))


def _report_unmatched(one: Stored, partner: Stored | None, summary: CompareSummary,
                      sector: Sector, sink: Sink) -> None:
    """A key on one side only (C001, C010, C002), or a pair across a personal number
    change (C004, with the pair's field differences)."""
    sides = (summary.ours, summary.theirs)
    if partner is None:
        sides[one.side].only += 1
        # A record of ours that fails its checks is not "not delivered yet": it cannot be.
        code = "C002" if one.side != OURS else "C001" if one.data is not None else "C010"
        sink(make_finding(code, Location(sides[one.side].path, one.line, record=one.record),
                          record_type=one.record_type, side=SIDE_NAMES[one.side]))
        return
    ours, theirs = one, partner
    summary.ours.pgn_changed += 1
    summary.theirs.pgn_changed += 1
    sink(make_finding(
        "C004", Location(summary.ours.path, ours.line, field=_pgn_field(ours),
                         record=ours.record),
        ours=ours.masked, theirs=theirs.masked, ours_kind=_pgn_kind(ours),
        theirs_kind=_pgn_kind(theirs), other_line=theirs.line or "?",
        record_type=ours.record_type, side="ours"))
    # Their other fields are compared too (C003), outside the matched tally.
    _differences(ours, theirs, sector, summary, sink)


def _tally(summary: CompareSummary, differences: int | None) -> None:
    if differences is None:
        summary.not_compared += 1
    elif differences:
        summary.differing += 1
    else:
        summary.equal += 1


def _pgn_field(stored: Stored) -> str:
    return "burgerservicenummer" if stored.bsn else "onderwijsnummer"


def _pgn_kind(stored: Stored) -> str:
    return "BSN" if stored.bsn else "onderwijsnummer"


def _differences(ours: Stored, theirs: Stored, sector: Sector, summary: CompareSummary,
                 sink: Sink) -> int | None:
    """C003 per field that differs; the count, or None when a side failed its checks."""
    if ours.data is None or theirs.data is None:
        return None
    if ours.data == theirs.data:
        return 0  # the usual case: the same canonical form
    mine, other = ours.fields(), theirs.fields()
    if mine is None or other is None:
        return None
    model = RECORD_MODELS[sector].get(ours.record_type)
    if model is None:
        return None
    # With a BSN, ROD keeps the BRP's birth date, sex and postcode, not the delivered ones
    # (WRO art. 9, 13): a difference there is not one a delivery can settle.
    skip_personal = ours.bsn or theirs.bsn
    count = 0
    for name in model.model_fields:
        if name in KEY_FIELDS:
            continue
        meta = field_meta(model, name)
        if skip_personal and meta.personal:
            continue
        value, their_value = mine.get(name, ""), other.get(name, "")
        if value == their_value:
            continue
        count += 1
        summary.field_differences += 1
        sink(make_finding(
            "C003", Location(summary.ours.path, ours.line, field=name, record=ours.record),
            name=display_name(name, meta), field=name, ours=value, theirs=their_value,
            other_line=theirs.line or "?", record_type=ours.record_type, side="ours"))
    return count


# ---- build --since ---------------------------------------------------------------------------


class Delta:
    """Which records of a build are new or changed since earlier deliveries.

    ``previous``: the bulk files delivered before, oldest first (a full delivery and the
    deltas after it); for a key in several, the latest counts. Use as a context manager::

        with Delta(previous, sector) as delta:
            if delta.load(sink):
                write(delta.changed(records))
                findings = list(delta.finish())
    """

    def __init__(self, previous: Sequence[Path], sector: Sector) -> None:
        self.previous = tuple(previous)
        self.sector: Sector = sector
        self.store = RecordStore()
        self.unchanged = 0

    def load(self, sink: Sink) -> bool:
        """Read the earlier deliveries. They are context, not under review: only what stops
        them being read completely is reported (C007 and its cause). False: do not build."""
        complete = True

        def context_sink(finding: Finding) -> None:
            if CATALOGUE[finding.code].no_verdict or finding.code in INCOMPLETE_CODES:
                sink(finding)

        for source, path in enumerate(self.previous):
            summary = SideSummary(str(path))
            store_side(self.store, THEIRS, read_side(path, None, self.sector, summary,
                                                     context_sink), summary, source)
            complete = complete and summary.complete
        self.store.index()
        return complete

    def changed(self, records: Iterable[Record]) -> Iterator[Record]:
        """The records that are new or differ from their latest delivery; the others are
        counted in ``unchanged``."""
        for record in records:
            data = canonical(record)
            self.store.add_record(OURS, record, None, data=data)
            delivered = self.store.latest(THEIRS, record)
            if delivered is not None and delivered.data == data:
                self.unchanged += 1
                continue
            yield record

    def present(self, raws: Iterable[RawRecord]) -> None:
        """Records of rows rejected now: still in the export, so not "gone" (no C006)."""
        for raw in raws:
            key = raw_key(raw, self.sector)
            if key is not None:
                brin, pgn, number, bsn = key
                self.store.add(OURS, brin, number, raw.record_type, pgn, bsn, None, None)

    def finish(self) -> Iterator[Finding]:
        """C006 for each delivered record no longer in the export, C008 for a personal
        number that changed since, and C009 with the count of unchanged records."""
        for _ in self.store.merge():
            pass  # matches were decided record by record; only the unmatched are left
        for one, partner in self.store.unmatched():
            if partner is not None:
                ours, theirs = one, partner
                yield make_finding(
                    "C008", Location(str(self.previous[theirs.source]), theirs.line,
                                     record=ours.record),
                    record_type=ours.record_type, ours=ours.masked, theirs=theirs.masked,
                    ours_kind=_pgn_kind(ours), theirs_kind=_pgn_kind(theirs))
            elif one.side == THEIRS:
                yield make_finding(
                    "C006", Location(str(self.previous[one.source]), one.line,
                                     record=one.record),
                    record_type=one.record_type)
        if self.unchanged:
            yield make_finding("C009", Location(str(self.previous[-1])), count=self.unchanged,
                               file=self.previous[-1].name)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Delta:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
