"""Bulk XML into batches of columns.

A bulk XML file is plain in the common case: ASCII, one element per line (as rodcli and most
tools write it), no comments, entities, CDATA or processing instructions among the records,
and the bulk namespace as the default namespace. Such a file is cut into chunks of whole
records. Each chunk, wrapped in the file's own root start tag and header, is validated
against the XSD by libxml2 (streaming, no tree built, without the GIL, so two chunks go at
once on two cores), and its lines are cut into string columns by polars. The engine's column
checks take these batches as they take a CSV file's.

The XSD decides only whether the file is valid, never what is wrong: a chunk it finds fault
with, or anything that is not plain, hands the file to the precise reader
(``readers.bulk_xml``) from that chunk on. That reader reads the whole file again (its
findings need the whole document: lines, the header checked after the records) and the
records handed over already are skipped: they were valid, so the reader would have said
nothing about them but their values, which the engine has checked.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from collections import deque
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT, Sector
from rodcli.bulkformat.models import RECORD_MODELS, field_names
from rodcli.bulkformat.xsd import builtin_schema, valid_as_read
from rodcli.engine.batch import Batch
from rodcli.engine.fields import LINE_COLUMN, TYPE_COLUMN
from rodcli.findings import FileReport, Finding
from rodcli.readers.bulk_xml import MAX_ATTRIBUTES, read_xml_bulk
from rodcli.records import Locator, Position, RawRecord, RecordsEnd

if TYPE_CHECKING:
    import polars as pl

CHUNK_BYTES = 1 << 21
# The declaration, root start tag and header of a bulk file fit in far less; a file whose
# first record starts later is read by the precise reader.
HEAD_BYTES = 1 << 20
# A chunk ends at a record's end: one that has none for this long is not plain.
MAX_RECORD_BYTES = 1 << 22
# Chunks validated and cut ahead of the engine: while the engine checks a batch (four
# chunks), the threads go on with the chunks after it. A chunk waiting its turn holds its
# bytes and columns, about 4 MiB. Three threads on two cores: each holds the GIL for parts
# of a chunk (copying, translating, polars' Python side), and a third keeps both cores busy
# meanwhile; measured at 1M records (2 cores, interleaved runs) 6.23 s against 6.59 s with
# two, for about 15 MiB more at the peak.
WORKERS = 3
AHEAD = 6
# Chunks are handed to the engine in batches of at least this many records.
BATCH_RECORDS = 16384

_SECTORS: dict[str, Sector] = {namespace: sector for sector, namespace in NAMESPACES.items()}
_ROOT = ROOT_ELEMENT.encode("ascii")
# XML 1.0 in UTF-8 (or ASCII, its subset); another version or encoding changes how the bytes
# read (XML 1.1 ends lines at more characters), so only this one is plain.
_DECLARATION = re.compile(
    rb"""<\?xml[ \t\r\n]+version[ \t\r\n]*=[ \t\r\n]*(["'])1\.0\1"""
    rb"""(?:[ \t\r\n]+encoding[ \t\r\n]*=[ \t\r\n]*(["'])(?i:utf-8)\2)?"""
    rb"""(?:[ \t\r\n]+standalone[ \t\r\n]*=[ \t\r\n]*(["'])(?:yes|no)\3)?[ \t\r\n]*\?>""")
_ROOT_TAG = re.compile(rb"<" + _ROOT + rb"(?:[ \t\r\n][^<>]*)?>")
_SPACE = re.compile(rb"[ \t\r\n]*")
_TAIL = re.compile(rb"[ \t\r\n]*</" + _ROOT + rb"[ \t\r\n]*>[ \t\r\n]*")
# '>' read as '<': a line such as `    <brin>99XX</brin>` falls apart into its indent, start
# tag, text, end tag and what follows, one cell each.
_TAGS_AS_ONE = bytes.maketrans(b">", b"<")
_CELLS = ["indent", "tag", "text", "end", "after"]
_LINE = re.compile(r"[ \t]*<(/?[^<>/]+)(/?)>(?:([^<>]*)</[^<>]+>)?")
# libxml2 keeps an element's line in 16 bits; from this line on it answers with another
# node's line (see _columns).
_BIG_LINE = 65535
# libxml2's push parser waits for the next '<' before it hands over text shorter than 300
# bytes; a longer run of white space may come in parts, each with the line it had reached.
# A line's indent and what follows its last tag stay under this, so a run between two tags
# (at most both and a line break) comes whole.
_SHORT_SPACE = 128


@dataclass(frozen=True, slots=True)
class _Plan:
    """What every chunk of one plain file shares."""

    sector: Sector
    prefix: bytes  # from the root start tag to the first record's line
    suffix: bytes  # the root's end tag
    start: int  # where the first record's line starts
    first_line: int
    tags: _Tags


@dataclass(frozen=True, slots=True)
class _Tags:
    """The tags a plain chunk may hold at a line's start, numbered: each field's start tag,
    each record's start tag, each record's end tag, each field's empty-element tag; then
    each field's end tag (which may only end a line)."""

    fields: tuple[str, ...]
    types: tuple[str, ...]
    enum: pl.Enum

    @property
    def record_start(self) -> int:
        return len(self.fields)

    @property
    def record_end(self) -> int:
        return len(self.fields) + len(self.types)

    @property
    def field_end(self) -> int:
        return 2 * len(self.fields) + 2 * len(self.types)


def _tags(sector: Sector) -> _Tags:
    import polars as pl

    fields = tuple(field_names(sector))
    types = tuple(RECORD_MODELS[sector])
    names = [*fields, *types, *(f"/{name}" for name in types), *(f"{name}/" for name in fields),
             *(f"/{name}" for name in fields)]
    return _Tags(fields, types, pl.Enum(names))


def xml_items(path: Path, file: str, report: FileReport, sector: str | None
              ) -> Iterator[Batch | RawRecord | Finding | RecordsEnd]:
    """The records and findings of a bulk XML file: batches of columns while the file is
    plain and valid, the precise reader's records and findings from where it is not."""
    plan = _plan(path, sector)
    handed = 0
    if plan is not None:
        report.kind, report.sector, report.encoding = "xml", plan.sector, "utf-8"
        gathered: list[Batch] = []
        with closing(_batches(path, plan, builtin_schema(plan.sector), file)) as batches:
            for item in batches:
                if item is not None:
                    gathered.append(item)
                if item is None or sum(part.frame.height for part in gathered) >= BATCH_RECORDS:
                    batch = _joined(gathered)
                    gathered = []
                    if batch is not None:
                        handed += batch.frame.height
                        report.records += batch.frame.height
                        yield batch
                if item is None:
                    break
            else:
                batch = _joined(gathered)
                if batch is not None:
                    report.records += batch.frame.height
                    yield batch
                return
    # The precise reader counts every record of the file again.
    report.records = 0
    skip = handed
    for found in read_xml_bulk(path, file, report, sector):
        if skip and isinstance(found, RawRecord):
            skip -= 1
            continue
        yield found


def _joined(parts: list[Batch]) -> Batch | None:
    """The chunks' batches as one: the engine's fixed cost per batch made batches of one
    chunk (5,400 ho records) cost 1.8x as much per record as batches of four."""
    import polars as pl

    if len(parts) <= 1:
        return parts[0] if parts else None
    offsets = list(accumulate((part.frame.height for part in parts), initial=0))

    def records(indices: Sequence[int]) -> list[RawRecord]:
        found: list[RawRecord] = []
        for index in indices:
            at = bisect_right(offsets, index) - 1
            found.extend(parts[at].records([index - offsets[at]]))
        return found

    return Batch(pl.concat([part.frame for part in parts], rechunk=False), records)


def _plan(path: Path, sector: str | None) -> _Plan | None:
    """The prolog, root start tag and header of a plain bulk file, else None."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    declaration = _DECLARATION.match(head)
    declaration_end = declaration.end() if declaration is not None else 0
    at = _space_end(head, declaration_end)
    root_tag = _ROOT_TAG.match(head, at)
    if root_tag is None or root_tag.group().endswith(b"/>"):
        return None
    found = _root_sector(root_tag.group())
    if found is None or (sector is not None and sector != found):
        return None  # the precise reader says what is wrong, or I014
    tags = _tags(found)
    first = re.compile(rb"<(?:" + b"|".join(name.encode() for name in tags.types)
                       + rb")[ \t\r\n/>]").search(head, root_tag.end())
    if first is None:
        return None
    start = head.rfind(b"\n", 0, first.start()) + 1
    before = head[:start]
    if (start <= root_tag.end() or head[start:first.start()].strip(b" \t")
            or not _plain_bytes(head[declaration_end:start])
            or b"<!" in head[declaration_end:start] or b"<?" in head[declaration_end:start]
            or before.count(b"\r") != before.count(b"\r\n")):
        return None
    return _Plan(found, head[root_tag.start():start], b"</" + _ROOT + b">", start,
                 before.count(b"\n") + 1, tags)


def _space_end(data: bytes, at: int) -> int:
    match = _SPACE.match(data, at)
    return match.end() if match is not None else at


def _root_sector(start_tag: bytes) -> Sector | None:
    try:
        root = etree.fromstring(start_tag + b"</" + _ROOT + b">",
                                etree.XMLParser(resolve_entities=False, no_network=True,
                                                load_dtd=False))
    except etree.XMLSyntaxError:
        return None
    if len(root.attrib) > MAX_ATTRIBUTES or root.prefix is not None:
        return None
    return _SECTORS.get(etree.QName(root).namespace or "")


def _plain_bytes(data: bytes) -> bool:
    """ASCII without references (which change what the text reads), and lines that end as
    libxml2 counts them. (Comments, CDATA and instructions: see _columns.)"""
    if not data.isascii() or b"&" in data:
        return False
    return b"\r" not in data or data.count(b"\r") == data.count(b"\r\n")


def _batches(path: Path, plan: _Plan, schema: etree.XMLSchema, file: str
             ) -> Generator[Batch | None, None, None]:
    """The file's batches in order; None where the fast path ends (the rest is the precise
    reader's)."""
    ends = [f"</{name}>".encode() for name in plan.tags.types]
    pending: deque[Future[Batch | None]] = deque()
    with ThreadPoolExecutor(WORKERS) as workers, path.open("rb") as handle:
        try:
            handle.seek(plan.start)
            buffer = b""
            line = plan.first_line
            while True:
                block = handle.read(CHUNK_BYTES)
                if not block:
                    break
                buffer = buffer + block if buffer else block
                cut = _cut(buffer, ends)
                if cut < 0:
                    if len(buffer) > MAX_RECORD_BYTES:
                        yield None
                        return
                    continue
                # What follows the cut is read again with the next block, rather than
                # carried over: no copying of every chunk's bytes on this thread.
                chunk = buffer if cut == len(buffer) else buffer[:cut]
                if cut < len(buffer):
                    handle.seek(cut - len(buffer), io.SEEK_CUR)
                buffer = b""
                pending.append(workers.submit(_chunk_batch, chunk, line, plan, schema, file))
                line += chunk.count(b"\n")
                while len(pending) >= AHEAD:
                    batch = pending.popleft().result()
                    yield batch
                    if batch is None:
                        return
            while pending:
                batch = pending.popleft().result()
                yield batch
                if batch is None:
                    return
            if _TAIL.fullmatch(buffer) is None:
                yield None
        finally:
            for future in pending:
                future.cancel()


def _cut(buffer: bytes, ends: list[bytes]) -> int:
    """Where the line holding the buffer's last record end tag ends, or -1."""
    last = max(buffer.rfind(end) + len(end) if end in buffer else -1 for end in ends)
    if last < 0:
        return -1
    newline = buffer.find(b"\n", last)
    return -1 if newline < 0 else newline + 1


def _chunk_batch(chunk: bytes, first_line: int, plan: _Plan, schema: etree.XMLSchema,
                 file: str) -> Batch | None:
    """A chunk's batch, or None when it is not plain or not valid."""
    import polars as pl

    if not _plain_bytes(chunk):
        return None
    try:
        columns = _columns(chunk, first_line, plan.tags)
    except (pl.exceptions.PolarsError, ValueError):
        return None  # whatever polars cannot read as planned is the precise reader's
    if columns is None or not valid_as_read(plan.prefix + chunk + plan.suffix, schema):
        return None
    frame, starts = columns
    return Batch(frame, _RawMaker(chunk, first_line, frame, starts, file))


def _columns(chunk: bytes, first_line: int, tags: _Tags
             ) -> tuple[pl.DataFrame, pl.Series] | None:
    """One row per record: ``_type``, ``_line``, a string column per field (stripped, null
    where empty or absent) and where the reason of a deregistration stands; and the line of
    each record's start tag. None when a line is not one element (a value over several
    lines, two elements on a line, a stranger, a blank line)."""
    import polars as pl

    try:
        cells = pl.read_csv(chunk.translate(_TAGS_AS_ONE), has_header=False, separator="<",
                            quote_char=None, schema=dict.fromkeys(_CELLS, pl.String),
                            missing_columns="insert")
    except pl.exceptions.PolarsError:
        return None  # more cells than one element has: not a line of one element
    width = len(tags.fields)
    code = pl.col("code")
    is_field = code < width
    is_start = (code >= tags.record_start) & (code < tags.record_end)
    rows = cells.lazy().with_columns(
        pl.col("tag").cast(tags.enum, strict=False).to_physical().cast(pl.Int32).alias("code"),
    ).with_columns(
        pl.int_range(first_line, first_line + pl.len(), dtype=pl.Int64).alias("line"),
        (is_start.cast(pl.Int32).cum_sum() - 1).alias("record"),
    )
    # Every line one known tag (a comment, CDATA or instruction is none; one inside a line
    # makes more cells than a line of one element has): a field's start and end tag, any
    # other tag alone; records around their fields. libxml2 hands a long run of white space
    # over in parts, which moves the lines it gives beyond 65,535 (below): short runs only.
    plain = rows.select(
        code.is_not_null().all() & (code.max() < tags.field_end)
        & (pl.col("end").is_not_null() == is_field).all() & (pl.col("record").min() >= 0)
        & (pl.max_horizontal(pl.col("indent").str.len_bytes().max(),
                             pl.col("after").str.len_bytes().max(),
                             pl.col("text").filter(~is_field).str.len_bytes().max())
           .fill_null(0) < _SHORT_SPACE))
    starts = rows.filter(is_start).select("code", "line")
    stripped = pl.col("text").str.strip_chars()
    values = rows.filter(is_field).select(
        (pl.col("record") * width + code).alias("at"),
        pl.when(stripped != "").then(stripped).alias("value"))
    reasons = rows.filter(code == tags.fields.index("redenUitschrijving")).select(
        "record", pl.col("line").cast(pl.UInt32))
    verdict, starts_frame, values_frame, reasons_frame = pl.collect_all(
        [plain, starts, values, reasons])
    if not verdict.item():
        return None
    count = starts_frame.height
    flat = pl.Series("value", [None], pl.String).extend_constant(None, count * width - 1)
    flat = flat.scatter(values_frame.get_column("at"), values_frame.get_column("value"))
    reason_line = pl.Series("_reason_line", [None], pl.UInt32).extend_constant(None, count - 1)
    if reasons_frame.height:
        reason_line = reason_line.scatter(reasons_frame.get_column("record"),
                                          reasons_frame.get_column("line"))
    line = starts_frame.get_column("line")
    frame = pl.DataFrame({
        TYPE_COLUMN: (starts_frame.get_column("code") - tags.record_start).replace_strict(
            list(range(len(tags.types))), list(tags.types), return_dtype=pl.String),
        # libxml2 keeps an element's line in 16 bits: from 65,535 on it gives the line of the
        # element's first child, here the white space before the first field, which ends on
        # the next line. The precise reader reports those lines, so this path does too.
        LINE_COLUMN: (line + (line >= _BIG_LINE).cast(pl.Int64)).cast(pl.UInt32),
    })
    fields = flat.reshape((count, width)).arr.to_struct(fields=list(tags.fields))
    return frame.hstack(fields.struct.unnest()).with_columns(
        reason_line, pl.lit(None, pl.UInt32).alias("_reason_column")), line


class _RawMaker:
    """Records of a plain chunk as the precise path's RawRecords: each field's value as
    libxml2 gives its text (stripped), and its line as libxml2 gives it."""

    def __init__(self, chunk: bytes, first_line: int, frame: pl.DataFrame, starts: pl.Series,
                 file: str) -> None:
        self._chunk = chunk
        self._first_line = first_line
        self._frame = frame
        self._starts = starts
        self._file = file
        self._lines: list[str] | None = None
        self._starts_list: list[int] = []
        self._types: list[str] = []
        self._record_lines: list[int] = []

    def __call__(self, indices: Sequence[int]) -> list[RawRecord]:
        if self._lines is None:
            self._lines = self._chunk.decode("ascii").split("\n")
            self._starts_list = self._starts.to_list()
            self._types = self._frame.get_column(TYPE_COLUMN).to_list()
            self._record_lines = self._frame.get_column(LINE_COLUMN).to_list()
        lines = self._lines
        records = []
        for index in indices:
            at = self._starts_list[index] - self._first_line
            values: dict[str, str] = {}
            positions: dict[str, int] = {}
            while True:
                at += 1
                element = _LINE.match(lines[at])
                assert element is not None  # a plain chunk has a tag on every line
                name, text = element.group(1), element.group(3)
                if name.startswith("/"):
                    break
                line = self._first_line + at
                # An empty element has no child: libxml2 gives the line of what follows.
                positions.setdefault(name, line + 1 if line >= _BIG_LINE and not text
                                     else line)
                if text is not None and (text := text.strip()):
                    values[name] = text
            records.append(RawRecord(self._types[index], values, self._file,
                                     self._record_lines[index], locate=_locator(positions)))
        return records


def _locator(positions: dict[str, int]) -> Locator:
    def locate(field_name: str) -> Position | None:
        line = positions.get(field_name)
        return (line, None) if line is not None else None

    return locate
