"""Single-field types of ROD bulk v1 and the metadata that documents each field.

Validators raise ``PydanticCustomError`` with a ``rod_*`` type; ``records.py`` turns those
into finding codes. Messages here are never shown to users (the catalogue's are).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, StringConstraints, ValidationInfo
from pydantic_core import PydanticCustomError
from stdnum.nl import bsn

DateNotation = Literal["iso", "compact"]


@dataclass(frozen=True, slots=True)
class FieldMeta:
    """How a field is documented and checked beyond its Python type."""

    label: str  # DUO's Dutch name, as users know it
    en: str  # one-line meaning in English
    nl: str  # one-line meaning in Dutch
    expected: str  # the accepted format, for messages, in Dutch ("9 cijfers")
    value_list: str | None = None  # key in valuelists.toml
    pgn: bool = False  # a personal number: always masked in reports
    # An identifying detail (BRO art. 4.1 c, e, f): delivered with every personal number
    # (BRO art. 18.1a); ROD keeps it only where the BRP lacks it (WRO art. 9, 13).
    personal: bool = False
    source: str = ""  # the BRO article or DUO text the field comes from; "rodcli: ..." if ours
    expected_en: str | None = None  # ``expected`` in English, where it has words

    def expected_in(self, lang: str) -> str:
        return self.expected_en if lang == "en" and self.expected_en else self.expected


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_COMPACT_DATE = re.compile(r"[0-9]{8}")


# A register holds few distinct values in its date, code and number fields, and a student's
# number comes back on each of their records: the pure checks below remember their last
# verdicts (bounded), which halves the cost of typing a record. Failures are not remembered
# (an exception is never cached), so each failing value is reported where it occurs.
_VERDICTS = 1 << 12


def _parse_date(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, str):
        return value
    return parse_bulk_date(value.strip(), (info.context or {}).get("date_notation"))


@lru_cache(maxsize=_VERDICTS)
def parse_bulk_date(text: str, notation: DateNotation | None) -> date:
    """A bulk date in either notation; with ``notation`` given, only in that one."""
    if _ISO_DATE.fullmatch(text):
        found: DateNotation = "iso"
        year, month, day = text[:4], text[5:7], text[8:10]
    elif _COMPACT_DATE.fullmatch(text):
        found = "compact"
        year, month, day = text[:4], text[4:6], text[6:8]
    else:
        raise PydanticCustomError("rod_date_format", "not a date")
    if notation is not None and found != notation:
        raise PydanticCustomError("rod_date_notation", "wrong notation")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise PydanticCustomError("rod_date_invalid", "no such date") from None


# The pattern has already made these nine digits, so stdnum's checksum applies directly;
# its is_valid() would clean and re-check the format first, at three times the cost.
@lru_cache(maxsize=_VERDICTS)
def _check_bsn(value: str) -> str:
    if int(value) == 0 or bsn.checksum(value) != 0:
        raise PydanticCustomError("rod_bsn", "eleven-test")
    return value


@lru_cache(maxsize=_VERDICTS)
def _check_onderwijsnummer(value: str) -> str:
    if not value.startswith("10") or bsn.checksum(value) != 5:
        raise PydanticCustomError("rod_onderwijsnummer", "eleven-test")
    return value


# DUO's birth date may leave the day, or the day and month, unknown as 00 (PvE MBO-instelling
# v4.8.2 §15, PER pos. 4): 2005-03-00 and 2005-00-00 are valid, 2005-00-14 and 2005-02-30 not.
@lru_cache(maxsize=_VERDICTS)
def _check_partial_date(value: str) -> str:
    year, month, day = int(value[:4]), int(value[5:7]), int(value[8:10])
    if year >= 1 and day == 0 and 0 <= month <= 12:
        return value
    try:
        date(year, month, day)
    except ValueError:
        raise PydanticCustomError("rod_date_invalid", "no such date") from None
    return value


# ISAT/CROHO ranges by level (RIO): lower bound inclusive, upper bound exclusive.
ISAT_RANGES: tuple[tuple[int, int, str], ...] = (
    (1000, 6000, "HBO-O"),
    (6000, 9000, "WO-O"),
    (9100, 9300, "HBO-O"),
    (9300, 9400, "WO-O"),
    (30000, 40000, "HBO-BA"),
    (40000, 50000, "HBO-MA"),
    (50000, 60000, "WO-BA"),
    (60000, 70000, "WO-MA"),
    (70000, 75000, "HBO-PM"),
    (75000, 80000, "WO-PM"),
    (80000, 81000, "HBO-AD"),
    (81000, 81500, "HBO-BA"),
)


def isat_level(code: str) -> str | None:
    number = int(code)
    for low, high, level in ISAT_RANGES:
        if low <= number < high:
            return level
    return None


@lru_cache(maxsize=_VERDICTS)
def _check_isat(value: str) -> str:
    if isat_level(value) is None:
        raise PydanticCustomError("rod_isat", "out of range")
    return value


# Beyond these a study load is unusual but not impossible: rule R013 warns (rodcli.rules.ects).
ECTS_MAX = Decimal(240)
ECTS_STEP = Decimal("0.5")
_ECTS_TEXT = re.compile(r"[0-9]+(\.[0-9]+)?")


def _parse_ects(value: Any) -> Any:
    if isinstance(value, str):
        return _parse_ects_text(value.strip())
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return _checked_ects(Decimal(value))
    raise PydanticCustomError("rod_ects", "not a number")


@lru_cache(maxsize=_VERDICTS)
def _parse_ects_text(text: str) -> Decimal:
    if not _ECTS_TEXT.fullmatch(text):
        raise PydanticCustomError("rod_ects", "not a number with a decimal point")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise PydanticCustomError("rod_ects", "not a number") from None
    return _checked_ects(number)


def _checked_ects(number: Decimal) -> Decimal:
    if number <= 0:
        raise PydanticCustomError("rod_ects", "must be more than 0")
    if number != number.quantize(Decimal("0.1")):
        raise PydanticCustomError("rod_ects", "more than one decimal")
    return number.normalize() if number == number.to_integral_value() else number


def _pattern(regex: str) -> StringConstraints:
    return StringConstraints(pattern=rf"^(?:{regex})$", strip_whitespace=True)


Brin = Annotated[
    str,
    _pattern(r"[0-9]{2}[A-Z]{2}"),
    FieldMeta("BRIN-nummer", "institution code (BRIN4)", "instellingscode (BRIN4)",
              "2 cijfers + 2 hoofdletters, bijv. 99XX",
              expected_en="2 digits + 2 capitals, e.g. 99XX",
              source="BRO art. 5.1a (registratienummer); BRIN4 as in RIO"),
]
Bsn = Annotated[
    str,
    _pattern(r"[0-9]{9}"),
    AfterValidator(_check_bsn),
    FieldMeta("burgerservicenummer", "citizen service number (BSN)",
              "burgerservicenummer (BSN)", "9 cijfers", pgn=True, expected_en="9 digits",
              source="WRO art. 1, 12 (persoonsgebonden nummer)"),
]
Onderwijsnummer = Annotated[
    str,
    _pattern(r"[0-9]{9}"),
    AfterValidator(_check_onderwijsnummer),
    FieldMeta("onderwijsnummer", "education number, only when there is no BSN",
              "onderwijsnummer, alleen als er geen BSN is", "9 cijfers", pgn=True,
              expected_en="9 digits",
              source="WRO art. 1, 12 (persoonsgebonden nummer without a BSN)"),
]
Volgnummer = Annotated[
    str,
    _pattern(r"[A-Za-z0-9._\-]{1,20}"),
    FieldMeta("inschrijvingvolgnummer", "enrolment sequence number, unique per student",
              "volgnummer van de inschrijving, uniek per student",
              "1-20 tekens uit A-Z, a-z, 0-9 en . _ -",
              expected_en="1-20 characters from A-Z, a-z, 0-9 and . _ -",
              source="DUO: the enrolment key in ROD's files (RO ISG, ROD-HO BRD); the length "
                     "is rodcli's own"),
]
BulkDate = Annotated[date, BeforeValidator(_parse_date)]
Postcode = Annotated[
    str,
    _pattern(r"[1-9][0-9]{3}[A-Z]{2}"),
    FieldMeta("postcode", "postcode of the student's address, where the export has it",
              "postcode van het woonadres, als de export hem heeft",
              "1234AB, zonder spatie", personal=True, expected_en="1234AB, without space",
              source="BRO art. 4.1e, 18.1a"),
]
IsatCode = Annotated[
    str,
    _pattern(r"[0-9]{5}"),
    AfterValidator(_check_isat),
]
CreboCode = Annotated[str, _pattern(r"[0-9]{5}")]
# mbo: DUO's formats from the PvE MBO-instelling (RO record layouts).
MboVolgnummer = Annotated[str, _pattern(r"[A-Za-z0-9]{1,20}")]  # AN1..20, letters and digits
PartialDate = Annotated[str, _pattern(r"[0-9]{4}-[0-9]{2}-[0-9]{2}"),
                        AfterValidator(_check_partial_date)]
Onderwijsaanbieder = Annotated[str, _pattern(r"[0-9]{3}A[0-9]{3}")]
LocatiecodeVsv = Annotated[str, _pattern(r"[0-9]{12}")]
LeerbedrijfId = Annotated[str, _pattern(r"[1-9][0-9]{8}")]
OmvangBpv = Annotated[str, _pattern(r"[0-9]{1,4}")]
CodeKeuzedeel = Annotated[str, _pattern(r"K[0-9]{4}")]
CodeGeneriekExamenonderdeel = Annotated[str, _pattern(r"[A-Za-z0-9]{4}")]
CodeAmvbOnderdeel = Annotated[str, _pattern(r"[A-Za-z0-9]{5}")]
Eindcijfer = Annotated[str, _pattern(r"[0-9]{1,2}")]
Deelcijfer = Annotated[str, _pattern(r"[0-9]{2,3}")]
Vrijstelling = Annotated[str, _pattern(r"[A-Za-z0-9]{1,4}")]
VrijstellingDeel = Annotated[str, _pattern(r"[A-Za-z0-9]{3}")]
RedenUitschrijvingCode = Annotated[str, _pattern(r"[A-Za-z0-9]{2}")]
ValueCode = Annotated[str, _pattern(r"[A-Za-z0-9._\-/ ]{1,70}")]
Onderwijslocatie = Annotated[
    str,
    _pattern(r"[0-9]{3}X[0-9]{3}"),
    FieldMeta("onderwijslocatie", "teaching location code from RIO",
              "onderwijslocatiecode uit RIO", "123X456",
              source="DUO, uitwisselen met ROD (mbo): enrolments from 2019-08-01; code from "
                     "RIO"),
]
Onderwijseenheidcode = Annotated[
    str,
    _pattern(r"[A-Za-z0-9._\-/ ]{1,40}"),
    FieldMeta("onderwijseenheidcode", "the institution's own code of the module",
              "eigen code van de module (onderwijseenheid)",
              "1-40 tekens uit A-Z, a-z, 0-9, spatie en . _ - /",
              expected_en="1-40 characters from A-Z, a-z, 0-9, space and . _ - /",
              source="BRO art. 6.6b (onderwijseenheid); the code itself is rodcli's own"),
]
Ects = Annotated[Decimal, BeforeValidator(_parse_ects)]
