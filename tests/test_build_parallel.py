"""``build`` on several cores writes what it writes in one process: the same bulk file, the
same rejects file, the same findings, counts and summary. The export is read in slices; a
row rejected in one slice can reject a row in another (the cross-record rules run over all
slices' records), and where a slice cannot judge alone (an encoding switch late in the file,
a stray quote) the export is read whole in one process after all.

Every personal number here is synthetic (eleven-test arithmetic, belongs to nobody).
"""

from __future__ import annotations

import dataclasses
import random
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import children, make_bsn, make_bsns
from rodcli import builder as build_module
from rodcli.builder import BuildOptions, build
from rodcli.findings import Result

MAPPING = """\
sector = "ho"

[records]
inschrijving = { filled = "Startdatum" }
uitschrijving = { filled = "Einddatum" }
resultaat = { filled = "Examendatum" }

[fields]
brin = { value = "99XX" }
burgerservicenummer = "BSN"
inschrijvingvolgnummer = "Inschrijvingsnummer"
datumInschrijving = { column = "Startdatum", date = "DD-MM-YYYY" }
opleidingcode = "CROHO"
opleidingsvorm = { column = "Vorm", codes = { "VT" = "VOLTIJD", "DT" = "DEELTIJD" } }
opleidingsfase = "Fase"
inschrijvingsvorm = { value = "S" }
geboortedatum = { value = "2004-03-14" }
geslacht = { value = "V" }
vooropleiding = { value = "00401" }
datumUitschrijving = { column = "Einddatum", date = "DD-MM-YYYY" }
datumAfsluitendExamen = { column = "Examendatum", date = "DD-MM-YYYY" }

[fields.redenUitschrijving]
column = "Reden"
codes = { "gestopt" = "9", "diploma" = "1" }
"""
COLUMNS = ["Inschrijvingsnummer", "BSN", "Naam", "Startdatum", "CROHO", "Vorm", "Fase",
           "Einddatum", "Reden", "Examendatum"]


def _day(day: date) -> str:
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def _cell(text: str) -> str:
    return '"' + text.replace('"', '""') + '"' if any(c in text for c in ';"\n') else text


def _line(**cells: str) -> str:
    return ";".join(_cell(cells.get(name, "")) for name in COLUMNS)


def _export_lines(count: int, seed: int, error_rate: float) -> list[str]:
    """Rows of students (an enrolment, some a deregistration or a result), some spoilt in ways
    that reach every kind of rejection: a cell the mapping or the format refuses, a quoted
    name across lines, blank rows, a row longer than the header, the same key twice, and
    rejections that cascade: a row rejected for its own errors, or by a cross-record rule,
    takes along a later row of the same key that needs its enrolment (R006, R007)."""
    rng = random.Random(seed)
    lines: list[str] = []
    # Rows that need the enrolment of an earlier row, kept for the end of the file: then
    # the row they depend on is in another slice.
    later: list[str] = []
    for student, pgn in enumerate(make_bsns(count, start=30_000_000)):
        number = f"R{student:05d}"
        start = date(2024, 9, 1) + timedelta(days=rng.randrange(60))
        row = {"Inschrijvingsnummer": number, "BSN": pgn, "Naam": f"Student {student}",
               "Startdatum": _day(start), "CROHO": rng.choice(["34479", "34560", "80083"]),
               "Vorm": rng.choice(["VT", "DT"]), "Fase": "B"}
        kind = rng.random()
        if kind < 0.2:
            row |= {"Einddatum": _day(start + timedelta(days=300)), "Reden": "gestopt"}
        elif kind < 0.3:
            row |= {"Examendatum": _day(start + timedelta(days=290))}
        if rng.random() < error_rate:
            match rng.randrange(9):
                case 0:
                    row["BSN"] = pgn[:-1] + str((int(pgn[-1]) + 1) % 10)  # eleven-test fails
                case 1:
                    row["Startdatum"] = "31-02-2025"
                case 2:
                    row["Vorm"] = "XX"  # no code for it in the mapping
                case 3:
                    row["Naam"] = 'Jan "JJ"; de\nJong'  # quoted, with a line break
                    row["CROHO"] = "3447"
                case 4:
                    lines.append(_line(**row))  # the same key twice
                case 5:
                    lines.extend(["", ";;;;;;", ' ; ;"";'])  # blank rows
                case 6:
                    lines.append(_line(**row) + ";shifted")  # a cell beyond the header
                    continue
                case 7:
                    # Rejected for its own cell (M007), the row's result with it: a later
                    # row's deregistration "with a diploma" (R003) of the same key then has
                    # neither (R006).
                    row |= {"Vorm": "XX", "Examendatum": _day(start + timedelta(days=200)),
                            "Einddatum": ""}
                    later.append(_line(Inschrijvingsnummer=number, BSN=pgn, Reden="diploma",
                                       Einddatum=_day(start + timedelta(days=300))))
                case _:
                    # The same enrolment again, now with a result: a cross-record rule rejects
                    # it (R005) in the first round, and with it the only result, so a later
                    # deregistration "with a diploma" is rejected (R003) in the second.
                    lines.append(_line(**row))
                    row |= {"Einddatum": "", "Examendatum": _day(start + timedelta(days=250))}
                    later.append(_line(Inschrijvingsnummer=number, BSN=pgn, Reden="diploma",
                                       Einddatum=_day(start + timedelta(days=300))))
        lines.append(_line(**row))
        if rng.random() < 0.05:
            lines.append(f'{number}x;{pgn};"{student}\n\nmet witregels";{_day(start)};34479;VT;B')
    return [";".join(COLUMNS), *lines, *later]




def _write(path: Path, lines: list[str], encoding: str = "utf-8", newline: str = "\n") -> Path:
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def _mapping(folder: Path, text: str = MAPPING) -> Path:
    path = folder / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


@dataclasses.dataclass
class _Built:
    result: Result
    output: str | None
    rejects: str | None


def _build(export: Path, mapping: Path, folder: Path, jobs: int, output_format: str = "xml",
           **changes: Any) -> _Built:
    """Build into ``folder``, which is then removed: each build of a comparison writes to
    the same paths, which findings and the summary name."""
    folder.mkdir()
    output, rejects = folder / f"bulk.{output_format}", folder / "rejects.csv"
    values: dict[str, Any] = {
        "mapping": mapping, "sector": "ho", "output_format": output_format, "output": output,
        "rejects": rejects, "max_findings": 0, "jobs": jobs, "parallel_from_bytes": 0}
    values.update(changes)
    result = build(export, BuildOptions(**values))
    assert sorted(path.name for path in folder.iterdir()) == sorted(
        path.name for path in (output, rejects) if path.exists())  # no temporary file left
    built = _Built(result, _body(output) if output.exists() else None,
                   rejects.read_text("utf-8-sig") if rejects.exists() else None)
    shutil.rmtree(folder)
    return built


def _body(path: Path) -> str:
    """A bulk file without the lines that differ per run (document id, timestamp)."""
    return "\n".join(line for line in path.read_text("utf-8").splitlines()
                     if "identificatiecodeBedrijfsdocument" not in line
                     and "datumTijdBedrijfsdocument" not in line)


def _same(parallel: _Built, one: _Built) -> None:
    assert parallel.output == one.output
    assert parallel.rejects == one.rejects
    assert parallel.result.sorted_findings() == one.result.sorted_findings()
    assert parallel.result.code_counts == one.result.code_counts
    assert parallel.result.severity_counts == one.result.severity_counts
    assert parallel.result.no_verdict == one.result.no_verdict
    assert parallel.result.build == one.result.build


def _compare(tmp_path: Path, export: Path, mapping: Path, jobs: tuple[int, ...] = (2, 3),
             **changes: Any) -> _Built:
    one = _build(export, mapping, tmp_path / "out", 1, **changes)
    for count in jobs:
        _same(_build(export, mapping, tmp_path / "out", count, **changes), one)
    return one


@pytest.fixture
def parallel_runs(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each build tried on several processes: whether that gave the first pass (True)
    or the export was read in one process after all (False)."""
    outcomes: list[bool] = []
    original = build_module._first_pass_in_parallel

    def spy(*args: Any) -> Any:
        first = original(*args)
        outcomes.append(first is not None)
        return first

    monkeypatch.setattr(build_module, "_first_pass_in_parallel", spy)
    return outcomes


@pytest.mark.parametrize("output_format", ["xml", "csv"])
@pytest.mark.parametrize("error_rate", [0.0, 0.3])
def test_several_processes_build_what_one_builds(tmp_path: Path, parallel_runs: list[bool],
                                                 error_rate: float, output_format: str) -> None:
    export = _write(tmp_path / "export.csv", _export_lines(600, seed=7, error_rate=error_rate))
    one = _compare(tmp_path, export, _mapping(tmp_path), output_format=output_format)
    assert parallel_runs == [False, True, True]  # jobs=1 never tries
    summary = one.result.build
    assert summary is not None and summary.rows_read > 600
    assert summary.rows_accepted > 0 and one.output
    if error_rate:
        codes = set(one.result.code_counts)
        assert {"E002", "F007", "M007", "R003", "R005", "R006"} <= codes, codes
        assert summary.rows_blank > 0 and summary.rows_rejected > 0 and one.rejects
        assert 'Jan ""JJ""; de\nJong' in one.rejects  # a quoted cell across lines, kept
    else:
        assert summary.rows_rejected == 0


def test_a_rejection_takes_along_a_row_in_another_slice(tmp_path: Path,
                                                        parallel_runs: list[bool]) -> None:
    """The row a deregistration depends on is at the start, the deregistration at the end:
    each in its own slice. The first round rejects the row with the diploma (R005), the
    second the deregistration that needs it (R003)."""
    filler = _export_lines(300, seed=3, error_rate=0.0)
    pgn = make_bsn("55555555")
    enrolment = {"Inschrijvingsnummer": "K1", "BSN": pgn, "Startdatum": "01-09-2024",
                 "CROHO": "34479", "Vorm": "VT", "Fase": "B"}
    lines = [filler[0], _line(**enrolment), _line(**enrolment, Examendatum="01-07-2025"),
             *filler[1:],
             _line(Inschrijvingsnummer="K1", BSN=pgn, Einddatum="31-08-2025",
                   Reden="diploma")]
    export = _write(tmp_path / "export.csv", lines)
    # 12: more processes than SQLite attaches stores to one connection (10): capped there.
    one = _compare(tmp_path, export, _mapping(tmp_path), jobs=(2, 3, 4, 12))
    assert parallel_runs == [False, True, True, True, True]
    rejected = {f.location.line: f.code for f in one.result.findings
                if f.code in ("R003", "R005", "R006")}
    last = "\n".join(lines[:-1]).count("\n") + 2  # some cells hold line breaks
    assert rejected == {3: "R005", last: "R003"}
    assert one.result.build is not None and one.result.build.rows_rejected == 2


@pytest.mark.parametrize("cap", [1, 10])
def test_kept_findings_are_the_first_ones(tmp_path: Path, parallel_runs: list[bool],
                                          cap: int) -> None:
    export = _write(tmp_path / "export.csv", _export_lines(400, seed=5, error_rate=0.5))
    one = _compare(tmp_path, export, _mapping(tmp_path), max_findings=cap)
    assert one.result.truncated and len(one.result.findings) == cap
    assert parallel_runs == [False, True, True]


@pytest.mark.parametrize(("encoding", "newline", "forced"), [
    ("utf-8-sig", "\r\n", False),  # sniffed, with a BOM
    ("cp1252", "\n", True),  # as the mapping says
    ("cp1252", "\r\n", False),  # sniffed: a Windows-1252 byte in the header already
])
def test_other_encodings_and_line_ends(tmp_path: Path, parallel_runs: list[bool],
                                       encoding: str, newline: str, forced: bool) -> None:
    lines = _export_lines(300, seed=9, error_rate=0.3)
    lines[0] = lines[0].replace("Naam", "Naam (é)")
    lines = [line.replace("Student", "Stüdent") for line in lines]
    export = _write(tmp_path / "export.csv", lines, encoding, newline)
    mapping = _mapping(tmp_path, MAPPING.replace(
        '[records]', f'[source]\nencoding = "{encoding}"\n\n[records]' if forced else
        '[records]'))
    one = _compare(tmp_path, export, mapping)
    assert parallel_runs == [False, True, True]
    assert one.result.build is not None and one.result.build.encoding == encoding
    assert one.result.code_counts["E001"] == 1


def test_a_windows_1252_byte_late_in_a_utf8_export_reads_it_whole(
        tmp_path: Path, parallel_runs: list[bool]) -> None:
    lines = _export_lines(400, seed=11, error_rate=0.2)
    cut = len(lines) * 3 // 4
    head = ("\n".join(lines[:cut]) + "\n").encode("utf-8")
    tail = ("\n".join(lines[cut:]).replace("Student", "Stüdent", 1) + "\n").encode("cp1252")
    export = tmp_path / "export.csv"
    export.write_bytes(head + tail)
    one = _compare(tmp_path, export, _mapping(tmp_path))
    assert one.result.build is not None and one.result.build.encoding == "cp1252"
    assert parallel_runs == [False, False, False]


@pytest.mark.parametrize("stray", ['ab"c', '"ab'])
def test_a_stray_quote_reads_the_export_whole(tmp_path: Path, parallel_runs: list[bool],
                                              stray: str) -> None:
    # A quote inside an unquoted cell is text, but makes the quote count odd from there: a
    # cut after it may fall inside a quoted name with line breaks, which the slice before
    # it cannot read to its end. A quote opening a cell opens it to the end of the file.
    lines = _export_lines(400, seed=13, error_rate=0.0)
    at = len(lines) // 5
    lines[at] = lines[at].replace("Student", stray, 1)
    lines[at + 1:at + 1] = [_line(Inschrijvingsnummer=f"Q{n}", Naam="twee\nregels")
                            for n in range(0, 50)]
    lines.extend(_line(Inschrijvingsnummer=f"Z{n}", Naam="nog\neen") for n in range(0, 50))
    export = _write(tmp_path / "export.csv", lines)
    one = _compare(tmp_path, export, _mapping(tmp_path), jobs=(2, 4))
    assert one.result.code_counts
    assert parallel_runs[0] is False and False in parallel_runs[1:]
    if stray.startswith('"'):
        assert "I020" in one.result.code_counts and one.output is None


def test_an_old_mac_line_end_reads_the_export_whole(tmp_path: Path,
                                                    parallel_runs: list[bool]) -> None:
    lines = _export_lines(300, seed=17, error_rate=0.2)
    at = len(lines) * 2 // 3
    lines[at] = lines[at] + "\r" + lines[at + 1]  # a lone CR: a line end the cuts do not see
    del lines[at + 1]
    export = _write(tmp_path / "export.csv", lines)
    _compare(tmp_path, export, _mapping(tmp_path))
    assert parallel_runs == [False, False, False]


@pytest.mark.parametrize("head", ["sep=;", "", "Inschrijvingsnummer;BSN;\"Naam\nnog\""])
def test_an_export_whose_header_is_not_its_first_line_is_read_whole(
        tmp_path: Path, parallel_runs: list[bool], head: str) -> None:
    lines = _export_lines(200, seed=19, error_rate=0.2)
    if head.startswith("Inschrijvingsnummer"):
        lines[0] = lines[0].replace("Inschrijvingsnummer;BSN;Naam", head)
    else:
        lines.insert(0, head)
    export = _write(tmp_path / "export.csv", lines)
    _compare(tmp_path, export, _mapping(tmp_path))
    assert parallel_runs == [False, False, False]


def test_small_exports_and_since_stay_in_one_process(tmp_path: Path,
                                                     parallel_runs: list[bool]) -> None:
    export = _write(tmp_path / "export.csv", _export_lines(100, seed=23, error_rate=0.0))
    mapping = _mapping(tmp_path)
    delivered = tmp_path / "delivered.xml"
    built = build(export, BuildOptions(mapping, "ho", "xml", delivered, jobs=2,
                                       parallel_from_bytes=1 << 20))
    assert built.build is not None and built.build.output
    since = _build(export, mapping, tmp_path / "since", 2, since=(delivered,))
    assert since.result.build is not None and since.result.build.records_unchanged > 0
    assert parallel_runs == [False, False]


def test_an_xlsx_export_stays_in_one_process(tmp_path: Path,
                                             parallel_runs: list[bool]) -> None:
    exports = Path(__file__).resolve().parents[1] / "examples" / "exports"
    _compare(tmp_path, exports / "ho_export.xlsx", exports / "ho_xlsx_mapping.toml", jobs=(2,))
    assert parallel_runs == [False, False]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("signal_to", ["group", "worker"])
def test_ctrl_c_or_a_killed_worker_ends_the_build_cleanly(tmp_path: Path,
                                                          signal_to: str) -> None:
    """Ctrl-C reaches every process of the build: exit 130. A worker killed on its own (the
    OOM killer): an internal error, exit 2. Either way no traceback, no hang, no bulk file
    and no temporary file left."""
    import os
    import signal
    import subprocess
    import sys
    import time

    export = _write(tmp_path / "export.csv", _export_lines(40_000, seed=5, error_rate=0.0))
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    out = tmp_path / "out" / "bulk.xml"
    out.parent.mkdir()
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    rodcli = Path(sys.executable).with_name("rodcli")
    child = subprocess.Popen([str(rodcli), "build", str(export), "-m", str(mapping),
                              "--sector", "ho", "-o", str(out), "-q", "--jobs", "2"],
                             env={**os.environ, "TMPDIR": str(temporary)},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
    deadline = time.monotonic() + 60
    while not children(child.pid) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    workers = children(child.pid)
    assert workers, "the build ended before it started a worker"
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
    assert list(out.parent.iterdir()) == []
    assert list(temporary.iterdir()) == []
