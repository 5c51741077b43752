"""The validate pipeline: read -> type -> rules -> Result. It never prints and never exits."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from rodcli.bulkformat.models import RECORD_MODELS, Sector
from rodcli.bulkformat.types import DateNotation
from rodcli.bulkformat.xsd import SchemaError, load_schema
from rodcli.codes import CATALOGUE
from rodcli.findings import FileReport, Finding, Location, Result, make_finding
from rodcli.parallel import SliceUnsure, key_ranges, process_count, workers
from rodcli.readers import SNIFF_BYTES, detect_kind, read_bulk
from rodcli.readers.bulk_csv import CsvSlice, open_slice, plan_slices, read_csv_bulk
from rodcli.readers.bulk_xml import (
    XmlSlice,
    elements_named,
    plan_xml_slices,
    read_xml_slice,
)
from rodcli.records import CheckedRecord, RawRecord, to_record
from rodcli.rules import CrossRecordRule, RecordRule, cross_record_rules, record_rules
from rodcli.rules.index import KeyRange, RecordStore
from rodcli.rules.valuelists import ValueListCodes
from rodcli.scratch import Scratch


@dataclass(frozen=True, slots=True)
class ValidateOptions:
    sector: Sector | None = None
    schema: Path | None = None  # a user's XSD, e.g. DUO's own
    with_files: tuple[Path, ...] = ()  # earlier deliveries: context for cross-record rules
    max_findings: int = 1000
    jobs: int | None = None  # worker processes for a large CSV file; None: one per core
    # Forking is cheap; from about 15,000 records the second core more than pays for itself.
    parallel_from_bytes: int = 1 << 20


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

    jobs = process_count(options.jobs)
    with RecordStore() as store:
        context: tuple[Path, ...] = ()
        if options.with_files:
            context = (_load_context(store.scratch, options, own_schema, result),)
            store.attach(list(context))
        checker = _Checker(record_rules(), cross_record_rules(), options.sector, own_schema,
                           store)
        for number, path in enumerate(paths, start=1):
            report = FileReport(str(path))
            result.files.append(report)
            kind = _splittable_kind(path, options) if jobs > 1 else None
            if kind is not None:
                part = _check_in_parallel(path, kind, report, number, options, store.scratch,
                                          jobs, context)
                if part is not None:
                    result.absorb(part)
                    continue
            checker.check_file(path, report, number, CONTEXT, result.add)
    return result


CONTEXT = 0  # the file number the records of --with files are stored under


def _load_context(scratch: Scratch, options: ValidateOptions,
                  own_schema: etree.XMLSchema | None, result: Result) -> Path:
    """The records of the --with files, in a database of their own in the run's folder, which
    this process and the workers of a parallel run attach. Earlier deliveries are context,
    not under review: only an unreadable one is reported."""
    name = "context.sqlite"
    with RecordStore(Scratch.part(scratch.folder, scratch.secret, name)) as context:
        checker = _Checker(record_rules(), [], options.sector, own_schema, context)
        for path in options.with_files:
            checker.check_file(path, FileReport(str(path)), CONTEXT, None,
                               _unreadable_only(result))
        context.flush()
    return scratch.folder / name


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
        self.check_records(read_bulk(path, report, self.sector, self.own_schema), report,
                           file_id, sink)
        if context_id is not None:
            self.check_keys(file_id, str(path), context_id, sink)

    def check_records(self, items: Iterable[RawRecord | Finding], report: FileReport,
                      file_id: int, sink: Callable[[Finding], None]) -> None:
        """Each record on its own, leaving its compact row in the store for the keys."""
        for item in items:
            if isinstance(item, Finding):
                sink(item)
                continue
            sector = report.sector
            if sector is None:
                continue
            notation: DateNotation = "compact" if report.kind == "csv" else "iso"
            for finding in self._check_record(item, sector, notation, file_id):
                sink(finding)

    def check_keys(self, file_id: int, file: str, context_id: int | None,
                   sink: Callable[[Finding], None], keys: KeyRange = (None, None)) -> None:
        """The cross-record rules, key by key (within ``keys``)."""
        for group in self.store.groups(file_id, file, context_id, keys=keys):
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


# ---- one large file on several cores -------------------------------------------------------
#
# The file is cut into slices at line ends (CSV: outside quotes; XML: before a record). Each
# process checks one slice's records into its own store; then each process runs the
# cross-record rules for one range of keys over all the stores. The parts' counts add up and
# the kept findings are the first in file order, as in one process. This process does the
# first slice and the first key range itself, so a run on two cores has one extra process.

# Findings a CSV slice cannot be sure of on its own: an encoding switch holds for the rest of
# the file, and a broken quote may be an artefact of where the file was cut. Of an XML slice,
# every finding about the file as a whole (I...) is left to a reading of the whole file.
_WHOLE_CSV_ONLY = frozenset({"I002", "I003", "I020"})

Slice = CsvSlice | XmlSlice


@dataclass(frozen=True, slots=True)
class _SliceTask:
    path: Path
    part: Slice
    number: int
    file_id: int
    options: ValidateOptions
    folder: Path
    secret: bytes


@dataclass(frozen=True, slots=True)
class _KeysTask:
    file: str
    keys: KeyRange
    number: int
    parts: tuple[Path, ...]
    file_id: int
    options: ValidateOptions
    folder: Path
    secret: bytes


@dataclass(frozen=True, slots=True)
class _SliceOutcome:
    findings: Result
    records: int
    sector: Sector | None


def _splittable_kind(path: Path, options: ValidateOptions) -> str | None:
    """"csv" or "xml" for a file worth checking on several cores."""
    try:
        if path.stat().st_size < options.parallel_from_bytes:
            return None
        with path.open("rb") as handle:
            kind = detect_kind(handle.read(SNIFF_BYTES))
    except OSError:
        return None  # the one-process path reports it
    if kind == "xml" and options.schema is not None:
        return None  # a user's XSD is checked against the whole document
    return kind


def _check_in_parallel(path: Path, kind: str, report: FileReport, file_id: int,
                       options: ValidateOptions, scratch: Scratch, jobs: int,
                       context: tuple[Path, ...]) -> Result | None:
    """The file's findings, or None when it must be read whole in one process; ``context``
    is the store of the --with files' records, if any."""
    slices: Sequence[Slice] | None = (
        plan_slices(path, jobs) if kind == "csv" else plan_xml_slices(path, jobs))
    if slices is None or len(slices) < 2:
        return None
    tasks = [_SliceTask(path, part, number, file_id, options, scratch.folder, scratch.secret)
             for number, part in enumerate(slices)]
    parts = tuple(scratch.folder / _part_name(file_id, task.number) for task in tasks)
    try:
        with workers(len(slices) - 1) as pool:
            others = [pool.submit(_check_slice, task) for task in tasks[1:]]
            first = _check_slice(tasks[0])
            if first is None:
                raise _ReadWhole
            outcomes = [first]
            for pending in others:
                outcome = pending.result()
                if outcome is None:
                    raise _ReadWhole
                outcomes.append(outcome)
            whole = Result(max_findings=options.max_findings)
            for outcome in outcomes:
                whole.absorb(outcome.findings)
                report.records += outcome.records
            key_tasks = [_KeysTask(str(path), keys, number, parts + context, file_id, options,
                                   scratch.folder, scratch.secret)
                         for number, keys in enumerate(key_ranges(len(slices)))]
            later = [pool.submit(_check_key_range, task) for task in key_tasks[1:]]
            whole.absorb(_check_key_range(key_tasks[0]))
            for keys_done in later:
                whole.absorb(keys_done.result())
    except _ReadWhole:
        report.records = 0
        return None
    finally:
        for part_path in parts:
            part_path.unlink(missing_ok=True)
    sector = outcomes[0].sector  # an XML file's from its root, in the first slice
    report.kind, report.sector, report.encoding = kind, sector, "utf-8"
    if kind == "csv" and report.records == 0:  # blank lines; an XML file is cut at records
        whole.add(make_finding("I015", Location(str(path), 1)))
    return whole


class _ReadWhole(Exception):
    """A slice met what only a reading of the whole file can judge."""


def _part_name(file_id: int, number: int) -> str:
    return f"file{file_id}-slice{number}.sqlite"


def _check_slice(task: _SliceTask) -> _SliceOutcome | None:
    """One slice's own findings, or None when the file must be read whole; its rows stay in
    the slice's store for the key ranges."""
    options = task.options
    scratch = Scratch.part(task.folder, task.secret, _part_name(task.file_id, task.number))
    with RecordStore(scratch) as store:
        checker = _Checker(record_rules(), [], options.sector, None, store)
        part = Result(max_findings=options.max_findings)
        report = FileReport(str(task.path))
        try:
            checker.check_records(_judged_alone(_slice_items(task, report), report), report,
                                  task.file_id, part.add)
        except SliceUnsure:
            return None
        store.flush()
    return _SliceOutcome(part, report.records, report.sector)


def _judged_alone(items: Iterable[RawRecord | Finding], report: FileReport
                  ) -> Iterator[RawRecord | Finding]:
    for item in items:
        if isinstance(item, Finding) and (item.code in _WHOLE_CSV_ONLY if report.kind == "csv"
                                          else item.code.startswith("I")):
            raise SliceUnsure(item.code)
        yield item


def _slice_items(task: _SliceTask, report: FileReport) -> Iterator[RawRecord | Finding]:
    file, sector = str(task.path), task.options.sector
    if isinstance(task.part, CsvSlice):
        with open_slice(task.path, task.part) as handle:
            yield from read_csv_bulk(handle, file, report, sector, task.part)
    else:
        yield from read_xml_slice(task.path, file, report, sector, task.part)


def _check_key_range(task: _KeysTask) -> Result:
    scratch = Scratch.part(task.folder, task.secret, f"keys{task.number}.sqlite")
    with RecordStore(scratch) as store:
        store.attach(list(task.parts))
        checker = _Checker([], cross_record_rules(), task.options.sector, None, store)
        part = Result(max_findings=task.options.max_findings)
        checker.check_keys(task.file_id, task.file, CONTEXT, part.add, task.keys)
    (task.folder / f"keys{task.number}.sqlite").unlink(missing_ok=True)
    return part


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
