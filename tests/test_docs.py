"""What the README and examples/README.md promise, checked against what the code does.

* examples/README.md's tables say, per example file, the exit code and the count per code:
  they must be those of the file's ``.expected.json`` (which test_examples.py checks against
  ``rodcli validate``), so the page cannot go stale.
* The README's set-up command builds a bulk file in the clone: that file is git-ignored, so
  following the README leaves the repository clean.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ROW = re.compile(r"^\| `(?P<file>(valid|invalid)/[^`]+)` \| (?P<what>.*) "
                 r"\| (?P<expected>[^|]*) \|$", re.MULTILINE)
CODE = re.compile(r"^(?P<code>[A-Z][0-9]{3})(×(?P<count>[0-9]+))?$")


def table_rows() -> dict[str, str]:
    text = (EXAMPLES / "README.md").read_text("utf-8")
    return {match["file"]: match["expected"].strip() for match in ROW.finditer(text)}


def expected_json(name: str) -> dict[str, Any]:
    path = EXAMPLES / f"{name}.expected.json"
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def parse_expected(cell: str) -> tuple[int, dict[str, int], bool]:
    """'1: I002, F002×2' -> (1, {'I002': 1, 'F002': 2}, False); a '— **xfail** ...' tail
    marks a known bug."""
    xfail = "xfail" in cell
    head = cell.split(" — ")[0]
    exit_text, _, codes_text = head.partition(": ")
    codes: dict[str, int] = {}
    for part in codes_text.split(", "):
        match = CODE.match(part.strip())
        assert match, f"cannot read {part!r} in {cell!r}"
        codes[match["code"]] = int(match["count"] or 1)
    return int(exit_text), codes, xfail


def test_every_invalid_example_has_a_row() -> None:
    rows = table_rows()
    files = {f"invalid/{path.name.removesuffix('.expected.json')}"
             for path in (EXAMPLES / "invalid").glob("*.expected.json")}
    assert files == {name for name in rows if name.startswith("invalid/")}
    valid = {f"valid/{path.name}" for path in (EXAMPLES / "valid").iterdir()}
    assert valid == {name for name in rows if name.startswith("valid/")}


@pytest.mark.parametrize("name", sorted(name for name in table_rows()
                                        if name.startswith("invalid/")))
def test_invalid_row_matches_its_expected_json(name: str) -> None:
    exit_code, codes, xfail = parse_expected(table_rows()[name])
    expected = expected_json(name)
    assert exit_code == expected["exit"], name
    assert codes == expected["codes"], name
    assert xfail == ("xfail" in expected), f"{name}: the README and the JSON disagree on xfail"


def test_valid_rows_promise_no_findings() -> None:
    for name, cell in table_rows().items():
        if name.startswith("valid/"):
            assert cell == "exit 0, no findings", name


# ---- the README's set-up command --------------------------------------------------------------


def setup_command() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("## Set-up", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return shlex.split(block)


def test_readme_setup_builds_and_validates_the_example() -> None:
    words = setup_command()
    assert "build" in words and "validate" in words
    output = words[words.index("-o") + 1]
    assert words[-1] == output  # what it validates is what it built


def test_readme_setup_output_is_git_ignored() -> None:
    """Issue 14: the first command left ho_bulk.xml untracked in the clone."""
    words = setup_command()
    output = words[words.index("-o") + 1]
    ignored = [line.strip() for line in (ROOT / ".gitignore").read_text("utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    assert "/" not in output.strip("/")  # written in the repository root...
    assert f"/{output}" in ignored or output in ignored  # ...and ignored there
