"""R002/R012: a deregistration (error) or result (warning) dated before its enrolment."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rodcli.findings import Finding, make_finding
from rodcli.rules.index import RecordIndex


class DatesInOrder:
    codes: ClassVar[tuple[str, ...]] = ("R002", "R012")

    def finish(self, index: RecordIndex, context: RecordIndex) -> Iterator[Finding]:
        for key, entry in index.items():
            if not (entry.deregistrations or entry.results):
                continue
            enrolment = index.enrolment(key) or context.enrolment(key)
            if enrolment is None:
                continue
            for deregistration in entry.deregistrations:
                if deregistration.day < enrolment.start:
                    yield make_finding(
                        "R002", index.location(entry, deregistration.line, "datumUitschrijving"),
                        date=deregistration.day, begin=enrolment.start,
                        other_line=enrolment.line or "?",
                    )
            for result in entry.results:
                if result.day < enrolment.start:
                    yield make_finding(
                        "R012", index.location(entry, result.line),
                        date=result.day, begin=enrolment.start, other_line=enrolment.line or "?",
                    )
