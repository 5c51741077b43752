"""Time and peak memory of ``rodcli compare`` with DUO's Registratieoverzicht (RO), side by
side with today's compare of two bulk files of the same number of records.

    .venv/bin/python benchmarks/compare_ro.py                          # 1M records, once
    .venv/bin/python benchmarks/compare_ro.py --records 100000 1000000 --repeat 3

For each size it writes, into a temporary folder (``--keep DIR`` to keep them):

* ``RO_99XX_20240731_20260324.CSV``: a synthetic RO of about that many records
  (``rodcli.duo.synthetic``, the form DUO delivers: ``|``, ISO dates, DIP's extra field);
* ``theirs.csv``: the same persons a month later, with known changes, in the form a
  spreadsheet leaves (``;``, d-m-yyyy, leading zeros lost, Windows-1252): per 100 persons one
  other planned end date (C016: a field DUO changed), one other onderwijslocatie (C016), one
  person's BPVs gone (C014 each: only in RO 1), one BPV added (C015: only in RO 2) and one
  person's diplomas and results gone (C014 each); against the school's file these are C003,
  C001 and C002;
* ``ours_bulk.csv`` / ``theirs_bulk.csv``: two ho bulk files of as many records
  (``compare_memory.py``'s, with its known differences), for today's compare;
* ``school.xml``: the first RO's persons as the school's mbo bulk file on DUO's entities,
  once that format exists (``RECORD_MODELS["mbo"]`` has ``inschrijvingsperiode``); until then
  this measurement is skipped, and the output says so.

Each ``rodcli compare ... --format json -o report.json -q`` runs under ``/usr/bin/time -v``
(``--repeat`` times; medians), and its counts are checked against the changes made. Every
personal number is synthetic (eleven-test arithmetic, nobody's).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
import compare_memory  # noqa: E402
from generate_ro import people_for  # noqa: E402

from rodcli.bulkformat.models import RECORD_MODELS  # noqa: E402
from rodcli.duo.registratieoverzicht import (  # noqa: E402
    COUNTED_TYPES,
    Bpv,
    Inschrijving,
    Inschrijvingsperiode,
    PersonRecord,
    Sluitrecord,
    Voorlooprecord,
)
from rodcli.duo.synthetic import (  # noqa: E402
    DEFAULT_CREATED,
    DEFAULT_PERIOD,
    FORMS,
    RoForm,
    render_record,
    ro_file_name,
    synthetic_people,
    write_ro,
)

LATER = RoForm(delimiter=";", dmy_dates=True, drop_zeros=True, encoding="cp1252",
               newline="\r\n")
RESULT_TYPES = frozenset({"DIP", "AMO", "GEO", "KZD"})
# The same differences between the school's file (the first RO's persons) and the later RO.
SCHOOL_CODES = {"C014": "C001", "C015": "C002", "C016": "C003"}


def changed(index: int, records: list[PersonRecord], expected: Counter[str]) -> list[PersonRecord]:
    """One person as the later RO holds them; counts the differences made in ``expected``."""
    kind = index % 100
    if kind == 1:
        at = next(i for i, r in enumerate(records) if isinstance(r, Inschrijving))
        record = records[at]
        assert isinstance(record, Inschrijving)
        records[at] = replace(record, datum_uitschrijving_gepland=(
            record.datum_uitschrijving_gepland + timedelta(days=30)))
        expected["C016"] += 1
    elif kind == 2:
        at = next(i for i, r in enumerate(records) if isinstance(r, Inschrijvingsperiode))
        period = records[at]
        assert isinstance(period, Inschrijvingsperiode)
        records[at] = replace(period, onderwijslocatie="101X592")
        expected["C016"] += 1
    elif kind == 3:
        expected["C014"] += sum(isinstance(r, Bpv) for r in records)
        records = [r for r in records if not isinstance(r, Bpv)]
    elif kind == 4:
        enrolment = next(r for r in records if isinstance(r, Inschrijving))
        at = max(i for i, r in enumerate(records)
                 if getattr(r, "inschrijvingvolgnummer", None)
                 == enrolment.inschrijvingvolgnummer and r.RECORD_TYPE in ("ISP", "ISE", "BPV"))
        begin = enrolment.datum_inschrijving
        records.insert(at + 1, Bpv(
            0, enrolment.bsn, enrolment.onderwijsnummer,
            inschrijvingvolgnummer=enrolment.inschrijvingvolgnummer, volgnummer="B9",
            afsluitdatum=begin, datum_begin=begin + timedelta(days=7),
            datum_einde_gepland=begin + timedelta(days=200), datum_einde_werkelijk=None,
            omvang=400, leerbedrijf_id="100018965", opleidingcode=None, code_keuzedeel=None))
        expected["C015"] += 1
    elif kind == 5:
        expected["C014"] += sum(r.RECORD_TYPE in RESULT_TYPES for r in records)
        records = [r for r in records if r.RECORD_TYPE not in RESULT_TYPES]
    return records


def write_later(path: Path, people: int) -> Counter[str]:
    """The later RO (see the module docstring); returns the differences it makes."""
    expected: Counter[str] = Counter()
    written: Counter[str] = Counter()
    with path.open("w", encoding=LATER.encoding, newline="") as out:
        header = Voorlooprecord(0, "99XX", DEFAULT_PERIOD.begin, DEFAULT_PERIOD.end,
                                DEFAULT_CREATED)
        out.write(render_record(header, LATER) + LATER.newline)
        for index, records in enumerate(synthetic_people(people)):
            records = changed(index, records, expected)
            written.update(record.RECORD_TYPE for record in records)
            out.write("".join(render_record(r, LATER) + LATER.newline for r in records))
        trailer = Sluitrecord(0, {kind: written[kind] for kind in COUNTED_TYPES})
        out.write(render_record(trailer, LATER) + LATER.newline)
    return expected


def _contract() -> Any:
    spec = importlib.util.spec_from_file_location(
        "mbo_examples", ROOT / "examples" / "compare" / "mbo" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_school(path: Path, people: int) -> None:
    """The persons of the first RO as the school's mbo bulk XML (the contract's format)."""
    contract = _contract()
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                  f'<aanleveren_onderwijsdeelnemers_request xmlns="{contract.NAMESPACE}">\n'
                  "  <identificatiecodeBedrijfsdocument>2b7e4c1a-6d3f-4a8e-9c15-7f0e2d9b4a63"
                  "</identificatiecodeBedrijfsdocument>\n"
                  "  <verzendendeInstantie>99XX</verzendendeInstantie>\n"
                  "  <ontvangendeInstantie>DUO</ontvangendeInstantie>\n"
                  "  <datumTijdBedrijfsdocument>2026-03-25T09:00:00Z"
                  "</datumTijdBedrijfsdocument>\n")
        for records in synthetic_people(people):
            for record in records:
                if record.RECORD_TYPE not in contract.CONTRACT:
                    continue
                element, fields = contract.CONTRACT[record.RECORD_TYPE]
                pgn = (("burgerservicenummer", record.bsn) if record.bsn
                       else ("onderwijsnummer", record.onderwijsnummer))
                parts = [f"  <{element}>\n    <brin>99XX</brin>\n",
                         f"    <{pgn[0]}>{pgn[1]}</{pgn[0]}>\n"]
                for name, attr in fields:
                    text = contract._text(getattr(record, attr))
                    if text is not None:
                        parts.append(f"    <{name}>{text}</{name}>\n")
                parts.append(f"  </{element}>\n")
                out.write("".join(parts))
        out.write("</aanleveren_onderwijsdeelnemers_request>\n")


def run(args: list[str], report: Path, repeat: int) -> tuple[float, float, int, dict[str, int]]:
    """(median seconds, median peak RSS MiB, exit code, counts by code) of ``repeat`` runs."""
    seconds, rss = [], []
    code = 0
    for _ in range(repeat):
        peak, elapsed, code = compare_memory.measure(
            [*args, "--format", "json", "-o", str(report), "-q"])
        seconds.append(elapsed)
        rss.append(peak)
    counts = json.loads(report.read_text("utf-8"))["counts"]["by_code"]
    return statistics.median(seconds), statistics.median(rss), code, counts


def differences(counts: dict[str, int]) -> dict[str, int]:
    return {code: n for code, n in sorted(counts.items())
            if code in ("C001", "C002", "C003", "C004", "C005", "C010", "C014", "C015", "C016")}


def rows(count: int, repeat: int, folder: Path) -> Iterator[tuple[str, int, float, float, str]]:
    people = people_for(count, 0)
    ours = folder / ro_file_name()
    write_ro(ours, people=people, form=FORMS["duo"])
    theirs = folder / "theirs.csv"
    expected = write_later(theirs, people)
    records = sum(int(n) for n in ours.read_text("utf-8").splitlines()[-1].split("|")[1:])
    seconds, rss, code, counts = run(["compare", str(ours), str(theirs)],
                                     folder / "ro.json", repeat)
    if differences(counts) != dict(sorted(expected.items())) or code != 1:
        raise SystemExit(f"RO compare: exit {code}, {differences(counts)} != {expected}")
    yield ("compare RO with a later RO", records, seconds, rss,
           ", ".join(f"{k} {v}" for k, v in differences(counts).items()))

    bulk_ours, bulk_theirs = folder / "ours_bulk.csv", folder / "theirs_bulk.csv"
    compare_memory.write(bulk_ours, compare_memory.records(records, "ours"), "csv")
    compare_memory.write(bulk_theirs, compare_memory.records(records, "theirs"), "csv")
    seconds, rss, code, counts = run(["compare", str(bulk_ours), str(bulk_theirs)],
                                     folder / "bulk.json", repeat)
    if differences(counts) != compare_memory.expected(records) or code != 1:
        raise SystemExit(f"bulk compare: exit {code}, {differences(counts)}")
    yield ("compare two bulk CSV files (today)", records, seconds, rss,
           ", ".join(f"{k} {v}" for k, v in differences(counts).items()))

    if "inschrijvingsperiode" not in RECORD_MODELS["mbo"]:
        yield ("compare mbo bulk XML with the later RO", records, float("nan"), float("nan"),
               "skipped: the mbo bulk format on DUO's entities has not landed yet")
        return
    school = folder / "school.xml"
    write_school(school, people)
    seconds, rss, code, counts = run(["compare", str(school), str(theirs)],
                                     folder / "school.json", repeat)
    as_school = {SCHOOL_CODES[k]: v for k, v in sorted(expected.items())}
    # The synthetic RO holds some records that DUO's selection (PvE §15.1) would not give for
    # its period; gone from the later RO, the school's copies are left out as outside its
    # selection (C012, "skipped") instead of C001, and count as such.
    skipped = json.loads((folder / "school.json").read_text("utf-8"))["sides"]["ours"]["skipped"]
    found = differences(counts)
    found["C001"] = found.get("C001", 0) + skipped
    if found != dict(sorted(as_school.items())) or code != 1:
        raise SystemExit(f"mbo compare: exit {code}, {differences(counts)} + {skipped} "
                         f"skipped != {as_school}")
    yield ("compare mbo bulk XML with the later RO", records, seconds, rss,
           ", ".join(f"{k} {v}" for k, v in differences(counts).items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1_000_000],
                        help="about this many records per side (several sizes: rows each)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (median)")
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    options = parser.parse_args()
    print(f"{'measurement':<40} {'records/side':>12} {'median s':>9} {'records/s':>10} "
          f"{'peak RSS MiB':>12}  differences")
    for count in options.records:
        with tempfile.TemporaryDirectory(prefix="rodcli-bench-") as scratch:
            folder = options.keep or Path(scratch)
            folder.mkdir(parents=True, exist_ok=True)
            measured = list(rows(count, options.repeat, folder))
            for name, records, seconds, rss, note in measured:
                rate = 2 * records / seconds if seconds == seconds else float("nan")
                print(f"{name:<40} {records:>12,} {seconds:>9.2f} {rate:>10,.0f} "
                      f"{rss:>12.0f}  {note}", flush=True)
            ro, bulk = measured[0], measured[1]
            print(f"{'':<40} ratio RO/bulk: time {ro[2] / bulk[2]:.2f}x, "
                  f"peak RSS {ro[3] / bulk[3]:.2f}x", flush=True)


if __name__ == "__main__":
    main()
