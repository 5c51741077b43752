"""The validate pipeline: read -> type -> rules -> Result. It never prints and never exits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from rodcli.bulkformat.models import RECORD_MODELS, Sector
from rodcli.bulkformat.types import DateNotation
from rodcli.bulkformat.xsd import SchemaError, load_schema
from rodcli.codes import CATALOGUE
from rodcli.findings import FileReport, Finding, Location, Result, make_finding
from rodcli.readers import read_bulk
from rodcli.readers.bulk_xml import elements_named
from rodcli.records import CheckedRecord, RawRecord, to_record
from rodcli.rules import CrossRecordRule, RecordRule, cross_record_rules, record_rules
from rodcli.rules.index import RecordStore
from rodcli.rules.valuelists import ValueListCodes


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

    with RecordStore() as store:
        checker = _Checker(record_rules(), cross_record_rules(), options.sector, own_schema,
                           store)
        for path in options.with_files:
            # Earlier deliveries are context, not under review: only an unreadable one is
            # reported.
            checker.check_file(path, FileReport(str(path)), CONTEXT, None,
                               _unreadable_only(result))
        for number, path in enumerate(paths, start=1):
            report = FileReport(str(path))
            result.files.append(report)
            checker.check_file(path, report, number, CONTEXT, result.add)
    return result


CONTEXT = 0  # the file number the records of --with files are stored under


def _unreadable_only(result: Result) -> Callable[[Finding], None]:
    def sink(finding: Finding) -> None:
        if CATALOGUE[finding.code].no_verdict:
            result.add(finding)

    return sink


class _Checker:
    def __init__(
        self,
        rules: list[RecordRule],
        cross_rules: list[CrossRecordRule],
        sector: Sector | None,
        own_schema: etree.XMLSchema | None,
        store: RecordStore,
    ) -> None:
        self.records = RecordChecker(rules)
        self.cross_rules = cross_rules
        self.sector = sector
        self.own_schema = own_schema
        self.store = store

    def check_file(
        self,
        path: Path,
        report: FileReport,
        file_id: int,
        context_id: int | None,
        sink: Callable[[Finding], None],
    ) -> None:
        """Stream one file's findings into ``sink``; cross-record rules run when a
        ``context_id`` is given (the file is under review, not itself context)."""
        for item in read_bulk(path, report, self.sector, self.own_schema):
            if isinstance(item, Finding):
                sink(item)
                continue
            sector = report.sector
            if sector is None:
                continue
            notation: DateNotation = "compact" if report.kind == "csv" else "iso"
            for finding in self._check_record(item, sector, notation, file_id):
                sink(finding)
        if context_id is not None:
            for group in self.store.groups(file_id, str(path), context_id):
                for rule in self.cross_rules:
                    for finding in rule.check_key(group):
                        sink(finding)

    def _check_record(
        self, raw: RawRecord, sector: Sector, notation: DateNotation, file_id: int
    ) -> list[Finding]:
        checked, findings = self.records.check(raw, sector, notation)
        if checked is not None:
            self.store.add(checked, file_id)
        else:
            self.store.add_failed(raw, file_id)
        return findings


class RecordChecker:
    """The checks of one record on its own: typing, the per-record rules, and the XSD
    findings the reader attached, kept where no field finding says the same."""

    def __init__(self, rules: list[RecordRule] | None = None) -> None:
        self.rules = record_rules() if rules is None else rules
        self.value_lists = ValueListCodes()

    def check(self, raw: RawRecord, sector: Sector,
              notation: DateNotation) -> tuple[CheckedRecord | None, list[Finding]]:
        checked, findings = to_record(raw, sector, notation)
        if checked is not None:
            for rule in self.rules:
                findings.extend(rule.check(checked))
        else:
            model = RECORD_MODELS[sector].get(raw.record_type)
            if model is not None:
                reported = {f.location.field for f in findings if f.location.field}
                findings.extend(self.value_lists.check_raw(raw, model, reported))
        if raw.schema_findings:
            # A field finding says the same as libxml2, in the user's language and with a
            # hint; keep the XSD message only where no field finding speaks of its line or of
            # the elements it names. Rule findings do not count: they speak of other things.
            typing = [f for f in findings if f.code.startswith("F") or f.code in ("I011", "R001")]
            lines = {finding.location.line for finding in typing}
            fields = {finding.location.field for finding in typing}
            findings.extend(
                finding for finding in raw.schema_findings
                if finding.location.line not in lines
                and not fields.intersection(elements_named(finding.params.get("reason", "")))
            )
        return checked, findings
