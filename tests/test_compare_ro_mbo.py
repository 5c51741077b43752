"""The mbo example pair (examples/compare/mbo) end to end through ``rodcli``: the school's
mbo bulk XML on DUO's entities against DUO's Registratieoverzicht.

The XML is ROD bulk v1's mbo format on DUO's entities; tests/test_compare_ro.py checks the
same expected.json through the comparison's own view of the records.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from rodcli.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "compare" / "mbo"
runner = CliRunner(env={"COLUMNS": "250", "RODCLI_LANG": None, "RODCLI_DEBUG": None})


def rodcli(*args: object) -> Any:
    return runner.invoke(app, [str(arg) for arg in args])


def expected() -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / "expected.json").read_text("utf-8"))
    return document


@pytest.mark.parametrize("name", ["school.xml", "school_clean.xml"])
def test_school_files_validate(name: str) -> None:
    result = rodcli("validate", EXAMPLES / name, "--format", "json", "-q")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["counts"]["total"] == 0


def test_school_and_ro_give_exactly_the_known_differences() -> None:
    spec = expected()
    result = rodcli("compare", EXAMPLES / spec["school"], EXAMPLES / spec["ro"],
                    "--format", "json")
    assert result.exit_code == spec["exit"], result.stdout
    document = json.loads(result.stdout)
    found = [{"code": d["code"], "record_type": d["record_type"], "record": d["record"],
              "field": d["field"], "school_line": (d["ours"] or {}).get("line"),
              "rod_line": (d["theirs"] or {}).get("line"),
              "school": (d["ours"] or {}).get("value"), "rod": (d["theirs"] or {}).get("value")}
             for d in document["differences"]]
    assert found == spec["differences"]
    assert document["sides"]["ours"]["kind"] == "xml"
    assert document["sides"]["theirs"]["kind"] == "ro"
    others = {code: count for code, count in document["counts"]["by_code"].items()
              if not any(d["code"] == code for d in spec["differences"])}
    assert others == spec["notes"]


def test_school_and_ro_of_the_same_students_compare_clean() -> None:
    spec = expected()
    result = rodcli("compare", EXAMPLES / spec["clean"]["school"], EXAMPLES / spec["ro"],
                    "--format", "json")
    assert result.exit_code == 0, result.stdout
    document = json.loads(result.stdout)
    assert document["verdict"] == "agree"
    assert document["counts"]["by_code"] == spec["clean"]["notes"]


@pytest.mark.parametrize(("sex", "c005"), [("V", 0), ("M", 1)])
def test_a_person_repeated_per_row_is_no_duplicate_unless_the_details_differ(
        tmp_path: Path, sex: str, c005: int) -> None:
    """An export has a row per enrolment and each row states the student again: the same
    ``persoon`` twice is one person; the same student with other details is a C005."""
    spec = expected()
    text = (EXAMPLES / spec["clean"]["school"]).read_text("utf-8")
    first = text.index("  <persoon>")
    block = text[first:text.index("</persoon>", first) + len("</persoon>\n")]
    assert "<geslacht>V</geslacht>" in block
    again = block.replace("<geslacht>V</geslacht>", f"<geslacht>{sex}</geslacht>")
    school = tmp_path / "school.xml"
    school.write_text(text.replace(block, block + again, 1), encoding="utf-8")
    result = rodcli("compare", school, EXAMPLES / spec["ro"], "--format", "json")
    document = json.loads(result.stdout)
    assert document["counts"]["by_code"].get("C005", 0) == c005
    assert result.exit_code == (1 if c005 else 0), result.stdout
