"""The bulk format described from the models, for ``rodcli schema`` and docs."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from rodcli.bulkformat.models import RECORD_MODELS, Sector, field_meta
from rodcli.bulkformat.valuelists import ValueList, value_lists
from rodcli.codes import Lang

WIDTH = 80


@dataclass(frozen=True, slots=True)
class FieldRow:
    record_type: str
    name: str
    label: str
    meaning: str
    kind: str
    required: str
    value_list: str
    source: str


def field_rows(sector: Sector, lang: Lang) -> list[FieldRow]:
    rows = []
    for record_type, model in RECORD_MODELS[sector].items():
        for name, info in model.model_fields.items():
            meta = field_meta(model, name)
            if name in ("burgerservicenummer", "onderwijsnummer"):
                required = "BSN of/or ONR"
            else:
                required = ({"nl": "ja", "en": "yes"} if info.is_required()
                            else {"nl": "nee", "en": "no"})[lang]
            rows.append(FieldRow(
                record_type=record_type,
                name=name,
                label=meta.label,
                meaning=meta.nl if lang == "nl" else meta.en,
                kind=meta.expected_in(lang),
                required=required,
                value_list=meta.value_list or "",
                source=meta.source,
            ))
    return rows


_LABELS = {
    "nl": {"required": "verplicht", "format": "formaat", "source": "bron", "list": "waardenlijst",
           "lists": "Waardenlijsten", "valid": "geldig", "own": "eigen lijst van rodcli",
           "format_only": "DUO publiceert deze lijst niet: rodcli controleert alleen het formaat."},
    "en": {"required": "required", "format": "format", "source": "source", "list": "value list",
           "lists": "Value lists", "valid": "valid", "own": "rodcli's own list",
           "format_only": "DUO does not publish this list: rodcli checks the format only."},
}


def _wrap(text: str, indent: int) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, WIDTH, initial_indent=pad, subsequent_indent=pad,
                         break_on_hyphens=False)


def schema_text(sectors: list[Sector], lang: Lang) -> str:
    """Fields per record type and the value lists with every code's meaning, as plain text
    that wraps at 80 columns instead of cutting (a terminal, a mail, a printout)."""
    labels = _LABELS[lang]
    lines: list[str] = []
    used: dict[str, None] = {}
    for sector in sectors:
        lines += [f"ROD bulk v1 — {sector}", "=" * len(f"ROD bulk v1 — {sector}"), ""]
        record_type = ""
        for row in field_rows(sector, lang):
            if row.record_type != record_type:
                record_type = row.record_type
                lines += [record_type, "-" * len(record_type)]
            lines.append(f"  {row.name}  ({labels['required']}: {row.required})")
            lines += _wrap(row.meaning, 6)
            lines += _wrap(f"{labels['format']}: {row.kind}", 6)
            if row.value_list:
                used[row.value_list] = None
                lines += _wrap(f"{labels['list']}: {value_lists()[row.value_list].name}", 6)
            lines += _wrap(f"{labels['source']}: {row.source}", 6)
        lines.append("")
    lines += [labels["lists"], "=" * len(labels["lists"]), ""]
    for key in used:
        lines += _value_list_lines(value_lists()[key], lang)
    if "mbo" in sectors:
        # Lists DUO does not publish: shown so users know why only the format is checked.
        for value_list in value_lists().values():
            if value_list.format_only:
                lines += _value_list_lines(value_list, lang)
    return "\n".join(lines) + "\n"


def _value_list_lines(value_list: ValueList, lang: Lang) -> list[str]:
    labels = _LABELS[lang]
    lines = [value_list.name + (f"  ({labels['own']})" if value_list.own else "")]
    lines += _wrap(f"{labels['source']}: {value_list.source}", 2)
    if value_list.format_only:
        lines += _wrap(labels["format_only"], 2)
        lines.append("")
        return lines
    width = max(len(code) for code in value_list.codes) + 4
    for code, entry in value_list.codes.items():
        meaning = entry.nl if lang == "nl" else entry.en
        if entry.begin or entry.end:
            meaning += f" ({labels['valid']} {entry.begin or '...'} - {entry.end or '...'})"
        if entry.full_diploma:
            meaning += {"nl": " [vraagt een volledig diploma]",
                        "en": " [needs a full diploma]"}[lang]
        lines += textwrap.wrap(meaning, WIDTH, initial_indent=f"  {code}".ljust(width),
                               subsequent_indent=" " * width, break_on_hyphens=False)
    lines.append("")
    return lines
