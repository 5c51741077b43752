"""JUnit XML that GitLab and Jenkins read: valid against the Jenkins/Surefire JUnit XSD, one
suite per file, one testcase per rule family, and counts that add up.

``tests/data/junit-10.xsd`` is the JUnit schema of Jenkins' xunit plugin (MIT, Gregory
Boissinot), as shipped in pytest's source distribution (``testing/example_scripts``), where
pytest validates its own ``--junitxml`` output against it.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from rodcli.codes import CATALOGUE
from rodcli.findings import FileReport, Location, Result, make_finding
from rodcli.render.junit import BUILD_FAMILIES, ELSEWHERE_FAMILIES, FAMILIES, render_junit

XSD = Path(__file__).parent / "data" / "junit-10.xsd"
VALIDATE_FAMILIES = [family for family in FAMILIES
                     if family not in BUILD_FAMILIES | ELSEWHERE_FAMILIES]


@cache
def junit_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def parse(text: str) -> etree._Element:
    root = etree.fromstring(text.encode("utf-8"))
    schema = junit_schema()
    assert schema.validate(root), schema.error_log
    return root


def sample_result() -> Result:
    result = Result(files=[
        FileReport("bulk/a.csv", "csv", "ho", "utf-8", 3),
        FileReport("bulk/b.xml", "xml", "ho", "utf-8", 1),
        FileReport("bulk/gone.csv", readable=False),
    ])
    result.add(make_finding("F003", Location("bulk/a.csv", 3, 36, "datumInschrijving"),
                            name="datumInschrijving", value="20241301"))
    result.add(make_finding("F007", Location("bulk/a.csv", 4, 19, "burgerservicenummer"),
                            value="111222334"))
    result.add(make_finding("R006", Location("bulk/a.csv", 5)))
    result.add(make_finding("I003", Location("bulk/b.xml")))
    result.add(make_finding("I001", Location("bulk/gone.csv"), reason="No such file"))
    return result


def suites(root: etree._Element) -> dict[str, etree._Element]:
    return {suite.get("name", ""): suite for suite in root.iter("testsuite")}


def cases(suite: etree._Element) -> dict[str, etree._Element]:
    return {case.get("name", ""): case for case in suite.iter("testcase")}


def test_one_suite_per_file_and_one_testcase_per_family() -> None:
    root = parse(render_junit(sample_result(), "en"))
    assert root.tag == "testsuites"
    assert list(suites(root)) == ["bulk/a.csv", "bulk/b.xml", "bulk/gone.csv"]
    for suite in root.iter("testsuite"):
        assert list(cases(suite)) == VALIDATE_FAMILIES
        assert {case.get("classname") for case in suite.iter("testcase")} == {suite.get("name")}


def test_counts_add_up() -> None:
    root = parse(render_junit(sample_result(), "en"))
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root.iter("testsuite"):
        found = list(suite.iter("testcase"))
        assert int(suite.get("tests", "")) == len(found)
        assert int(suite.get("failures", "")) == sum(c.find("failure") is not None for c in found)
        assert int(suite.get("errors", "")) == sum(c.find("error") is not None for c in found)
        assert int(suite.get("skipped", "")) == sum(c.find("skipped") is not None for c in found)
        for key in totals:
            totals[key] += int(suite.get(key, ""))
    assert {key: int(root.get(key, "")) for key in totals} == totals
    families = len(VALIDATE_FAMILIES)
    assert totals == {"tests": 3 * families, "failures": 1, "errors": 1}


def test_failure_carries_every_error_of_the_family() -> None:
    root = parse(render_junit(sample_result(), "en"))
    field = cases(suites(root)["bulk/a.csv"])["field"]
    failure = field.find("failure")
    assert failure is not None
    assert failure.get("type") == "F003"
    assert failure.get("message") == "datumInschrijving '20241301' is not a real calendar date"
    assert failure.text == (
        "bulk/a.csv:3:36 F003 datumInschrijving '20241301' is not a real calendar date\n"
        "bulk/a.csv:4:19 F007 Burgerservicenummer *****2334 fails the eleven-test\n"
    )


def test_warnings_pass_with_system_out() -> None:
    root = parse(render_junit(sample_result(), "en"))
    keys = cases(suites(root)["bulk/a.csv"])["keys"]
    assert keys.find("failure") is None and keys.find("error") is None
    out = keys.find("system-out")
    assert out is not None and out.text is not None
    assert out.text.startswith("bulk/a.csv:5 R006 ")
    b_input = cases(suites(root)["bulk/b.xml"])["input"]
    assert b_input.find("failure") is None
    assert b_input.findtext("system-out", "").startswith("bulk/b.xml I003 ")


def test_clean_families_are_passed_tests() -> None:
    root = parse(render_junit(sample_result(), "en"))
    for case in cases(suites(root)["bulk/b.xml"]).values():
        assert case.find("failure") is None and case.find("error") is None
        assert case.find("skipped") is None


def test_unreadable_file_is_an_error_and_its_other_checks_skipped() -> None:
    root = parse(render_junit(sample_result(), "nl"))
    gone = cases(suites(root)["bulk/gone.csv"])
    error = gone["input"].find("error")
    assert error is not None and error.get("type") == "I001"
    assert all(gone[family].find("skipped") is not None
               for family in VALIDATE_FAMILIES if family != "input")


def test_clean_run_has_no_failures() -> None:
    result = Result(files=[FileReport("ok.xml", "xml", "mbo", "utf-8", 10)])
    root = parse(render_junit(result, "nl"))
    assert root.get("tests") == str(len(VALIDATE_FAMILIES))
    assert root.get("failures") == "0" and root.get("errors") == "0"


def test_file_outside_review_gets_only_what_was_found() -> None:
    result = Result()
    result.add(make_finding("I017", Location("duo.xsd"), schema="duo.xsd", reason="bad"))
    root = parse(render_junit(result, "en"))
    assert list(cases(suites(root)["duo.xsd"])) == ["input"]
    assert root.get("errors") == "1"


def test_build_families_only_in_build_reports() -> None:
    assert {"mapping", "build"} <= set(FAMILIES)
    result = Result(files=[FileReport("a.csv", "csv", "ho", "utf-8", 1)])
    assert "mapping" not in cases(suites(parse(render_junit(result, "en")))["a.csv"])


def test_truncated_report_says_so_with_a_failing_testcase() -> None:
    result = Result(max_findings=1, files=[FileReport("a.csv", "csv", "ho", "utf-8", 9)])
    result.add(make_finding("R006", Location("a.csv", 2)))
    result.add(make_finding("F007", Location("a.csv", 3, 19), value="111222334"))
    root = parse(render_junit(result, "en"))
    rodcli = suites(root)["rodcli"]
    failure = rodcli.find("testcase/failure")
    assert failure is not None and failure.text == "F007: 1\n"
    assert "1 finding(s) left out" in failure.get("message", "")
    assert root.get("failures") == "1"


def test_truncated_without_dropped_errors_passes() -> None:
    result = Result(max_findings=1, files=[FileReport("a.csv", "csv", "ho", "utf-8", 9)])
    result.add(make_finding("R006", Location("a.csv", 2)))
    result.add(make_finding("R006", Location("a.csv", 3)))
    root = parse(render_junit(result, "en"))
    assert suites(root)["rodcli"].find("testcase/failure") is None
    assert root.get("failures") == "0"


def test_control_characters_from_the_input_do_not_break_the_xml() -> None:
    result = Result(files=[FileReport("a.csv", "csv", "ho", "utf-8", 1)])
    result.add(make_finding("F005", Location("a.csv", 2, 3, "geslacht"), name="geslacht",
                            value="V\x00\x1b<&>", valuelist="Geslacht-v01", expected="M, V"))
    root = parse(render_junit(result, "en"))
    failure = cases(suites(root)["a.csv"])["field"].find("failure")
    assert failure is not None
    assert "V\\x00\\x1b<&>" in failure.get("message", "")


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_renders_valid_junit(code: str) -> None:
    result = Result(files=[FileReport("a.csv", "csv", "ho", "utf-8", 1)])
    result.add(make_finding(code, Location("a.csv", 1, 1)))
    parse(render_junit(result, "nl"))


EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*/*.[cx][sm][vl]"))


@pytest.mark.skipif(not EXAMPLES, reason="no examples/ yet")
def test_every_example_renders_valid_junit(tmp_path: Path) -> None:
    # Through the installed command, as CI runs it (and out of this process's GC).
    report = tmp_path / "rodcli-junit.xml"
    run = subprocess.run([str(Path(sys.executable).with_name("rodcli")), "validate",
                          *map(str, EXAMPLES), "--format", "junit", "--output", str(report),
                          "--max-findings", "0", "-q"], capture_output=True, text=True,
                         timeout=120, check=False)
    assert run.returncode in (1, 2), run.stderr
    assert run.stdout == ""
    root = parse(report.read_text(encoding="utf-8"))
    assert len(suites(root)) == len(EXAMPLES)
    assert int(root.get("failures", "")) > 0


def test_registratieoverzicht_family_only_where_it_has_findings() -> None:
    """DUO's RO is no bulk file: a validate or build report gets no "ro" testcase, a file
    with RO findings does (failed on an error)."""
    result = Result(files=[FileReport("a.csv", "csv", "ho", "utf-8", 1),
                           FileReport("RO_99XX_20240731_20260324.CSV", None, None, "utf-8", 9)])
    result.add(make_finding("D006", Location("RO_99XX_20240731_20260324.CSV", 4, 40,
                                             "Leertraject"),
                            field="Leertraject", value="XYZ", expected="BOL/BBL"))
    root = parse(render_junit(result, "en"))
    assert "ro" not in cases(suites(root)["a.csv"])
    ro_case = cases(suites(root)["RO_99XX_20240731_20260324.CSV"])["ro"]
    assert ro_case.find("failure") is not None
