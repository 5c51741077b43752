"""GitHub Actions workflow commands (``--format github``): one annotation per finding.

``::error file=F,line=L,col=C,title=CODE::message`` (``warning`` and ``notice`` for lower
severities). GitHub reads these from a step's log and shows them on the pull request's diff.
Data is escaped as the runner expects (``%``, CR, LF), properties also ``:`` and ``,``.
"""

from __future__ import annotations

from collections.abc import Iterator

from rodcli.codes import Lang, hint, message
from rodcli.findings import Finding, Result, Severity
from rodcli.render.text import word

COMMANDS: dict[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def repo_path(path: str) -> str:
    """The path as given, with forward slashes and without a leading ``./``: GitHub matches
    it against the repository's paths."""
    slashed = path.replace("\\", "/")
    while slashed.startswith("./"):
        slashed = slashed[2:]
    return slashed


def annotation(finding: Finding, lang: Lang) -> str:
    where = finding.location
    properties = [("file", repo_path(where.file))]
    if where.line is not None and where.line >= 1:
        properties.append(("line", str(where.line)))
        if where.column is not None and where.column >= 1:
            properties.append(("col", str(where.column)))
    properties.append(("title", finding.code))
    props = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    text = f"{message(finding, lang)}\n{word('hint', lang)}: {hint(finding, lang)}"
    return f"::{COMMANDS[finding.severity]} {props}::{escape_data(text)}"


def render_github(result: Result, lang: Lang) -> str:
    return "".join(stream_github(result, lang))


def stream_github(result: Result, lang: Lang) -> Iterator[str]:
    """The annotations a line at a time."""
    for finding in result.iter_sorted_findings():
        yield f"{annotation(finding, lang)}\n"
    if result.truncated:
        notice = word("truncated", lang, shown=result.kept, total=result.total)
        yield f"::warning title=rodcli::{escape_data(notice)}\n"
