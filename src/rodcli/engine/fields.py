"""Which records of a batch need a closer look: field checks column by column.

The expressions are generated from the one format definition (``bulkformat``): each record
type's model says per field whether it is required, its pattern and its validators; each
rule in ``rodcli.rules`` says when it might fire (its ``passes``). Together they are a
filter, not a verdict. A record they pass has no finding and is never turned into a Python
object; a record they flag goes to the precise path (the model and the rules), which alone
says what is wrong, with today's messages, columns and masking. So the filter may flag too
much (that costs time) but never too little (that would hide a finding): the property test
in tests/test_engine_filter.py holds the two together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, get_args

from pydantic import AfterValidator, BeforeValidator, StringConstraints

from rodcli.bulkformat import Sector
from rodcli.bulkformat.models import RECORD_MODELS, Record
from rodcli.bulkformat.types import (
    ECTS_MAX,
    ISAT_RANGES,
    DateNotation,
    _check_bsn,
    _check_isat,
    _check_onderwijsnummer,
    _check_partial_date,
    _parse_date,
    _parse_ects,
)

if TYPE_CHECKING:
    import polars as pl

    from rodcli.rules import RecordRule

TYPE_COLUMN = "_type"
LINE_COLUMN = "_line"
# Set by an adapter for a record that must take the precise path whatever its values say
# (an XML record the XSD found fault with).
FORCED_COLUMN = "_forced"

_DATE_PATTERNS: dict[DateNotation, tuple[str, str]] = {
    "iso": (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "%Y-%m-%d"),
    "compact": (r"^[0-9]{8}$", "%Y%m%d"),
}


def parsed_date(column: pl.Expr, notation: DateNotation) -> pl.Expr:
    """The date a bulk date field holds, or null where it is not a real calendar date in
    the notation (Python's date, which the precise path uses, starts at year 1)."""
    import polars as pl

    pattern, layout = _DATE_PATTERNS[notation]
    day = column.str.strptime(pl.Date, layout, strict=False)
    return pl.when(column.str.contains(pattern) & (day.dt.year() >= 1)).then(day)


def _eleven_test(column: pl.Expr) -> pl.Expr:
    """stdnum's BSN checksum of nine digits: sum((9 - i) * d_i) - d_9, modulo 11."""
    import polars as pl

    number = column.cast(pl.Int64, strict=False)
    total = -(number % 10)
    for position in range(8):
        total = total + (9 - position) * ((number // 10 ** (8 - position)) % 10)
    return total % 11


def _bsn_ok(column: pl.Expr, notation: DateNotation) -> pl.Expr:
    import polars as pl

    return (_eleven_test(column) == 0) & (column.cast(pl.Int64, strict=False) != 0)


def _onderwijsnummer_ok(column: pl.Expr, notation: DateNotation) -> pl.Expr:
    return column.str.starts_with("10") & (_eleven_test(column) == 5)


def _isat_ok(column: pl.Expr, notation: DateNotation) -> pl.Expr:
    import polars as pl

    number = column.cast(pl.Int64, strict=False)
    inside = pl.lit(False)
    for low, high, _level in ISAT_RANGES:
        inside = inside | ((number >= low) & (number < high))
    return inside


def _date_ok(column: pl.Expr, notation: DateNotation) -> pl.Expr:
    return parsed_date(column, notation).is_not_null()


def _partial_date_ok(column: pl.Expr, notation: DateNotation) -> pl.Expr:
    """A real date, or one with 00 for the day or for day and month (the pattern has made
    it JJJJ-MM-DD already); DUO's birth date in any notation of the file."""
    import polars as pl

    year = column.str.slice(0, 4).cast(pl.Int32, strict=False)
    month = column.str.slice(5, 2).cast(pl.Int32, strict=False)
    day = column.str.slice(8, 2).cast(pl.Int32, strict=False)
    partial = (year >= 1) & (day == 0) & (month >= 0) & (month <= 12)
    return partial | parsed_date(column, "iso").is_not_null()


def _ects_ok(column: pl.Expr, notation: DateNotation) -> pl.Expr:
    import polars as pl

    # One decimal at most, and a whole or half number: 7.5 passes, 7.3 is left to the
    # precise path (the rules may have a word about it).
    number = column.cast(pl.Float64, strict=False)
    return (column.str.contains(r"^[0-9]+(\.[05]0*)?$") & (number > 0)
            & (number <= float(ECTS_MAX)))


# The vectorised twin of each validator in bulkformat.types. A validator without one makes
# compiling the checks fail (a test compiles every model), so no check is silently skipped.
_VALIDATORS: dict[object, Callable[[pl.Expr, DateNotation], pl.Expr]] = {
    _check_bsn: _bsn_ok,
    _check_onderwijsnummer: _onderwijsnummer_ok,
    _check_isat: _isat_ok,
    _parse_date: _date_ok,
    _check_partial_date: _partial_date_ok,
    _parse_ects: _ects_ok,
}


def _one_personal_number(columns: frozenset[str]) -> pl.Expr:
    import polars as pl

    bsn = (pl.col("burgerservicenummer").is_not_null() if "burgerservicenummer" in columns
           else pl.lit(False))
    onr = (pl.col("onderwijsnummer").is_not_null() if "onderwijsnummer" in columns
           else pl.lit(False))
    return bsn != onr


_MODEL_VALIDATORS: dict[str, Callable[[frozenset[str]], pl.Expr]] = {
    "_one_personal_number": _one_personal_number,
}


@dataclass(frozen=True, slots=True)
class FieldCheck:
    name: str
    required: bool
    pattern: str | None
    validators: tuple[Callable[[pl.Expr, DateNotation], pl.Expr], ...]


def _metadata(annotation: object) -> Iterator[object]:
    pending = [annotation]
    while pending:
        current = pending.pop()
        yield from getattr(current, "__metadata__", ())
        pending.extend(get_args(current))


@cache
def field_checks(model: type[Record]) -> tuple[FieldCheck, ...]:
    checks = []
    for name, info in model.model_fields.items():
        pattern: str | None = None
        validators = []
        for item in [*info.metadata, *_metadata(info.annotation)]:
            if isinstance(item, StringConstraints) and item.pattern is not None:
                pattern = str(item.pattern)
            elif isinstance(item, AfterValidator | BeforeValidator):
                twin = _VALIDATORS.get(item.func)
                if twin is None:
                    raise LookupError(f"{model.__name__}.{name}: validator {item.func!r} "
                                      "has no column-wise twin in rodcli.engine.fields")
                validators.append(twin)
        checks.append(FieldCheck(name, info.is_required(), pattern, tuple(validators)))
    return tuple(checks)


def _value_ok(check: FieldCheck, notation: DateNotation) -> pl.Expr:
    """True where the field is empty or holds a value its type accepts."""
    import polars as pl

    column = pl.col(check.name)
    fine = pl.lit(True)
    if check.pattern is not None:
        fine = fine & column.str.contains(check.pattern)
    for validator in check.validators:
        fine = fine & validator(column, notation)
    return column.is_null() | fine.fill_null(False)


def _shape(check: FieldCheck) -> tuple[str, str | None, tuple[object, ...]]:
    return (check.name, check.pattern, check.validators)


def value_columns(sector: Sector, notation: DateNotation,
                  columns: frozenset[str]) -> dict[tuple[str, str | None, tuple[object, ...]],
                                                   tuple[str, pl.Expr]]:
    """Each distinct field check of a sector's models once, as a named boolean column (a
    field usually has the same type in every record type)."""
    found: dict[tuple[str, str | None, tuple[object, ...]], tuple[str, pl.Expr]] = {}
    for model in RECORD_MODELS[sector].values():
        for check in field_checks(model):
            shape = _shape(check)
            if check.name in columns and shape not in found:
                found[shape] = (f"_ok{len(found)}", _value_ok(check, notation).alias(
                    f"_ok{len(found)}"))
    return found


def model_passes(model: type[Record], notation: DateNotation, columns: frozenset[str],
                 rules: list[RecordRule],
                 values: dict[tuple[str, str | None, tuple[object, ...]], tuple[str, pl.Expr]]
                 ) -> pl.Expr:
    """True for a record of ``model`` (in a batch with ``columns``) that neither typing nor
    any record rule can find fault with; ``values`` names the columns of field checks."""
    import polars as pl

    fields = set(model.model_fields)
    passes = pl.lit(True)
    for check in field_checks(model):
        if check.name in columns:
            passes = passes & pl.col(values[_shape(check)][0])
            if check.required:
                passes = passes & pl.col(check.name).is_not_null()
        elif check.required:
            return pl.lit(False)
    for name in sorted(columns - fields):
        if not name.startswith("_"):
            passes = passes & pl.col(name).is_null()  # a field this record type lacks
    for validator in model.__pydantic_decorators__.model_validators:
        twin = _MODEL_VALIDATORS.get(validator)
        if twin is None:
            raise LookupError(f"{model.__name__}: model validator {validator} has no "
                              "column-wise twin in rodcli.engine.fields")
        passes = passes & twin(columns)
    for rule in rules:
        rule_passes: Any = getattr(rule, "passes", None)
        verdict = rule_passes(model, notation, columns) if rule_passes is not None else (
            pl.lit(False))  # a rule that cannot say: every record takes the precise path
        if verdict is not None:
            passes = passes & verdict.fill_null(False)
    return passes


@dataclass(frozen=True, slots=True)
class CompiledChecks:
    """The column checks of one sector's records in a batch of given columns."""

    values: tuple[pl.Expr, ...]  # each distinct field check once, as a named column
    passes: pl.Expr  # then, per record type, whether the record needs no closer look

    def run(self, frame: pl.DataFrame) -> pl.Series:
        """True for each record of ``frame`` that needs no closer look."""
        return (frame.lazy().with_columns(*self.values).select(self.passes.alias("_passes"))
                .collect().to_series())


def compile_checks(sector: Sector, notation: DateNotation, columns: frozenset[str],
                   rules: list[RecordRule]) -> CompiledChecks:
    import polars as pl

    values = value_columns(sector, notation, columns)
    record_type = pl.col(TYPE_COLUMN)
    choice: Any = None
    for type_name, model in RECORD_MODELS[sector].items():
        verdict = model_passes(model, notation, columns, rules, values)
        choice = (pl.when(record_type == type_name) if choice is None
                  else choice.when(record_type == type_name)).then(verdict)
    passes = choice.otherwise(pl.lit(False)) if choice is not None else pl.lit(False)
    if FORCED_COLUMN in columns:
        passes = passes & ~pl.col(FORCED_COLUMN)
    return CompiledChecks(tuple(expression for _name, expression in values.values()),
                          passes.fill_null(False))
