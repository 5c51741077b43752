"""The precise path: one record through its model and the per-record rules.

Every finding about a single record comes from here, with its message, field, column and
masked key; the column checks only decide which records need to come here.
"""

from __future__ import annotations

from rodcli.bulkformat.models import RECORD_MODELS, Sector
from rodcli.bulkformat.types import DateNotation
from rodcli.findings import Finding
from rodcli.records import CheckedRecord, RawRecord, to_record
from rodcli.rules import RecordRule, record_rules
from rodcli.rules.valuelists import ValueListCodes


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
            from rodcli.readers.bulk_xml import elements_named

            findings.extend(
                finding for finding in raw.schema_findings
                if finding.location.line not in lines
                and not fields.intersection(elements_named(finding.params.get("reason", "")))
            )
        return checked, findings
