"""Terms a user meets in ROD deliveries (``rodcli explain``), loaded from ``terms.toml``."""

from __future__ import annotations

import re
import textwrap
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rodcli.bulkformat.models import RECORD_MODELS
from rodcli.bulkformat.valuelists import value_lists
from rodcli.codes import Lang

WIDTH = 80
# A sentence ends at a full stop before a capital, not at "e.g. 99XX" or "bijv. 7.5".
_FIRST_SENTENCE = re.compile(r"\.\s+(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class Term:
    name: str
    aliases: tuple[str, ...]
    sector: str
    nl: str
    en: str
    source: str
    fields: tuple[str, ...]
    codes: tuple[str, ...]  # "ValueListKey:CODE"

    def meaning(self, lang: Lang) -> str:
        return self.nl if lang == "nl" else self.en


@cache
def terms() -> tuple[Term, ...]:
    raw = tomllib.loads(resources.files("rodcli").joinpath("terms.toml").read_text("utf-8"))
    return tuple(
        Term(name=item["name"], aliases=tuple(item.get("aliases", ())), sector=item["sector"],
             nl=item["nl"], en=item["en"], source=item["source"],
             fields=tuple(item.get("fields", ())), codes=tuple(item.get("codes", ())))
        for item in raw["term"]
    )


def _key(text: str) -> str:
    """Case, accents, spaces and hyphens do not matter: "Code beëindiging" finds
    "code-beeindiging"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return "".join(char for char in plain.lower() if char.isalnum() or char == "+")


def find(text: str) -> Term | None:
    wanted = _key(text)
    for term in terms():
        if wanted in (_key(term.name), *(_key(alias) for alias in term.aliases)):
            return term
    return None


def _wrapped(text: str, hang: str = "    ") -> list[str]:
    """A paragraph indented by two; a labelled line's continuation hangs deeper."""
    return textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent=hang,
                         break_on_hyphens=False)


def _record_types(field_name: str, sectors: str) -> str:
    """The record types of the term's sectors with this field (ho's redenUitschrijving is on
    its uitschrijving, mbo's on its inschrijving)."""
    found = {record_type for sector, models in RECORD_MODELS.items() if sector in sectors
             for record_type, model in models.items() if field_name in model.model_fields}
    return ", ".join(sorted(found))


def explain_text(term: Term, lang: Lang) -> str:
    """One term: meaning, source, and the fields and codes that use it, wrapped at 80."""
    labels = {"nl": ("bron", "velden", "codes", "ook", "sector"),
              "en": ("source", "fields", "codes", "also", "sector")}[lang]
    lines = [f"{term.name} ({labels[4]}: {term.sector})"]
    lines += _wrapped(term.meaning(lang), "  ")
    if term.aliases:
        lines += _wrapped(f"{labels[3]}: {', '.join(term.aliases)}")
    lines += _wrapped(f"{labels[0]}: {term.source}")
    if term.fields:
        lines += _wrapped(f"{labels[1]}: " + "; ".join(
            f"{name} ({_record_types(name, term.sector)})" for name in term.fields))
    lists = value_lists()
    for reference in term.codes:
        key, code = reference.split(":", 1)
        entry = lists[key].codes[code]
        lines += _wrapped(f"{labels[2]}: {lists[key].name} {code} = "
                          f"{entry.nl if lang == 'nl' else entry.en}")
    return "\n".join(lines) + "\n"


def list_text(lang: Lang) -> str:
    """Every term with the first sentence of its meaning, wrapped at 80."""
    width = max(len(term.name) for term in terms()) + 2
    lines = []
    for term in terms():
        first = _FIRST_SENTENCE.split(term.meaning(lang), maxsplit=1)[0].rstrip(".") + "."
        lines += textwrap.wrap(first, WIDTH, initial_indent=term.name.ljust(width),
                               subsequent_indent=" " * width, break_on_hyphens=False)
    hint = {"nl": "Meer over een begrip: rodcli explain BEGRIP",
            "en": "More about a term: rodcli explain TERM"}[lang]
    return "\n".join([*lines, "", hint]) + "\n"
