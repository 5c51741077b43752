"""A large CSV file checked on several cores gives exactly what one process gives: the same
findings in the same order, the same counts, the same record count; where a slice cannot be
sure on its own (an encoding switch, a broken quote) the file is read whole instead."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    BRIN,
    Row,
    csv_text,
    inschrijving,
    make_bsn,
    make_invalid,
    module_inschrijving,
    resultaat,
    uitschrijving,
)
from rodcli import pipeline
from rodcli.findings import Result
from rodcli.pipeline import ValidateOptions, validate_files
from rodcli.readers.bulk_csv import plan_slices


def _rows(count: int, seed: int, error_rate: float) -> list[Row]:
    """Students with an enrolment, a deregistration and a result each, some spoilt in ways
    that reach every kind of rule: field formats, value lists, dates across records,
    duplicate keys, results for a module, and quoted cells holding ``;`` and line breaks."""
    rng = random.Random(seed)
    rows: list[Row] = []
    for student, pgn in enumerate(_personal_numbers(count)):
        start = date(2024, 9, 1) + timedelta(days=rng.randrange(30))
        enrolment = (module_inschrijving if rng.random() < 0.2 else inschrijving)(
            burgerservicenummer=pgn, inschrijvingvolgnummer=str(student % 3),
            datumInschrijving=start)
        leaving = uitschrijving(burgerservicenummer=pgn, inschrijvingvolgnummer=str(student % 3),
                                datumUitschrijving=start + timedelta(days=300))
        result = resultaat(burgerservicenummer=pgn, inschrijvingvolgnummer=str(student % 3),
                           datumAfsluitendExamen=start + timedelta(days=290))
        group = [enrolment, leaving, result]
        if rng.random() < error_rate:
            spoilt = rng.choice(group)
            match rng.randrange(6):
                case 0:
                    spoilt["burgerservicenummer"] = make_invalid(pgn)
                case 1:
                    spoilt["brin"] = "9;9\nXX"  # a quoted cell across lines
                case 2:
                    leaving["datumUitschrijving"] = start - timedelta(days=1)
                case 3:
                    group.append(dict(enrolment))  # the same key twice
                case 4:
                    spoilt["inschrijvingvolgnummer"] = "with space"
                case _:
                    group.insert(1, {})  # a blank row
        rows.extend(group)
    return rows


def _personal_numbers(count: int) -> list[str]:
    numbers: list[str] = []
    prefix = 20_000_000
    while len(numbers) < count:
        prefix += 7
        try:
            numbers.append(make_bsn(f"{prefix:08d}"))
        except ValueError:
            continue  # no check digit makes this one pass the eleven-test
    return numbers


def _write(path: Path, rows: list[Row]) -> Path:
    path.write_text(csv_text(rows), encoding="utf-8")
    return path


def _run(path: Path, jobs: int, max_findings: int = 0) -> Result:
    return validate_files([path], ValidateOptions(jobs=jobs, max_findings=max_findings,
                                                  parallel_from_bytes=0))


@pytest.fixture
def split_runs(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each file tried on several processes: whether that gave the result (True) or
    the file was read whole after all (False)."""
    outcomes: list[bool] = []
    original = pipeline._check_in_parallel

    def spy(*args: Any) -> Result | None:
        result = original(*args)
        outcomes.append(result is not None)
        return result

    monkeypatch.setattr(pipeline, "_check_in_parallel", spy)
    return outcomes


def _same(parallel: Result, one: Result) -> None:
    # Cross-record findings come in the order of a per-run hash; the report is in file order.
    assert parallel.sorted_findings() == one.sorted_findings()
    assert parallel.code_counts == one.code_counts
    assert parallel.severity_counts == one.severity_counts
    assert parallel.no_verdict == one.no_verdict
    assert parallel.files == one.files


@pytest.mark.parametrize("error_rate", [0.0, 0.3, 1.0])
def test_several_processes_find_what_one_finds(tmp_path: Path, error_rate: float,
                                               split_runs: list[bool]) -> None:
    path = _write(tmp_path / "bulk.csv", _rows(400, seed=7, error_rate=error_rate))
    one = _run(path, jobs=1)
    assert one.files[0].records >= 1200
    if error_rate:
        assert {"F007", "R002", "R006"} <= set(one.code_counts)  # the spoilt rows tell
    for jobs in (2, 3, 5):
        _same(_run(path, jobs), one)
    assert split_runs == [True, True, True]


def test_kept_findings_are_the_first_ones_whatever_the_cut(tmp_path: Path,
                                                           split_runs: list[bool]) -> None:
    path = _write(tmp_path / "bulk.csv", _rows(300, seed=3, error_rate=0.5))
    everything = sorted(_run(path, jobs=1).findings, key=lambda finding: finding.sort_key())
    for cap in (1, 7, 40):
        one = _run(path, jobs=1, max_findings=cap)
        assert one.truncated
        assert [f.sort_key() for f in one.sorted_findings()] == [
            f.sort_key() for f in everything[:cap]]
        _same(_run(path, jobs=3, max_findings=cap), one)
    assert split_runs == [True, True, True]


def test_a_windows_1252_byte_in_a_later_slice_reads_the_file_whole(
        tmp_path: Path, split_runs: list[bool]) -> None:
    text = csv_text(_rows(200, seed=1, error_rate=0.0))
    cut = len(text) * 3 // 4
    path = tmp_path / "bulk.csv"
    path.write_bytes(text[:cut].encode() + text[cut:].replace(BRIN, "9\xe9XX", 1).encode("cp1252"))
    one = _run(path, jobs=1)
    assert one.code_counts["I002"] == 1
    _same(_run(path, jobs=2), one)
    assert split_runs == [False]


@pytest.mark.parametrize("stray", ['"', 'ab"c'])
def test_a_quote_that_fools_the_cut_reads_the_file_whole(tmp_path: Path, stray: str,
                                                         split_runs: list[bool]) -> None:
    # An unclosed quote at the start of a cell opens a field to the end of the file; a quote
    # inside an unquoted cell is literal text. Either makes the quote count odd from there.
    lines = csv_text(_rows(200, seed=2, error_rate=0.3)).splitlines(keepends=True)
    middle = next(number for number in range(len(lines) // 3, len(lines))
                  if ";S;" in lines[number])
    lines[middle] = lines[middle].replace(";S;", f";{stray}S;", 1)
    path = tmp_path / "bulk.csv"
    path.write_text("".join(lines), encoding="utf-8")
    one = _run(path, jobs=1)
    for jobs in (2, 4):
        _same(_run(path, jobs), one)
    assert False in split_runs  # a cut after the stray quote fell inside a "quoted field"


def test_cuts_fall_at_line_starts_outside_quotes(tmp_path: Path) -> None:
    path = _write(tmp_path / "bulk.csv", _rows(300, seed=5, error_rate=0.5))
    data = path.read_bytes()
    slices = plan_slices(path, 4)
    assert slices is not None and len(slices) == 4
    assert slices[0].start == 0 and slices[0].header is None and slices[-1].end == len(data)
    for before, after in zip(slices, slices[1:], strict=False):
        assert before.end == after.start
        assert data[after.start - 1:after.start] == b"\n"
        assert data[:after.start].count(b'"') % 2 == 0
        assert after.first_line == data[:after.start].count(b"\n") + 1
        assert after.header is not None and after.header[0] == "recordtype"


@pytest.mark.parametrize("head", [b"\xef\xbb\xbf", b"\n", b'"recordtype";'])
def test_files_not_plainly_laid_out_are_not_cut(tmp_path: Path, head: bytes) -> None:
    path = tmp_path / "bulk.csv"
    path.write_bytes(head + csv_text(_rows(50, seed=4, error_rate=0.0)).encode())
    assert plan_slices(path, 2) is None
    _same(_run(path, jobs=2), _run(path, jobs=1))


def test_a_file_with_a_header_only_says_so_once(tmp_path: Path) -> None:
    path = tmp_path / "bulk.csv"
    path.write_text(csv_text([]) + "\n" * 5000, encoding="utf-8")
    one = _run(path, jobs=1)
    assert one.code_counts == {"I015": 1}
    _same(_run(path, jobs=2), one)
