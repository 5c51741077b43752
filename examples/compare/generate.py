"""Write the two example files of ``rodcli compare`` in this folder.

Run from the repository root::

    .venv/bin/python examples/compare/generate.py

``school.xml`` is what the school's administration holds (as a ROD bulk v1 XML file);
``rod.csv`` what ROD holds (as ROD bulk v1 CSV). Each passes ``rodcli validate`` on its own;
they differ in the known ways listed in ``README.md`` and ``expected.json``. Dates are written
in each format's own notation (``2024-09-01`` in XML, ``20240901`` in CSV): those are equal.

Every BSN and onderwijsnummer is SYNTHETIC: drawn at random (fixed seed) with the eleven-test
arithmetic of python-stdnum, so it passes the checks but belongs to nobody. The output is
deterministic: running this again writes the same bytes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stdnum.nl import bsn as stdnum_bsn

from rodcli.bulkformat.models import RECORD_MODELS, Record
from rodcli.writers import DocumentHeader
from rodcli.writers.csv import write_csv
from rodcli.writers.xml import write_xml

HERE = Path(__file__).resolve().parent
SEED = 20251128
HEADER = DocumentHeader("5d0c6a4e-8f7b-4b8e-9a43-0c2f9d1e7b21", "99XX",
                        datetime(2025, 11, 28, 9, 0, tzinfo=UTC))


def _numbers(rng: random.Random) -> tuple[list[str], str]:
    bsns: list[str] = []
    while len(bsns) < 8:
        stem = f"{rng.randrange(10_000_000, 99_999_999):08d}"
        for digit in "0123456789":
            if stdnum_bsn.checksum(stem + digit) == 0 and stem + digit not in bsns:
                bsns.append(stem + digit)
                break
    while True:
        stem = f"10{rng.randrange(0, 999_999):06d}"
        for digit in "0123456789":
            if stdnum_bsn.checksum(stem + digit) == 5:
                return bsns, stem + digit


def _record(record_type: str, **values: Any) -> Record:
    model = RECORD_MODELS["ho"][record_type]
    return model.model_validate({"brin": "99XX", **values}, context={"date_notation": "iso"})


def records() -> tuple[list[Record], list[Record]]:
    """(school, ROD)."""
    bsn, onr = _numbers(random.Random(SEED))
    anna, bram, chris, daan, fleur, gijs, hanna = bsn[:7]
    enrol = {"opleidingsvorm": "VOLTIJD", "opleidingsfase": "B", "inschrijvingsvorm": "S",
             "datumInschrijving": "2024-09-01", "geboortedatum": "2005-05-20", "geslacht": "V",
             "vooropleiding": "00201"}
    enrol_chris = {**enrol, "geboortedatum": "2003-11-02", "geslacht": "M"}
    module = {"geboortedatum": "1991-01-09", "geslacht": "M"}
    same = [
        # equal on both sides
        _record("inschrijving", burgerservicenummer=anna, inschrijvingvolgnummer="2024-0101",
                opleidingcode="34479", **enrol),
        _record("inschrijving", burgerservicenummer=daan, inschrijvingvolgnummer="2021-0007",
                opleidingcode="44330", **{**enrol, "opleidingsfase": "M",
                                          "datumInschrijving": "2021-09-01"}),
        _record("resultaat", burgerservicenummer=daan, inschrijvingvolgnummer="2021-0007",
                opleidingcode="44330", opleidingsfase="M", datumAfsluitendExamen="2025-07-04"),
        _record("uitschrijving", burgerservicenummer=daan, inschrijvingvolgnummer="2021-0007",
                datumUitschrijving="2025-08-31", redenUitschrijving="1"),
    ]
    school = [
        *same,
        # C003: the school ended the enrolment on 30 June, ROD has 15 June
        _record("uitschrijving", burgerservicenummer=anna, inschrijvingvolgnummer="2024-0101",
                datumUitschrijving="2025-06-30", redenUitschrijving="9"),
        # C003: deeltijd at the school, voltijd in ROD
        _record("inschrijving", burgerservicenummer=bram, inschrijvingvolgnummer="2024-0102",
                opleidingcode="34560", **{**enrol, "opleidingsvorm": "DEELTIJD"}),
        # C004: the school has the BSN, ROD still the onderwijsnummer
        _record("inschrijving", burgerservicenummer=chris, inschrijvingvolgnummer="2024-0103",
                opleidingcode="34035", **enrol_chris),
        # C003: a student without BSN; the postcode differs (compared: no BSN on either side)
        _record("inschrijving", onderwijsnummer=onr, inschrijvingvolgnummer="2024-0104",
                postcode="3512AB", opleidingcode="80030",
                **{**enrol, "opleidingsfase": "A", "geboortedatum": "2004-03-14"}),
        # C001: a new student, not delivered yet
        _record("inschrijving", burgerservicenummer=fleur, inschrijvingvolgnummer="2025-0001",
                opleidingcode="34607", **{**enrol, "datumInschrijving": "2025-09-01"}),
        # C003: the module's study load: 15 at the school, 7.5 in ROD
        _record("moduleInschrijving", burgerservicenummer=hanna, inschrijvingvolgnummer="M-01",
                datumInschrijving="2025-02-03", opleidingcode="34607",
                onderwijseenheidcode="BK-MOD-101", opleidingsvorm="DEELTIJD",
                inschrijvingsvorm="S", studielast="15", **module),
    ]
    rod = [
        *same,
        _record("uitschrijving", burgerservicenummer=anna, inschrijvingvolgnummer="2024-0101",
                datumUitschrijving="2025-06-15", redenUitschrijving="9"),
        _record("inschrijving", burgerservicenummer=bram, inschrijvingvolgnummer="2024-0102",
                opleidingcode="34560", **enrol),
        _record("inschrijving", onderwijsnummer=_onr_of_chris(onr),
                inschrijvingvolgnummer="2024-0103", opleidingcode="34035", **enrol_chris),
        _record("inschrijving", onderwijsnummer=onr, inschrijvingvolgnummer="2024-0104",
                postcode="3512AC", opleidingcode="80030",
                **{**enrol, "opleidingsfase": "A", "geboortedatum": "2004-03-14"}),
        # C002 twice: an enrolment and its deregistration that the school deleted
        _record("inschrijving", burgerservicenummer=gijs, inschrijvingvolgnummer="2023-0420",
                opleidingcode="39205", **{**enrol, "opleidingsfase": "P",
                                          "datumInschrijving": "2023-09-01"}),
        _record("uitschrijving", burgerservicenummer=gijs, inschrijvingvolgnummer="2023-0420",
                datumUitschrijving="2024-01-31"),
        _record("moduleInschrijving", burgerservicenummer=hanna, inschrijvingvolgnummer="M-01",
                datumInschrijving="2025-02-03", opleidingcode="34607",
                onderwijseenheidcode="BK-MOD-101", opleidingsvorm="DEELTIJD",
                inschrijvingsvorm="S", studielast="7.5", **module),
    ]
    return school, rod


def _onr_of_chris(onr: str) -> str:
    """A second onderwijsnummer after ``onr``: Chris's before the BSN was known."""
    stem = int(onr[:8])
    while True:
        stem += 1
        for digit in "0123456789":
            if stdnum_bsn.checksum(f"{stem:08d}{digit}") == 5:
                return f"{stem:08d}{digit}"


def main(folder: Path = HERE) -> None:
    school, rod = records()
    with (folder / "school.xml").open("wb") as out:
        write_xml(school, "ho", HEADER, out)
    with (folder / "rod.csv").open("w", encoding="utf-8", newline="") as text:
        write_csv(rod, text)


if __name__ == "__main__":
    main()
