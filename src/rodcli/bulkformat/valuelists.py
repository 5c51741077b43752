"""Value lists of ROD bulk v1, loaded once from ``valuelists.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

_SHOWN_CODES = 15


@dataclass(frozen=True, slots=True)
class CodeEntry:
    code: str
    nl: str
    en: str
    begin: date | None = None
    end: date | None = None
    full_diploma: bool = False

    def valid_on(self, day: date) -> bool:
        return (self.begin is None or day >= self.begin) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class ValueList:
    key: str
    name: str
    source: str
    codes: dict[str, CodeEntry]
    own: bool = False  # rodcli's own list: DUO publishes none for the Loket
    # DUO's list exists but is not public: the field's format is checked, never its code.
    format_only: bool = False

    def codes_needing_full_diploma(self) -> frozenset[str]:
        return frozenset(code for code, entry in self.codes.items() if entry.full_diploma)

    def codes_text(self) -> str:
        """The codes for a message; a long list (vooropleiding has about 200) is cut, with
        where to find the rest, so a finding stays one readable line."""
        if len(self.codes) <= _SHOWN_CODES:
            return ", ".join(self.codes)
        shown = ", ".join(list(self.codes)[:_SHOWN_CODES])
        return f"{shown}, ... ({len(self.codes)} codes: rodcli schema)"


@cache
def value_lists() -> dict[str, ValueList]:
    raw = tomllib.loads(
        resources.files("rodcli.bulkformat").joinpath("valuelists.toml").read_text("utf-8")
    )
    lists: dict[str, ValueList] = {}
    for key, body in raw.items():
        entries = {
            item["code"]: CodeEntry(
                code=item["code"],
                nl=item["nl"],
                en=item["en"],
                begin=item.get("begin"),
                end=item.get("end"),
                full_diploma=item.get("full_diploma", False),
            )
            for item in body["codes"]
        }
        lists[key] = ValueList(key, body["name"], body["source"], entries,
                               body.get("own", False), body.get("format_only", False))
    return lists
