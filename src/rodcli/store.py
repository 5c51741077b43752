"""An on-disk store of keyed records, for comparing two sides of a million records each.

``rodcli compare`` (of small files, and of a side read through a mapping; two large bulk
files take ``rodcli.compare_fast``) and ``rodcli build --since`` put every record of both sides
in a temporary SQLite database (a file in a private temporary folder, removed on close) and
then read it back in key order, so memory stays flat however large the files are: Python
holds one key group at a time, SQLite a bounded page cache.

Per record the store keeps only what matching and reporting need: the key (BRIN,
inschrijvingvolgnummer, record type and a keyed hash of the personal number, never the number
itself), whether that number is a BSN and its masked form for reports, where the record is,
and a compact canonical serialisation of its other fields (``None`` when it failed its own
checks).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from itertools import groupby
from types import TracebackType
from typing import Any, get_args

from rodcli.bulkformat.models import Record
from rodcli.masking import mask_pgn, scrub
from rodcli.scratch import Scratch

OURS, THEIRS = 0, 1
KEY_FIELDS = frozenset({"brin", "burgerservicenummer", "onderwijsnummer",
                        "inschrijvingvolgnummer"})
_BATCH = 5000


@dataclass(frozen=True, slots=True)
class Stored:
    """One record as the store keeps it."""

    side: int  # OURS or THEIRS
    brin: str
    number: str  # inschrijvingvolgnummer (mbo: DUO's key of the record type, KEY_FIELDS)
    record_type: str
    pgn: bytes  # keyed hash of the personal number
    bsn: bool  # the personal number is a BSN (else an onderwijsnummer)
    masked: str  # masked personal number, e.g. *****2333
    line: int | None
    source: int  # which file of the side (``build --since`` may give several)
    data: str | None  # canonical fields; None: the record failed its own checks

    @property
    def record(self) -> str:
        """The masked key for reports, e.g. ``99XX/*****2333/1`` (as ``masked_key``)."""
        return scrub(f"{self.brin}/{self.masked}" + (f"/{self.number}" if self.number else ""))

    def fields(self) -> dict[str, str] | None:
        """The canonical fields as a dict (None when the record failed its checks)."""
        if self.data is None:
            return None
        if not self.data:
            return {}
        return dict(item.split(_IS, 1) for item in self.data.split(_AND))


# Separators of the canonical form: control characters no valid field value can hold (every
# text field has a pattern or a value list).
_AND, _IS = "\x1f", "\x1e"


@cache
def _plan(model: type[Record]) -> tuple[tuple[str, str], ...]:
    """(field, kind) of a model's fields other than the key, in model order."""
    plan = []
    for name in model.model_fields:
        if name in KEY_FIELDS:
            continue
        kind = "text"
        pending: list[object] = [model.model_fields[name].annotation]
        while pending:
            annotation = pending.pop()
            if annotation is date:
                kind = "date"
            elif annotation is Decimal:
                kind = "decimal"
            pending.extend(get_args(annotation))
        plan.append((name, kind))
    return tuple(plan)


def canonical(record: Record) -> str:
    """The record's fields other than its key, compact, in model order: dates as
    ``JJJJ-MM-DD`` and decimals without trailing zeros whatever file they came from (the
    writers' ``format_value``, done here without its checks: the values are typed)."""
    parts = []
    for name, kind in _plan(type(record)):
        value = getattr(record, name)
        if value is None:
            continue
        if kind == "date":
            text = value.isoformat()
        elif kind == "decimal":
            text = format(value.normalize(), "f")
        else:
            text = str(value)
        parts.append(f"{name}{_IS}{text}")
    return _AND.join(parts)


@dataclass(frozen=True, slots=True)
class Match:
    """One key as the merge found it: its first record on each side (None when absent)."""

    ours: Stored | None
    theirs: Stored | None


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A further record with a key already seen on its side: ``first`` is the one matched.
    In ``compare`` a duplicate; in ``build --since`` an older delivery of the same record."""

    extra: Stored
    first: Stored


def repeated_person(duplicate: Duplicate) -> bool:
    """A ``persoon`` record that repeats the first one word for word: an export has a row per
    enrolment, and each row states the student's details again. Not a duplicate to report;
    the same person with other details is."""
    extra, first = duplicate.extra, duplicate.first
    return (extra.record_type == "persoon" and extra.data is not None
            and extra.data == first.data)


_COLUMNS = "side, brin, number, record_type, pgn, bsn, masked, line, source, data"
_MARKS = ", ".join("?" * len(_COLUMNS.split(",")))


class RecordStore:
    """Records of two sides in a temporary SQLite file, read back in key order."""

    def __init__(self) -> None:
        self._scratch = Scratch("rodcli-store-")
        self._db = self._scratch.db
        self._db.execute(
            "CREATE TABLE rec (id INTEGER PRIMARY KEY, side INTEGER NOT NULL, "
            "brin TEXT NOT NULL, number TEXT NOT NULL, record_type TEXT NOT NULL, "
            "pgn BLOB NOT NULL, bsn INTEGER NOT NULL, masked TEXT NOT NULL, line INTEGER, "
            "source INTEGER NOT NULL, data TEXT)")
        self._db.execute(f"CREATE TABLE lone (id INTEGER PRIMARY KEY, {_COLUMNS})")
        self._pending: list[tuple[object, ...]] = []
        self._indexed = False

    # ---- writing -------------------------------------------------------------------------

    def pgn_hash(self, pgn: str) -> bytes:
        return self._scratch.digest(pgn)

    def add(self, side: int, brin: str, number: str, record_type: str, pgn: str, bsn: bool,
            line: int | None, data: str | None, source: int = 0) -> None:
        self._pending.append((side, brin, number, record_type, self.pgn_hash(pgn), int(bsn),
                              mask_pgn(pgn), line, source, data))
        if len(self._pending) >= _BATCH:
            self._flush()

    def add_record(self, side: int, record: Record, line: int | None, source: int = 0,
                   data: str | None = None) -> None:
        """A checked record; ``data`` is its :func:`canonical` form when already made."""
        self.add(side, record.brin, record.number, record.record_type,
                 record.pgn, bool(record.burgerservicenummer), line,
                 canonical(record) if data is None else data, source)

    def _flush(self) -> None:
        if not self._pending:
            return
        self._db.execute("BEGIN")
        self._db.executemany(
            f"INSERT INTO rec ({_COLUMNS}) VALUES ({_MARKS})", self._pending)
        self._db.execute("COMMIT")
        self._pending.clear()

    def index(self) -> None:
        """Make the key index (once, after the bulk of the inserts: much faster than
        keeping it up to date row by row). Adding after this is still allowed."""
        self._flush()
        if not self._indexed:
            self._db.execute("CREATE INDEX rec_key ON rec (brin, number, record_type, pgn, "
                             "side, source DESC, line, id)")
            self._indexed = True

    # ---- reading -------------------------------------------------------------------------

    def latest(self, side: int, record: Record) -> Stored | None:
        """The record with ``record``'s key on ``side`` from the latest source (point look-up
        through the index)."""
        if not self._indexed:
            self.index()
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM rec WHERE brin = ? AND number = ? AND record_type = ? "
            "AND pgn = ? AND side = ? ORDER BY source DESC, line, id LIMIT 1",
            (record.brin, record.number, record.record_type,
             self.pgn_hash(record.pgn), side)).fetchone()
        return _stored(row) if row is not None else None

    def merge(self) -> Iterator[Match | Duplicate]:
        """Every key once, in key order, with its first record on each side; a further
        record with the same key on a side comes as a Duplicate before its key's Match.
        Keys found on one side only are also kept aside for :meth:`unmatched`."""
        self.index()
        self._db.execute("BEGIN")
        try:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM rec "
                "ORDER BY brin, number, record_type, pgn, side, source DESC, line, id")
            lone: list[tuple[object, ...]] = []
            for _, group in groupby(rows, key=lambda row: (row[1], row[2], row[3], row[4])):
                first: list[Stored | None] = [None, None]
                for row in group:
                    stored = _stored(row)
                    seen = first[stored.side]
                    if seen is None:
                        first[stored.side] = stored
                    else:
                        yield Duplicate(stored, seen)
                ours, theirs = first
                alone = ours if theirs is None else theirs if ours is None else None
                if alone is not None:
                    lone.append(_row(alone))
                    if len(lone) >= _BATCH:
                        self._keep_lone(lone)
                yield Match(ours, theirs)
            self._keep_lone(lone)
        finally:
            self._db.execute("COMMIT")

    def _keep_lone(self, rows: list[tuple[object, ...]]) -> None:
        if rows:
            self._db.executemany(
                f"INSERT INTO lone ({_COLUMNS}) VALUES ({_MARKS})", rows)
            rows.clear()

    def unmatched(self) -> Iterator[tuple[Stored, Stored | None]]:
        """After :meth:`merge`: each record whose key is on one side only, with its partner
        when the personal number changed between the sides.

        A partner is the one record of the other side with the same BRIN,
        inschrijvingvolgnummer and record type and the other kind of personal number
        (onderwijsnummer on one side, BSN on the other), when that group holds exactly those
        two unmatched records: a sequence number such as ``1`` is shared by many students, so
        anything less certain is left as one record missing on each side. A pair is given
        once, with its OURS record first. Call it once, after :meth:`merge` has run out.
        """
        self._db.execute("CREATE INDEX lone_key ON lone (brin, number, record_type, side)")
        self._db.execute(
            "CREATE TEMP TABLE pairs AS SELECT brin, number, record_type FROM lone "
            "GROUP BY brin, number, record_type "
            "HAVING count(*) = 2 AND sum(side) = 1 AND sum(bsn) = 1")
        self._db.execute("CREATE INDEX pairs_key ON pairs (brin, number, record_type)")
        rows = self._db.execute(
            f"SELECT {', '.join('l.' + c.strip() for c in _COLUMNS.split(','))}, "
            "p.brin IS NOT NULL FROM lone l LEFT JOIN pairs p "
            "ON p.brin = l.brin AND p.number = l.number AND p.record_type = l.record_type "
            "ORDER BY l.brin, l.number, l.record_type, l.side, l.id")
        yield from paired_up((_stored(row[:-1]), bool(row[-1])) for row in rows)

    # ---- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        self._pending.clear()
        self._scratch.close()

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


def paired_up(records: Iterable[tuple[Stored, bool]]) -> Iterator[tuple[Stored, Stored | None]]:
    """Lone records in order, each with whether it has a pair: a record without one on its
    own, a pair (next to each other, OURS first) together."""
    waiting: Stored | None = None
    for stored, paired in records:
        if not paired:
            yield stored, None
        elif waiting is None:
            waiting = stored
        else:
            yield waiting, stored
            waiting = None


def _stored(row: Any) -> Stored:
    side, brin, number, record_type, pgn, bsn, masked, line, source, data = row
    return Stored(side, brin, number, record_type, pgn, bool(bsn), masked, line, source, data)


def _row(stored: Stored) -> tuple[object, ...]:
    return (stored.side, stored.brin, stored.number, stored.record_type, stored.pgn,
            int(stored.bsn), stored.masked, stored.line, stored.source, stored.data)
