"""One view of DUO's entities for both sides of a comparison with a Registratieoverzicht.

An RO record (:mod:`rodcli.duo.registratieoverzicht`) and a record of the school's mbo bulk
file are both turned into an :class:`Entity`: the record type as ROD bulk v1 names it, the
person, the record's own key after the person (``number``), its values by field name in
canonical text, and the dates that decide whether an RO's selection period covers it.

The names are those of the contract between the mbo remodel and this comparison
(``mbo-contract``, docs/compare.md): record types ``persoon``, ``inschrijving``,
``inschrijvingsperiode``, ``bpv``, ``diploma``, ``keuzedeel``, ``generiekExamenonderdeel``,
``amvbOnderdeel``, with DUO's field names in lowerCamel. The school's side is read by record
type and field name from a plain mapping (a model's ``model_dump()`` or a raw record's
values), never through the bulk format's model classes, so it does not depend on them.

Keys, as DUO keys its records (PvE §15; duo-files §9):

======================== ======================================================
person                   BRIN + BSN or onderwijsnummer (kept apart)
inschrijving             + inschrijvingvolgnummer
inschrijvingsperiode     + inschrijvingvolgnummer + datum begin
bpv                      + inschrijvingvolgnummer + BPV volgnummer
diploma and its results  + resultaatvolgnummer
======================== ======================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from rodcli.duo.registratieoverzicht import (
    LAYOUTS,
    AmvbOnderdeel,
    Bpv,
    Diploma,
    ExtraOndersteuning,
    GeneriekExamenonderdeel,
    Inschrijving,
    Inschrijvingsperiode,
    Keuzedeel,
    MalformedLine,
    PersonRecord,
    Persoon,
    SelectionPeriod,
)


@dataclass(frozen=True, slots=True)
class EntityField:
    """A compared field: its name in ROD bulk v1 (the contract), the RO record's attribute,
    DUO's name for it (PvE), and whether the bulk format has it at all."""

    name: str
    ro_attr: str
    label: str
    in_bulk: bool = True
    personal: bool = False  # with a BSN, ROD keeps the BRP's value, not the delivered one


@dataclass(frozen=True, slots=True)
class EntityType:
    """One record type: its RO record type, its key fields after the person (bulk names),
    and the fields compared."""

    name: str
    ro_type: str
    key: tuple[str, ...]
    fields: tuple[EntityField, ...]
    in_bulk: bool = True


def _fields(ro_type: str, *pairs: tuple[str, str], ro_only: tuple[str, ...] = (),
            personal: tuple[str, ...] = ()) -> tuple[EntityField, ...]:
    labels = {spec.attr: spec.name for spec in LAYOUTS[ro_type]}
    return tuple(EntityField(name, attr, labels[attr], name not in ro_only, name in personal)
                 for name, attr in pairs)


_RESULT_TAIL = (("inschrijvingvolgnummer", "inschrijvingvolgnummer"),
                ("onderwijsaanbieder", "onderwijsaanbieder"))
_ON_DIPLOMA = (("resultaatvolgnummerDiploma", "resultaatvolgnummer_diploma"),
               # Not in the bulk file: it follows from the diploma named (the contract).
               ("opleidingcodeDiploma", "opleidingcode_diploma"))

ENTITY_TYPES: dict[str, EntityType] = {entity.name: entity for entity in (
    EntityType("persoon", "PER", (), _fields(
        "PER", ("geboortedatum", "geboortedatum"), ("geslacht", "geslacht"),
        personal=("geboortedatum", "geslacht"))),
    EntityType("inschrijving", "ISG", ("inschrijvingvolgnummer",), _fields(
        "ISG", ("datumInschrijving", "datum_inschrijving"),
        ("datumUitschrijvingGepland", "datum_uitschrijving_gepland"),
        ("datumUitschrijvingWerkelijk", "datum_uitschrijving_werkelijk"),
        ("redenUitschrijving", "reden_uitschrijving"))),
    EntityType("inschrijvingsperiode", "ISP", ("inschrijvingvolgnummer", "datumBeginPeriode"),
               _fields("ISP", ("opleidingcode", "opleidingcode"),
                       ("leertraject", "leertraject"), ("niveau", "niveau"),
                       ("indicatieBekostigbaar", "indicatie_bekostigbaar"),
                       ("locatiecodeVsv", "locatiecode_vsv"),
                       ("onderwijsaanbieder", "onderwijsaanbieder"),
                       ("onderwijslocatie", "onderwijslocatie"), ("leerroute", "leerroute"),
                       ("leerroutefase", "leerroutefase"))),
    # ROD bulk v1 has no periods of extra support: compared only between two ROs.
    EntityType("extraOndersteuning", "ISE", ("inschrijvingvolgnummer", "datumBegin"),
               _fields("ISE", ("datumEind", "datum_eind")), in_bulk=False),
    EntityType("bpv", "BPV", ("inschrijvingvolgnummer", "bpvVolgnummer"), _fields(
        "BPV", ("afsluitdatumBpv", "afsluitdatum"), ("datumBeginBpv", "datum_begin"),
        ("datumEindeBpvGepland", "datum_einde_gepland"),
        ("datumEindeBpvWerkelijk", "datum_einde_werkelijk"), ("omvangBpv", "omvang"),
        ("leerbedrijfId", "leerbedrijf_id"), ("opleidingcodeBpv", "opleidingcode"),
        ("codeKeuzedeelBpv", "code_keuzedeel"))),
    EntityType("diploma", "DIP", ("resultaatvolgnummer",), _fields(
        "DIP", ("opleidingcodeDiploma", "opleidingcode"), ("datumDiploma", "datum_resultaat"),
        ("indicatieBekostigbaar", "indicatie_bekostigbaar"), *_RESULT_TAIL,
        ro_only=("indicatieBekostigbaar",))),
    EntityType("keuzedeel", "KZD", ("resultaatvolgnummer",), _fields(
        "KZD", *_ON_DIPLOMA, ("codeKeuzedeel", "code_keuzedeel"),
        ("datumResultaat", "datum_resultaat"), ("resultaatKeuzedeel", "resultaat"),
        ("certificaat", "certificaat"), *_RESULT_TAIL, ro_only=("opleidingcodeDiploma",))),
    EntityType("generiekExamenonderdeel", "GEO", ("resultaatvolgnummer",), _fields(
        "GEO", *_ON_DIPLOMA,
        ("codeGeneriekExamenonderdeel", "code_generiek_examenonderdeel"),
        ("datumResultaat", "datum_resultaat"), ("eindcijfer", "eindcijfer"),
        ("vrijstelling", "vrijstelling_generiek_examenonderdeel"), ("cijferIe", "cijfer_ie"),
        ("vrijstellingIe", "vrijstelling_ie"), ("cijferCe", "cijfer_ce"),
        ("vrijstellingCe", "vrijstelling_ce"), *_RESULT_TAIL,
        ro_only=("opleidingcodeDiploma",))),
    EntityType("amvbOnderdeel", "AMO", ("resultaatvolgnummer",), _fields(
        "AMO", *_ON_DIPLOMA, ("codeAmvbOnderdeel", "code_amvb_onderdeel"),
        ("datumResultaat", "datum_resultaat"), ("certificaat", "certificaat"), *_RESULT_TAIL,
        ro_only=("opleidingcodeDiploma",))),
)}
BY_RO_TYPE: dict[str, EntityType] = {entity.ro_type: entity for entity in ENTITY_TYPES.values()}
ENROLMENT_PARTS = frozenset({"inschrijvingsperiode", "extraOndersteuning", "bpv"})
RESULTS = frozenset({"keuzedeel", "generiekExamenonderdeel", "amvbOnderdeel"})


@dataclass(frozen=True, slots=True)
class Scope:
    """What decides whether an RO's selection period covers a record (PvE §15.1).

    An enrolment by its own dates; its periods, support and BPVs through it (``enrolment``);
    a diploma or result by its own date, or through the enrolment or diploma it is tied to;
    a person through any record of theirs that is covered.
    """

    begin: date | None = None  # inschrijving
    planned_end: date | None = None
    actual_end: date | None = None
    day: date | None = None  # diploma, result: the date obtained
    enrolment: str | None = None  # the inschrijvingvolgnummer it belongs to
    diploma: str | None = None  # a result's resultaatvolgnummer of its diploma
    unknown: bool = False  # its values could not be read: taken as covered

    def covered_by_itself(self, record_type: str, period: SelectionPeriod) -> bool:
        """Covered on its own dates alone (the links are followed by the caller)."""
        if self.unknown:
            return True
        if record_type == "inschrijving":
            if self.begin is None or self.planned_end is None:
                return True
            return period.selects_enrolment(self.begin, self.planned_end, self.actual_end)
        if record_type == "diploma" or record_type in RESULTS:
            if self.day is None:
                # A loose result without a date (the RO requires one) or a result on a
                # diploma (covered with it): only a link can say; without one, keep it.
                return self.enrolment is None and self.diploma is None
            return period.covers(self.day)
        return False  # persons and enrolment parts: only through their links


@dataclass(frozen=True, slots=True)
class Entity:
    """One record of either side in the common view.

    ``pgn`` is the full personal number, for the store's keyed hash only: it is never shown.
    ``values`` is None when the record failed its own checks (matched by key, not compared).
    """

    record_type: str
    brin: str
    pgn: str
    bsn: bool
    number: str  # the key after the person, e.g. "C3/2023-01-30"; "" for a person
    line: int | None
    values: dict[str, str] | None
    scope: Scope


# ---- canonical text ---------------------------------------------------------------------------


def text_of(value: object) -> str:
    """A value as both sides write it: dates ``JJJJ-MM-DD``, J/N for a yes/no (a model may
    keep it as bool), numbers without trailing zeros (``6.0`` is ``6``), text stripped; ``""``
    for nothing."""
    if value is None:
        return ""
    if type(value) is str and value.isalnum():
        return value  # the usual case, a code or number as read: nothing to do
    if isinstance(value, bool):
        return "J" if value else "N"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _decimal_text(value)
    if isinstance(value, float):
        return _decimal_text(Decimal(str(value)))
    return str(value).strip()


def _decimal_text(value: Decimal) -> str:
    try:
        return format(value.normalize(), "f")
    except InvalidOperation:
        return str(value)


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


# ---- from the RO ----------------------------------------------------------------------------


def _ro_scope(record: PersonRecord) -> Scope:
    match record:
        case Inschrijving():
            return Scope(begin=record.datum_inschrijving,
                         planned_end=record.datum_uitschrijving_gepland,
                         actual_end=record.datum_uitschrijving_werkelijk)
        case Inschrijvingsperiode() | ExtraOndersteuning() | Bpv():
            return Scope(enrolment=record.inschrijvingvolgnummer)
        case Diploma():
            return Scope(day=record.datum_resultaat, enrolment=record.inschrijvingvolgnummer)
        case AmvbOnderdeel() | GeneriekExamenonderdeel() | Keuzedeel():
            return Scope(day=record.datum_resultaat, enrolment=record.inschrijvingvolgnummer,
                         diploma=record.resultaatvolgnummer_diploma)
        case Persoon():
            return Scope()
    return Scope(unknown=True)  # pragma: no cover - every person record is matched above


# (field, RO attribute) per record type: all of the RO's fields, or only those the bulk
# format has too (against a bulk file the others are not compared, so not kept either).
_RO_PLANS = {(entity.name, bulk_only): tuple((spec.name, spec.ro_attr) for spec in entity.fields
                                            if spec.in_bulk or not bulk_only)
             for entity in ENTITY_TYPES.values() for bulk_only in (False, True)}


def from_ro(record: PersonRecord, brin: str, *, bulk_only: bool = False) -> Entity:
    """An RO record in the common view; its BRIN is the voorlooprecord's. ``bulk_only``:
    keep only the fields ROD bulk v1 has too (for a comparison with a bulk file)."""
    entity = BY_RO_TYPE[record.RECORD_TYPE]
    kind, number = record.person
    values: dict[str, str] = {}
    for name, attr in _RO_PLANS[entity.name, bulk_only]:
        value = getattr(record, attr)
        if value is not None:
            text = text_of(value)
            if text:
                values[name] = text
    own = record.key[2:]
    return Entity(entity.name, brin, number, kind == "BSN", "/".join(own), record.line, values,
                  _ro_scope(record))


def from_malformed(line: MalformedLine, brin: str) -> Entity | None:
    """A malformed RO line by the key it would have had (None: no readable key), so it is
    matched instead of reported missing; its values are not compared."""
    key = line.key
    entity = BY_RO_TYPE.get(line.record_type)
    if key is None or entity is None:
        return None
    return Entity(entity.name, brin, key[1], key[0] == "BSN", "/".join(key[2:]), line.line,
                  None, Scope(unknown=True))


# ---- from the school's bulk file (contract names) --------------------------------------------


def from_bulk(record_type: str, values: Mapping[str, object], line: int | None, *,
              failed: bool = False) -> Entity | None:
    """A record of the school's mbo bulk file in the common view, by the contract's record
    type and field names (``values``: a model's ``model_dump()``, or a raw record's values
    when it failed its checks: then only the key is used). None when the record type has no
    counterpart in the RO or the key is not readable."""
    entity = ENTITY_TYPES.get(record_type)
    if entity is None or not entity.in_bulk:
        return None
    bsn = text_of(values.get("burgerservicenummer"))
    pgn = bsn or text_of(values.get("onderwijsnummer"))
    brin = text_of(values.get("brin"))
    own = [text_of(values.get(name)) for name in entity.key]
    if not (pgn and brin and all(own)):
        return None
    if failed:
        return Entity(record_type, brin, pgn, bool(bsn), "/".join(own), line, None,
                      Scope(unknown=True))
    texts: dict[str, str] = {}
    for spec in entity.fields:
        if spec.in_bulk:
            text = text_of(values.get(spec.name))
            if text:
                texts[spec.name] = text
    return Entity(record_type, brin, pgn, bool(bsn), "/".join(own), line, texts,
                  _bulk_scope(record_type, values))


def _bulk_scope(record_type: str, values: Mapping[str, object]) -> Scope:
    enrolment = text_of(values.get("inschrijvingvolgnummer")) or None
    if record_type == "inschrijving":
        return Scope(begin=_as_date(values.get("datumInschrijving")),
                     planned_end=_as_date(values.get("datumUitschrijvingGepland")),
                     actual_end=_as_date(values.get("datumUitschrijvingWerkelijk")))
    if record_type in ENROLMENT_PARTS:
        return Scope(enrolment=enrolment)
    if record_type == "diploma":
        return Scope(day=_as_date(values.get("datumDiploma")), enrolment=enrolment)
    if record_type in RESULTS:
        return Scope(day=_as_date(values.get("datumResultaat")), enrolment=enrolment,
                     diploma=text_of(values.get("resultaatvolgnummerDiploma")) or None)
    return Scope()


def compared_fields(entity: EntityType, ours_ro: bool, theirs_ro: bool) -> tuple[EntityField, ...]:
    """The fields both sides have: all of the RO's between two ROs, else those the bulk
    format has too."""
    if ours_ro and theirs_ro:
        return entity.fields
    return tuple(spec for spec in entity.fields if spec.in_bulk)
