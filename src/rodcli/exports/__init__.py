"""Readers for administration exports: the CSV or Excel file a student administration (or a
person with Excel) writes, not a ROD bulk file.

``open_export`` detects the kind from the content (a ZIP is an Excel workbook, anything else
is read as CSV text), reads the header row and returns an ``ExportTable`` whose ``rows``
stream one ``ExportRow`` at a time. Problems that leave nothing to judge raise
``ExportError``; everything else becomes a finding in ``ExportTable.findings``, appended as
it arises, so a caller drains that list (``findings.clear()``, never a new list) as it goes.

Use the table as a context manager, or exhaust ``rows``, so the file is closed::

    with open_export(path) as table:
        for row in table.rows:
            ...
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from rodcli.findings import Finding, Location, make_finding
from rodcli.readers.regular import regular_file
from rodcli.records import csv_field_position

Cell = str | datetime.date | datetime.datetime | int | float | None

ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
_PDF_MAGIC = b"%PDF"


class ExportError(Exception):
    """The export cannot be read at all ("no verdict"); ``finding`` says why."""

    def __init__(self, finding: Finding) -> None:
        from rodcli.codes import message

        super().__init__(f"{finding.code}: {message(finding, 'en')}")
        self.finding = finding


@dataclass(slots=True)
class ExportRow:
    """One non-blank row of an export."""

    line: int  # CSV: physical line where the record starts; XLSX: sheet row number
    cells: list[Cell]  # in header order; missing trailing cells are None (E002: may be longer)
    text: str | None = None  # CSV only: the record's physical text (for positions)
    delimiter: str | None = None  # CSV only: the export's delimiter (for positions)

    def position(self, column_index: int) -> tuple[int | None, int | None]:
        """Physical (line, column), 1-based, where cell ``column_index`` (0-based) starts.

        CSV: line and character column in the file, honouring quotes and line breaks inside
        fields; XLSX: sheet row and column number.
        """
        if self.text is None:
            return self.line, column_index + 1
        line, column = csv_field_position(
            self.text, column_index, self.delimiter or ";", self.line
        )
        if column is None:  # a missing (padded) cell: the record's last line
            return self.line + self.text.rstrip("\r\n").count("\n"), None
        return line, column


def _no_close() -> None:
    return None


def header_problem(names: list[str]) -> tuple[str, int] | None:
    """Empty or duplicate header names, as E003's ``columns`` text (``'naam' (2, 5)``, 1-based
    column numbers), and the 0-based index of the first offending column; None if all is well."""
    seen: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        seen.setdefault(name, []).append(index)
    problems: list[str] = []
    first: int | None = None
    for name, indexes in seen.items():
        if name and len(indexes) == 1:
            continue
        problems.append(f"'{name}' ({', '.join(str(index + 1) for index in indexes)})")
        offending = indexes[0] if not name else indexes[1]
        first = offending if first is None else min(first, offending)
    if first is None:
        return None
    return ", ".join(problems), first


def is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def fit_width(cells: list[Cell], width: int) -> int | None:
    """Pad ``cells`` with None to ``width``, or drop blank cells beyond it. Returns the index
    of the first non-blank cell beyond the header (the row keeps it: E002), else None."""
    if len(cells) < width:
        cells.extend([None] * (width - len(cells)))
        return None
    while len(cells) > width and is_blank(cells[-1]):
        cells.pop()
    for index in range(width, len(cells)):
        if not is_blank(cells[index]):
            return index
    return None


@dataclass(slots=True)
class ExportTable:
    """An opened export: its header and a stream of its rows."""

    file: str
    header: list[str]  # stripped header names
    header_line: int
    rows: Iterator[ExportRow]  # streaming; blank rows are counted in blank_rows, not yielded
    findings: list[Finding]  # encoding/layout findings, appended as they arise
    encoding: str | None = None  # CSV: the Python codec assumed (may change while reading)
    delimiter: str | None = None  # CSV: sniffed or forced
    sheet: str | None = None  # XLSX: the sheet read
    blank_rows: int = 0
    _closer: Callable[[], None] = field(default=_no_close, repr=False, compare=False)

    def close(self) -> None:
        """Stop reading and release the file (safe to call more than once)."""
        close_rows = getattr(self.rows, "close", None)
        if close_rows is not None:
            close_rows()
        self._closer()

    def __enter__(self) -> ExportTable:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_export(
    path: Path,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> ExportTable:
    """Open an administration export, CSV or XLSX, detected from its content.

    ``delimiter`` and ``encoding`` force those for CSV (ignored for XLSX); ``sheet`` picks a
    worksheet by name for XLSX (ignored for CSV). Raises ``ExportError`` when there is
    nothing to judge.
    """
    file = str(path)
    try:
        # a FIFO or pipe: read once, then from a copy (build reads the export twice)
        handle = open(regular_file(path), "rb")  # the table owns it and closes it
    except OSError as error:
        raise ExportError(
            make_finding("I001", Location(file), reason=error.strerror or str(error))
        ) from error
    try:
        head = handle.read(8)
        handle.seek(0)
        if not head:
            raise ExportError(make_finding("E004", Location(file)))
        if head.startswith(ZIP_MAGIC):
            from rodcli.exports.xlsx_export import read_xlsx_export

            return read_xlsx_export(handle, file, sheet=sheet)
        if head.startswith(_EMPTY_ZIP_MAGIC):
            raise ExportError(make_finding("E008", Location(file), reason="ZIP (0)"))
        if head.startswith(_OLE2_MAGIC):
            raise ExportError(make_finding("E005", Location(file), found="OLE2 (.xls)"))
        if head.startswith(_PDF_MAGIC):
            raise ExportError(make_finding("E005", Location(file), found="PDF"))
        from rodcli.exports.csv_export import read_csv_export

        return read_csv_export(handle, file, delimiter=delimiter, encoding=encoding)
    except OSError as error:
        handle.close()
        raise ExportError(
            make_finding("I001", Location(file), reason=error.strerror or str(error))
        ) from error
    except BaseException:
        handle.close()
        raise


__all__ = ["Cell", "ExportError", "ExportRow", "ExportTable", "open_export"]
