"""Masking of personal numbers (BSN, onderwijsnummer) for every report and log."""

from __future__ import annotations

import re

# A BSN or onderwijsnummer is nine digits; any free-standing run of nine digits in report text
# is masked, valid or not, because a number that fails the eleven-test is usually a real
# person's number with a typo.
_NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")


def mask_pgn(value: str) -> str:
    """Mask a personal number, keeping only the last four characters (``*****2333``)."""
    value = value.strip()
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def scrub(text: str) -> str:
    """Mask every nine-digit run in free text (a safety net behind field-level masking)."""
    if len(text) < 9:
        return text  # most texts (codes, names, dates) are too short to hold one
    return _NINE_DIGITS.sub(lambda match: mask_pgn(match.group(0)), text)
