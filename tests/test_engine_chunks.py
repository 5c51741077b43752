"""The column engine gives exactly what the precise path gives, whatever the size of the
chunks a CSV file is read in: the same findings, counts and record count. A chunk that is not
plain (other characters, a quote, a byte that is not UTF-8) takes the precise reader, on its
own or for the rest of the file; an XML file's records are checked in batches while the
reader keeps their elements.

(These replace the tests of the multi-process slices of issue 6: the engine works in chunks
and batches in one process.)"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import (
    BRIN,
    Row,
    csv_text,
    inschrijving,
    make_bsns,
    make_invalid,
    mbo_student,
    module_inschrijving,
    resultaat,
    uitschrijving,
    xml_text,
)
from rodcli.bulkformat import NAMESPACES
from rodcli.engine import csv_input
from rodcli.findings import Result
from rodcli.pipeline import ValidateOptions, validate_files

CHUNKS = [97, 1000, 1 << 22]


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


def _precise(path: Path, max_findings: int = 0, **options: object) -> Result:
    return validate_files([path], ValidateOptions(max_findings=max_findings,
                                                  columnar_from_bytes=1 << 60,
                                                  **options))  # type: ignore[arg-type]


def _columnar(path: Path, max_findings: int = 0, **options: object) -> Result:
    return validate_files([path], ValidateOptions(max_findings=max_findings,
                                                  columnar_from_bytes=0,
                                                  **options))  # type: ignore[arg-type]


def _same(columnar: Result, precise: Result) -> None:
    assert columnar.sorted_findings() == precise.sorted_findings()
    assert columnar.code_counts == precise.code_counts
    assert columnar.severity_counts == precise.severity_counts
    assert columnar.no_verdict == precise.no_verdict
    assert columnar.files == precise.files


@pytest.fixture(params=CHUNKS)
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(csv_input, "CHUNK_BYTES", request.param)
    return int(request.param)


@pytest.mark.parametrize("error_rate", [0.0, 0.3, 1.0])
def test_columns_find_what_the_precise_path_finds(tmp_path: Path, error_rate: float,
                                                  chunk: int) -> None:
    path = _write(tmp_path / "bulk.csv", _rows(400, seed=7, error_rate=error_rate))
    precise = _precise(path)
    assert precise.files[0].records >= 1200
    if error_rate:
        assert {"F007", "R002", "R006"} <= set(precise.code_counts)  # the spoilt rows tell
    _same(_columnar(path), precise)


def test_plain_rows_never_take_the_precise_path(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the engine: a valid file's records are never typed one by one."""
    from rodcli.engine import precise

    path = _write(tmp_path / "bulk.csv", _rows(400, seed=7, error_rate=0.0))
    seen: list[object] = []
    original = precise.RecordChecker.check

    def spy(self: precise.RecordChecker, *args: object) -> object:
        seen.append(args)
        return original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(precise.RecordChecker, "check", spy)
    found = _columnar(path)
    assert found.total and all(code.startswith("R") for code in found.code_counts)
    assert seen == []  # cross-record findings come from the key table alone


def test_earlier_deliveries_count(tmp_path: Path, chunk: int) -> None:
    """--with: the enrolments of an earlier delivery (XML) are known; deregistrations and
    results here that have none anywhere are R006/R007, one dated before its earlier
    enrolment R002."""
    rows = _rows(300, seed=19, error_rate=0.0)
    earlier = [row for row in rows if row["recordtype"] in ("inschrijving",
                                                            "moduleInschrijving")]
    now = [row for row in rows if row["recordtype"] in ("uitschrijving", "resultaat")]
    context = _write_xml(tmp_path / "earlier.xml", earlier[:200])
    next(row for row in now if row["recordtype"] == "uitschrijving")["datumUitschrijving"] = (
        date(2020, 1, 1))
    path = _write(tmp_path / "bulk.csv", now)
    precise = _precise(path, with_files=(context,))
    assert {"R002", "R006", "R007"} <= set(precise.code_counts)
    assert precise.code_counts["R006"] < len(now) // 2  # most enrolments were found
    _same(_columnar(path, with_files=(context,)), precise)


def test_kept_findings_are_the_first_ones(tmp_path: Path, chunk: int) -> None:
    path = _write(tmp_path / "bulk.csv", _rows(300, seed=3, error_rate=0.5))
    everything = sorted(_precise(path).findings, key=lambda finding: finding.sort_key())
    for cap in (1, 7, 40):
        columnar = _columnar(path, max_findings=cap)
        assert columnar.truncated
        assert [f.sort_key() for f in columnar.sorted_findings()] == [
            f.sort_key() for f in everything[:cap]]
        _same(columnar, _precise(path, max_findings=cap))


def test_a_windows_1252_byte_later_on(tmp_path: Path, chunk: int) -> None:
    text = csv_text(_rows(200, seed=1, error_rate=0.0))
    cut = len(text) * 3 // 4
    path = tmp_path / "bulk.csv"
    path.write_bytes(text[:cut].encode() + text[cut:].replace(BRIN, "9\xe9XX", 1).encode("cp1252"))
    precise = _precise(path)
    assert precise.code_counts["I002"] == 1
    _same(_columnar(path), precise)


def test_other_characters_in_one_chunk(tmp_path: Path, chunk: int) -> None:
    text = csv_text(_rows(200, seed=1, error_rate=0.0))
    cut = len(text) // 2
    path = tmp_path / "bulk.csv"
    path.write_text(text[:cut] + text[cut:].replace(";S;", ";Ś;", 1), encoding="utf-8")
    precise = _precise(path)
    assert precise.code_counts["F002"] == 1
    _same(_columnar(path), precise)


@pytest.mark.parametrize("stray", ['"', 'ab"c'])
def test_a_stray_quote_later_on(tmp_path: Path, stray: str, chunk: int) -> None:
    # An unclosed quote at the start of a cell opens a field to the end of the file; a quote
    # inside an unquoted cell is literal text.
    lines = csv_text(_rows(200, seed=2, error_rate=0.3)).splitlines(keepends=True)
    middle = next(number for number in range(len(lines) // 3, len(lines))
                  if ";S;" in lines[number])
    lines[middle] = lines[middle].replace(";S;", f";{stray}S;", 1)
    path = tmp_path / "bulk.csv"
    path.write_text("".join(lines), encoding="utf-8")
    _same(_columnar(path), _precise(path))


@pytest.mark.parametrize("head", [b"\xef\xbb\xbf", b"\n", b'"recordtype";'])
def test_files_not_plainly_laid_out(tmp_path: Path, head: bytes, chunk: int) -> None:
    path = tmp_path / "bulk.csv"
    path.write_bytes(head + csv_text(_rows(50, seed=4, error_rate=0.0)).encode())
    _same(_columnar(path), _precise(path))


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_blank_and_ragged_rows(tmp_path: Path, newline: str, chunk: int) -> None:
    lines = csv_text(_rows(100, seed=6, error_rate=0.0)).splitlines()
    spoilt = [lines[0]]
    for number, line in enumerate(lines[1:], start=1):
        spoilt.append(line)
        if number % 17 == 0:
            spoilt.append(["", ";;;;", "  ", line + ";x", line.rsplit(";", 2)[0]][number % 5])
    path = tmp_path / "bulk.csv"
    path.write_bytes(newline.join(spoilt).encode() + newline.encode())
    precise = _precise(path)
    assert precise.code_counts["I010"] > 0
    _same(_columnar(path), precise)


def test_a_file_with_a_header_only_says_so_once(tmp_path: Path, chunk: int) -> None:
    path = tmp_path / "bulk.csv"
    path.write_text(csv_text([]) + "\n" * 5000, encoding="utf-8")
    precise = _precise(path)
    assert precise.code_counts == {"I015": 1}
    _same(_columnar(path), precise)


# ---- XML ------------------------------------------------------------------------------------


def _write_xml(path: Path, rows: list[Row], sector: str = "ho") -> Path:
    path.write_text(xml_text([row for row in rows if row], sector), encoding="utf-8")
    return path


@pytest.mark.parametrize("error_rate", [0.0, 0.4])
def test_an_xml_file_in_batches(tmp_path: Path, error_rate: float) -> None:
    rows = _rows(3000, seed=11, error_rate=error_rate)
    if error_rate:
        rows[500]["onbekend"] = "x"  # an element the XSD does not know
    path = _write_xml(tmp_path / "bulk.xml", rows)
    precise = _precise(path)
    if error_rate:
        assert {"F004", "F007", "R006"} <= set(precise.code_counts)
    _same(_columnar(path), precise)


def test_an_mbo_file_with_a_prefixed_namespace(tmp_path: Path) -> None:
    rows = [row for at, number in enumerate(make_bsns(300))
            for row in mbo_student(burgerservicenummer=number, inschrijvingvolgnummer=str(at),
                                   onderwijslocatie=None if at % 7 == 0 else "123X456")]
    text = xml_text(rows, "mbo").replace(f'xmlns="{NAMESPACES["mbo"]}"',
                                         f'xmlns:rod="{NAMESPACES["mbo"]}"')
    text = re.sub(r"<(/?)(?=[A-Za-z])", r"<\1rod:", text)
    path = tmp_path / "bulk.xml"
    path.write_text(text, encoding="utf-8")
    precise = _precise(path)
    assert precise.files[0].sector == "mbo" and precise.code_counts == {"R011": 43}
    _same(_columnar(path), precise)


@pytest.mark.parametrize("spoil", ["comment", "stranger", "late header", "broken end"])
def test_spoilt_xml_files(tmp_path: Path, spoil: str) -> None:
    lines = xml_text([row for row in _rows(300, seed=13, error_rate=0.0) if row]).splitlines(
        keepends=True)
    at = next(number for number in range(len(lines) * 2 // 3, len(lines))
              if lines[number].strip() == "<inschrijving>")
    if spoil == "comment":
        lines[at:at] = ["<!--\n", *lines[at:at + 40], "-->\n"]
    elif spoil == "stranger":  # an element at the root's level between records
        lines.insert(at, "  <onbekend>x</onbekend>\n")
    elif spoil == "late header":
        lines.insert(at, "  <ontvangendeInstantie>DUO</ontvangendeInstantie>\n")
    else:
        lines.append("<nog_een_root/>\n")
    path = tmp_path / "bulk.xml"
    path.write_text("".join(lines), encoding="utf-8")
    precise = _precise(path)
    assert precise.code_counts  # each spoilt file has something to report
    _same(_columnar(path), precise)


def test_mbo_data_in_a_csv_is_one_i013(tmp_path: Path, chunk: int) -> None:
    """Issue 14: I013 alone, the rows counted but not judged by ho's rules, file sector mbo."""
    example = Path(__file__).resolve().parents[1] / "examples" / "invalid" / "mbo_in_csv.csv"
    header, row = example.read_text("utf-8").splitlines()
    path = tmp_path / "mbo.csv"
    path.write_text("\n".join([header, *[row] * 3000]) + "\n", encoding="utf-8")
    precise, columnar = _precise(path), _columnar(path)
    for result in (precise, columnar):
        assert dict(result.code_counts) == {"I013": 1}
        assert (result.files[0].sector, result.files[0].records) == ("mbo", 3000)
    _same(columnar, precise)
