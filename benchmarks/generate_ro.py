"""Deterministic synthetic DUO Registratieoverzicht (RO) files for benchmarks.

    python benchmarks/generate_ro.py --records 1000000 --form duo -o benchmarks/data/

writes ``RO_99XX_20240731_20260324.CSV`` (DUO's name, which the reader checks against the
voorlooprecord) into the folder given with -o, or to the file given. Forms: ``pve`` (exactly
the PvE), ``duo`` (the PvE plus DIP's extra field, as every known delivery), ``spreadsheet``
(``;``, d-m-yyyy, padded to 16 fields, leading zeros lost, SLR first, CRLF, Windows-1252),
``short`` (``;``, d-m-yyyy, empty fields at the end left out). Every personal number passes
the eleven-test and belongs to nobody. The content comes from ``rodcli.duo.synthetic``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from rodcli.duo.synthetic import (  # noqa: E402
    FORMS,
    count_records,
    ro_file_name,
    synthetic_people,
    write_ro,
)

SAMPLE = 2000  # people measured for the records-per-person ratio


def people_for(records: int, seed: int) -> int:
    """How many people give about ``records`` records (VLP and SLR not counted)."""
    per_person = sum(count_records(synthetic_people(SAMPLE, seed=seed)).values()) / SAMPLE
    return max(1, round(records / per_person))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--records", type=int, help="about this many records")
    size.add_argument("--people", type=int, help="exactly this many persons")
    parser.add_argument("--form", choices=sorted(FORMS), default="duo")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", type=Path, required=True,
                        help="a folder (the file gets DUO's name) or a file path")
    args = parser.parse_args()
    people = args.people if args.people is not None else people_for(args.records, args.seed)
    target: Path = args.output
    if target.is_dir() or not target.suffix:
        target.mkdir(parents=True, exist_ok=True)
        target = target / ro_file_name()
    trailer = write_ro(target, people=people, form=FORMS[args.form], seed=args.seed)
    total = sum(trailer.counts.values())
    print(f"{target}: {people} persons, {total} records, form {args.form}")


if __name__ == "__main__":
    main()
