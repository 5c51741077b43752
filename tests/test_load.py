"""Load (issue 16): ten validate and ten build runs at once, on the same inputs, to different
outputs, give what each gives alone, within the memory each uses alone, and leave no
temporary folder behind."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import csv_text, inschrijving, make_bsns
from rodcli.pipeline import ValidateOptions
from test_faults import MAPPING, write_export
from test_hostile_xml import run_all

RUNS = 10
_VOLATILE = re.compile(rb"<(identificatiecodeBedrijfsdocument|datumTijdBedrijfsdocument)>"
                       rb"[^<]*</\1>")


def _report(path: Path, number: int) -> str:
    """A JSON report without what differs between two runs of the same input (the time,
    the run's own output names)."""
    text = path.read_text(encoding="utf-8")
    for name in ("b", "r", "v"):
        text = text.replace(f"/{name}{number}.", f"/{name}N.")
    document = json.loads(text)
    document.pop("generated", None)
    document.pop("duration", None)
    return json.dumps(document, sort_keys=True)


def test_ten_validate_and_ten_build_at_once_match_each_alone(tmp_path: Path) -> None:
    # validate's file is past the size from which it runs on several processes: ten runs
    # of two processes each, with their stores in the one TMPDIR
    numbers = make_bsns(16_000)
    bulk = tmp_path / "bulk.csv"
    bulk.write_text(csv_text([inschrijving(burgerservicenummer=number,
                                           inschrijvingvolgnummer=str(at % 7))
                              for at, number in enumerate(numbers)]), encoding="utf-8")
    assert bulk.stat().st_size > ValidateOptions().columnar_from_bytes
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    export = write_export(tmp_path / "export.csv", 1500, bad=40)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {"TMPDIR": str(temporary)}

    def validate(number: int) -> list[object]:
        return ["validate", bulk, "--format", "json", "-o", tmp_path / f"v{number}.json", "-q",
                "-j", "2"]

    def build(number: int) -> list[object]:
        return ["build", export, "-m", tmp_path / "mapping.toml", "--sector", "ho", "-o",
                tmp_path / f"b{number}.xml", "--rejects", tmp_path / f"r{number}.csv",
                "--report-format", "json", "--report", tmp_path / f"b{number}.json", "-q"]

    alone = run_all([validate(0)], timeout=60, env=env) + run_all([build(0)], timeout=60,
                                                                   env=env)
    assert alone[1].code == 1, alone[1].stderr  # rows rejected
    together = run_all([*(validate(n) for n in range(1, RUNS + 1)),
                        *(build(n) for n in range(1, RUNS + 1))], timeout=240, env=env)
    assert [run.code for run in together] == [alone[0].code] * RUNS + [1] * RUNS, [
        run.stderr for run in together]
    for number in range(1, RUNS + 1):
        assert _report(tmp_path / f"v{number}.json", number) == _report(
            tmp_path / "v0.json", 0)
        assert _report(tmp_path / f"b{number}.json", number) == _report(
            tmp_path / "b0.json", 0)
        assert _VOLATILE.sub(b"", (tmp_path / f"b{number}.xml").read_bytes()) == _VOLATILE.sub(
            b"", (tmp_path / "b0.xml").read_bytes())
        assert (tmp_path / f"r{number}.csv").read_bytes() == (tmp_path / "r0.csv").read_bytes()
    for run in together[:RUNS]:
        assert run.peak_mb < alone[0].peak_mb * 1.25 + 20, (run.peak_mb, alone[0].peak_mb)
    for run in together[RUNS:]:
        assert run.peak_mb < alone[1].peak_mb * 1.25 + 20, (run.peak_mb, alone[1].peak_mb)
    assert list(temporary.iterdir()) == []
