"""F005/F006: coded fields hold a code from their value list, valid on the record's date."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, ClassVar

from rodcli.bulkformat.models import Record, field_meta
from rodcli.bulkformat.types import DateNotation
from rodcli.bulkformat.valuelists import ValueList, value_lists
from rodcli.findings import Finding, make_finding
from rodcli.records import CheckedRecord, RawRecord, display_name

if TYPE_CHECKING:
    import polars as pl


@cache
def coded_fields(model: type[Record]) -> tuple[tuple[str, str, ValueList], ...]:
    """(field, label, value list) for every coded field of a model."""
    lists = value_lists()
    fields = []
    for name in model.model_fields:
        meta = field_meta(model, name)
        if meta.value_list:
            fields.append((name, display_name(name, meta), lists[meta.value_list]))
    return tuple(fields)


class ValueListCodes:
    codes: ClassVar[tuple[str, ...]] = ("F005", "F006")

    def check(self, record: CheckedRecord) -> Iterable[Finding]:
        return self._check(record)

    def passes(self, model: type[Record], notation: DateNotation,
               columns: frozenset[str]) -> pl.Expr | None:
        """Column-wise: every coded field empty or holding a code valid on the record's
        date (see rodcli.engine.fields)."""
        import polars as pl

        from rodcli.engine.fields import parsed_date

        coded = [entry for entry in coded_fields(model) if entry[0] in columns]
        if not coded:
            return None
        reference = model.reference_field
        # No date (a person, a result on a diploma): every code counts as valid, as on the
        # precise path; null makes a dated code take that path, which agrees.
        known = reference is not None and reference in columns
        day = (parsed_date(pl.col(reference), notation) if known and reference is not None
               else pl.lit(None, pl.Date))
        passes = pl.lit(True)
        for name, _label, value_list in coded:
            column = pl.col(name)
            always = [code for code, entry in value_list.codes.items()
                      if entry.begin is None and entry.end is None]
            valid = column.is_in(always)
            for code, entry in value_list.codes.items():
                if entry.begin is None and entry.end is None:
                    continue
                dated = column == code
                if entry.begin is not None:
                    dated = dated & (day >= entry.begin)
                if entry.end is not None:
                    dated = dated & (day <= entry.end)
                valid = valid | dated
            passes = passes & (column.is_null() | valid.fill_null(False))
        return passes

    def check_raw(self, raw: RawRecord, model: type[Record], done: set[str]) -> Iterator[Finding]:
        """Unknown codes in a record that failed typing, so a user sees every problem of a
        row in one run; validity on a date needs the typed record and waits for it."""
        for name, label, value_list in coded_fields(model):
            value = raw.values.get(name)
            if value is not None and name not in done and value not in value_list.codes:
                yield make_finding("F005", raw.position_of(name), field=name, name=label,
                                   value=value, valuelist=value_list.name,
                                   expected=value_list.codes_text())

    def _check(self, record: CheckedRecord) -> Iterator[Finding]:
        model = record.model
        day = model.reference_date
        for name, label, value_list in coded_fields(type(model)):
            value = getattr(model, name)
            if value is None:
                continue
            entry = value_list.codes.get(value)
            if entry is None:
                yield make_finding("F005", record.at(name), field=name, name=label, value=value,
                                   valuelist=value_list.name, expected=value_list.codes_text())
            elif day is not None and not entry.valid_on(day):
                yield make_finding(
                    "F006", record.at(name), field=name, name=label, value=value,
                    begin=entry.begin or "-", end=entry.end or "-", date=day,
                )
