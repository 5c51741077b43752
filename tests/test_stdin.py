"""``rodcli validate -``: the bulk file from standard input, named ``<stdin>`` in reports, with
the same findings as the same file given by name."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import csv_text, inschrijving, make_bsns, uitschrijving, write_csv, write_xml
from rodcli.cli import app

runner = CliRunner(env={"RODCLI_LANG": None, "RODCLI_DEBUG": None})


def report(args: list[object], stdin: bytes | None = None) -> tuple[int, dict[str, Any]]:
    run = runner.invoke(app, ["validate", *map(str, args), "--format", "json", "-q"],
                        input=stdin, catch_exceptions=False)
    return run.exit_code, json.loads(run.stdout)


def as_stdin(document: dict[str, Any], path: Path) -> dict[str, Any]:
    """The report of ``path`` as it reads when the same bytes come from standard input."""
    return json.loads(json.dumps(document).replace(json.dumps(str(path))[1:-1], "<stdin>"))


@pytest.mark.parametrize("kind", ["csv", "xml"])
def test_stdin_gives_what_the_file_gives_named_stdin(tmp_path: Path, kind: str) -> None:
    rows = [inschrijving(brin="9XX"), uitschrijving(inschrijvingvolgnummer="2")]
    bulk = (write_csv if kind == "csv" else write_xml)(tmp_path, rows)
    code, from_file = report([bulk])
    stdin_code, from_stdin = report(["-"], bulk.read_bytes())
    assert (stdin_code, code) == (1, 1)
    assert from_stdin == as_stdin(from_file, bulk)
    assert from_stdin["files"][0]["path"] == "<stdin>"
    assert {finding["location"]["file"] for finding in from_stdin["findings"]} == {"<stdin>"}
    assert from_stdin["files"][0]["kind"] == kind


def test_stdin_among_named_files(tmp_path: Path) -> None:
    clean = write_csv(tmp_path, [inschrijving()], name="clean.csv")
    broken = write_csv(tmp_path, [inschrijving(brin="9XX")], name="broken.csv")
    code, document = report([clean, "-"], broken.read_bytes())
    assert code == 1
    assert [file["path"] for file in document["files"]] == [str(clean), "<stdin>"]
    assert [finding["location"]["file"] for finding in document["findings"]] == ["<stdin>"]


def test_cut_list_from_stdin_keeps_complete_counts(tmp_path: Path) -> None:
    bulk = write_csv(tmp_path, [inschrijving(brin="9XX", inschrijvingvolgnummer=str(n))
                                for n in range(5)])
    code, document = report(["-", "--max-findings", "2"], bulk.read_bytes())
    assert code == 1
    assert document["counts"]["total"] == 5 and document["truncated"] is True
    assert len(document["findings"]) == 2


def test_empty_stdin_is_an_empty_file(tmp_path: Path) -> None:
    code, document = report(["-"], b"")
    assert code == 1
    assert [(f["code"], f["location"]["file"]) for f in document["findings"]] == [
        ("I007", "<stdin>")]


def test_dash_twice_is_a_usage_error() -> None:
    run = runner.invoke(app, ["validate", "-", "-"], input=b"", catch_exceptions=False)
    assert run.exit_code == 2
    assert "only once" in run.stderr


def test_large_file_from_a_pipe_on_several_processes(tmp_path: Path) -> None:
    """Through a real pipe, over 1 MiB: checked in parallel from the spooled copy, the same
    report as the file's, and the spooled copy is gone afterwards."""
    rows = [inschrijving(burgerservicenummer=bsn, brin="9XX" if n % 500 == 0 else "99XX")
            for n, bsn in enumerate(make_bsns(17_000))]
    bulk = tmp_path / "large.csv"
    bulk.write_text(csv_text(rows), encoding="utf-8")
    assert bulk.stat().st_size > 1 << 20
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "RODCLI_LANG": "en"}
    command = [sys.executable, "-m", "rodcli", "validate", "--format", "json", "-q", "-j", "2"]
    with bulk.open("rb") as handle:
        piped = subprocess.run([*command, "-"], stdin=handle, capture_output=True, env=env,
                               check=False)
    named = subprocess.run([*command, str(bulk)], capture_output=True, env=env, check=False)
    assert piped.returncode == named.returncode == 1, piped.stderr
    from_stdin = json.loads(piped.stdout)
    assert from_stdin == as_stdin(json.loads(named.stdout), bulk)
    assert sum(from_stdin["counts"]["by_code"].values()) == 34
    assert list(scratch.iterdir()) == []


def test_the_precommit_hook_still_passes_file_names() -> None:
    hooks = (Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text(
        encoding="utf-8")
    assert "pass_filenames: true" in hooks and "entry: rodcli validate\n" in hooks
