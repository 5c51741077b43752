"""CSV exports as student administrations and Excel really write them.

Separators ``;`` ``,`` tab ``|`` (sniffed from the header line, or Excel's ``sep=`` line, unless
forced); UTF-8 with or without BOM, Windows-1252 and UTF-16 (with a BOM, or without one when
the NUL bytes give it away), unless forced; CRLF, LF and old-Mac CR line ends; quoted fields
with line breaks inside; blank and ragged rows. Which encoding was assumed is reported once as
E001, because a silent guess is the worst kind.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from rodcli.exports import (
    Cell,
    ExportError,
    ExportRow,
    ExportTable,
    fit_width,
    header_problem,
)
from rodcli.findings import Finding, Location, make_finding
from rodcli.parallel import SliceUnsure
from rodcli.readers.bulk_csv import CsvSlice, line_end_cuts, open_slice
from rodcli.readers.textlines import LineDecoder
from rodcli.records import csv_field_position

# Larger than any legitimate field, small enough that a hostile file cannot eat memory.
FIELD_SIZE_LIMIT = 1 << 20
# Candidates in order of preference: on a tie the first wins (";" is what Dutch Excel writes).
DELIMITERS = (";", ",", "\t", "|")
_DELIMITER_ALIASES = {"\\t": "\t", "tab": "\t"}
_SNIFF_BYTES = 1 << 13
_SEP_LINE = re.compile(r'"?sep=([^"\r\n])"?', re.IGNORECASE)  # Excel's separator hint
_UTF16_LABELS = {"utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}
_BLANK_LINE_CHARS = " \t\r\n\"" + "".join(DELIMITERS)


def read_csv_export(
    handle: BinaryIO, file: str, *, delimiter: str | None = None, encoding: str | None = None
) -> ExportTable:
    """Read the header of a CSV export and return the table; ``handle`` becomes the table's."""
    forced_delimiter = _check_delimiter(delimiter, file) if delimiter is not None else None
    if encoding is not None:
        codec = _check_encoding(encoding, file)
        if not codecs.lookup(codec).name.startswith(("utf-16", "utf-32")):
            # Binary content is judged the same whether or not an encoding was given: as
            # init judges it (E005), not as a header that lacks every mapped column (M002).
            head = handle.read(_SNIFF_BYTES)
            handle.seek(0)
            _utf16_without_bom(head, file)
        source = _Source(handle, file, codec, (
            f"{codec}, zoals opgegeven (--encoding, of encoding in [source] van de mapping)",
            f"{codec}, as given (--encoding, or encoding in the mapping's [source])"))
    else:
        head = handle.read(_SNIFF_BYTES)
        handle.seek(0)
        utf16 = _utf16_without_bom(head, file)
        label = _UTF16_LABELS.get(utf16 or "", "")
        source = _Source(handle, file, utf16, (label, label))
    csv.field_size_limit(FIELD_SIZE_LIMIT)
    lines = iter(source)
    number, first, sep = _find_header(lines, file)
    chosen = forced_delimiter or sep or sniff_delimiter(first)

    capture = _Capture(itertools.chain([first], lines), number - 1)
    reader = csv.reader(capture, delimiter=chosen, quotechar='"', strict=True)
    try:
        row = next(reader)
    except csv.Error as error:
        raise ExportError(
            make_finding("I020", Location(file, capture.record_start, 1), reason=str(error))
        ) from error
    header_line, header_text = capture.take()
    names = [cell.strip() for cell in row]
    while names and not names[-1]:
        names.pop()
    problem = header_problem(names)
    if problem is not None:
        columns, index = problem
        line, column = csv_field_position(header_text, index, chosen, header_line)
        raise ExportError(make_finding("E003", Location(file, line, column), columns=columns))

    table = ExportTable(
        file=file,
        header=names,
        header_line=header_line,
        rows=iter(()),
        findings=[],
        encoding=source.codec,
        delimiter=chosen,
        _closer=handle.close,
    )
    _collect(table, source)
    table.rows = _rows(table, reader, capture, source, handle)
    return table


def sniff_delimiter(line: str) -> str:
    """The candidate separator that occurs most often outside quotes; ``;`` on a tie or when
    there is none (a single column)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    in_quotes = False
    for char in line:
        if char == '"':
            in_quotes = not in_quotes
        elif not in_quotes and char in counts:
            counts[char] += 1
    return max(DELIMITERS, key=counts.__getitem__)  # max keeps the first of equals


class _Lines(Protocol):
    """What ``_rows`` needs of the decoded lines' source."""

    codec: str
    findings: list[Finding]

    def finish(self) -> None: ...


def _rows(
    table: ExportTable,
    reader: Iterator[list[str]],
    capture: _Capture,
    source: _Lines,
    handle: BinaryIO,
) -> Iterator[ExportRow]:
    file, width, delimiter = table.file, len(table.header), table.delimiter or ";"
    try:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                _collect(table, source)
                table.findings.append(
                    make_finding("I020", Location(file, capture.record_start, 1),
                                 reason=str(error))
                )
                break
            line, text = capture.take()
            _collect(table, source)
            if not any(cell.strip() for cell in row):
                table.blank_rows += 1
                continue
            cells: list[Cell] = [cell if cell else None for cell in row]
            extra = fit_width(cells, width)
            if extra is not None:
                at_line, at_column = csv_field_position(text, extra, delimiter, line)
                table.findings.append(
                    make_finding("E002", Location(file, at_line, at_column),
                                 found=len(cells), expected=width)
                )
            yield ExportRow(line, cells, text, delimiter)
        source.finish()
        _collect(table, source)
    finally:
        handle.close()


def _collect(table: ExportTable, source: _Lines) -> None:
    table.findings.extend(source.findings)
    source.findings.clear()
    table.encoding = source.codec


def _find_header(lines: Iterator[str], file: str) -> tuple[int, str, str | None]:
    """Skip blank lines and Excel's ``sep=`` line: (physical line, its text, sep)."""
    number = 0
    sep: str | None = None
    seen_content = False
    for line in lines:
        number += 1
        if not line.strip(_BLANK_LINE_CHARS):
            continue
        if not seen_content:
            seen_content = True
            match = _SEP_LINE.fullmatch(line.rstrip("\r\n"))
            if match:
                sep = match.group(1)
                continue
        return number, line, sep
    raise ExportError(make_finding("E004", Location(file)))


def _check_delimiter(delimiter: str, file: str) -> str:
    chosen = _DELIMITER_ALIASES.get(delimiter.lower(), delimiter)
    if len(chosen) != 1 or chosen in "\"\r\n":
        raise ExportError(make_finding("E010", Location(file), delimiter=delimiter))
    return chosen


def _check_encoding(encoding: str, file: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError as error:
        raise ExportError(make_finding("E009", Location(file), encoding=encoding)) from error


def _utf16_without_bom(head: bytes, file: str) -> str | None:
    """``utf-16-le``/``-be`` for UTF-16 text without a BOM (what ``bcp -w`` writes), None for
    anything else that is text; raises E005 for binary content."""
    if b"\x00" not in head or head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    head = head[: len(head) // 2 * 2]
    even, odd = head[0::2], head[1::2]
    if odd and odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even and even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    raise ExportError(make_finding("E005", Location(file), found="byte 0x00"))


class _Source:
    """Decoded physical lines (ends kept, a lone CR made a LF) and the E001 finding that says
    once which encoding was assumed: at once when it is certain (forced, UTF-16, a switch to
    Windows-1252), at the end for UTF-8, which a later byte could still overturn."""

    def __init__(self, handle: BinaryIO, file: str, codec: str | None,
                 label: tuple[str, str]) -> None:
        self._handle = handle
        self._file = file
        self._forced = codec
        self._label = label
        self.codec = codec or "utf-8"
        self.findings: list[Finding] = []
        self._announced = False

    def __iter__(self) -> Iterator[str]:
        if self._forced is not None:
            self._announce(self._label, Location(self._file))
            raw = _decode_stream(self._handle, self._forced)
        else:
            raw = self._auto(LineDecoder(self._handle, self._file))
        for line in raw:
            yield from _split_lone_cr(line)

    def finish(self) -> None:
        self._announce(*_utf8_assumed(self.codec, self._file))

    def _auto(self, decoder: LineDecoder) -> Iterator[str]:
        for line in decoder:
            if decoder.findings:
                self._translate(decoder)
            yield line
        self._translate(decoder)

    def _translate(self, decoder: LineDecoder) -> None:
        """LineDecoder's I002/I003 are problems of a bulk file; of an export they are facts."""
        for finding in decoder.findings:
            if finding.code == "I003":
                self.codec = "utf-8-sig"
            elif finding.code == "I002" and decoder.encoding == "utf-16":
                self.codec = "utf-16"
                self._announce(("UTF-16 (BOM)",) * 2, Location(self._file, 1, 1))
            elif finding.code == "I002":
                self.codec = "cp1252"
                byte = finding.params.get("byte", "?")
                self._announce((f"Windows-1252 (byte {byte} is geen UTF-8)",
                                f"Windows-1252 (byte {byte} is not UTF-8)"), finding.location)
        decoder.findings.clear()

    def _announce(self, label: tuple[str, str], location: Location) -> None:
        if not self._announced:
            self._announced = True
            self.findings.append(_encoding_note(label, location))


def _encoding_note(label: tuple[str, str], location: Location) -> Finding:
    """E001 with the encoding described in Dutch and in English."""
    dutch, english = label
    if dutch == english:
        return make_finding("E001", location, encoding=dutch)
    return make_finding("E001", location, encoding=dutch, encoding_en=english)


def _utf8_assumed(codec: str, file: str) -> tuple[tuple[str, str], Location]:
    """E001's label and place for an export read to its end as UTF-8."""
    if codec == "utf-8-sig":
        return ("UTF-8 (BOM)",) * 2, Location(file, 1, 1)
    return ("UTF-8",) * 2, Location(file)


def _decode_stream(handle: BinaryIO, codec: str) -> Iterator[str]:
    """Lines (ends kept) of a stream in any encoding, a leading BOM dropped; undecodable bytes
    become U+FFFD."""
    name = codecs.lookup(codec).name
    if name in ("utf-16", "utf-32"):
        # These decoders need a BOM to know the byte order and raise without one; a file
        # without it is, in practice, little-endian (what Windows writes).
        head = handle.read(4)
        handle.seek(-len(head), 1)
        boms = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) if name == "utf-16" else (
            codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
        if not head.startswith(boms):
            codec = f"{name}-le"
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    carry, first = "", True
    while chunk := handle.read(1 << 16):
        text = decoder.decode(chunk)
        if first and text:
            text, first = text.removeprefix("\ufeff"), False
        *lines, carry = (carry + text).split("\n")
        for line in lines:
            yield line + "\n"
    carry += decoder.decode(b"", final=True)
    if first:
        carry = carry.removeprefix("\ufeff")
    if carry:
        yield carry


def _split_lone_cr(line: str) -> Iterator[str]:
    """Split a line (cut at LF) at every CR not followed by LF: old-Mac line ends, which
    Excel for Mac still writes as 'CSV (Macintosh)'. Such a CR becomes a LF."""
    if "\r" not in line or (line.find("\r") == len(line) - 2 and line.endswith("\r\n")):
        yield line
        return
    begin = position = 0
    while (cr := line.find("\r", position)) >= 0:
        if line.startswith("\n", cr + 1):
            position = cr + 2
            continue
        yield line[begin:cr] + "\n"
        begin = position = cr + 1
    if begin < len(line):
        yield line[begin:]


class _Capture:
    """Feeds lines to the csv module and remembers the physical text of the current record."""

    def __init__(self, lines: Iterator[str], consumed: int) -> None:
        self._lines = lines
        self.consumed = consumed
        self.text: list[str] = []

    def __iter__(self) -> _Capture:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.consumed += 1
        self.text.append(line)
        return line

    @property
    def record_start(self) -> int:
        """Physical line where the record being read started."""
        return self.consumed - len(self.text) + 1

    def take(self) -> tuple[int, str]:
        """(first physical line, text) of the record just read; starts the next one."""
        start, text = self.record_start, "".join(self.text)
        self.text = []
        return start, text


# ---- slices of one large export, read on several cores ------------------------------------
#
# ``build`` may read a large CSV export in slices cut at line ends, each in its own process,
# with what reading the header found (delimiter, encoding, header); each slice's rows then
# carry the same line numbers and cells as when the file is read whole. A slice raises
# SliceUnsure where it alone cannot tell what the whole file would: a byte that is no UTF-8
# in a file assumed to be UTF-8 (the rest of the file would switch to Windows-1252), a lone
# CR (an old-Mac line end, which the cuts do not count as one), a CSV error (a broken quote,
# or a cut that a stray quote put inside a quoted field).

# Codecs in which every line ends at a b"\n" byte and each line decodes on its own as it
# does in the whole stream (UTF-8 resynchronises at any ASCII byte; the others are one byte
# a character).
_SLICEABLE_CODECS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "cp1252": "cp1252",
                     "iso8859-1": "iso8859-1", "iso8859-15": "iso8859-15",
                     "ascii": "ascii"}


@dataclass(frozen=True, slots=True)
class SliceLayout:
    """What reading an export's header found, for reading its slices alone."""

    file: str
    header: tuple[str, ...]
    delimiter: str
    codec: str  # the table's encoding, as ExportTable.encoding says it
    decode_as: str  # how each slice decodes its lines
    utf8_assumed: bool  # UTF-8 by sniffing: an undecodable byte makes a slice unsure

    def closing_findings(self) -> list[Finding]:
        """What reading the whole file reports once at its end: E001 for a file that was
        UTF-8 to the last byte (other encodings are reported when reading starts)."""
        if not self.utf8_assumed:
            return []
        return [_encoding_note(*_utf8_assumed(self.codec, self.file))]


def plan_export_slices(path: Path, table: ExportTable, forced_encoding: bool,
                       count: int) -> tuple[SliceLayout, list[CsvSlice]] | None:
    """Cut a CSV export whose header ``table`` has just read into at most ``count`` slices
    of rows, or None when it is not plainly laid out for it: a header that is not all of
    the first line (blank lines or a ``sep=`` line before it, a quoted line break in it), a
    lone CR in it, or an encoding in which a line end is not simply the byte b"\n"."""
    if table.delimiter is None or table.header_line != 1 or table.encoding is None:
        return None
    codec = codecs.lookup(table.encoding).name
    if forced_encoding:
        decode_as = _SLICEABLE_CODECS.get(codec)
    else:  # what sniffing made of the header line: UTF-8 so far, or Windows-1252 from there
        decode_as = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "cp1252": "cp1252"}.get(codec)
    if decode_as is None:
        return None
    with path.open("rb") as handle:
        first_line = handle.readline(1 << 20)
        size = os.fstat(handle.fileno()).st_size
        if (not first_line.endswith(b"\n") or first_line.count(b'"') % 2
                or b"\r" in first_line[:-2]):
            return None
        cuts = [(cut, line) for cut, line in line_end_cuts(handle, size, count)
                if cut > len(first_line)]
    header = tuple(table.header)
    starts = [(len(first_line), 2), *cuts]
    ends = [cut for cut, _line in cuts] + [size]
    layout = SliceLayout(table.file, header, table.delimiter, table.encoding, decode_as,
                         utf8_assumed=not forced_encoding and decode_as == "utf-8")
    return layout, [CsvSlice(start, end, line, header)
                    for (start, line), end in zip(starts, ends, strict=True)]


def read_csv_slice(path: Path, layout: SliceLayout, part: CsvSlice) -> ExportTable:
    """The rows of one slice as ``read_csv_export`` gives them, with the same line numbers;
    reading them raises SliceUnsure where the slice cannot be read alone (see above)."""
    handle = open_slice(path, part)
    source = _SliceLines(handle, layout)
    capture = _Capture(iter(source), part.first_line - 1)
    reader = csv.reader(capture, delimiter=layout.delimiter, quotechar='"', strict=True)
    table = ExportTable(file=layout.file, header=list(layout.header), header_line=1,
                        rows=iter(()), findings=[], encoding=layout.codec,
                        delimiter=layout.delimiter, _closer=handle.close)
    table.rows = _rows(table, reader, capture, source, handle)
    return table


class _SliceLines:
    """A slice's decoded lines; the encoding is what reading the header settled on."""

    def __init__(self, handle: BinaryIO, layout: SliceLayout) -> None:
        self._handle = handle
        self._decode_as = layout.decode_as
        self._strict = layout.utf8_assumed
        self.codec = layout.codec
        self.findings: list[Finding] = []  # never any: what a slice cannot judge, it raises

    def __iter__(self) -> Iterator[str]:
        for raw in self._handle:
            if self._strict:
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    raise SliceUnsure("a byte that is no UTF-8") from error
            else:
                line = raw.decode(self._decode_as, errors="replace")
            cr = line.find("\r")
            if cr >= 0 and not (cr == len(line) - 2 and line.endswith("\r\n")):
                raise SliceUnsure("a lone CR")
            yield line

    def finish(self) -> None:
        return None  # the whole file's E001 is the caller's (SliceLayout.closing_findings)
