"""R013: a module's study load above 240 ECTS or not a multiple of 0.5 is most likely a typo.

The field itself takes any number above 0 with one decimal (7.5-point modules are common);
this is a warning, since no DUO text forbids other values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from rodcli.bulkformat.models import HoModuleInschrijving, Record
from rodcli.bulkformat.types import ECTS_MAX, ECTS_STEP, DateNotation
from rodcli.findings import Finding, make_finding
from rodcli.records import CheckedRecord

if TYPE_CHECKING:
    import polars as pl


class UnusualStudyLoad:
    codes: ClassVar[tuple[str, ...]] = ("R013",)

    def passes(self, model: type[Record], notation: DateNotation,
               columns: frozenset[str]) -> pl.Expr | None:
        """Column-wise: a whole or half number of at most 240 (see rodcli.engine.fields)."""
        import polars as pl

        if model is not HoModuleInschrijving or "studielast" not in columns:
            return None
        load = pl.col("studielast")
        return (load.str.contains(r"^[0-9]+(\.[05]0*)?$")
                & (load.cast(pl.Float64, strict=False) <= float(ECTS_MAX)))

    def check(self, record: CheckedRecord) -> Iterator[Finding]:
        model = record.model
        if not isinstance(model, HoModuleInschrijving):
            return
        load = model.studielast
        if load > ECTS_MAX or load % ECTS_STEP:
            yield make_finding("R013", record.at("studielast"), value=format(load, "f"))
