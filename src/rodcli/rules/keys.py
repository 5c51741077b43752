"""R005: one record of each kind per key; R006/R007: deregistrations and results whose
enrolment is neither in the file nor in a ``--with`` file."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar, Protocol

from rodcli.bulkformat.models import ENROLMENT_TYPES
from rodcli.findings import Finding, make_finding
from rodcli.rules.index import Entry, Line, RecordIndex


class _Placed(Protocol):
    line: Line


class DuplicateKeys:
    codes: ClassVar[tuple[str, ...]] = ("R005",)

    def finish(self, index: RecordIndex, context: RecordIndex) -> Iterator[Finding]:
        for entry in index.entries.values():
            yield from _duplicates(index, entry, "inschrijving", entry.enrolments)
            yield from _duplicates(index, entry, "uitschrijving", entry.deregistrations)
            yield from _duplicates(index, entry, "resultaat", entry.results)


def _duplicates(
    index: RecordIndex, entry: Entry, kind: str, placed: Sequence[_Placed]
) -> Iterator[Finding]:
    for later in placed[1:]:
        yield make_finding("R005", index.location(entry, later.line), record_type=kind,
                           other_line=placed[0].line or "?")


class UnknownEnrolment:
    codes: ClassVar[tuple[str, ...]] = ("R006", "R007")

    def finish(self, index: RecordIndex, context: RecordIndex) -> Iterator[Finding]:
        for key, entry in index.items():
            if entry.enrolments or context.enrolment(key) is not None:
                continue
            if index.has_failed(key, *ENROLMENT_TYPES):
                continue  # the enrolment is there but failed its own checks: reported there
            for deregistration in entry.deregistrations:
                yield make_finding("R006", index.location(entry, deregistration.line))
            for result in entry.results:
                yield make_finding("R007", index.location(entry, result.line))
