"""GitHub Actions workflow commands: one annotation a finding, escaped as the runner expects."""

from __future__ import annotations

import pytest

from rodcli.findings import FileReport, Finding, Location, Result, Severity, make_finding
from rodcli.render.github import escape_data, escape_property, render_github


def test_one_command_per_finding_by_severity() -> None:
    result = Result(files=[FileReport("bulk/a.csv", "csv", "ho", "utf-8", 3)])
    result.add(make_finding("F003", Location("bulk/a.csv", 3, 36, "datumInschrijving"),
                            name="datumInschrijving", value="20241301"))
    result.add(make_finding("R006", Location("bulk/a.csv", 5)))
    result.add(make_finding("I019", Location("bulk/a.csv"), found="other"))
    lines = render_github(result, "en").splitlines()
    assert lines == [
        "::notice file=bulk/a.csv,title=I019::Root element other is not ROD bulk v1: only "
        "--schema was checked, not rodcli's rules%0Afix: No action needed; for the full check "
        "use a ROD bulk v1 file.",
        "::error file=bulk/a.csv,line=3,col=36,title=F003::datumInschrijving '20241301' is not "
        "a real calendar date%0Afix: Correct the date; check day and month (e.g. 31 November "
        "does not exist).",
        "::warning file=bulk/a.csv,line=5,title=R006::No enrolment with this key in this file "
        "(or --with)%0Afix: Check the inschrijvingvolgnummer; pass the file with the enrolment "
        "via --with if it was delivered earlier.",
    ]


def test_clean_result_prints_nothing() -> None:
    assert render_github(Result(files=[FileReport("a.csv")]), "nl") == ""


@pytest.mark.parametrize(("text", "data", "prop"), [
    ("100%", "100%25", "100%25"),
    ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
    ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
    ("%0A", "%250A", "%250A"),
])
def test_escaping(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


def test_file_property_is_escaped_and_uses_forward_slashes() -> None:
    result = Result()
    result.add(make_finding("I007", Location(".\\bulk\\a,b:c.csv")))
    line = render_github(result, "en")
    assert line.startswith("::error file=bulk/a%2Cb%3Ac.csv,title=I007::")
    assert line.count("::") == 2


def test_message_newlines_and_percent_are_escaped() -> None:
    # make_finding already shows control characters from the input as escapes; the
    # renderer's own escaping must hold for any text that reaches it.
    result = Result()
    result.add(Finding("I004", Severity.ERROR, Location("a.xml", 2, 5),
                       {"reason": "bad\n100% broken\r"}))
    line = render_github(result, "en")
    assert line.endswith("\n") and line.count("\n") == 1
    assert "bad%0A100%25 broken%0D" in line


def test_line_zero_is_left_out() -> None:
    result = Result()
    result.add(make_finding("X001", Location("a.xml", 0, 0), reason="boom"))
    assert render_github(result, "en").startswith("::error file=a.xml,title=X001::boom")


def test_truncation_is_announced() -> None:
    result = Result(max_findings=1)
    for line in (2, 3):
        result.add(make_finding("R006", Location("a.csv", line)))
    lines = render_github(result, "en").splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("::warning title=rodcli::List cut: 1 of 2 findings shown")
