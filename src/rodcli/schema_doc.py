"""The bulk format described from the models, for ``rodcli schema`` and docs."""

from __future__ import annotations

from dataclasses import dataclass

from rodcli.bulkformat.models import RECORD_MODELS, Sector, field_meta
from rodcli.codes import Lang


@dataclass(frozen=True, slots=True)
class FieldRow:
    record_type: str
    name: str
    label: str
    meaning: str
    kind: str
    required: str
    value_list: str


def field_rows(sector: Sector, lang: Lang) -> list[FieldRow]:
    rows = []
    for record_type, model in RECORD_MODELS[sector].items():
        for name, info in model.model_fields.items():
            meta = field_meta(model, name)
            if name in ("burgerservicenummer", "onderwijsnummer"):
                required = "BSN of/or ONR"
            elif meta.personal:
                required = {"nl": "zonder BSN", "en": "without BSN"}[lang]
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
            ))
    return rows
