"""The XSDs of ROD bulk v1, shipped in the package, and loading of a user's own XSD."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

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


@cache
def builtin_schema(sector: str) -> etree.XMLSchema:
    document = etree.fromstring(xsd_text(sector).encode("utf-8"), secure_parser())
    return etree.XMLSchema(document)


def load_schema(path: Path) -> etree.XMLSchema:
    try:
        document = etree.parse(str(path), secure_parser())
        return etree.XMLSchema(document)
    except OSError as error:
        raise SchemaError(error.strerror or str(error)) from None
    except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as error:
        raise SchemaError(str(error)) from None
