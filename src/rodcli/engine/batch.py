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


def batch_of_records(records: Sequence[RawRecord], fields: Sequence[str]) -> Batch:
    """A batch of records read one by one (by a reader of the precise path)."""
    import polars as pl

    known = frozenset(fields)
    data: dict[str, list[object]] = {
        TYPE_COLUMN: [record.record_type for record in records],
        LINE_COLUMN: [record.line for record in records],
        # An element outside the format, or an XSD finding, is for the precise path to say.
        FORCED_COLUMN: [bool(record.schema_findings) or not known.issuperset(record.values)
                        for record in records],
    }
    for name in fields:
        data[name] = [record.values.get(name) for record in records]
    schema: dict[str, pl.DataType] = {name: pl.String() for name in fields}
    schema.update({TYPE_COLUMN: pl.String(), LINE_COLUMN: pl.UInt32(),
                   FORCED_COLUMN: pl.Boolean()})
    frame = pl.DataFrame(data, schema=schema)
    return Batch(frame, lambda indices: [records[index] for index in indices])
