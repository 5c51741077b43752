"""The compact cross-record state: per enrolment key, only lines, dates and flags.

No record model is kept alive here, so memory grows with the number of keys, not with the
size of the records.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

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
from rodcli.records import CheckedRecord, RawRecord

Key = tuple[str, str, str]
Line = int | None

# Opleidingsfasen whose exam is a full diploma: associate degree, bachelor, master.
FULL_DIPLOMA_PHASES = frozenset({"A", "B", "M", "Q"})


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


@dataclass(slots=True)
class Outcome:
    line: Line
    day: date
    full_diploma: bool


@dataclass(slots=True)
class Entry:
    record: str  # masked key, for locations
    enrolments: list[Enrolment] = field(default_factory=list)
    deregistrations: list[Deregistration] = field(default_factory=list)
    results: list[Outcome] = field(default_factory=list)
    # Record types under this key that failed their own checks: they exist, so rules must
    # not claim they are missing, but their dates and codes are unknown.
    failed: set[str] = field(default_factory=set)


@dataclass(slots=True)
class RecordIndex:
    file: str
    entries: dict[Key, Entry] = field(default_factory=dict)

    def add(self, checked: CheckedRecord) -> None:
        model = checked.model
        entry = self.entries.get(model.key)
        if entry is None:
            entry = self.entries[model.key] = Entry(checked.location.record or "")
        line = checked.location.line
        if isinstance(model, _Enrolment):
            entry.enrolments.append(
                Enrolment(line, model.datumInschrijving, isinstance(model, HoModuleInschrijving))
            )
        elif isinstance(model, HoUitschrijving | MboUitschrijving):
            reason = model.redenUitschrijving
            entry.deregistrations.append(
                Deregistration(line, model.datumUitschrijving, reason, _needs_diploma(model))
            )
        elif isinstance(model, HoResultaat):
            entry.results.append(
                Outcome(line, model.datumAfsluitendExamen,
                        model.opleidingsfase in FULL_DIPLOMA_PHASES)
            )
        elif isinstance(model, MboResultaat):
            entry.results.append(Outcome(line, model.datumDiploma, True))

    def add_failed(self, raw: RawRecord) -> None:
        values = raw.values
        pgn = values.get("burgerservicenummer") or values.get("onderwijsnummer")
        brin, number = values.get("brin"), values.get("inschrijvingvolgnummer")
        if not (pgn and brin and number):
            return
        key = (brin, pgn, number)
        entry = self.entries.get(key)
        if entry is None:
            entry = self.entries[key] = Entry(raw.location.record or "")
        entry.failed.add(raw.record_type)

    def has_failed(self, key: Key, *record_types: str) -> bool:
        entry = self.entries.get(key)
        return entry is not None and not entry.failed.isdisjoint(record_types)

    def without(self, lines: set[int]) -> RecordIndex:
        """A copy without the records that start on ``lines`` (rows rejected by ``build``)."""
        if not lines:
            return self
        kept = RecordIndex(self.file)
        for key, entry in self.entries.items():
            kept.entries[key] = Entry(
                entry.record,
                [item for item in entry.enrolments if item.line not in lines],
                [item for item in entry.deregistrations if item.line not in lines],
                [item for item in entry.results if item.line not in lines],
                set(entry.failed),
            )
        return kept

    def location(self, entry: Entry, line: Line, field_name: str | None = None) -> Location:
        return Location(self.file, line, None, field_name, entry.record)

    def items(self) -> Iterator[tuple[Key, Entry]]:
        return iter(self.entries.items())

    def enrolment(self, key: Key) -> Enrolment | None:
        entry = self.entries.get(key)
        return entry.enrolments[0] if entry and entry.enrolments else None

    def has_full_result(self, key: Key) -> bool:
        entry = self.entries.get(key)
        return entry is not None and any(result.full_diploma for result in entry.results)


def _needs_diploma(model: HoUitschrijving | MboUitschrijving) -> bool:
    reason = model.redenUitschrijving
    if reason is None or not isinstance(model, HoUitschrijving):
        return False
    code = value_lists()["RedenUitschrijvingHO"].codes.get(reason)
    return bool(code and code.full_diploma)
