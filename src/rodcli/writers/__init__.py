"""Writers of ROD bulk v1 files: XML (``writers.xml``, ho and mbo) and CSV (``writers.csv``, ho).

Both format every field value with ``format_value``, so XML and CSV can never disagree on
how a date or a studielast is written.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

from rodcli.bulkformat.models import Record
from rodcli.bulkformat.types import DateNotation

_BRIN = re.compile(r"[0-9]{2}[A-Z]{2}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
RECEIVER = "DUO"


@dataclass(frozen=True, slots=True)
class DocumentHeader:
    """The header of a bulk XML document: its id, the sending institution and when it was made.

    Checked on creation so that a bad header fails here, not as an XSD error in the output.
    """

    document_id: str
    sender: str  # BRIN of the sending institution
    created: datetime  # timezone-aware; written in UTC

    def __post_init__(self) -> None:
        if not _UUID.fullmatch(self.document_id):
            raise ValueError(f"document_id is not a UUID: {self.document_id!r}")
        if not _BRIN.fullmatch(self.sender):
            raise ValueError(f"sender is not a BRIN (2 digits + 2 capitals): {self.sender!r}")
        if self.created.tzinfo is None or self.created.utcoffset() is None:
            # A naive time would be read as local time: the UTC stamp could be hours off.
            raise ValueError("created must be a timezone-aware datetime")

    @classmethod
    def new(cls, sender: str, now: datetime | None = None) -> DocumentHeader:
        """A header with a fresh UUID4 and ``now`` (default: the current time) as creation."""
        return cls(str(uuid.uuid4()), sender, now if now is not None else datetime.now(UTC))

    @property
    def timestamp(self) -> str:
        """``created`` in UTC as ``YYYY-MM-DDTHH:MM:SSZ``."""
        return self.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_value(value: object, notation: DateNotation) -> str:
    """One field value as written in a bulk file.

    Dates in ``notation`` ("iso" ``YYYY-MM-DD`` for XML, "compact" ``YYYYMMDD`` for CSV);
    decimals in plain notation without exponent or trailing zeros (``7.5``, ``30``); strings
    as they are.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, datetime):
        # A datetime is a date too: refuse it rather than silently drop its time.
        raise TypeError("a datetime is not a bulk field value")
    if isinstance(value, date):
        if value.year >= 1000:  # isoformat() is several times faster than strftime()
            text = value.isoformat()
            return text if notation == "iso" else text.replace("-", "")
        # strftime() writes year 999 as "999" on glibc: the notation as it always was.
        return value.strftime("%Y-%m-%d" if notation == "iso" else "%Y%m%d")
    if isinstance(value, Decimal):
        # normalize() turns 30 into 3E+1; format "f" writes it back without the exponent.
        return format(value.normalize(), "f")
    raise TypeError(f"cannot format a {type(value).__name__} as a bulk field value")


def record_values(record: Record, notation: DateNotation) -> Iterator[tuple[str, str]]:
    """(field name, formatted value) of a record's fields that are set, in model order."""
    for name in field_order(type(record)):
        value = getattr(record, name)
        if value is not None:
            # Most values are text: skip format_value's type dispatch for them.
            yield name, value if type(value) is str else format_value(value, notation)


@cache
def field_order(model: type[Record]) -> tuple[str, ...]:
    """A model's field names in model order (``model_fields`` is a pydantic property that
    costs about a microsecond per access: once per record adds up)."""
    return tuple(model.model_fields)


@dataclass(frozen=True, slots=True)
class Prewritten:
    """Records already formatted for the file being written (by ``writers.xml.xml_record`` or
    ``writers.csv.csv_line``), as UTF-8: the writers copy them as they are.

    ``build`` formats each record once, in its first pass, and writes these in the second,
    instead of mapping and typing the whole export again.
    """

    data: bytes
    count: int  # records in ``data``
