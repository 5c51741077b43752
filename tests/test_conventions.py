"""What users expect of a Python CLI: --debug and shell completion in --help, completion that
works, a LICENSE that matches the package metadata, classifiers and project URLs, and a CI
script that also tests the lowest dependency versions pyproject allows."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# The installed script, as users run it: completion is keyed to the program's name.
RODCLI = [str(Path(sys.executable).with_name("rodcli"))]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RODCLI, *args], capture_output=True, text=True, check=False,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


def test_help_shows_debug_and_completion() -> None:
    run = _run("--help")
    assert run.returncode == 0
    for option in ("--debug", "--install-completion", "--show-completion"):
        assert option in run.stdout, option


def test_debug_after_the_command_still_works(tmp_path: Path) -> None:
    """--debug is in the root's --help, and is still taken wherever it stands."""
    run = _run("validate", str(tmp_path / "missing.csv"), "--debug")
    assert run.returncode == 2
    assert "No such option" not in run.stderr


def _complete(words: str, current: int) -> list[str]:
    run = subprocess.run(
        [*RODCLI], capture_output=True, text=True, check=False,
        env={**os.environ, "_RODCLI_COMPLETE": "complete_bash", "COMP_WORDS": words,
             "COMP_CWORD": str(current)})
    assert run.returncode == 0, run.stderr
    return run.stdout.split()


def test_completion_completes_commands_options_and_choices() -> None:
    assert _complete("rodcli val", 1) == ["validate"]
    assert "--format" in _complete("rodcli validate --for", 2)
    assert _complete("rodcli validate --format ", 3) == [
        "text", "json", "junit", "sarif", "github", "html"]


def test_show_completion_prints_a_script() -> None:
    # The shell is found by walking up from the process (shellingham): run it from bash, and
    # not as bash's last command, which bash would exec in its own place.
    run = subprocess.run(["bash", "-c", f'"{RODCLI[0]}" --show-completion; exit $?'],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert "_RODCLI_COMPLETE=complete_bash" in run.stdout


def test_license_file_matches_the_metadata() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text
    assert PYPROJECT["license"] == "MIT" and PYPROJECT["license-files"] == ["LICENSE"]
    metadata = importlib.metadata.metadata("rodcli")
    assert metadata["License-Expression"] == "MIT"


def test_classifiers_and_project_urls() -> None:
    classifiers = PYPROJECT["classifiers"]
    assert not [c for c in classifiers if c.startswith("License ::")]  # the expression says it
    lowest = re.fullmatch(r">=3\.(\d+)", PYPROJECT["requires-python"])
    assert lowest and f"Programming Language :: Python :: 3.{lowest.group(1)}" in classifiers
    assert "Typing :: Typed" in classifiers and (ROOT / "src" / "rodcli" / "py.typed").exists()
    assert {"Homepage", "Documentation", "Source", "Issues"} <= set(PYPROJECT["urls"])
    assert importlib.metadata.metadata("rodcli").get_all("Project-URL")


def test_ci_tests_the_lowest_versions_and_ends_with_the_readme_command() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    test_command = re.search(r"Run the tests:\n\n```sh\n(.+)\n```", readme)
    assert test_command is not None
    lines = [line for line in script.splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0] == "set -euo pipefail"
    assert lines[-1] == test_command.group(1)
    assert "--resolution lowest-direct" in script
    assert "chromium chromium-driver" in script and "RODCLI_REQUIRE_BROWSER=1" in script


def test_readme_html_example_is_the_issue_command_and_its_output_git_ignored() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = re.search(r"^\.venv/bin/rodcli validate (\S+) --format html -o (\S+)$", readme,
                     re.MULTILINE)
    assert line is not None and (ROOT / line.group(1)).exists()
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert f"/{line.group(2)}" in ignored
