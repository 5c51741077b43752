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
from rodcli.rules.index import FULL_DIPLOMA_PHASES, RecordIndex


class FullDiplomaResult:
    codes: ClassVar[tuple[str, ...]] = ("R010",)

    def check(self, record: CheckedRecord) -> Iterator[Finding]:
        model = record.model
        if isinstance(model, HoResultaat) and model.opleidingsfase not in FULL_DIPLOMA_PHASES:
            yield make_finding("R010", record.at("opleidingsfase"), value=model.opleidingsfase,
                               expected=", ".join(sorted(FULL_DIPLOMA_PHASES)))


class DiplomaConsistency:
    codes: ClassVar[tuple[str, ...]] = ("R003", "R004")

    def finish(self, index: RecordIndex, context: RecordIndex) -> Iterator[Finding]:
        for key, entry in index.items():
            for deregistration in entry.deregistrations:
                if deregistration.needs_full_diploma and not (
                    index.has_full_result(key) or context.has_full_result(key)
                    or index.has_failed(key, "resultaat")
                ):
                    yield make_finding(
                        "R003", index.location(entry, deregistration.line, "redenUitschrijving"),
                        value=deregistration.reason or "",
                    )
            if not entry.results:
                continue
            enrolment = index.enrolment(key) or context.enrolment(key)
            if enrolment is not None and enrolment.is_module:
                for result in entry.results:
                    yield make_finding("R004", index.location(entry, result.line),
                                       other_line=enrolment.line or "?")
