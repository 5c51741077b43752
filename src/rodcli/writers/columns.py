"""The writers' formatting as polars expressions: a record's text in a bulk XML or CSV file,
made for a whole batch of records at once.

``build``'s column path formats the records that passed every check here instead of one
pydantic model at a time; the text must be byte for byte what ``writers.xml.xml_record`` and
``writers.csv.CsvLines`` write for the same record (tests/test_build_columns.py holds the
two together). A value is the text the mapping made (stripped; dates as ``YYYY-MM-DD``);
what typing would change in it is done here: a date in the file's notation, a study load
written as ``format_value`` writes a ``Decimal``, characters XML or CSV must escape. The
text leaves out its last line end: polars' CSV writer adds it as it writes the texts out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from rodcli.bulkformat.models import Record
from rodcli.readers.bulk_csv import DELIMITER, csv_columns
from rodcli.writers import field_order
from rodcli.writers.xml import _INDENT

if TYPE_CHECKING:
    import polars as pl

Kind = Literal["text", "date", "decimal"]


def decimal_text(value: pl.Expr) -> pl.Expr:
    """A study load that passed its checks (digits, maybe a point and digits) as
    ``format_value`` writes its ``Decimal``: no leading or trailing zeros, no point when
    whole."""
    import polars as pl

    whole = value.str.extract(r"^([0-9]+)", 1).str.strip_chars_start("0")
    fraction = value.str.extract(r"\.([0-9]*)$", 1).fill_null("").str.strip_chars_end("0")
    return pl.concat_str([
        pl.when(whole == "").then(pl.lit("0")).otherwise(whole),
        pl.when(fraction == "").then(pl.lit("")).otherwise(pl.lit(".") + fraction),
    ])


def _value(name: str, kind: Kind, notation: Literal["iso", "compact"]) -> pl.Expr:
    import polars as pl

    column = pl.col(name)
    if kind == "date" and notation == "compact":
        return column.str.replace_all("-", "", literal=True)
    if kind == "decimal":
        return decimal_text(column)
    return column


def _escaped(value: pl.Expr) -> pl.Expr:
    """What ``xml.sax.saxutils.escape`` makes of a value."""
    return (value.str.replace_all("&", "&amp;", literal=True)
            .str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True))


def xml_text(model: type[Record], present: Mapping[str, Kind], escape: bool) -> pl.Expr:
    """A record of ``model`` as ``xml_record`` writes it (but its last line end), from the
    columns ``present`` names (with the kind of each); a field whose column is null is left
    out. ``escape``: whether a value may hold ``&``, ``<`` or ``>``."""
    import polars as pl

    element = model.record_type
    parts: list[pl.Expr] = [pl.lit(f"{_INDENT}<{element}>\n")]
    for name in field_order(model):
        kind = present.get(name)
        if kind is None:
            continue
        value = _value(name, kind, "iso")
        if escape and kind == "text":
            value = _escaped(value)
        # Null where the value is (each of ``_value``'s forms keeps a null a null), and the
        # outer concat_str leaves nulls out: a third less work than when/then/otherwise.
        parts.append(pl.concat_str([pl.lit(f"{_INDENT * 2}<{name}>"), value,
                                    pl.lit(f"</{name}>\n")]))
    parts.append(pl.lit(f"{_INDENT}</{element}>"))
    return pl.concat_str(parts, ignore_nulls=True)


def csv_text(model: type[Record], present: Mapping[str, Kind]) -> pl.Expr:
    """A record of ``model`` as ``CsvLines.line`` writes it (but its line end), from the
    columns ``present`` names; a cell that holds the separator is quoted, as the csv module
    quotes it (the column path hands over no value with a quote or a line break)."""
    import polars as pl

    fields = set(field_order(model))
    parts: list[pl.Expr] = [pl.lit(model.record_type)]
    for name in csv_columns()[1:]:
        kind = present.get(name)
        parts.append(pl.lit(DELIMITER))
        if kind is None or name not in fields:
            continue
        value = _value(name, kind, "compact")
        parts.append(pl.when(value.str.contains(DELIMITER, literal=True))
                     .then(pl.lit('"') + value + pl.lit('"'))
                     .otherwise(value).fill_null(""))
    return pl.concat_str(parts)
