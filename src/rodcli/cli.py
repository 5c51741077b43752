"""The command line: parse options, call the pipeline, render, pick the exit code."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from rodcli import __version__, scratch
from rodcli.atomic import same_file, write_atomically
from rodcli.bulkformat import SECTORS, Sector
from rodcli.codes import CATALOGUE, Lang
from rodcli.findings import Location, Result, Severity, exit_code, make_finding
from rodcli.masking import scrub
from rodcli.render import Renderer
from rodcli.render.text import render_summary, render_text, text_parts

if TYPE_CHECKING:

    from rodcli.comparison import Comparison

# The commands import what they need when they run: ``rodcli --version`` and a pre-commit
# run of ``validate`` should not pay for build, compare or the column engine.


def _lazy(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, imported on its first call (the tables below give its type)."""

    def call(*args: object) -> Any:
        import importlib

        return getattr(importlib.import_module(module), name)(*args)

    return call


app = typer.Typer(
    name="rodcli",
    help="Bulk files for DUO's Register Onderwijsdeelnemers (ROD): validate, build, compare.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Click's plain help: typer's rich panels show type names (<bool>, <list[Path]>) and wrap
    # choices mid-word, whatever metavar says. Every option names its own metavar below.
    rich_markup_mode=None,
)


class SectorChoice(StrEnum):
    ho = "ho"
    mbo = "mbo"


class FailOn(StrEnum):
    warning = "warning"
    error = "error"


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"
    sarif = "sarif"
    github = "github"
    html = "html"


# One renderer per --format; a test checks that every member has one.
RENDERERS: dict[OutputFormat, Renderer] = {
    OutputFormat.text: _lazy("rodcli.render.plain", "render_plain"),
    OutputFormat.json: _lazy("rodcli.render.json", "render_json"),
    OutputFormat.junit: _lazy("rodcli.render.junit", "render_junit"),
    OutputFormat.sarif: _lazy("rodcli.render.sarif", "render_sarif"),
    OutputFormat.github: _lazy("rodcli.render.github", "render_github"),
    OutputFormat.html: _lazy("rodcli.render.html", "render_html"),
}
# The same reports a piece at a time, as _emit writes them: a report of a million findings
# is never held whole (a test checks each gives its renderer's text).
STREAMERS: dict[OutputFormat, Callable[[Result, Lang], Iterable[str]]] = {
    OutputFormat.text: _lazy("rodcli.render.plain", "stream_plain"),
    OutputFormat.json: _lazy("rodcli.render.json", "stream_json"),
    OutputFormat.junit: _lazy("rodcli.render.junit", "stream_junit"),
    OutputFormat.sarif: _lazy("rodcli.render.sarif", "stream_sarif"),
    OutputFormat.github: _lazy("rodcli.render.github", "stream_github"),
    OutputFormat.html: _lazy("rodcli.render.html", "stream_html"),
}


class LangChoice(StrEnum):
    nl = "nl"
    en = "en"


LangOption = Annotated[
    LangChoice,
    typer.Option("--lang", envvar="RODCLI_LANG", metavar="[nl|en]",
                 help="Language of messages and hints."),
]

# Options several commands share, defined once.
FailOnOption = Annotated[FailOn, typer.Option(metavar="[warning|error]",
                                               help="Lowest severity that fails (exit 1).")]
MaxFindingsOption = Annotated[
    int, typer.Option(min=0, metavar="N",
                      help="Findings listed at most (0 = all); counts stay complete.")
]
DelimiterOption = Annotated[str | None, typer.Option(metavar="CHAR",
                                                     help="Force the export's separator.")]
EncodingOption = Annotated[str | None, typer.Option(metavar="NAME",
                                                    help="Force the export's encoding.")]
SheetOption = Annotated[str | None, typer.Option(metavar="NAME",
                                                 help="XLSX sheet (default: the first).")]


def _stdout() -> Console:
    # soft_wrap keeps "file:line:col" lines whole, so editors and CI logs can link them.
    return Console(soft_wrap=True, highlight=False)


def _stderr() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"rodcli {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True,
                           help="Show the version and exit.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of an internal error (a bug in "
                           "rodcli, never bad input), masked like every report; may also "
                           "follow a command, or set RODCLI_DEBUG=1.")
    ] = False,
) -> None:
    """rodcli: build, validate and compare ROD bulk files."""
    # Declared here for --help; main() acts on --debug wherever it stands, because the
    # traceback is printed outside the app, after it has failed.


@app.command(short_help="Check ROD bulk files as the Loket would.")
def validate(
    files: Annotated[list[Path], typer.Argument(metavar="FILE", hidden=True)],
    sector: Annotated[
        SectorChoice | None, typer.Option(metavar="[ho|mbo]",
                                          help="Expected sector; a file of the other is an "
                                          "error.")
    ] = None,
    schema: Annotated[
        Path | None, typer.Option(metavar="XSD",
                                  help="Check XML against this XSD (e.g. DUO's) instead.")
    ] = None,
    with_files: Annotated[
        list[Path] | None,
        typer.Option("--with", metavar="FILE",
                     help="An earlier delivery whose records count for the rules across "
                     "records (repeatable)."),
    ] = None,
    fail_on: FailOnOption = FailOn.error,
    max_findings: MaxFindingsOption = 1000,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", metavar="[text|json|junit|sarif|github|html]",
                     help="Report format; junit for GitLab/Jenkins, sarif for "
                     "GitHub code scanning, github for annotations on pull requests, html "
                     "for a page to open in a browser."),
    ] = OutputFormat.text,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, metavar="FILE",
                     help="Write the report to this file (replaced atomically) instead of "
                     "stdout; the summary still goes to stderr."),
    ] = None,
    lang: LangOption = LangChoice.nl,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, metavar="N",
                     help="Threads for a large file (default: one per core); the "
                     "findings are the same with any number."),
    ] = None,
) -> None:
    """Check ROD bulk files (XML or CSV, told apart by content) as the Loket would.

    A FILE of - reads the bulk file from standard input (cat bulk.xml | rodcli validate -).
    Exit 0 ok, 1 findings, 2 no verdict.
    """
    if jobs is not None:
        # The column engine's threads; read when it starts, so set before it does.
        os.environ["POLARS_MAX_THREADS"] = str(jobs)
    from rodcli.pipeline import ValidateOptions, validate_files

    options = ValidateOptions(
        sector=sector.value if sector else None,
        schema=schema,
        with_files=tuple(with_files or ()),
        max_findings=max_findings,
        jobs=jobs,
    )
    inputs = [*files, *(with_files or ()), *([schema] if schema else [])]
    overwritten = _input_at(output, inputs)
    if overwritten is not None:
        # refused before any work; the report goes to stdout, never over the input
        _emit(overwritten, output_format, None, lang.value, quiet)
        raise typer.Exit(2)
    with _stdin_spooled(files) as (paths, names):
        try:
            result = _named(validate_files(paths, options), names)
        except _scratch_errors() as error:
            result = _scratch_full(error, inputs)
    _emit(result, output_format, output, lang.value, quiet)
    raise typer.Exit(exit_code(result, Severity.parse(fail_on.value)))


STDIN = "-"
STDIN_NAME = "<stdin>"  # how reports name a bulk file read from standard input


@contextlib.contextmanager
def _stdin_spooled(files: list[Path]) -> Iterator[tuple[list[Path], dict[str, str]]]:
    """``-`` reads the bulk file from standard input (``cat bulk.xml | rodcli validate -``).

    It is read once, into a temporary file in a folder only this user can read (the checks
    read a file more than once, and a large one in several processes), which is removed
    afterwards; yields the paths to check and, per spooled path, the name reports give it.
    """
    if not any(str(path) == STDIN for path in files):
        yield files, {}
        return
    if sum(str(path) == STDIN for path in files) > 1:
        raise typer.BadParameter("- (standard input) can be given only once", param_hint="FILES")
    if sys.stdin is None or sys.stdin.isatty():
        raise typer.BadParameter("- reads a bulk file from standard input, but nothing is "
                                 "piped in (cat bulk.xml | rodcli validate -)",
                                 param_hint="FILES")
    with tempfile.TemporaryDirectory(prefix="rodcli-stdin-") as folder:
        spooled = Path(folder) / "stdin"
        with spooled.open("wb") as target:
            shutil.copyfileobj(sys.stdin.buffer, target)
        yield ([spooled if str(path) == STDIN else path for path in files],
               {str(spooled): STDIN_NAME})


def _named(result: Result, names: dict[str, str]) -> Result:
    """``result`` with every spooled file under the name reports give it (``<stdin>``)."""
    if not names:
        return result

    def rename(text: str) -> str:
        for spooled, name in names.items():
            text = text.replace(spooled, name)
        return text

    named = Result(files=[dataclasses.replace(report, path=rename(report.path))
                          for report in result.files], build=result.build,
                   spill_at=result.spill_at)
    # The kept ones, already cut to --max-findings, streamed (they may wait on disk). (Of
    # several files cut together, which were kept went by the spooled file's path.)
    for finding in result.iter_sorted_findings():
        named.add(dataclasses.replace(
            finding, location=dataclasses.replace(finding.location,
                                                  file=rename(finding.location.file)),
            params={key: rename(value) for key, value in finding.params.items()}))
    # The counts cover every finding, also those not kept.
    named.max_findings = result.max_findings
    named.code_counts, named.severity_counts = result.code_counts, result.severity_counts
    named.no_verdict = result.no_verdict
    return named


def _emit(result: Result, output_format: OutputFormat, output: Path | None, language: Lang,
          quiet: bool) -> None:
    """The report to stdout or ``output``, the summary to stderr."""
    if output is None and output_format is OutputFormat.text:
        console = _stdout()  # rich: colour on a terminal
        for part in text_parts(result, language):
            console.print(part)
    elif output is None:
        for piece in STREAMERS[output_format](result, language):
            sys.stdout.write(piece)
    else:
        try:
            write_atomically(output, STREAMERS[output_format](result, language))
        except OSError as error:
            _stderr().print(Text(f"rodcli: cannot write {output}: "
                                 f"{error.strerror or error}"))
            raise typer.Exit(2) from None
    if not quiet:
        _stderr().print(render_summary(result, language))


def _input_at(output: Path | None, inputs: list[Path]) -> Result | None:
    """B008 when the report would go over one of the run's inputs (by path, ``..``, a
    symbolic or hard link)."""
    for source in inputs:
        if output is not None and same_file(output, source):
            result = Result()
            result.add(make_finding("B008", Location(str(output)), file=output,
                                    input=str(source)))
            return result
    return None


def _scratch_errors() -> tuple[type[BaseException], ...]:
    """The errors of a full temporary folder: OSError, and SQLite's once a store has been
    opened (validate seldom opens one, and importing sqlite3 would cost every start-up)."""
    sqlite3 = sys.modules.get("sqlite3")
    return (OSError,) if sqlite3 is None else (OSError, sqlite3.Error)


def _scratch_full(error: BaseException, inputs: list[Path]) -> Result:
    """A run that filled the temporary folder ends with I022 (where, how much, TMPDIR);
    any other error goes on up."""
    finding = scratch.folder_full(error, inputs)
    if finding is None:
        raise error
    result = Result()
    result.add(finding)
    return result


def _same_file(first: Path, second: Path) -> bool:
    return same_file(first, second)


class BulkFormatChoice(StrEnum):
    xml = "xml"
    csv = "csv"


@app.command(short_help="Turn an administration export into a ROD bulk file.")
def build(
    export: Annotated[Path, typer.Argument(metavar="EXPORT", hidden=True)],
    mapping: Annotated[Path, typer.Option("--mapping", "-m", metavar="FILE",
                                          help="Mapping file (TOML); "
                                          "'rodcli init' drafts one.")],
    sector: Annotated[SectorChoice, typer.Option(metavar="[ho|mbo]",
                                                 help="Sector of the bulk file.")],
    output: Annotated[Path, typer.Option("--output", "-o", dir_okay=False, metavar="FILE",
                                         help="The bulk file to write.")],
    bulk_format: Annotated[
        BulkFormatChoice, typer.Option("--format", metavar="[xml|csv]",
                                       help="Bulk format; mbo delivers XML only.")
    ] = BulkFormatChoice.xml,
    rejects: Annotated[
        Path | None,
        typer.Option(dir_okay=False, metavar="FILE",
                     help="Write the valid rows anyway and the failing rows here"
                     " (CSV for Excel, with what to fix per row)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing outputs.")] = False,
    delimiter: DelimiterOption = None,
    encoding: EncodingOption = None,
    sheet: SheetOption = None,
    report_format: Annotated[
        OutputFormat, typer.Option("--report-format",
                                   metavar="[text|json|junit|sarif|github|html]",
                                   help="Format of the findings report (html: a page to open "
                                   "in a browser).")
    ] = OutputFormat.text,
    report: Annotated[
        Path | None, typer.Option(dir_okay=False, metavar="FILE",
                                  help="Write the findings report here (default: stdout).")
    ] = None,
    fail_on: FailOnOption = FailOn.error,
    max_findings: MaxFindingsOption = 1000,
    since: Annotated[
        list[Path] | None,
        typer.Option("--since", dir_okay=False, metavar="FILE",
                     help="Bulk file delivered before: write only new and changed records "
                     "(repeat for a full delivery and the deltas after it, oldest first)."),
    ] = None,
    lang: LangOption = LangChoice.nl,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no summary.")] = False,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, metavar="N",
                     help="A large CSV export is read column by column on every core; -j 1: "
                     "on one; -j N above 1: row by row on N processes (slower). The files "
                     "and findings are the same with any number."),
    ] = None,
) -> None:
    """Turn EXPORT, an administration export (CSV or XLSX), into a ROD bulk file.

    What build writes always passes 'validate'.
    Nothing is written while a row has an error, unless --rejects is given: then the good rows
    go into the bulk file and every failing row into the rejects file. Exit 0 ok, 1 findings,
    2 no verdict.
    """
    import sqlite3

    if jobs == 1:
        # The column path's threads, as for validate; more jobs are processes (BuildOptions).
        os.environ["POLARS_MAX_THREADS"] = "1"
    from rodcli.builder import BuildOptions
    from rodcli.builder import build as run_build

    options = BuildOptions(
        mapping=mapping, sector=sector.value, output_format=bulk_format.value, output=output,
        rejects=rejects, force=force, delimiter=delimiter, encoding=encoding, sheet=sheet,
        max_findings=max_findings, lang=lang.value, since=tuple(since or ()), jobs=jobs,
        report=report,
    )
    try:
        with _progress(quiet) as on_progress:
            result = run_build(export, options, on_progress)
    except (OSError, sqlite3.Error) as error:
        result = _scratch_full(error, [export, *(since or ())])
    if any(finding.code in ("B008", "B010") for finding in result.findings):
        report = None  # the report's own path may be what was refused: never write there
    _emit(result, report_format, report, lang.value, quiet)
    raise typer.Exit(exit_code(result, Severity.parse(fail_on.value)))


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A row counter on stderr for long runs; silent when stderr is no terminal or -q."""
    console = _stderr()
    if quiet or not console.is_terminal:
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), console=console,
                  transient=True) as progress:
        task = progress.add_task("0 rows", total=None)

        def update(rows: int) -> None:
            progress.update(task, description=f"{rows:,} rows".replace(",", "."))

        yield update


class CompareFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    html = "html"


# One renderer per compare --format; a test checks that every member has one.
COMPARE_RENDERERS: dict[CompareFormat, Callable[[Comparison, Lang], str]] = {
    CompareFormat.text: _lazy("rodcli.render.compare_text", "render_compare_plain"),
    CompareFormat.json: _lazy("rodcli.render.compare_json", "render_compare_json"),
    CompareFormat.csv: _lazy("rodcli.render.compare_csv", "render_compare_csv"),
    CompareFormat.html: _lazy("rodcli.render.html", "render_compare_html"),
}


@app.command(short_help="Compare the school's records with what ROD holds.")
def compare(
    ours: Annotated[Path, typer.Argument(metavar="OURS", hidden=True)],
    theirs: Annotated[Path, typer.Argument(metavar="THEIRS", hidden=True)],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", metavar="FILE",
                                  help="Read OURS as an export through this mapping (as "
                                  "build does).")
    ] = None,
    their_mapping: Annotated[
        Path | None, typer.Option("--their-mapping", metavar="FILE",
                                  help="Read THEIRS as an overview through this mapping.")
    ] = None,
    sector: Annotated[
        SectorChoice | None, typer.Option(metavar="[ho|mbo]",
                                          help="Expected sector (default: that of OURS).")
    ] = None,
    output_format: Annotated[
        CompareFormat, typer.Option("--format", metavar="[text|json|csv|html]",
                                    help="Report format; csv is one row per difference, for "
                                    "Excel; html is a page for a browser.")
    ] = CompareFormat.text,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False, metavar="FILE",
                     help="Write the report to this file (replaced atomically) instead of "
                     "stdout."),
    ] = None,
    fail_on: FailOnOption = FailOn.error,
    max_findings: Annotated[
        int, typer.Option(min=0, metavar="N",
                          help="Findings listed at most per code (0 = all); counts stay "
                          "complete.")
    ] = 1000,
    lang: LangOption = LangChoice.nl,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
) -> None:
    """Compare the school's records with what ROD holds ("Gegevens vergelijken").

    OURS is a bulk file, or an administration export with --mapping; THEIRS a bulk file, or
    an overview (CSV/XLSX) with --their-mapping. Either may be DUO's Registratieoverzicht
    (mbo), recognised by its content.
    Records match on BRIN + personal number + inschrijvingvolgnummer + record type. Reports
    records on one side only, every field that differs, personal numbers changed from
    onderwijsnummer to BSN, and duplicate keys. Exit 0 agree, 1 differ, 2 no verdict.
    """
    import sqlite3

    from rodcli.comparison import CompareOptions, CompareSummary, Comparison, SideSummary
    from rodcli.comparison import compare as run_compare
    from rodcli.render.compare_text import render_compare_summary_plain, render_compare_text

    inputs = [ours, theirs, *filter(None, (mapping, their_mapping))]
    overwritten = _input_at(output, inputs)
    if overwritten is not None:
        _stdout().print(render_text(overwritten, lang.value))
        raise typer.Exit(2)
    try:
        comparison = run_compare(CompareOptions(
            ours=ours, theirs=theirs, mapping=mapping, their_mapping=their_mapping,
            sector=sector.value if sector else None, max_findings=max_findings,
        ))
    except (OSError, sqlite3.Error) as error:
        comparison = Comparison(_scratch_full(error, [ours, theirs]),
                                CompareSummary(SideSummary(str(ours)), SideSummary(str(theirs))))
    language: Lang = lang.value
    if output is None and output_format is CompareFormat.text:
        _stdout().print(render_compare_text(comparison, language))
    else:
        text = COMPARE_RENDERERS[output_format](comparison, language)
        if output is None:
            sys.stdout.write(text)
        else:
            try:
                write_atomically(output, text)
            except OSError as error:
                _stderr().print(Text(f"rodcli: cannot write {output}: "
                                     f"{error.strerror or error}"))
                raise typer.Exit(2) from None
        if not quiet:
            sys.stderr.write(render_compare_summary_plain(comparison, language))
    raise typer.Exit(exit_code(comparison.result, Severity.parse(fail_on.value)))


@app.command(short_help="Draft a mapping file from an export.")
def init(
    export: Annotated[Path, typer.Argument(metavar="EXPORT", hidden=True)],
    sector: Annotated[SectorChoice, typer.Option(metavar="[ho|mbo]",
                                                 help="Sector the mapping is for.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, metavar="FILE",
                                  help="Write the mapping here instead of stdout.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing mapping file.")
    ] = False,
    delimiter: DelimiterOption = None,
    encoding: EncodingOption = None,
    sheet: SheetOption = None,
    lang: LangOption = LangChoice.nl,
) -> None:
    """Draft a mapping file from EXPORT's header row and a sample of its rows.

    EXPORT is an administration export (CSV or XLSX). What needs a person is marked TODO.
    """
    from rodcli.draft import draft_from_export
    from rodcli.exports import ExportError

    if output is not None and os.path.lexists(output) and not force:
        raise typer.BadParameter(f"{output} exists; pass --force to replace it",
                                 param_hint="'--output'")
    if output is not None and _same_file(output, export):
        raise typer.BadParameter("is the export itself", param_hint="'--output'")
    try:
        text = draft_from_export(export, sector.value, delimiter=delimiter, encoding=encoding,
                                 sheet=sheet)
    except ExportError as error:
        result = Result()
        result.add(error.finding)
        _stdout().print(render_text(result, lang.value))
        raise typer.Exit(2) from None
    if output is None:
        sys.stdout.write(text)
        return
    try:
        # without --force, a mapping that appeared there meanwhile is kept
        write_atomically(output, text, replace=force)
    except FileExistsError:
        _stderr().print(Text(f"rodcli: {output} exists; pass --force to replace it"))
        raise typer.Exit(2) from None
    except OSError as error:
        _stderr().print(Text(f"rodcli: cannot write {output}: {error.strerror or error}"))
        raise typer.Exit(2) from None
    _stderr().print(Text(f"{output}: mapping drafted; check the TODO lines."))


@app.command(short_help="The catalogue of finding codes.")
def codes(
    code: Annotated[str | None, typer.Argument(metavar="CODE", hidden=True)] = None,
    lang: LangOption = LangChoice.nl,
) -> None:
    """The catalogue of finding codes: severity, meaning and how to fix.

    With CODE (e.g. R003), only that code.
    """
    console = _stdout()
    language: Lang = lang.value
    if code is not None:
        info = CATALOGUE.get(code.upper())
        if info is None:
            # What was typed can be anything, a student's number included.
            _stderr().print(Text(f"Unknown code {scrub(repr(code))}; run 'rodcli codes' for "
                                 "the list."))
            raise typer.Exit(2)
        console.print(Text(f"{info.code}  {info.title.get(language)}", style="bold"))
        console.print(f"severity: {info.severity.label}   family: {info.family}")
        console.print(Text(info.message.get(language)))
        console.print(Text(info.hint.get(language)))
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False)
    for header in ("code", "severity", "meaning", "fix"):
        table.add_column(header)
    for info in CATALOGUE.values():
        table.add_row(info.code, info.severity.label, info.title.get(language),
                      Text(info.hint.get(language)))
    console.print(table)


@app.command("schema", short_help="The ROD bulk v1 format and its XSDs.")
def schema_command(
    sector: Annotated[SectorChoice | None, typer.Option(metavar="[ho|mbo]",
                                                        help="Only this sector.")] = None,
    xsd: Annotated[
        SectorChoice | None, typer.Option(metavar="[ho|mbo]",
                                          help="Print the XSD of this sector instead.")
    ] = None,
    lang: LangOption = LangChoice.nl,
) -> None:
    """The ROD bulk v1 format: fields per record type and sector, value lists, the XSDs."""
    from rodcli.bulkformat.xsd import xsd_text
    from rodcli.schema_doc import schema_text

    if xsd is not None:
        sys.stdout.write(xsd_text(xsd.value))
        return
    language: Lang = lang.value
    sectors: list[Sector] = [sector.value] if sector else list(SECTORS)
    sys.stdout.write(schema_text(sectors, language))


@app.command(short_help="The mbo and ho terms of ROD, with their sources.")
def explain(
    term: Annotated[str | None, typer.Argument(metavar="TERM", hidden=True)] = None,
    lang: LangOption = LangChoice.nl,
) -> None:
    """The mbo and ho terms of ROD in Dutch and English, each with its source (BRO or WRO
    article, WEB, WHW, DUO) and the fields and codes that use it.

    With TERM (e.g. BOL or "code beëindiging"), only that term.
    """
    from rodcli.terms import explain_text, find, list_text

    language: Lang = lang.value
    if term is None:
        sys.stdout.write(list_text(language))
        return
    found = find(term)
    if found is None:
        _stderr().print(Text(f"Unknown term {term!r}; run 'rodcli explain' for the list."))
        raise typer.Exit(2)
    sys.stdout.write(explain_text(found, language))


def _interrupted() -> None:
    with contextlib.suppress(OSError):
        _stderr().print("rodcli: onderbroken / interrupted; no partial output was left behind.")
    if _terminated:
        sys.exit(128 + signal.SIGTERM)


_terminated: list[bool] = []  # SIGTERM arrived: the run ends as on Ctrl-C, exit 143


def _terminate(signum: int, frame: object) -> None:
    # What `timeout` and a cancelled CI job send: the same way out as Ctrl-C (temporary
    # files removed, workers stopped), then 128 + 15 as shells expect.
    _terminated.append(True)
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: no traceback for users unless ``--debug`` or RODCLI_DEBUG is set."""
    debug = "--debug" in sys.argv or bool(os.environ.get("RODCLI_DEBUG"))
    if "--debug" in sys.argv:
        sys.argv.remove("--debug")
    signal.signal(signal.SIGTERM, _terminate)
    scratch.remove_stale()
    try:
        app(standalone_mode=True)
    except SystemExit as ending:
        # Typer turns Ctrl-C into a silent exit 130; rodcli itself never exits with 130.
        if ending.code == 130:
            _interrupted()
        raise
    except KeyboardInterrupt:
        _interrupted()
        sys.exit(130)
    except OSError as error:
        # Input and output files are handled where they are opened; what reaches here is the
        # report itself failing on stdout (a full disk, a closed pipe). Files that build was
        # asked to write were finished or removed before the report was printed.
        with contextlib.suppress(OSError):
            _stderr().print(f"rodcli: cannot write the report: {error.strerror or error}")
        sys.exit(2)
    except Exception as error:  # a bug in rodcli, not bad input: say so, exit 2
        if debug:
            # A traceback quotes values (an exception's message, a failing line's text):
            # it obeys the same masking as every report.
            sys.stderr.write(scrub(traceback.format_exc()))
        _stderr().print(
            f"rodcli internal error: {type(error).__name__}. Run again with --debug and "
            "report it; no data was changed."
        )
        sys.exit(2)
