"""Human-readable report: one ``file:line:col: CODE message`` line per finding, then a hint,
then a summary per code. Returns a rich renderable; the CLI decides where it goes."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from rodcli.codes import CATALOGUE, Lang, hint, message, title
from rodcli.findings import Finding, Result, Severity

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}

_WORDS: dict[str, dict[Lang, str]] = {
    "hint": {"nl": "oplossing", "en": "fix"},
    "truncated": {
        "nl": "Lijst afgekapt: {shown} van {total} bevindingen getoond (--max-findings); "
              "de tellingen hieronder zijn volledig.",
        "en": "List cut: {shown} of {total} findings shown (--max-findings); the counts below "
              "are complete.",
    },
    "code": {"nl": "code", "en": "code"},
    "severity": {"nl": "ernst", "en": "severity"},
    "count": {"nl": "aantal", "en": "count"},
    "meaning": {"nl": "betekenis", "en": "meaning"},
    "file": {
        "nl": "{file}: {kind} {sector}, {records}, codering {encoding}",
        "en": "{file}: {kind} {sector}, {records}, encoding {encoding}",
    },
    "unread": {"nl": "{file}: niet gelezen", "en": "{file}: not read"},
    "rows": {
        "nl": "{read} gelezen = {accepted} goed + {rejected} afgewezen "
              "({blank} overgeslagen); {written} geschreven",
        "en": "{read} read = {accepted} accepted + {rejected} rejected "
              "({blank} skipped); {written} written",
    },
    "unchanged": {
        "nl": "{unchanged} ongewijzigd sinds de vorige levering (niet opnieuw geschreven)",
        "en": "{unchanged} unchanged since the last delivery (not written again)",
    },
    "written": {"nl": "bulkbestand: {path}", "en": "bulk file: {path}"},
    "not_written": {"nl": "geen bulkbestand geschreven", "en": "no bulk file written"},
    "rejects": {"nl": "afgewezen rijen: {path}", "en": "rejected rows: {path}"},
    "clean": {"nl": "Geen bevindingen.", "en": "No findings."},
    "totals": {
        "nl": "{errors}, {warnings}, {infos} in {files}",
        "en": "{errors}, {warnings}, {infos} in {files}",
    },
}

# Singular and plural of the nouns counted in the summary: "1 lege rij", not "1 lege rijen".
_NOUNS: dict[str, dict[Lang, tuple[str, str]]] = {
    "row": {"nl": ("rij", "rijen"), "en": ("row", "rows")},
    "blank": {"nl": ("lege rij", "lege rijen"), "en": ("blank row", "blank rows")},
    "record": {"nl": ("record", "records"), "en": ("record", "records")},
    "error": {"nl": ("fout", "fouten"), "en": ("error", "errors")},
    "warning": {"nl": ("waarschuwing", "waarschuwingen"), "en": ("warning", "warnings")},
    "note": {"nl": ("melding", "meldingen"), "en": ("note", "notes")},
    "file": {"nl": ("bestand", "bestanden"), "en": ("file", "files")},
}


def counted(count: int, noun: str, lang: Lang) -> str:
    """``count`` with the noun in the right number: "1 lege rij", "2 lege rijen"."""
    one, many = _NOUNS[noun][lang]
    return f"{count} {one if count == 1 else many}"

_SEVERITY_WORD: dict[Severity, dict[Lang, str]] = {
    Severity.ERROR: {"nl": "fout", "en": "error"},
    Severity.WARNING: {"nl": "waarschuwing", "en": "warning"},
    Severity.INFO: {"nl": "melding", "en": "note"},
}


def severity_word(severity: Severity, lang: Lang) -> str:
    return _SEVERITY_WORD[severity][lang]


def word(key: str, lang: Lang, **params: object) -> str:
    return _WORDS[key][lang].format(**params)


def location_text(finding: Finding) -> str:
    where = finding.location
    parts = [where.file]
    if where.line is not None:
        parts.append(str(where.line))
        if where.column is not None:
            parts.append(str(where.column))
    return ":".join(parts)


def finding_lines(finding: Finding, lang: Lang) -> Text:
    where = finding.location
    text = Text()
    text.append(f"{location_text(finding)}: ", style="bold")
    text.append(finding.code, style=_STYLE[finding.severity])
    text.append(f" {message(finding, lang)}")
    context = [part for part in (where.field, where.record) if part]
    if context:
        text.append(f"  [{' · '.join(context)}]", style="dim")
    text.append(f"\n    {word('hint', lang)}: {hint(finding, lang)}", style="dim")
    return text


def render_text(result: Result, lang: Lang) -> RenderableType:
    """The full report (for stdout)."""
    return Group(*text_parts(result, lang))


def text_parts(result: Result, lang: Lang) -> Iterator[RenderableType]:
    """The full report a finding at a time, to print as it comes (a million findings
    need not be held)."""
    for finding in result.iter_sorted_findings():
        yield finding_lines(finding, lang)
    if result.truncated:
        yield Text(word("truncated", lang, shown=result.kept, total=result.total),
                   style="bold yellow")


def build_lines(result: Result, lang: Lang) -> list[tuple[str, str | None]]:
    """What build did with the export's rows, a line each, with its style (or None); the
    text and the HTML report both show these."""
    summary = result.build
    assert summary is not None
    lines: list[tuple[str, str | None]] = [(word(
        "rows", lang, read=counted(summary.rows_read, "row", lang),
        accepted=summary.rows_accepted, rejected=summary.rows_rejected,
        blank=counted(summary.rows_blank, "blank", lang),
        written=counted(summary.records_written, "record", lang)), None)]
    if summary.records_unchanged:
        lines.append((word("unchanged", lang,
                           unchanged=counted(summary.records_unchanged, "record", lang)), None))
    if summary.output:
        lines.append((word("written", lang, path=summary.output), "green"))
    else:
        lines.append((word("not_written", lang), "bold red"))
    if summary.rejects:
        lines.append((word("rejects", lang, path=summary.rejects), None))
    return lines


def render_summary(result: Result, lang: Lang) -> RenderableType:
    """Per-file facts, the count per code and the totals (for stderr)."""
    parts: list[RenderableType] = []
    if result.build is not None:
        parts.extend(Text(line, style=style or "") for line, style in build_lines(result, lang))
    for report in result.files:
        if not report.readable:
            parts.append(Text(word("unread", lang, file=report.path)))
            continue
        parts.append(Text(word("file", lang, file=report.path, kind=report.kind or "?",
                               sector=report.sector or "?",
                               records=counted(report.records, "record", lang),
                               encoding=report.encoding or "?")))
    if result.code_counts:
        table = Table(box=None, pad_edge=False)
        for header in ("code", "severity", "count", "meaning"):
            table.add_column(word(header, lang))
        for code, count in sorted(result.code_counts.items()):
            severity = CATALOGUE[code].severity
            table.add_row(Text(code, style=_STYLE[severity]), _SEVERITY_WORD[severity][lang],
                          str(count), title(code, lang))
        parts.append(table)
    else:
        parts.append(Text(word("clean", lang), style="green"))
    parts.append(Text(totals(result, lang), style="bold"))
    return Group(*parts)


def totals(result: Result, lang: Lang) -> str:
    """"2 fouten, 0 waarschuwingen, 1 melding in 1 bestand" (a build reads one export)."""
    counts = result.severity_counts
    files = 1 if result.build is not None else len(result.files)
    return word("totals", lang, errors=counted(counts[Severity.ERROR], "error", lang),
                warnings=counted(counts[Severity.WARNING], "warning", lang),
                infos=counted(counts[Severity.INFO], "note", lang),
                files=counted(files, "file", lang))
