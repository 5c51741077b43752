"""Deterministic synthetic ROD bulk files for benchmarks: CSV (ho) and XML (ho, mbo).

    python benchmarks/generate.py --rows 1000000 --format csv --sector ho --error-rate 0.0 -o X

Every personal number passes the eleven-test (python-stdnum's checksum) and belongs to nobody.
With --error-rate, that share of rows carries one error (a bad BSN, an impossible date, an
unknown code, or a deregistration before its enrolment), so the rules have work to do.
Rows cycle through enrolments, module enrolments (ho), deregistrations and results.
"""

from __future__ import annotations

import argparse
import random
import sys
import uuid
from pathlib import Path

from stdnum.nl import bsn

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT  # noqa: E402
from rodcli.readers.bulk_csv import csv_columns  # noqa: E402


def personal_numbers(count: int, rng: random.Random) -> list[str]:
    numbers: list[str] = []
    while len(numbers) < count:
        stem = f"{rng.randrange(10_000_000, 99_999_999):08d}"
        for digit in "0123456789":
            if bsn.checksum(stem + digit) == 0:
                numbers.append(stem + digit)
                break
    return numbers


def iter_ho(rows: int, error_rate: float, seed: int):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    students = personal_numbers(max(1, rows // 3), rng)
    for index in range(rows):
        pgn = students[(index // 3) % len(students)]
        number = f"I{index // 3}"
        kind = index % 3
        row = {"brin": "99XX", "burgerservicenummer": pgn, "inschrijvingvolgnummer": number}
        if kind == 0 and index % 6 == 0:
            row.update(recordtype="moduleInschrijving", geboortedatum="1990-01-02", geslacht="V",
                       datumInschrijving="2025-09-01",
                       opleidingcode="34607", opleidingsvorm="DEELTIJD", inschrijvingsvorm="S",
                       studielast="7.5")
        elif kind == 0:
            row.update(recordtype="inschrijving", geboortedatum="2005-03-14", geslacht="M",
                       datumInschrijving="2025-09-01",
                       opleidingcode="34607", opleidingsvorm="VOLTIJD", opleidingsfase="B",
                       inschrijvingsvorm="S", vooropleiding="00401")
        elif kind == 1:
            row.update(recordtype="uitschrijving", datumUitschrijving="2026-06-30",
                       redenUitschrijving="9" if index % 6 == 1 else "1")
        else:
            row.update(recordtype="resultaat", opleidingcode="34607", opleidingsfase="B",
                       datumAfsluitendExamen="2026-06-30")
            if index % 6 == 2:  # the enrolment was a module: no result, a next module
                row = {"brin": "99XX", "burgerservicenummer": pgn,
                       "inschrijvingvolgnummer": f"{number}-2", "recordtype": "moduleInschrijving",
                       "geboortedatum": "1990-01-02", "geslacht": "V",
                       "datumInschrijving": "2026-02-01", "opleidingcode": "34607",
                       "opleidingsvorm": "DEELTIJD", "inschrijvingsvorm": "S", "studielast": "15"}
        if error_rate and rng.random() < error_rate:
            spoil(row, rng)
        yield row


def iter_mbo(rows: int, error_rate: float, seed: int):  # type: ignore[no-untyped-def]
    """mbo on DUO's entities: per student a persoon, an inschrijving and its period."""
    rng = random.Random(seed)
    students = personal_numbers(max(1, rows // 3), rng)
    for index in range(rows):
        pgn = students[(index // 3) % len(students)]
        row = {"brin": "98XY", "burgerservicenummer": pgn}
        kind = index % 3
        if kind == 0:
            row.update(recordtype="persoon", geboortedatum="2008-04-15", geslacht="V")
        elif kind == 1:
            row.update(recordtype="inschrijving", inschrijvingvolgnummer=f"I{index // 3}",
                       datumInschrijving="2025-08-01", datumUitschrijvingGepland="2028-07-31")
        else:
            row.update(recordtype="inschrijvingsperiode", inschrijvingvolgnummer=f"I{index // 3}",
                       datumBeginPeriode="2025-08-01", opleidingcode="25180", leertraject="BOL",
                       niveau="MBO-4", onderwijslocatie="123X456")
        if error_rate and rng.random() < error_rate:
            spoil(row, rng)
        yield row


def spoil(row: dict[str, str], rng: random.Random) -> None:
    choice = rng.randrange(4)
    if choice == 0:
        pgn = row["burgerservicenummer"]
        row["burgerservicenummer"] = pgn[:-1] + str((int(pgn[-1]) + 1) % 10)
    elif choice == 1:
        for name in ("datumInschrijving", "datumUitschrijving", "datumAfsluitendExamen",
                     "datumDiploma", "datumBeginPeriode"):
            if name in row:
                row[name] = row[name][:5] + "11-31"
    elif choice == 2:
        for name in ("opleidingsvorm", "redenUitschrijving", "opleidingsfase", "leertraject",
                     "geslacht"):
            if name in row:
                row[name] = "ONBEKEND"
                break
    elif "datumUitschrijving" in row:
        row["datumUitschrijving"] = "2001-01-01"


def write_csv(rows, out) -> None:  # type: ignore[no-untyped-def]
    columns = csv_columns()
    out.write(";".join(columns) + "\n")
    for row in rows:
        values = []
        for name in columns:
            value = row.get(name, "")
            if (name.startswith("datum") or name == "geboortedatum") and value:
                value = value.replace("-", "")
            values.append(value)
        out.write(";".join(values) + "\n")


def write_xml(rows, out, sector: str) -> None:  # type: ignore[no-untyped-def]
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<{ROOT_ELEMENT} xmlns="{NAMESPACES[sector]}">\n')  # type: ignore[index]
    out.write(f"  <identificatiecodeBedrijfsdocument>{uuid.UUID(int=1)}"
              "</identificatiecodeBedrijfsdocument>\n")
    sender = "99XX" if sector == "ho" else "98XY"
    out.write(f"  <verzendendeInstantie>{sender}</verzendendeInstantie>\n")
    out.write("  <ontvangendeInstantie>DUO</ontvangendeInstantie>\n")
    out.write("  <datumTijdBedrijfsdocument>2025-09-01T08:15:00Z</datumTijdBedrijfsdocument>\n")
    from rodcli.bulkformat.models import RECORD_MODELS

    for row in rows:
        record_type = row.pop("recordtype")
        order = RECORD_MODELS[sector][record_type].model_fields  # type: ignore[index]
        out.write(f"  <{record_type}>\n")
        for name in order:
            if name in row:
                out.write(f"    <{name}>{row[name]}</{name}>\n")
        out.write(f"  </{record_type}>\n")
    out.write(f"</{ROOT_ELEMENT}>\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xml"), default="csv")
    parser.add_argument("--sector", choices=("ho", "mbo"), default="ho")
    parser.add_argument("--error-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    if args.format == "csv" and args.sector == "mbo":
        parser.error("mbo delivers XML only")
    rows = (iter_ho if args.sector == "ho" else iter_mbo)(args.rows, args.error_rate, args.seed)
    with args.output.open("w", encoding="utf-8", newline="") as out:
        if args.format == "csv":
            write_csv(rows, out)
        else:
            write_xml(rows, out, args.sector)


if __name__ == "__main__":
    main()
