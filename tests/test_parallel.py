"""A large CSV file checked on several cores gives exactly what one process gives: the same
findings in the same order, the same counts, the same record count; where a slice cannot be
sure on its own (an encoding switch, a broken quote) the file is read whole instead."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import (
    BRIN,
    ENROLMENT,
    Row,
    csv_text,
    inschrijving,
    make_bsns,
    make_invalid,
    mbo_inschrijving,
    module_inschrijving,
    resultaat,
    uitschrijving,
    xml_text,
)
from rodcli import pipeline
from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT
from rodcli.findings import Result
from rodcli.pipeline import ValidateOptions, validate_files
from rodcli.readers.bulk_csv import csv_columns, plan_slices
from rodcli.readers.bulk_xml import plan_xml_slices


def _rows(count: int, seed: int, error_rate: float) -> list[Row]:
    """Students with an enrolment, a deregistration and a result each, some spoilt in ways
    that reach every kind of rule: field formats, value lists, dates across records,
    duplicate keys, results for a module, and quoted cells holding ``;`` and line breaks."""
    rng = random.Random(seed)
    rows: list[Row] = []
    for student, pgn in enumerate(make_bsns(count)):
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
    # 12: more processes than SQLite attaches stores to one connection (10): capped there.
    for jobs in (2, 3, 5, 12):
        _same(_run(path, jobs), one)
    assert split_runs == [True, True, True, True]


def test_earlier_deliveries_count_in_every_process(tmp_path: Path,
                                                  split_runs: list[bool]) -> None:
    """--with: the enrolments of an earlier delivery (XML) are known to every range of keys;
    deregistrations and results here that have none anywhere are R006/R007, one dated
    before its earlier enrolment R002."""
    rows = _rows(300, seed=19, error_rate=0.0)
    earlier = [row for row in rows if row["recordtype"] in ("inschrijving",
                                                            "moduleInschrijving")]
    now = [row for row in rows if row["recordtype"] in ("uitschrijving", "resultaat")]
    context = _write_xml(tmp_path / "earlier.xml", earlier[:200])
    next(row for row in now if row["recordtype"] == "uitschrijving")["datumUitschrijving"] = (
        date(2020, 1, 1))
    path = _write(tmp_path / "bulk.csv", now)
    one = validate_files([path], ValidateOptions(jobs=1, max_findings=0,
                                                 with_files=(context,)))
    assert {"R002", "R006", "R007"} <= set(one.code_counts)
    assert one.code_counts["R006"] < len(now) // 2  # most enrolments were found
    for jobs in (2, 3):
        _same(validate_files([path], ValidateOptions(jobs=jobs, max_findings=0,
                                                     with_files=(context,),
                                                     parallel_from_bytes=0)), one)
    assert split_runs == [True, True]


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


def test_mbo_data_in_a_csv_is_one_i013_on_any_number_of_cores(tmp_path: Path,
                                                               split_runs: list[bool]) -> None:
    """Issue 14: I013 alone, the rows counted but not judged by ho's rules, file sector mbo."""
    example = Path(__file__).resolve().parents[1] / "examples" / "invalid" / "mbo_in_csv.csv"
    header, row = example.read_text("utf-8").splitlines()
    path = tmp_path / "mbo.csv"
    path.write_text("\n".join([header, *[row] * 3000]) + "\n", encoding="utf-8")
    one, parallel = _run(path, 1), _run(path, 2)
    assert split_runs == [True]
    for result in (one, parallel):
        assert dict(result.code_counts) == {"I013": 1}
        assert (result.files[0].sector, result.files[0].records) == ("mbo", 3000)
    _same(parallel, one)


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


# ---- XML ------------------------------------------------------------------------------------


def _write_xml(path: Path, rows: list[Row], sector: str = "ho") -> Path:
    path.write_text(xml_text([row for row in rows if row], sector), encoding="utf-8")
    return path


@pytest.mark.parametrize("error_rate", [0.0, 0.4])
def test_an_xml_file_on_several_processes_gives_what_one_gives(
        tmp_path: Path, error_rate: float, split_runs: list[bool]) -> None:
    rows = _rows(300, seed=11, error_rate=error_rate)
    if error_rate:
        rows[500]["onbekend"] = "x"  # an element the XSD does not know
    path = _write_xml(tmp_path / "bulk.xml", rows)
    one = _run(path, jobs=1)
    if error_rate:
        assert {"F004", "F007", "R006"} <= set(one.code_counts)
    for jobs in (2, 3, 5):
        _same(_run(path, jobs), one)
    assert split_runs == [True, True, True]


def test_an_mbo_file_with_a_prefixed_namespace_is_cut_too(tmp_path: Path,
                                                          split_runs: list[bool]) -> None:
    rows = [mbo_inschrijving(burgerservicenummer=number, inschrijvingvolgnummer=str(at),
                             onderwijslocatie=None if at % 7 == 0 else "123X456")
            for at, number in enumerate(make_bsns(300))]
    text = xml_text(rows, "mbo").replace(f'xmlns="{NAMESPACES["mbo"]}"',
                                         f'xmlns:rod="{NAMESPACES["mbo"]}"')
    text = re.sub(r"<(/?)(?=[A-Za-z])", r"<\1rod:", text)
    path = tmp_path / "bulk.xml"
    path.write_text(text, encoding="utf-8")
    one = _run(path, jobs=1)
    assert one.files[0].sector == "mbo" and one.code_counts == {"R011": 43}
    _same(_run(path, jobs=3), one)
    assert split_runs == [True]


@pytest.mark.parametrize("spoil", ["comment", "stranger", "late header", "broken end"])
def test_what_a_slice_cannot_judge_alone_is_read_whole(tmp_path: Path, spoil: str,
                                                       split_runs: list[bool]) -> None:
    lines = xml_text([row for row in _rows(300, seed=13, error_rate=0.0) if row]).splitlines(
        keepends=True)
    at = next(number for number in range(len(lines) * 2 // 3, len(lines))
              if lines[number].strip() == "<inschrijving>")
    if spoil == "comment":  # record-like lines inside a comment, where a cut may fall
        lines[at:at] = ["<!--\n", *lines[at:at + 40], "-->\n"]
    elif spoil == "stranger":  # an element at the root's level between records
        lines.insert(at, "  <onbekend>x</onbekend>\n")
    elif spoil == "late header":
        lines.insert(at, "  <ontvangendeInstantie>DUO</ontvangendeInstantie>\n")
    else:
        lines.append("<nog_een_root/>\n")
    path = tmp_path / "bulk.xml"
    path.write_text("".join(lines), encoding="utf-8")
    one = _run(path, jobs=1)
    assert one.code_counts  # each spoilt file has something to report
    for jobs in (2, 3, 4):
        _same(_run(path, jobs), one)
    if spoil != "comment":
        assert split_runs == [False, False, False]


def test_cuts_in_xml_fall_before_records_and_keep_line_numbers(tmp_path: Path) -> None:
    path = _write_xml(tmp_path / "bulk.xml", _rows(200, seed=17, error_rate=0.0))
    data = path.read_bytes()
    slices = plan_xml_slices(path, 3)
    assert slices is not None and len(slices) == 3 and slices[-1].last
    for before, after in zip(slices, slices[1:], strict=False):
        assert before.end == after.start and not before.last
        assert data[after.start - 1:after.start] == b"\n"
        assert data[after.start:].lstrip().startswith((b"<inschrijving>", b"<uitschrijving>",
                                                       b"<resultaat>", b"<moduleInschrijving>"))
        assert after.first_line == data[:after.start].count(b"\n") + 1
        assert after.root_start == f'<{ROOT_ELEMENT} xmlns="{NAMESPACES["ho"]}">'.encode()


@pytest.mark.parametrize("head", [b"\xef\xbb\xbf", b'<!DOCTYPE x>\n'])
def test_xml_files_not_plainly_laid_out_are_not_cut(tmp_path: Path, head: bytes) -> None:
    text = xml_text([row for row in _rows(50, seed=4, error_rate=0.0) if row]).encode()
    path = tmp_path / "bulk.xml"
    if head.startswith(b"<!"):
        declaration, rest = text.split(b"\n", 1)
        path.write_bytes(declaration + b"\n" + head + rest)
    else:
        path.write_bytes(head + text)
    assert plan_xml_slices(path, 2) is None
    _same(_run(path, jobs=2), _run(path, jobs=1))


# ---- interrupted and broken runs ------------------------------------------------------------


def _large_csv(path: Path) -> Path:
    """A clean file well past the size from which validate starts workers, so the run lasts."""
    numbers = make_bsns(1000)
    template = ";".join(ENROLMENT.get(name, "") for name in csv_columns())
    lines = [";".join(csv_columns()), *(
        template.replace("111222333", numbers[at % 1000], 1)
        .replace(";1;20240901;", f";V{at};20240901;", 1) for at in range(130_000))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > ValidateOptions().parallel_from_bytes
    return path


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in
                Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("signal_to", ["group", "worker"])
def test_ctrl_c_or_a_killed_worker_ends_the_run_cleanly(tmp_path: Path, signal_to: str) -> None:
    """Ctrl-C reaches every process of the run: exit 130. A worker killed on its own (the
    OOM killer): an internal error, exit 2. Either way no traceback, no hang, and the run's
    temporary folder (worker stores included) is gone."""
    bulk = _large_csv(tmp_path / "bulk.csv")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    rodcli = Path(sys.executable).with_name("rodcli")
    child = subprocess.Popen([str(rodcli), "validate", str(bulk), "-q", "--jobs", "2"],
                             env={**os.environ, "TMPDIR": str(temporary)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    deadline = time.monotonic() + 60
    while not _children(child.pid) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    workers = _children(child.pid)
    assert workers, "the run ended before it started a worker"
    if signal_to == "group":
        os.killpg(child.pid, signal.SIGINT)
    else:
        os.kill(workers[0], signal.SIGKILL)
    try:
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == (130 if signal_to == "group" else 2), err
    assert "Traceback" not in err
    assert list(temporary.iterdir()) == []
