"""Bulk CSV into batches of columns.

A bulk CSV file is plain in the common case: UTF-8 (in fact ASCII: codes, dates and
numbers), one record per line, no quotes. Such a part of the file is cut into lines and
cells by polars, whole chunks at a time. Whatever is not plain goes through the precise
reader (``readers.bulk_csv``), which knows every way a CSV file can go wrong: a chunk with
other characters on its own, and from the first quote or byte that is not UTF-8 on, the rest
of the file (a quoted field may span lines, an encoding switch holds for the rest).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from rodcli.bulkformat.models import field_names
from rodcli.engine.batch import Batch
from rodcli.engine.fields import LINE_COLUMN, TYPE_COLUMN
from rodcli.findings import FileReport, Finding, Location, make_finding
from rodcli.readers.bulk_csv import (
    DELIMITER,
    FIELD_SIZE_LIMIT,
    RECORD_TYPE_COLUMN,
    CsvSlice,
    check_header,
    open_slice,
    read_csv_bulk,
)
from rodcli.readers.textlines import MAX_LINE_BYTES
from rodcli.records import RawRecord, csv_locator

if TYPE_CHECKING:
    import polars as pl

# Chunks of 3 MiB: the engine's fixed cost per batch weighs less than with 2 MiB (1M rows:
# 2.33-2.44 s against 2.59-2.71 s, interleaved), and at 2M rows the peak is the same
# (252-264 MiB either way, the kernel's peak RSS): it falls late in the reading, when the
# key table is nearly whole and a chunk's transient columns come on top.
CHUNK_BYTES = 3 << 20
REASON = "redenUitschrijving"
_MBO_ONLY = frozenset(field_names("mbo")) - frozenset(field_names("ho"))
_HEADER_BYTES = 1 << 20
# Anything but printable ASCII, tab and line ends, or a quote: not for the fast path.
_NOT_PLAIN = re.compile(rb'["\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\xff]')
_CONTROLS_TO_QUOTE = bytes(ord('"') if byte < 0x20 and byte not in (0x09, 0x0A, 0x0D)
                           or byte == 0x7F else byte for byte in range(256))
_QUOTE_OR_NOT_TEXT = re.compile(rb'["\x00]')


def csv_items(handle: BinaryIO, path: Path, file: str, report: FileReport,
              sector: str | None) -> Iterator[Batch | RawRecord | Finding]:
    """The records and findings of a bulk CSV file (``handle`` open at its start)."""
    first = handle.readline(_HEADER_BYTES)
    header_text = _plain_header(first)
    if header_text is None:
        handle.seek(0)
        yield from read_csv_bulk(handle, file, report, sector)
        return
    report.kind, report.sector, report.encoding = "csv", "ho", "utf-8"
    if sector == "mbo":
        yield make_finding("I013", Location(file), reason="--sector mbo")
    header = [cell.strip() for cell in header_text.split(DELIMITER)]
    yield from check_header(header, file, 1)
    known = set(field_names("ho")) | {RECORD_TYPE_COLUMN}
    with ThreadPoolExecutor(1) as parser:
        yield from _chunks(handle, path, file, report, sector, header, known, len(first),
                           parser)
    if report.records == 0:
        yield make_finding("I015", Location(file, 1))


def _chunks(handle: BinaryIO, path: Path, file: str, report: FileReport, sector: str | None,
            header: list[str], known: set[str], start: int, parser: ThreadPoolExecutor
            ) -> Iterator[Batch | RawRecord | Finding]:
    """The chunks after the header. A plain chunk is cut into cells on another thread while
    the engine checks the one before (polars lets go of the GIL): reading and checking
    overlap on two cores."""
    pending: deque[Future[tuple[list[Batch | Finding], int]]] = deque()

    def ready(keep: int) -> Iterator[Batch | Finding]:
        while len(pending) > keep:
            items, records = pending.popleft().result()
            report.records += records
            yield from items

    line = 2
    while True:
        chunk = handle.read(CHUNK_BYTES)
        if not chunk:
            break
        if not chunk.endswith(b"\n"):
            # To the line's end, but never past the reader's line limit: a line longer than
            # that is for the precise reader to refuse, without holding it.
            chunk += handle.readline(MAX_LINE_BYTES + 1)
            if not chunk.endswith(b"\n") and handle.read(1):
                chunk = b"\x00"  # not plain: the rest of the file goes to the precise reader
        if _is_plain(chunk) and not _has_long_line(chunk):
            pending.append(parser.submit(_plain_chunk, chunk, line, header, known, file))
            yield from ready(1)
            start += len(chunk)
            line += chunk.count(b"\n")
            continue
        yield from ready(0)  # the precise reader's records come after the chunks before
        if _QUOTE_OR_NOT_TEXT.search(chunk) is None and _is_utf8(chunk):
            # Other characters, but whole lines: this chunk alone takes the precise reader.
            part = CsvSlice(start, start + len(chunk), line, tuple(header))
            with open_slice(path, part) as piece:
                yield from read_csv_bulk(piece, file, report, sector, part)
        else:
            part = CsvSlice(start, path.stat().st_size, line, tuple(header))
            with open_slice(path, part) as rest:
                yield from read_csv_bulk(rest, file, report, sector, part)
            break
        start += len(chunk)
        line += chunk.count(b"\n")
    yield from ready(0)


def _plain_header(first: bytes) -> str | None:
    """The header line, when the file can start on the fast path: ASCII, no quotes, known
    columns each once (a repeated column is for the precise reader to untangle)."""
    if not first.endswith(b"\n") or _NOT_PLAIN.search(first) is not None:
        return None
    text = first.decode("ascii").rstrip("\n")
    if text.endswith("\r"):
        text = text[:-1]
    if "\r" in text:
        return None
    names = [cell.strip() for cell in text.split(DELIMITER)]
    if RECORD_TYPE_COLUMN not in names or len(set(names)) != len(names):
        return None
    if not _MBO_ONLY.isdisjoint(names):
        return None  # mbo data in a CSV file: the precise reader says I013 and no more
    return text


def _is_plain(chunk: bytes) -> bool:
    # A translation and a search for one byte: a few times faster than a regex over a chunk.
    if not chunk.isascii() or chunk.translate(_CONTROLS_TO_QUOTE).find(b'"') >= 0:
        return False
    return b"\r" not in chunk or chunk.count(b"\r") == chunk.count(b"\r\n")


def _has_long_line(chunk: bytes) -> bool:
    """A line longer than the reader's field limit: for the precise reader to refuse."""
    return len(chunk) > FIELD_SIZE_LIMIT and max(map(len, chunk.split(b"\n"))) > FIELD_SIZE_LIMIT


def _is_utf8(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _plain_chunk(chunk: bytes, first_line: int, header: list[str], known: set[str],
                 file: str) -> tuple[list[Batch | Finding], int]:
    """A plain chunk's batch (and I010 for lines of the wrong width), and how many records
    it holds."""
    import polars as pl

    width = len(header)
    lines = chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
    frame = None
    if chunk.count(DELIMITER.encode()) == lines * (width - 1):
        # Every line has its cells (no line has more, as the reader would refuse, so none has
        # fewer), and none is empty (an empty line has none): polars' reader keeps the lines
        # in step with the rows.
        try:
            frame = pl.read_csv(chunk, has_header=False, separator=DELIMITER, quote_char=None,
                                infer_schema=False, new_columns=header)
        except pl.exceptions.PolarsError:
            frame = None
        if frame is not None and frame.height != lines:
            frame = None
    if frame is None:
        return _ragged_chunk(chunk, first_line, header, known, file)
    # Cells need stripping only where the chunk has blanks; the reader made empty ones null.
    frame = _cells_to_fields(frame.with_row_index(LINE_COLUMN, offset=first_line), header,
                             known, strip=b" " in chunk or b"\t" in chunk or b"\r" in chunk,
                             drop_blank=True)
    if frame.is_empty():
        return [], 0
    return [Batch(frame, _RawMaker(frame, chunk, first_line, tuple(header), file))], frame.height


def _cells_to_fields(frame: pl.DataFrame, header: list[str], known: set[str],
                     strip: bool = True, drop_blank: bool = False) -> pl.DataFrame:
    """Cells stripped, empty ones null, under their field names; the record type as
    ``_type`` ("" where empty, as the reader has it)."""
    import polars as pl

    columns = [pl.col(LINE_COLUMN).cast(pl.UInt32)]
    if REASON in header:
        # Where the reason's cell starts, as the precise path's csv_field_position counts:
        # after the cells before it and their separators (R003 points there).
        before = header[:header.index(REASON)]
        start = pl.sum_horizontal([pl.col(name).str.len_chars().fill_null(0) + 1
                                   for name in before] or [pl.lit(0)]) + 1
        columns += [pl.col(LINE_COLUMN).cast(pl.UInt32).alias("_reason_line"),
                    start.cast(pl.UInt32).alias("_reason_column")]
    for name in header:
        if name not in known:
            continue
        cell = pl.col(name).str.strip_chars() if strip else pl.col(name)
        if name == RECORD_TYPE_COLUMN:
            columns.append(cell.fill_null("").alias(TYPE_COLUMN))
        else:
            columns.append(pl.when(cell != "").then(cell).alias(name) if strip else cell)
    fields = frame.lazy().select(columns)
    if drop_blank:
        # A row of nothing but separators and spaces is blank, as in the csv module's reading.
        names = [name for name in header if name in known and name != RECORD_TYPE_COLUMN]
        fields = fields.filter(~((pl.col(TYPE_COLUMN) == "") & pl.all_horizontal(
            [pl.col(name).is_null() for name in names] or [pl.lit(True)])))
    return fields.collect()


def _ragged_chunk(chunk: bytes, first_line: int, header: list[str], known: set[str],
                  file: str) -> tuple[list[Batch | Finding], int]:
    """A plain chunk with blank lines or lines of the wrong width: cut line by line."""
    import polars as pl

    lines = chunk.decode("ascii").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    width = len(header)
    frame = (
        pl.DataFrame({"_text": lines}, schema={"_text": pl.String})
        .with_row_index(LINE_COLUMN, offset=first_line)
        .with_columns(pl.col("_text").str.strip_suffix("\r").str.split(DELIMITER)
                      .alias("_cells"))
        # A row of nothing but separators and spaces is blank, as in the csv module's reading.
        .filter(~pl.col("_text").str.contains(r"^[\s;]*$"))
    )
    counts = frame.get_column("_cells").list.len()
    ragged = frame.filter(counts != width)
    items: list[Batch | Finding] = [
        make_finding("I010", Location(file, line, 1), found=found, expected=width)
        for line, found in zip(ragged.get_column(LINE_COLUMN),
                               ragged.get_column("_cells").list.len(), strict=True)]
    if not ragged.is_empty():
        frame = frame.filter(counts == width)
    if frame.is_empty():
        return items, 0
    frame = frame.select(LINE_COLUMN, *(pl.col("_cells").list.get(index).alias(name)
                                        for index, name in enumerate(header)))
    frame = _cells_to_fields(frame, header, known)
    items.append(Batch(frame, _RawMaker(frame, chunk, first_line, tuple(header), file)))
    return items, frame.height


class _RawMaker:
    """Rows of a plain chunk as the precise path's RawRecords."""

    def __init__(self, frame: pl.DataFrame, chunk: bytes, first_line: int,
                 header: tuple[str, ...], file: str) -> None:
        self._frame = frame
        self._chunk = chunk
        self._lines: list[str] | None = None
        self._first_line = first_line
        self._header = header
        self._file = file
        self._fields = [name for name in frame.columns
                        if name not in (LINE_COLUMN, TYPE_COLUMN, "_reason_line",
                                        "_reason_column")]

    def __call__(self, indices: Sequence[int]) -> list[RawRecord]:
        if self._lines is None:
            self._lines = self._chunk.decode("ascii").split("\n")
        records = []
        fields = self._fields
        # Tuples, not a dict per row: a file where every row is wrong comes through here
        # whole.
        rows = self._frame[list(indices)].select(LINE_COLUMN, TYPE_COLUMN, *fields).rows()
        for line, record_type, *cells in rows:
            values = {name: cell for name, cell in zip(fields, cells, strict=True)
                      if cell is not None}
            text = self._lines[line - self._first_line]
            records.append(RawRecord(
                record_type=record_type, values=values, file=self._file, line=line,
                locate=csv_locator(text, self._header, DELIMITER, line)))
        return records
