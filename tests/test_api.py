"""docs/api.md: every example runs, from the root of a clone; the package root exports what
``__all__`` says and imports nothing heavy until asked."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import rodcli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "api.md").read_text(), re.S)


def test_the_page_has_examples() -> None:
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("code", EXAMPLES, ids=[f"example{n}" for n in range(len(EXAMPLES))])
def test_example_runs(code: str, monkeypatch: pytest.MonkeyPatch,
                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    exec(compile(code, "docs/api.md", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.strip()
    assert not re.search(r"(?<![0-9*])[0-9]{9}(?![0-9])", printed)  # masked personal numbers


def test_everything_in_all_is_there() -> None:
    for name in rodcli.__all__:
        assert getattr(rodcli, name) is not None
    with pytest.raises(AttributeError):
        rodcli.no_such_name  # noqa: B018


def test_importing_the_package_loads_no_engine() -> None:
    code = ("import sys, rodcli; heavy = [m for m in ('polars', 'pydantic', 'lxml', "
            "'rodcli.builder') if m in sys.modules]; print(heavy)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "[]"


def test_a_finding_speaks_both_languages() -> None:
    result = rodcli.validate(ROOT / "examples" / "invalid" / "ho_personal_numbers.csv")
    finding = result.findings[0]
    assert finding.message("nl") != finding.message("en")
    assert finding.hint("en")
    assert result.counts == dict(result.code_counts)
