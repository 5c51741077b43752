"""Results only for a full diploma, never for a loose module; "afsluitend examen" only with one.

R010 per record; R003 and R004 across records (the result may be anywhere in the file, or in
a ``--with`` file).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rodcli.bulkformat.models import HoResultaat
from rodcli.findings import Finding, make_finding
from rodcli.records import CheckedRecord
from rodcli.rules.index import FULL_DIPLOMA_PHASES, KeyGroup


class FullDiplomaResult:
    codes: ClassVar[tuple[str, ...]] = ("R010",)

    def check(self, record: CheckedRecord) -> Iterator[Finding]:
        model = record.model
        if isinstance(model, HoResultaat) and model.opleidingsfase not in FULL_DIPLOMA_PHASES:
            yield make_finding("R010", record.at("opleidingsfase"), value=model.opleidingsfase,
                               expected=", ".join(sorted(FULL_DIPLOMA_PHASES)))


class DiplomaConsistency:
    codes: ClassVar[tuple[str, ...]] = ("R003", "R004")

    def check_key(self, group: KeyGroup) -> Iterator[Finding]:
        for deregistration in group.deregistrations:
            if deregistration.needs_full_diploma and not (
                group.has_full_result() or "resultaat" in group.failed
            ):
                yield make_finding(
                    "R003", group.location(deregistration.field_line or deregistration.line,
                                           deregistration.field or "redenUitschrijving",
                                           deregistration.column),
                    value=deregistration.reason or "",
                )
        enrolment = group.enrolment()
        if enrolment is not None and enrolment.is_module:
            for result in group.results:
                yield make_finding("R004", group.location(result.line),
                                   other_line=enrolment.line or "?")
