"""The report of ``rodcli compare`` as text: a summary table, then the differences grouped by
kind (C001, C010, C002, C004, C003, C005; between two ROs C014, C015, C016), then the records
that fail their own checks.

``render_compare_text`` returns a rich renderable (colour on a terminal);
``render_compare_plain`` the same report as uncoloured text. No I/O here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from rodcli.codes import CATALOGUE, Lang, title
from rodcli.comparison import Comparison, SideSummary
from rodcli.findings import Finding
from rodcli.render.text import finding_lines, location_text

# The kinds of difference, in the order the report shows them.
DIFFERENCE_CODES = ("C001", "C010", "C014", "C002", "C015", "C004", "C003", "C016", "C005")
# Between two registratieoverzichten: the same kinds as C001, C002 and C003, in other words.
SHAPES = {"C014": "C001", "C015": "C002", "C016": "C003"}


def shape(code: str) -> str:
    """The kind of difference a code is shown as (C014 as C001, ...)."""
    return SHAPES.get(code, code)

_WORDS: dict[str, dict[Lang, str]] = {
    "heading": {"nl": "Vergelijking {ours} ↔ {theirs}", "en": "Comparison {ours} ↔ {theirs}"},
    "school": {"nl": "school", "en": "school"},
    "rod": {"nl": "ROD", "en": "ROD"},
    # Between two of DUO's registratieoverzichten neither side is the school's.
    "ro_ours": {"nl": "RO 1", "en": "RO 1"},
    "ro_theirs": {"nl": "RO 2", "en": "RO 2"},
    "side": {"nl": "{name}: {path} ({kind}, {sector}, {records} records)",
             "en": "{name}: {path} ({kind}, {sector}, {records} records)"},
    "records": {"nl": "records gelezen", "en": "records read"},
    "matched": {"nl": "gekoppeld op sleutel", "en": "matched by key"},
    "pgn_changed": {"nl": "persoonsnummer gewijzigd", "en": "personal number changed"},
    "only": {"nl": "alleen aan deze kant", "en": "on this side only"},
    "duplicates": {"nl": "dubbele sleutel", "en": "duplicate key"},
    "unkeyed": {"nl": "zonder bruikbare sleutel", "en": "without a usable key"},
    "failed": {"nl": "met fouten (velden niet vergeleken)",
               "en": "with errors (fields not compared)"},
    "skipped": {"nl": "niet vergeleken (buiten selectie RO, geen tegenhanger)",
                "en": "not compared (outside the RO's selection, no counterpart)"},
    "balance": {
        "nl": "gekoppeld: {matched} = {equal} gelijk + {differing} met verschillen "
              "({fields} velden) + {not_compared} niet vergeleken",
        "en": "matched: {matched} = {equal} equal + {differing} differing ({fields} fields) "
              "+ {not_compared} not compared",
    },
    "agree": {"nl": "{Ours} en {theirs} komen overeen.", "en": "{Ours} and {theirs} agree."},
    "differ": {"nl": "{Ours} en {theirs} verschillen: {count} verschil(len).",
               "en": "{Ours} and {theirs} differ: {count} difference(s)."},
    "no_verdict": {"nl": "Geen oordeel: niet elk bestand is volledig gelezen; er is niet "
                         "vergeleken.",
                   "en": "No verdict: not every file was read completely; nothing was "
                         "compared."},
    "checks": {"nl": "Bevindingen bij het lezen en controleren van de bestanden",
               "en": "Findings from reading and checking the files"},
    "fix": {"nl": "oplossing", "en": "fix"},
    "more": {"nl": "… en nog {count} (--max-findings)", "en": "… and {count} more "
             "(--max-findings)"},
    "also_on": {"nl": "ook op regel {line}", "en": "also on line {line}"},
    "empty": {"nl": "(leeg)", "en": "(empty)"},
    "unknown": {"nl": "?", "en": "?"},
}


def word(key: str, lang: Lang, **params: object) -> str:
    return _WORDS[key][lang].format(**params)


def side_names(comparison: Comparison, lang: Lang) -> tuple[str, str]:
    """What the report calls OURS and THEIRS: the school and ROD, or, between two of DUO's
    registratieoverzichten, RO 1 and RO 2."""
    summary = comparison.summary
    if summary.ours.kind == "ro" and summary.theirs.kind == "ro":
        return word("ro_ours", lang), word("ro_theirs", lang)
    return word("school", lang), word("rod", lang)


def sides_word(key: str, comparison: Comparison, lang: Lang, **params: object) -> str:
    """A sentence naming both sides (heading, verdict)."""
    ours, theirs = side_names(comparison, lang)
    return word(key, lang, ours=ours, theirs=theirs, Ours=ours[:1].upper() + ours[1:],
                **params)


def shown(value: str, lang: Lang) -> str:
    """A field value as the report shows it: empty as ``(leeg)``."""
    return value if value else word("empty", lang)


def other_location(comparison: Comparison, finding: Finding) -> str:
    """``file:line`` of the record on the other side (THEIRS) of a C003/C004 finding."""
    return f"{comparison.summary.theirs.path}:{finding.params.get('other_line', '?')}"


def verdict(comparison: Comparison, lang: Lang) -> str:
    summary = comparison.summary
    if not summary.compared:
        return word("no_verdict", lang)
    if comparison.agree:
        return sides_word("agree", comparison, lang)
    count = sum(comparison.result.code_counts[code] for code in DIFFERENCE_CODES)
    return sides_word("differ", comparison, lang, count=count)


def _side_line(name: str, side: SideSummary, lang: Lang) -> Text:
    return Text(word("side", lang, name=name, path=side.path, kind=side.kind or "?",
                     sector=side.sector or "?", records=side.records))


def summary_renderable(comparison: Comparison, lang: Lang) -> RenderableType:
    """The summary table with the verdict (also what goes to stderr)."""
    summary = comparison.summary
    ours, theirs = summary.ours, summary.theirs
    table = Table(box=None, pad_edge=False, show_header=True)
    table.add_column("")
    school, rod = side_names(comparison, lang)
    table.add_column(school, justify="right")
    table.add_column(rod, justify="right")
    for key in ("records", "matched", "pgn_changed", "only", "duplicates", "unkeyed", "failed",
                "skipped"):
        if key == "skipped" and not (ours.skipped or theirs.skipped):
            continue  # only a comparison with an RO skips records: no row of zeros otherwise
        table.add_row(word(key, lang), str(getattr(ours, key)), str(getattr(theirs, key)))
    parts: list[RenderableType] = [
        Text(sides_word("heading", comparison, lang), style="bold"),
        _side_line(school, ours, lang),
        _side_line(rod, theirs, lang),
        Text(""),
        table,
    ]
    if summary.compared:
        parts.append(Text(word("balance", lang, matched=ours.matched, equal=summary.equal,
                               differing=summary.differing, fields=summary.field_differences,
                               not_compared=summary.not_compared)))
    style = "green" if comparison.agree else "bold red"
    parts.append(Text(verdict(comparison, lang), style=style))
    return Group(*parts)


def _group(comparison: Comparison, code: str, findings: list[Finding],
           lang: Lang) -> list[RenderableType]:
    total = comparison.result.code_counts[code]
    info = CATALOGUE[code]
    parts: list[RenderableType] = [
        Text(""),
        Text(f"{code} {title(code, lang)} ({total})", style="bold"),
        Text(f"    {word('fix', lang)}: {info.hint.get(lang)}", style="dim"),
    ]
    if shape(code) == "C003":
        parts.extend(_field_lines(comparison, findings, lang))
    else:
        parts.extend(_record_line(comparison, finding, lang) for finding in findings)
    if total > len(findings):
        parts.append(Text("  " + word("more", lang, count=total - len(findings)), style="dim"))
    return parts


def _record_line(comparison: Comparison, finding: Finding, lang: Lang) -> Text:
    params = finding.params
    text = Text("  ")
    text.append(location_text(finding), style="bold")
    if finding.code == "C004":
        text.append(f" ↔ {other_location(comparison, finding)}", style="bold")
    text.append(f"  {params.get('record_type', '?')}  {finding.location.record or '?'}")
    if finding.code == "C004":
        school, rod = side_names(comparison, lang)
        text.append(f"\n      {school}: {params.get('ours_kind')} "
                    f"{params.get('ours')}   {rod}: {params.get('theirs_kind')} "
                    f"{params.get('theirs')}")
    elif finding.code == "C005":
        text.append(f"  ({word('also_on', lang, line=params.get('other_line', '?'))})",
                    style="dim")
    return text


def _field_lines(comparison: Comparison, findings: list[Finding], lang: Lang) -> list[Text]:
    """One heading per record, then one line per field that differs, values aligned."""
    lines: list[Text] = []
    school, rod = side_names(comparison, lang)
    by_record: dict[tuple[str, int | None, str | None], list[Finding]] = {}
    for finding in findings:
        where = finding.location
        by_record.setdefault((where.file, where.line, where.record), []).append(finding)
    for group in by_record.values():
        first = group[0]
        heading = Text("  ")
        heading.append(f"{location_text(first)} ↔ {other_location(comparison, first)}",
                       style="bold")
        heading.append(f"  {first.params.get('record_type', '?')}  "
                       f"{first.location.record or '?'}")
        lines.append(heading)
        width = max(len(finding.params.get("name", "")) for finding in group)
        for finding in group:
            params = finding.params
            line = Text(f"      {params.get('name', '?'):<{width}}  ")
            line.append(f"{school}: ")
            line.append(shown(params.get("ours", ""), lang), style="green")
            line.append(f"   {rod}: ")
            line.append(shown(params.get("theirs", ""), lang), style="yellow")
            lines.append(line)
    return lines


def _listed(comparison: Comparison, codes: Iterable[str]) -> dict[str, list[Finding]]:
    wanted = set(codes)
    grouped: dict[str, list[Finding]] = {}
    for finding in comparison.result.sorted_findings():
        if finding.code in wanted:
            grouped.setdefault(finding.code, []).append(finding)
    return grouped


def render_compare_text(comparison: Comparison, lang: Lang) -> RenderableType:
    """The full compare report (for stdout)."""
    parts: list[RenderableType] = [summary_renderable(comparison, lang)]
    listed = _listed(comparison, DIFFERENCE_CODES)
    for code in DIFFERENCE_CODES:
        if comparison.result.code_counts[code]:
            parts.extend(_group(comparison, code, listed.get(code, []), lang))
    others = [finding for finding in comparison.result.sorted_findings()
              if finding.code not in DIFFERENCE_CODES]
    if others:
        parts.extend([Text(""), Text(word("checks", lang), style="bold")])
        parts.extend(finding_lines(finding, lang) for finding in others)
        total = sum(count for code, count in comparison.result.code_counts.items()
                    if code not in DIFFERENCE_CODES)
        if total > len(others):
            parts.append(Text("  " + word("more", lang, count=total - len(others)),
                              style="dim"))
    return Group(*parts)


def render_compare_plain(comparison: Comparison, lang: Lang) -> str:
    """The same report as plain text, never wrapped (for --output and tests)."""
    buffer = io.StringIO()
    console = Console(file=buffer, soft_wrap=True, highlight=False, color_system=None,
                      force_terminal=False, force_jupyter=False, width=100)
    console.print(render_compare_text(comparison, lang))
    return buffer.getvalue()


def render_compare_summary_plain(comparison: Comparison, lang: Lang) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, soft_wrap=True, highlight=False, color_system=None,
                      force_terminal=False, force_jupyter=False, width=100)
    console.print(summary_renderable(comparison, lang))
    return buffer.getvalue()
