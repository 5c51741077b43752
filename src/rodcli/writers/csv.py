"""Write ROD bulk v1 CSV (ho only: mbo delivers XML only)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from functools import cache
from typing import TextIO

from rodcli.bulkformat.models import Record
from rodcli.readers.bulk_csv import DELIMITER, csv_columns
from rodcli.writers import Prewritten, record_values


class _Bulk(csv.Dialect):
    delimiter = DELIMITER
    quotechar = '"'
    doublequote = True
    quoting = csv.QUOTE_MINIMAL
    lineterminator = "\n"


@cache
def _field_columns() -> tuple[str, ...]:
    return tuple(csv_columns()[1:])


def csv_row(record: Record) -> list[str]:
    """One record's cells in ``csv_columns()`` order: the record type first, fields the
    record does not have (or has as None) empty, dates as ``YYYYMMDD``. An mbo record raises
    ValueError."""
    if record.sector != "ho":
        raise ValueError(
            f"a {record.sector} record ({type(record).__name__}) in CSV: "
            "only ho delivers CSV, mbo delivers XML"
        )
    values = dict(record_values(record, "compact"))
    return [record.record_type, *(values.get(name, "") for name in csv_columns()[1:])]


class CsvLines:
    """Formats records as the lines ``write_csv`` would write for them."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, _Bulk)

    def line(self, record: Record) -> str:
        self._writer.writerow(csv_row(record))
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text


def write_csv(records: Iterable[Record | Prewritten], out: TextIO) -> int:
    """Write ``records`` as a bulk CSV file to ``out``; return the count.

    A header row of ``csv_columns()``, then one row per record (see ``csv_row``).
    ``Prewritten`` records (from ``CsvLines``) are copied as they are. Open ``out`` with
    ``newline=""`` so that rows end in ``\\n`` on every platform.
    """
    writer = csv.writer(out, _Bulk)
    writer.writerow(csv_columns())
    count = 0
    for record in records:
        if isinstance(record, Prewritten):
            out.write(record.data.decode("utf-8"))
            count += record.count
            continue
        writer.writerow(csv_row(record))
        count += 1
    return count
