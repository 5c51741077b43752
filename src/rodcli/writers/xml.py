"""Write ROD bulk v1 XML (ho and mbo), streaming: memory stays flat however many records."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT
from rodcli.bulkformat.models import Record, Sector
from rodcli.writers import RECEIVER, DocumentHeader, Prewritten, field_order, format_value

_INDENT = "  "
_BATCH = 1 << 16  # characters per write


def xml_start(sector: Sector) -> str:
    """The XML declaration and the root's start tag: the first two lines of every document."""
    return (f"<?xml version='1.0' encoding='utf-8'?>\n"
            f"<{ROOT_ELEMENT} xmlns={quoteattr(NAMESPACES[sector])}>\n")


def xml_head(sector: Sector, header: DocumentHeader) -> bytes:
    """Everything before the first record: ``xml_start`` and the header, one line a field."""
    lines = [xml_start(sector).rstrip("\n")]
    for name, text in (
        ("identificatiecodeBedrijfsdocument", header.document_id),
        ("verzendendeInstantie", header.sender),
        ("ontvangendeInstantie", RECEIVER),
        ("datumTijdBedrijfsdocument", header.timestamp),
    ):
        lines.append(f"{_INDENT}<{name}>{escape(text)}</{name}>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def xml_end() -> str:
    """The root's end tag: the last line of every document."""
    return f"</{ROOT_ELEMENT}>\n"


def xml_record(record: Record, sector: Sector) -> str:
    """One record as written in a document of ``sector``: its start tag, one line per field
    that is set, its end tag. A record of another sector raises ValueError."""
    if record.sector != sector:
        raise ValueError(
            f"a {record.sector} record ({type(record).__name__}) in a {sector} document"
        )
    start, end, fields = _layout(type(record))
    parts = [start]
    # record_values() unrolled: this runs for every record build writes.
    for name, open_tag, close_tag in fields:
        value = getattr(record, name)
        if value is None:
            continue
        text = value if type(value) is str else format_value(value, "iso")
        if "&" in text or "<" in text or ">" in text:  # rare: escape() is three replaces
            text = escape(text)
        parts += (open_tag, text, close_tag)
    parts.append(end)
    return "".join(parts)


@cache
def _layout(model: type[Record]) -> tuple[str, str, tuple[tuple[str, str, str], ...]]:
    """A record type's start and end lines, and per field its name and tags, in model order."""
    element = model.record_type
    return (f"{_INDENT}<{element}>\n", f"{_INDENT}</{element}>\n",
            tuple((name, f"{_INDENT * 2}<{name}>", f"</{name}>\n")
                  for name in field_order(model)))


def write_xml(
    records: Iterable[Record | Prewritten], sector: Sector, header: DocumentHeader,
    out: BinaryIO
) -> int:
    """Write ``records`` as one bulk XML document of ``sector`` to ``out``; return the count.

    Optional fields that are None are omitted (DUO: no empty elements). Every element sits on
    its own line, so an XSD error's line number points at one field. A record of another
    sector raises ValueError. ``Prewritten`` records (from ``xml_record``) are copied as
    they are.
    """
    # Plain text with escaped values: the layout is fixed and flat, and lxml's incremental
    # writer costs several times more per element. What is written is XSD-checked by build.
    out.write(xml_head(sector, header))
    count = 0
    batch: list[str] = []
    size = 0
    for record in records:
        if isinstance(record, Prewritten):
            if batch:
                out.write("".join(batch).encode("utf-8"))
                batch.clear()
                size = 0
            out.write(record.data)
            count += record.count
            continue
        text = xml_record(record, sector)
        batch.append(text)
        size += len(text)
        count += 1
        if size >= _BATCH:
            out.write("".join(batch).encode("utf-8"))
            batch.clear()
            size = 0
    batch.append(xml_end())
    out.write("".join(batch).encode("utf-8"))
    return count
