"""The one vocabulary every layer shares: Severity, Location, Finding and Result."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Literal

from rodcli.masking import scrub


class Severity(IntEnum):
    INFO = 10
    WARNING = 20
    ERROR = 30

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding points: file, physical line and column, field, and the record key.

    ``record`` is the record key with the personal number masked; it is never the raw key.
    """

    file: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    record: str | None = None
    sheet: str | None = None

    def with_field(self, field_name: str | None, line: int | None, column: int | None) -> Location:
        return Location(
            self.file,
            line if line is not None else self.line,
            column if column is not None else self.column,
            field_name,
            self.record,
            self.sheet,
        )


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem (or note) about the input. Text is produced from ``code`` + ``params``
    by the catalogue at render time, in the user's language."""

    code: str
    severity: Severity
    location: Location
    params: Mapping[str, str] = field(default_factory=dict)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (
            self.location.file,
            self.location.line or 0,
            self.location.column or 0,
            self.code,
        )


def make_finding(code: str, location: Location, **params: object) -> Finding:
    """Create a finding with the catalogue's severity; parameters are scrubbed of personal
    numbers here, so no renderer can leak one."""
    from rodcli.codes import CATALOGUE  # the catalogue imports this module

    info = CATALOGUE[code]
    if location.field or location.record or location.sheet:
        # A column name, key or sheet name can hold a personal number too (a BSN used as
        # header or sequence number): only the file path is left as given, so editors can
        # open it.
        location = Location(location.file, location.line, location.column,
                            _shown(location.field), _shown(location.record),
                            _shown(location.sheet))
    return Finding(
        code=code,
        severity=info.severity,
        location=location,
        params={key: _inert(str(value)) for key, value in params.items()},
    )


# Control characters from a file would act on the terminal or CI log that shows a report
# (an ESC starts an ANSI sequence): they are shown as escapes instead.
_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(32), *range(127, 160))}


def _inert(text: str) -> str:
    """Text from the input as it may appear in a report: masked and inert."""
    return scrub(text).translate(_CONTROLS)


def _shown(text: str | None) -> str | None:
    return None if text is None else _inert(text)


@dataclass(slots=True)
class FileReport:
    """What was learnt about one input file, whether or not it could be read."""

    path: str
    kind: str | None = None  # "xml" or "csv"
    sector: Literal["ho", "mbo"] | None = None
    encoding: str | None = None
    records: int = 0
    readable: bool = True


@dataclass(slots=True)
class BuildSummary:
    """What ``build`` did with the export's rows; ``rows_read`` always equals
    ``rows_accepted + rows_rejected`` (blank rows are counted apart). The accepted rows give
    the records built: ``records_written + records_unchanged`` (unchanged since the
    deliveries given with ``--since``; always 0 without it)."""

    rows_read: int = 0
    rows_blank: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    records_written: int = 0
    records_unchanged: int = 0
    output: str | None = None  # set only when a bulk file was written
    rejects: str | None = None  # set only when a rejects file was written
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


@dataclass(slots=True)
class Result:
    """Findings of a run, capped at ``max_findings`` kept, with every finding still counted."""

    max_findings: int = 0  # 0 keeps every finding
    files: list[FileReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    code_counts: Counter[str] = field(default_factory=Counter)
    severity_counts: Counter[Severity] = field(default_factory=Counter)
    no_verdict: bool = False
    build: BuildSummary | None = None

    def add(self, finding: Finding) -> None:
        from rodcli.codes import CATALOGUE

        self.code_counts[finding.code] += 1
        self.severity_counts[finding.severity] += 1
        if CATALOGUE[finding.code].no_verdict:
            self.no_verdict = True
        if self.max_findings <= 0 or len(self.findings) < self.max_findings:
            self.findings.append(finding)

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.add(finding)

    @property
    def total(self) -> int:
        return sum(self.code_counts.values())

    @property
    def truncated(self) -> bool:
        return self.total > len(self.findings)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def worst(self) -> Severity | None:
        return max(self.severity_counts, default=None)


def exit_code(result: Result, fail_on: Severity) -> int:
    """0: nothing at or above ``fail_on``; 1: findings at or above it; 2: no verdict."""
    if result.no_verdict:
        return 2
    if any(severity >= fail_on for severity, count in result.severity_counts.items() if count):
        return 1
    return 0
