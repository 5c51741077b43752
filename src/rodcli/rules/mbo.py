"""mbo rules of DUO's PvE MBO-instelling, on the RO's entities.

Per record: a loose AMvB part has certificaat J (R018); an enrolment or BPV does not end
before it begins (R020). Across records, per enrolment key (``KeyGroup``): a period, BPV or
diploma belongs to an enrolment of the same student (R015) and lies within its dates (R016);
the periods of one enrolment do not share a begin date (R017); and per student: a persoon
record exists, here or in a --with file (R019).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rodcli.bulkformat.models import (
    ENROLMENT_TYPES,
    MboAmvbOnderdeel,
    MboBpv,
    MboInschrijving,
    Record,
)
from rodcli.bulkformat.types import DateNotation
from rodcli.findings import Finding, make_finding
from rodcli.records import CheckedRecord
from rodcli.rules.index import Enrolment, KeyGroup, Line, Placed

if TYPE_CHECKING:
    import polars as pl


class LooseAmvbCertificate:
    codes: ClassVar[tuple[str, ...]] = ("R018",)

    def passes(self, model: type[Record], notation: DateNotation,
               columns: frozenset[str]) -> pl.Expr | None:
        import polars as pl

        if model is not MboAmvbOnderdeel:
            return None
        on_diploma = (pl.col("resultaatvolgnummerDiploma").is_not_null()
                      if "resultaatvolgnummerDiploma" in columns else pl.lit(False))
        certificate = (pl.col("certificaat") == "J" if "certificaat" in columns
                       else pl.lit(False))
        return on_diploma | certificate

    def check(self, record: CheckedRecord) -> Iterator[Finding]:
        model = record.model
        if (isinstance(model, MboAmvbOnderdeel) and model.loose
                and model.certificaat != "J"):
            yield make_finding("R018", record.at("certificaat"), value=model.certificaat or "")


# (begin field, end fields) of the records whose end may not come before their begin.
_SPANS: dict[type[Record], tuple[str, tuple[str, ...]]] = {
    MboInschrijving: ("datumInschrijving",
                      ("datumUitschrijvingGepland", "datumUitschrijvingWerkelijk")),
    MboBpv: ("datumBeginBpv", ("datumEindeBpvGepland", "datumEindeBpvWerkelijk")),
}


class EndBeforeBegin:
    codes: ClassVar[tuple[str, ...]] = ("R020",)

    def passes(self, model: type[Record], notation: DateNotation,
               columns: frozenset[str]) -> pl.Expr | None:
        import polars as pl

        from rodcli.engine.fields import parsed_date

        span = _SPANS.get(model)
        if span is None:
            return None
        begin_field, end_fields = span
        if begin_field not in columns:
            return None  # a required field: typing sends the record to the precise path
        begin = parsed_date(pl.col(begin_field), notation)
        passes = pl.lit(True)
        for name in end_fields:
            if name in columns:
                passes = passes & (parsed_date(pl.col(name), notation) >= begin).fill_null(True)
        return passes

    def check(self, record: CheckedRecord) -> Iterator[Finding]:
        span = _SPANS.get(type(record.model))
        if span is None:
            return
        begin_field, end_fields = span
        begin = getattr(record.model, begin_field)
        for name in end_fields:
            end = getattr(record.model, name)
            if end is not None and end < begin:
                yield make_finding("R020", record.at(name), name=name, date=end,
                                   begin_name=begin_field, begin=begin)


class EnrolmentLinks:
    """R015/R016: periods, BPVs and diplomas that name an enrolment."""

    codes: ClassVar[tuple[str, ...]] = ("R015", "R016")

    @staticmethod
    def suspects() -> pl.Expr:
        """Keys (see rodcli.engine.keys.KEY_FACTS) where R015 or R016 might fire."""
        import polars as pl

        linked = pl.col("linked") > 0
        missing = (pl.col("enrolments") == 0) & (pl.col("context_enrolments") == 0)
        outside = ((pl.col("earliest_linked") < pl.col("latest_start"))
                   | (pl.col("latest_linked") > pl.col("earliest_end"))).fill_null(False)
        return linked & (missing | outside)

    def check_key(self, group: KeyGroup) -> Iterator[Finding]:
        linked = [*(("inschrijvingsperiode", p) for p in group.periods),
                  *(("bpv", b) for b in group.bpvs),
                  *(("diploma", d) for d in group.diplomas)]
        if not linked:
            return
        enrolment = group.enrolment()
        if enrolment is None:
            if not group.failed.isdisjoint(ENROLMENT_TYPES):
                return  # there, but failing its own checks (reported there)
            number = group.shown.rsplit("/", 1)[-1]
            for record_type, placed in sorted(linked, key=lambda item: item[1].line or 0):
                yield make_finding("R015", group.location(placed.line, "inschrijvingvolgnummer"),
                                   record_type=record_type, number=number)
            return
        if enrolment.end is not None and enrolment.end < enrolment.start:
            return  # the enrolment's own dates are wrong (R020 on the enrolment)
        for record_type, placed in sorted(linked, key=lambda item: item[1].line or 0):
            if _outside(placed, enrolment):
                yield make_finding(
                    "R016", group.location(placed.line, _FIELDS[record_type]),
                    record_type=record_type,
                    dates=(f"{placed.day} - {placed.end}" if placed.end else str(placed.day)),
                    begin=enrolment.start, end=enrolment.end or "...",
                    **_at(enrolment.line, placed.line))


_FIELDS = {"inschrijvingsperiode": "datumBeginPeriode", "bpv": "datumBeginBpv",
           "diploma": "datumDiploma"}


def _outside(placed: Placed, enrolment: Enrolment) -> bool:
    if placed.day < enrolment.start:
        return True
    end: date | None = enrolment.end
    if end is None:
        return False
    return placed.day > end or (placed.end is not None and placed.end > end)


def _at(enrolment: Line, line: Line) -> dict[str, str]:
    if enrolment is not None and enrolment == line:
        return {"at": ""}
    return {"at": f" (regel {enrolment or '?'})", "at_en": f" (line {enrolment or '?'})"}


class PeriodBegins:
    """R017: the periods of one enrolment each begin on their own date."""

    codes: ClassVar[tuple[str, ...]] = ("R017",)

    @staticmethod
    def suspects() -> pl.Expr:
        import polars as pl

        return pl.col("periods") > pl.col("period_begins")

    def check_key(self, group: KeyGroup) -> Iterator[Finding]:
        first: dict[date, Line] = {}
        for period in group.periods:
            if period.day in first:
                yield make_finding("R017", group.location(period.line, "datumBeginPeriode"),
                                   date=period.day, other_line=first[period.day] or "?")
            else:
                first[period.day] = period.line


class PersonRecord:
    """R019: every student of an mbo file has a persoon record, here or in a --with file."""

    codes: ClassVar[tuple[str, ...]] = ("R019",)

    @staticmethod
    def suspects() -> pl.Expr:
        import polars as pl

        return (pl.col("needs_person") > 0) & ~pl.col("student_person")

    def check_key(self, group: KeyGroup) -> Iterator[Finding]:
        if group.person_needed and not group.student_person:
            yield make_finding("R019", group.location(group.person_line))


_PERSON_FIELDS = ("geboortedatum", "geslacht", "postcode")


class PersonDetails:
    """R021: a student's persoon records in one file say the same. An export states the
    student on every row (one per enrolment), so repeats are expected; a repeat with another
    birth date, sex or postcode leaves DUO two truths. A --with file may hold older details:
    a correction is no conflict."""

    codes: ClassVar[tuple[str, ...]] = ("R021",)

    @staticmethod
    def suspects() -> pl.Expr:
        import polars as pl

        return pl.col("person_details")

    def check_key(self, group: KeyGroup) -> Iterator[Finding]:
        if len(group.persons) < 2:
            return
        first_line, first = group.persons[0]
        for line, details in group.persons[1:]:
            if details == first or details is None or first is None:
                continue
            differing = [name for name, this, that in zip(
                _PERSON_FIELDS, details.split("|"), first.split("|"), strict=True)
                if this != that]
            yield make_finding("R021", group.location(line, differing[0]),
                               fields=", ".join(differing), other_line=first_line or "?")
