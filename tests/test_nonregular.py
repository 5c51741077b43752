"""Inputs that are not regular files (issue 16): process substitution, /dev/stdin, a FIFO
with a writer. Each is read once (copied into an unnamed temporary file) and gives what the
same content gives as a file. An unreadable CSV header is no verdict (exit 2)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from test_faults import MAPPING, write_export
from test_hostile_xml import RODCLI, Tripwire, run_rodcli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def _shell(command: str, stdin: Path | None = None) -> subprocess.CompletedProcess[str]:
    with open(stdin or os.devnull, "rb") as given:
        return subprocess.run(["bash", "-c", command], stdin=given, capture_output=True,
                              text=True, timeout=60,
                              env={**os.environ, "COLUMNS": "200", "RODCLI_LANG": "en"})


@pytest.mark.parametrize("example", ["ho_bulk.csv", "ho_bulk.xml", "mbo_bulk.xml"])
def test_process_substitution_and_stdin_read_as_the_file(example: str) -> None:
    """Before: '<(cat bulk.csv)' was "file is empty"; XML through /dev/stdin got I004."""
    path = EXAMPLES / "valid" / example
    alone = _shell(f"{RODCLI} validate --format json {path}")
    substituted = _shell(f"{RODCLI} validate --format json <(cat {path})")
    piped = _shell(f"{RODCLI} validate --format json /dev/stdin", stdin=path)
    for run in (substituted, piped):
        assert run.returncode == alone.returncode == 0, run.stdout + run.stderr
        assert '"records": ' in run.stdout
        records = [line for line in run.stdout.splitlines() if '"records"' in line]
        assert records == [line for line in alone.stdout.splitlines() if '"records"' in line]


def test_a_fifo_with_a_writer_is_read_once(tmp_path: Path) -> None:
    """Before: validate hung on a FIFO (it opened the file more than once)."""
    data = (EXAMPLES / "valid" / "ho_bulk.xml").read_text(encoding="utf-8")
    wire = Tripwire(tmp_path / "bulk.xml", data)
    try:
        run = run_rodcli("validate", "--format", "json", wire.path, timeout=20)
    finally:
        wire.close()
    assert run.killed is None
    assert run.code == 0, run.stdout
    assert run.json()["files"][0]["records"] == 10
    assert wire.opened == 1


def test_build_reads_a_fifo_export_once_for_both_passes(tmp_path: Path) -> None:
    """build reads an export twice (the second time for its rejected rows): from the copy."""
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    export = write_export(tmp_path / "plain.csv", 6, bad=2)
    wire = Tripwire(tmp_path / "export.csv", export.read_text(encoding="utf-8"))
    rejects = tmp_path / "rejects.csv"
    try:
        run = run_rodcli("build", wire.path, "-m", tmp_path / "mapping.toml", "--sector", "ho",
                         "-o", tmp_path / "bulk.xml", "--rejects", rejects, "-q", timeout=30)
    finally:
        wire.close()
    assert run.killed is None
    assert run.code == 1, run.stdout
    assert wire.opened == 1
    assert len(rejects.read_text(encoding="utf-8-sig").splitlines()) == 3  # header + 2 rows
    assert (tmp_path / "bulk.xml").read_text(encoding="utf-8").count("<inschrijving>") == 4


def test_an_unreadable_csv_header_is_no_verdict(tmp_path: Path) -> None:
    """Before: exit 1, as if the rows had been judged."""
    path = tmp_path / "bulk.csv"
    path.write_text('recordtype;"brin\n' + "x" * 10 + "\n", encoding="utf-8")
    run = run_rodcli("validate", "--format", "json", path)
    assert run.code == 2, run.stdout
    assert "I001" in run.codes()


def test_without_unnamed_files_a_private_named_copy_does(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Where O_TMPFILE is missing, the copy is a private named temporary file (0600)."""
    from rodcli.pipeline import ValidateOptions, validate_files
    from rodcli.readers import regular

    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    monkeypatch.setattr(regular, "_SPOOLED", {})
    data = (EXAMPLES / "valid" / "ho_bulk.csv").read_text(encoding="utf-8")
    wire = Tripwire(tmp_path / "bulk.csv", data)
    try:
        result = validate_files([wire.path], ValidateOptions())
        copy = regular.regular_file(wire.path)
    finally:
        wire.close()
    assert wire.opened == 1
    assert result.files[0].records == 13 and not result.findings
    assert copy != wire.path and copy.stat().st_mode & 0o777 == 0o600
