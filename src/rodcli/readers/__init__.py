"""Readers turn a bulk file into raw records with physical locations, plus input findings.

The kind of file (XML or CSV) is detected from its content, never from its name.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from rodcli.findings import FileReport, Location, make_finding
from rodcli.readers.bulk_csv import RECORD_TYPE_COLUMN, read_csv_bulk
from rodcli.readers.regular import regular_file
from rodcli.records import RecordsEnd

if TYPE_CHECKING:
    from lxml import etree

SNIFF_BYTES = 4096


def detect_kind(head: bytes) -> str | None:
    """"xml", "csv" or None, from the first bytes of a file."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom):].decode(encoding, errors="replace")
            break
    else:
        text = head.decode("utf-8", errors="replace")
    stripped = text.lstrip()
    if stripped.startswith("<"):
        return "xml"
    first_line = stripped.split("\n", 1)[0]
    if RECORD_TYPE_COLUMN in first_line.lower():
        return "csv"
    return None


# A reader of bulk CSV in place of ``read_csv_bulk`` (the engine's column adapter):
# (handle at the start, the regular file's path, the name to report, report, sector).
CsvReader = Callable[[BinaryIO, Path, str, FileReport, str | None],
                     Iterator[Any]]
# The same for bulk XML in place of ``read_xml_bulk`` (path, name to report, report, sector).
XmlReader = Callable[[Path, str, FileReport, str | None], Iterator[Any]]


def read_bulk(
    path: Path, report: FileReport, sector: str | None, own_schema: etree.XMLSchema | None,
    csv_reader: CsvReader | None = None, records_end: bool = False,
    xml_reader: XmlReader | None = None,
) -> Iterator[Any]:
    """The records and findings of a bulk file, XML or CSV as its content says. With
    ``records_end`` the XML reader's ``RECORDS_END`` comes through (for a reader of records
    in batches); ``csv_reader`` reads a CSV file instead of ``read_csv_bulk``, and
    ``xml_reader`` an XML file instead of ``read_xml_bulk`` (not with a user's XSD)."""
    file = str(path)
    try:
        path = regular_file(path)  # a FIFO or pipe: read once, then from a copy
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as error:
        report.readable = False
        yield make_finding("I001", Location(file), reason=error.strerror or str(error))
        return
    if not head.strip():
        yield make_finding("I007", Location(file))
        return
    kind = detect_kind(head)
    if kind == "xml":
        if xml_reader is not None and own_schema is None:
            items = xml_reader(path, file, report, sector)
        else:
            # Imported here: a CSV file never needs libxml2 (start-up of a pre-commit run).
            from rodcli.readers.bulk_xml import read_xml_bulk

            items = read_xml_bulk(path, file, report, sector, own_schema)
        for item in items:
            if records_end or not isinstance(item, RecordsEnd):
                yield item
    elif kind == "csv":
        with path.open("rb") as handle:
            if csv_reader is not None:
                yield from csv_reader(handle, path, file, report, sector)
            else:
                yield from read_csv_bulk(handle, file, report, sector)
    else:
        yield make_finding("I005", Location(file, 1, 1))
