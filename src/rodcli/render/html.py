"""A report to open in a browser (``--format html``): one self-contained page.

For the student administrators who fix a rejected delivery: the verdict in one sentence, the
counts per severity, a bar per code, then the findings grouped by code with meaning and fix,
which they can filter (severity, code, free text) and sort without a server. The page loads
nothing: its CSS and a few lines of script are inline, and a Content-Security-Policy lets only
that script (by its hash) run, so it works from a file share or as an e-mail attachment, and
text from the input can never become markup or code. Without script everything is shown.

Everything taken from the input (values, paths, column names) is escaped here; personal
numbers reach a renderer masked already (``make_finding``), exactly as in every other format.
Pure functions, no I/O.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from difflib import SequenceMatcher
from html import escape

from rodcli import __version__
from rodcli.bulkformat import FORMAT_NAME
from rodcli.codes import CATALOGUE, Lang, hint, message, title
from rodcli.comparison import Comparison, SideSummary
from rodcli.findings import Finding, Result, Severity
from rodcli.render.compare_text import DIFFERENCE_CODES, verdict
from rodcli.render.compare_text import word as compare_word
from rodcli.render.text import build_lines

_WORDS: dict[str, dict[Lang, str]] = {
    "report": {"nl": "rodcli-rapport", "en": "rodcli report"},
    "compare": {"nl": "Vergelijking school ↔ ROD", "en": "Comparison school ↔ ROD"},
    "privacy": {
        "nl": "Dit rapport bevat geen volledig BSN of onderwijsnummer: persoonsnummers zijn "
              "gemaskeerd (*****1234). Het kan dus veilig gedeeld worden.",
        "en": "This report holds no full BSN or onderwijsnummer: personal numbers are masked "
              "(*****1234), so it is safe to share.",
    },
    "no_verdict": {
        "nl": "Geen oordeel: niet elk bestand kon gelezen of beoordeeld worden.",
        "en": "No verdict: not every file could be read or judged.",
    },
    "bad": {"nl": "Niet in orde: {errors} fout(en) om eerst te herstellen.",
            "en": "Not in order: {errors} error(s) to fix first."},
    "warned": {"nl": "In orde, met {warnings} waarschuwing(en) om na te kijken.",
               "en": "In order, with {warnings} warning(s) to look at."},
    "good": {"nl": "In orde: geen fouten of waarschuwingen.",
             "en": "In order: no errors or warnings."},
    "error": {"nl": "fouten", "en": "errors"},
    "warning": {"nl": "waarschuwingen", "en": "warnings"},
    "info": {"nl": "meldingen", "en": "notes"},
    "error1": {"nl": "fout", "en": "error"},
    "warning1": {"nl": "waarschuwing", "en": "warning"},
    "info1": {"nl": "melding", "en": "note"},
    "files": {"nl": "Bestanden", "en": "Files"},
    "kind": {"nl": "soort", "en": "kind"},
    "sector": {"nl": "sector", "en": "sector"},
    "records": {"nl": "records", "en": "records"},
    "encoding": {"nl": "codering", "en": "encoding"},
    "not_read": {"nl": "niet gelezen", "en": "not read"},
    "per_code": {"nl": "Bevindingen per code", "en": "Findings per code"},
    "truncated": {
        "nl": "Lijst afgekapt: {shown} van {total} bevindingen getoond (--max-findings); de "
              "tellingen zijn volledig. Draai met --max-findings 0 voor alles.",
        "en": "List cut: {shown} of {total} findings shown (--max-findings); the counts are "
              "complete. Run with --max-findings 0 for all.",
    },
    "group_cut": {"nl": "{shown} van {total} getoond (--max-findings)",
                  "en": "{shown} of {total} shown (--max-findings)"},
    "page_cut": {"nl": "{shown} van {total} getoond: een pagina toont er per code hoogstens "
                       "{shown}; --format json, sarif of junit geeft ze allemaal",
                 "en": "{shown} of {total} shown: a page shows at most {shown} per code; "
                       "--format json, sarif or junit gives them all"},
    "filter": {"nl": "Filter", "en": "Filter"},
    "severity": {"nl": "ernst", "en": "severity"},
    "code": {"nl": "code", "en": "code"},
    "search": {"nl": "zoek", "en": "search"},
    "all": {"nl": "alle", "en": "all"},
    "visible": {"nl": "rijen zichtbaar", "en": "rows visible"},
    "sort_hint": {"nl": "klik op een kolomkop om te sorteren",
                  "en": "click a column heading to sort"},
    "file": {"nl": "bestand", "en": "file"},
    "line": {"nl": "regel", "en": "line"},
    "column": {"nl": "kolom", "en": "column"},
    "field": {"nl": "veld", "en": "field"},
    "source": {"nl": "exportkolom", "en": "export column"},
    "record": {"nl": "record", "en": "record"},
    "message": {"nl": "melding", "en": "message"},
    "fix": {"nl": "oplossing", "en": "fix"},
    "fix_label": {"nl": "Oplossing", "en": "Fix"},
    "meaning": {"nl": "betekenis", "en": "meaning"},
    "none": {"nl": "Geen bevindingen.", "en": "No findings."},
    # compare
    "side": {"nl": "{path} ({kind}, {sector}, {records} records)",
             "en": "{path} ({kind}, {sector}, {records} records)"},
    "type": {"nl": "recordtype", "en": "record type"},
    "also_on": {"nl": "ook op regel", "en": "also on line"},
    "checks": {"nl": "Bevindingen bij het lezen en controleren van de bestanden",
               "en": "Findings from reading and checking the files"},
}


def _word(key: str, lang: Lang, **params: object) -> str:
    return _WORDS[key][lang].format(**params)


def _e(value: object) -> str:
    """Text as HTML: every ``<``, ``&`` and quote escaped, so input is never markup."""
    return escape(str(value), quote=True)


_CSS = """
:root{--err:#b3261e;--warn:#8a5a00;--info:#1d5fa6;--ok:#1e7a34;--line:#d8dbe0}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0;
color:#1c1f24;background:#f6f7f9}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0 0 6px}
.meta{color:#5b6270;font-size:13px;margin:0 0 16px}
.verdict{font-size:19px;font-weight:600;padding:12px 16px;border-radius:6px;margin:0 0 12px;
border-left:6px solid}
.v-error{background:#fbeceb;border-color:var(--err)}.v-warning{background:#fdf4e3;
border-color:var(--warn)}.v-ok{background:#e9f5ec;border-color:var(--ok)}
.v-none{background:#eceef2;border-color:#5b6270}
.privacy{font-size:13px;color:#3d4350;margin:0 0 16px}
.counts{display:flex;gap:12px;list-style:none;padding:0;margin:0 0 16px}
.counts li{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 14px}
.counts b{font-size:22px;display:block}
.error b,.sev-error{color:var(--err)}.warning b,.sev-warning{color:var(--warn)}
.info b,.sev-info{color:var(--info)}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:14px 16px;
margin:0 0 16px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f0f2f5;white-space:nowrap}
th[data-sort]{cursor:pointer}th[data-sort]::after{content:" \\2195";color:#9aa0aa}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.chart .bar-row{display:grid;grid-template-columns:60px 1fr 60px;gap:8px;align-items:center;
cursor:pointer;margin:2px 0}
.bar{display:block;height:14px;border-radius:3px;min-width:2px}
.bar.error{background:var(--err)}.bar.warning{background:#d69e2e}.bar.info{background:var(--info)}
.bar-label{font-family:ui-monospace,Menlo,Consolas,monospace}
.bar-n{text-align:right;font-variant-numeric:tabular-nums}
.controls{display:flex;flex-wrap:wrap;gap:14px;align-items:center}
.controls select,.controls input{font:inherit;padding:3px 6px}
.group h2 .badge{font-size:12px;text-transform:uppercase;border:1px solid;border-radius:4px;
padding:0 5px;margin-right:6px;vertical-align:2px}
.fix{margin:0 0 8px;color:#3d4350}.cut{color:var(--warn);font-weight:600}
td.key{white-space:nowrap}td.path{word-break:break-all;min-width:12em}
.scroll{overflow-x:auto}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
mark{background:#ffe08a;padding:0 1px}
.side-school{background:#f2faf4}.side-rod{background:#fdf8ec}
td.side-school,td.side-rod{white-space:nowrap}
[hidden]{display:none!important}
"""

# Filtering, sorting and search: plain DOM, no framework; event listeners only, because the
# Content-Security-Policy allows this script by its hash and no inline handlers.
_SCRIPT = """
(function () {
  var sev = document.getElementById("f-severity"), code = document.getElementById("f-code");
  var text = document.getElementById("f-search"), count = document.getElementById("visible");
  if (!sev) { return; }
  function apply() {
    var s = sev.value, c = code.value, t = text.value.toLowerCase(), n = 0;
    document.querySelectorAll("section.group").forEach(function (group) {
      var any = false;
      group.querySelectorAll("tbody tr").forEach(function (row) {
        var ok = (!s || row.dataset.severity === s) && (!c || row.dataset.code === c) &&
          (!t || row.textContent.toLowerCase().indexOf(t) >= 0);
        row.hidden = !ok;
        if (ok) { any = true; n++; }
      });
      group.hidden = !((!s || group.dataset.severity === s) &&
        (!c || group.dataset.code === c) && (any || !t));
    });
    count.textContent = String(n);
  }
  document.querySelectorAll("th[data-sort]").forEach(function (th) {
    th.addEventListener("click", function () {
      var body = th.closest("table").tBodies[0], at = th.cellIndex;
      var num = th.dataset.sort === "num", dir = th.dataset.dir === "asc" ? -1 : 1;
      th.dataset.dir = dir > 0 ? "asc" : "desc";
      Array.prototype.slice.call(body.rows).sort(function (a, b) {
        var x = a.cells[at].textContent, y = b.cells[at].textContent;
        return dir * (num ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y));
      }).forEach(function (row) { body.appendChild(row); });
    });
  });
  document.querySelectorAll(".bar-row").forEach(function (bar) {
    bar.addEventListener("click", function () { code.value = bar.dataset.code; apply(); });
  });
  sev.addEventListener("change", apply);
  code.addEventListener("change", apply);
  text.addEventListener("input", apply);
  apply();
})();
"""

_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode()
# Nothing may be fetched (no network from a file share or a mail client), and only the script
# above may run: even a payload that slipped past escaping would stay inert.
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

_SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def _page(heading: str, lang: Lang, body: Iterable[str]) -> str:
    return "".join([
        "<!DOCTYPE html>\n",
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">\n',
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        '<meta name="referrer" content="no-referrer">\n',
        f"<title>{_e(heading)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n",
        f"<h1>{_e(heading)}</h1>\n",
        f'<p class="meta">rodcli {_e(__version__)} · {_e(FORMAT_NAME)}</p>\n',
        *body,
        f"</main>\n<script>{_SCRIPT}</script>\n</body>\n</html>\n",
    ])


def _verdict_html(css: str, text: str) -> str:
    return f'<p id="verdict" class="verdict {css}">{_e(text)}</p>\n'


def _counts_html(result: Result, lang: Lang) -> str:
    items = "".join(
        f'<li class="{severity.label}"><b id="count-{severity.label}">'
        f"{result.severity_counts[severity]}</b>{_e(_word(severity.label, lang))}</li>"
        for severity in _SEVERITIES)
    return f'<ul class="counts">{items}</ul>\n<p class="privacy">{_e(_word("privacy", lang))}' \
           "</p>\n"


def _ordered_codes(counts: Counter[str]) -> list[str]:
    """Codes with a count, worst severity first, then by code."""
    return sorted((code for code, count in counts.items() if count),
                  key=lambda code: (-CATALOGUE[code].severity, code))


def _chart_html(counts: Counter[str], lang: Lang) -> str:
    codes = _ordered_codes(counts)
    if not codes:
        return ""
    most = max(counts[code] for code in codes)
    rows = []
    for code in codes:
        severity = CATALOGUE[code].severity.label
        width = max(1.0, 100.0 * counts[code] / most)
        rows.append(
            f'<div class="bar-row" data-code="{code}" title="{_e(title(code, lang))}">'
            f'<span class="bar-label">{code}</span>'
            f'<span><span class="bar {severity}" style="width:{width:.1f}%"></span></span>'
            f'<span class="bar-n">{counts[code]}</span></div>')
    return (f'<section class="card chart"><h2>{_e(_word("per_code", lang))}</h2>\n'
            + "\n".join(rows) + "\n</section>\n")


def _controls_html(codes: Sequence[str], shown: int, lang: Lang) -> str:
    severities = "".join(
        f'<option value="{severity.label}">{_e(_word(severity.label + "1", lang))}</option>'
        for severity in _SEVERITIES)
    options = "".join(f'<option value="{code}">{code} {_e(title(code, lang))}</option>'
                      for code in codes)
    return (
        '<section class="card controls">'
        f"<b>{_e(_word('filter', lang))}</b>"
        f'<label>{_e(_word("severity", lang))} <select id="f-severity">'
        f'<option value="">{_e(_word("all", lang))}</option>{severities}</select></label>'
        f'<label>{_e(_word("code", lang))} <select id="f-code">'
        f'<option value="">{_e(_word("all", lang))}</option>{options}</select></label>'
        f'<label>{_e(_word("search", lang))} <input id="f-search" type="search"></label>'
        f'<span><span id="visible">{shown}</span> {_e(_word("visible", lang))} · '
        f"{_e(_word('sort_hint', lang))}</span></section>\n"
    )


def _cell(value: object, css: str = "") -> str:
    shown = "" if value is None else value
    return f'<td class="{css}">{_e(shown)}</td>' if css else f"<td>{_e(shown)}</td>"


def _head(columns: Iterable[tuple[str, str]]) -> str:
    cells = "".join(f'<th data-sort="{kind}">{_e(name)}</th>' for name, kind in columns)
    return f"<thead><tr>{cells}</tr></thead>"


def _row(finding: Finding, cells: Iterable[str]) -> str:
    return (f'<tr data-code="{finding.code}" data-severity="{finding.severity.label}">'
            + "".join(cells) + "</tr>")


def _field_and_source(field: str | None) -> tuple[str, str]:
    """``build`` names a field with its export column, ``Startdatum → datumInschrijving``."""
    if field and " → " in field:
        source, name = field.split(" → ", 1)
        return name, source
    return field or "", ""


def _group_open(code: str, total: int, lang: Lang) -> str:
    severity = CATALOGUE[code].severity.label
    return (f'<section class="card group" id="code-{code}" data-code="{code}" '
            f'data-severity="{severity}">\n'
            f'<h2><span class="badge sev-{severity}">{_e(_word(severity + "1", lang))}</span>'
            f'{code} {_e(title(code, lang))} <span class="n">({total})</span></h2>\n')


def _group_close(shown: int, total: int, lang: Lang, page_cut: bool = False) -> str:
    words = "page_cut" if page_cut else "group_cut"
    cut = (f'<p class="cut">{_e(_word(words, lang, shown=shown, total=total))}</p>\n'
           if shown < total else "")
    return cut + "</section>\n"


def _findings_group(code: str, findings: list[Finding], total: int, lang: Lang,
                    page_cut: bool = False) -> str:
    hints = list(dict.fromkeys(hint(finding, lang) for finding in findings))
    one_hint = len(hints) <= 1
    fix = hints[0] if hints else CATALOGUE[code].hint.get(lang)
    with_source = any(_field_and_source(f.location.field)[1] for f in findings)
    columns = [(_word("file", lang), "text"), (_word("line", lang), "num"),
               (_word("column", lang), "num"), (_word("field", lang), "text")]
    if with_source:
        columns.append((_word("source", lang), "text"))
    columns += [(_word("record", lang), "text"), (_word("message", lang), "text")]
    if not one_hint:
        columns.append((_word("fix", lang), "text"))
    rows = []
    for finding in findings:
        where = finding.location
        name, source = _field_and_source(where.field)
        cells = [_cell(where.file, "mono path"), _cell(where.line, "num"),
                 _cell(where.column, "num"), _cell(name)]
        if with_source:
            cells.append(_cell(source))
        cells += [_cell(where.record, "mono key"), _cell(message(finding, lang))]
        if not one_hint:
            cells.append(_cell(hint(finding, lang)))
        rows.append(_row(finding, cells))
    parts = [_group_open(code, total, lang)]
    if one_hint:
        parts.append(f'<p class="fix"><b>{_e(_word("fix_label", lang))}:</b> {_e(fix)}</p>\n')
    if rows:
        parts.append(f'<div class="scroll"><table>{_head(columns)}<tbody>\n'
                     + "\n".join(rows) + "\n</tbody></table></div>\n")
    parts.append(_group_close(len(findings), total, lang, page_cut))
    return "".join(parts)


def _by_code(findings: Iterable[Finding], limit: int | None = None
             ) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        group = grouped.setdefault(finding.code, [])
        if limit is None or len(group) < limit:
            group.append(finding)
    return grouped


def _result_verdict(result: Result, lang: Lang) -> tuple[str, str]:
    counts = result.severity_counts
    if result.no_verdict:
        return "v-none", _word("no_verdict", lang)
    if counts[Severity.ERROR]:
        return "v-error", _word("bad", lang, errors=counts[Severity.ERROR])
    if counts[Severity.WARNING]:
        return "v-warning", _word("warned", lang, warnings=counts[Severity.WARNING])
    return "v-ok", _word("good", lang)


def _files_html(result: Result, lang: Lang) -> str:
    if not result.files:
        return ""
    head = _head([(_word(key, lang), kind) for key, kind in (
        ("file", "text"), ("kind", "text"), ("sector", "text"), ("records", "num"),
        ("encoding", "text"))])
    rows = []
    for report in result.files:
        if not report.readable:
            rows.append(f"<tr>{_cell(report.path, 'mono path')}"
                        f'<td colspan="4">{_e(_word("not_read", lang))}</td></tr>')
            continue
        rows.append(f"<tr>{_cell(report.path, 'mono path')}{_cell(report.kind or '?')}"
                    f"{_cell(report.sector or '?')}{_cell(report.records, 'num')}"
                    f"{_cell(report.encoding or '?')}</tr>")
    return (f'<section class="card"><h2>{_e(_word("files", lang))}</h2>'
            f"<table>{head}<tbody>{''.join(rows)}</tbody></table></section>\n")


def _build_html(result: Result, lang: Lang) -> str:
    if result.build is None:
        return ""
    items = "".join(f"<li>{_e(line)}</li>" for line, _style in build_lines(result, lang))
    return f'<section class="card" id="build"><ul>{items}</ul></section>\n'


def _truncated_html(result: Result, lang: Lang) -> str:
    if not result.truncated:
        return ""
    text = _word("truncated", lang, shown=result.kept, total=result.total)
    return f'<p id="truncated" class="card cut">{_e(text)}</p>\n'


# A page with more findings than this of one code would not open in a browser; the counts
# stay complete (only reports of findings too many to hold, ``Result.spilled``, are cut).
PAGE_FINDINGS_PER_CODE = 10_000


def render_html(result: Result, lang: Lang) -> str:
    """The findings report of ``validate`` and ``build`` as one self-contained HTML page."""
    css, sentence = _result_verdict(result, lang)
    body = [_verdict_html(css, sentence), _counts_html(result, lang), _build_html(result, lang),
            _files_html(result, lang), _chart_html(result.code_counts, lang),
            _truncated_html(result, lang)]
    codes = _ordered_codes(result.code_counts)
    if codes:
        limit = PAGE_FINDINGS_PER_CODE if result.spilled else None
        grouped = _by_code(result.iter_sorted_findings(), limit)
        body.append(_controls_html(codes, sum(map(len, grouped.values())), lang))
        body.extend(_findings_group(code, grouped.get(code, []), result.code_counts[code], lang,
                                    page_cut=limit is not None)
                    for code in codes)
    else:
        body.append(f'<p class="card">{_e(_word("none", lang))}</p>\n')
    return _page(_word("report", lang), lang, body)


# ---- compare ---------------------------------------------------------------------------------


def _marked(value: str, other: str, lang: Lang, whole: bool = False) -> str:
    """``value`` with the parts that differ from ``other`` highlighted (``<mark>``), or all
    of it (``whole``)."""
    if not value:
        return f"<i>{_e(compare_word('empty', lang))}</i>"
    if whole:
        return f"<mark>{_e(value)}</mark>"
    pieces = []
    for tag, start, end, _, _ in SequenceMatcher(None, value, other, autojunk=False).get_opcodes():
        piece = _e(value[start:end])
        pieces.append(piece if tag == "equal" else f"<mark>{piece}</mark>")
    return "".join(pieces)


def _side_by_side(ours: str, theirs: str, lang: Lang, whole: bool = False) -> str:
    return (f'<td class="side-school mono">{_marked(ours, theirs, lang, whole)}</td>'
            f'<td class="side-rod mono">{_marked(theirs, ours, lang, whole)}</td>')


def _where(finding: Finding) -> str:
    where = finding.location
    return f"{where.file}:{where.line}" if where.line is not None else where.file


def _compare_group(comparison: Comparison, code: str, findings: list[Finding],
                   lang: Lang) -> str:
    total = comparison.result.code_counts[code]
    theirs_path = comparison.summary.theirs.path
    school, rod = compare_word("school", lang), compare_word("rod", lang)
    first = school if code in ("C003", "C004") else _word("file", lang)
    columns: list[tuple[str, str]] = [(first, "text")]
    if code in ("C003", "C004"):
        columns.append((rod, "text"))
    columns += [(_word("type", lang), "text"), (_word("record", lang), "text")]
    if code == "C003":
        columns += [(_word("field", lang), "text"), (school, "text"), (rod, "text")]
    elif code == "C004":
        columns += [(school, "text"), (rod, "text")]
    elif code == "C005":
        columns.append((_word("also_on", lang), "num"))
    rows = []
    for finding in findings:
        params = finding.params
        cells = [_cell(_where(finding), "mono path")]
        if code in ("C003", "C004"):
            cells.append(_cell(f"{theirs_path}:{params.get('other_line', '?')}", "mono path"))
        cells += [_cell(params.get("record_type", "?")),
                  _cell(finding.location.record or "?", "mono key")]
        if code == "C003":
            cells.append(_cell(params.get("name", "?")))
            cells.append(_side_by_side(params.get("ours", ""), params.get("theirs", ""), lang))
        elif code == "C004":
            cells.append(_side_by_side(
                f"{params.get('ours_kind', '')} {params.get('ours', '')}".strip(),
                f"{params.get('theirs_kind', '')} {params.get('theirs', '')}".strip(), lang,
                whole=True))  # another number altogether: digit by digit would mislead
        elif code == "C005":
            cells.append(_cell(params.get("other_line", "?"), "num"))
        rows.append(_row(finding, cells))
    parts = [_group_open(code, total, lang),
             f'<p class="fix"><b>{_e(_word("fix_label", lang))}:</b> '
             f"{_e(CATALOGUE[code].hint.get(lang))}</p>\n"]
    if rows:
        parts.append(f'<div class="scroll"><table>{_head(columns)}<tbody>\n'
                     + "\n".join(rows) + "\n</tbody></table></div>\n")
    parts.append(_group_close(len(findings), total, lang))
    return "".join(parts)


def _side_text(side: SideSummary, lang: Lang) -> str:
    return _word("side", lang, path=side.path, kind=side.kind or "?", sector=side.sector or "?",
                 records=side.records)


def _compare_summary_html(comparison: Comparison, lang: Lang) -> str:
    summary = comparison.summary
    ours, theirs = summary.ours, summary.theirs
    rows = [f"<tr><th>{_e(_word('file', lang))}</th>{_cell(_side_text(ours, lang), 'mono')}"
            f"{_cell(_side_text(theirs, lang), 'mono')}</tr>"]
    rows.extend(f'<tr id="sum-{key}"><th>{_e(compare_word(key, lang))}</th>'
                f"{_cell(getattr(ours, key), 'num')}{_cell(getattr(theirs, key), 'num')}</tr>"
                for key in ("records", "matched", "pgn_changed", "only", "duplicates", "unkeyed",
                            "failed"))
    balance = ""
    if summary.compared:
        balance = "<p>" + _e(compare_word(
            "balance", lang, matched=ours.matched, equal=summary.equal,
            differing=summary.differing, fields=summary.field_differences,
            not_compared=summary.not_compared)) + "</p>"
    school, rod = _e(compare_word("school", lang)), _e(compare_word("rod", lang))
    return (f'<section class="card"><table id="summary"><thead><tr><th></th>'
            f"<th>{school}</th><th>{rod}</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>{balance}</section>\n")


def render_compare_html(comparison: Comparison, lang: Lang) -> str:
    """The report of ``compare`` as one self-contained HTML page: the summary table, then the
    differences side by side (school | ROD) with what changed highlighted."""
    result = comparison.result
    if not comparison.summary.compared:
        css = "v-none"
    else:
        css = "v-ok" if comparison.agree else "v-error"
    body = [_verdict_html(css, verdict(comparison, lang)), _counts_html(result, lang),
            _compare_summary_html(comparison, lang), _chart_html(result.code_counts, lang),
            _truncated_html(result, lang)]
    codes = _ordered_codes(result.code_counts)
    if codes:
        grouped = _by_code(result.sorted_findings())
        body.append(_controls_html(codes, len(result.findings), lang))
        differences = [code for code in DIFFERENCE_CODES if result.code_counts[code]]
        body.extend(_compare_group(comparison, code, grouped.get(code, []), lang)
                    for code in differences)
        others = [code for code in codes if code not in DIFFERENCE_CODES]
        if others:
            body.append(f"<h2>{_e(_word('checks', lang))}</h2>\n")
            body.extend(_findings_group(code, grouped.get(code, []), result.code_counts[code],
                                        lang) for code in others)
    return _page(_word("compare", lang), lang, body)


def stream_html(result: Result, lang: Lang) -> Iterator[str]:
    """The page, in one piece: it holds at most PAGE_FINDINGS_PER_CODE findings a code."""
    yield render_html(result, lang)
