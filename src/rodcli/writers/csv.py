"""Write ROD bulk v1 CSV (ho only: mbo delivers XML only)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from rodcli.bulkformat.models import Record
from rodcli.readers.bulk_csv import DELIMITER, csv_columns
from rodcli.writers import record_values


def write_csv(records: Iterable[Record], out: TextIO) -> int:
    """Write ``records`` as a bulk CSV file to ``out``; return the count.

    A header row of ``csv_columns()``, then one row per record: the record type first, fields
    the record does not have (or has as None) empty, dates as ``YYYYMMDD``. Open ``out`` with
    ``newline=""`` so that rows end in ``\\n`` on every platform. An mbo record raises
    ValueError.
    """
    columns = csv_columns()
    writer = csv.writer(
        out, delimiter=DELIMITER, quotechar='"', quoting=csv.QUOTE_MINIMAL, lineterminator="\n"
    )
    writer.writerow(columns)
    count = 0
    for record in records:
        if record.sector != "ho":
            raise ValueError(
                f"a {record.sector} record ({type(record).__name__}) in CSV: "
                "only ho delivers CSV, mbo delivers XML"
            )
        values = dict(record_values(record, "compact"))
        writer.writerow([record.record_type, *(values.get(name, "") for name in columns[1:])])
        count += 1
    return count
