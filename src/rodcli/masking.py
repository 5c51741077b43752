"""Masking of personal numbers (BSN, onderwijsnummer) for every report and log."""

from __future__ import annotations

import re

# A BSN or onderwijsnummer is nine digits; any free-standing run of nine digits in report text
# is masked, valid or not, because a number that fails the eleven-test is usually a real
# person's number with a typo.
_NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")
# Digits that may hide one inside something longer: a run of digits, or groups of digits with
# one and the same separator between them ("1234 56 789", "123.456.789", "1234-56-789"), e.g.
# a BSN + "01" typed as sequence number, a BSN + "99XX" as BRIN. (One separator throughout:
# a date and a time, "2025-09-01 12:00", are not read as one number.)
# A cheap test first: nine digits with at most one character between each.
_MAYBE_HIDDEN = re.compile(r"[0-9](?:[^0-9]?[0-9]){8}")
_DIGIT_GROUPS = re.compile(r"[0-9]+(?:(?P<sep>[ .\-\u00a0\u202f])[0-9]+(?:(?P=sep)[0-9]+)*)?")


def mask_pgn(value: str) -> str:
    """Mask a personal number, keeping only the last four characters (``*****2333``)."""
    value = value.strip()
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def scrub(text: str) -> str:
    """Mask every nine-digit run in free text (a safety net behind field-level masking), and
    every nine digits inside a longer run or split by separators that pass the eleven-test of
    a BSN or an onderwijsnummer."""
    if len(text) < 9:
        return text  # most texts (codes, names, dates) are too short to hold one
    text = _NINE_DIGITS.sub(lambda match: mask_pgn(match.group(0)), text)
    if not _MAYBE_HIDDEN.search(text):
        return text
    return _DIGIT_GROUPS.sub(_mask_hidden, text)


def _mask_hidden(match: re.Match[str]) -> str:
    group = match.group(0)
    places = [at for at, char in enumerate(group) if char.isdigit()]
    if len(places) < 9:
        return group
    digits = [int(group[at]) for at in places]
    hidden: set[int] = set()
    for start in range(len(digits) - 8):
        if _passes_eleven_test(digits[start:start + 9]):
            hidden.update(places[start:start + 5])  # the last four stay, as in mask_pgn
    if not hidden:
        return group
    return "".join("*" if at in hidden else char for at, char in enumerate(group))


def _passes_eleven_test(digits: list[int]) -> bool:
    """The BSN's eleven-test (remainder 0) or the onderwijsnummer's (starts 10, remainder 5)."""
    total = sum(digit * weight for digit, weight in zip(digits, range(9, 1, -1), strict=False))
    total -= digits[8]
    remainder = total % 11
    return (remainder == 0 and any(digits)) or (
        remainder == 5 and digits[0] == 1 and digits[1] == 0)
