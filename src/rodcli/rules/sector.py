"""R011: mbo enrolment periods from 2019-08-01 name their onderwijslocatie (DUO, uitwisselen
met ROD; the PvE's ISP carries it).

R001 (module enrolments are ho only) is decided where records are typed, in ``records.py``,
because an mbo file has no model for a module enrolment.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rodcli.bulkformat.models import MboInschrijvingsperiode, Record
from rodcli.bulkformat.types import DateNotation
from rodcli.findings import Finding, make_finding
from rodcli.records import CheckedRecord

if TYPE_CHECKING:
    import polars as pl

ONDERWIJSLOCATIE_REQUIRED_FROM = date(2019, 8, 1)


class MboOnderwijslocatie:
    codes: ClassVar[tuple[str, ...]] = ("R011",)

    def passes(self, model: type[Record], notation: DateNotation,
               columns: frozenset[str]) -> pl.Expr | None:
        import polars as pl

        from rodcli.engine.fields import parsed_date

        if model is not MboInschrijvingsperiode:
            return None
        located = (pl.col("onderwijslocatie").is_not_null() if "onderwijslocatie" in columns
                   else pl.lit(False))
        early = (parsed_date(pl.col("datumBeginPeriode"), notation)
                 < ONDERWIJSLOCATIE_REQUIRED_FROM)
        return located | early

    def check(self, record: CheckedRecord) -> Iterator[Finding]:
        model = record.model
        if (
            isinstance(model, MboInschrijvingsperiode)
            and model.onderwijslocatie is None
            and model.datumBeginPeriode >= ONDERWIJSLOCATIE_REQUIRED_FROM
        ):
            yield make_finding("R011", record.at("onderwijslocatie"))
