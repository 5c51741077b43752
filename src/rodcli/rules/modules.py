"""One enrolment per module (DUO: "Voor elke (nieuwe) module levert u een aparte inschrijving
aan ROD"): R014 for the same student enrolled for the same module twice in periods that
overlap, R030 for a module enrolment that names another module than when it was delivered
before (a new module needs a new enrolment, with its own inschrijvingvolgnummer).

A module is its programme's opleidingcode with the institution's onderwijseenheidcode; an
enrolment without an onderwijseenheidcode cannot be told from the programme's other modules,
so R014 does not look at it (R030 still compares its opleidingcode).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from rodcli.findings import Finding, make_finding
from rodcli.rules.index import KeyGroup

if TYPE_CHECKING:
    import polars as pl


class OneEnrolmentPerModule:
    codes: ClassVar[tuple[str, ...]] = ("R014", "R030")

    @staticmethod
    def suspects() -> pl.Expr:
        """Keys (see rodcli.engine.keys.KEY_FACTS) where R014 or R030 might fire."""
        import polars as pl

        return pl.col("module_overlap") | pl.col("module_changed")

    def check_key(self, group: KeyGroup) -> Iterator[Finding]:
        modules = [enrolment for enrolment in group.enrolments
                   if enrolment.is_module and enrolment.module is not None]
        if not modules:
            return
        enrolment = modules[0]
        assert enrolment.module is not None
        code, unit = enrolment.module.split("/", 1)
        overlap = group.module_overlap
        if overlap is not None:
            where = (f"regel {overlap.line}", f"line {overlap.line}") if overlap.own else (
                f"regel {overlap.line} van een --with-bestand",
                f"line {overlap.line} of a --with file")
            yield make_finding("R014", group.location(enrolment.line, "onderwijseenheidcode"),
                               value=unit, opleidingcode=code, other=overlap.number,
                               at=where[0], at_en=where[1])
        delivered = next((earlier for earlier in group.context_enrolments
                          if earlier.is_module and earlier.module is not None
                          and earlier.module != enrolment.module), None)
        if delivered is not None:
            assert delivered.module is not None
            old_code, old_unit = delivered.module.split("/", 1)
            field = "onderwijseenheidcode" if old_code == code else "opleidingcode"
            old = old_unit if field == "onderwijseenheidcode" else old_code
            yield make_finding("R030", group.location(enrolment.line, field),
                               value=(unit if field == "onderwijseenheidcode" else code) or "",
                               delivered=old or "(leeg)", delivered_en=old or "(empty)",
                               field_name=field)
