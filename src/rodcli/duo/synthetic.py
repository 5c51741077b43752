"""Synthetic Registratieoverzicht (RO) files, in the PvE's form and in the forms real files
take, for tests and benchmarks.

Every personal number passes the eleven-test and belongs to nobody (BSNs counted up from a
prefix with a leading zero, so a spreadsheet form loses it; onderwijsnummers ``10`` + six
digits). The content is deterministic per seed and person, so the same people can be written
twice (the sluitrecord-first form counts them in a first pass) and in several forms::

    write_ro(path, people=1000, form=FORMS["spreadsheet"])

The records are the reader's own dataclasses (:mod:`rodcli.duo.registratieoverzicht`), so a
test can read a written file back and compare record for record.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from stdnum.nl import bsn as stdnum_bsn

from rodcli.duo.registratieoverzicht import (
    COUNTED_TYPES,
    LAYOUTS,
    AmvbOnderdeel,
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


@dataclass(frozen=True, slots=True)
class RoForm:
    """How an RO is written: the PvE's form, or one of the deviations seen in real files."""

    delimiter: str = "|"
    dmy_dates: bool = False  # d-m-yyyy without leading zeros instead of yyyy-mm-dd
    width: int = 0  # pad every line with empty fields to this many (0: the layout's own)
    cut_empty_tail: bool = False  # leave out empty fields at the end of a line
    drop_zeros: bool = False  # leading zeros lost in codes and personal numbers (8 for 08)
    slr_first: bool = False  # the sluitrecord first and the voorlooprecord last
    dip_extra_field: bool = True  # the always-empty position 7 of DIP (every known delivery)
    encoding: str = "utf-8"
    newline: str = "\n"


FORMS: dict[str, RoForm] = {
    "pve": RoForm(dip_extra_field=False),  # exactly as the PvE describes it
    "duo": RoForm(),  # as DUO delivers: the PvE plus DIP's extra field
    # As seen after a spreadsheet (RO_21CY / RO_25LX in the public demo data).
    "spreadsheet": RoForm(delimiter=";", dmy_dates=True, width=16, drop_zeros=True,
                          slr_first=True, encoding="cp1252", newline="\r\n"),
    "short": RoForm(delimiter=";", dmy_dates=True, cut_empty_tail=True, drop_zeros=True),
}

DEFAULT_PERIOD = SelectionPeriod(date(2024, 7, 31), date(2026, 3, 24))
DEFAULT_CREATED = date(2026, 3, 25)

_CREBO = ("25655", "25311", "25809", "25618", "23301", "25779")
_AANBIEDER, _LOCATIE = "100A501", "101X591"
# Kinds of field whose leading zeros a spreadsheet drops (see LAYOUTS): numeric codes.
_CODE_ATTRS = frozenset(spec.attr for layout in LAYOUTS.values() for spec in layout
                        if spec.kind == "code")


def ro_file_name(brin: str = "99XX", period: SelectionPeriod = DEFAULT_PERIOD) -> str:
    """DUO's name for an RO: ``RO_99XX_EEJJMMDD_EEJJMMDD.CSV``."""
    return f"RO_{brin}_{period.begin:%Y%m%d}_{period.end:%Y%m%d}.CSV"


def _bsn_after(prefix: int) -> tuple[int, str]:
    """The next prefix and a valid BSN from it (prefixes without a check digit skipped)."""
    while True:
        prefix += 1
        stem = f"{prefix:08d}"
        for digit in "0123456789":
            if stdnum_bsn.checksum(stem + digit) == 0:
                return prefix, stem + digit


def _onderwijsnummer(serial: int) -> str:
    while True:
        stem = f"10{serial:06d}"
        for digit in "0123456789":
            if stdnum_bsn.checksum(stem + digit) == 5:
                return stem + digit
        serial += 1


def personal_numbers(count: int, onr_share: float = 0.05,
                     first_prefix: int = 1_000_000) -> Iterator[tuple[str | None, str | None]]:
    """``count`` (bsn, onderwijsnummer) pairs in the RO's order: BSNs ascending, then the
    persons with only an onderwijsnummer, ascending."""
    with_onr = int(count * onr_share)
    prefix = first_prefix
    for _ in range(count - with_onr):
        prefix, number = _bsn_after(prefix)
        yield number, None
    serial = 0
    for _ in range(with_onr):
        number = _onderwijsnummer(serial)
        serial = int(number[2:8]) + 1
        yield None, number


def _person(index: int, bsn: str | None, onr: str | None, seed: int) -> list[PersonRecord]:
    """One person's records, in the PvE's order (§15.4); deterministic per seed and index."""
    rng = random.Random(seed * 1_000_003 + index)
    who: dict[str, Any] = {"line": 0, "bsn": bsn, "onderwijsnummer": onr}
    born = date(1985, 1, 1) + timedelta(days=rng.randrange(0, 23 * 365))
    birth = born.isoformat()
    if index % 40 == 7:
        birth = birth[:8] + "00"  # the day unknown
    elif index % 200 == 13:
        birth = birth[:5] + "00-00"
    records: list[PersonRecord] = [
        Persoon(**who, geboortedatum=birth, geslacht="O" if index % 97 == 5 else rng.choice("MV"))]
    enrolments: list[tuple[str, date, str]] = []
    results: list[PersonRecord] = []
    for number in range(1, 2 + (rng.random() < 0.2)):
        volgnummer = f"C{number}" if rng.random() < 0.7 else str(number)
        begin = date(2022 + number, 8, 1) - timedelta(days=rng.randrange(0, 60))
        planned = begin + timedelta(days=365 * rng.randrange(1, 4))
        actual = None if rng.random() < 0.5 else begin + timedelta(days=rng.randrange(30, 700))
        crebo = rng.choice(_CREBO)
        leertraject = rng.choice(("BOL", "BBL", "BBL", "ODT"))
        records.append(Inschrijving(
            **who, inschrijvingvolgnummer=volgnummer, datum_inschrijving=begin,
            datum_uitschrijving_gepland=planned, datum_uitschrijving_werkelijk=actual,
            reden_uitschrijving=None if actual is None else rng.choice(("08", "07", "04", "02"))))
        enrolments.append((volgnummer, begin, crebo))
        for period in range(rng.randrange(1, 4)):
            route = index % 50 == 3
            records.append(Inschrijvingsperiode(
                **who, inschrijvingvolgnummer=volgnummer,
                datum_begin=begin + timedelta(days=365 * period), opleidingcode=crebo,
                leertraject=leertraject,
                niveau=None if rng.random() < 0.7 else f"MBO-{rng.randrange(1, 5)}",
                indicatie_bekostigbaar=rng.random() < 0.9,
                locatiecode_vsv=f"{rng.randrange(1, 10**8):012d}" if rng.random() < 0.1 else None,
                onderwijsaanbieder=_AANBIEDER, onderwijslocatie=_LOCATIE,
                leerroute="DLP" if route else None, leerroutefase="MBO" if route else None))
        if rng.random() < 0.1:
            records.append(ExtraOndersteuning(
                **who, inschrijvingvolgnummer=volgnummer, datum_begin=begin + timedelta(days=40),
                datum_eind=None if rng.random() < 0.5 else begin + timedelta(days=200)))
        for practice in range(rng.randrange(0, 3 if leertraject == "BBL" else 2)):
            start = begin + timedelta(days=120 * practice)
            records.append(Bpv(
                **who, inschrijvingvolgnummer=volgnummer, volgnummer=f"B{practice + 1}",
                afsluitdatum=start - timedelta(days=rng.randrange(0, 30)), datum_begin=start,
                datum_einde_gepland=start + timedelta(days=300),
                datum_einde_werkelijk=None if rng.random() < 0.5 else start + timedelta(days=250),
                omvang=rng.randrange(100, 3000), leerbedrijf_id=str(rng.randrange(10**8, 10**9)),
                opleidingcode=crebo, code_keuzedeel="K0138" if rng.random() < 0.05 else None))
    serial = 0

    def result_number() -> str:
        nonlocal serial
        serial += 1
        return str(index * 100 + serial)

    if rng.random() < 0.4:
        volgnummer, begin, crebo = enrolments[0]
        diploma = result_number()
        records.append(Diploma(
            **who, resultaatvolgnummer=diploma, opleidingcode=crebo,
            datum_resultaat=begin + timedelta(days=rng.randrange(300, 900)),
            indicatie_bekostigbaar=True, inschrijvingvolgnummer=volgnummer,
            onderwijsaanbieder=_AANBIEDER))
        on_diploma: dict[str, Any] = {"resultaatvolgnummer_diploma": diploma,
                                      "opleidingcode_diploma": crebo}
        if rng.random() < 0.1:
            records.append(AmvbOnderdeel(
                **who, **on_diploma, resultaatvolgnummer=result_number(),
                code_amvb_onderdeel="C0004", datum_resultaat=None, certificaat=None,
                inschrijvingvolgnummer=None, onderwijsaanbieder=None))
        for code in ("3001", "3005", "3013")[:rng.randrange(1, 4)]:
            exempt = rng.random() < 0.1
            records.append(GeneriekExamenonderdeel(
                **who, **on_diploma, resultaatvolgnummer=result_number(),
                code_generiek_examenonderdeel=code, datum_resultaat=None,
                eindcijfer=Decimal(rng.randrange(5, 10)),
                vrijstelling_generiek_examenonderdeel="MBO" if exempt else None,
                cijfer_ie=None if exempt else Decimal(rng.randrange(40, 95)),
                vrijstelling_ie="MBO" if exempt else None,
                cijfer_ce=None if exempt else Decimal(rng.randrange(40, 95)),
                vrijstelling_ce="MBO" if exempt else None,
                inschrijvingvolgnummer=None, onderwijsaanbieder=None))
        records.extend(
            Keuzedeel(**who, **on_diploma, resultaatvolgnummer=result_number(),
                      code_keuzedeel=code, datum_resultaat=None, resultaat="Behaald",
                      certificaat=None, inschrijvingvolgnummer=None, onderwijsaanbieder=None)
            for code in ("K0067", "K0138")[:rng.randrange(1, 3)])
    if rng.random() < 0.15:  # loose results: AMO, then GEO, then KZD (§15.4)
        volgnummer, begin, _ = enrolments[-1]
        loose: dict[str, Any] = {"resultaatvolgnummer_diploma": None, "opleidingcode_diploma": None,
                 "inschrijvingvolgnummer": volgnummer, "onderwijsaanbieder": _AANBIEDER}
        when = begin + timedelta(days=rng.randrange(60, 400))
        if rng.random() < 0.3:
            results.append(AmvbOnderdeel(
                **who, **loose, resultaatvolgnummer=result_number(), code_amvb_onderdeel="C0163",
                datum_resultaat=when, certificaat=True))
        results.append(Keuzedeel(
            **who, **loose, resultaatvolgnummer=result_number(), code_keuzedeel="K1056",
            datum_resultaat=when, resultaat=rng.choice(("Behaald", "Niet behaald")),
            certificaat=rng.random() < 0.5))
    records.extend(results)
    return records


def synthetic_people(people: int, *, seed: int = 0,
                     onr_share: float = 0.05) -> Iterator[list[PersonRecord]]:
    """Each person's records (``PER`` first), persons in the RO's sort order."""
    for index, (bsn, onr) in enumerate(personal_numbers(people, onr_share)):
        yield _person(index, bsn, onr, seed)


# ---- writing ---------------------------------------------------------------------------------


def _date_text(day: date, form: RoForm) -> str:
    return f"{day.day}-{day.month}-{day.year}" if form.dmy_dates else day.isoformat()


def _value_text(attr: str, value: object, form: RoForm) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "J" if value else "N"
    if isinstance(value, date):
        return _date_text(value, form)
    text = str(value)
    if attr == "geboortedatum" and form.dmy_dates:
        year, month, day = text.split("-")
        return f"{int(day)}-{int(month)}-{year}"
    if form.drop_zeros and attr in _CODE_ATTRS:
        return text.lstrip("0") or "0"
    return text


def render_record(record: PersonRecord | Voorlooprecord | Sluitrecord, form: RoForm) -> str:
    """One line of an RO (without its line end) for ``record`` in ``form``."""
    kind = record.RECORD_TYPE
    if isinstance(record, Sluitrecord):
        values = [kind, *(str(record.counts[name]) for name in COUNTED_TYPES)]
    else:
        values = [kind]
        if not isinstance(record, Voorlooprecord):
            numbers = [record.bsn or "", record.onderwijsnummer or ""]
            if form.drop_zeros:
                numbers = [number.lstrip("0") for number in numbers]
            values += numbers
        for spec in LAYOUTS[kind]:
            values.append(_value_text(spec.attr, getattr(record, spec.attr), form))
            if kind == "DIP" and spec.attr == "datum_resultaat" and form.dip_extra_field:
                values.append("")
    if form.cut_empty_tail:
        while values and not values[-1]:
            values.pop()
    if len(values) < form.width:
        values += [""] * (form.width - len(values))
    return form.delimiter.join(values)


def count_records(people: Iterable[list[PersonRecord]]) -> dict[str, int]:
    """The sluitrecord's counts for these people."""
    counts: Counter[str] = Counter()
    for records in people:
        counts.update(record.RECORD_TYPE for record in records)
    return {kind: counts[kind] for kind in COUNTED_TYPES}


def write_ro(path: Path, *, people: int, form: RoForm = FORMS["duo"], seed: int = 0,
             brin: str = "99XX", period: SelectionPeriod = DEFAULT_PERIOD,
             created: date = DEFAULT_CREATED, onr_share: float = 0.05) -> Sluitrecord:
    """Write an RO of ``people`` synthetic persons to ``path`` (streaming: memory does not
    grow with ``people``); returns its sluitrecord."""
    header = Voorlooprecord(0, brin, period.begin, period.end, created)
    counts = (count_records(synthetic_people(people, seed=seed, onr_share=onr_share))
              if form.slr_first else None)
    written: Counter[str] = Counter()
    with path.open("w", encoding=form.encoding, newline="") as handle:
        end = form.newline
        handle.write(render_record(header if counts is None else Sluitrecord(0, counts), form)
                     + end)
        for records in synthetic_people(people, seed=seed, onr_share=onr_share):
            handle.write("".join(render_record(record, form) + end for record in records))
            written.update(record.RECORD_TYPE for record in records)
        trailer = Sluitrecord(0, {kind: written[kind] for kind in COUNTED_TYPES})
        handle.write(render_record(header if counts is not None else trailer, form) + end)
    return trailer


__all__ = ["FORMS", "RoForm", "count_records", "personal_numbers", "render_record",
           "ro_file_name", "synthetic_people", "write_ro"]
