"""Reports of more findings than a run holds (``--max-findings 0`` on a file where every row
is wrong): the findings wait on disk in sorted runs and every report streams them back, with
the same text as a report of the same findings held in memory."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from conftest import csv_text, inschrijving
from rodcli.cli import RENDERERS, STREAMERS, OutputFormat
from rodcli.findings import FileReport, Finding, Location, Result, make_finding

CODES = ("F003", "F005", "R002", "R005", "F010")


def findings(count: int, seed: int = 7) -> list[Finding]:
    """Findings in a shuffled order, several at one place (same file, line, column, code),
    so the order they were found in decides between them."""
    draw = random.Random(seed)
    made = []
    for number in range(count):
        code = draw.choice(CODES)
        line = draw.randrange(2, count // 3 + 3)
        made.append(make_finding(code, Location(draw.choice(["a.csv", "b.csv"]), line,
                                                draw.choice([None, 5]), "datumInschrijving",
                                                f"99XX/*****2333/{number}"),
                                 value=str(number), date="2025-02-30", begin="2025-09-01",
                                 other_line="1", record_type="inschrijving",
                                 field="datumInschrijving", label="datum", name="datum",
                                 expected="JJJJMMDD"))
    return made


def results(count: int, spill_at: int) -> tuple[Result, Result]:
    held = Result(max_findings=0, files=[FileReport("a.csv", "csv", "ho"),
                                         FileReport("b.csv", "csv", "ho")])
    spilled = Result(max_findings=0, spill_at=spill_at,
                     files=[FileReport("a.csv", "csv", "ho"), FileReport("b.csv", "csv", "ho")])
    for finding in findings(count):
        held.add(finding)
        spilled.add(finding)
    return held, spilled


def test_spilled_findings_come_back_all_in_the_held_order() -> None:
    held, spilled = results(1_000, spill_at=64)
    assert spilled.spilled and not held.spilled
    assert list(spilled.iter_sorted_findings()) == held.sorted_findings()
    assert spilled.kept == held.kept == 1_000 and not spilled.truncated
    # Twice: a report may read them twice (junit does).
    assert list(spilled.iter_sorted_findings()) == held.sorted_findings()


@pytest.mark.parametrize("output_format", [OutputFormat.json, OutputFormat.sarif,
                                           OutputFormat.github, OutputFormat.text,
                                           OutputFormat.html])
def test_every_report_of_spilled_findings_equals_the_held_report(
        output_format: OutputFormat) -> None:
    held, spilled = results(300, spill_at=32)
    expected = RENDERERS[output_format](held, "en")
    pieces = list(STREAMERS[output_format](spilled, "en"))
    assert "".join(pieces) == expected
    if output_format is not OutputFormat.html:
        assert len(pieces) >= 300  # streamed, not made whole first


def test_junit_of_spilled_findings_has_the_held_reports_suites_and_text() -> None:
    held, spilled = results(300, spill_at=32)
    parser = etree.XMLParser(remove_blank_text=True)
    expected = etree.fromstring(RENDERERS[OutputFormat.junit](held, "en").encode(), parser)
    streamed = etree.fromstring("".join(STREAMERS[OutputFormat.junit](spilled, "en")).encode(),
                                parser)
    assert etree.tostring(streamed, method="c14n") == etree.tostring(expected, method="c14n")


def test_html_of_very_many_findings_shows_a_page_full_per_code(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from rodcli.render import html

    monkeypatch.setattr(html, "PAGE_FINDINGS_PER_CODE", 10)
    _, spilled = results(300, spill_at=32)
    page = "".join(STREAMERS[OutputFormat.html](spilled, "en"))
    assert page.count("a page shows at most 10 per code") == len(CODES)


@pytest.mark.parametrize("output_format", ["json", "junit", "text"])
def test_validate_streams_a_report_of_findings_it_could_not_hold(
        tmp_path: Path, output_format: str) -> None:
    """Through the real command line: more findings than ``SPILL_AT`` (set low for the
    test), every one in the report, counted as in the summary."""
    bulk = tmp_path / "bulk.csv"
    bulk.write_text(csv_text([inschrijving(inschrijvingvolgnummer=str(number),
                                           opleidingsvorm="XX") for number in range(400)]),
                    encoding="utf-8")
    report = tmp_path / f"report.{output_format}"
    script = ("import sys, rodcli.findings as f; f.SPILL_AT = 50; "
              "import rodcli.pipeline as p; p.SPILL_AT = 50; "
              "from rodcli.cli import main; sys.argv = sys.argv[1:]; main()")
    run = subprocess.run([sys.executable, "-c", script, "rodcli", "validate", str(bulk),
                          "--max-findings", "0", "--format", output_format, "-o", str(report),
                          "-q", "--lang", "en"], capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stderr
    text = report.read_text("utf-8")
    if output_format == "json":
        document = json.loads(text)
        assert len(document["findings"]) == document["counts"]["total"] == 400
        lines = [finding["location"]["line"] for finding in document["findings"]]
        assert lines == sorted(lines) == list(range(2, 402))
    elif output_format == "junit":
        assert "><testsuite " in text  # written as it came (spilled), not pretty-printed
        tree = etree.fromstring(text.encode())
        failure = tree.find(".//failure")
        assert failure is not None and failure.get("type") == "F005"
        assert len((failure.text or "").splitlines()) == 400
    else:
        assert text.count(" F005 ") == 400
