"""Write ROD bulk v1 XML (ho and mbo), streaming: memory stays flat however many records."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from lxml import etree

from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT
from rodcli.bulkformat.models import Record, Sector
from rodcli.writers import RECEIVER, DocumentHeader, record_values

_INDENT = "  "


def write_xml(
    records: Iterable[Record], sector: Sector, header: DocumentHeader, out: BinaryIO
) -> int:
    """Write ``records`` as one bulk XML document of ``sector`` to ``out``; return the count.

    Optional fields that are None are omitted (DUO: no empty elements). Every element sits on
    its own line, so an XSD error's line number points at one field. A record of another
    sector raises ValueError.
    """
    namespace = NAMESPACES[sector]

    def tag(name: str) -> str:
        return f"{{{namespace}}}{name}"

    count = 0
    # Elements are written one by one rather than as record subtrees: lxml would repeat the
    # namespace declaration on every subtree written into an xmlfile.
    with etree.xmlfile(out, encoding="utf-8") as document:
        document.write_declaration()
        with document.element(tag(ROOT_ELEMENT), nsmap={None: namespace}):
            for name, text in (
                ("identificatiecodeBedrijfsdocument", header.document_id),
                ("verzendendeInstantie", header.sender),
                ("ontvangendeInstantie", RECEIVER),
                ("datumTijdBedrijfsdocument", header.timestamp),
            ):
                document.write("\n" + _INDENT)
                with document.element(tag(name)):
                    document.write(text)
            for record in records:
                if record.sector != sector:
                    raise ValueError(
                        f"a {record.sector} record ({type(record).__name__}) "
                        f"in a {sector} document"
                    )
                document.write("\n" + _INDENT)
                with document.element(tag(record.record_type)):
                    for name, text in record_values(record, "iso"):
                        document.write("\n" + _INDENT * 2)
                        with document.element(tag(name)):
                            document.write(text)
                    document.write("\n" + _INDENT)
                count += 1
            document.write("\n")
    out.write(b"\n")
    return count
