"""R008/R009: personal details only without a BSN, and then birth date and sex are needed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from rodcli.bulkformat.models import Record, _Enrolment
from rodcli.bulkformat.types import DateNotation
from rodcli.findings import Finding, make_finding
from rodcli.records import CheckedRecord

if TYPE_CHECKING:
    import polars as pl

PERSONAL_FIELDS = ("geboortedatum", "geslacht", "postcode")
REQUIRED_WITHOUT_BSN = ("geboortedatum", "geslacht")


class PersonalDetails:
    codes: ClassVar[tuple[str, ...]] = ("R008", "R009")

    def passes(self, model: type[Record], notation: DateNotation,
               columns: frozenset[str]) -> pl.Expr | None:
        import polars as pl

        if not issubclass(model, _Enrolment):
            return None
        has_bsn = pl.col("burgerservicenummer").is_not_null()
        none_given = pl.lit(True)
        for name in PERSONAL_FIELDS:
            if name in columns:
                none_given = none_given & pl.col(name).is_null()
        all_required = pl.lit(True)
        for name in REQUIRED_WITHOUT_BSN:
            all_required = all_required & (pl.col(name).is_not_null() if name in columns
                                           else pl.lit(False))
        return pl.when(has_bsn).then(none_given).otherwise(all_required)

    def check(self, record: CheckedRecord) -> Iterator[Finding]:
        model = record.model
        if not isinstance(model, _Enrolment):
            return
        if model.burgerservicenummer:
            for name in PERSONAL_FIELDS:
                if getattr(model, name) is not None:
                    yield make_finding("R008", record.at(name), field=name)
        else:
            for name in REQUIRED_WITHOUT_BSN:
                if getattr(model, name) is None:
                    yield make_finding("R009", record.at(name), field=name)
