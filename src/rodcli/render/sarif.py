"""SARIF 2.1.0 report (``--format sarif``) for GitHub code scanning and other SARIF viewers.

One run; ``tool.driver.rules`` is the whole catalogue, so an alert that goes away is recognised
as fixed rather than as a rule that vanished. Regions appear only with a known line: SARIF wants
``startLine >= 1``, and a finding about the whole file (unreadable, empty) has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from rodcli import __version__
from rodcli.codes import CATALOGUE, CodeInfo, Lang, hint, message
from rodcli.findings import Finding, Result, Severity
from rodcli.render.jsonstream import PLACE, stream_document
from rodcli.render.text import word

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)

LEVELS: dict[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}

_PLACEHOLDER = re.compile(r"\{[A-Za-z_]+\}")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:/")
_TRUNCATED: dict[Lang, str] = {
    "nl": "Lijst afgekapt: {shown} van {total} bevindingen opgenomen (--max-findings).",
    "en": "List cut: {shown} of {total} findings included (--max-findings).",
}


def rule_name(info: CodeInfo) -> str:
    """A stable identifier-like name from the English title: 'XML not well-formed' ->
    'XMLNotWellFormed'."""
    words = re.split(r"[^A-Za-z0-9]+", info.title.en)
    return "".join(part[:1].upper() + part[1:] for part in words if part)


def _general(template: str, fallback: str) -> str:
    """A catalogue template without its parameters ('…' in their place), for rule texts."""
    text = _PLACEHOLDER.sub("…", template)
    return text if re.search(r"[A-Za-z]{3}", text) else fallback


def rule_dict(info: CodeInfo, lang: Lang) -> dict[str, Any]:
    title = info.title.get(lang)
    return {
        "id": info.code,
        "name": rule_name(info),
        "shortDescription": {"text": title},
        "fullDescription": {"text": _general(info.message.get(lang), title)},
        "help": {"text": _general(info.hint.get(lang), title)},
        "defaultConfiguration": {"level": LEVELS[info.severity]},
        "properties": {"tags": ["rodcli", info.family]},
    }


def artifact_uri(path: str) -> str:
    """The path as given, with forward slashes, as a URI reference: relative paths stay
    relative (GitHub resolves them against the repository root), absolute ones become
    ``file:`` URIs."""
    slashed = path.replace("\\", "/")
    if _WINDOWS_DRIVE.match(slashed):
        return "file:///" + quote(slashed, safe="/:")
    if slashed.startswith("/"):
        return "file://" + quote(slashed, safe="/")
    while slashed.startswith("./"):
        slashed = slashed[2:]
    return quote(slashed, safe="/")


def result_dict(finding: Finding, rule_index: int, lang: Lang) -> dict[str, Any]:
    where = finding.location
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(where.file)}}
    if where.line is not None and where.line >= 1:
        region: dict[str, int] = {"startLine": where.line}
        if where.column is not None and where.column >= 1:
            region["startColumn"] = where.column
        physical["region"] = region
    text = f"{message(finding, lang)}\n{word('hint', lang)}: {hint(finding, lang)}"
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
    }
    context = {key: value for key, value in (("field", where.field), ("record", where.record))
               if value}
    if context:
        result["properties"] = context
    return result


def sarif_dict(result: Result, lang: Lang) -> dict[str, Any]:
    rules = list(CATALOGUE.values())
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "rodcli",
                "version": __version__,
                "semanticVersion": __version__,
                "language": lang,
                "rules": [rule_dict(info, lang) for info in rules],
            }
        },
        "language": lang,
        # Columns count characters (Python string positions), not UTF-16 units.
        "columnKind": "unicodeCodePoints",
        "results": PLACE,  # stream_sarif puts the results here one by one
    }
    if result.truncated:
        notice = _TRUNCATED[lang].format(shown=result.kept, total=result.total)
        run["invocations"] = [{
            "executionSuccessful": True,
            "toolExecutionNotifications": [{"level": "warning", "message": {"text": notice}}],
        }]
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(result: Result, lang: Lang) -> str:
    return "".join(stream_sarif(result, lang))


def stream_sarif(result: Result, lang: Lang) -> Iterator[str]:
    """The SARIF log a result at a time (the same text as ``render_sarif``)."""
    index = {code: position for position, code in enumerate(CATALOGUE)}
    results = (result_dict(finding, index[finding.code], lang)
               for finding in result.iter_sorted_findings())
    return stream_document(sarif_dict(result, lang), results, depth=4)
