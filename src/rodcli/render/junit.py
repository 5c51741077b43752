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

import re
from collections import Counter
from collections.abc import Iterable

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


def _file_suites(result: Result, lang: Lang) -> list[etree._Element]:
    expected = [family for family in FAMILIES if family not in ELSEWHERE_FAMILIES
                and (result.build is not None or family not in BUILD_FAMILIES)]
    reports: dict[str, FileReport] = {report.path: report for report in result.files}
    by_file: dict[str, list[Finding]] = {path: [] for path in reports}
    for finding in result.sorted_findings():
        by_file.setdefault(finding.location.file, []).append(finding)
    suites = []
    for file, findings in by_file.items():
        report = reports.get(file)
        by_family: dict[str, list[Finding]] = {}
        for finding in findings:
            by_family.setdefault(CATALOGUE[finding.code].family, []).append(finding)
        if report is None:
            # Not under review (a --with or --schema file): only what was found about it.
            families = [family for family in FAMILIES if family in by_family]
            checked = True
        else:
            families = expected + [family for family in by_family if family not in expected]
            checked = report.readable and report.kind is not None
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
