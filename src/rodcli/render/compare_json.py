"""The report of ``rodcli compare`` as JSON (``--format json``), versioned.

The shape is documented by ``compare.schema.json`` next to this module (JSON Schema draft
2020-12, shipped in the package). ``differences`` holds the C001-C005 findings with both
sides spelled out; ``findings`` everything else (records failing their own checks, files that
could not be read). Personal numbers appear masked only.
"""

from __future__ import annotations

import dataclasses
import json
from importlib.resources import files
from typing import Any, cast

from rodcli import __version__
from rodcli.bulkformat import FORMAT_NAME
from rodcli.codes import Lang, hint, message
from rodcli.comparison import Comparison
from rodcli.findings import Finding, Severity
from rodcli.render.compare_text import DIFFERENCE_CODES, shape
from rodcli.render.json import finding_dict

REPORT_VERSION = "1"
SCHEMA_RESOURCE = "compare.schema.json"

KINDS = {
    "C001": "only_ours",
    "C010": "rejected_ours",
    "C002": "only_theirs",
    "C003": "field_differs",
    "C004": "personal_number_changed",
    "C005": "duplicate_key",
    "C014": "only_ours",
    "C015": "only_theirs",
    "C016": "field_differs",
}


def compare_schema() -> dict[str, Any]:
    """The JSON Schema of the compare report, as shipped in the package."""
    text = files("rodcli.render").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))


def _line(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def verdict_word(comparison: Comparison) -> str:
    if not comparison.summary.compared:
        return "no_verdict"
    return "agree" if comparison.agree else "differ"


def difference_dict(comparison: Comparison, finding: Finding, lang: Lang) -> dict[str, Any]:
    """One C001-C005 finding with the record's place (and value) on each side."""
    params = finding.params
    where = finding.location
    theirs_path = comparison.summary.theirs.path
    here = {"file": where.file, "line": where.line}
    other: dict[str, Any] = {"file": theirs_path, "line": _line(params.get("other_line"))}
    ours: dict[str, Any] | None
    theirs: dict[str, Any] | None
    first_line = None
    kind = shape(finding.code)
    if kind in ("C001", "C010"):
        ours, theirs = here, None
    elif kind == "C002":
        ours, theirs = None, here
    elif kind == "C005":
        first_line = _line(params.get("other_line"))
        ours, theirs = (here, None) if params.get("side") == "ours" else (None, here)
    elif kind == "C004":
        ours = {**here, "value": params.get("ours"), "kind": params.get("ours_kind")}
        theirs = {**other, "value": params.get("theirs"), "kind": params.get("theirs_kind")}
    else:  # C003, C016
        ours = {**here, "value": params.get("ours", "")}
        theirs = {**other, "value": params.get("theirs", "")}
    return {
        "code": finding.code,
        "kind": KINDS[finding.code],
        "severity": finding.severity.label,
        "record": where.record,
        "record_type": params.get("record_type"),
        "field": where.field,
        "ours": ours,
        "theirs": theirs,
        "first_line": first_line,
        "message": message(finding, lang),
        "hint": hint(finding, lang),
    }


def ordered_differences(findings: list[Finding]) -> list[Finding]:
    """The C001-C005 findings, by kind (as the text report groups them), then by place."""
    return sorted((finding for finding in findings if finding.code in DIFFERENCE_CODES),
                  key=lambda finding: (DIFFERENCE_CODES.index(finding.code),
                                       finding.sort_key()))


def compare_dict(comparison: Comparison, lang: Lang) -> dict[str, Any]:
    result, summary = comparison.result, comparison.summary
    paths = {"ours": summary.ours.path, "theirs": summary.theirs.path}
    findings = result.sorted_findings()

    def side_of(finding: Finding) -> str | None:
        for side, path in paths.items():
            if finding.location.file == path:
                return side
        return None

    return {
        "report_version": REPORT_VERSION,
        "report": "compare",
        "tool": {"name": "rodcli", "version": __version__},
        "format": FORMAT_NAME,
        "language": lang,
        "verdict": verdict_word(comparison),
        "sides": {"ours": dataclasses.asdict(summary.ours),
                  "theirs": dataclasses.asdict(summary.theirs)},
        "summary": {
            "compared": summary.compared,
            "equal": summary.equal,
            "differing": summary.differing,
            "not_compared": summary.not_compared,
            "field_differences": summary.field_differences,
        },
        "counts": {
            "total": result.total,
            "by_severity": {severity.label: result.severity_counts[severity]
                            for severity in sorted(Severity, reverse=True)},
            "by_code": dict(sorted(result.code_counts.items())),
        },
        "listed_per_code": comparison.listed_per_code,
        "truncated": result.truncated,
        "differences": [difference_dict(comparison, finding, lang)
                        for finding in ordered_differences(findings)],
        "findings": [{**finding_dict(finding, lang), "side": side_of(finding)}
                     for finding in findings if finding.code not in DIFFERENCE_CODES],
    }


def render_compare_json(comparison: Comparison, lang: Lang) -> str:
    return json.dumps(compare_dict(comparison, lang), ensure_ascii=False, indent=2,
                      default=str) + "\n"
