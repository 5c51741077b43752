"""The XSDs of ROD bulk v1, shipped in the package, and loading of a user's own XSD."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from threading import Lock
from typing import Any, cast

from lxml import etree

XSD_FILES = {"ho": "rod_bulk_ho_v1.xsd", "mbo": "rod_bulk_mbo_v1.xsd"}


class SchemaError(Exception):
    """An XSD that cannot be read or compiled."""


def xsd_text(sector: str) -> str:
    return resources.files("rodcli.bulkformat").joinpath("schemas", XSD_FILES[sector]).read_text(
        "utf-8"
    )


def secure_parser(remove_comments: bool = False) -> etree.XMLParser:
    """A parser that reads no DTD, expands no entity and opens no network connection."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=remove_comments,
    )


# libxml2 sets up its built-in schema types on the first compile in a process; two threads
# doing that at once (build checks its output on two) can leave every later compile failing
# with XMLSchemaParseError (seen with lxml 6.1.3, libxml2 2.14.6). Compiling is rare and
# short, so all of it is serialised; using a compiled schema on several threads is safe.
_COMPILING = Lock()


def compile_schema(document: etree._Element | etree._ElementTree) -> etree.XMLSchema:
    with _COMPILING:
        return etree.XMLSchema(document)


@cache
def builtin_schema(sector: str) -> etree.XMLSchema:
    return compile_schema(etree.fromstring(xsd_text(sector).encode("utf-8"), secure_parser()))


class _Discard:
    """A parser target that keeps nothing: libxml2 validates as it reads, building no tree."""

    def close(self) -> None:
        return None


def valid_as_read(document: bytes, schema: etree.XMLSchema) -> bool:
    """Whether a document is well-formed and valid, checked by libxml2 as it parses: no tree
    is built (a tree and then ``schema.validate`` measured 1.5x the CPU time), the GIL is
    released, and the schema may be shared by threads (the error log is the parser's)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, schema=schema,
                             # no start, end or data: lxml then calls no Python per element
                             target=cast(Any, _Discard()))
    try:
        etree.fromstring(document, parser)
    except etree.XMLSyntaxError:
        return False
    return len(parser.error_log.filter_from_errors()) == 0


# Elements of an XSD that bring in another schema document by its schemaLocation.
_REFERENCES = [f"{{http://www.w3.org/2001/XMLSchema}}{name}"
               for name in ("include", "import", "redefine", "override")]
_MAX_DOCUMENTS = 100  # an XSD split over more files than this is no schema of DUO's


def load_schema(path: Path) -> etree.XMLSchema:
    """A user's XSD (``--schema``), with the local files it includes or imports.

    Every document it refers to is checked before libxml2 compiles it: a URL is refused
    (libxml2 drops an import it cannot load without a word: the document would then be
    checked against less than the user meant), and so is anything that is not a regular
    file (a FIFO would hang the run, a device would never end)."""
    try:
        _check_references(path)
        document = etree.parse(str(path), secure_parser())
        return compile_schema(document)
    except OSError as error:
        raise SchemaError(error.strerror or str(error)) from None
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
        raise SchemaError(str(error)) from None


def _check_references(path: Path) -> None:
    seen: set[Path] = set()
    todo = [path]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if len(seen) > _MAX_DOCUMENTS:
            raise SchemaError(f"more than {_MAX_DOCUMENTS} schema documents")
        if not current.is_file():
            raise SchemaError(f"{current} is not a regular file")
        document = etree.parse(str(current), secure_parser())
        for element in document.iter(*_REFERENCES):
            location = element.get("schemaLocation")
            if location is None:
                continue  # an import by namespace only: libxml2 loads nothing for it
            if "://" in location or location.lower().startswith(("file:", "http:", "ftp:")):
                raise SchemaError(f"{etree.QName(element).localname} of {location}: rodcli "
                                  "reads no schema from a URL; save it beside the XSD")
            todo.append((current.parent / location).resolve())
