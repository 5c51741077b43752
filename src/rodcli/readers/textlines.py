"""Decode a byte stream line by line, UTF-8 expected, reporting what it is instead.

Users' files come as UTF-8 with a BOM, Windows-1252 or UTF-16. The first problem becomes a
finding with its line and byte; decoding then goes on in the likely encoding, so the rows can
still be checked and the user learns every other problem in the same run.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from typing import BinaryIO

from rodcli.findings import Finding, Location, make_finding

_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# No record of a bulk file or an export comes near this (a field may hold 1 MiB): a longer
# line is no data rodcli can use, and is never read whole (a 500 MB line cost 1 GB).
MAX_LINE_BYTES = 2 << 20


class LineTooLong(csv.Error):
    """A physical line longer than MAX_LINE_BYTES: reported like a record the csv module
    cannot read (I020), where the line starts."""

    def __init__(self) -> None:
        super().__init__(f"line longer than {MAX_LINE_BYTES >> 20} MiB; no record is")


def bounded_lines(stream: BinaryIO) -> Iterator[bytes]:
    """The physical lines of ``stream`` (ends kept), none read past MAX_LINE_BYTES."""
    while line := stream.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES:
            raise LineTooLong
        yield line


def check_carry(carry: str) -> None:
    """For decoders that cut lines themselves: the part of a line not yet ended."""
    if len(carry) > MAX_LINE_BYTES:
        raise LineTooLong


class LineDecoder:
    """Iterates decoded lines (line endings kept, as the csv module wants them).

    Findings about the encoding collect in ``findings``; ``encoding`` says what was assumed.
    """

    def __init__(self, handle: BinaryIO, file: str, first_line: int = 1) -> None:
        self._handle = handle
        self._file = file
        self._first_line = first_line  # of a part of a file read on its own
        self.findings: list[Finding] = []
        self.encoding = "utf-8"

    def __iter__(self) -> Iterator[str]:
        first = self._handle.read(4)
        if first.startswith(_UTF16_BOMS):
            self.encoding = "utf-16"
            self.findings.append(
                make_finding("I002", Location(self._file, 1, 1), byte=f"0x{first[0]:02X}",
                             assumed="UTF-16")
            )
            yield from _decoded_lines(_Prepend(first, self._handle), "utf-16")
            return
        if first.startswith(_UTF8_BOM):
            self.findings.append(make_finding("I003", Location(self._file, 1, 1)))
            first = first[len(_UTF8_BOM):]
        yield from self._lines(_Prepend(first, self._handle))

    def _lines(self, stream: _Prepend) -> Iterator[str]:
        for number, raw in enumerate(stream, start=self._first_line):
            if self.encoding == "utf-8":
                try:
                    yield raw.decode("utf-8")
                    continue
                except UnicodeDecodeError as error:
                    self.encoding = "cp1252"
                    self.findings.append(
                        make_finding(
                            "I002", Location(self._file, number, error.start + 1),
                            byte=f"0x{raw[error.start]:02X}",
                            assumed="Windows-1252",
                        )
                    )
            yield raw.decode("cp1252", errors="replace")


def _decoded_lines(stream: _Prepend, encoding: str) -> Iterator[str]:
    """Lines (ends kept) of a stream in a multi-byte encoding that bytes.split cannot cut."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    carry = ""
    while chunk := stream.read(1 << 16):
        *lines, carry = (carry + decoder.decode(chunk)).split("\n")
        for line in lines:
            yield line + "\n"
        check_carry(carry)
    carry += decoder.decode(b"", final=True)
    if carry:
        yield carry


class _Prepend:
    """A binary stream with some already-read bytes put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            head, self._head = self._head, b""
            if size < 0:
                return head + self._rest.read()
            if size <= len(head):
                self._head = head[size:]
                return head[:size]
            return head + self._rest.read(size - len(head))
        return self._rest.read(size)

    def __iter__(self) -> Iterator[bytes]:
        *complete, pending = self._head.split(b"\n")
        self._head = b""
        for line in complete:
            yield line + b"\n"
        while True:
            chunk = self._rest.readline(MAX_LINE_BYTES + 1)
            if pending:
                chunk, pending = pending + chunk, b""
            if not chunk:
                return
            if len(chunk) > MAX_LINE_BYTES:
                raise LineTooLong
            yield chunk
