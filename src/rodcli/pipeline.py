"""The validate pipeline: read -> type -> rules -> Result. It never prints and never exits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from rodcli.bulkformat.models import Sector
from rodcli.bulkformat.xsd import SchemaError, load_schema
from rodcli.bulkformat.types import DateNotation
from rodcli.findings import FileReport, Finding, Location, Result, make_finding
from rodcli.readers import read_bulk
from rodcli.records import RawRecord, to_record
from rodcli.rules import CrossRecordRule, RecordRule, cross_record_rules, record_rules
from rodcli.rules.index import RecordIndex


@dataclass(frozen=True, slots=True)
class ValidateOptions:
    sector: Sector | None = None
    schema: Path | None = None  # a user's XSD, e.g. DUO's own
    with_files: tuple[Path, ...] = ()  # earlier deliveries: context for cross-record rules
    max_findings: int = 1000


def validate_files(paths: Sequence[Path], options: ValidateOptions) -> Result:
    result = Result(max_findings=options.max_findings)
    own_schema = None
    if options.schema is not None:
        try:
            own_schema = load_schema(options.schema)
        except SchemaError as error:
            result.add(make_finding("I017", Location(str(options.schema)),
                                    schema=options.schema, reason=error))
            return result

    checker = _Checker(record_rules(), cross_record_rules(), options.sector, own_schema)
    context = RecordIndex("--with")
    for path in options.with_files:
        # Only unreadable context files are reported: their content is not under review.
        report = FileReport(str(path))
        for finding in checker.check_file(path, report, context, record_findings=False):
            result.add(finding)
    for path in paths:
        report = FileReport(str(path))
        result.files.append(report)
        result.extend(checker.check_file(path, report, RecordIndex(str(path)), context=context))
    return result


class _Checker:
    def __init__(
        self,
        rules: list[RecordRule],
        cross_rules: list[CrossRecordRule],
        sector: Sector | None,
        own_schema: etree.XMLSchema | None,
    ) -> None:
        self.rules = rules
        self.cross_rules = cross_rules
        self.sector = sector
        self.own_schema = own_schema

    def check_file(
        self,
        path: Path,
        report: FileReport,
        index: RecordIndex,
        context: RecordIndex | None = None,
        record_findings: bool = True,
    ) -> list[Finding]:
        findings: list[Finding] = []
        for item in read_bulk(path, report, self.sector, self.own_schema):
            if isinstance(item, Finding):
                if record_findings or item.location.line is None:
                    findings.append(item)
                continue
            sector = report.sector
            if sector not in ("ho", "mbo"):
                continue
            notation: DateNotation = "compact" if report.kind == "csv" else "iso"
            record_level = self._check_record(item, sector, notation, index)
            if record_findings:
                findings.extend(record_level)
        if context is not None:
            for rule in self.cross_rules:
                findings.extend(rule.finish(index, context))
        return findings

    def _check_record(
        self, raw: RawRecord, sector: Sector, notation: DateNotation, index: RecordIndex
    ) -> list[Finding]:
        checked, findings = to_record(raw, sector, notation)
        if checked is not None:
            index.add(checked)
            for rule in self.rules:
                findings.extend(rule.check(checked))
        if raw.schema_findings:
            # A field finding says the same as libxml2 on that line, in the user's language
            # and with a hint; keep the XSD message only where nothing else speaks.
            covered = {finding.location.line for finding in findings}
            findings.extend(f for f in raw.schema_findings if f.location.line not in covered)
        return findings
