"""Peak memory (and time) of ``rodcli compare`` on two large bulk files.

    .venv/bin/python benchmarks/compare_memory.py                  # 2 x 200k records
    .venv/bin/python benchmarks/compare_memory.py --records 50000 200000 1000000
    .venv/bin/python benchmarks/compare_memory.py --format xml

For each size it writes two synthetic ho bulk files (OURS and THEIRS, every personal number
synthetic: eleven-test arithmetic, belongs to nobody) that differ in known ways, runs
``rodcli compare OURS THEIRS --format json -o report.json -q`` under ``/usr/bin/time -v``,
checks that the report counts exactly the differences made, and prints the peak resident set
size and wall time. ``rodcli validate OURS`` is measured too, as the baseline of one process
reading one file. If memory stays flat from the smallest to the largest size, the comparison
does not hold the records in memory.

Differences made, per 1000 records: 10 changed opleidingsvorm (C003), 5 only in OURS (C001),
5 only in THEIRS (C002), 2 onderwijsnummer in THEIRS where OURS has the BSN (C004).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RODCLI = Path(sys.executable).with_name("rodcli")
COLUMNS = ("recordtype;brin;burgerservicenummer;onderwijsnummer;inschrijvingvolgnummer;"
           "geboortedatum;geslacht;postcode;datumInschrijving;opleidingcode;opleidingsvorm;"
           "opleidingsfase;inschrijvingsvorm;vooropleiding;onderwijseenheidcode;studielast;"
           "datumUitschrijving;redenUitschrijving;datumAfsluitendExamen").split(";")
NAMESPACE = "urn:rodcli:schema:ROD_Bulk_HO_V1"
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def _checksum(digits: str) -> int:
    return sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11


def numbers(start: int, remainder: int) -> Iterator[str]:
    """Nine-digit numbers from an 8-digit prefix on whose eleven-test sum leaves
    ``remainder``: 0 for a BSN, 5 for an onderwijsnummer (prefix starting with 10)."""
    prefix = start
    while True:
        stem = f"{prefix:08d}"
        for digit in "0123456789":
            if _checksum(stem + digit) == remainder:
                yield stem + digit
                break
        prefix += 1


def records(count: int, side: str) -> Iterator[dict[str, str]]:
    """``count`` records of OURS or THEIRS; see the module docstring for the differences."""
    bsns = numbers(21_000_000, 0)
    onrs = numbers(10_000_000, 5)
    for index in range(count):
        bsn, onr = next(bsns), next(onrs)
        per_mille = index % 1000
        if side == "ours" and per_mille in range(20, 25):
            continue  # only in THEIRS
        if side == "theirs" and per_mille in range(30, 35):
            continue  # only in OURS
        record = {"recordtype": "inschrijving", "brin": "99XX", "burgerservicenummer": bsn,
                  "inschrijvingvolgnummer": f"{2000 + index % 25}-{index}",
                  "datumInschrijving": "2024-09-01", "opleidingcode": "34479",
                  "opleidingsvorm": "VOLTIJD", "opleidingsfase": "B", "inschrijvingsvorm": "S",
                  "geboortedatum": "2004-03-14", "geslacht": "V", "vooropleiding": "00401"}
        if index % 4 == 3:
            record = {"recordtype": "uitschrijving", "brin": "99XX",
                      "burgerservicenummer": bsn, "inschrijvingvolgnummer": f"U-{index}",
                      "datumUitschrijving": "2025-06-30", "redenUitschrijving": "9"}
        elif side == "theirs" and per_mille < 10:
            record["opleidingsvorm"] = "DEELTIJD"
        elif side == "theirs" and per_mille in (40, 41):
            del record["burgerservicenummer"]
            record.update(onderwijsnummer=onr, geboortedatum="2004-03-14", geslacht="V")
        yield record


def expected(count: int) -> dict[str, int]:
    counts = {"C001": 0, "C002": 0, "C003": 0, "C004": 0}
    for index in range(count):
        per_mille = index % 1000
        if per_mille in range(20, 25):
            counts["C002"] += 1
        elif per_mille in range(30, 35):
            counts["C001"] += 1
        elif index % 4 != 3 and per_mille < 10:
            counts["C003"] += 1
        elif index % 4 != 3 and per_mille in (40, 41):
            counts["C004"] += 1
    return {code: n for code, n in counts.items() if n}


def write(path: Path, rows: Iterator[dict[str, str]], kind: str) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        if kind == "csv":
            out.write(";".join(COLUMNS) + "\n")
            for row in rows:
                row = {**row, **{k: v.replace("-", "") for k, v in row.items()
                                 if k.startswith(("datum", "geboorte"))}}
                out.write(";".join(row.get(name, "") for name in COLUMNS) + "\n")
            return
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  f'<aanleveren_onderwijsdeelnemers_request xmlns="{NAMESPACE}">\n'
                  "  <identificatiecodeBedrijfsdocument>0f8fad5b-d9cb-469f-a165-70867728950e"
                  "</identificatiecodeBedrijfsdocument>\n"
                  "  <verzendendeInstantie>99XX</verzendendeInstantie>\n"
                  "  <ontvangendeInstantie>DUO</ontvangendeInstantie>\n"
                  "  <datumTijdBedrijfsdocument>2025-09-01T08:15:00Z</datumTijdBedrijfsdocument>\n")
        for row in rows:
            tag = row["recordtype"]
            fields = "".join(f"    <{name}>{row[name]}</{name}>\n"
                             for name in COLUMNS[1:] if name in row)
            out.write(f"  <{tag}>\n{fields}  </{tag}>\n")
        out.write("</aanleveren_onderwijsdeelnemers_request>\n")


def measure(args: list[str]) -> tuple[int, float, int]:
    """(peak RSS in MiB, wall seconds, exit code) of one rodcli run."""
    run = subprocess.run(["/usr/bin/time", "-v", str(RODCLI), *args], capture_output=True,
                         text=True, check=False)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)",
                     run.stderr)
    if rss is None or wall is None:
        raise SystemExit(f"no /usr/bin/time output:\n{run.stderr[-2000:]}")
    hours, minutes, seconds = wall.groups()
    elapsed = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    return int(rss.group(1)) // 1024, elapsed, run.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[200_000],
                        help="records per side (several sizes: one row each)")
    parser.add_argument("--format", choices=("csv", "xml"), default="csv")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    options = parser.parse_args()
    print(f"{'records/side':>12}  {'format':>6}  {'compare MiB':>11}  {'compare s':>9}  "
          f"{'validate MiB':>12}  {'validate s':>10}  differences")
    for count in options.records:
        with tempfile.TemporaryDirectory(prefix="rodcli-bench-") as scratch:
            folder = options.keep or Path(scratch)
            folder.mkdir(parents=True, exist_ok=True)
            ours = folder / f"ours_{count}.{options.format}"
            theirs = folder / f"theirs_{count}.{options.format}"
            write(ours, records(count, "ours"), options.format)
            write(theirs, records(count, "theirs"), options.format)
            report = folder / f"compare_{count}.json"
            rss, seconds, code = measure(["compare", str(ours), str(theirs), "--format",
                                          "json", "-o", str(report), "-q"])
            counts = json.loads(report.read_text("utf-8"))["counts"]["by_code"]
            found = {code: n for code, n in counts.items() if code.startswith("C")}
            if found != expected(count) or code != 1:
                raise SystemExit(f"unexpected result (exit {code}): {found} != "
                                 f"{expected(count)}")
            base_rss, base_seconds, _ = measure(["validate", str(ours), "--format", "json",
                                                 "-o", str(folder / "validate.json"), "-q"])
            print(f"{count:>12}  {options.format:>6}  {rss:>11}  {seconds:>9.1f}  "
                  f"{base_rss:>12}  {base_seconds:>10.1f}  {sum(found.values())} "
                  f"({', '.join(f'{k} {v}' for k, v in sorted(found.items()))})")


if __name__ == "__main__":
    main()
