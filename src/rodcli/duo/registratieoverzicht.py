"""Reader for DUO's Registratieoverzicht (RO): the mbo registration as ROD holds it.

An RO (PvE MBO-instelling v4.8.2, chapter 15 / Bijlage 7) is a multi-record CSV without a
header: a voorlooprecord ``VLP`` (BRIN and selection period), per person a ``PER`` followed by
its enrolments (``ISG``, each with its periods ``ISP``, extra support ``ISE`` and practical
training ``BPV``), its diplomas (``DIP`` with their results ``AMO``, ``GEO``, ``KZD``) and loose
results, and a sluitrecord ``SLR`` with counts. The first field of every line is the record
type; position alone gives a field its meaning.

Use::

    reader = RegistratieoverzichtReader(path, sink=result.add)
    for record in reader:            # streams: one line in memory at a time
        match record:
            case Inschrijving(): ...
            case MalformedLine(): ...  # its findings went to the sink already
    reader.summary.period             # the VLP's selection period (None without a VLP)

Real files deviate from the PvE, and the reader takes each deviation in its stride, with an
informational finding (once per file) that says what it assumed:

* ``;`` instead of ``|`` (D020), dates as ``d-m-yyyy`` (D021), lines padded with empty fields
  or cut short after the last filled one (D022), leading zeros lost in codes and personal
  numbers, ``8`` for ``08`` (D023), the sluitrecord first and the voorlooprecord last
  (D024), the extra always-empty field at position 7 of ``DIP`` (D025), Windows-1252 instead of
  UTF-8 (D026), empty lines (D027).

Every malformed line gets a finding (D002-D008; D019 for a line over 64 KiB, read past) with
line, column, field (DUO's name) and the record (personal number masked), and is yielded as a
:class:`MalformedLine` so a comparison can still match it by key instead of reporting it
missing. After the last line the reader checks
the file as a whole: exactly one VLP and one SLR, at the start or end (D009-D011), the SLR's
counts against the lines read (D012), and the VLP's BRIN and period against the file name
``RO_99XX_EEJJMMDD_EEJJMMDD.CSV`` (D013; D014 when the name is not in that form, so the check
is never skipped silently). Within one person's block it checks that every record belongs to
that person (D015), that periods, BPVs and results point at an enrolment or diploma of that
person (D016), keys that occur twice (D017) and the PvE's sort order of persons (D018).

For a comparison: each person record has a ``key`` (person, then its own numbers),
:func:`field_values` gives its values by DUO's field name, and
:attr:`RoSummary.period` (or :func:`scan_header`, before reading) the selection period, whose
``selects_enrolment`` / ``selects_result`` say what the RO holds (PvE §15.1).

Memory does not grow with the file: the reader keeps the counts, the current person's keys
and the first/last record types. It never prints and never raises for bad input.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from stdnum.nl import bsn as stdnum_bsn

from rodcli.findings import Finding, Location, make_finding
from rodcli.masking import mask_pgn

Sink = Callable[[Finding], None]

RECORD_TYPES: tuple[str, ...] = (
    "VLP", "PER", "ISG", "ISP", "ISE", "BPV", "DIP", "AMO", "GEO", "KZD", "SLR")
# The record types the sluitrecord counts, in the order of its fields (PvE §15.5.13).
COUNTED_TYPES: tuple[str, ...] = ("PER", "ISG", "ISP", "ISE", "BPV", "DIP", "AMO", "GEO", "KZD")
DELIMITERS = ("|", ";")
MAX_LINE_BYTES = 1 << 16  # an RO line is a few hundred bytes; longer ones are not read

# PvE §16.6 (the same list serves RO): leertraject codes; validity dates are not checked here.
LEERTRAJECTEN = frozenset({"BOL", "BOL_DT", "BBL", "OVO", "EX", "ODT"})
NIVEAUS = frozenset({"MBO-1", "MBO-2", "MBO-3", "MBO-4"})
GESLACHTEN = frozenset({"M", "V", "O"})
LEERROUTEFASEN = frozenset({"VO", "MBO"})
KZD_RESULTATEN = {"behaald": "Behaald", "niet behaald": "Niet behaald"}

PersonKey = tuple[str, str]  # ("BSN", number) or ("ONR", number): two domains, never mixed


# ---- records ---------------------------------------------------------------------------------
# ``line`` is the physical line (1-based) the record was read from; it takes no part in
# equality, so the same content read from two forms of a file compares equal.


@dataclass(frozen=True, slots=True)
class Voorlooprecord:
    """``VLP``: the institution and the selection period (both ends inclusive)."""

    RECORD_TYPE: ClassVar[str] = "VLP"
    line: int = field(compare=False)
    brin: str
    datum_begin_periode: date
    datum_einde_periode: date
    datum_aanmaak: date

    @property
    def period(self) -> SelectionPeriod:
        return SelectionPeriod(self.datum_begin_periode, self.datum_einde_periode)


@dataclass(frozen=True, slots=True)
class Sluitrecord:
    """``SLR``: the number of records of each counted type, as DUO wrote them."""

    RECORD_TYPE: ClassVar[str] = "SLR"
    line: int = field(compare=False)
    counts: dict[str, int]  # record type (COUNTED_TYPES) -> count


@dataclass(frozen=True, slots=True)
class _PersonRecord:
    line: int = field(compare=False)
    bsn: str | None
    onderwijsnummer: str | None

    @property
    def person(self) -> PersonKey:
        """The person: BSN, or onderwijsnummer when there is no BSN (kept apart)."""
        if self.bsn is not None:
            return ("BSN", self.bsn)
        assert self.onderwijsnummer is not None  # the reader yields exactly one of them
        return ("ONR", self.onderwijsnummer)

    @property
    def masked(self) -> str:
        """The personal number as it may appear in a report."""
        return mask_pgn(self.person[1])


@dataclass(frozen=True, slots=True)
class Persoon(_PersonRecord):
    """``PER``. ``geboortedatum`` is ``ccyy-mm-dd`` with ``00`` for an unknown day or month."""

    RECORD_TYPE: ClassVar[str] = "PER"
    geboortedatum: str
    geslacht: str  # M, V or O

    @property
    def key(self) -> tuple[str, ...]:
        return self.person


@dataclass(frozen=True, slots=True)
class Inschrijving(_PersonRecord):
    """``ISG``: an enrolment, keyed by person + inschrijvingvolgnummer."""

    RECORD_TYPE: ClassVar[str] = "ISG"
    inschrijvingvolgnummer: str
    datum_inschrijving: date
    datum_uitschrijving_gepland: date
    datum_uitschrijving_werkelijk: date | None
    reden_uitschrijving: str | None  # two characters; the value list is not public

    @property
    def key(self) -> tuple[str, ...]:
        return (*self.person, self.inschrijvingvolgnummer)


@dataclass(frozen=True, slots=True)
class Inschrijvingsperiode(_PersonRecord):
    """``ISP``: a period of an enrolment from ``datum_begin`` (RO gives no end date: a period
    runs until the next one of the same enrolment begins, or the enrolment ends)."""

    RECORD_TYPE: ClassVar[str] = "ISP"
    inschrijvingvolgnummer: str
    datum_begin: date
    opleidingcode: str  # CREBO, five digits
    leertraject: str  # BOL, BBL, ...
    niveau: str | None  # MBO-1 .. MBO-4; often empty in practice
    indicatie_bekostigbaar: bool
    locatiecode_vsv: str | None
    onderwijsaanbieder: str | None  # nnnAnnn
    onderwijslocatie: str | None  # nnnXnnn
    leerroute: str | None
    leerroutefase: str | None  # VO or MBO

    @property
    def key(self) -> tuple[str, ...]:
        return (*self.person, self.inschrijvingvolgnummer, self.datum_begin.isoformat())


@dataclass(frozen=True, slots=True)
class ExtraOndersteuning(_PersonRecord):
    """``ISE``: a period of extra support within an enrolment."""

    RECORD_TYPE: ClassVar[str] = "ISE"
    inschrijvingvolgnummer: str
    datum_begin: date
    datum_eind: date | None

    @property
    def key(self) -> tuple[str, ...]:
        return (*self.person, self.inschrijvingvolgnummer, self.datum_begin.isoformat())


@dataclass(frozen=True, slots=True)
class Bpv(_PersonRecord):
    """``BPV``: a praktijkovereenkomst of an enrolment, keyed by its volgnummer."""

    RECORD_TYPE: ClassVar[str] = "BPV"
    inschrijvingvolgnummer: str
    volgnummer: str
    afsluitdatum: date
    datum_begin: date
    datum_einde_gepland: date
    datum_einde_werkelijk: date | None
    omvang: int | None  # hours
    leerbedrijf_id: str  # SBB, nine digits
    opleidingcode: str | None
    code_keuzedeel: str | None

    @property
    def key(self) -> tuple[str, ...]:
        return (*self.person, self.inschrijvingvolgnummer, self.volgnummer)


@dataclass(frozen=True, slots=True)
class Diploma(_PersonRecord):
    """``DIP``: a diploma, keyed by person + resultaatvolgnummer."""

    RECORD_TYPE: ClassVar[str] = "DIP"
    resultaatvolgnummer: str
    opleidingcode: str
    datum_resultaat: date
    indicatie_bekostigbaar: bool
    inschrijvingvolgnummer: str | None  # the enrolment the diploma was obtained in
    onderwijsaanbieder: str | None

    @property
    def key(self) -> tuple[str, ...]:
        return (*self.person, self.resultaatvolgnummer)


@dataclass(frozen=True, slots=True)
class _Result(_PersonRecord):
    """A result on a diploma (``resultaatvolgnummer_diploma`` set) or loose (then it carries
    its own date and enrolment)."""

    resultaatvolgnummer_diploma: str | None
    opleidingcode_diploma: str | None
    resultaatvolgnummer: str

    @property
    def key(self) -> tuple[str, ...]:
        return (*self.person, self.resultaatvolgnummer)

    @property
    def loose(self) -> bool:
        return self.resultaatvolgnummer_diploma is None


@dataclass(frozen=True, slots=True)
class AmvbOnderdeel(_Result):
    """``AMO``: an AMvB-onderdeel (a loose one always gives a certificate)."""

    RECORD_TYPE: ClassVar[str] = "AMO"
    code_amvb_onderdeel: str
    datum_resultaat: date | None
    certificaat: bool | None
    inschrijvingvolgnummer: str | None
    onderwijsaanbieder: str | None


@dataclass(frozen=True, slots=True)
class GeneriekExamenonderdeel(_Result):
    """``GEO``: a generiek examenonderdeel (Nederlands, rekenen, Engels). The code list and
    the exemption codes are not public: codes are kept as read."""

    RECORD_TYPE: ClassVar[str] = "GEO"
    code_generiek_examenonderdeel: str
    datum_resultaat: date | None
    eindcijfer: Decimal | None
    vrijstelling_generiek_examenonderdeel: str | None
    cijfer_ie: Decimal | None
    vrijstelling_ie: str | None
    cijfer_ce: Decimal | None
    vrijstelling_ce: str | None
    inschrijvingvolgnummer: str | None
    onderwijsaanbieder: str | None


@dataclass(frozen=True, slots=True)
class Keuzedeel(_Result):
    """``KZD``: a keuzedeel (``K`` + four digits), ``Behaald`` or ``Niet behaald``."""

    RECORD_TYPE: ClassVar[str] = "KZD"
    code_keuzedeel: str
    datum_resultaat: date | None
    resultaat: str
    certificaat: bool | None
    inschrijvingvolgnummer: str | None
    onderwijsaanbieder: str | None


@dataclass(frozen=True, slots=True)
class MalformedLine:
    """A line of a known record type that failed its checks (the findings went to the sink).

    ``fields`` are the line's fields as read, personal numbers included: for matching by key
    only, never for a report (``repr`` leaves them out).
    """

    line: int
    record_type: str
    fields: tuple[str, ...] = field(repr=False)

    @property
    def key(self) -> tuple[str, ...] | None:
        """The key the record would have had (as the typed record's ``key``), when the
        fields it needs are readable; None otherwise (VLP, SLR, or a key field unreadable)."""
        fields = self.fields + ("",) * 6
        kind = self.record_type
        if kind not in PERSON_TYPES or bool(fields[1]) == bool(fields[2]):
            return None
        number = fields[1] or fields[2]
        if _is_digits(number) and len(number) <= 9:
            number = number.zfill(9)
        person = ("BSN" if fields[1] else "ONR", number)
        if kind == "PER":
            return person
        at = _OWN_NUMBER_AT[kind]
        if not fields[at]:
            return None
        if kind in ("ISP", "ISE"):
            begin, _ = _read_date(fields[4])
            return None if begin is None else (*person, fields[3], begin.isoformat())
        if kind == "BPV":
            return (*person, fields[3], fields[4]) if fields[4] else None
        return (*person, fields[at])


PersonRecord = (Persoon | Inschrijving | Inschrijvingsperiode | ExtraOndersteuning | Bpv
                | Diploma | AmvbOnderdeel | GeneriekExamenonderdeel | Keuzedeel)
RoRecord = Voorlooprecord | Sluitrecord | PersonRecord | MalformedLine


@dataclass(frozen=True, slots=True)
class SelectionPeriod:
    """The RO's selection period, both ends inclusive."""

    begin: date
    end: date

    def covers(self, day: date) -> bool:
        """Whether a single date (a diploma's or result's) lies in the period."""
        return self.begin <= day <= self.end

    def overlaps(self, begin: date, end: date | None) -> bool:
        """Whether something valid from ``begin`` to ``end`` (inclusive; None: open) is valid
        at some moment of the period."""
        return begin <= self.end and (end is None or end >= self.begin)

    # What the RO holds (PvE §15.1), for limiting the school's side of a comparison to it:
    # enrolments valid in the period with all their periods, extra support and BPVs;
    # diplomas obtained in the period; loose results obtained in the period; any result
    # tied to a selected enrolment, whenever obtained; the persons of all of these.

    def selects_enrolment(self, begin: date, planned_end: date,
                          actual_end: date | None) -> bool:
        """Whether the RO holds this enrolment (and so all its periods and BPVs). An
        enrolment is taken as valid until its actual end, or its planned end without one
        (rodcli's reading of "geldig in de selectieperiode")."""
        return self.overlaps(begin, actual_end if actual_end is not None else planned_end)

    def selects_result(self, day: date | None, enrolment_selected: bool = False) -> bool:
        """Whether the RO holds a diploma or result obtained on ``day``: in the period, or
        tied to a selected enrolment (for results through their inschrijvingvolgnummer)."""
        return enrolment_selected or (day is not None and self.covers(day))


@dataclass(frozen=True, slots=True)
class RoFileName:
    """What DUO's file name ``RO_99XX_EEJJMMDD_EEJJMMDD.CSV`` says."""

    brin: str
    begin: date
    end: date


_FILE_NAME = re.compile(r"RO_([0-9]{2}[A-Z]{2})_([0-9]{8})_([0-9]{8})\.csv", re.IGNORECASE)


def parse_file_name(name: str) -> RoFileName | None:
    """The BRIN and period in an RO's file name, or None when the name is not in DUO's form."""
    match = _FILE_NAME.fullmatch(name)
    if match is None:
        return None
    try:
        begin, end = (date(int(text[:4]), int(text[4:6]), int(text[6:]))
                      for text in (match[2], match[3]))
    except ValueError:
        return None
    return RoFileName(match[1].upper(), begin, end)


@dataclass(slots=True)
class RoSummary:
    """What was learnt about the file while reading it; complete once iteration has ended."""

    path: str
    encoding: str = "utf-8"  # what was assumed: "utf-8" or "cp1252" (from the first bad byte)
    delimiter: str | None = None  # "|" (PvE) or ";"
    date_notation: str = "iso"  # "d-m-yyyy" once a date was read in that notation
    header: Voorlooprecord | None = None
    trailer: Sluitrecord | None = None
    file_name: RoFileName | None = None
    lines: int = 0  # physical lines
    records: Counter[str] = field(default_factory=Counter)  # lines per record type
    malformed: int = 0  # lines yielded as MalformedLine
    dip_layouts: Counter[str] = field(default_factory=Counter)  # "pve" (9 fields) / "practice"
    complete: bool = False  # iteration ran to the end of the file

    @property
    def period(self) -> SelectionPeriod | None:
        """The selection period from the VLP: compare only what it covers."""
        return None if self.header is None else self.header.period

    @property
    def brin(self) -> str | None:
        return None if self.header is None else self.header.brin


# ---- recognising an RO ----------------------------------------------------------------------

_HEAD_LINE = re.compile(rb"(VLP|PER|ISG|ISP|ISE|BPV|DIP|AMO|GEO|KZD|SLR)([|;])")
_VLP_HEAD = re.compile(rb"VLP([|;])[0-9]{2}[A-Z]{2}\1")
_SLR_HEAD = re.compile(rb"SLR([|;])[0-9]+(\1[0-9]*)*\s*")


def looks_like_ro(head: bytes) -> bool:
    """Whether the first bytes of a file (a few KiB are plenty) are an RO's, by content.

    True when the first non-empty line is a VLP with a BRIN, an SLR of counts (the
    sluitrecord-first form), or starts with an RO record type and separator and so does the
    next line. A ROD bulk CSV (header ``recordtype;...``) and XML never match.
    """
    if head.startswith(codecs.BOM_UTF8):
        head = head[len(codecs.BOM_UTF8):]
    lines = [line.strip() for line in head.splitlines()]
    lines = [line for line in lines if line.strip(b";|")]
    if not lines:
        return False
    first = lines[0]
    if _VLP_HEAD.match(first) or _SLR_HEAD.fullmatch(first):
        return True
    if len(lines) < 2:
        return False
    first_match, second_match = _HEAD_LINE.match(first), _HEAD_LINE.match(lines[1])
    return bool(first_match and second_match and first_match[2] == second_match[2])


# ---- field checks ----------------------------------------------------------------------------


class _Invalid(Exception):
    """A field that fails its check: the finding code and its parameters."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DMY = re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})")


@lru_cache(maxsize=4096)  # about eleven years of days: all an RO needs
def _read_date(text: str) -> tuple[date | None, str]:
    """(the date or None, the notation: "iso", "d-m-yyyy", or "" when it is no date at all);
    cached, as dates repeat a great deal in one file."""
    if match := _ISO.fullmatch(text):
        year, month, day, notation = match[1], match[2], match[3], "iso"
    elif match := _DMY.fullmatch(text):
        day, month, year, notation = match[1], match[2], match[3], "d-m-yyyy"
    else:
        return None, ""
    try:
        return date(int(year), int(month), int(day)), notation
    except ValueError:
        return None, notation


def _read_birth_date(text: str) -> tuple[str | None, str]:
    """A birth date as ``ccyy-mm-dd`` with ``00`` for an unknown day, or day and month."""
    if match := _ISO.fullmatch(text):
        year, month, day, notation = match[1], match[2], match[3], "iso"
    elif match := _DMY.fullmatch(text):
        day, month, year, notation = match[1], match[2], match[3], "d-m-yyyy"
    else:
        return None, ""
    y, m, d = int(year), int(month), int(day)
    if m == 0 and d != 0:
        return None, notation  # a known day of an unknown month is not a date
    try:
        date(y, m or 1, d or 1)
    except ValueError:
        return None, notation
    return f"{y:04d}-{m:02d}-{d:02d}", notation


_VOLGNUMMER = re.compile(r"[A-Za-z0-9]{1,20}")
_BRIN = re.compile(r"[0-9]{2}[A-Z]{2}")
_AANBIEDER = re.compile(r"[0-9]{3}A[0-9]{3}")
_LOCATIE = re.compile(r"[0-9]{3}X[0-9]{3}")
_KEUZEDEEL = re.compile(r"K[0-9]{4}")
_AMVB = re.compile(r"[A-Z0-9]{5}")
_GRADE = re.compile(r"[0-9]{1,3}([.,][0-9]{1,2})?")


@dataclass(frozen=True, slots=True)
class _Field:
    name: str  # DUO's name for it (PvE), as findings show it
    attr: str  # the record's attribute
    required: bool
    kind: str
    pattern: re.Pattern[str] | None = None
    width: int = 0  # fixed width of a numeric code (zeros restored) or maximum length
    choices: frozenset[str] = frozenset()
    expected: str = ""  # what a valid value looks like, for the finding


def _f(name: str, attr: str, required: bool, kind: str, *,
       pattern: str | None = None, width: int = 0, choices: frozenset[str] = frozenset(),
       expected: str = "") -> _Field:
    return _Field(name, attr, required, kind, re.compile(pattern) if pattern else None, width,
                  choices, expected)


def _volgnummer(name: str, attr: str, required: bool) -> _Field:
    return _f(name, attr, required, "text", pattern=_VOLGNUMMER.pattern,
              expected="AN1..20 (A-Z, a-z, 0-9)")


def _crebo(name: str, attr: str, required: bool) -> _Field:
    return _f(name, attr, required, "code", pattern=r"[0-9]{5}", width=5,
              expected="99999 (CREBO)")


def _date_field(name: str, attr: str, required: bool) -> _Field:
    return _f(name, attr, required, "date")


def _flag(name: str, attr: str, required: bool) -> _Field:
    return _f(name, attr, required, "flag", expected="J/N")


def _aanbieder(required: bool = False) -> _Field:
    return _f("Onderwijsaanbieder", "onderwijsaanbieder", required, "text",
              pattern=_AANBIEDER.pattern, expected="nnnAnnn")


_RESULT_HEAD = (
    _volgnummer("Resultaatvolgnummer diploma", "resultaatvolgnummer_diploma", False),
    _crebo("Opleidingcode diploma", "opleidingcode_diploma", False),
    _volgnummer("Resultaatvolgnummer", "resultaatvolgnummer", True),
)

# Fields after the record type and (for person records) BSN and onderwijsnummer.
LAYOUTS: dict[str, tuple[_Field, ...]] = {
    "VLP": (
        _f("BRIN", "brin", True, "text", pattern=_BRIN.pattern, expected="99XX"),
        _date_field("Datum begin periode", "datum_begin_periode", True),
        _date_field("Datum einde periode", "datum_einde_periode", True),
        _date_field("Datum aanmaak", "datum_aanmaak", True),
    ),
    "PER": (
        _f("Geboortedatum", "geboortedatum", True, "birth"),
        _f("Geslacht", "geslacht", True, "choice", choices=GESLACHTEN, expected="M/V/O"),
    ),
    "ISG": (
        _volgnummer("Inschrijvingvolgnummer", "inschrijvingvolgnummer", True),
        _date_field("Datum inschrijving", "datum_inschrijving", True),
        _date_field("Datum uitschrijving gepland", "datum_uitschrijving_gepland", True),
        _date_field("Datum uitschrijving werkelijk", "datum_uitschrijving_werkelijk", False),
        _f("Reden uitschrijving", "reden_uitschrijving", False, "code",
           pattern=r"[0-9A-Z]{2}", width=2, expected="AN2"),
    ),
    "ISP": (
        _volgnummer("Inschrijvingvolgnummer", "inschrijvingvolgnummer", True),
        _date_field("Datum begin", "datum_begin", True),
        _crebo("Opleidingcode", "opleidingcode", True),
        _f("Leertraject", "leertraject", True, "choice", choices=LEERTRAJECTEN,
           expected="/".join(sorted(LEERTRAJECTEN))),
        _f("Niveau", "niveau", False, "choice", choices=NIVEAUS, expected="MBO-1..MBO-4"),
        _flag("Indicatie bekostigbaar", "indicatie_bekostigbaar", True),
        _f("Locatiecode VSV", "locatiecode_vsv", False, "code", pattern=r"[0-9]{12}",
           width=12, expected="999999999999"),
        _aanbieder(),
        _f("Onderwijslocatie", "onderwijslocatie", False, "text", pattern=_LOCATIE.pattern,
           expected="nnnXnnn"),
        _f("Leerroute", "leerroute", False, "text", pattern=r"[A-Z0-9]{1,3}",
           expected="AN1..3"),
        _f("Leerroutefase", "leerroutefase", False, "choice", choices=LEERROUTEFASEN,
           expected="VO/MBO"),
    ),
    "ISE": (
        _volgnummer("Inschrijvingvolgnummer", "inschrijvingvolgnummer", True),
        _date_field("Datum begin", "datum_begin", True),
        _date_field("Datum eind", "datum_eind", False),
    ),
    "BPV": (
        _volgnummer("Inschrijvingvolgnummer", "inschrijvingvolgnummer", True),
        _volgnummer("Volgnummer", "volgnummer", True),
        _date_field("Afsluitdatum", "afsluitdatum", True),
        _date_field("Datum begin", "datum_begin", True),
        _date_field("Datum einde gepland", "datum_einde_gepland", True),
        _date_field("Datum einde werkelijk", "datum_einde_werkelijk", False),
        _f("Omvang", "omvang", False, "int", width=4, expected="0-9999"),
        _f("LeerbedrijfID", "leerbedrijf_id", True, "text", pattern=r"[1-9][0-9]{8}",
           expected="100000000-999999999"),
        _crebo("Opleidingcode", "opleidingcode", False),
        _f("Code keuzedeel", "code_keuzedeel", False, "text", pattern=_KEUZEDEEL.pattern,
           expected="K9999"),
    ),
    "DIP": (  # the PvE's nine fields; the practice layout is recognised per line
        _volgnummer("Resultaatvolgnummer", "resultaatvolgnummer", True),
        _crebo("Opleidingcode", "opleidingcode", True),
        _date_field("Datum resultaat", "datum_resultaat", True),
        _flag("Indicatie bekostigbaar", "indicatie_bekostigbaar", True),
        _volgnummer("Inschrijvingvolgnummer", "inschrijvingvolgnummer", False),
        _aanbieder(),
    ),
    "AMO": (
        *_RESULT_HEAD,
        _f("Code AMvB onderdeel", "code_amvb_onderdeel", True, "text", pattern=_AMVB.pattern,
           expected="AN5"),
        _date_field("Datum resultaat", "datum_resultaat", False),
        _flag("Certificaat", "certificaat", False),
        _volgnummer("Inschrijvingvolgnummer", "inschrijvingvolgnummer", False),
        _aanbieder(),
    ),
    "GEO": (
        *_RESULT_HEAD,
        _f("Code generiek examenonderdeel", "code_generiek_examenonderdeel", True, "code",
           pattern=r"[0-9A-Z]{4}", width=4, expected="AN4"),
        _date_field("Datum resultaat", "datum_resultaat", False),
        _f("Eindcijfer", "eindcijfer", False, "grade", expected="1-10"),
        _f("Vrijstelling generiek examenonderdeel", "vrijstelling_generiek_examenonderdeel",
           False, "text", pattern=r"[^\s]{1,4}", expected="AN1..4"),
        _f("Cijfer IE", "cijfer_ie", False, "grade", expected="0-100"),
        _f("Vrijstelling IE", "vrijstelling_ie", False, "text", pattern=r"[^\s]{1,3}",
           expected="AN1..3"),
        _f("Cijfer CE", "cijfer_ce", False, "grade", expected="0-100"),
        _f("Vrijstelling CE", "vrijstelling_ce", False, "text", pattern=r"[^\s]{1,3}",
           expected="AN1..3"),
        _volgnummer("Inschrijvingvolgnummer", "inschrijvingvolgnummer", False),
        _aanbieder(),
    ),
    "KZD": (
        *_RESULT_HEAD,
        _f("Code keuzedeel", "code_keuzedeel", True, "text", pattern=_KEUZEDEEL.pattern,
           expected="K9999"),
        _date_field("Datum resultaat", "datum_resultaat", False),
        _f("Resultaat", "resultaat", True, "result", expected="Behaald / Niet behaald"),
        _flag("Certificaat", "certificaat", False),
        _volgnummer("Inschrijvingvolgnummer", "inschrijvingvolgnummer", False),
        _aanbieder(),
    ),
    "SLR": tuple(
        _f(f"Aantal {kind}", kind, True, "int", width=12, expected="0-999999999999")
        for kind in COUNTED_TYPES),
}
PERSON_TYPES = frozenset(RECORD_TYPES) - {"VLP", "SLR"}
_PGN_NAMES = ("Burgerservicenummer", "Onderwijsnummer")
# Fields per line in the PvE's form, record type included (DIP: 9; in practice 10).
FIELD_COUNTS = {kind: 1 + (2 if kind in PERSON_TYPES else 0) + len(fields)
                for kind, fields in LAYOUTS.items()}

# Where a record's own number (volgnummer of its enrolment or result) stands, for findings.
_OWN_NUMBER_AT = {"ISG": 3, "ISP": 3, "ISE": 3, "BPV": 3, "DIP": 3, "AMO": 5, "GEO": 5, "KZD": 5}

_RECORD_CLASSES: tuple[type[Voorlooprecord] | type[PersonRecord], ...] = (
    Voorlooprecord, Persoon, Inschrijving, Inschrijvingsperiode, ExtraOndersteuning, Bpv,
    Diploma, AmvbOnderdeel, GeneriekExamenonderdeel, Keuzedeel)
_CLASSES: dict[str, type[Voorlooprecord] | type[PersonRecord]] = {
    cls.RECORD_TYPE: cls for cls in _RECORD_CLASSES}

# Per record type and DIP layout shift (1: the practice layout's extra field at position 7):
# each field of the layout with its index on the line.
_PLANS: dict[tuple[str, int], tuple[tuple[int, _Field], ...]] = {
    (kind, shift): tuple(
        ((3 if kind in PERSON_TYPES else 1) + offset
         + (shift if kind == "DIP" and offset >= 3 else 0), spec)
        for offset, spec in enumerate(layout))
    for kind, layout in LAYOUTS.items() for shift in (0, 1)}


def _constructor_order_holds() -> bool:
    """The records are built positionally from the layouts: their fields must follow them."""
    for kind, cls in _CLASSES.items():
        names = [spec.attr for spec in LAYOUTS[kind]]
        head = ["line", "bsn", "onderwijsnummer"] if kind in PERSON_TYPES else ["line"]
        if [item.name for item in dataclasses.fields(cls)] != head + names:
            return False
    return True


if not _constructor_order_holds():  # pragma: no cover - a programming error in this module
    raise AssertionError("RO record fields out of the layouts' order")

# Which notes (D020-D027) have been given: once per file each.
_NOTE_SEPARATOR, _NOTE_DMY, _NOTE_WIDTH, _NOTE_ZEROS = "D020", "D021", "D022", "D023"
_NOTE_ORDER, _NOTE_DIP, _NOTE_CP1252, _NOTE_EMPTY = "D024", "D025", "D026", "D027"


# ---- the reader ------------------------------------------------------------------------------


class RegistratieoverzichtReader:
    """Streams the records of one RO file; findings go to ``sink`` as they are found.

    ``display`` is the file name used in findings and held against the VLP (default:
    ``path`` as given). Iterate once;
    :attr:`summary` is complete when the iteration has ended. Without a sink, findings collect
    in :attr:`findings` (fine for tests and small files; give a sink for large ones).
    """

    def __init__(self, path: Path | str, *, sink: Sink | None = None,
                 display: str | None = None) -> None:
        self.path = Path(path)
        self.display = display if display is not None else str(path)
        self.findings: list[Finding] = []
        self._sink: Sink = sink if sink is not None else self.findings.append
        # The name the user knows the file by (a copy in a temporary folder keeps DUO's name
        # in ``display``) is held against the VLP.
        self._name = Path(self.display).name
        self.summary = RoSummary(self.display, file_name=parse_file_name(self._name))
        self._notes: set[str] = set()
        self._delimiter = "|"
        # The current person's block: who, and the keys seen in it.
        self._person: PersonKey | None = None
        self._previous_person: tuple[int, str] | None = None  # (0 BSN / 1 ONR, number)
        self._enrolments: set[str] = set()
        self._diplomas: set[str] = set()
        self._keys: set[tuple[str, ...]] = set()
        # The last BSN and onderwijsnummer that passed, as written (zeros intact).
        self._last_valid: list[str | None] = [None, None]
        self._block_known = True  # False after a malformed PER: its block is not checked
        self._first: tuple[str, int] | None = None  # record type and line of the first record
        self._last: tuple[str, int] | None = None
        self._frame_lines: dict[str, list[int]] = {"VLP": [], "SLR": []}

    def __iter__(self) -> Iterator[RoRecord]:
        try:
            handle = self.path.open("rb")
        except OSError as error:
            self._emit("I001", Location(self.display), reason=error.strerror or str(error))
            return
        with handle:
            head = handle.read(1 << 16)
            if not head.strip():
                self._emit("I007", Location(self.display))
                return
            if not looks_like_ro(head):
                self._emit("D001", Location(self.display, 1))
                return
            handle.seek(0)
            yield from self._read(handle)
        self._finish()
        self.summary.complete = True

    # -- lines ------------------------------------------------------------------------------

    def _read(self, handle: BinaryIO) -> Iterator[RoRecord]:
        number = 0
        for number, (raw, whole) in enumerate(_lines(handle), start=1):  # noqa: B007
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            if not whole:
                yield from self._too_long(raw, number)
                continue
            text = self._decode(raw, number).rstrip("\r\n")
            if not text.strip(" \t;|"):
                self._note(_NOTE_EMPTY, number)
                continue
            record = self._line(text, number)
            if record is not None:
                yield record
        self.summary.lines = number

    def _too_long(self, raw: bytes, number: int) -> Iterator[MalformedLine]:
        """A line far longer than any RO record: not split, not kept (a hostile or broken
        file must not take memory); a known record type still counts for the SLR."""
        self._emit("D019", Location(self.display, number, 1), limit=str(MAX_LINE_BYTES))
        kind = raw[:3].decode("ascii", errors="replace")
        if kind in LAYOUTS:
            self.summary.records[kind] += 1
            if self._first is None:
                self._first = (kind, number)
            self._last = (kind, number)
            yield self._malformed(kind, [kind], number)

    def _decode(self, raw: bytes, number: int) -> str:
        if self.summary.encoding == "utf-8":
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as error:
                # A spreadsheet saved it in Windows-1252: read on in that, and say so.
                self.summary.encoding = "cp1252"
                self._note(_NOTE_CP1252, number, error.start + 1,
                           byte=f"0x{raw[error.start]:02X}")
        return raw.decode("cp1252", errors="replace")

    def _line(self, text: str, number: int) -> RoRecord | None:
        kind = text[:3]
        separator = text[3:4]
        if self.summary.delimiter is None and kind in LAYOUTS and separator in DELIMITERS:
            self.summary.delimiter = self._delimiter = separator
            if separator != "|":
                self._note(_NOTE_SEPARATOR, number, 4)
        if kind not in LAYOUTS:
            # Only the first characters: the rest may hold a personal number.
            self._emit("D002", Location(self.display, number, 1), value=text[:4],
                       delimiter=self._delimiter)
            return None
        self.summary.records[kind] += 1  # a record of this type, readable or not (for SLR)
        if self._first is None:
            self._first = (kind, number)
        self._last = (kind, number)
        if separator != self._delimiter:
            self._emit("D002", Location(self.display, number, 1), value=text[:4],
                       delimiter=self._delimiter)
            fields = text.split(separator) if separator in DELIMITERS else [kind]
            return self._malformed(kind, fields, number)
        fields = text.split(self._delimiter)
        if '"' in text:  # a spreadsheet may quote a field; DUO never does
            try:
                fields = next(csv.reader([text], delimiter=self._delimiter))
            except csv.Error:
                pass  # a lone CR in the line: read as split, the field checks will tell
        if " " in text or "\t" in text:
            fields = [value.strip() for value in fields]
        return _LineParser(self, kind, fields, number).parse()

    def _malformed(self, kind: str, fields: list[str], number: int) -> MalformedLine:
        self.summary.malformed += 1
        if kind in ("VLP", "SLR"):
            self._frame(None, kind, number)
        else:
            self._malformed_in_block(kind, fields)
        return MalformedLine(number, kind, tuple(fields))

    # -- the file as a whole -------------------------------------------------------------------

    def _frame(self, record: Voorlooprecord | Sluitrecord | None, kind: str, number: int) -> None:
        lines = self._frame_lines[kind]
        lines.append(number)
        if len(lines) > 1:
            self._emit("D011", Location(self.display, number, 1, record=kind), record=kind)
            return
        if isinstance(record, Voorlooprecord):
            self.summary.header = record
        elif isinstance(record, Sluitrecord):
            self.summary.trailer = record

    def _finish(self) -> None:
        summary = self.summary
        first, last = self._first, self._last
        if first is None or last is None:
            self._emit("I007", Location(self.display))
            return
        for kind, missing in (("VLP", "D009"), ("SLR", "D010")):
            lines = self._frame_lines[kind]
            if not lines:
                self._emit(missing, Location(self.display, None if kind == "VLP" else last[1]))
            elif lines[0] not in (first[1], last[1]):
                self._emit("D011", Location(self.display, lines[0], 1, record=kind),
                           record=kind)
        if first[0] == "SLR" and last[0] == "VLP":
            self._note(_NOTE_ORDER, first[1])
        if summary.trailer is not None:
            trailer = summary.trailer
            for kind in COUNTED_TYPES:
                found, expected = summary.records[kind], trailer.counts[kind]
                if found != expected:
                    self._emit("D012", Location(self.display, trailer.line, None,
                                                f"Aantal {kind}", "SLR"),
                               record=kind, expected=str(expected), found=str(found))
        self._check_name()

    def _check_name(self) -> None:
        name, header = self.summary.file_name, self.summary.header
        if name is None:
            self._emit("D014", Location(self.display), name=self._name)
            return
        if header is None:
            return  # D009 said the VLP is missing: nothing to hold the name against
        for field_name, in_name, in_vlp in (
                ("BRIN", name.brin, header.brin),
                ("Datum begin periode", name.begin.isoformat(),
                 header.datum_begin_periode.isoformat()),
                ("Datum einde periode", name.end.isoformat(),
                 header.datum_einde_periode.isoformat())):
            if in_name != in_vlp:
                self._emit("D013", Location(self.display, header.line, None, field_name, "VLP"),
                           field=field_name, name=in_name, found=in_vlp)

    # -- a person's block ------------------------------------------------------------------------

    def _malformed_in_block(self, kind: str, fields: list[str]) -> None:
        """A malformed line still opens a block or names an enrolment or diploma: what
        follows it is not reported again for that."""
        if kind == "PER":
            self._block_known = False
        elif kind == "ISG" and len(fields) > 3:
            self._enrolments.add(fields[3])
        elif kind == "DIP" and len(fields) > 3:
            self._diplomas.add(fields[3])

    def _in_block(self, record: PersonRecord, where: Callable[[], Location]) -> None:
        """Checks that need only the current person's block (bounded memory); ``where`` gives
        the record's location, made only for a finding."""
        person = record.person
        if isinstance(record, Persoon):
            self._block_known = True
            order = (0 if person[0] == "BSN" else 1, person[1])
            previous = self._previous_person
            if previous is not None and order < previous:
                self._emit("D018", where())
            elif previous is not None and order == previous:
                self._emit("D017", where(), record="PER", key=record.masked)
            self._previous_person = order
            self._person = person
            self._enrolments.clear()
            self._diplomas.clear()
            self._keys.clear()
            return
        if not self._block_known:
            return
        if person != self._person:
            self._emit("D015", where(), record=record.RECORD_TYPE)
            return
        key = (record.RECORD_TYPE, *record.key[2:])
        if key in self._keys:
            self._emit("D017", where(), record=record.RECORD_TYPE,
                       key="/".join((record.masked, *record.key[2:])))
        self._keys.add(key)
        if isinstance(record, Inschrijving):
            self._enrolments.add(record.inschrijvingvolgnummer)
        elif isinstance(record, Diploma):
            self._diplomas.add(record.resultaatvolgnummer)
        elif isinstance(record, Inschrijvingsperiode | ExtraOndersteuning | Bpv):
            if record.inschrijvingvolgnummer not in self._enrolments:
                self._emit("D016", where(), record=record.RECORD_TYPE, parent="ISG",
                           value=record.inschrijvingvolgnummer)
        elif isinstance(record, _Result) and record.resultaatvolgnummer_diploma is not None:
            if record.resultaatvolgnummer_diploma not in self._diplomas:
                self._emit("D016", where(), record=record.RECORD_TYPE, parent="DIP",
                           value=record.resultaatvolgnummer_diploma)

    # -- findings --------------------------------------------------------------------------------

    def _emit(self, code: str, location: Location, **params: str) -> None:
        self._sink(make_finding(code, location, **params))

    def _note(self, code: str, line: int | None, column: int | None = None,
              **params: str) -> None:
        """A deviation from the PvE that the reader took in its stride: said once per file."""
        if code not in self._notes:
            self._notes.add(code)
            self._emit(code, Location(self.display, line, column), **params)


class _LineParser:
    """Turns one line's fields into a record, or findings and a :class:`MalformedLine`."""

    __slots__ = ("reader", "kind", "fields", "number", "failed", "width", "_layout_shift")

    def __init__(self, reader: RegistratieoverzichtReader, kind: str, fields: list[str],
                 number: int) -> None:
        self.reader = reader
        self.kind = kind
        self.fields = fields
        self.number = number
        self.failed = False
        self.width = len(fields)  # fields on the line; ``fields`` is padded to the layout
        self._layout_shift = 0  # DIP in practice: 1 from position 7 on
        missing = FIELD_COUNTS[kind] + 1 - len(fields)
        if missing > 0:
            fields.extend([""] * missing)

    def parse(self) -> RoRecord:
        kind, fields, reader = self.kind, self.fields, self.reader
        expected = FIELD_COUNTS[kind]
        # The record's constructor arguments, in its fields' order (checked at import).
        args: list[Any] = [self.number]  # typed by the layout's converters
        if kind in PERSON_TYPES:
            args.extend(self._personal_number())
        if kind == "DIP":
            expected = self._dip_layout(expected)
        self._width(expected)
        convert = self._convert
        for position, spec in _PLANS[kind, self._layout_shift]:
            text = fields[position]
            if not text:
                if spec.required:
                    self._fail("D004", position, spec.name, field=spec.name)
                args.append(None)
            elif spec.kind == "date":  # most fields are dates: no call for the common case
                day, notation = _read_date(text)
                if day is None:
                    self._fail("D005", position, spec.name, field=spec.name, value=text)
                elif notation != "iso":
                    self._dmy(position)
                args.append(day)
            else:
                try:
                    args.append(convert(spec, text, position))
                except _Invalid as invalid:
                    self._fail(invalid.code, position, spec.name, **invalid.params)
                    args.append(None)
        if self.failed:
            return reader._malformed(kind, fields[:self.width], self.number)
        if kind == "SLR":
            counts = {name: int(str(count)) for name, count in zip(COUNTED_TYPES, args[1:],
                                                                   strict=True)}
            trailer = Sluitrecord(self.number, counts)
            reader._frame(trailer, kind, self.number)
            return trailer
        record = _CLASSES[kind](*args)
        if isinstance(record, Voorlooprecord):
            if record.datum_einde_periode < record.datum_begin_periode:
                self._fail("D006", 3, "Datum einde periode", field="Datum einde periode",
                           value=fields[3], expected=">= " + fields[2])
                return reader._malformed(kind, fields[:self.width], self.number)
            reader._frame(record, kind, self.number)
            return record
        reader._in_block(record, self._line_location)
        return record

    # -- the shape of the line ---------------------------------------------------------------

    def _width(self, expected: int) -> None:
        width = self.width
        if width > expected:
            extra = self.fields[expected:width]
            filled = next((at for at, value in enumerate(extra) if value), None)
            if filled is not None:
                self._fail("D003", expected + filled, None, found=str(width),
                           expected=str(expected), record=self.kind)
            else:
                self.reader._note(_NOTE_WIDTH, self.number, found=str(width),
                                  expected=str(expected))
        elif width < expected:
            # Trailing empty fields cut off (a spreadsheet's fixed width): read as empty; a
            # required one among them is reported as empty.
            self.reader._note(_NOTE_WIDTH, self.number, found=str(width),
                              expected=str(expected))

    def _dip_layout(self, expected: int) -> int:
        """Every known delivery has an extra, always-empty field at position 7 (index 6); the
        PvE does not. Recognised per line: empty at 7 and J/N at 8, or J/N at 7."""
        at7 = self.fields[6]
        if at7 in ("J", "N"):
            self.reader.summary.dip_layouts["pve"] += 1
            return expected
        if at7:  # something else at 7: the practice layout's always-empty field is filled
            self._fail("D006", 6, "DIP 7", field="DIP 7", value=at7, expected="''")
        else:
            self.reader._note(_NOTE_DIP, self.number, self._column(6))
        self.reader.summary.dip_layouts["practice"] += 1
        self._layout_shift = 1
        return expected + 1

    # -- single fields -------------------------------------------------------------------------

    def _personal_number(self) -> tuple[str | None, str | None]:
        bsn, onr = self.fields[1], self.fields[2]
        if bool(bsn) == bool(onr):
            self._fail("D007", 1, "Burgerservicenummer",
                       count="2" if bsn else "0")
            return None, None
        at = 0 if bsn else 1
        number = bsn or onr
        if number == self.reader._last_valid[at]:
            # The records of one person follow each other: the number was checked just now.
            return (number, None) if at == 0 else (None, number)
        name = _PGN_NAMES[at]
        if not _is_digits(number) or len(number) > 9:
            # The value never goes into the finding: a personal number, perhaps a mistyped one
            self._fail("D008", at + 1, name, field=name)
            return None, None
        if len(number) < 9:
            number = number.zfill(9)
            self.reader._note(_NOTE_ZEROS, self.number, self._column(at + 1), field=name)
        valid = (int(number) != 0 and stdnum_bsn.checksum(number) == 0) if at == 0 else (
            number.startswith("10") and stdnum_bsn.checksum(number) == 5)
        if not valid:
            self._fail("D008", at + 1, name, field=name)
            return None, None
        if len(number) == len(bsn or onr):
            self.reader._last_valid[at] = number
        return (number, None) if at == 0 else (None, number)

    def _convert(self, spec: _Field, text: str, position: int) -> object:
        """A non-empty field's value (dates are converted in ``parse``)."""
        kind = spec.kind
        if kind == "text":
            assert spec.pattern is not None
            if not spec.pattern.fullmatch(text):
                raise _Invalid("D006", field=spec.name, value=text, expected=spec.expected)
            return text
        if kind == "code":
            assert spec.pattern is not None
            if len(text) < spec.width and _is_digits(text):
                text = text.zfill(spec.width)
                self.reader._note(_NOTE_ZEROS, self.number, self._column(position),
                                  field=spec.name)
            if not spec.pattern.fullmatch(text):
                raise _Invalid("D006", field=spec.name, value=text, expected=spec.expected)
            return text
        if kind == "choice":
            if text not in spec.choices:
                raise _Invalid("D006", field=spec.name, value=text, expected=spec.expected)
            return text
        if kind == "flag":
            if text not in ("J", "N"):
                raise _Invalid("D006", field=spec.name, value=text, expected="J/N")
            return text == "J"
        if kind == "int":
            if not _is_digits(text) or len(text) > spec.width:
                raise _Invalid("D006", field=spec.name, value=text, expected=spec.expected)
            return int(text)
        if kind == "grade":
            if not _GRADE.fullmatch(text):
                raise _Invalid("D006", field=spec.name, value=text, expected=spec.expected)
            return Decimal(text.replace(",", "."))
        if kind == "result":
            result = KZD_RESULTATEN.get(text.lower())
            if result is None:
                raise _Invalid("D006", field=spec.name, value=text, expected=spec.expected)
            return result
        if kind == "birth":
            birth, notation = _read_birth_date(text)
            if birth is None:
                raise _Invalid("D005", field=spec.name, value=text)
            if notation != "iso":
                self._dmy(position)
            return birth
        raise AssertionError(kind)  # pragma: no cover - every kind above

    def _dmy(self, position: int) -> None:
        summary = self.reader.summary
        if summary.date_notation != "d-m-yyyy":
            summary.date_notation = "d-m-yyyy"
            self.reader._note(_NOTE_DMY, self.number, self._column(position))

    # -- findings ----------------------------------------------------------------------------------

    def _column(self, position: int) -> int:
        """The character column where field ``position`` (0-based) starts."""
        return 1 + sum(len(value) + 1 for value in self.fields[:position])

    def _record_key(self) -> str:
        """The record as a finding names it: type, masked personal number, own number."""
        fields, kind = self.fields, self.kind
        key = kind
        if kind in PERSON_TYPES:
            number = fields[1] or fields[2]
            if number:
                key += " " + mask_pgn(number.zfill(9) if number.isdigit() else number)
        at = _OWN_NUMBER_AT.get(kind)
        if at is not None and fields[at]:
            key += "/" + fields[at]
        return key

    def _line_location(self) -> Location:
        return self._location(None, None)

    def _location(self, position: int | None, name: str | None) -> Location:
        column = None if position is None else self._column(position)
        return Location(self.reader.display, self.number, column, name, self._record_key())

    def _fail(self, code: str, position: int, name: str | None, **params: str) -> None:
        self.failed = True
        if "value" in params:
            params["value"] = _shown_value(params["value"])
        self.reader._emit(code, self._location(position, name), **params)


def _is_digits(text: str) -> bool:
    """ASCII digits only (``str.isdigit`` also takes ``²`` and other scripts' digits)."""
    return text.isascii() and text.isdigit()


def _shown_value(text: str) -> str:
    """A field's value as a finding may show it: a run of digits as long as a personal
    number that lost its leading zeros (a shifted line puts one anywhere) is masked."""
    if sum(char.isdigit() for char in text) >= 8:
        return mask_pgn(text)
    return text


def _lines(handle: BinaryIO) -> Iterator[tuple[bytes, bool]]:
    """The file's lines (ends kept) with whether each was whole: a line longer than
    MAX_LINE_BYTES is given by its start only, the rest is read past."""
    readline = handle.readline
    while raw := readline(MAX_LINE_BYTES):
        if len(raw) < MAX_LINE_BYTES or raw.endswith(b"\n"):
            yield raw, True
            continue
        while (rest := readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
            pass
        yield raw, False


def field_values(record: PersonRecord) -> dict[str, object]:
    """The record's values by DUO's field name (PvE), without the line and the personal
    number: what a comparison holds side by side once records match by ``key``."""
    return {spec.name: getattr(record, spec.attr) for spec in LAYOUTS[record.RECORD_TYPE]}


def scan_header(path: Path | str) -> Voorlooprecord | None:
    """The VLP of an RO without reading it all: from its first or its last line (the
    sluitrecord-first form). None when neither is a readable VLP."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 12)
            handle.seek(0, 2)
            size = handle.tell()
            handle.seek(max(0, size - (1 << 12)))
            tail = handle.read()
    except OSError:
        return None
    head = head.removeprefix(codecs.BOM_UTF8)
    candidates = [line for line in head.splitlines()[:1] + tail.splitlines()[-3:]
                  if line.startswith(b"VLP")]
    for raw in candidates:
        text = raw.decode("cp1252", errors="replace").strip()
        if text[3:4] not in DELIMITERS:
            continue
        reader = RegistratieoverzichtReader(path, sink=lambda finding: None)
        reader._delimiter = text[3:4]
        reader.summary.delimiter = text[3:4]
        record = reader._line(text, 1)
        if isinstance(record, Voorlooprecord):
            return record
    return None


def read_ro(path: Path | str, *, sink: Sink | None = None,
            display: str | None = None) -> RegistratieoverzichtReader:
    """A reader for ``path``; iterate it for the records (convenience for
    :class:`RegistratieoverzichtReader`)."""
    return RegistratieoverzichtReader(path, sink=sink, display=display)


__all__ = [
    "COUNTED_TYPES", "RECORD_TYPES", "AmvbOnderdeel", "Bpv", "Diploma", "ExtraOndersteuning",
    "GeneriekExamenonderdeel", "Inschrijving", "Inschrijvingsperiode", "Keuzedeel",
    "MalformedLine", "Persoon", "PersonRecord", "RegistratieoverzichtReader", "RoFileName",
    "RoRecord", "RoSummary", "SelectionPeriod", "Sluitrecord", "Voorlooprecord",
    "field_values", "looks_like_ro", "parse_file_name", "read_ro", "scan_header",
]
