"""R002/R012: a deregistration (error) or result (warning) dated before its enrolment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rodcli.findings import Finding, make_finding
from rodcli.rules.index import KeyGroup, Line


class DatesInOrder:
    codes: ClassVar[tuple[str, ...]] = ("R002", "R012")

    def check_key(self, group: KeyGroup) -> Iterator[Finding]:
        enrolment = group.enrolment()
        if enrolment is None:
            return
        for deregistration in group.deregistrations:
            if deregistration.day < enrolment.start:
                yield make_finding(
                    "R002", group.location(deregistration.line, "datumUitschrijving"),
                    date=deregistration.day, begin=enrolment.start,
                    other_line=enrolment.line or "?", **_at(enrolment.line, deregistration.line),
                )
        for result in group.results:
            if result.day < enrolment.start:
                yield make_finding("R012", group.location(result.line), date=result.day,
                                   begin=enrolment.start, other_line=enrolment.line or "?",
                                   **_at(enrolment.line, result.line))


def _at(enrolment: Line, line: Line) -> dict[str, str]:
    """Where the enrolment is, for the message: nothing when it is the same row (an export
    row that yields the enrolment and its deregistration), not "line 10" on line 10."""
    if enrolment is not None and enrolment == line:
        return {"at": ""}
    return {"at": f" (regel {enrolment or '?'})", "at_en": f" (line {enrolment or '?'})"}
