"""Write ROD bulk v1 XML (ho and mbo), streaming: memory stays flat however many records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT
from rodcli.bulkformat.models import Record, Sector
from rodcli.writers import RECEIVER, DocumentHeader, record_values

_INDENT = "  "
_BATCH = 4096  # lines per write


def write_xml(
    records: Iterable[Record], sector: Sector, header: DocumentHeader, out: BinaryIO
) -> int:
    """Write ``records`` as one bulk XML document of ``sector`` to ``out``; return the count.

    Optional fields that are None are omitted (DUO: no empty elements). Every element sits on
    its own line, so an XSD error's line number points at one field. A record of another
    sector raises ValueError.
    """
    # Plain text with escaped values: the layout is fixed and flat, and lxml's incremental
    # writer costs several times more per element. What is written is XSD-checked by build.
    namespace = NAMESPACES[sector]
    lines = [
        "<?xml version='1.0' encoding='utf-8'?>",
        f'<{ROOT_ELEMENT} xmlns={quoteattr(namespace)}>',
    ]
    for name, text in (
        ("identificatiecodeBedrijfsdocument", header.document_id),
        ("verzendendeInstantie", header.sender),
        ("ontvangendeInstantie", RECEIVER),
        ("datumTijdBedrijfsdocument", header.timestamp),
    ):
        lines.append(f"{_INDENT}<{name}>{escape(text)}</{name}>")
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    count = 0
    batch: list[str] = []
    for record in records:
        if record.sector != sector:
            raise ValueError(
                f"a {record.sector} record ({type(record).__name__}) in a {sector} document"
            )
        element = record.record_type
        batch.append(f"{_INDENT}<{element}>\n")
        for name, text in record_values(record, "iso"):
            batch.append(f"{_INDENT * 2}<{name}>{escape(text)}</{name}>\n")
        batch.append(f"{_INDENT}</{element}>\n")
        count += 1
        if len(batch) >= _BATCH:
            out.write("".join(batch).encode("utf-8"))
            batch.clear()
    batch.append(f"</{ROOT_ELEMENT}>\n")
    out.write("".join(batch).encode("utf-8"))
    return count
