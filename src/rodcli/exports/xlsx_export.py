"""Excel workbooks (.xlsx) as exports, read with openpyxl (an optional extra:
``pip install 'rodcli[xlsx]'``), streaming in read-only mode with the values Excel last
calculated.

Cells keep their type: text as str, dates as datetime, numbers as int or float. Excel stores
every number as a float, so ``1.0`` becomes ``1``; nothing else is changed (a BSN that lost
its leading zero stays the int it is: the caller pads it).
"""

from __future__ import annotations

import datetime
import importlib
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from rodcli.exports import (
    Cell,
    ExportError,
    ExportRow,
    ExportTable,
    fit_width,
    header_problem,
    is_blank,
)
from rodcli.findings import Location, make_finding

# Far beyond any student export (40,000 rows unpack to some tens of MiB), far below what
# would exhaust memory: for all members together, as the ZIP directory declares them (zipfile
# stops each member at its declared size, so the bound holds for the reading too).
MAX_UNPACKED_BYTES = 256 << 20
# Deflate packs a real sheet 5-20 times; a member packed far tighter is a bomb of repeated
# bytes (the ratio is checked from this unpacked size on: small members vary more).
MAX_RATIO, RATIO_FROM_BYTES = 200, 16 << 20
# openpyxl holds every shared string in memory before the first row is read: their number is
# counted first, as the part streams, without building anything. A 40,000-row export has
# some hundreds of thousands at most.
MAX_SHARED_STRINGS = 1_000_000
# Cells are counted as the rows stream by: a 40,000-row export has a few million at most;
# a sheet of more (small cells packed into the 256 MiB) would take minutes to read.
MAX_CELLS = 5_000_000
# What openpyxl and the libraries under it raise on a damaged sheet while rows are read.
_DAMAGED = (zipfile.BadZipFile, zlib.error, ValueError, TypeError, KeyError, IndexError,
            AttributeError, EOFError, OSError, SyntaxError)


def read_xlsx_export(handle: BinaryIO, file: str, *, sheet: str | None = None) -> ExportTable:
    """Read the header of a workbook's sheet and return the table; ``handle`` becomes the
    table's."""
    try:
        openpyxl = importlib.import_module("openpyxl")
    except ImportError as error:
        raise ExportError(make_finding("E007", Location(file))) from error
    _check_package(handle, file)
    handle.seek(0)
    try:
        with warnings.catch_warnings():  # openpyxl warns about styles and extensions it drops
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged package
        raise ExportError(
            make_finding("E008", Location(file), reason=str(error) or type(error).__name__)
        ) from error

    def close() -> None:
        workbook.close()
        handle.close()

    try:
        worksheet = _pick_sheet(workbook, sheet, file)
        worksheet.reset_dimensions()  # a wrong <dimension> would cut rows short
        values: Iterator[tuple[Any, ...]] = iter(worksheet.iter_rows(values_only=True))
        title = str(worksheet.title)
        header_line, names = _find_header(values, Location(file, sheet=title))
        problem = header_problem(names)
        if problem is not None:
            columns, index = problem
            raise ExportError(make_finding("E003", Location(file, header_line, index + 1,
                                                            sheet=title), columns=columns))
    except BaseException:
        close()
        raise
    table = ExportTable(
        file=file,
        header=names,
        header_line=header_line,
        rows=iter(()),
        findings=[],
        sheet=title,
        _closer=close,
    )
    table.rows = _rows(table, values, header_line, close)
    return table


def cell_value(value: object) -> Cell:
    """An openpyxl value as a Cell: ``""`` → None, ``1.0`` → ``1``; times and durations as
    text."""
    if value is None or isinstance(value, int):  # bool is an int too, kept as it is
        return value
    if isinstance(value, str):
        return value or None
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime.date):  # datetime too
        return value
    if isinstance(value, datetime.time):
        return value.isoformat()
    return str(value)


def _rows(
    table: ExportTable, values: Iterator[tuple[Any, ...]], header_line: int,
    close: Callable[[], None],
) -> Iterator[ExportRow]:
    width, number, cells_read = len(table.header), header_line, 0
    try:
        for raw in _guarded(values, table.file, table.sheet):
            number += 1
            cells_read += len(raw)
            if cells_read > MAX_CELLS:
                raise ExportError(make_finding(
                    "E008", Location(table.file, number, sheet=table.sheet),
                    reason=f"more than {MAX_CELLS:,} cells"))
            cells = [cell_value(value) for value in raw]
            if all(is_blank(cell) for cell in cells):
                table.blank_rows += 1
                continue
            extra = fit_width(cells, width)
            if extra is not None:
                table.findings.append(
                    make_finding("E002", Location(table.file, number, extra + 1, sheet=table.sheet),
                                 found=len(cells), expected=width)
                )
            yield ExportRow(number, cells)
    finally:
        close()


def _guarded(values: Iterator[tuple[Any, ...]], file: str,
             sheet: str | None) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows; a damaged sheet (cut short, bad XML, failed checksum) becomes E008
    where it is found, instead of whatever the XML or ZIP layer raised."""
    try:
        # Not "yield from": the header search stops early, and that must not close the
        # sheet's row iterator that the rows are read from next.
        for row in values:  # noqa: UP028 (see above)
            yield row
    except _DAMAGED as error:  # xml.etree's ParseError is a SyntaxError
        raise ExportError(make_finding(
            "E008", Location(file, sheet=sheet), reason=str(error) or type(error).__name__
        )) from error


def _find_header(values: Iterator[tuple[Any, ...]], location: Location) -> tuple[int, list[str]]:
    """The first non-empty row: (its row number, its names with trailing empty ones dropped)."""
    for number, raw in enumerate(_guarded(values, location.file, location.sheet), start=1):
        cells = [cell_value(value) for value in raw]
        if all(is_blank(cell) for cell in cells):
            continue
        names = ["" if cell is None else str(cell).strip() for cell in cells]
        while names and not names[-1]:
            names.pop()
        return number, names
    raise ExportError(make_finding("E004", location))


def _pick_sheet(workbook: Any, name: str | None, file: str) -> Any:
    """The sheet called ``name`` (exactly, else the only one equal ignoring case and outer
    spaces), or without a name the first visible worksheet."""
    sheets: list[Any] = list(workbook.worksheets)
    if name is None:
        visible = [sheet for sheet in sheets if sheet.sheet_state == "visible"]
        if not (visible or sheets):
            raise ExportError(make_finding("E004", Location(file)))
        return (visible or sheets)[0]
    for sheet in sheets:
        if sheet.title == name:
            return sheet
    folded = [sheet for sheet in sheets
              if str(sheet.title).strip().casefold() == name.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    raise ExportError(make_finding(
        "E006", Location(file, sheet=name), sheet=name,
        sheets=", ".join(f"'{sheet.title}'" for sheet in sheets) or "-",
    ))


def _check_package(handle: BinaryIO, file: str) -> None:
    """A ZIP is taken for a workbook by its magic; say what it is when it is something else.
    Every member's declared size and packing ratio is checked before any member is read."""
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            names = [member.filename for member in members]
            _check_sizes(members, file)
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as stream:
                    mimetype = stream.read(100)
            if "xl/sharedStrings.xml" in names:
                _check_shared_strings(archive, file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, zlib.error,
            NotImplementedError, RuntimeError) as error:
        # NotImplementedError: a compression method zipfile lacks; RuntimeError: encrypted
        raise ExportError(make_finding("E008", Location(file), reason=str(error))) from error
    if "xl/workbook.bin" in names:
        found = "Excel binary (.xlsb)"
    elif any(name.startswith("xl/") for name in names):
        return
    elif b"opendocument.spreadsheet" in mimetype:
        found = "OpenDocument (.ods)"
    elif mimetype:
        found = mimetype.decode("ascii", "replace")
    elif any(name.startswith("word/") for name in names):
        found = "Word (.docx)"
    elif any(name.startswith("ppt/") for name in names):
        found = "PowerPoint (.pptx)"
    else:
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        found = f"ZIP: {shown or '-'}"
    raise ExportError(make_finding("E008", Location(file), reason=found))


def _check_sizes(members: list[zipfile.ZipInfo], file: str) -> None:
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ExportError(make_finding(
            "E008", Location(file),
            reason=f"unpacks to {unpacked // (1 << 20):,} MiB, more than "
                   f"{MAX_UNPACKED_BYTES // (1 << 20)} MiB"))
    for member in members:
        if (member.file_size >= RATIO_FROM_BYTES
                and member.file_size > MAX_RATIO * max(member.compress_size, 1)):
            raise ExportError(make_finding(
                "E008", Location(file),
                reason=f"{member.filename} unpacks {member.file_size // member.compress_size:,}"
                       f" times its size, more than {MAX_RATIO} times (a ZIP bomb)"))


def _check_shared_strings(archive: zipfile.ZipFile, file: str) -> None:
    """Refuse a workbook with more shared strings than any export has, counted as the part
    streams by (a tag split by a chunk border is counted in the next chunk)."""
    count, carry = 0, b""
    with archive.open("xl/sharedStrings.xml") as stream:
        while chunk := stream.read(1 << 20):
            text = carry + chunk
            count += text.count(b"<si>") + text.count(b"<si ") + text.count(b"<si/")
            # keep the last bytes, minus any whole tag counted already
            tail = text[-3:]
            carry = b"" if b"<" not in tail else tail[tail.index(b"<"):]
            if count > MAX_SHARED_STRINGS:
                raise ExportError(make_finding(
                    "E008", Location(file),
                    reason=f"more than {MAX_SHARED_STRINGS:,} shared strings"))
