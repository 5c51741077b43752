"""The cross-record state, kept on disk so memory stays flat however large the file.

Each record leaves one small row in a temporary SQLite database: a hash of its key, its kind,
line, date and a flag. At the end of a file one ordered scan hands the rules each key's group
(with the records of ``--with`` files beside it). No full personal number is written to disk:
rows carry a keyed hash of the key (see ``rodcli.scratch``) and the masked key for reports.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from types import TracebackType

from rodcli.bulkformat.models import (
    HoModuleInschrijving,
    HoResultaat,
    HoUitschrijving,
    MboResultaat,
    MboUitschrijving,
    _Enrolment,
)
from rodcli.bulkformat.valuelists import value_lists
from rodcli.findings import Location
from rodcli.records import CheckedRecord, RawRecord, masked_key
from rodcli.scratch import Scratch

Line = int | None
ReasonPosition = tuple[Line, int | None, str | None]  # line, column, shown field name

# Opleidingsfasen whose exam is a full diploma: associate degree, bachelor, master.
FULL_DIPLOMA_PHASES = frozenset({"A", "B", "M", "Q"})

_ENROLMENT, _MODULE, _DEREGISTRATION, _RESULT, _FAILED = range(5)
_FAILED_TYPES = ("inschrijving", "moduleInschrijving", "uitschrijving", "resultaat")
_BATCH = 20_000


@dataclass(slots=True)
class Enrolment:
    line: Line
    start: date
    is_module: bool


@dataclass(slots=True)
class Deregistration:
    line: Line
    day: date
    reason: str | None
    needs_full_diploma: bool
    # Where the reason stands (line, column, and for build the export column it came from),
    # kept only for a reason that needs a full diploma: R003 points there.
    field_line: Line = None
    column: int | None = None
    field: str | None = None


@dataclass(slots=True)
class Outcome:
    line: Line
    day: date
    full_diploma: bool


@dataclass(slots=True)
class KeyGroup:
    """Everything one key has in the file under review, and in the ``--with`` files."""

    file: str
    shown: str  # masked key, for locations
    enrolments: list[Enrolment] = field(default_factory=list)
    deregistrations: list[Deregistration] = field(default_factory=list)
    results: list[Outcome] = field(default_factory=list)
    # Record types under this key that failed their own checks: they exist, so rules must
    # not claim they are missing, but their dates and codes are unknown.
    failed: set[str] = field(default_factory=set)
    context_enrolments: list[Enrolment] = field(default_factory=list)
    context_full_result: bool = False

    def enrolment(self) -> Enrolment | None:
        """The enrolment this key's other records belong to, here or in a --with file."""
        if self.enrolments:
            return self.enrolments[0]
        return self.context_enrolments[0] if self.context_enrolments else None

    def has_full_result(self) -> bool:
        return self.context_full_result or any(r.full_diploma for r in self.results)

    def location(self, line: Line, field_name: str | None = None,
                 column: int | None = None) -> Location:
        return Location(self.file, line, column, field_name, self.shown)


# A key range for ``groups``: keys from ``low`` up to (not including) ``high``; None is open.
KeyRange = tuple[bytes | None, bytes | None]


class RecordStore:
    """Per-run store of compact rows; ``add`` while reading, ``groups`` at each file's end.

    A parallel run gives each worker its own store in the run's folder (``Scratch.part``);
    the stores that scan then ``attach`` them all and each take a range of keys.
    """

    def __init__(self, scratch: Scratch | None = None) -> None:
        self._scratch = scratch if scratch is not None else Scratch("rodcli-")
        self._db = self._scratch.db
        self._db.execute(
            "CREATE TABLE record (file INTEGER, key BLOB, kind INTEGER, line INTEGER, "
            "day INTEGER, flag INTEGER, reason TEXT, shown TEXT, fline INTEGER, col INTEGER, "
            "field TEXT)")
        self._pending: list[tuple[int, bytes, int, Line, int, int, str | None, str,
                                  Line, int | None, str | None]] = []
        self._source = "record"
        self._last_key, self._last_digest, self._last_shown = "", b"", ""

    @property
    def scratch(self) -> Scratch:
        return self._scratch

    def attach(self, parts: list[Path]) -> None:
        """Read the rows of other stores' databases (closed by now) with this one's."""
        selects = ["SELECT * FROM main.record"]
        for number, part in enumerate(parts):
            self._db.execute(f"ATTACH DATABASE ? AS part{number}", (str(part),))
            selects.append(f"SELECT * FROM part{number}.record")
        self._source = f"({' UNION ALL '.join(selects)})"

    def __enter__(self) -> RecordStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._scratch.close()

    def add(self, checked: CheckedRecord, file_id: int) -> None:
        model = checked.model
        line = checked.raw.line
        if isinstance(model, _Enrolment):
            kind = _MODULE if isinstance(model, HoModuleInschrijving) else _ENROLMENT
            self._put(file_id, checked.raw, kind, line, model.datumInschrijving, 0, None)
        elif isinstance(model, HoUitschrijving | MboUitschrijving):
            reason = model.redenUitschrijving
            needs = _needs_diploma(model)
            at = _reason_position(checked.raw) if needs else (None, None, None)
            self._put(file_id, checked.raw, _DEREGISTRATION, line, model.datumUitschrijving,
                      int(needs), reason, at)
        elif isinstance(model, HoResultaat):
            self._put(file_id, checked.raw, _RESULT, line, model.datumAfsluitendExamen,
                      int(model.opleidingsfase in FULL_DIPLOMA_PHASES), None)
        elif isinstance(model, MboResultaat):
            self._put(file_id, checked.raw, _RESULT, line, model.datumDiploma, 1, None)

    def add_failed(self, raw: RawRecord, file_id: int) -> None:
        """A record that failed its own checks still tells that its key has one."""
        if raw.record_type in _FAILED_TYPES and _key_text(raw.values) is not None:
            self._put(file_id, raw, _FAILED, raw.line, None,
                      _FAILED_TYPES.index(raw.record_type), None)

    def _put(self, file_id: int, raw: RawRecord, kind: int, line: Line, day: date | None,
             flag: int, reason: str | None, at: ReasonPosition = (None, None, None)) -> None:
        key = _key_text(raw.values)
        if key is None:
            return
        # A student's records usually follow each other: their key is hashed and masked once.
        if key != self._last_key:
            self._last_key = key
            self._last_digest = self._scratch.digest(key)
            self._last_shown = masked_key(raw.values)
        self._pending.append((file_id, self._last_digest, kind, line,
                              day.toordinal() if day else 0, flag, reason, self._last_shown,
                              *at))
        if len(self._pending) >= _BATCH:
            self._flush()

    def flush(self) -> None:
        """Write the rows still pending (a worker's store before another process reads it)."""
        self._flush()

    def _flush(self) -> None:
        if self._pending:
            # One transaction per batch: the connection is in autocommit mode.
            self._db.execute("BEGIN")
            self._db.executemany("INSERT INTO record VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                 self._pending)
            self._db.execute("COMMIT")
            self._pending.clear()

    def groups(self, file_id: int, file: str, context_id: int | None = None,
               excluded_lines: frozenset[int] | set[int] = frozenset(),
               keys: KeyRange = (None, None)) -> Iterator[KeyGroup]:
        """Each key of ``file_id`` with its records (minus ``excluded_lines``), in key order,
        with the records the ``context_id`` files hold under the same key."""
        self._flush()
        low, high = keys
        rows = self._db.execute(
            "SELECT key, file, kind, line, day, flag, reason, shown, fline, col, field "
            f"FROM {self._source} WHERE (file = :own OR file = :context) "
            "AND (:low IS NULL OR key >= :low) AND (:high IS NULL OR key < :high) "
            "ORDER BY key, file, line",
            {"own": file_id, "context": -1 if context_id is None else context_id,
             "low": low, "high": high},
        )
        group: KeyGroup | None = None
        current: bytes | None = None
        has_own = False
        for key, owner, kind, line, day, flag, reason, shown, *at in rows:
            if key != current:
                if group is not None and has_own:
                    yield group
                group, current, has_own = KeyGroup(file, shown), key, False
            assert group is not None
            if owner == file_id:
                if line in excluded_lines:
                    continue
                has_own = True
                _place(group, kind, line, day, flag, reason, tuple(at))
            elif kind in (_ENROLMENT, _MODULE):
                group.context_enrolments.append(
                    Enrolment(line, date.fromordinal(day), kind == _MODULE))
            elif kind == _RESULT and flag:
                group.context_full_result = True
        if group is not None and has_own:
            yield group


def _place(group: KeyGroup, kind: int, line: Line, day: int, flag: int,
           reason: str | None, at: ReasonPosition) -> None:
    if kind in (_ENROLMENT, _MODULE):
        group.enrolments.append(Enrolment(line, date.fromordinal(day), kind == _MODULE))
    elif kind == _DEREGISTRATION:
        group.deregistrations.append(Deregistration(
            line, date.fromordinal(day), reason, bool(flag), *at))
    elif kind == _RESULT:
        group.results.append(Outcome(line, date.fromordinal(day), bool(flag)))
    else:
        group.failed.add(_FAILED_TYPES[flag])


def _key_text(values: dict[str, str]) -> str | None:
    pgn = values.get("burgerservicenummer") or values.get("onderwijsnummer")
    brin, number = values.get("brin"), values.get("inschrijvingvolgnummer")
    if not (pgn and brin and number):
        return None
    return f"{brin}\x1f{pgn}\x1f{number}"


def _reason_position(raw: RawRecord) -> ReasonPosition:
    """Line and column of the reason and, for build, the export column it came from ("Reden
    → redenUitschrijving"): R003 points there. Read straight from the raw record, without the
    masked key a full location would work out for every such deregistration."""
    line, column = (raw.locate("redenUitschrijving") if raw.locate is not None else None) or (
        None, None)
    shown = raw.sources.get("redenUitschrijving") if raw.sources else None
    return line, column, shown


def _needs_diploma(model: HoUitschrijving | MboUitschrijving) -> bool:
    reason = model.redenUitschrijving
    if reason is None or not isinstance(model, HoUitschrijving):
        return False
    return reason in _full_diploma_reasons()


@cache
def _full_diploma_reasons() -> frozenset[str]:
    """The ho reasons that need a full diploma: code beëindiging 1 (afsluitend examen)."""
    return value_lists()["RedenUitschrijvingHO"].codes_needing_full_diploma()
