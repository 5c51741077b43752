"""Reader for ROD bulk v1 CSV files (ho only): UTF-8, ``;``, a header row, one record a row."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import BinaryIO

from rodcli.bulkformat.models import field_names
from rodcli.findings import FileReport, Finding, Location, make_finding
from rodcli.readers.textlines import LineDecoder
from rodcli.records import RawRecord, csv_locator

DELIMITER = ";"
RECORD_TYPE_COLUMN = "recordtype"
# Larger than any legitimate field, small enough that a hostile file cannot eat memory.
FIELD_SIZE_LIMIT = 1 << 20


def csv_columns() -> list[str]:
    """The CSV header of ROD bulk v1, in its fixed order."""
    return [RECORD_TYPE_COLUMN, *field_names("ho")]


def _captured(lines: Iterator[str], record_text: list[str]) -> Iterator[str]:
    """Hands lines to the csv module and keeps the physical text of the record being read
    (a generator: a million records should not pay for a method call per line)."""
    for line in lines:
        record_text.append(line)
        yield line


def read_csv_bulk(
    handle: BinaryIO, file: str, report: FileReport, sector: str | None
) -> Iterator[RawRecord | Finding]:
    report.kind, report.sector = "csv", "ho"
    decoder = LineDecoder(handle, file)
    record_text: list[str] = []
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    reader = csv.reader(_captured(iter(decoder), record_text), delimiter=DELIMITER,
                        quotechar='"', strict=True)
    expected = csv_columns()
    known = set(expected)
    mbo_only = set(field_names("mbo")) - known
    if sector == "mbo":
        yield make_finding("I013", Location(file), reason="--sector mbo")

    header: list[str] | None = None
    columns: tuple[str, ...] = ()
    wanted: list[tuple[int, str]] = []
    try:
        for row in reader:
            start_line = reader.line_num - len(record_text) + 1
            text = record_text[0] if len(record_text) == 1 else "".join(record_text)
            record_text.clear()
            if decoder.findings:
                yield from _drain(decoder)
            # A record type in the first cell means the row is not blank: the common case is
            # decided without looking at every cell.
            if not (row and row[0].strip()) and not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = [cell.strip() for cell in row]
                yield from _check_header(header, expected, known, mbo_only, file, start_line)
                if RECORD_TYPE_COLUMN not in header:
                    return
                columns = tuple(header)
                wanted = [(position, name) for position, name in enumerate(header)
                          if name in known]
                continue
            if len(row) != len(header):
                yield make_finding("I010", Location(file, start_line, 1),
                                   found=len(row), expected=len(header))
                continue
            values = {name: value for position, name in wanted
                      if (value := row[position].strip())}
            record_type = values.pop(RECORD_TYPE_COLUMN, "")
            report.records += 1
            yield RawRecord(
                record_type=record_type,
                values=values,
                file=file,
                line=start_line,
                locate=csv_locator(text, columns, DELIMITER, start_line),
            )
    except csv.Error as error:
        # The broken record started where the lines not yet turned into a row began.
        start = reader.line_num - len(record_text) + 1
        yield make_finding("I020", Location(file, max(start, 1)), reason=str(error))
    yield from _drain(decoder)
    report.encoding = decoder.encoding
    if header is None:
        yield make_finding("I007", Location(file))
    elif report.records == 0:
        yield make_finding("I015", Location(file, 1))


def _drain(decoder: LineDecoder) -> Iterator[Finding]:
    yield from decoder.findings
    decoder.findings.clear()


def _check_header(
    header: list[str],
    expected: list[str],
    known: set[str],
    mbo_only: set[str],
    file: str,
    line: int,
) -> Iterator[Finding]:
    if RECORD_TYPE_COLUMN not in header:
        yield make_finding("I009", Location(file, line, 1), column=RECORD_TYPE_COLUMN)
        return
    offset = 1
    mbo_columns = []
    for name in header:
        if name in mbo_only:
            mbo_columns.append(name)
        elif name not in known:
            yield make_finding("I008", Location(file, line, offset, field=name), column=name)
        offset += len(name) + 1
    if mbo_columns:
        yield make_finding("I013", Location(file, line, 1), reason=", ".join(mbo_columns))
    for name in expected:
        if name not in header:
            yield make_finding("I009", Location(file, line, 1, field=name), column=name)
    present = [name for name in header if name in known]
    if present != [name for name in expected if name in present]:
        yield make_finding("I012", Location(file, line, 1), expected=DELIMITER.join(expected))
