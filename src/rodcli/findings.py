"""The one vocabulary every layer shares: Severity, Location, Finding and Result."""

from __future__ import annotations

import heapq
import pickle
import tempfile
import weakref
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache, lru_cache
from typing import IO, TYPE_CHECKING, Literal

from rodcli.masking import scrub

if TYPE_CHECKING:
    from rodcli.codes import CodeInfo


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

    def message(self, lang: Literal["nl", "en"] = "nl") -> str:
        """What is wrong, in Dutch or English (personal numbers masked)."""
        from rodcli.codes import message

        return message(self, lang)

    def hint(self, lang: Literal["nl", "en"] = "nl") -> str:
        """How to fix it in the source system."""
        from rodcli.codes import hint

        return hint(self, lang)

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
    info = _catalogue()[code]
    field_name, record, sheet = location.field, location.record, location.sheet
    if field_name or record or sheet:
        # A column name, key or sheet name can hold a personal number too (a BSN used as
        # header or sequence number): only the file path is left as given, so editors can
        # open it.
        location = Location(location.file, location.line, location.column,
                            field_name and _inert(field_name), record and _inert(record),
                            sheet and _inert(sheet))
    return Finding(code, info.severity, location,
                   {key: _inert(value if type(value) is str else str(value))
                    for key, value in params.items()})


@cache
def _catalogue() -> Mapping[str, CodeInfo]:
    from rodcli.codes import CATALOGUE  # the catalogue imports this module

    return CATALOGUE


# Control characters from a file would act on the terminal or CI log that shows a report
# (an ESC starts an ANSI sequence): they are shown as escapes instead.
_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(32), *range(127, 160))}


@lru_cache(maxsize=1 << 14)
def _inert(text: str) -> str:
    """Text from the input as it may appear in a report: masked and inert. (Cached: a file
    full of mistakes repeats the same field names, expected formats and codes a million
    times.)"""
    text = scrub(text)
    # Control characters are never printable: most texts are, and need no translation.
    if text.isprintable():
        return text
    # Half a UTF-16 pair (from a UTF-7 export) cannot be written in any report: an escape.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text.translate(_CONTROLS)


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


# A run that keeps every finding (``--max-findings 0``) holds this many in memory at most;
# the rest wait on disk in sorted runs, and a report reads them back merged, in order (a
# chunk of each run at a time: a million findings are 100 runs of 100-finding chunks, so
# the merge holds as few as the run did). 50,000 and chunks of 2,000 peaked 19 MiB higher
# on a million findings.
SPILL_AT = 10_000


class _SpilledRuns:
    """Findings sorted by ``Finding.sort_key`` in runs, pickled in chunks to one unnamed
    temporary file (removed when closed or when the process ends). Findings are masked when
    made, so the file holds no personal number."""

    _CHUNK = 100

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (lives with Result)
        # Closed when the Result goes: its report may be read any time until then.
        weakref.finalize(self, self._file.close)
        self._runs: list[tuple[int, int]] = []  # offset of the first chunk, chunks
        self.count = 0

    def add_run(self, findings: list[Finding]) -> None:
        start, chunks = self._file.seek(0, 2), 0
        for at in range(0, len(findings), self._CHUNK):
            pickle.dump(findings[at:at + self._CHUNK], self._file, pickle.HIGHEST_PROTOCOL)
            chunks += 1
        self._runs.append((start, chunks))
        self.count += len(findings)

    def _run(self, start: int, chunks: int) -> Iterator[Finding]:
        offset = start
        for _ in range(chunks):
            self._file.seek(offset)  # other runs' reads moved the file's position
            chunk: list[Finding] = pickle.load(self._file)  # noqa: S301 (our own file)
            offset = self._file.tell()
            yield from chunk

    def merged(self, last: list[Finding]) -> Iterator[Finding]:
        """Every run and ``last`` (sorted, found after the runs) merged in order; equal keys
        in the order they were found (heapq.merge takes the earlier iterable first)."""
        runs = [self._run(start, chunks) for start, chunks in self._runs]
        return iter(heapq.merge(*runs, iter(last), key=Finding.sort_key))


@dataclass(slots=True)
class Result:
    """Findings of a run, with every finding counted; of more than ``max_findings`` the ones
    kept are those first in the input (by file, line, column and code), so the same input
    gives the same report however its findings were come upon (in one process or several,
    the cross-record ones in the order of a per-run hash).

    With ``max_findings`` 0 and ``spill_at`` set, at most ``spill_at`` findings are held in
    memory: the others are kept on disk, and ``iter_sorted_findings`` streams them all back
    in order (a file where every row is wrong has a million findings)."""

    max_findings: int = 0  # 0 keeps every finding
    files: list[FileReport] = field(default_factory=list)
    code_counts: Counter[str] = field(default_factory=Counter)
    severity_counts: Counter[Severity] = field(default_factory=Counter)
    no_verdict: bool = False
    build: BuildSummary | None = None
    spill_at: int = 0  # 0: hold every kept finding in memory (a worker's Result is pickled)
    _kept: list[Finding] = field(default_factory=list)
    _last_kept: tuple[str, int, int, str, str, str] | None = None  # once trimmed
    _spilled: _SpilledRuns | None = None

    @property
    def findings(self) -> list[Finding]:
        """The kept findings, in the order they were found in (``sorted_findings`` for the
        order of the input). Once findings were spilled to disk, this reads them all back,
        in the order of the input: ``iter_sorted_findings`` streams them instead."""
        if self._spilled is not None:
            return list(self.iter_sorted_findings())
        self._trim(self.max_findings)
        return self._kept

    @property
    def spilled(self) -> bool:
        """Whether findings wait on disk (too many to hold): reports stream them."""
        return self._spilled is not None

    @property
    def kept(self) -> int:
        """How many findings a report shows (all of them unless ``max_findings`` cut)."""
        if self._spilled is not None:
            return self._spilled.count + len(self._kept)
        self._trim(self.max_findings)
        return len(self._kept)

    def add(self, finding: Finding) -> None:
        self.code_counts[finding.code] += 1
        self.severity_counts[finding.severity] += 1
        if _catalogue()[finding.code].no_verdict:
            self.no_verdict = True
        if self._last_kept is not None and _input_order(finding) >= self._last_kept:
            return  # after every kept one: it could never be shown
        self._kept.append(finding)
        # Trimming to the first ones now and then keeps memory bounded by the cap.
        if 0 < 2 * self.max_findings <= len(self._kept):
            self._trim(self.max_findings)
        elif self.max_findings == 0 and 0 < self.spill_at <= len(self._kept):
            if self._spilled is None:
                self._spilled = _SpilledRuns()
            self._spilled.add_run(sorted(self._kept, key=Finding.sort_key))
            self._kept = []

    def beyond(self, file: str, line: int | None) -> bool:
        """Whether every finding at ``line`` of ``file`` comes after every kept one, so it
        can only be counted: its column, masked key and texts need not be worked out."""
        last = self._last_kept
        return last is not None and line is not None and (file, line) > (last[0], last[1])

    def extend(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            self.add(finding)

    def absorb(self, part: Result) -> None:
        """Take over the counts and findings of a run over another part of the input (a
        worker's slice): as if each of its findings had been added here."""
        self.code_counts.update(part.code_counts)
        self.severity_counts.update(part.severity_counts)
        self.no_verdict = self.no_verdict or part.no_verdict
        self._kept.extend(part.findings)
        self._trim(self.max_findings)

    def _trim(self, cap: int) -> None:
        if 0 < cap < len(self._kept):
            # A stable sort: findings at the same place stay in the order they were found.
            kept = self._kept
            first = sorted(range(len(kept)), key=lambda at: _input_order(kept[at]))
            self._last_kept = _input_order(kept[first[cap - 1]])
            self._kept = [kept[at] for at in sorted(first[:cap])]

    @property
    def counts(self) -> dict[str, int]:
        """How many findings of each code, all of them (not only those kept)."""
        return dict(self.code_counts)

    @property
    def total(self) -> int:
        return sum(self.code_counts.values())

    @property
    def truncated(self) -> bool:
        return self.total > self.kept

    def sorted_findings(self) -> list[Finding]:
        return list(self.iter_sorted_findings())

    def iter_sorted_findings(self) -> Iterator[Finding]:
        """The kept findings in the order of the input (file, line, column, code; at one
        place in the order found), streamed: spilled ones are read back a chunk at a time."""
        if self._spilled is None:
            self._trim(self.max_findings)
            return iter(sorted(self._kept, key=Finding.sort_key))
        return self._spilled.merged(sorted(self._kept, key=Finding.sort_key))

    def worst(self) -> Severity | None:
        return max(self.severity_counts, default=None)


def _input_order(finding: Finding) -> tuple[str, int, int, str, str, str]:
    """Where a finding stands in the input: file, line, column, code, field, record."""
    location = finding.location
    return (location.file, location.line or 0, location.column or 0, finding.code,
            location.field or "", location.record or "")


def exit_code(result: Result, fail_on: Severity) -> int:
    """0: nothing at or above ``fail_on``; 1: findings at or above it; 2: no verdict."""
    if result.no_verdict:
        return 2
    if any(severity >= fail_on for severity, count in result.severity_counts.items() if count):
        return 1
    return 0
