"""Small hand-made Registratieoverzichten and the same students as the school's mbo bulk file
would hold them (by the mbo contract's record types and field names), for the comparison
tests.

Every personal number is synthetic (eleven-test, nobody's); one BSN starts with a zero, so
the spreadsheet form loses it.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import make_bsn, make_onderwijsnummer
from rodcli.duo.registratieoverzicht import (
    COUNTED_TYPES,
    Bpv,
    Diploma,
    ExtraOndersteuning,
    GeneriekExamenonderdeel,
    Inschrijving,
    Inschrijvingsperiode,
    Keuzedeel,
    PersonRecord,
    Persoon,
    SelectionPeriod,
    Sluitrecord,
    Voorlooprecord,
)
from rodcli.duo.synthetic import FORMS, RoForm, render_record

BRIN = "99XX"
PERIOD = SelectionPeriod(date(2024, 8, 1), date(2025, 7, 31))
CREATED = date(2025, 8, 4)
ANNA = make_bsn("01234567")  # leading zero
BOB = make_bsn("31415926")
CLARA = make_onderwijsnummer("10271828")
ALL_NUMBERS = (ANNA, BOB, CLARA)


def _who(bsn: str | None = None, onr: str | None = None) -> dict[str, Any]:
    return {"line": 0, "bsn": bsn, "onderwijsnummer": onr}


def people() -> list[list[PersonRecord]]:
    """Three students, each record type at least once, all within PERIOD."""
    anna = _who(ANNA)
    bob = _who(BOB)
    clara = _who(onr=CLARA)
    return [
        [
            Persoon(**anna, geboortedatum="2006-03-00", geslacht="V"),
            Inschrijving(**anna, inschrijvingvolgnummer="C1",
                         datum_inschrijving=date(2023, 8, 1),
                         datum_uitschrijving_gepland=date(2026, 7, 31),
                         datum_uitschrijving_werkelijk=None, reden_uitschrijving=None),
            Inschrijvingsperiode(**anna, inschrijvingvolgnummer="C1",
                                 datum_begin=date(2023, 8, 1), opleidingcode="25655",
                                 leertraject="BOL", niveau="MBO-4", indicatie_bekostigbaar=True,
                                 locatiecode_vsv=None, onderwijsaanbieder="100A501",
                                 onderwijslocatie="101X591", leerroute=None,
                                 leerroutefase=None),
            Inschrijvingsperiode(**anna, inschrijvingvolgnummer="C1",
                                 datum_begin=date(2024, 8, 1), opleidingcode="25655",
                                 leertraject="BBL", niveau="MBO-4", indicatie_bekostigbaar=True,
                                 locatiecode_vsv=None, onderwijsaanbieder="100A501",
                                 onderwijslocatie="101X591", leerroute=None,
                                 leerroutefase=None),
            ExtraOndersteuning(**anna, inschrijvingvolgnummer="C1",
                               datum_begin=date(2024, 9, 1), datum_eind=None),
            Bpv(**anna, inschrijvingvolgnummer="C1", volgnummer="B1",
                afsluitdatum=date(2024, 8, 20), datum_begin=date(2024, 9, 1),
                datum_einde_gepland=date(2025, 6, 30), datum_einde_werkelijk=None, omvang=800,
                leerbedrijf_id="100018965", opleidingcode="25655", code_keuzedeel=None),
        ],
        [
            Persoon(**bob, geboortedatum="2005-11-23", geslacht="M"),
            Inschrijving(**bob, inschrijvingvolgnummer="1", datum_inschrijving=date(2022, 8, 1),
                         datum_uitschrijving_gepland=date(2025, 7, 31),
                         datum_uitschrijving_werkelijk=date(2025, 6, 30),
                         reden_uitschrijving="08"),
            Inschrijvingsperiode(**bob, inschrijvingvolgnummer="1", datum_begin=date(2022, 8, 1),
                                 opleidingcode="25311", leertraject="BOL", niveau=None,
                                 indicatie_bekostigbaar=True, locatiecode_vsv=None,
                                 onderwijsaanbieder="100A501", onderwijslocatie="101X591",
                                 leerroute=None, leerroutefase=None),
            Diploma(**bob, resultaatvolgnummer="2001", opleidingcode="25311",
                    datum_resultaat=date(2025, 6, 30), indicatie_bekostigbaar=True,
                    inschrijvingvolgnummer="1", onderwijsaanbieder="100A501"),
            GeneriekExamenonderdeel(
                **bob, resultaatvolgnummer_diploma="2001", opleidingcode_diploma="25311",
                resultaatvolgnummer="2002", code_generiek_examenonderdeel="3001",
                datum_resultaat=None, eindcijfer=Decimal("7"),
                vrijstelling_generiek_examenonderdeel=None, cijfer_ie=Decimal("68"),
                vrijstelling_ie=None, cijfer_ce=Decimal("71"), vrijstelling_ce=None,
                inschrijvingvolgnummer=None, onderwijsaanbieder=None),
            Keuzedeel(**bob, resultaatvolgnummer_diploma="2001", opleidingcode_diploma="25311",
                      resultaatvolgnummer="2003", code_keuzedeel="K0067", datum_resultaat=None,
                      resultaat="Behaald", certificaat=None, inschrijvingvolgnummer=None,
                      onderwijsaanbieder=None),
        ],
        [
            Persoon(**clara, geboortedatum="2007-01-15", geslacht="O"),
            Inschrijving(**clara, inschrijvingvolgnummer="C2",
                         datum_inschrijving=date(2024, 8, 15),
                         datum_uitschrijving_gepland=date(2026, 7, 31),
                         datum_uitschrijving_werkelijk=None, reden_uitschrijving=None),
            Inschrijvingsperiode(**clara, inschrijvingvolgnummer="C2",
                                 datum_begin=date(2024, 8, 15), opleidingcode="25809",
                                 leertraject="BOL", niveau="MBO-2", indicatie_bekostigbaar=False,
                                 locatiecode_vsv=None, onderwijsaanbieder="100A501",
                                 onderwijslocatie="101X591", leerroute="DLP",
                                 leerroutefase="MBO"),
            Keuzedeel(**clara, resultaatvolgnummer_diploma=None, opleidingcode_diploma=None,
                      resultaatvolgnummer="3001", code_keuzedeel="K1056",
                      datum_resultaat=date(2025, 3, 14), resultaat="Niet behaald",
                      certificaat=False, inschrijvingvolgnummer="C2",
                      onderwijsaanbieder="100A501"),
        ],
    ]


def replace(persons: list[list[PersonRecord]], record_type: str, index: int = 0,
            **changes: Any) -> list[list[PersonRecord]]:
    """A copy with the ``index``-th record of ``record_type`` (over all persons) changed."""
    seen = 0
    result = []
    for records in persons:
        row = []
        for record in records:
            if record.RECORD_TYPE == record_type:
                if seen == index:
                    record = dataclasses.replace(record, **changes)
                seen += 1
            row.append(record)
        result.append(row)
    return result


def drop(persons: list[list[PersonRecord]], record_type: str,
         index: int = 0) -> list[list[PersonRecord]]:
    """A copy without the ``index``-th record of ``record_type``."""
    seen = 0
    result = []
    for records in persons:
        row = []
        for record in records:
            if record.RECORD_TYPE == record_type:
                seen += 1
                if seen - 1 == index:
                    continue
            row.append(record)
        result.append(row)
    return result


def ro_name(brin: str = BRIN, period: SelectionPeriod = PERIOD) -> str:
    return f"RO_{brin}_{period.begin:%Y%m%d}_{period.end:%Y%m%d}.CSV"


def write_ro(folder: Path, persons: list[list[PersonRecord]], *, form: RoForm | str = "duo",
             period: SelectionPeriod = PERIOD, brin: str = BRIN, name: str | None = None,
             counts: dict[str, int] | None = None, extra_lines: tuple[str, ...] = ()) -> Path:
    """An RO of ``persons`` in ``form`` (a name from FORMS, or a RoForm); ``counts`` replaces
    the sluitrecord's true counts; ``extra_lines`` are added after the persons as written."""
    shape = FORMS[form] if isinstance(form, str) else form
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or ro_name(brin, period))
    found: Counter[str] = Counter(record.RECORD_TYPE for records in persons for record in records)
    trailer = Sluitrecord(0, counts or {kind: found[kind] for kind in COUNTED_TYPES})
    header = Voorlooprecord(0, brin, period.begin, period.end, CREATED)
    body = [render_record(record, shape) for records in persons for record in records]
    first, last = (trailer, header) if shape.slr_first else (header, trailer)
    lines = [render_record(first, shape), *body, *extra_lines, render_record(last, shape)]
    path.write_bytes("".join(line + shape.newline for line in lines).encode(shape.encoding))
    return path


# ---- the school's side as the mbo contract names it ------------------------------------------


def contract_records(persons: list[list[PersonRecord]],
                     brin: str = BRIN) -> list[tuple[str, dict[str, object]]]:
    """(record type, values) as the school's mbo bulk file holds them after the remodel, by
    the contract (/work/wt/mbo-contract.md), written out per type without the adapter's
    table, as a model's ``model_dump()`` would give them."""
    out: list[tuple[str, dict[str, object]]] = []
    for records in persons:
        for record in records:
            who: dict[str, object] = {"brin": brin, "burgerservicenummer": record.bsn,
                                      "onderwijsnummer": record.onderwijsnummer}
            match record:
                case Persoon():
                    out.append(("persoon", {**who, "geboortedatum": record.geboortedatum,
                                            "geslacht": record.geslacht, "postcode": None}))
                case Inschrijving():
                    out.append(("inschrijving", {
                        **who, "inschrijvingvolgnummer": record.inschrijvingvolgnummer,
                        "datumInschrijving": record.datum_inschrijving,
                        "datumUitschrijvingGepland": record.datum_uitschrijving_gepland,
                        "datumUitschrijvingWerkelijk": record.datum_uitschrijving_werkelijk,
                        "redenUitschrijving": record.reden_uitschrijving}))
                case Inschrijvingsperiode():
                    out.append(("inschrijvingsperiode", {
                        **who, "inschrijvingvolgnummer": record.inschrijvingvolgnummer,
                        "datumBeginPeriode": record.datum_begin,
                        "opleidingcode": record.opleidingcode,
                        "leertraject": record.leertraject, "niveau": record.niveau,
                        "indicatieBekostigbaar": (
                            "J" if record.indicatie_bekostigbaar else "N"),
                        "locatiecodeVsv": record.locatiecode_vsv,
                        "onderwijsaanbieder": record.onderwijsaanbieder,
                        "onderwijslocatie": record.onderwijslocatie,
                        "leerroute": record.leerroute, "leerroutefase": record.leerroutefase}))
                case Bpv():
                    out.append(("bpv", {
                        **who, "inschrijvingvolgnummer": record.inschrijvingvolgnummer,
                        "bpvVolgnummer": record.volgnummer,
                        "afsluitdatumBpv": record.afsluitdatum,
                        "datumBeginBpv": record.datum_begin,
                        "datumEindeBpvGepland": record.datum_einde_gepland,
                        "datumEindeBpvWerkelijk": record.datum_einde_werkelijk,
                        "omvangBpv": record.omvang, "leerbedrijfId": record.leerbedrijf_id,
                        "opleidingcodeBpv": record.opleidingcode,
                        "codeKeuzedeelBpv": record.code_keuzedeel}))
                case Diploma():
                    out.append(("diploma", {
                        **who, "resultaatvolgnummer": record.resultaatvolgnummer,
                        "opleidingcodeDiploma": record.opleidingcode,
                        "datumDiploma": record.datum_resultaat,
                        "inschrijvingvolgnummer": record.inschrijvingvolgnummer,
                        "onderwijsaanbieder": record.onderwijsaanbieder}))
                case Keuzedeel():
                    out.append(("keuzedeel", {
                        **who, "resultaatvolgnummer": record.resultaatvolgnummer,
                        "resultaatvolgnummerDiploma": record.resultaatvolgnummer_diploma,
                        "codeKeuzedeel": record.code_keuzedeel,
                        "datumResultaat": record.datum_resultaat,
                        "resultaatKeuzedeel": record.resultaat,
                        "certificaat": (None if record.certificaat is None
                                        else "J" if record.certificaat else "N"),
                        "inschrijvingvolgnummer": record.inschrijvingvolgnummer,
                        "onderwijsaanbieder": record.onderwijsaanbieder}))
                case GeneriekExamenonderdeel():
                    out.append(("generiekExamenonderdeel", {
                        **who, "resultaatvolgnummer": record.resultaatvolgnummer,
                        "resultaatvolgnummerDiploma": record.resultaatvolgnummer_diploma,
                        "codeGeneriekExamenonderdeel": record.code_generiek_examenonderdeel,
                        "datumResultaat": record.datum_resultaat,
                        # A model may keep a mark as 7.0: the same value.
                        "eindcijfer": None if record.eindcijfer is None
                        else Decimal(f"{record.eindcijfer}.0"),
                        "vrijstelling": record.vrijstelling_generiek_examenonderdeel,
                        "cijferIe": record.cijfer_ie, "vrijstellingIe": record.vrijstelling_ie,
                        "cijferCe": record.cijfer_ce, "vrijstellingCe": record.vrijstelling_ce,
                        "inschrijvingvolgnummer": record.inschrijvingvolgnummer,
                        "onderwijsaanbieder": record.onderwijsaanbieder}))
                case ExtraOndersteuning():
                    pass  # not in ROD bulk v1
                case _:
                    raise AssertionError(record)
    return out


def read_contract_xml(path: Path) -> list[tuple[str, dict[str, object], int]]:
    """(record type, values, line) of each record of an mbo bulk XML file in the contract's
    format, read plainly (no schema, no models): the stand-in for the remodelled reader until
    it lands."""
    from lxml import etree

    header = {"identificatiecodeBedrijfsdocument", "verzendendeInstantie",
              "ontvangendeInstantie", "datumTijdBedrijfsdocument"}
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    out: list[tuple[str, dict[str, object], int]] = []
    for element in root.getroot():
        name = etree.QName(element).localname
        if name in header:
            continue
        values: dict[str, object] = {etree.QName(child).localname: (child.text or "").strip()
                                     for child in element}
        out.append((name, values, element.sourceline or 0))
    return out
