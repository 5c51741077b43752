"""JUnit XML report (``--format junit``) for GitLab, Jenkins and other CI test views.

``<testsuites>`` holds one ``<testsuite>`` per input file and in it one ``<testcase>`` per rule
family of the catalogue (input, xsd, field, ...; mapping and build only in build reports), also
when the family found nothing, so passing checks show up as passed tests. A testcase with
error-level findings gets a ``<failure>`` (type = its first code, message = its first message,
text = every error as ``file:line:col CODE message``), or an ``<error>`` when the file could not
be judged at all (an unreadable file, an unusable --schema: exit 2). Warnings and notes do not
fail a testcase; they are listed in its ``<system-out>``. When a file was not read or not
recognised, the families that could not run are ``<skipped>``. A report cut by
``--max-findings`` gets one more suite, ``rodcli``, whose testcase fails if errors were left
out, so nothing passes unseen.
"""

from __future__ import annotations

import codecs
import io
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from lxml import etree

from rodcli.codes import CATALOGUE, Lang, message
from rodcli.findings import FileReport, Finding, Result, Severity
from rodcli.render.text import location_text

# Every rule family, in catalogue order: the testcases of each file.
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(info.family for info in CATALOGUE.values()))
# Families only ``build`` can report (reading an export through a mapping, writing the file):
# in a validate report they would be testcases that never ran.
BUILD_FAMILIES: frozenset[str] = frozenset({"mapping", "build", "export"})
# Families about other inputs than bulk files and exports (DUO's registratieoverzicht): a
# testcase only for a file that has such findings.
ELSEWHERE_FAMILIES: frozenset[str] = frozenset({"ro"})

_WORDS: dict[str, dict[Lang, str]] = {
    "not_read": {
        "nl": "niet gecontroleerd: het bestand is niet gelezen of niet herkend",
        "en": "not checked: the file was not read or not recognised",
    },
    "truncated": {
        "nl": "{dropped} bevinding(en) niet opgenomen (--max-findings: {shown} van {total}); "
              "testcases hierboven kunnen daardoor ten onrechte slagen. "
              "Draai met --max-findings 0 voor alles.",
        "en": "{dropped} finding(s) left out (--max-findings: {shown} of {total}); testcases "
              "above may pass wrongly because of it. Run with --max-findings 0 for all.",
    },
}

# Characters XML 1.0 cannot carry; a finding's text may quote them from a broken input file.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group(0)):02x}", text)


def finding_line(finding: Finding, lang: Lang) -> str:
    return f"{location_text(finding)} {finding.code} {message(finding, lang)}"


def _lines(findings: Iterable[Finding], lang: Lang) -> str:
    return "".join(f"{finding_line(finding, lang)}\n" for finding in findings)


def _testcase(
    file: str, family: str, findings: list[Finding], lang: Lang, checked: bool
) -> etree._Element:
    case = etree.Element("testcase", name=family, classname=_xml_safe(file), time="0")
    errors = [finding for finding in findings if finding.severity >= Severity.ERROR]
    others = [finding for finding in findings if finding.severity < Severity.ERROR]
    if errors:
        no_verdict = [finding for finding in errors if CATALOGUE[finding.code].no_verdict]
        first = (no_verdict or errors)[0]
        outcome = etree.SubElement(case, "error" if no_verdict else "failure",
                                   type=first.code, message=_xml_safe(message(first, lang)))
        outcome.text = _xml_safe(_lines(errors, lang))
    elif not checked and not others:
        etree.SubElement(case, "skipped", message=_WORDS["not_read"][lang])
    if others:
        etree.SubElement(case, "system-out").text = _xml_safe(_lines(others, lang))
    return case


def _suite(name: str, cases: list[etree._Element], file: str | None = None) -> etree._Element:
    suite = etree.Element("testsuite", name=_xml_safe(name))
    if file is not None:
        suite.set("file", _xml_safe(file))
    for attribute, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        suite.set(attribute, str(sum(1 for case in cases if case.find(tag) is not None)))
    suite.set("tests", str(len(cases)))
    suite.set("time", "0")
    suite.extend(cases)
    return suite


def _families(result: Result, report: FileReport | None, found: Iterable[str]
              ) -> tuple[list[str], bool]:
    """A file's testcases (its families) and whether the file was checked at all."""
    if report is None:
        # Not under review (a --with or --schema file): only what was found about it.
        return [family for family in FAMILIES if family in found], True
    expected = [family for family in FAMILIES if family not in ELSEWHERE_FAMILIES
                and (result.build is not None or family not in BUILD_FAMILIES)]
    return (expected + [family for family in found if family not in expected],
            report.readable and report.kind is not None)


def _file_suites(result: Result, lang: Lang) -> list[etree._Element]:
    reports: dict[str, FileReport] = {report.path: report for report in result.files}
    by_file: dict[str, list[Finding]] = {path: [] for path in reports}
    for finding in result.sorted_findings():
        by_file.setdefault(finding.location.file, []).append(finding)
    suites = []
    for file, findings in by_file.items():
        by_family: dict[str, list[Finding]] = {}
        for finding in findings:
            by_family.setdefault(CATALOGUE[finding.code].family, []).append(finding)
        families, checked = _families(result, reports.get(file), by_family)
        cases = [_testcase(file, family, by_family.get(family, []), lang, checked)
                 for family in families]
        suites.append(_suite(file, cases, file))
    return suites


def _truncation_suite(result: Result, lang: Lang) -> etree._Element:
    kept = Counter(finding.code for finding in result.findings)
    dropped = result.code_counts - kept
    case = etree.Element("testcase", name="complete report", classname="rodcli", time="0")
    text = _WORDS["truncated"][lang].format(dropped=dropped.total(), shown=len(result.findings),
                                            total=result.total)
    if any(CATALOGUE[code].severity >= Severity.ERROR for code in dropped):
        outcome = etree.SubElement(case, "failure", type="truncated", message=text)
        outcome.text = "".join(f"{code}: {count}\n" for code, count in sorted(dropped.items()))
    else:
        etree.SubElement(case, "system-out").text = text
    return _suite("rodcli", [case])


def junit_tree(result: Result, lang: Lang) -> etree._Element:
    root = etree.Element("testsuites", name="rodcli")
    suites = _file_suites(result, lang)
    if result.truncated:
        suites.append(_truncation_suite(result, lang))
    for attribute in ("tests", "failures", "errors"):
        root.set(attribute, str(sum(int(suite.get(attribute, "0")) for suite in suites)))
    root.set("time", "0")
    root.extend(suites)
    return root


def render_junit(result: Result, lang: Lang) -> str:
    document = etree.tostring(junit_tree(result, lang), xml_declaration=True, encoding="UTF-8",
                              pretty_print=True)
    return document.decode("utf-8")


def stream_junit(result: Result, lang: Lang) -> Iterator[str]:
    """The report as ``render_junit`` gives it; when the findings were too many to hold
    (``Result.spilled``), the same suites and testcases written as they come, unindented,
    with each testcase's lines gathered in a temporary file first."""
    if not result.spilled:
        yield render_junit(result, lang)
        return
    yield from _JUnitStream(result, lang).pieces()


@dataclass
class _Case:
    """What one file's family found, for its testcase: the lines wait in temporary files."""

    first_error: Finding | None = None
    first_no_verdict: Finding | None = None
    errors: IO[str] | None = None
    others: IO[str] | None = None


@dataclass
class _JUnitStream:
    result: Result
    lang: Lang
    cases: dict[str, dict[str, _Case]] = field(default_factory=dict)

    def pieces(self) -> Iterator[str]:
        try:
            self._gather()
            yield from self._write()
        finally:
            for cases in self.cases.values():
                for case in cases.values():
                    for spool in (case.errors, case.others):
                        if spool is not None:
                            spool.close()

    def _gather(self) -> None:
        reports = [report.path for report in self.result.files]
        self.cases = {path: {} for path in reports}
        for finding in self.result.iter_sorted_findings():
            family = CATALOGUE[finding.code].family
            case = self.cases.setdefault(finding.location.file, {}).setdefault(family, _Case())
            line = _xml_safe(f"{finding_line(finding, self.lang)}\n")
            if finding.severity >= Severity.ERROR:
                case.first_error = case.first_error or finding
                if CATALOGUE[finding.code].no_verdict and case.first_no_verdict is None:
                    case.first_no_verdict = finding
                case.errors = case.errors or tempfile.TemporaryFile("w+", encoding="utf-8")
                case.errors.write(line)
            else:
                case.others = case.others or tempfile.TemporaryFile("w+", encoding="utf-8")
                case.others.write(line)

    def _write(self) -> Iterator[str]:
        reports = {report.path: report for report in self.result.files}
        suites = []
        for file in self.cases:
            families, checked = _families(self.result, reports.get(file), self.cases[file])
            outcomes = [self._outcome(self.cases[file].get(family, _Case()), checked)
                        for family in families]
            suites.append((file, families, outcomes))
        failures = sum(outcomes.count("failure") for *_, outcomes in suites)
        errors = sum(outcomes.count("error") for *_, outcomes in suites)
        tests = sum(len(families) for _, families, _ in suites)
        out = _Drain()
        with etree.xmlfile(out.buffer, encoding="UTF-8") as xml:
            xml.write_declaration()
            with xml.element("testsuites", name="rodcli", tests=str(tests),
                             failures=str(failures), errors=str(errors), time="0"):
                for file, families, outcomes in suites:
                    with xml.element("testsuite", name=_xml_safe(file),
                                     file=_xml_safe(file),
                                     failures=str(outcomes.count("failure")),
                                     errors=str(outcomes.count("error")),
                                     skipped=str(outcomes.count("skipped")),
                                     tests=str(len(families)), time="0"):
                        for family, outcome in zip(families, outcomes, strict=True):
                            case = self.cases[file].get(family, _Case())
                            yield from self._testcase(xml, out, file, family, case, outcome)
        yield out.take() + "\n"

    @staticmethod
    def _outcome(case: _Case, checked: bool) -> str:
        if case.first_error is not None:
            return "error" if case.first_no_verdict is not None else "failure"
        if not checked and case.others is None:
            return "skipped"
        return "passed"

    def _testcase(self, xml: etree._IncrementalFileWriter, out: _Drain, file: str,
                  family: str, case: _Case, outcome: str) -> Iterator[str]:
        with xml.element("testcase", name=family, classname=_xml_safe(file), time="0"):
            if outcome in ("failure", "error"):
                first = case.first_no_verdict or case.first_error
                assert first is not None and case.errors is not None
                with xml.element(outcome, type=first.code,
                                 message=_xml_safe(message(first, self.lang))):
                    yield from _copy(xml, out, case.errors)
            elif outcome == "skipped":
                with xml.element("skipped", message=_WORDS["not_read"][self.lang]):
                    pass
            if case.others is not None:
                with xml.element("system-out"):
                    yield from _copy(xml, out, case.others)
        # What the writer made so far goes out now: the buffer never holds the report.
        xml.flush()
        yield out.take()


def _copy(xml: etree._IncrementalFileWriter, out: _Drain, spool: IO[str]) -> Iterator[str]:
    spool.seek(0)
    while chunk := spool.read(1 << 16):
        xml.write(chunk)
        xml.flush()
        yield out.take()


class _Drain:
    """The bytes the XML writer wrote so far, taken as text (a piece may end inside a UTF-8
    sequence: the decoder keeps its start for the next)."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def take(self) -> str:
        data = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        return self._decoder.decode(data)
