"""build's first pass over a large CSV export, column by column.

The export is read in chunks of whole lines. A plain chunk (printable ASCII, no quotes,
every line with the header's cells) is cut into string columns by polars, and the mapping,
compiled into polars expressions (``ColumnMapping``), turns them into a batch of records per
chunk in the shape the engine's CSV adapter hands it: ``_type``, ``_line`` and one string
column per field. The engine's column checks (``engine.fields``, the same ones ``validate``
runs) pass the records that have nothing to report. A row the mapping has something to say
about (a code it does not know, a date it cannot read, ...) or with a record the checks flag
goes, whole, through today's precise path (``builder.check_row``): its findings are exactly
those of a build in one process, in the same order. The records of the other rows leave
their key rows column-wise (``engine.keys.batch_rows``) and are formatted for the output by
expressions (``writers.columns``) into a spool.

What is not plain takes the precise path, row by row: a chunk with other characters on its
own, and from the first quote on (a quoted cell may span lines) the rest of the export.
An export that cannot be read in slices (``plan_export_slices``), with a byte that is no
UTF-8 or an old-Mac line end anywhere, or a mapping with no column twin, is not for this
path at all: ``first_pass_in_columns`` returns None before anything is reported.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import re
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from rodcli.bulkformat.models import RECORD_MODELS, Record
from rodcli.engine.csv_input import _has_long_line, _is_plain
from rodcli.engine.fields import LINE_COLUMN, TYPE_COLUMN, CompiledChecks, compile_checks
from rodcli.engine.keys import COLUMNAR_FROM_RECORDS, KeyRows, batch_rows, key_schema
from rodcli.engine.precise import RecordChecker
from rodcli.exports import ExportRow, ExportTable
from rodcli.exports.csv_export import SliceLayout, plan_export_slices, read_csv_slice
from rodcli.findings import Finding, Result, Severity
from rodcli.mapping import (
    SUPPORTED_DATE_NOTATIONS,
    CompiledMapping,
    date_pattern,
    field_kind,
)
from rodcli.readers.bulk_csv import CsvSlice
from rodcli.writers import Prewritten
from rodcli.writers.columns import Kind, csv_text, xml_text
from rodcli.writers.csv import CsvLines
from rodcli.writers.xml import xml_record

if TYPE_CHECKING:
    import polars as pl

CHUNK_BYTES = 1 << 21
_SCAN_BYTES = 1 << 23
_ROW = "_row"
_ORDER = "_order"
_TEXT = "_text"
_REASON = "redenUitschrijving"


def _cell(index: int) -> str:
    return f"_c{index}"


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """A compiled mapping as polars expressions over an export's raw cells (``_c0``...)."""

    values: dict[str, pl.Expr]  # field -> its value: stripped text, ISO date; null if none
    kinds: dict[str, Kind]
    # True where the mapping has something to say of the row (M007, M008, ...): over the
    # raw cells and the values (by field name), so a date is read once.
    flag: pl.Expr
    rules: list[tuple[str, pl.Expr]]  # record type -> whether the row yields it
    reason_column: int | None  # the export column of redenUitschrijving (R003 points there)
    reason_source: str | None  # "Reden → redenUitschrijving"
    escape: bool  # whether a constant holds a character XML escapes


def column_mapping(mapping: CompiledMapping, width: int, strip: bool = True
                   ) -> ColumnMapping | None:
    """The mapping's twin in expressions, or None where it has no column twin. Without
    ``strip`` the cells hold no blanks to strip (the reader made empty ones null)."""
    import polars as pl

    models = RECORD_MODELS[mapping.sector]
    values: dict[str, pl.Expr] = {}
    kinds: dict[str, Kind] = {}
    problems: list[pl.Expr] = []
    escape = False
    reason_column = reason_source = None
    for spec in mapping.fields:
        model = next(m for m in models.values() if spec.name in m.model_fields)
        kind = field_kind(model, spec.name)
        kinds[spec.name] = kind
        if spec.constant is not None:
            if any(char in spec.constant for char in '"\r\n'):
                return None
            escape = escape or any(char in spec.constant for char in "&<>")
            values[spec.name] = pl.lit(spec.constant, pl.String)
            continue
        if spec.index is None or spec.index >= width:
            return None
        if spec.name == _REASON:
            reason_column, reason_source = spec.index, f"{spec.column} → {spec.name}"
        cell = pl.col(_cell(spec.index))
        if strip:
            cell = cell.str.strip_chars()
        text = pl.when(cell != "").then(cell) if strip else cell  # null: no value
        if spec.verbatim:
            values[spec.name] = text
            continue
        if kind == "date":
            value = _date(text, spec.dates)
            if value is None:
                return None
            values[spec.name] = value
            problems.append(text.is_not_null() & pl.col(spec.name).is_null())  # M008, F003
            continue
        if kind == "decimal":
            problems.append(text.str.contains(r"^[0-9]+,[0-9]+$"))  # M013
        if spec.pgn:
            problems.append(text.str.contains(r"^[0-9]{8}$"))  # M009
        if spec.codes is not None:
            known = text.is_in(list(spec.codes))
            valid = (text.is_in(sorted(spec.valid_codes)) if spec.valid_codes
                     else pl.lit(False))
            translated = text.replace_strict(spec.codes, default=None, return_dtype=pl.String)
            chosen = pl.when(known).then(translated).when(valid).then(text)
            values[spec.name] = pl.when(chosen != "").then(chosen)
            problems.append(text.is_not_null() & ~known & ~valid)  # M007
            continue
        values[spec.name] = text
    rules: list[tuple[str, pl.Expr]] = []
    for rule in mapping.rules:
        if rule.always:
            rules.append((rule.record_type, pl.lit(True)))
            continue
        assert rule.column is not None
        if rule.column >= width:
            return None
        cell = pl.col(_cell(rule.column))
        cell = (cell.str.strip_chars() if strip else cell).fill_null("")
        if rule.filled is None:
            rules.append((rule.record_type, cell.is_in(sorted(rule.equals))))
        else:
            rules.append((rule.record_type, (cell != "") if rule.filled else (cell == "")))
    # A row that yields no record at all: M010.
    flag = pl.any_horizontal([problem.fill_null(False) for problem in problems]
                             or [pl.lit(False)]) | ~pl.any_horizontal(
        [condition for _type, condition in rules])
    return ColumnMapping(values, kinds, flag, rules, reason_column, reason_source, escape)


_STRPTIME = {"YYYY": "%Y", "JJJJ": "%Y", "DD": "%d", "D": "%d", "MM": "%m", "M": "%m"}


def _date(text: pl.Expr, patterns: tuple[re.Pattern[str], ...]) -> pl.Expr | None:
    """A date cell in the first of the mapping's notations it matches, as ISO text; null
    where none matches (M008) or the first that matches names no day (F003). A year before
    1000 is left to the precise path too: the writers write it their own way."""
    import polars as pl

    value: Any = None
    for pattern in patterns:
        layout = _layout(pattern)
        if layout is None:
            return None
        day = text.str.strptime(pl.Date, layout, strict=False)
        choice = pl.when(day.dt.year() >= 1000).then(day.dt.to_string("%Y-%m-%d"))
        matched = text.str.contains(f"^(?:{pattern.pattern})$")
        value = (pl.when(matched).then(choice) if value is None
                 else value.when(matched).then(choice))
    if value is None:
        return None
    result: pl.Expr = value.otherwise(pl.lit(None, pl.String))
    return result


def _layout(pattern: re.Pattern[str]) -> str | None:
    """The strptime layout of a date pattern ``mapping.date_pattern`` made."""
    for notation in SUPPORTED_DATE_NOTATIONS:
        candidate = date_pattern(notation)
        if candidate is not None and candidate.pattern == pattern.pattern:
            return "".join(_STRPTIME.get(part, part)
                           for part in re.findall(r"JJJJ|YYYY|DD|MM|D|M|[-/.]", notation))
    return None


# ---- the spool ------------------------------------------------------------------------------


class SpoolWriteError(OSError):
    """A write to the spool failed (the OSError's errno and text): a full temporary folder,
    or, where the spool is the output's pending file, the output's folder."""


class ColumnSpool:
    """The formatted records of the rows that passed, in export order: their text in an
    unnamed temporary file, and per row its line, size and count of records in memory,
    compressed per chunk (about 3 bytes a row; as plain columns they were 20, a 2M-row
    export's 38 MiB), so the second pass copies runs of rows and skips the rejected ones.

    Or their text in the output itself (``body``, a file open for reading and writing,
    positioned after room for the document's head): the second pass then only drops the
    rejected rows' records in place and writes the head and the end."""

    _WRITE_BYTES = 1 << 21

    def __init__(self, on_written: Callable[[bytes], object] | None = None,
                 body: IO[bytes] | None = None) -> None:
        self._body: IO[bytes] = body if body is not None else tempfile.TemporaryFile()
        self._base = self._body.tell()  # where the first record's text starts
        # Per chunk: where its text starts, and its rows' line, size and count (IPC, zstd).
        self._index: list[tuple[int, bytes]] = []
        self._offset = 0
        # Handed each chunk's text as spooled (build checks it against the XSD meanwhile).
        self._on_written = on_written

    def add(self, lines: pl.Series, texts: pl.Series, counts: pl.Series) -> None:
        """Records' texts, each without its last line end (written here after it)."""
        import polars as pl

        if texts.is_empty():
            return
        index = pl.DataFrame({"line": lines.cast(pl.UInt32),
                              "size": (texts.str.len_bytes() + 1).cast(pl.UInt32),
                              "count": counts.cast(pl.UInt32)})
        size = int(index.get_column("size").sum())
        # Joined by polars' CSV writer (no Python string of the chunk), written by Python:
        # a full disk is then an OSError with its errno (I022), as for every other file. A
        # slice of the records at a time: a chunk's XML whole (12 MB) cost three times its
        # size at the peak, in the writer's buffer and its copies.
        rows = max(1, texts.len() * self._WRITE_BYTES // size)
        for start in range(0, texts.len(), rows):
            buffer = io.BytesIO()
            pl.DataFrame({"text": texts.slice(start, rows)}).write_csv(
                buffer, include_header=False, quote_style="never", line_terminator="\n")
            try:
                self._write_body(buffer.getbuffer())
            except OSError as error:
                raise SpoolWriteError(error.errno, error.strerror or str(error)) from error
            if self._on_written is not None:
                self._on_written(buffer.getvalue())
        packed = io.BytesIO()
        index.write_ipc(packed, compression="zstd")
        self._index.append((self._offset, packed.getvalue()))
        self._offset += size

    def _write_body(self, data: memoryview) -> None:
        self._body.write(data)

    def runs(self, rejected: Collection[int]) -> Iterator[tuple[int, int, int]]:
        """Offset, size and record count of each run of adjacent accepted rows."""
        import polars as pl

        lines = sorted(rejected)
        for start, packed in self._index:
            index = pl.read_ipc(io.BytesIO(packed)).with_columns(
                (pl.col("size").cast(pl.UInt64).cum_sum() - pl.col("size") + start)
                .alias("offset"))
            out = index.get_column("line").is_in(lines) if lines else None
            if out is None or not out.any():
                runs = index.select(pl.col("offset").first(), pl.col("size").sum(),
                                    pl.col("count").sum())
            else:
                runs = (index.with_columns(out.cum_sum().alias("_run"), out.alias("_out"))
                        .filter(~pl.col("_out"))
                        .group_by("_run", maintain_order=True)
                        .agg(pl.col("offset").first(), pl.col("size").sum(),
                             pl.col("count").sum()))
            for offset, size, count in runs.select("offset", "size", "count").iter_rows():
                if size:
                    yield offset, size, count

    def prewritten(self, rejected: Collection[int]) -> Iterator[Prewritten]:
        """The accepted rows' records, a run of adjacent accepted rows per piece."""
        self._body.flush()
        for offset, size, count in self.runs(rejected):
            self._body.seek(self._base + offset)
            yield Prewritten(self._body.read(size), count)

    def finish_in_place(self, rejected: Collection[int], head: bytes, end: bytes) -> int:
        """The body made the whole document: the rejected rows' records dropped (the runs
        after them moved up), ``head`` written in the room left for it (exactly as long),
        ``end`` after the last record; the count of records kept."""
        body = self._body
        body.flush()
        if len(head) != self._base:
            raise ValueError("the document's head does not fit the room left for it")
        count = 0
        at = self._base
        for offset, size, records in self.runs(rejected):
            start = self._base + offset
            # A run moves towards the start only, so each piece is read before it is
            # overwritten.
            while at != start and size:
                body.seek(start)
                piece = body.read(min(size, 1 << 20))
                if not piece:
                    raise OSError(errno.EIO, "the build's output ended before its records")
                body.seek(at)
                body.write(piece)
                at, start, size = at + len(piece), start + len(piece), size - len(piece)
            at += size
            count += records
        body.seek(at)
        body.write(end)
        body.truncate()
        body.seek(0)
        body.write(head)
        body.flush()
        return count

    def sync(self) -> None:
        """The body on disk (the output's, when it is the output)."""
        self._body.flush()
        os.fsync(self._body.fileno())

    def close(self) -> None:
        self._body.close()


# ---- the first pass -------------------------------------------------------------------------


@dataclass(slots=True)
class ColumnPass:
    """What the first pass found: rows rejected for their own errors, the key rows, the
    sender, and the spool."""

    spool: ColumnSpool
    keys: KeyRows = field(default_factory=KeyRows)
    rejected: dict[int, list[Finding]] = field(default_factory=dict)
    sender: str | None = None
    sender_line: int | None = None
    unreadable: bool = False
    rows_read: int = 0
    rows_blank: int = 0

    def offer_sender(self, line: int, brin: str | None) -> None:
        """The first record in export order that passed its own checks names the sender."""
        if brin and (self.sender_line is None or line < self.sender_line):
            self.sender, self.sender_line = brin, line


@dataclass(slots=True)
class _ChunkWork:
    """A plain chunk computed column-wise, waiting to be taken over in export order."""

    chunk: bytes
    first_line: int
    rows: int  # rows that are not blank
    raw_lines: int
    flagged: list[int]  # rows (0-based in the chunk) for the precise path
    keys: pl.DataFrame | None  # the key rows of the other rows' records
    ordered: pl.DataFrame  # their records' text: line, text, count, in export order
    sender: tuple[int, str] | None  # line and BRIN of the first record


class _Runner:
    def __init__(self, export: Path, layout: SliceLayout, table: ExportTable,
                 mapping: CompiledMapping, columns: dict[bool, ColumnMapping],
                 output_format: str,
                 result: Result, outcome: ColumnPass) -> None:
        self.export = export
        self.layout = layout
        self.header = list(table.header)
        self.width = len(self.header)
        self.mapping = mapping
        self.columns = columns
        self.xml = output_format == "xml"
        self.result = result
        self.outcome = outcome
        self.checker = RecordChecker()
        self.rules = self.checker.rules
        self.delimiter = layout.delimiter
        self._checks: dict[frozenset[str], CompiledChecks] = {}
        self._texts: dict[tuple[str, frozenset[str], bool], pl.Expr] = {}
        self.csv_lines = CsvLines()
        self._lock = threading.Lock()

    # -- findings, as builder._note has them
    def note(self, finding: Finding, line: int | None) -> None:
        self.result.add(finding)
        if finding.severity >= Severity.ERROR and line is not None:
            self.outcome.rejected.setdefault(line, []).append(finding)

    def drain(self, table: ExportTable) -> None:
        for finding in table.findings:
            if finding.code == "I020":
                self.outcome.unreadable = True
                self.result.add(finding)
            elif finding.severity >= Severity.ERROR and finding.location.line is not None:
                self.note(finding, finding.location.line)
            else:
                self.result.add(finding)
        table.findings.clear()

    def formatted(self, models: list[Record]) -> str:
        if self.xml:
            return "".join([xml_record(model, self.mapping.sector) for model in models])
        return "".join([self.csv_lines.line(model) for model in models])

    # -- one row on the precise path
    def precise_row(self, row: ExportRow) -> tuple[int, str, int] | None:
        from rodcli.builder import check_row

        checked = check_row(row, self.mapping, self.checker, self.outcome.keys)
        if checked.sender:
            self.outcome.offer_sender(row.line, checked.sender)
        for finding in checked.findings:
            self.note(finding, row.line)
        if checked.models:
            # Without its last line end, as the spool takes the texts.
            return row.line, self.formatted(checked.models)[:-1], len(checked.models)
        return None

    def precise_part(self, part: CsvSlice) -> None:
        """A part of the export read row by row (its own findings drained as it goes)."""
        import polars as pl

        pending: list[tuple[int, str, int]] = []

        def flush() -> None:
            if pending:
                lines, texts, counts = zip(*pending, strict=True)
                self.outcome.spool.add(pl.Series(lines, dtype=pl.UInt32),
                                       pl.Series(texts, dtype=pl.String),
                                       pl.Series(counts, dtype=pl.UInt32))
                pending.clear()

        with read_csv_slice(self.export, self.layout, part) as table:
            for row in table.rows:
                self.outcome.rows_read += 1
                kept = self.precise_row(row)
                self.drain(table)
                if kept is not None:
                    pending.append(kept)
                    if len(pending) >= 4096:
                        flush()
            self.drain(table)
            self.outcome.rows_blank += table.blank_rows
        flush()

    # -- a plain chunk, column by column
    def compute(self, chunk: bytes, first_line: int) -> _ChunkWork | None:
        """What a plain chunk's rows come to, or None when polars cannot cut it into the
        header's cells line for line. Touches nothing shared: runs on a worker thread."""
        import polars as pl

        lines = chunk.count(b"\n") + (0 if chunk.endswith(b"\n") else 1)
        if chunk.count(self.delimiter.encode()) != lines * (self.width - 1):
            return None
        names = [_cell(index) for index in range(self.width)]
        try:
            raw = pl.read_csv(chunk, has_header=False, separator=self.delimiter,
                              quote_char=None, infer_schema=False, new_columns=names)
        except pl.exceptions.PolarsError:
            return None
        if raw.height != lines or raw.width != self.width:
            return None
        # Cells need stripping only where the chunk has blanks.
        strip = b" " in chunk or b"\t" in chunk or b"\r" in chunk
        columns = self.columns[strip]
        blank = pl.all_horizontal([
            pl.col(name).str.strip_chars().fill_null("") == "" if strip
            else pl.col(name).is_null() for name in names])
        extra: list[pl.Expr] = []
        if columns.reason_column is not None:
            # Where the reason's cell starts on its line, as csv_field_position counts.
            before = names[:columns.reason_column]
            start = pl.sum_horizontal([pl.col(name).str.len_chars().fill_null(0) + 1
                                       for name in before] or [pl.lit(0)]) + 1
            extra = [pl.col(LINE_COLUMN).alias("_reason_line"),
                     start.cast(pl.UInt32).alias("_reason_column")]
        mapped = (
            raw.lazy()
            .with_row_index(_ROW)
            .with_columns((pl.col(_ROW) + first_line).cast(pl.UInt32).alias(LINE_COLUMN),
                          blank.alias("_blank"))
            .filter(~pl.col("_blank"))
            .with_columns(*(value.alias(name) for name, value in columns.values.items()),
                          *(condition.alias(f"_rule{number}")
                            for number, (_type, condition) in enumerate(columns.rules)))
            .select(_ROW, LINE_COLUMN, columns.flag.alias("_flag"), *extra,
                    *columns.values, *(f"_rule{number}" for number in range(len(columns.rules))))
            .collect()
        )
        del raw
        escape = columns.escape or any(byte in chunk for byte in b"&<>")
        pieces = [mapped.lazy().filter(pl.col(f"_rule{number}") & ~pl.col("_flag"))
                  .select(_ROW, LINE_COLUMN, pl.lit(record_type).alias(TYPE_COLUMN),
                          pl.lit(number, pl.UInt8).alias(_ORDER), *wanted,
                          text.alias(_TEXT))
                  for number, (record_type, wanted, text)
                  in enumerate(self._shapes(columns, escape))]
        batch = pl.concat(pieces, how="diagonal")
        checks = self._checks_for(frozenset(batch.collect_schema().names()))
        records = batch.with_columns(*checks.values).with_columns(
            checks.passes.alias("_passes")).collect()
        failing = records.filter(~pl.col("_passes")).get_column(_ROW)
        flagged = (pl.concat([mapped.filter(pl.col("_flag")).get_column(_ROW), failing])
                   .unique().sort())
        good = records.filter(~pl.col(_ROW).is_in(flagged.implode())) if len(flagged) else (
            records)
        keys = sender = None
        if not good.is_empty():
            keys = batch_rows(good, pl.Series([True] * good.height), self.mapping.sector, "iso")
            if columns.reason_source is not None:
                keys = keys.with_columns(
                    pl.when(pl.col("at_line").is_not_null())
                    .then(pl.lit(columns.reason_source))
                    .cast(key_schema()["at_field"]).alias("at_field"))
            if "brin" in good.columns:
                sender = good.select(pl.col(LINE_COLUMN).min(),
                                     pl.col("brin").sort_by(LINE_COLUMN).first()).row(0)
        ordered = good.select(LINE_COLUMN, _TEXT, pl.lit(1, pl.UInt32).alias("count"))
        if good.height > 1 and len(columns.rules) > 1:
            ordered = ordered.with_columns(good.get_column(_ORDER)).sort(
                LINE_COLUMN, _ORDER).drop(_ORDER)
        return _ChunkWork(chunk, first_line, mapped.height, raw_lines=lines,
                          flagged=flagged.to_list(), keys=keys, ordered=ordered,
                          sender=sender)

    def consume(self, work: _ChunkWork) -> None:
        """A computed chunk, in export order: its flagged rows on the precise path, its
        records into the spool, its key rows into the table."""
        import polars as pl

        outcome = self.outcome
        outcome.rows_read += work.rows
        outcome.rows_blank += work.raw_lines - work.rows
        if work.sender is not None:
            outcome.offer_sender(*work.sender)
        kept: list[tuple[int, str, int]] = []
        if work.flagged:
            text_lines = work.chunk.decode("ascii").split("\n")
            for index in work.flagged:
                text = text_lines[index]
                if index + 1 < len(text_lines):
                    text += "\n"
                cells: list[Any] = [cell if cell else None
                                    for cell in text.rstrip("\r\n").split(self.delimiter)]
                row = ExportRow(work.first_line + index, cells, text, self.delimiter)
                row_kept = self.precise_row(row)
                if row_kept is not None:
                    kept.append(row_kept)
        if work.keys is not None:
            outcome.keys.add_frame(work.keys)
        ordered = work.ordered
        if kept:
            lines, texts, counts = zip(*kept, strict=True)
            ordered = pl.concat([ordered, pl.DataFrame(
                {LINE_COLUMN: lines, _TEXT: texts, "count": counts},
                schema={LINE_COLUMN: pl.UInt32, _TEXT: pl.String, "count": pl.UInt32})]
            ).sort(LINE_COLUMN, maintain_order=True)
        outcome.spool.add(ordered.get_column(LINE_COLUMN), ordered.get_column(_TEXT),
                          ordered.get_column("count"))

    def _shapes(self, columns: ColumnMapping, escape: bool
                ) -> list[tuple[str, list[str], pl.Expr]]:
        """Per record type of the mapping: the columns of its records and their text."""
        models = RECORD_MODELS[self.mapping.sector]
        shapes = []
        for record_type, _condition in columns.rules:
            model = models[record_type]
            present = {name: kind for name, kind in columns.kinds.items()
                       if name in model.model_fields}
            wanted = [name for name in columns.values if name in model.model_fields]
            if _REASON in wanted and columns.reason_column is not None:
                wanted += ["_reason_line", "_reason_column"]
            shapes.append((record_type, wanted, self._text(model, present, escape)))
        return shapes

    def _text(self, model: type[Record], present: dict[str, Kind], escape: bool) -> pl.Expr:
        key = (model.record_type, frozenset(present), escape)
        with self._lock:
            text = self._texts.get(key)
        if text is None:
            text = self._texts[key] = (xml_text(model, present, escape) if self.xml
                                       else csv_text(model, present))
        return text

    def _checks_for(self, columns: frozenset[str]) -> CompiledChecks:
        with self._lock:
            checks = self._checks.get(columns)
            if checks is None:
                checks = self._checks[columns] = compile_checks(self.mapping.sector, "iso",
                                                                columns, self.rules)
        return checks


def first_pass_in_columns(export: Path, table: ExportTable, mapping: CompiledMapping,
                          output_format: Literal["xml", "csv"], forced_encoding: bool,
                          result: Result, on_progress: Callable[[int], None] | None,
                          threads: int = 2, rows_unless_mostly_fine: bool = False,
                          on_spooled: Callable[[bytes], object] | None = None,
                          spool_body: IO[bytes] | None = None
                          ) -> ColumnPass | None:
    """The first pass over a CSV export whose header ``table`` has read, column by column;
    None (before anything is reported) when the export or the mapping is not for it, or,
    with ``rows_unless_mostly_fine``, when its first chunk is not plain or most of its rows
    take the precise path: that path runs in this thread, forked processes run it on every
    core. ``on_spooled`` is handed the text of the records as they are spooled;
    ``spool_body`` is where they go (see ``ColumnSpool``), else a temporary file."""
    try:
        planned = plan_export_slices(export, table, forced_encoding, 1)
    except OSError:
        return None
    if planned is None:
        return None
    layout, (part,) = planned
    if layout.decode_as not in ("utf-8", "cp1252", "iso8859-1", "iso8859-15", "ascii"):
        return None
    with export.open("rb") as handle:
        first = handle.readline(1 << 20).rstrip(b"\r\n")
    if first.count(layout.delimiter.encode("utf-8", "replace")) + 1 != len(table.header):
        return None  # empty names at the header's end: rows may be longer than the header
    stripped = column_mapping(mapping, len(table.header))
    plain = column_mapping(mapping, len(table.header), strip=False)
    if stripped is None or plain is None or not _sliceable(export, part.start,
                                                           layout.utf8_assumed):
        return None
    columns = {True: stripped, False: plain}
    outcome = ColumnPass(ColumnSpool(on_spooled, spool_body))
    runner = _Runner(export, layout, table, mapping, columns, output_format, result, outcome)
    if rows_unless_mostly_fine and _rows_suit_better(runner, export, part):
        outcome.spool.close()
        return None
    runner.drain(table)  # what reading the header found (E001 when the encoding was forced)
    try:
        _read(runner, export, part, on_progress, threads)
    except BaseException:
        outcome.spool.close()
        raise
    result.extend(layout.closing_findings())  # said at the end, read to it or not
    _small_as_rows(outcome.keys)
    return outcome


def _small_as_rows(keys: KeyRows) -> None:
    """Key rows of a small export back as Python rows: the engine checks so few keys in
    plain Python, and takes frames only from many."""
    if not keys.frames or len(keys) >= COLUMNAR_FROM_RECORDS:
        return
    rows: list[Any] = [row for frame in keys.frames
                       for row in frame.drop("_key").iter_rows()]
    keys.rows[:0] = rows
    keys.frames = []


def _read(runner: _Runner, export: Path, part: CsvSlice,
          on_progress: Callable[[int], None] | None, threads: int) -> None:
    """The chunks of the export in order. Plain chunks are computed on two threads ahead of
    taking them over (polars lets go of the GIL, so reading, mapping and checking overlap
    on two cores); a chunk that is not plain waits for those before it."""
    from rodcli.readers.textlines import MAX_LINE_BYTES

    start, line = part.start, part.first_line
    header = tuple(runner.header)
    pending: deque[tuple[Future[_ChunkWork | None], bytes, int, int]] = deque()

    def take(keep: int) -> None:
        while len(pending) > keep:
            future, chunk, chunk_start, chunk_line = pending.popleft()
            work = future.result()
            if runner.outcome.unreadable:
                continue
            if work is None:
                runner.precise_part(CsvSlice(chunk_start, chunk_start + len(chunk),
                                             chunk_line, header))
            else:
                runner.consume(work)
            if on_progress is not None:
                on_progress(runner.outcome.rows_read)

    with export.open("rb") as handle, ThreadPoolExecutor(threads) as pool:
        handle.seek(start)
        while True:
            chunk = handle.read(CHUNK_BYTES)
            if not chunk:
                break
            too_long = False
            if not chunk.endswith(b"\n"):
                chunk += handle.readline(MAX_LINE_BYTES + 1)
                too_long = not chunk.endswith(b"\n") and bool(handle.read(1))
            if too_long or b'"' in chunk:
                # A quoted cell may span lines, and a line too long is refused where the
                # reader meets it: the rest of the export row by row.
                take(0)
                if not runner.outcome.unreadable:
                    runner.precise_part(CsvSlice(start, export.stat().st_size, line, header))
                break
            if _is_plain(chunk) and not _has_long_line(chunk):
                pending.append((pool.submit(runner.compute, chunk, line), chunk, start, line))
                take(threads - 1)  # one computing beside each one awaited
            else:
                take(0)
                if runner.outcome.unreadable:
                    break
                runner.precise_part(CsvSlice(start, start + len(chunk), line, header))
            if runner.outcome.unreadable:
                break
            start += len(chunk)
            line += chunk.count(b"\n")
        take(0)


def _rows_suit_better(runner: _Runner, export: Path, part: CsvSlice) -> bool:
    """Whether the export's first chunk is one the row path reads faster on several
    processes: not plain (quotes or other characters are seldom in one place only), or
    most of its rows in need of the precise path (computed and let go: nothing is
    reported)."""
    from rodcli.readers.textlines import MAX_LINE_BYTES

    with export.open("rb") as handle:
        handle.seek(part.start)
        chunk = handle.read(CHUNK_BYTES)
        if chunk and not chunk.endswith(b"\n"):
            chunk += handle.readline(MAX_LINE_BYTES + 1)
    if not chunk:
        return False
    if not chunk.endswith(b"\n") or not _is_plain(chunk) or _has_long_line(chunk):
        return True
    work = runner.compute(chunk, part.first_line)
    return work is None or len(work.flagged) * 2 > work.rows


def _sliceable(path: Path, start: int, utf8: bool) -> bool:
    """Whether the export from ``start`` on can be read in parts as it reads whole: no byte
    that is no UTF-8 (where UTF-8 was assumed, the rest would switch to Windows-1252) and
    no old-Mac line end (a CR alone)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    carried_cr = False
    with path.open("rb") as handle:
        handle.seek(start)
        while block := handle.read(_SCAN_BYTES):
            if utf8 and not (block.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(block)
                except UnicodeDecodeError:
                    return False
            if carried_cr and not block.startswith(b"\n"):
                return False
            if b"\r" in block:
                body = block[:-1] if block.endswith(b"\r") else block
                if body.count(b"\r") != body.count(b"\r\n"):
                    return False
                carried_cr = block.endswith(b"\r")
            else:
                carried_cr = False
    if carried_cr:
        return False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True
