"""``rodcli compare`` with DUO's Registratieoverzicht (RO) on one side or both.

:func:`rodcli.comparison.compare` hands over here when either side is an RO by its content
(:func:`is_ro`). The other side is the school's mbo bulk file (or an export read through a
mapping), or a second RO: two ROs requested a month apart show what changed at DUO in between.

Both sides become :class:`~rodcli.duo.entities.Entity` records (persons, enrolments, periods,
BPVs, diplomas and their results, by DUO's keys) in the on-disk
:class:`~rodcli.store.RecordStore` that every comparison uses, so memory stays flat for a
million records: the store is read back in key order, one key at a time. The findings are
those of any comparison: C001/C010 only at the school (OURS), C002 only at DUO (THEIRS), C003
per field that differs with both values, C004 a personal number changed, C005 a duplicate key;
between two ROs C014 (only in RO 1), C015 (only in RO 2) and C016 (a field DUO changed).

Only what an RO's selection period covers is compared (PvE §15.1): a record on one side only
is reported only when the other side's RO would have held it; the rest are counted as
``skipped`` and said once (C012). The period decisions follow links between records (a BPV is
covered when its enrolment is), so they are made in SQLite too (:class:`_Coverage`).

The RO reader's findings (malformed lines, SLR counts, BRIN against the file name) are
findings of the comparison. An RO without a voorlooprecord or sluitrecord is not compared
(C007): BRIN and period unknown, or the file may be cut short. ROD bulk v1 has no periods of
extra support: an RO's ISE records are not compared with a bulk file, said once (C011); a
school record type without a counterpart in the RO likewise (C013).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from rodcli.codes import CATALOGUE
from rodcli.comparison import (
    SIDE_NAMES,
    CompareOptions,
    CompareSummary,
    Comparison,
    SideSummary,
    _Collector,
    read_side,
)
from rodcli.duo.entities import (
    ENROLMENT_PARTS,
    ENTITY_TYPES,
    RESULTS,
    Entity,
    compared_fields,
    from_bulk,
    from_malformed,
    from_ro,
)
from rodcli.duo.registratieoverzicht import (
    MalformedLine,
    RegistratieoverzichtReader,
    SelectionPeriod,
    Sluitrecord,
    Voorlooprecord,
    looks_like_ro,
    scan_header,
)
from rodcli.findings import Finding, Location, Result, make_finding
from rodcli.masking import scrub
from rodcli.scratch import Scratch
from rodcli.store import OURS, THEIRS, Duplicate, RecordStore, Stored, repeated_person

Sink = Callable[[Finding], None]

# After these the RO was not read completely, or its records cannot be keyed (no VLP: no
# BRIN, no period; no SLR: the file may be cut short): comparing would report records missing.
RO_INCOMPLETE = frozenset({"I001", "I007", "I014", "D001", "D009", "D010"})
_SEPARATOR, _EQUALS = "\x1f", "\x1e"  # as the store's canonical form (control characters)


def is_ro(path: Path) -> bool:
    """Whether ``path`` is an RO by its content (VLP first or last, RO record types)."""
    try:
        with path.open("rb") as handle:
            return looks_like_ro(handle.read(1 << 12))
    except OSError:
        return False


def compare_with_ro(options: CompareOptions, ro_sides: tuple[bool, bool]) -> Comparison:
    """Compare OURS with THEIRS where ``ro_sides`` says which is an RO (at least one).

    Given as ``RO school``, the school's file still takes the school's side (OURS), with its
    mapping: "only at the school" and "only in ROD" keep their meaning whichever order the
    files were named in (the reports name each file)."""
    if ro_sides == (True, False):
        options = dataclasses.replace(options, ours=options.theirs, theirs=options.ours,
                                      mapping=options.their_mapping, their_mapping=None)
        ro_sides = (False, True)
    summary = CompareSummary(SideSummary(str(options.ours)), SideSummary(str(options.theirs)))
    comparison = Comparison(Result(max_findings=0), summary, options.max_findings)
    sink = _Collector(comparison)
    paths = (options.ours, options.theirs)
    mappings = (options.mapping, options.their_mapping)
    sides = (summary.ours, summary.theirs)
    headers = [scan_header(path) if ro else None for path, ro in zip(paths, ro_sides,
                                                                      strict=True)]
    periods = [None if header is None else header.period for header in headers]
    with RecordStore() as store, _Coverage(store) as coverage:
        loader = _Loader(store, coverage, ro_sides, headers, sink)
        for side in (OURS, THEIRS):
            if ro_sides[side]:
                loader.ro_side(side, paths[side], sides[side], options)
            else:
                loader.school_side(side, paths[side], mappings[side], sides[side])
        loader.notes(sides)
        if summary.ours.complete and summary.theirs.complete:
            coverage.decide()
            _Matcher(summary, coverage, ro_sides, periods, sink).run(store)
            summary.compared = True
    return comparison


# ---- reading the sides -----------------------------------------------------------------------


class _Loader:
    def __init__(self, store: RecordStore, coverage: _Coverage, ro_sides: tuple[bool, bool],
                 headers: list[Voorlooprecord | None], sink: Sink) -> None:
        self.store, self.coverage, self.ro_sides = store, coverage, ro_sides
        self.headers, self.sink = headers, sink
        periods = [None if header is None else header.period for header in headers]
        self.periods = periods
        self.not_in_ro: list[Counter[str]] = [Counter(), Counter()]  # record type -> count
        self.extra_support: list[int] = [0, 0]
        # Whether a side's records need the other side's period decided for them: not when
        # the side is an RO whose own period lies within the other's (the same period, as a
        # rule): what one RO selected, the other selects too.
        self.covering = [other is not None and not (
            own is not None and other.begin <= own.begin and own.end <= other.end)
            for own, other in ((periods[OURS], periods[THEIRS]),
                               (periods[THEIRS], periods[OURS]))]

    def add(self, side: int, entity: Entity) -> None:
        number = entity.number
        if entity.record_type == "persoon":
            # A person has no number of its own; the keyed hash in its place keeps the store
            # from pairing two different persons as one whose number changed (C004).
            number = "#" + self.store.pgn_hash(entity.pgn).hex()
        self.store.add(side, entity.brin, number, entity.record_type, entity.pgn, entity.bsn,
                       entity.line, None if entity.values is None else _canonical(entity))
        other = self.periods[1 - side]
        if other is not None and self.covering[side]:
            self.coverage.add(side, entity, number, other)

    def ro_side(self, side: int, path: Path, summary: SideSummary,
                options: CompareOptions) -> None:
        summary.kind, summary.sector = "ro", "mbo"
        seen: set[str] = set()

        def note(finding: Finding) -> None:
            seen.add(finding.code)
            self.sink(finding)

        if options.sector == "ho":
            note(make_finding("I014", Location(summary.path), found="mbo", expected="ho"))
        else:
            # The BRIN is only in the VLP, which may be the last line (the spreadsheet form):
            # read ahead of the records. Without a VLP (D009) nothing is compared anyway.
            header = self.headers[side]
            brin = "" if header is None else header.brin
            reader = RegistratieoverzichtReader(path, sink=note, display=summary.path)
            for record in reader:
                if isinstance(record, Voorlooprecord | Sluitrecord):
                    continue
                if isinstance(record, MalformedLine):
                    if record.record_type in ("VLP", "SLR"):
                        continue
                    summary.records += 1
                    summary.failed += 1
                    entity = from_malformed(record, brin)
                elif record.RECORD_TYPE == "ISE" and not self.ro_sides[1 - side]:
                    summary.records += 1
                    summary.skipped += 1
                    self.extra_support[side] += 1
                    continue
                else:
                    summary.records += 1
                    entity = from_ro(record, brin, bulk_only=not self.ro_sides[1 - side])
                if entity is None:
                    summary.unkeyed += 1
                    continue
                if entity.record_type == "extraOndersteuning" and not self.ro_sides[1 - side]:
                    summary.skipped += 1  # a malformed ISE line
                    self.extra_support[side] += 1
                    continue
                self.add(side, entity)
            summary.encoding = reader.summary.encoding
        blocking = sorted(code for code in seen
                          if code in RO_INCOMPLETE or CATALOGUE[code].no_verdict)
        if blocking:
            summary.complete = False
            self.sink(make_finding("C007", Location(summary.path), reason=", ".join(blocking)))

    def school_side(self, side: int, path: Path, mapping: Path | None,
                    summary: SideSummary) -> None:
        for raw, checked in read_side(path, mapping, "mbo", summary, self.sink):
            summary.records += 1
            if raw.record_type not in ENTITY_TYPES or not ENTITY_TYPES[raw.record_type].in_bulk:
                summary.skipped += 1
                self.not_in_ro[side][raw.record_type] += 1
                continue
            if checked is None:
                summary.failed += 1
                entity = from_bulk(raw.record_type, raw.values, raw.line, failed=True)
            else:
                entity = from_bulk(raw.record_type, checked.model.model_dump(), raw.line)
            if entity is None:
                summary.unkeyed += 1
                continue
            self.add(side, entity)

    def notes(self, sides: tuple[SideSummary, SideSummary]) -> None:
        """C011 and C013, once per side (and record type): what is not compared, and why."""
        for side in (OURS, THEIRS):
            if self.extra_support[side]:
                self.sink(make_finding("C011", Location(sides[side].path),
                                       count=self.extra_support[side]))
            for record_type, count in sorted(self.not_in_ro[side].items()):
                self.sink(make_finding("C013", Location(sides[side].path),
                                       record_type=record_type, count=count))


def _canonical(entity: Entity) -> str:
    """The values in the entity's field order (the store's canonical form): equal strings,
    equal records, the usual case decided without splitting them."""
    values = entity.values or {}
    text = _SEPARATOR.join(f"{name}{_EQUALS}{value}" for name, value in values.items())
    if text.count(_EQUALS) != len(values) or text.count(_SEPARATOR) != max(len(values) - 1, 0):
        # Values are checked against patterns on both sides; a stray separator must still
        # not split the canonical form in the wrong place.
        text = _SEPARATOR.join(
            f"{name}{_EQUALS}{value.replace(_SEPARATOR, '?').replace(_EQUALS, '?')}"
            for name, value in values.items())
    return text


# ---- the selection period --------------------------------------------------------------------


class _Coverage:
    """Whether the other side's RO covers a record, decided after both sides are read: a
    period, a BPV or a result is covered through the enrolment or diploma it belongs to, and a
    person through any covered record of theirs (PvE §15.1). On disk, like the store."""

    def __init__(self, store: RecordStore) -> None:
        self._store = store
        self._scratch = Scratch("rodcli-scope-")
        self._db = self._scratch.db
        self._db.execute(
            "CREATE TABLE scope (side INTEGER, brin TEXT, pgn BLOB, record_type TEXT, "
            "number TEXT, own INTEGER, enrolment TEXT, diploma TEXT, covered INTEGER)")
        self._pending: list[tuple[object, ...]] = []
        self._decided = False
        self.used = False

    def add(self, side: int, entity: Entity, number: str, period: SelectionPeriod) -> None:
        self.used = True
        scope = entity.scope
        own = scope.covered_by_itself(entity.record_type, period)
        self._pending.append((side, entity.brin, self._store.pgn_hash(entity.pgn),
                              entity.record_type, number, int(own), scope.enrolment,
                              scope.diploma, int(own)))
        if len(self._pending) >= 5000:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO scope VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                 self._pending)
            self._db.execute("COMMIT")
            self._pending.clear()

    def decide(self) -> None:
        """Follow the links, in the order they depend on each other."""
        self._flush()
        if not self.used:
            return
        db = self._db
        db.execute("CREATE INDEX scope_key ON scope (side, brin, pgn, record_type, number)")
        # The outer row by the table's own name, not an alias: UPDATE ... AS needs SQLite 3.33.
        same = "o.side = scope.side AND o.brin = scope.brin AND o.pgn = scope.pgn"

        def linked(record_type: str, column: str, covered_only: bool) -> str:
            return (f"EXISTS (SELECT 1 FROM scope o WHERE {same} AND o.record_type = "
                    f"'{record_type}' AND o.number = scope.{column}"
                    + (" AND o.covered = 1)" if covered_only else ")"))

        parts = ", ".join(f"'{name}'" for name in sorted(ENROLMENT_PARTS))
        results = ", ".join(f"'{name}'" for name in sorted(RESULTS))
        db.execute("BEGIN")
        # A part of an enrolment the side does not have is kept: nothing says it is outside.
        db.execute(f"UPDATE scope SET covered = 1 WHERE record_type IN ({parts}) AND "
                   f"({linked('inschrijving', 'enrolment', True)} OR NOT "
                   f"{linked('inschrijving', 'enrolment', False)})")
        db.execute("UPDATE scope SET covered = 1 WHERE record_type = 'diploma' AND "
                   f"covered = 0 AND {linked('inschrijving', 'enrolment', True)}")
        db.execute(f"UPDATE scope SET covered = 1 WHERE record_type IN ({results}) AND "
                   f"covered = 0 AND ({linked('inschrijving', 'enrolment', True)} OR "
                   f"{linked('diploma', 'diploma', True)} OR (scope.diploma IS NOT NULL AND NOT "
                   f"{linked('diploma', 'diploma', False)}))")
        db.execute("UPDATE scope SET covered = 1 WHERE record_type = 'persoon' AND "
                   f"EXISTS (SELECT 1 FROM scope o WHERE {same} AND o.record_type != "
                   "'persoon' AND o.covered = 1)")
        db.execute("COMMIT")
        self._decided = True

    def covered(self, stored: Stored) -> bool:
        """Whether the other side's RO covers this record (True when it is no RO)."""
        if not self._decided:
            return True
        row = self._db.execute(
            "SELECT covered FROM scope WHERE side = ? AND brin = ? AND pgn = ? AND "
            "record_type = ? AND number = ? LIMIT 1",
            (stored.side, stored.brin, stored.pgn, stored.record_type, stored.number)).fetchone()
        return row is None or bool(row[0])

    def close(self) -> None:
        self._pending.clear()
        self._scratch.close()

    def __enter__(self) -> _Coverage:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


# ---- matching --------------------------------------------------------------------------------


def record_text(stored: Stored) -> str:
    """The masked key for reports: ``99XX/*****2333/C3/2023-01-30`` (a person without a
    number of its own: ``99XX/*****2333``)."""
    if stored.record_type == "persoon":
        return scrub(f"{stored.brin}/{stored.masked}")
    return stored.record


class _Matcher:
    def __init__(self, summary: CompareSummary, coverage: _Coverage,
                 ro_sides: tuple[bool, bool], periods: list[SelectionPeriod | None],
                 sink: Sink) -> None:
        self.summary, self.coverage, self.ro_sides = summary, coverage, ro_sides
        self.periods, self.sink = periods, sink
        self.sides = (summary.ours, summary.theirs)
        # Between two ROs neither side is the school's: C014-C016 say "RO 1" and "RO 2".
        self.both_ro = all(ro_sides)

    def run(self, store: RecordStore) -> None:
        summary, sides, sink = self.summary, self.sides, self.sink
        for item in store.merge():
            if isinstance(item, Duplicate):
                if repeated_person(item):
                    continue
                extra, first = item.extra, item.first
                sides[extra.side].duplicates += 1
                sink(make_finding("C005", Location(sides[extra.side].path, extra.line,
                                                   record=record_text(extra)),
                                  record_type=extra.record_type, other_line=first.line or "?",
                                  side=SIDE_NAMES[extra.side]))
                continue
            if item.ours is None or item.theirs is None:
                continue  # in unmatched() below
            summary.ours.matched += 1
            summary.theirs.matched += 1
            differences = self.differences(item.ours, item.theirs)
            if differences is None:
                summary.not_compared += 1
            elif differences:
                summary.differing += 1
            else:
                summary.equal += 1
        outside = [0, 0]
        for one, partner in store.unmatched():
            if partner is None:
                if not self.coverage.covered(one):
                    sides[one.side].skipped += 1
                    outside[one.side] += 1
                    continue
                sides[one.side].only += 1
                if self.both_ro:
                    code = "C015" if one.side == THEIRS else "C014"
                else:
                    code = ("C002" if one.side == THEIRS
                            else "C010" if one.data is None else "C001")
                sink(make_finding(code, Location(sides[one.side].path, one.line,
                                                 record=record_text(one)),
                                  record_type=one.record_type, side=SIDE_NAMES[one.side]))
                continue
            ours, theirs = one, partner
            summary.ours.pgn_changed += 1
            summary.theirs.pgn_changed += 1
            sink(make_finding(
                "C004", Location(summary.ours.path, ours.line,
                                 field="burgerservicenummer" if ours.bsn else "onderwijsnummer",
                                 record=record_text(ours)),
                ours=ours.masked, theirs=theirs.masked, ours_kind=_kind(ours),
                theirs_kind=_kind(theirs), other_line=theirs.line or "?",
                record_type=ours.record_type, side="ours"))
            self.differences(ours, theirs)
        for side in (OURS, THEIRS):
            period = self.periods[1 - side]
            if outside[side] and period is not None:
                sink(make_finding("C012", Location(sides[side].path), count=outside[side],
                                  begin=period.begin.isoformat(), end=period.end.isoformat()))

    def differences(self, ours: Stored, theirs: Stored) -> int | None:
        """C003 per field that differs; the count, or None when a side failed its checks."""
        if ours.data is None or theirs.data is None:
            return None
        if ours.data == theirs.data:
            return 0
        mine, other = ours.fields(), theirs.fields()
        if mine is None or other is None:
            return None
        entity = ENTITY_TYPES[ours.record_type]
        # With a BSN, ROD keeps the BRP's birth date and sex, not the delivered ones (WRO
        # art. 9, 13): a difference there is not one a delivery can settle.
        skip_personal = ours.bsn or theirs.bsn
        count = 0
        for spec in compared_fields(entity, *self.ro_sides):
            if skip_personal and spec.personal:
                continue
            value, their_value = mine.get(spec.name, ""), other.get(spec.name, "")
            if value == their_value:
                continue
            count += 1
            self.summary.field_differences += 1
            self.sink(make_finding(
                "C016" if self.both_ro else "C003",
                Location(self.summary.ours.path, ours.line, field=spec.name,
                                 record=record_text(ours)),
                name=f"{spec.label} ({spec.name})", field=spec.name, ours=value,
                theirs=their_value, other_line=theirs.line or "?",
                record_type=ours.record_type, side="ours"))
        return count


def _kind(stored: Stored) -> str:
    return "BSN" if stored.bsn else "onderwijsnummer"
