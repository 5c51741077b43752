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


class _Capture:
    """Feeds lines to the csv module and remembers the physical text of the current record."""

    def __init__(self, lines: LineDecoder) -> None:
        self._lines = iter(lines)
        self.consumed = 0
        self.text: list[str] = []

    def __iter__(self) -> _Capture:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.consumed += 1
        self.text.append(line)
        return line


def read_csv_bulk(
    handle: BinaryIO, file: str, report: FileReport, sector: str | None
) -> Iterator[RawRecord | Finding]:
    report.kind, report.sector = "csv", "ho"
    decoder = LineDecoder(handle, file)
    capture = _Capture(decoder)
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    reader = csv.reader(capture, delimiter=DELIMITER, quotechar='"', strict=True)
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
            lines = capture.text
            start_line = capture.consumed - len(lines) + 1
            capture.text = []
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
            values = {}
            for position, name in wanted:
                cell = row[position]
                if cell:
                    cell = cell.strip()
                    if cell:
                        values[name] = cell
            record_type = values.pop(RECORD_TYPE_COLUMN, "")
            report.records += 1
            yield RawRecord(
                record_type=record_type,
                values=values,
                file=file,
                line=start_line,
                locate=csv_locator(lines, columns, DELIMITER, start_line),
            )
    except csv.Error as error:
        # The broken record started where the lines not yet turned into a row began.
        start = capture.consumed - len(capture.text) + 1
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
