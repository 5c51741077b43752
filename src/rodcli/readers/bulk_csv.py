"""Reader for ROD bulk v1 CSV files (ho only): UTF-8, ``;``, a header row, one record a row."""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

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


@dataclass(frozen=True, slots=True)
class CsvSlice:
    """A part of a CSV file read on its own (by one worker of a parallel run): whole lines
    from byte ``start`` to ``end``, the first of them line ``first_line`` of the file."""

    start: int
    end: int
    first_line: int
    header: tuple[str, ...] | None  # None for the first slice, which reads the header itself

    @property
    def first(self) -> bool:
        return self.header is None


_SCAN_BYTES = 1 << 20


def plan_slices(path: Path, count: int) -> list[CsvSlice] | None:
    """Cut a bulk CSV file into ``count`` slices of about equal size at line ends outside
    quoted fields, or None when the file is not plainly laid out for it: a BOM or another
    encoding, or a first line that is not the header on one line.

    An even number of quotes before a line end means no quoted field is open there. A
    stray quote in an unquoted field can fool that count; the slice before such a cut then
    ends inside a quoted field, which its reader reports (I020), and the run falls back to
    reading the file whole.
    """
    with path.open("rb") as handle:
        first_line = handle.readline(_SCAN_BYTES)
        size = os.fstat(handle.fileno()).st_size
        if first_line.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return None
        if b'"' in first_line or not first_line.endswith(b"\n"):
            return None
        try:
            header = tuple(cell.strip() for cell in first_line.decode("utf-8").rstrip("\r\n")
                           .split(DELIMITER))
        except UnicodeDecodeError:
            return None
        if RECORD_TYPE_COLUMN not in header:
            return None
        cuts = line_end_cuts(handle, size, count)
    starts = [(0, 1), *cuts]
    ends = [cut for cut, _line in cuts] + [size]
    return [CsvSlice(start, end, line, None if start == 0 else header)
            for (start, line), end in zip(starts, ends, strict=True)]


def line_end_cuts(handle: BinaryIO, size: int, count: int) -> list[tuple[int, int]]:
    """(byte offset, line number) of the line starts where a file of ``size`` bytes is cut
    into ``count`` parts of about equal size: each just after a line end with an even number
    of quotes before it (no quoted field open there), in increasing order."""
    targets = [size * number // count for number in range(1, count)]
    cuts: list[tuple[int, int]] = []
    handle.seek(0)
    offset, quotes, lines = 0, 0, 0
    while targets and (chunk := handle.read(_SCAN_BYTES)):
        position = max(targets[0] - offset, 0)
        while targets and position < len(chunk):
            end = chunk.find(b"\n", position)
            if end < 0:
                break
            if (quotes + chunk.count(b'"', 0, end)) % 2 == 0:
                cut = offset + end + 1
                if cut < size and (not cuts or cut > cuts[-1][0]):
                    cuts.append((cut, lines + chunk.count(b"\n", 0, end + 1) + 1))
                targets.pop(0)
                position = max(targets[0] - offset, end + 1) if targets else len(chunk)
            else:
                position = end + 1
        quotes += chunk.count(b'"')
        lines += chunk.count(b"\n")
        offset += len(chunk)
    return cuts


def open_slice(path: Path, part: CsvSlice) -> BinaryIO:
    """A buffered binary stream over one slice of a file."""
    return io.BufferedReader(_Window(path, part.start, part.end), buffer_size=1 << 16)


class _Window(io.RawIOBase):
    """The bytes of a file from ``start`` to ``end``, read with pread (no shared offset)."""

    def __init__(self, path: Path, start: int, end: int) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        self._position, self._end = start, end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(len(buffer), self._end - self._position)
        if size <= 0:
            return 0
        data = os.pread(self._fd, size, self._position)
        buffer[:len(data)] = data
        self._position += len(data)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


def read_csv_bulk(
    handle: BinaryIO, file: str, report: FileReport, sector: str | None,
    part: CsvSlice | None = None,
) -> Iterator[RawRecord | Finding]:
    """Raw records and findings of a bulk CSV file, or of one slice of it (``handle`` then
    reads that slice only)."""
    report.kind, report.sector = "csv", "ho"
    decoder = LineDecoder(handle, file)
    line_offset = part.first_line - 1 if part is not None else 0
    record_text: list[str] = []
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    reader = csv.reader(_captured(iter(decoder), record_text), delimiter=DELIMITER,
                        quotechar='"', strict=True)
    expected = csv_columns()
    known = set(expected)
    mbo_only = set(field_names("mbo")) - known
    header: list[str] | None = None
    columns: tuple[str, ...] = ()
    # A column the header check reported as unknown is read under the empty name and dropped.
    names: tuple[str, ...] = ()
    # A header with mbo columns is mbo data in a CSV file: I013 says so, and its rows are
    # counted but not judged by ho's rules (a CREBO code is no ISAT code, an mbo reason no
    # ho reason): those findings would only bury the one that matters.
    mbo = False
    if part is not None and part.header is not None:
        header, columns = list(part.header), part.header
        names = tuple(name if name in known else "" for name in header)
        mbo = not mbo_only.isdisjoint(header)
    if sector == "mbo" and (part is None or part.first):
        yield make_finding("I013", Location(file), reason="--sector mbo")
    try:
        for row in reader:
            start_line = line_offset + reader.line_num - len(record_text) + 1
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
                mbo = not mbo_only.isdisjoint(header)
                if mbo and sector != "mbo":
                    mbo_columns = [name for name in header if name in mbo_only]
                    yield make_finding("I013", Location(file, start_line, 1),
                                       reason=", ".join(mbo_columns))
                elif not mbo:
                    yield from _check_header(header, expected, known, file, start_line)
                if RECORD_TYPE_COLUMN not in header and not mbo:
                    return
                columns = tuple(header)
                names = tuple(name if name in known else "" for name in header)
                continue
            if mbo:
                report.records += 1
                continue
            if len(row) != len(header):
                yield make_finding("I010", Location(file, start_line, 1),
                                   found=len(row), expected=len(header))
                continue
            # Most cells are empty: only the others are stripped.
            values = {name: value for name, cell in zip(names, row, strict=True)
                      if cell and (value := cell.strip())}
            values.pop("", None)
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
        start = line_offset + reader.line_num - len(record_text) + 1
        yield make_finding("I020", Location(file, max(start, 1)), reason=str(error))
    yield from _drain(decoder)
    report.encoding = decoder.encoding
    if mbo:
        report.sector = "mbo"
    if part is not None:
        return  # what the whole file lacks is for the run over all slices to say
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
    file: str,
    line: int,
) -> Iterator[Finding]:
    if RECORD_TYPE_COLUMN not in header:
        yield make_finding("I009", Location(file, line, 1), column=RECORD_TYPE_COLUMN)
        return
    offset = 1
    for name in header:
        if name not in known:
            yield make_finding("I008", Location(file, line, offset, field=name), column=name)
        offset += len(name) + 1
    for name in expected:
        if name not in header:
            yield make_finding("I009", Location(file, line, 1, field=name), column=name)
    present = [name for name in header if name in known]
    if present != [name for name in expected if name in present]:
        yield make_finding("I012", Location(file, line, 1), expected=DELIMITER.join(expected))
