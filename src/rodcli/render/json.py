"""Machine-readable report (``--format json``), versioned.

The shape is documented by the JSON Schema ``report.schema.json`` next to this module (draft
2020-12, shipped in the package: :func:`report_schema`). ``report_version`` changes only when a
field is removed or changes meaning; new fields may appear within a version.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from importlib.resources import files
from typing import Any, cast

from rodcli import __version__
from rodcli.bulkformat import FORMAT_NAME
from rodcli.codes import CATALOGUE, Lang, hint, message
from rodcli.findings import Finding, Result, Severity
from rodcli.render.jsonstream import PLACE, stream_document

REPORT_VERSION = "1"
SCHEMA_RESOURCE = "report.schema.json"


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report, as shipped in the package."""
    text = files("rodcli.render").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")
    return cast(dict[str, Any], json.loads(text))


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
    """The report with ``findings`` standing as ``jsonstream.PLACE``: ``stream_json`` puts
    them there one by one."""
    document = _report(result, lang)
    if result.build is not None:
        document["build"] = dataclasses.asdict(result.build)
    return document


def _report(result: Result, lang: Lang) -> dict[str, Any]:
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
        "findings": PLACE,
    }


def render_json(result: Result, lang: Lang) -> str:
    return "".join(stream_json(result, lang))


def stream_json(result: Result, lang: Lang) -> Iterator[str]:
    """The report a finding at a time (the same text as ``render_json``)."""
    findings = (finding_dict(finding, lang) for finding in result.iter_sorted_findings())
    return stream_document(report_dict(result, lang), findings, depth=2, default=str)
