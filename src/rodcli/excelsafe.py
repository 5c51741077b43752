"""Cells for a CSV that people open in Excel: never run as a formula (OWASP's advice)."""

from __future__ import annotations

import unicodedata

# Excel runs a cell that starts with one of these as a formula; a tab or CR first does too.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` with a ``'`` before it when Excel could take it for a formula: it starts
    with ``= + - @``, tab or CR, also after leading spaces, line feeds, no-break or
    zero-width spaces (which Excel or a later edit may drop)."""
    if text.startswith(_FORMULA_START) or _after_blanks(text).startswith(_FORMULA_START):
        return "'" + text
    return text


def _after_blanks(text: str) -> str:
    for at, char in enumerate(text):
        if not (char.isspace() or unicodedata.category(char) == "Cf"):
            return text[at:]
    return ""
