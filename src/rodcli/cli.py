"""The command line: parse options, call the pipeline, render, pick the exit code."""

from __future__ import annotations

import os
import sys
import traceback
from enum import Enum, StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from rodcli import __version__
from rodcli.bulkformat import SECTORS
from rodcli.bulkformat.valuelists import value_lists
from rodcli.bulkformat.xsd import xsd_text
from rodcli.codes import CATALOGUE, Lang
from rodcli.findings import Severity, exit_code
from rodcli.pipeline import ValidateOptions, validate_files
from rodcli.render import Renderer
from rodcli.render.github import render_github
from rodcli.render.json import render_json
from rodcli.render.junit import render_junit
from rodcli.render.output import write_atomically
from rodcli.render.plain import render_plain
from rodcli.render.sarif import render_sarif
from rodcli.render.text import render_summary, render_text
from rodcli.schema_doc import field_rows

app = typer.Typer(
    name="rodcli",
    help="Bulk files for DUO's Register Onderwijsdeelnemers (ROD): validate, build, compare.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


class SectorChoice(str, Enum):
    ho = "ho"
    mbo = "mbo"


class FailOn(str, Enum):
    warning = "warning"
    error = "error"


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"
    sarif = "sarif"
    github = "github"


# One renderer per --format; a test checks that every member has one.
RENDERERS: dict[OutputFormat, Renderer] = {
    OutputFormat.text: render_plain,
    OutputFormat.json: render_json,
    OutputFormat.junit: render_junit,
    OutputFormat.sarif: render_sarif,
    OutputFormat.github: render_github,
}


class LangChoice(str, Enum):
    nl = "nl"
    en = "en"


LangOption = Annotated[
    LangChoice,
    typer.Option("--lang", envvar="RODCLI_LANG", help="Language of messages and hints."),
]


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
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """rodcli: build, validate and compare ROD bulk files."""


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Bulk files (XML or CSV, detected).")],
    sector: Annotated[
        SectorChoice | None, typer.Option(help="Expected sector; a file of the other is an error.")
    ] = None,
    schema: Annotated[
        Path | None, typer.Option(help="Check XML against this XSD (e.g. DUO's) instead.")
    ] = None,
    with_files: Annotated[
        list[Path] | None,
        typer.Option("--with", help="Earlier delivery whose records count for cross-record "
                     "rules (repeatable)."),
    ] = None,
    fail_on: Annotated[FailOn, typer.Option(help="Lowest severity that fails (exit 1).")] = (
        FailOn.error
    ),
    max_findings: Annotated[
        int, typer.Option(min=0, help="Findings listed at most (0 = all); counts stay complete.")
    ] = 1000,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", help="Report format; junit for GitLab/Jenkins, sarif for "
                     "GitHub code scanning, github for pull-request annotations."),
    ] = OutputFormat.text,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", dir_okay=False,
                     help="Write the report to this file (replaced atomically) instead of "
                     "stdout; the summary still goes to stderr."),
    ] = None,
    lang: LangOption = LangChoice.nl,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
) -> None:
    """Check ROD bulk files as the Loket would. Exit 0 ok, 1 findings, 2 no verdict."""
    options = ValidateOptions(
        sector=sector.value if sector else None,
        schema=schema,
        with_files=tuple(with_files or ()),
        max_findings=max_findings,
    )
    inputs = [*files, *(with_files or ()), *([schema] if schema else [])]
    if output is not None and any(_same_file(output, path) for path in inputs):
        raise typer.BadParameter("is one of the input files; rodcli never overwrites its input",
                                 param_hint="'--output'")
    result = validate_files(files, options)
    language: Lang = lang.value
    if output is None and output_format is OutputFormat.text:
        _stdout().print(render_text(result, language))  # rich: colour on a terminal
    elif output is None:
        sys.stdout.write(RENDERERS[output_format](result, language))
    else:
        try:
            write_atomically(output, RENDERERS[output_format](result, language))
        except OSError as error:
            _stderr().print(Text(f"rodcli: cannot write {output}: "
                                 f"{error.strerror or error}"))
            raise typer.Exit(2) from None
    if not quiet:
        _stderr().print(render_summary(result, language))
    raise typer.Exit(exit_code(result, Severity.parse(fail_on.value)))


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.exists() and second.exists() and first.samefile(second)
    except OSError:
        return False


@app.command()
def codes(
    code: Annotated[str | None, typer.Argument(help="One code, e.g. R003.")] = None,
    lang: LangOption = LangChoice.nl,
) -> None:
    """The catalogue of finding codes: severity, meaning and how to fix."""
    console = _stdout()
    language: Lang = lang.value
    if code is not None:
        info = CATALOGUE.get(code.upper())
        if info is None:
            _stderr().print(f"Unknown code {code!r}; run 'rodcli codes' for the list.")
            raise typer.Exit(2)
        console.print(Text(f"{info.code}  {info.title.get(language)}", style="bold"))
        console.print(f"severity: {info.severity.label}   family: {info.family}")
        console.print(Text(info.message.get(language)))
        console.print(Text(info.hint.get(language)))
        return
    table = Table(box=None, pad_edge=False)
    for header in ("code", "severity", "meaning", "fix"):
        table.add_column(header)
    for info in CATALOGUE.values():
        table.add_row(info.code, info.severity.label, info.title.get(language),
                      Text(info.hint.get(language)))
    console.print(table)


@app.command("schema")
def schema_command(
    sector: Annotated[SectorChoice | None, typer.Option(help="Only this sector.")] = None,
    xsd: Annotated[
        SectorChoice | None, typer.Option(help="Print the XSD of this sector instead.")
    ] = None,
    lang: LangOption = LangChoice.nl,
) -> None:
    """The ROD bulk v1 format: fields per record type and sector, value lists, the XSDs."""
    if xsd is not None:
        sys.stdout.write(xsd_text(xsd.value))
        return
    console = _stdout()
    language: Lang = lang.value
    for name in [sector.value] if sector else list(SECTORS):
        table = Table(title=f"ROD bulk v1 — {name}", box=None, pad_edge=False)
        for header in ("record", "field", "meaning", "format", "required", "value list"):
            table.add_column(header)
        for row in field_rows(name, language):  # type: ignore[arg-type]
            table.add_row(row.record_type, row.name, row.meaning, row.kind, row.required,
                          row.value_list)
        console.print(table)
    lists = Table(title="value lists", box=None, pad_edge=False)
    for header in ("list", "codes"):
        lists.add_column(header)
    for value_list in value_lists().values():
        lists.add_row(value_list.name, value_list.codes_text())
    console.print(lists)


def main() -> None:
    """Entry point: no traceback for users unless ``--debug`` or RODCLI_DEBUG is set."""
    debug = "--debug" in sys.argv or bool(os.environ.get("RODCLI_DEBUG"))
    if "--debug" in sys.argv:
        sys.argv.remove("--debug")
    try:
        app(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        _stderr().print("Onderbroken / interrupted.")
        sys.exit(130)
    except Exception as error:  # a bug in rodcli, not bad input: say so, exit 2
        if debug:
            traceback.print_exc()
        _stderr().print(
            f"rodcli internal error: {type(error).__name__}. Run again with --debug and "
            "report it; no data was changed."
        )
        sys.exit(2)
