"""A batch of records as columns: what every input adapter hands the engine.

``frame`` holds one row per record: ``_type`` (the record type), ``_line`` (its first
physical line), optionally ``_forced`` (take the precise path whatever the values say), and
one string column per field (stripped; null where empty). ``records`` turns rows back into
the ``RawRecord``s the precise path needs (with their field positions); it is called only
for the records the column checks flag.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rodcli.engine.fields import FORCED_COLUMN, LINE_COLUMN, TYPE_COLUMN
from rodcli.records import RawRecord

if TYPE_CHECKING:
    import polars as pl


@dataclass(frozen=True, slots=True)
class Batch:
    frame: pl.DataFrame
    records: Callable[[Sequence[int]], Sequence[RawRecord]]


def batch_of_records(records: Sequence[RawRecord], fields: Sequence[str],
                     diploma_reasons: frozenset[str] = frozenset()) -> Batch:
    """A batch of records read one by one (by a reader of the precise path); where a
    deregistration's reason is one of ``diploma_reasons``, where it stands (R003 points
    there)."""
    import polars as pl

    known = frozenset(fields)
    positions: list[tuple[int | None, int | None]] = [
        (raw.locate("redenUitschrijving") if raw.locate is not None else None) or (None, None)
        if raw.record_type == "uitschrijving"
        and raw.values.get("redenUitschrijving") in diploma_reasons else (None, None)
        for raw in records]
    data: dict[str, list[object]] = {
        TYPE_COLUMN: [record.record_type for record in records],
        LINE_COLUMN: [record.line for record in records],
        # An element outside the format, or an XSD finding, is for the precise path to say.
        FORCED_COLUMN: [bool(record.schema_findings) or not known.issuperset(record.values)
                        for record in records],
    }
    # One pass over each record's own values: mbo has some forty fields, of which a record
    # holds a handful, so asking every record for every field would cost most of the batch.
    columns: dict[str, list[object]] = {name: [None] * len(records) for name in fields}
    for index, record in enumerate(records):
        for name, value in record.values.items():
            column = columns.get(name)
            if column is not None:
                column[index] = value
    data.update(columns)
    data["_reason_line"] = [line for line, _column in positions]
    data["_reason_column"] = [column for _line, column in positions]
    schema: dict[str, pl.DataType] = {name: pl.String() for name in fields}
    schema.update({TYPE_COLUMN: pl.String(), LINE_COLUMN: pl.UInt32(),
                   FORCED_COLUMN: pl.Boolean(), "_reason_line": pl.UInt32(),
                   "_reason_column": pl.UInt32()})
    frame = pl.DataFrame(data, schema=schema)
    return Batch(frame, lambda indices: [records[index] for index in indices])
