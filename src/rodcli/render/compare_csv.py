"""The report of ``rodcli compare`` as CSV for Excel (``--format csv``).

One row per difference (C001-C005), then one per other finding (a record that fails its own
checks, a file that could not be read), with the record's file and line on each side. UTF-8
with a byte order mark and ``;`` so Dutch Excel opens it with the right columns and accents;
a cell that Excel would run as a formula gets a leading ``'``. Column names, the kind of each
row (the code's title) and its severity follow ``--lang``.
"""

from __future__ import annotations

import csv
import io

from rodcli.codes import Lang, hint, message, title
from rodcli.compare import Comparison
from rodcli.findings import Finding
from rodcli.render.compare_json import difference_dict, ordered_differences
from rodcli.render.compare_text import DIFFERENCE_CODES
from rodcli.render.text import severity_word

BOM = "\ufeff"
DELIMITER = ";"
# Cells that Excel would run as a formula (OWASP's list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

COLUMNS: dict[Lang, tuple[str, ...]] = {
    "nl": ("code", "soort", "ernst", "record", "recordtype", "veld", "waarde school",
           "waarde ROD", "bestand school", "regel school", "bestand ROD", "regel ROD",
           "melding", "oplossing"),
    "en": ("code", "kind", "severity", "record", "record type", "field", "school value",
           "ROD value", "school file", "school line", "ROD file", "ROD line", "message",
           "fix"),
}
_CUT: dict[Lang, str] = {
    "nl": "Lijst afgekapt: {shown} van {total} bevindingen in dit bestand (--max-findings); "
          "geef --max-findings 0 voor alles.",
    "en": "List cut: {shown} of {total} findings in this file (--max-findings); pass "
          "--max-findings 0 for all.",
}


def neutralise(cell: object) -> str:
    """A cell as text that Excel shows and never runs."""
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _difference_row(comparison: Comparison, finding: Finding, lang: Lang) -> list[object]:
    entry = difference_dict(comparison, finding, lang)
    ours, theirs = entry["ours"] or {}, entry["theirs"] or {}
    return [entry["code"], title(finding.code, lang), severity_word(finding.severity, lang),
            entry["record"],
            entry["record_type"], entry["field"], ours.get("value"), theirs.get("value"),
            ours.get("file"), ours.get("line"), theirs.get("file"), theirs.get("line"),
            entry["message"], entry["hint"]]


def _finding_row(comparison: Comparison, finding: Finding, lang: Lang) -> list[object]:
    where = finding.location
    on_theirs = (where.file == comparison.summary.theirs.path
                 and where.file != comparison.summary.ours.path)
    place: list[object] = [where.file, where.line]
    sides = [None, None, *place] if on_theirs else [*place, None, None]
    return [finding.code, title(finding.code, lang), severity_word(finding.severity, lang),
            where.record, finding.params.get("record_type"), where.field, None, None,
            *sides, message(finding, lang), hint(finding, lang)]


def render_compare_csv(comparison: Comparison, lang: Lang) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(COLUMNS[lang])
    findings = comparison.result.sorted_findings()
    rows = [_difference_row(comparison, finding, lang)
            for finding in ordered_differences(findings)]
    rows += [_finding_row(comparison, finding, lang) for finding in findings
             if finding.code not in DIFFERENCE_CODES]
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    result = comparison.result
    if result.truncated:
        writer.writerow([neutralise(_CUT[lang].format(shown=len(result.findings),
                                                      total=result.total))])
    return BOM + buffer.getvalue()
