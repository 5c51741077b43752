"""Data loss and leftovers (issue 16): outputs that are one file or an input, an output that
appears while a build runs, SIGTERM and SIGKILL mid-build, a killed validate's workers and
scratch folder, and the mode of the files that hold full personal numbers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import children as _children
from conftest import large_bulk_csv as _large_csv
from rodcli import builder as build_module
from rodcli import scratch
from test_faults import MAPPING, leftovers, snapshot, write_export, writing_into
from test_hostile_xml import Child, run_all, run_rodcli

LINUX = Path("/proc/self/fd").is_dir() and hasattr(os, "O_TMPFILE")


@pytest.fixture
def work(tmp_path: Path) -> Path:
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    write_export(tmp_path / "export.csv", 5, bad=1)
    (tmp_path / "out").mkdir()
    return tmp_path


def build_args(work: Path, *extra: object) -> list[object]:
    return ["build", work / "export.csv", "-m", work / "mapping.toml", "--sector", "ho", *extra]


# ---- outputs that are one file, or an input ----------------------------------------------------


def _one_file_cases(work: Path) -> dict[str, list[object]]:
    out = work / "out"
    (out / "sub").mkdir()
    (out / "link.txt").symlink_to(out / "x.txt")  # dangling: x.txt does not exist yet
    (out / "y.txt").write_text("old\n", encoding="utf-8")
    os.link(out / "y.txt", out / "hard.txt")
    return {
        "-o X --report X": ["-o", out / "x.txt", "--report", out / "x.txt"],
        "-o X --rejects X": ["-o", out / "x.txt", "--rejects", out / "x.txt"],
        "--rejects Y --report Y": ["-o", out / "b.xml", "--rejects", out / "r.csv",
                                   "--report", out / "r.csv"],
        "symlink": ["-o", out / "x.txt", "--report", out / "link.txt"],
        "dotdot": ["-o", out / "x.txt", "--rejects", out / "sub" / ".." / "x.txt"],
        "hard link": ["-o", out / "b.xml", "--rejects", out / "y.txt", "--report",
                      out / "hard.txt", "--force"],
    }


@pytest.mark.parametrize("case", ["-o X --report X", "-o X --rejects X",
                                  "--rejects Y --report Y", "symlink", "dotdot", "hard link"])
def test_two_outputs_that_are_one_file_are_refused_before_any_work(work: Path,
                                                                    case: str) -> None:
    """Before: -o X --report X exited 0 with the report in X; -o X --rejects X lost the
    rejected rows. Now B010, exit 2, and nothing written or changed."""
    args = _one_file_cases(work)[case]
    before = snapshot(work)
    run = run_rodcli(*build_args(work, *args))
    assert run.code == 2, (run.stdout, run.stderr)
    assert "B010" in run.stdout, run.stdout
    assert "bulkbestand:" not in run.stderr
    assert snapshot(work) == before
    assert not (work / "out" / "x.txt").exists()


@pytest.mark.parametrize("which", ["export", "mapping", "since"])
@pytest.mark.parametrize("option", ["-o", "--rejects", "--report"])
def test_an_output_that_is_an_input_is_refused(work: Path, which: str, option: str) -> None:
    since = work / "since.xml"
    run_rodcli(*build_args(work, "-o", since, "--rejects", work / "r0.csv"))
    assert since.exists()
    (work / "r0.csv").unlink()
    (work / "out" / "alias").symlink_to({"export": work / "export.csv",
                                         "mapping": work / "mapping.toml",
                                         "since": since}[which])
    outputs = {"-o": work / "out" / "b.xml", "--rejects": work / "out" / "r.csv",
               "--report": work / "out" / "report.txt"}
    outputs[option] = work / "out" / "alias"
    args = [item for pair in outputs.items() for item in pair]
    before = snapshot(work)
    run = run_rodcli(*build_args(work, *args, "--since", since, "--force"))
    assert run.code == 2, (run.stdout, run.stderr)
    assert "B008" in run.stdout, run.stdout
    assert snapshot(work) == before


def test_a_dangling_symlink_output_is_kept_without_force(work: Path) -> None:
    link = work / "out" / "bulk.xml"
    link.symlink_to(work / "out" / "elsewhere.xml")
    run = run_rodcli(*build_args(work, "-o", link, "--rejects", work / "out" / "r.csv"))
    assert run.code == 2 and "B001" in run.stdout, (run.stdout, run.stderr)
    assert link.is_symlink() and not (work / "out" / "elsewhere.xml").exists()
    assert not (work / "out" / "r.csv").exists()


def test_a_file_that_appears_at_the_output_during_the_build_is_kept(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The --force check is made at the start; a file someone puts at -o while the build
    writes is not replaced silently: the link that publishes fails, B001, exit 2."""
    output = work / "out" / "bulk.xml"
    real = build_module.write_xml

    def write_xml(*args: Any, **kwargs: Any) -> int:
        output.write_text("someone else's\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "write_xml", write_xml)
    options = build_module.BuildOptions(mapping=work / "mapping.toml", sector="ho",
                                        output_format="xml", output=output,
                                        rejects=work / "out" / "r.csv")
    result = build_module.build(work / "export.csv", options)
    assert "B001" in [finding.code for finding in result.findings]
    assert output.read_text(encoding="utf-8") == "someone else's\n"
    assert not (work / "out" / "r.csv").exists()
    assert leftovers(work) == []


def test_two_builds_without_force_never_both_succeed(tmp_path: Path) -> None:
    """Before: both "succeeded" in 1 of 3 trials, one file silently replacing the other."""
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    exports = [write_export(tmp_path / "first.csv", 600),
               write_export(tmp_path / "second.csv", 600, opleiding="34479")]
    for trial in range(3):
        output = tmp_path / f"race{trial}" / "bulk.xml"
        output.parent.mkdir()
        runs = run_all([["build", export, "-m", tmp_path / "mapping.toml", "--sector", "ho",
                         "-o", output, "-q"] for export in exports], timeout=60)
        assert sorted(run.code for run in runs) == [0, 2], [run.stderr for run in runs]
        assert "B001" in next(run.stdout for run in runs if run.code == 2)
        assert leftovers(tmp_path) == []


# ---- SIGTERM and SIGKILL mid-build --------------------------------------------------------------


def _signal_mid_build(work: Path, signal_number: int) -> Any:
    """Send ``signal_number`` once a build is writing its outputs; the finished Run, or None
    when every build finished first."""
    output = work / "out" / "bulk.xml"
    for rows in (3_000, 12_000, 48_000):
        export = write_export(work / "big.csv", rows)
        child = Child(["build", export, "-m", work / "mapping.toml", "--sector", "ho", "-o",
                       output, "--rejects", work / "out" / "rejects.csv", "-q"], None, None)
        deadline = time.monotonic() + 60
        while not writing_into(child.proc.pid, work / "out") and time.monotonic() < deadline:
            if child.poll(60, None):
                break
            time.sleep(0.002)
        if child.run is None:
            child.proc.send_signal(signal_number)
            while not child.poll(30, None):
                time.sleep(0.01)
        assert child.run is not None
        if child.run.code == 0:
            output.unlink()
            (work / "out" / "rejects.csv").unlink(missing_ok=True)
            continue
        return child.run
    pytest.fail("every build finished before the signal could reach its second pass")


def test_sigterm_during_build_ends_as_ctrl_c(work: Path) -> None:
    """Before: SIGTERM (timeout, a cancelled CI job) left .bulk.xml.*.tmp with every BSN."""
    run = _signal_mid_build(work, signal.SIGTERM)
    assert run.code == 143, (run.code, run.stderr)
    assert "interrupted" in run.stderr and "Traceback" not in run.stderr
    assert list((work / "out").iterdir()) == []


@pytest.mark.skipif(not LINUX, reason="needs O_TMPFILE and /proc")
def test_sigkill_during_build_leaves_nothing_readable(work: Path) -> None:
    """kill -9 cannot be handled: the temporary files have no name, so they go with the
    process."""
    run = _signal_mid_build(work, signal.SIGKILL)
    assert run.code == -signal.SIGKILL
    assert list((work / "out").iterdir()) == []


# ---- a killed validate --------------------------------------------------------------------------


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc and prctl")
def test_killed_build_leaves_no_worker(work: Path) -> None:
    """Before: a run killed with SIGKILL left a worker running for minutes. Build's workers
    (a large export's first pass) now die with it."""
    export = write_export(work / "big.csv", 60_000)
    rodcli = Path(sys.executable).with_name("rodcli")
    child = subprocess.Popen([str(rodcli), "build", str(export), "-m", str(work / "mapping.toml"),
                              "--sector", "ho", "-o", str(work / "out" / "bulk.xml"), "-q",
                              "--jobs", "2"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not _children(child.pid) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    workers = _children(child.pid)
    assert workers, "the run ended before it started a worker"
    child.kill()
    child.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in workers)


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc")
def test_the_folder_of_a_killed_run_goes_next_run(tmp_path: Path) -> None:
    """A compare killed with SIGKILL leaves its scratch folder (it cannot remove it); the
    next rodcli start removes it."""
    bulk = _large_csv(tmp_path / "bulk.csv")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    rodcli = Path(sys.executable).with_name("rodcli")
    env = {**os.environ, "TMPDIR": str(temporary)}
    child = subprocess.Popen([str(rodcli), "compare", str(bulk), str(bulk), "-q"],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    # Killed once it works in its folder, its lock taken: a kill in the few system calls
    # between making the folder and locking it would leave a folder without a lock, which
    # remove_stale leaves alone by design (it cannot tell it from one being made).
    while (not list(temporary.glob("*/run.lock")) and child.poll() is None
           and time.monotonic() < deadline):
        time.sleep(0.005)
    child.kill()
    child.wait()
    stale = list(temporary.iterdir())
    assert stale, "the killed run left no folder: nothing to prove"
    subprocess.run([str(rodcli), "codes", "B001"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    assert list(temporary.iterdir()) == []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_the_folder_of_a_live_run_is_never_removed(tmp_path: Path) -> None:
    with scratch.Scratch("rodcli-") as live:
        assert scratch.remove_stale(live.folder.parent) == []
        assert live.folder.exists()
    other = tmp_path / "rodcli-other"  # no lock file: of another program, or being made
    other.mkdir()
    assert scratch.remove_stale(tmp_path) == []
    assert other.exists()


# ---- file modes ------------------------------------------------------------------------------


@pytest.mark.parametrize("force", [False, True])
def test_bulk_and_rejects_files_are_private(work: Path, force: bool) -> None:
    """Before: 0644 under the usual umask, though they hold full personal numbers."""
    out = work / "out"
    if force:
        for name in ("bulk.xml", "rejects.csv", "report.txt"):
            (out / name).write_text("old\n", encoding="utf-8")
            (out / name).chmod(0o644)
    previous = os.umask(0o022)
    try:
        run = run_rodcli(*build_args(work, "-o", out / "bulk.xml", "--rejects",
                                     out / "rejects.csv", "--report", out / "report.txt",
                                     *(["--force"] if force else [])))
    finally:
        os.umask(previous)
    assert run.code == 1, run.stderr
    assert (out / "bulk.xml").stat().st_mode & 0o777 == 0o600
    assert (out / "rejects.csv").stat().st_mode & 0o777 == 0o600
    assert (out / "report.txt").stat().st_mode & 0o777 == 0o644


def test_init_without_force_keeps_a_mapping_that_appeared_meanwhile(
        work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from rodcli import cli
    from rodcli import draft as draft_module

    target = work / "out" / "mapping.toml"
    real = draft_module.draft_from_export

    def draft(*args: Any, **kwargs: Any) -> str:
        target.write_text("# someone else's\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(draft_module, "draft_from_export", draft)
    monkeypatch.setattr(sys, "argv", ["rodcli", "init", str(work / "export.csv"), "--sector",
                                      "ho", "-o", str(target)])
    with pytest.raises(SystemExit) as ended:
        cli.main()
    assert ended.value.code == 2
    assert "exists" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "# someone else's\n"


def test_where_no_unnamed_file_can_be_made_a_named_one_does_the_same(
        work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without O_TMPFILE (another OS, a file system without it): a hidden named temporary
    file, published by link without --force (a file that appeared is kept) and with mode
    0600, and never left behind."""
    from rodcli import atomic

    monkeypatch.setattr(atomic, "_unnamed_in", lambda folder: None)
    out = work / "out"
    options = build_module.BuildOptions(mapping=work / "mapping.toml", sector="ho",
                                        output_format="xml", output=out / "bulk.xml",
                                        rejects=out / "r.csv")
    result = build_module.build(work / "export.csv", options)
    assert "B004" in [finding.code for finding in result.findings]
    assert {path.name: path.stat().st_mode & 0o777 for path in out.iterdir()} == {
        "bulk.xml": 0o600, "r.csv": 0o600}
    (out / "bulk.xml").unlink()
    (out / "r.csv").unlink()
    real = build_module.write_xml

    def write_xml(*args: Any, **kwargs: Any) -> int:
        assert leftovers(out), "a named temporary file while writing"
        (out / "bulk.xml").write_text("someone else's\n", encoding="utf-8")
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "write_xml", write_xml)
    result = build_module.build(work / "export.csv", options)
    assert "B001" in [finding.code for finding in result.findings]
    assert (out / "bulk.xml").read_text(encoding="utf-8") == "someone else's\n"
    assert sorted(path.name for path in out.iterdir()) == ["bulk.xml"]


@pytest.mark.skipif(not LINUX, reason="needs Linux /proc")
def test_sigterm_to_a_build_on_several_processes_ends_it_cleanly(work: Path) -> None:
    """What `timeout` does: SIGTERM to rodcli alone, not to its workers. The run ends as on
    Ctrl-C (exit 143), its workers are stopped, nothing is left."""
    export = write_export(work / "big.csv", 60_000)
    out = work / "out"
    rodcli = Path(sys.executable).with_name("rodcli")
    child = subprocess.Popen([str(rodcli), "build", str(export), "-m", str(work / "mapping.toml"),
                              "--sector", "ho", "-o", str(out / "bulk.xml"), "-q", "--jobs", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not _children(child.pid) and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    workers = _children(child.pid)
    assert workers, "the run ended before it started a worker"
    child.send_signal(signal.SIGTERM)
    try:
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 143, err
    assert "Traceback" not in err
    assert not any(_alive(pid) for pid in workers)
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("command", ["validate", "compare"])
def test_a_report_over_an_input_is_a_finding(work: Path, command: str) -> None:
    """validate -o and compare -o over an input (a --with file, through a symlink; the ROD
    side): B008 before any work, exit 2, the input unchanged."""
    from conftest import csv_text, inschrijving

    bulk = work / "bulk.csv"
    earlier = work / "earlier.csv"
    for path in (bulk, earlier):
        path.write_text(csv_text([inschrijving()]), encoding="utf-8")
    (work / "out" / "alias.csv").symlink_to(earlier)
    if command == "validate":
        args: list[object] = ["validate", bulk, "--with", earlier, "-o",
                              work / "out" / "alias.csv"]
    else:
        args = ["compare", bulk, earlier, "-o", work / "out" / "alias.csv"]
    before = snapshot(work)
    run = run_rodcli(*args)
    assert run.code == 2, (run.stdout, run.stderr)
    assert "B008" in run.stdout and "Traceback" not in run.stderr
    assert snapshot(work) == before
