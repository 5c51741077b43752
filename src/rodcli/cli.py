"""The command line: parse options, call the pipeline, render, pick the exit code."""

from __future__ import annotations

import os
import sys
import traceback
from enum import Enum
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
from rodcli.render.json import render_json
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


class OutputFormat(str, Enum):
    text = "text"
    json = "json"


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
    output_format: Annotated[OutputFormat, typer.Option("--format", help="Report format.")] = (
        OutputFormat.text
    ),
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
    result = validate_files(files, options)
    language: Lang = lang.value
    if output_format is OutputFormat.json:
        sys.stdout.write(render_json(result, language))
    else:
        _stdout().print(render_text(result, language))
    if not quiet:
        _stderr().print(render_summary(result, language))
    raise typer.Exit(exit_code(result, Severity.parse(fail_on.value)))


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
