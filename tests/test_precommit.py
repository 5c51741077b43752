"""The pre-commit hook: its definition is sound, and its entry, run as pre-commit runs it (the
installed console script, the matching files as arguments), passes good files and fails bad
ones, both on small files made here and on the repository's ``examples/``."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ENROLMENT, write_bulk

ROOT = Path(__file__).resolve().parents[1]
HOOKS = ROOT / ".pre-commit-hooks.yaml"
EXAMPLES = ROOT / "examples"

def hook() -> dict[str, Any]:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    found = [entry for entry in hooks if entry.get("id") == "rodcli-validate"]
    assert len(found) == 1
    return dict(found[0])


def selected(files: list[Path], definition: dict[str, Any]) -> list[Path]:
    """The files pre-commit would pass: ``files`` matches and ``exclude`` does not (both are
    searched in the path relative to the repository, as pre-commit does)."""
    include = re.compile(definition.get("files", ""))
    exclude = re.compile(definition["exclude"]) if definition.get("exclude") else None
    chosen = []
    for path in files:
        name = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
        if include.search(name) and not (exclude and exclude.search(name)):
            chosen.append(path)
    return chosen


def run_hook(files: list[Path]) -> subprocess.CompletedProcess[str]:
    definition = hook()
    command = shlex.split(definition["entry"])
    script = Path(sys.executable).with_name(command[0])
    assert script.exists(), f"console script {command[0]} is not installed next to python"
    argv = [str(script), *command[1:], *definition.get("args", []), *map(str, files)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def test_hook_definition() -> None:
    definition = hook()
    assert definition["entry"] == "rodcli validate"
    assert definition["language"] == "python"
    assert definition["pass_filenames"] is True
    assert re.match(r"^\d+\.\d+\.\d+$", str(definition["minimum_pre_commit_version"]))
    include = re.compile(definition["files"])
    for name in ("bulk.csv", "sub/dir/BULK.XML", "a.xml"):
        assert include.search(name), name
    for name in ("bulk.csv.expected.json", "notes.txt", "bulk.xlsx"):
        assert not include.search(name), name


def test_hook_passes_a_valid_file_and_fails_an_invalid_one(tmp_path: Path) -> None:
    good = write_bulk(tmp_path / "good.csv", [ENROLMENT])
    bad = write_bulk(tmp_path / "bad.csv", [{**ENROLMENT, "datumInschrijving": "20241301"}])
    assert selected([good, bad], hook()) == [good, bad]
    passed = run_hook([good])
    assert passed.returncode == 0, passed.stdout + passed.stderr
    failed = run_hook([good, bad])
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "F003" in failed.stdout


def _examples(kind: str) -> list[Path]:
    folder = EXAMPLES / kind
    if not folder.is_dir():
        pytest.skip(f"{folder.relative_to(ROOT)} does not exist (yet)")
    files = selected(sorted(path for path in folder.rglob("*") if path.is_file()), hook())
    if not files:
        pytest.skip(f"no bulk files in {folder.relative_to(ROOT)}")
    return files


def test_hook_passes_the_valid_examples() -> None:
    run = run_hook(_examples("valid"))
    assert run.returncode == 0, run.stdout + run.stderr


def test_hook_fails_the_invalid_examples() -> None:
    run = run_hook(_examples("invalid"))
    assert run.returncode != 0, run.stdout + run.stderr
