"""R005: one record of each kind per key; R006/R007: deregistrations and results whose
enrolment is neither in the file nor in a ``--with`` file."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import ClassVar, Protocol, TypeVar

from rodcli.bulkformat.models import ENROLMENT_TYPES
from rodcli.findings import Finding, make_finding
from rodcli.rules.index import KeyGroup, Line


class _Placed(Protocol):
    line: Line


class DuplicateKeys:
    codes: ClassVar[tuple[str, ...]] = ("R005",)

    def check_key(self, group: KeyGroup) -> Iterator[Finding]:
        # An enrolment and a module enrolment share one key space: each is named as it is.
        yield from _duplicates(group, lambda e: "moduleInschrijving" if e.is_module
                               else "inschrijving", group.enrolments)
        yield from _duplicates(group, lambda _: "uitschrijving", group.deregistrations)
        yield from _duplicates(group, lambda _: "resultaat", group.results)


_P = TypeVar("_P", bound=_Placed)


def _duplicates(group: KeyGroup, kind: Callable[[_P], str],
                placed: Sequence[_P]) -> Iterator[Finding]:
    for later in placed[1:]:
        yield make_finding("R005", group.location(later.line), record_type=kind(later),
                           other_line=placed[0].line or "?")


class UnknownEnrolment:
    codes: ClassVar[tuple[str, ...]] = ("R006", "R007")

    def check_key(self, group: KeyGroup) -> Iterator[Finding]:
        if group.enrolment() is not None or not group.failed.isdisjoint(ENROLMENT_TYPES):
            return  # known, or there but failing its own checks (reported there)
        for deregistration in group.deregistrations:
            yield make_finding("R006", group.location(deregistration.line))
        for result in group.results:
            yield make_finding("R007", group.location(result.line))
