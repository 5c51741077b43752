"""Machine-readable report (``--format json``), versioned."""

from __future__ import annotations

import json
from typing import Any

from rodcli import __version__
from rodcli.bulkformat import FORMAT_NAME
from rodcli.codes import CATALOGUE, Lang, hint, message
from rodcli.findings import Finding, Result, Severity

REPORT_VERSION = "1"


def finding_dict(finding: Finding, lang: Lang) -> dict[str, Any]:
    where = finding.location
    return {
        "code": finding.code,
        "severity": finding.severity.label,
        "family": CATALOGUE[finding.code].family,
        "location": {
            "file": where.file,
            "line": where.line,
            "column": where.column,
            "field": where.field,
            "record": where.record,
        },
        "message": message(finding, lang),
        "hint": hint(finding, lang),
    }


def report_dict(result: Result, lang: Lang) -> dict[str, Any]:
    return {
        "report_version": REPORT_VERSION,
        "tool": {"name": "rodcli", "version": __version__},
        "format": FORMAT_NAME,
        "language": lang,
        "files": [
            {
                "path": report.path,
                "kind": report.kind,
                "sector": report.sector,
                "encoding": report.encoding,
                "records": report.records,
                "readable": report.readable,
            }
            for report in result.files
        ],
        "counts": {
            "total": result.total,
            "by_severity": {severity.label: result.severity_counts[severity] for severity in
                            sorted(Severity, reverse=True)},
            "by_code": dict(sorted(result.code_counts.items())),
        },
        "truncated": result.truncated,
        "findings": [finding_dict(finding, lang) for finding in result.sorted_findings()],
    }


def render_json(result: Result, lang: Lang) -> str:
    return json.dumps(report_dict(result, lang), ensure_ascii=False, indent=2, default=str) + "\n"
