"""Results only for a full diploma, never for a loose module; "afsluitend examen" only with one.

R010 per record; R003 and R004 across records (the result may be anywhere in the file, or in
a ``--with`` file).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from rodcli.bulkformat.models import HoResultaat, Record
from rodcli.bulkformat.types import DateNotation
from rodcli.findings import Finding, make_finding
from rodcli.records import CheckedRecord
from rodcli.rules.index import FULL_DIPLOMA_PHASES, KeyGroup

if TYPE_CHECKING:
    import polars as pl


class FullDiplomaResult:
    codes: ClassVar[tuple[str, ...]] = ("R010",)

    def passes(self, model: type[Record], notation: DateNotation,
               columns: frozenset[str]) -> pl.Expr | None:
        import polars as pl

        if model is not HoResultaat:
            return None
        return pl.col("opleidingsfase").is_in(sorted(FULL_DIPLOMA_PHASES))

    def check(self, record: CheckedRecord) -> Iterator[Finding]:
        model = record.model
        if isinstance(model, HoResultaat) and model.opleidingsfase not in FULL_DIPLOMA_PHASES:
            yield make_finding("R010", record.at("opleidingsfase"), value=model.opleidingsfase,
                               expected=", ".join(sorted(FULL_DIPLOMA_PHASES)))


class DiplomaConsistency:
    codes: ClassVar[tuple[str, ...]] = ("R003", "R004")

    @staticmethod
    def suspects() -> pl.Expr:
        """Keys (see rodcli.engine.keys.KEY_FACTS) where R003 or R004 might fire."""
        import polars as pl

        diploma_missing = ((pl.col("diploma_deregistrations") > 0)
                           & (pl.col("full_results") == 0) & ~pl.col("context_full_result"))
        module_result = (((pl.col("modules") > 0) | (pl.col("context_modules") > 0))
                         & (pl.col("results") > 0))
        return diploma_missing | module_result

    def check_key(self, group: KeyGroup) -> Iterator[Finding]:
        # A module ends with "afsluitend examen" when the student obtained a full diploma,
        # on whichever enrolment (DUO: no result is delivered for a module); any other
        # enrolment needs the diploma itself.
        enrolment = group.enrolment()
        module = enrolment is not None and enrolment.is_module
        for deregistration in group.deregistrations:
            if deregistration.needs_full_diploma and not (
                group.has_full_result() or "resultaat" in group.failed
                or (module and (group.student_full_result or group.student_failed_result))
            ):
                yield make_finding(
                    "R003", group.location(deregistration.field_line or deregistration.line,
                                           deregistration.field or "redenUitschrijving",
                                           deregistration.column),
                    value=deregistration.reason or "",
                )
        if enrolment is not None and enrolment.is_module:
            for result in group.results:
                yield make_finding("R004", group.location(result.line),
                                   other_line=enrolment.line or "?")
