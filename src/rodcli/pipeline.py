"""``rodcli validate``: bulk files through the engine into a Result. It never prints and
never exits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rodcli.bulkformat.models import Sector
from rodcli.codes import CATALOGUE
from rodcli.engine.run import SMALL_INPUT_BYTES, Engine, Keys, bulk_items
from rodcli.findings import SPILL_AT, FileReport, Finding, Location, Result, make_finding


@dataclass(frozen=True, slots=True)
class ValidateOptions:
    sector: Sector | None = None
    schema: Path | None = None  # a user's XSD, e.g. DUO's own
    with_files: tuple[Path, ...] = ()  # earlier deliveries: context for cross-record rules
    max_findings: int = 1000
    jobs: int | None = None  # kept for the CLI's --jobs; the engine uses its own threads
    # From this size on the column engine pays for its start (see engine.run).
    columnar_from_bytes: int = SMALL_INPUT_BYTES


def validate_files(paths: Sequence[Path], options: ValidateOptions) -> Result:
    result = Result(max_findings=options.max_findings, spill_at=SPILL_AT)
    own_schema = None
    if options.schema is not None:
        from rodcli.bulkformat.xsd import SchemaError, load_schema

        try:
            own_schema = load_schema(options.schema)
        except SchemaError as error:
            result.add(make_finding("I017", Location(str(options.schema)),
                                    schema=options.schema, reason=error))
            return result

    engine = Engine(columnar=_any_large([*paths, *options.with_files], options))
    context: Keys | None = None
    if options.with_files:
        context = engine.new_keys()
        sink = _unreadable_only(result)
        for path in options.with_files:
            report = FileReport(str(path))
            engine.check(bulk_items(path, report, options.sector, own_schema, engine.columnar),
                         report, sink, context)
    for path in paths:
        report = FileReport(str(path))
        result.files.append(report)
        keys = engine.new_keys()
        engine.counted_only = result.beyond
        engine.check(bulk_items(path, report, options.sector, own_schema, engine.columnar),
                     report, result.add, keys)
        engine.counted_only = None
        engine.check_keys(str(path), keys, context, result.add)
    return result


def _any_large(paths: Sequence[Path], options: ValidateOptions) -> bool:
    for path in paths:
        try:
            if path.stat().st_size >= options.columnar_from_bytes:
                return True
        except OSError:
            continue  # reported when the file is read
    return False


def _unreadable_only(result: Result) -> Callable[[Finding], None]:
    """Earlier deliveries are context, not under review: only an unreadable one is
    reported."""

    def sink(finding: Finding) -> None:
        if CATALOGUE[finding.code].no_verdict:
            result.add(finding)

    return sink
