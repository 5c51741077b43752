"""Write the mbo example pair of ``rodcli compare`` in this folder.

Run from the repository root::

    .venv/bin/python examples/compare/mbo/generate.py

``RO_99XX_20240801_20250731.CSV`` is what DUO holds, as DUO's Registratieoverzicht (the form
every known delivery has: ``|``, ISO dates, DIP's extra empty field). ``school.xml`` is what
the school's administration holds, as an mbo bulk file on DUO's entities (the record types
and field names of the mbo remodel's contract); it differs from the RO in the known ways of
``README.md`` and ``expected.json``. ``school_clean.xml`` holds the same students as the RO:
the two compare clean.

Every BSN and onderwijsnummer is SYNTHETIC (the eleven-test arithmetic of python-stdnum from
fixed prefixes): it passes the checks but belongs to nobody. BRIN ``99XX`` is no real
institution. The output is deterministic.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from stdnum.nl import bsn as stdnum_bsn

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
from rodcli.duo.synthetic import FORMS, render_record

HERE = Path(__file__).resolve().parent
BRIN = "99XX"
PERIOD = SelectionPeriod(date(2024, 8, 1), date(2025, 7, 31))
CREATED = date(2025, 8, 4)
RO_NAME = f"RO_{BRIN}_{PERIOD.begin:%Y%m%d}_{PERIOD.end:%Y%m%d}.CSV"
NAMESPACE = "urn:rodcli:schema:ROD_Bulk_MBO_V1"


def _number(prefix: str, remainder: int) -> str:
    for digit in "0123456789":
        if stdnum_bsn.checksum(prefix + digit) == remainder:
            return prefix + digit
    raise ValueError(prefix)


ANNA, BRAM, DAAN, EVA, FRANK = (_number(prefix, 0) for prefix in (
    "04718293", "18273645", "39182736", "52738190", "61829374"))
CHRIS = _number("10362514", 5)  # onderwijsnummer


def _who(number: str, onr: bool = False) -> dict[str, Any]:
    return {"line": 0, "bsn": None if onr else number, "onderwijsnummer": number if onr else None}


def _isp(who: dict[str, Any], volgnummer: str, begin: date, crebo: str, leertraject: str,
         locatie: str = "101X591", **extra: Any) -> Inschrijvingsperiode:
    values: dict[str, Any] = {
        "niveau": None, "indicatie_bekostigbaar": True, "locatiecode_vsv": None,
        "onderwijsaanbieder": "100A501", "onderwijslocatie": locatie, "leerroute": None,
        "leerroutefase": None, **extra}
    return Inschrijvingsperiode(**who, inschrijvingvolgnummer=volgnummer, datum_begin=begin,
                                opleidingcode=crebo, leertraject=leertraject, **values)


def _isg(who: dict[str, Any], volgnummer: str, begin: date, planned: date,
         actual: date | None = None, reason: str | None = None) -> Inschrijving:
    return Inschrijving(**who, inschrijvingvolgnummer=volgnummer, datum_inschrijving=begin,
                        datum_uitschrijving_gepland=planned, datum_uitschrijving_werkelijk=actual,
                        reden_uitschrijving=reason)


def _bpv(who: dict[str, Any], number: str, begin: date) -> Bpv:
    return Bpv(**who, inschrijvingvolgnummer="C1", volgnummer=number,
               afsluitdatum=begin.replace(day=1), datum_begin=begin,
               datum_einde_gepland=date(2025, 6, 30), datum_einde_werkelijk=None, omvang=640,
               leerbedrijf_id="100018965", opleidingcode="25655", code_keuzedeel=None)


def _kzd(who: dict[str, Any], number: str, result: str, *, diploma: str | None = None,
         crebo: str | None = None, day: date | None = None, enrolment: str | None = None,
         certificate: bool | None = None) -> Keuzedeel:
    return Keuzedeel(**who, resultaatvolgnummer_diploma=diploma, opleidingcode_diploma=crebo,
                     resultaatvolgnummer=number, code_keuzedeel="K0067" if diploma else "K1056",
                     datum_resultaat=day, resultaat=result, certificaat=certificate,
                     inschrijvingvolgnummer=enrolment,
                     onderwijsaanbieder=None if diploma else "100A501")


def duo_people() -> list[list[PersonRecord]]:
    """What DUO holds, in the RO's order (BSNs ascending, then onderwijsnummers)."""
    anna, bram, daan, eva, chris = (_who(ANNA), _who(BRAM), _who(DAAN), _who(EVA),
                                    _who(CHRIS, onr=True))
    return [
        [Persoon(**anna, geboortedatum="2006-03-00", geslacht="V"),
         _isg(anna, "C1", date(2023, 8, 1), date(2026, 7, 31)),
         _isp(anna, "C1", date(2023, 8, 1), "25655", "BOL"),
         _isp(anna, "C1", date(2024, 8, 1), "25655", "BBL", niveau="MBO-4"),
         ExtraOndersteuning(**anna, inschrijvingvolgnummer="C1", datum_begin=date(2024, 9, 1),
                            datum_eind=None),
         _bpv(anna, "B1", date(2024, 9, 2)),
         _bpv(anna, "B2", date(2025, 2, 3))],
        [Persoon(**bram, geboortedatum="2005-11-23", geslacht="M"),
         _isg(bram, "1", date(2022, 8, 1), date(2025, 7, 31), date(2025, 6, 30), "08"),
         _isp(bram, "1", date(2022, 8, 1), "25311", "BOL"),
         Diploma(**bram, resultaatvolgnummer="2001", opleidingcode="25311",
                 datum_resultaat=date(2025, 6, 30), indicatie_bekostigbaar=True,
                 inschrijvingvolgnummer="1", onderwijsaanbieder="100A501"),
         GeneriekExamenonderdeel(
             **bram, resultaatvolgnummer_diploma="2001", opleidingcode_diploma="25311",
             resultaatvolgnummer="2002", code_generiek_examenonderdeel="3001",
             datum_resultaat=None, eindcijfer=Decimal("7"),
             vrijstelling_generiek_examenonderdeel=None, cijfer_ie=Decimal("68"),
             vrijstelling_ie=None, cijfer_ce=Decimal("71"), vrijstelling_ce=None,
             inschrijvingvolgnummer=None, onderwijsaanbieder=None),
         _kzd(bram, "2003", "Behaald", diploma="2001", crebo="25311")],
        [Persoon(**daan, geboortedatum="2007-05-14", geslacht="M"),
         _isg(daan, "1", date(2024, 8, 1), date(2025, 1, 31), date(2025, 1, 31), "08"),
         _isp(daan, "1", date(2024, 8, 1), "25809", "BOL")],
        [Persoon(**eva, geboortedatum="2004-12-01", geslacht="V"),
         _isg(eva, "E1", date(2023, 8, 1), date(2025, 7, 31)),
         _isp(eva, "E1", date(2023, 8, 1), "25618", "BBL")],
        [Persoon(**chris, geboortedatum="2008-02-29", geslacht="O"),
         _isg(chris, "C2", date(2024, 8, 15), date(2026, 1, 31)),
         _isp(chris, "C2", date(2024, 8, 15), "25809", "BOL", niveau="MBO-2", leerroute="DLP",
              leerroutefase="MBO"),
         _kzd(chris, "3001", "Niet behaald", day=date(2025, 3, 14), enrolment="C2",
              certificate=False)],
    ]


def history() -> list[list[PersonRecord]]:
    """What the school keeps from before the RO's period: not in the RO, and not reported."""
    frank = _who(FRANK)
    return [[Persoon(**frank, geboortedatum="2000-07-07", geslacht="M"),
             _isg(frank, "1", date(2019, 8, 1), date(2022, 7, 31), date(2021, 1, 31), "07"),
             _isp(frank, "1", date(2019, 8, 1), "25655", "BOL")]]


def _changed(persons: list[list[PersonRecord]], number: str, record_type: str,
             index: int = 0, **changes: Any) -> None:
    records = next(p for p in persons if p[0].person[1] == number)
    found = [i for i, record in enumerate(records) if record.RECORD_TYPE == record_type]
    records[found[index]] = dataclasses.replace(records[found[index]], **changes)


def school_people() -> list[list[PersonRecord]]:
    """The school's administration: DUO's registration with the known differences."""
    persons = [list(records) for records in duo_people()]
    anna, _, daan, eva, _ = persons
    # changed onderwijslocatie (the second period)
    _changed(persons, ANNA, "ISP", 1, onderwijslocatie="101X592")
    anna.remove(next(r for r in anna if isinstance(r, Bpv) and r.volgnummer == "B2"))  # at DUO
    _changed(persons, BRAM, "KZD", 0, resultaat="Niet behaald")  # other keuzedeel result
    _changed(persons, CHRIS, "ISG", 0, datum_uitschrijving_gepland=date(2026, 7, 31))
    who = _who(DAAN)  # a new enrolment, not (yet) at DUO
    daan.extend([_isg(who, "2", date(2025, 2, 1), date(2027, 7, 31)),
                 _isp(who, "2", date(2025, 2, 1), "25810", "BBL")])
    eva.append(Diploma(**_who(EVA), resultaatvolgnummer="5001", opleidingcode="25618",
                       datum_resultaat=date(2025, 7, 10), indicatie_bekostigbaar=True,
                       inschrijvingvolgnummer="E1", onderwijsaanbieder="100A501"))
    return persons + history()


# ---- the RO --------------------------------------------------------------------------------


def write_ro(path: Path, persons: list[list[PersonRecord]]) -> None:
    form = FORMS["duo"]
    found = Counter(record.RECORD_TYPE for records in persons for record in records)
    lines = [render_record(Voorlooprecord(0, BRIN, PERIOD.begin, PERIOD.end, CREATED), form),
             *(render_record(record, form) for records in persons for record in records),
             render_record(Sluitrecord(0, {kind: found[kind] for kind in COUNTED_TYPES}), form)]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="")


# ---- the school's bulk file, by the mbo contract ---------------------------------------------

# (record type, [(element, attribute of the RO record)]) in the contract's field order; the
# personal number and brin come first. "opleidingcode diploma" of a result and DIP's
# "indicatie bekostigbaar" are not in the bulk format (the contract).
_RESULT_TAIL = [("inschrijvingvolgnummer", "inschrijvingvolgnummer"),
                ("onderwijsaanbieder", "onderwijsaanbieder")]
CONTRACT: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "PER": ("persoon", [("geboortedatum", "geboortedatum"), ("geslacht", "geslacht")]),
    "ISG": ("inschrijving", [
        ("inschrijvingvolgnummer", "inschrijvingvolgnummer"),
        ("datumInschrijving", "datum_inschrijving"),
        ("datumUitschrijvingGepland", "datum_uitschrijving_gepland"),
        ("datumUitschrijvingWerkelijk", "datum_uitschrijving_werkelijk"),
        ("redenUitschrijving", "reden_uitschrijving")]),
    "ISP": ("inschrijvingsperiode", [
        ("inschrijvingvolgnummer", "inschrijvingvolgnummer"),
        ("datumBeginPeriode", "datum_begin"), ("opleidingcode", "opleidingcode"),
        ("leertraject", "leertraject"), ("niveau", "niveau"),
        ("indicatieBekostigbaar", "indicatie_bekostigbaar"),
        ("locatiecodeVsv", "locatiecode_vsv"), ("onderwijsaanbieder", "onderwijsaanbieder"),
        ("onderwijslocatie", "onderwijslocatie"), ("leerroute", "leerroute"),
        ("leerroutefase", "leerroutefase")]),
    "BPV": ("bpv", [
        ("inschrijvingvolgnummer", "inschrijvingvolgnummer"), ("bpvVolgnummer", "volgnummer"),
        ("afsluitdatumBpv", "afsluitdatum"), ("datumBeginBpv", "datum_begin"),
        ("datumEindeBpvGepland", "datum_einde_gepland"),
        ("datumEindeBpvWerkelijk", "datum_einde_werkelijk"), ("omvangBpv", "omvang"),
        ("leerbedrijfId", "leerbedrijf_id"), ("opleidingcodeBpv", "opleidingcode"),
        ("codeKeuzedeelBpv", "code_keuzedeel")]),
    "DIP": ("diploma", [
        ("resultaatvolgnummer", "resultaatvolgnummer"),
        ("opleidingcodeDiploma", "opleidingcode"), ("datumDiploma", "datum_resultaat"),
        *_RESULT_TAIL]),
    "KZD": ("keuzedeel", [
        ("resultaatvolgnummer", "resultaatvolgnummer"),
        ("resultaatvolgnummerDiploma", "resultaatvolgnummer_diploma"),
        ("codeKeuzedeel", "code_keuzedeel"), ("datumResultaat", "datum_resultaat"),
        ("resultaatKeuzedeel", "resultaat"), ("certificaat", "certificaat"), *_RESULT_TAIL]),
    "GEO": ("generiekExamenonderdeel", [
        ("resultaatvolgnummer", "resultaatvolgnummer"),
        ("resultaatvolgnummerDiploma", "resultaatvolgnummer_diploma"),
        ("codeGeneriekExamenonderdeel", "code_generiek_examenonderdeel"),
        ("datumResultaat", "datum_resultaat"), ("eindcijfer", "eindcijfer"),
        ("vrijstelling", "vrijstelling_generiek_examenonderdeel"), ("cijferIe", "cijfer_ie"),
        ("vrijstellingIe", "vrijstelling_ie"), ("cijferCe", "cijfer_ce"),
        ("vrijstellingCe", "vrijstelling_ce"), *_RESULT_TAIL]),
    "AMO": ("amvbOnderdeel", [
        ("resultaatvolgnummer", "resultaatvolgnummer"),
        ("resultaatvolgnummerDiploma", "resultaatvolgnummer_diploma"),
        ("codeAmvbOnderdeel", "code_amvb_onderdeel"), ("datumResultaat", "datum_resultaat"),
        ("certificaat", "certificaat"), *_RESULT_TAIL]),
}


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "J" if value else "N"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_school(path: Path, persons: list[list[PersonRecord]]) -> None:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<aanleveren_onderwijsdeelnemers_request xmlns="{NAMESPACE}">',
             "  <identificatiecodeBedrijfsdocument>2b7e4c1a-6d3f-4a8e-9c15-7f0e2d9b4a63"
             "</identificatiecodeBedrijfsdocument>",
             f"  <verzendendeInstantie>{BRIN}</verzendendeInstantie>",
             "  <ontvangendeInstantie>DUO</ontvangendeInstantie>",
             "  <datumTijdBedrijfsdocument>2025-08-05T09:00:00Z</datumTijdBedrijfsdocument>"]
    for records in persons:
        for record in records:
            if record.RECORD_TYPE not in CONTRACT:
                continue  # ISE: not in ROD bulk v1
            element, fields = CONTRACT[record.RECORD_TYPE]
            pgn = ("burgerservicenummer", record.bsn) if record.bsn else (
                "onderwijsnummer", record.onderwijsnummer)
            lines.append(f"  <{element}>")
            lines.append(f"    <brin>{BRIN}</brin>")
            lines.append(f"    <{pgn[0]}>{pgn[1]}</{pgn[0]}>")
            for name, attr in fields:
                text = _text(getattr(record, attr))
                if text is not None:
                    lines.append(f"    <{name}>{escape(text)}</{name}>")
            lines.append(f"  </{element}>")
    lines.append("</aanleveren_onderwijsdeelnemers_request>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")


def main(folder: Path = HERE) -> None:
    write_ro(folder / RO_NAME, duo_people())
    write_school(folder / "school.xml", school_people())
    write_school(folder / "school_clean.xml", duo_people() + history())


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
