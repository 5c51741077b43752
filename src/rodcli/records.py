"""From raw field values (as read from CSV or XML) to validated record models.

Every pydantic error becomes a Finding with a stable code, the field, its physical position
and, for personal numbers, a masked value. A record that fails stays out of the rules' state
but never stops the run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from rodcli.bulkformat.models import (
    KEY_FIELDS,
    RECORD_MODELS,
    RECORD_TYPES,
    Record,
    Sector,
    field_meta,
    key_number,
)
from rodcli.bulkformat.types import DateNotation, FieldMeta
from rodcli.findings import Finding, Location, make_finding
from rodcli.masking import mask_pgn, scrub

Position = tuple[int | None, int | None]  # physical (line, column) of a field's value

_NOTATION_TEXT: dict[DateNotation, tuple[str, str]] = {"iso": ("JJJJ-MM-DD", "YYYY-MM-DD"),
                                                       "compact": ("JJJJMMDD", "YYYYMMDD")}

# pydantic error type -> finding code; anything else is a plain format error (F002).
_ERROR_CODES = {
    "missing": "F001",
    "extra_forbidden": "F004",
    "rod_date_invalid": "F003",
    "rod_date_notation": "F013",
    "rod_date_format": "F013",
    "rod_bsn": "F007",
    "rod_onderwijsnummer": "F008",
    "rod_pgn_both": "F009",
    "rod_pgn_none": "F010",
    "rod_isat": "F011",
    "rod_ects": "F012",
}


# Typed as a tuple of the Literal so that older mypy (before 2.4) keeps the Literal type.
_NOTATIONS: tuple[DateNotation, ...] = ("iso", "compact")
_CONTEXTS: dict[DateNotation, dict[str, DateNotation]] = {
    notation: {"date_notation": notation} for notation in _NOTATIONS}

Locator = Callable[[str], Position | None]


class RecordsEnd:
    """Said by a reader before the records it handed out so far lose their source (a
    reader may free an XML record's elements after this): check them now."""


RECORDS_END = RecordsEnd()
# The XML reader keeps this many records' elements alive, as many as the engine checks in
# one batch (engine.run.BATCH_RECORDS), so the precise path can still ask a field's line.
RETAINED_RECORDS = 4096


@dataclass(slots=True)
class RawRecord:
    """One record as read: its type, its non-empty values and where it came from.

    The masked key and each field's position are worked out only when a finding needs them:
    most records need neither, and a million records should not pay for them.
    """

    record_type: str
    values: dict[str, str]
    file: str
    line: int | None  # the record's first physical line (or the export row)
    sheet: str | None = None
    # XSD errors in this record. Defaults are shared and never changed in place: a million
    # records should not each allocate an empty list and dict.
    schema_findings: Sequence[Finding] = ()
    locate: Locator | None = None  # finds a field's position on demand
    # build only: where each field came from in the export, e.g. "Startdatum → datumInschrijving"
    sources: Mapping[str, str] | None = None
    # Its findings will only be counted (the report is full before its line): they need
    # their code and line, not the column or masked key.
    counted_only: bool = False
    _location: Location | None = None

    @property
    def location(self) -> Location:
        if self._location is None:
            self._location = Location(
                self.file, self.line, None, None,
                None if self.counted_only else masked_key(self.values, self.record_type),
                self.sheet)
        return self._location

    def position_of(self, field_name: str | None) -> Location:
        if field_name is None:
            return self.location
        shown = self.sources.get(field_name, field_name) if self.sources else field_name
        if self.counted_only:
            return self.location.with_field(shown, None, None)
        position = self.locate(field_name) if self.locate is not None else None
        line, column = position if position is not None else (None, None)
        return self.location.with_field(shown, line, column)


def csv_locator(text: str | list[str], columns: tuple[str, ...], delimiter: str,
                first_line: int) -> Locator:
    """Positions of a CSV record's fields, from its physical text (or lines, joined only
    when a finding asks)."""

    def locate(field_name: str) -> Position | None:
        if field_name not in columns:
            return None
        whole = text if isinstance(text, str) else "".join(text)
        return csv_field_position(whole, columns.index(field_name), delimiter, first_line)

    return locate


def csv_field_position(text: str, index: int, delimiter: str, first_line: int) -> Position:
    """Physical (line, column) where field ``index`` of a CSV record starts, honouring
    quoted fields with delimiters or line breaks inside."""
    line, column, field_index, in_quotes = first_line, 1, 0, False
    if index == 0:
        return line, column
    if '"' not in text and "\n" not in text.rstrip("\r\n"):
        # The common one-line record without quotes: its cells are the text between
        # delimiters, so the position is a sum of lengths.
        cells = text.split(delimiter, index)
        if len(cells) > index:
            return line, len(text) - len(cells[index]) + 1
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        elif char == "\n":
            line, column = line + 1, 0
        elif char == delimiter and not in_quotes:
            field_index += 1
            if field_index == index:
                return line, column + 1
        column += 1
    return line, None


@dataclass(slots=True)
class CheckedRecord:
    """A record whose fields passed; the rules see only these."""

    model: Record
    raw: RawRecord

    @property
    def location(self) -> Location:
        return self.raw.location

    def at(self, field_name: str | None) -> Location:
        return self.raw.position_of(field_name)


def masked_key(values: dict[str, str], record_type: str | None = None) -> str:
    """The record key for reports: BRIN / masked personal number / the record's own number
    (the inschrijvingvolgnummer; for mbo's other records DUO's key, see ``KEY_FIELDS``; none
    for a person)."""
    pgn = values.get("burgerservicenummer") or values.get("onderwijsnummer") or ""
    brin = values.get("brin", "?")
    if record_type in KEY_FIELDS:
        number = key_number(record_type, values)
        number = "?" if number is None else number
    else:
        number = values.get("inschrijvingvolgnummer", "?")
    key = f"{brin}/{mask_pgn(pgn) if pgn else '?'}" + (f"/{number}" if number else "")
    # Some institutions use the BSN itself as sequence number (or type it in the wrong
    # column): mask any nine digits left. Shorter parts cannot hold nine digits.
    return scrub(key) if len(brin) >= 9 or len(number) >= 9 else key


def display_name(field_name: str, meta: FieldMeta) -> str:
    """DUO's name and the element name, once if they are the same word."""
    if meta.label.replace(" ", "").lower() == field_name.lower():
        return field_name
    return f"{meta.label} ({field_name})"


def to_record(
    raw: RawRecord, sector: Sector, notation: DateNotation
) -> tuple[CheckedRecord | None, list[Finding]]:
    """Validate one raw record against its sector's model."""
    model = RECORD_MODELS[sector].get(raw.record_type)
    if model is None:
        if raw.record_type == "moduleInschrijving":
            return None, [make_finding("R001", raw.location)]
        return None, [
            make_finding("I011", raw.location, value=raw.record_type,
                         expected=", ".join(t for t in RECORD_TYPES if t in RECORD_MODELS[sector]))
        ]

    findings: list[Finding] = []
    has_bsn = bool(raw.values.get("burgerservicenummer"))
    has_onr = bool(raw.values.get("onderwijsnummer"))
    if has_bsn and has_onr:
        findings.append(make_finding("F009", raw.position_of("onderwijsnummer")))
    elif not has_bsn and not has_onr:
        findings.append(make_finding("F010", raw.position_of("burgerservicenummer")))

    try:
        record = model.model_validate(raw.values, context=_CONTEXTS[notation])
    except ValidationError as error:
        for detail in error.errors(include_url=False, include_input=False):
            if detail["type"] in ("rod_pgn_both", "rod_pgn_none"):
                continue  # reported above from the raw values, even when other fields fail
            findings.append(_finding_for(detail, raw, model, notation))
        return None, findings
    return CheckedRecord(record, raw), findings


def _finding_for(
    detail: ErrorDetails, raw: RawRecord, model: type[Record], notation: DateNotation
) -> Finding:
    code = _ERROR_CODES.get(detail["type"], "F002")
    field_name = str(detail["loc"][0]) if detail["loc"] else None
    location = raw.position_of(field_name)
    value = raw.values.get(field_name, "") if field_name else ""
    if field_name is None or field_name not in model.model_fields:
        return make_finding(code, location, field=field_name or "?", value=value,
                            record_type=raw.record_type, label=field_name or "?",
                            name=field_name or "?", expected="")
    meta = field_meta(model, field_name)
    if meta.pgn:
        value = mask_pgn(value)
    expected, expected_en = (_NOTATION_TEXT[notation] if code == "F013"
                             else (meta.expected, meta.expected_in("en")))
    return make_finding(
        code, location, field=field_name, label=meta.label, name=display_name(field_name, meta),
        value=value, expected=expected, expected_en=expected_en, record_type=raw.record_type,
    )
