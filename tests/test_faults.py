"""Faults around a run (issue 7): an output folder rodcli may not write to, a full disk,
Ctrl-C during a build, and two builds racing for the same output.

For each: no partial bulk file is left (nor a temporary file), the input is unchanged, the
exit code is not 0 and the message says what happened. The tests run as root, where chmod
does not stop writes, so an unwritable folder is simulated (``tempfile.mkstemp`` or
``os.replace`` raising ``PermissionError``) or made real in the one way root cannot get
around: a path under a regular file.

In-process runs go through ``rodcli.cli.main`` (the real entry point, which turns an internal
error into exit 2) so a monkeypatched fault meets the same handling as in production.
"""

from __future__ import annotations

import errno
import gc
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import make_bsns
from rodcli import cli
from test_hostile_xml import RODCLI, Child, run_all, time_limit

MAPPING = """\
sector = "ho"

[records]
inschrijving = "always"

[fields]
brin = { value = "99XX" }
burgerservicenummer = "BSN"
inschrijvingvolgnummer = "Nummer"
datumInschrijving = { column = "Start", date = "YYYY-MM-DD" }
opleidingcode = "CROHO"
opleidingsvorm = { value = "VOLTIJD" }
opleidingsfase = { value = "B" }
inschrijvingsvorm = { value = "S" }
geboortedatum = { value = "2004-03-14" }
geslacht = { value = "V" }
vooropleiding = { value = "00401" }
"""
TEMPORARY = re.compile(r"^\..*\.tmp$")




def write_export(path: Path, rows: int, opleiding: str = "34607", bad: int = 0) -> Path:
    """An export of ``rows`` valid rows (the first ``bad`` with an invalid CROHO code)."""
    lines = ["BSN;Nummer;Start;CROHO"]
    for number, bsn in enumerate(make_bsns(rows), start=1):
        lines.append(f"{bsn};{number};2024-09-01;{'1234' if number <= bad else opleiding}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    write_export(tmp_path / "export.csv", 5, bad=1)
    write_export(tmp_path / "clean.csv", 3)
    (tmp_path / "out").mkdir()
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def leftovers(folder: Path) -> list[str]:
    return [path.name for path in folder.rglob("*") if TEMPORARY.match(path.name)]


def writing_into(pid: int, folder: Path) -> bool:
    """Whether process ``pid`` has a file open in ``folder``: a named temporary file, or an
    unnamed one (O_TMPFILE: its link in /proc reads "FOLDER/#INODE (deleted)")."""
    if leftovers(folder):
        return True
    try:
        links = [os.readlink(entry) for entry in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:
        return False
    return any(link.startswith(f"{folder}/") for link in links)


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
             *argv: object) -> tuple[int, str, str]:
    """``rodcli ARGV`` in-process through ``cli.main``: (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", ["rodcli", *map(str, argv)])
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("RODCLI_DEBUG", raising=False)
    monkeypatch.delenv("RODCLI_LANG", raising=False)
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    out, err = capsys.readouterr()
    code = stopped.value.code
    return (code if isinstance(code, int) else 1), out, err


def build_argv(work: Path, export: str = "export.csv", *extra: object) -> list[object]:
    return ["build", work / export, "-m", work / "mapping.toml", "--sector", "ho",
            "-o", work / "out" / "bulk.xml", "--rejects", work / "out" / "rejects.csv", *extra]


def assert_failed_cleanly(work: Path, before: dict[str, bytes], code: int, err: str,
                          out: str, *words: str) -> None:
    """Exit not 0, no internal error, a message naming the cause, nothing left behind."""
    assert code != 0
    assert "internal error" not in err, err
    assert "Traceback" not in err
    said = (out + err).lower()
    assert any(word.lower() in said for word in words), (out, err)
    assert not (work / "out" / "bulk.xml").exists()
    assert not (work / "out" / "rejects.csv").exists()
    assert leftovers(work) == []
    inputs = {name: data for name, data in snapshot(work).items() if not name.startswith("out")}
    assert inputs == {name: data for name, data in before.items() if not name.startswith("out")}



@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    """In-process runs are bounded too (subprocess runs carry their own time limit)."""
    with time_limit(120):
        yield

# ---- the output folder is not writable -------------------------------------------------------


def _refuse_mkstemp_in(folder: Path) -> Callable[..., Any]:
    real = tempfile.mkstemp

    def mkstemp(*args: Any, **kwargs: Any) -> Any:
        target = kwargs.get("dir", args[2] if len(args) > 2 else None)
        if target is not None and Path(target).resolve() == folder.resolve():
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
        return real(*args, **kwargs)

    return mkstemp


def refuse_new_files_in(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """No temporary file can be made in ``folder``: neither a named one (mkstemp) nor an
    unnamed one (``os.open(folder, O_TMPFILE)``, what rodcli uses on Linux)."""
    monkeypatch.setattr(tempfile, "mkstemp", _refuse_mkstemp_in(folder))
    real_open = os.open

    def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        unnamed = getattr(os, "O_TMPFILE", 0)
        if unnamed and flags & unnamed == unnamed and Path(path).resolve() == folder.resolve():
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_)


@pytest.mark.parametrize("how", ["mkstemp-eacces", "under-a-file", "missing-folder"])
def test_build_into_unwritable_folder_says_so(
    work: Path, how: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder rodcli may not write to (mkstemp: PermissionError), a path under a regular
    file, a missing folder: B003 with the reason, exit 2, nothing left behind."""
    output = work / "out" / "bulk.xml"
    if how == "mkstemp-eacces":
        refuse_new_files_in(monkeypatch, work / "out")
    elif how == "under-a-file":
        output = work / "mapping.toml" / "bulk.xml"
    else:
        output = work / "nowhere" / "bulk.xml"
    before = snapshot(work)
    code, out, err = run_main(monkeypatch, capsys, "build", work / "clean.csv", "-m",
                              work / "mapping.toml", "--sector", "ho", "-o", output)
    assert_failed_cleanly(work, before, code, err, out, "B003")
    assert code == 2


def test_build_with_rejects_in_missing_folder_leaves_nothing(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--rejects in a missing folder: B003, and the bulk file's temporary file (made first)
    is not left behind."""
    before = snapshot(work)
    code, out, err = run_main(monkeypatch, capsys, "build", work / "export.csv", "-m",
                              work / "mapping.toml", "--sector", "ho", "-o",
                              work / "out" / "bulk.xml", "--rejects",
                              work / "nowhere" / "rejects.csv")
    assert leftovers(work) == []
    assert_failed_cleanly(work, before, code, err, out, "B003")


@pytest.mark.parametrize("target", ["bulk", "rejects"])
def test_build_when_rename_is_refused(
    work: Path, target: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    """os.replace into the output folder refused (PermissionError), for the bulk file or
    the rejects file: B003 names the reason; neither file is left (the rejects file is put
    in place first and taken back when the bulk file cannot follow), nor a temporary one."""
    refused = work / "out" / ("bulk.xml" if target == "bulk" else "rejects.csv")

    def refusing(real: Callable[..., None]) -> Callable[..., None]:
        def step(source: Any, destination: Any, *args: Any, **kwargs: Any) -> None:
            if Path(destination) == refused:
                raise PermissionError(errno.EACCES, os.strerror(errno.EACCES),
                                      str(destination))
            real(source, destination, *args, **kwargs)
        return step

    # Without --force the file is linked into place, with it renamed: refuse both.
    monkeypatch.setattr(os, "replace", refusing(os.replace))
    monkeypatch.setattr(os, "link", refusing(os.link))
    before = snapshot(work)
    code, out, err = run_main(monkeypatch, capsys, *build_argv(work))
    assert code == 2
    assert "B003" in out and "Permission denied" in out, out
    assert_failed_cleanly(work, before, code, err, out, "B003")


@pytest.mark.parametrize("command", ["validate", "build"])
def test_report_into_unwritable_folder_says_so(
    work: Path, command: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    """``--output``/``--report`` into a folder rodcli may not write to: exit 2 and 'cannot
    write' with the reason (the report is all validate writes)."""
    refuse_new_files_in(monkeypatch, work / "reports")
    (work / "reports").mkdir()
    report = work / "reports" / "report.json"
    if command == "validate":
        bulk = work / "bulk.csv"
        bulk.write_text("recordtype;brin\ninschrijving;99XX\n", encoding="utf-8")
        argv: list[object] = ["validate", bulk, "--format", "json", "-o", report]
    else:
        argv = ["build", work / "clean.csv", "-m", work / "mapping.toml", "--sector", "ho",
                "-o", work / "out" / "bulk.xml", "--report-format", "json", "--report", report]
    code, out, err = run_main(monkeypatch, capsys, *argv)
    assert code == 2
    assert "internal error" not in err
    assert "cannot write" in err and "Permission denied" in err, err
    assert not report.exists()
    assert leftovers(work) == []


# ---- the disk is full -------------------------------------------------------------------------


def _enospc() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["bulk-xml", "bulk-csv", "rejects", "fsync"])
def test_build_on_a_full_disk(
    work: Path, where: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    """ENOSPC mid-way through writing the bulk file (XML or CSV), the rejects file, or at
    the final fsync: B003 with 'No space left on device', nothing left behind."""
    import rodcli.builder as build_module

    if where in ("bulk-xml", "bulk-csv"):
        name = "write_xml" if where == "bulk-xml" else "write_csv"
        real_writer = getattr(build_module, name)

        def writer(records: Any, *args: Any) -> int:
            out = args[-1]
            first = iter(records)

            def some() -> Any:  # let the writer produce its first record, then fail
                yield next(first)
                raise _enospc()

            try:
                return int(real_writer(some(), *args))
            finally:
                assert out.tell() > 0  # it was mid-way indeed
        monkeypatch.setattr(build_module, name, writer)
    elif where == "rejects":
        def write(self: Any, *args: Any) -> None:
            raise _enospc()
        monkeypatch.setattr(build_module._RejectsWriter, "write", write)
    else:
        def fsync(fd: int) -> None:
            raise _enospc()
        monkeypatch.setattr(os, "fsync", fsync)
    before = snapshot(work)
    extra = ["--format", "csv"] if where == "bulk-csv" else []
    code, out, err = run_main(monkeypatch, capsys, *build_argv(work, "export.csv", *extra))
    gc.collect()  # a leaked handle would warn now (an error under pytest's filterwarnings)
    assert_failed_cleanly(work, before, code, err, out, os.strerror(errno.ENOSPC))
    assert code == 2
    assert "B003" in out


def test_failed_build_closes_its_files(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A build that fails while writing (ENOSPC at fsync) closes the rejects file it had
    open: no ResourceWarning (on Windows, an open file could not be removed)."""
    def fsync(fd: int) -> None:
        raise _enospc()

    monkeypatch.setattr(os, "fsync", fsync)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always", ResourceWarning)
        code, _, _ = run_main(monkeypatch, capsys, *build_argv(work))
        gc.collect()
    assert code == 2
    assert [str(w.message) for w in seen if issubclass(w.category, ResourceWarning)] == []


def test_report_on_a_full_disk(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate -o on a full disk: exit 2, 'cannot write ... No space left on device', the
    old report left as it was."""
    report = work / "out" / "report.json"
    report.write_text("old report", encoding="utf-8")

    def fsync(fd: int) -> None:
        raise _enospc()

    monkeypatch.setattr(os, "fsync", fsync)
    code, out, err = run_main(monkeypatch, capsys, "validate", work / "clean.csv", "--format",
                              "json", "-o", report)
    assert code == 2
    assert "cannot write" in err and os.strerror(errno.ENOSPC) in err
    assert report.read_text(encoding="utf-8") == "old report"
    assert leftovers(work) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["validate", "build"])
def test_report_to_stdout_on_a_full_disk(work: Path, command: str) -> None:
    """stdout is /dev/full: exit 2 and 'No space left on device' on stderr, not an
    'internal error ... no data was changed' (for build, after the bulk file was written)."""
    if command == "validate":
        argv: list[object] = ["validate", work / "clean.csv", "--format", "json"]
    else:
        argv = ["build", work / "clean.csv", "-m", work / "mapping.toml", "--sector", "ho",
                "-o", work / "out" / "bulk.xml"]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RODCLI_")}
    with open("/dev/full", "wb") as full:
        done = subprocess.run([str(RODCLI), *map(str, argv)], stdout=full,
                              stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=30,
                              env=environment, check=False)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2
    assert "internal error" not in stderr, stderr
    assert os.strerror(errno.ENOSPC) in stderr


# ---- Ctrl-C -------------------------------------------------------------------------------------


def test_ctrl_c_during_build_leaves_nothing(work: Path) -> None:
    """SIGINT once the build has started writing (its temporary file exists): exit 130, no
    bulk file, no rejects file, no temporary file, input as it was. The export grows until
    the second pass is slow enough to be caught in the act. (The message on stderr: see
    test_ctrl_c_says_interrupted.)"""
    output = work / "out" / "bulk.xml"
    for rows in (3_000, 12_000, 48_000):
        export = write_export(work / "big.csv", rows)
        before = snapshot(work)
        child = Child(["build", export, "-m", work / "mapping.toml", "--sector", "ho", "-o",
                       output, "--rejects", work / "out" / "rejects.csv", "-q"], None, None)
        deadline = time.monotonic() + 60
        while not writing_into(child.proc.pid, work / "out") and time.monotonic() < deadline:
            if child.poll(60, None):
                break
            time.sleep(0.002)
        if child.run is None:
            child.proc.send_signal(signal.SIGINT)
            while not child.poll(30, None):
                time.sleep(0.01)
        run = child.run
        assert run is not None
        if run.code == 0:  # finished before it could be interrupted: try a bigger export
            output.unlink()
            (work / "out" / "rejects.csv").unlink(missing_ok=True)
            continue
        assert run.killed is None
        assert run.code == 130, (run.code, run.stderr)  # 128 + SIGINT, as shells expect
        assert "Traceback" not in run.stderr
        assert not output.exists()
        assert not (work / "out" / "rejects.csv").exists()
        assert leftovers(work) == []
        assert snapshot(work) == before
        return
    pytest.fail("every build finished before SIGINT could reach its second pass")


@pytest.mark.parametrize("command", ["validate", "build"])
def test_ctrl_c_says_interrupted(
    work: Path, command: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    if command == "validate":
        monkeypatch.setattr("rodcli.pipeline.validate_files", interrupted)
        argv: list[object] = ["validate", work / "clean.csv"]
    else:
        monkeypatch.setattr("rodcli.builder.build", interrupted)
        argv = build_argv(work)
    code, _, err = run_main(monkeypatch, capsys, *argv)
    assert code == 130
    assert "interrupted" in err.lower(), err


# ---- two builds, one output -------------------------------------------------------------------

_VOLATILE = re.compile(rb"<(identificatiecodeBedrijfsdocument|datumTijdBedrijfsdocument)>"
                       rb"[^<]*</\1>")


def test_two_builds_racing_for_one_output_end_with_one_whole_file(tmp_path: Path) -> None:
    """Two builds of different exports to the same -o --force, at the same time: the
    output is one of the two complete files (modulo the header's UUID and time), and it
    validates; never a mix, never a temporary file left."""
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    first = write_export(tmp_path / "first.csv", 600)
    second = write_export(tmp_path / "second.csv", 600, opleiding="34479")
    alone = [tmp_path / f"{export.stem}.xml" for export in (first, second)]
    references = run_all([["build", export, "-m", tmp_path / "mapping.toml", "--sector", "ho",
                           "-o", target, "-q"] for export, target in zip((first, second), alone,
                                                                          strict=True)])
    assert [run.code for run in references] == [0, 0]
    expected = [_VOLATILE.sub(b"", target.read_bytes()) for target in alone]
    assert expected[0] != expected[1]
    output = tmp_path / "race" / "bulk.xml"
    output.parent.mkdir()
    runs = run_all([["build", export, "-m", tmp_path / "mapping.toml", "--sector", "ho", "-o",
                     output, "--force", "-q"] for export in (first, second)], timeout=60)
    assert [run.code for run in runs] == [0, 0], [run.stderr for run in runs]
    assert _VOLATILE.sub(b"", output.read_bytes()) in expected
    assert leftovers(tmp_path) == []
    checked = CliRunner().invoke(cli.app, ["validate", str(output)], catch_exceptions=False)
    assert checked.exit_code == 0, checked.stdout
