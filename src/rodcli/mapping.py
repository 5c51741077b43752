"""Mapping files: how an administration export becomes ROD bulk v1 records.

A mapping is TOML. ``[fields]`` says per record field which export column (or which constant)
fills it, how the export's own codes translate into value-list codes, and the date notation.
``[records]`` says which records an export row yields (an enrolment always, a deregistration
when an end date is filled, ...). See docs/mapping.md.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, field_validator

from rodcli.bulkformat import Sector
from rodcli.bulkformat.models import RECORD_MODELS, RECORD_TYPES, Record, field_meta
from rodcli.bulkformat.valuelists import value_lists
from rodcli.exports import Cell, ExportRow, ExportTable
from rodcli.findings import Finding, Location, make_finding
from rodcli.masking import mask_pgn
from rodcli.records import Locator, Position, RawRecord, masked_key

PGN_FIELDS = ("burgerservicenummer", "onderwijsnummer")


class MappingError(Exception):
    """A mapping that cannot be used: carries the findings that say why (no verdict)."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__(f"{len(findings)} mapping problem(s)")
        self.findings = findings


# ---- the file's shape -------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSource(_Strict):
    column: str | None = None
    value: str | None = None
    date: str | None = None
    codes: dict[str, str] | None = None

    @field_validator("codes", mode="before")
    @classmethod
    def _codes_as_text(cls, codes: Any) -> Any:
        # TOML keys are strings already; values may be written as numbers (01 -> "01" is not
        # TOML), so accept ints and make them text.
        if isinstance(codes, dict):
            return {str(key): str(value) for key, value in codes.items()}
        return codes


class Condition(_Strict):
    filled: str | None = None
    empty: str | None = None
    column: str | None = None
    equals: list[str] | None = None


class SourceOptions(_Strict):
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None


class MappingFile(_Strict):
    sector: Sector
    source: SourceOptions = SourceOptions()
    records: dict[str, Literal["always"] | Condition]
    fields: dict[str, str | FieldSource]


# ---- dates ------------------------------------------------------------------------------

_DATE_TOKENS = {"DD": "d", "D": "d", "MM": "m", "M": "m", "YYYY": "y", "JJJJ": "y"}
SUPPORTED_DATE_NOTATIONS = ("DD-MM-YYYY", "D-M-YYYY", "YYYY-MM-DD", "YYYYMMDD", "DD/MM/YYYY",
                            "DD.MM.YYYY")
DEFAULT_DATE_NOTATIONS = ("YYYY-MM-DD", "DD-MM-YYYY")


def date_pattern(notation: str) -> re.Pattern[str] | None:
    """A regex for a notation such as DD-MM-YYYY; day and month may have one digit when the
    notation has separators (Dutch exports write 1-9-2025 as often as 01-09-2025)."""
    parts = re.findall(r"JJJJ|YYYY|DD|MM|D|M|[-/.]", notation.upper())
    if "".join(parts) != notation.upper() or sorted(
        _DATE_TOKENS[p] for p in parts if p in _DATE_TOKENS) != ["d", "m", "y"]:
        return None
    separated = any(p in "-/." for p in parts)
    regex = ""
    for part in parts:
        if part in ("YYYY", "JJJJ"):
            regex += r"(?P<y>[0-9]{4})"
        elif part in ("DD", "D"):
            regex += r"(?P<d>[0-9]{1,2})" if separated else r"(?P<d>[0-9]{2})"
        elif part in ("MM", "M"):
            regex += r"(?P<m>[0-9]{1,2})" if separated else r"(?P<m>[0-9]{2})"
        else:
            regex += re.escape(part)
    return re.compile(regex)


_EXCEL_EPOCH = date(1899, 12, 30)
_KNOWN_DATES = 1 << 14  # per date field: a few MiB at most
_DECIMAL_COMMA = re.compile(r"[0-9]+,[0-9]+")


def _excel_serial(number: float) -> date | None:
    # Excel stores dates as days since 1899-12-30; a plausible range keeps a stray number
    # (an ECTS value, a year) from turning into a date.
    if 20000 <= number <= 80000:
        return _EXCEL_EPOCH + timedelta(days=int(number))
    return None


# ---- compiled mapping ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    column: str | None
    index: int | None  # position in the export header
    constant: str | None
    kind: Literal["text", "date", "decimal"]
    dates: tuple[re.Pattern[str], ...]
    date_text: str
    codes: dict[str, str] | None
    valid_codes: frozenset[str] | None
    pgn: bool

    @property
    def verbatim(self) -> bool:
        """Whether a text cell goes in as it is, stripped (no codes, dates, decimals or
        personal numbers to convert)."""
        return self.kind == "text" and self.codes is None and not self.pgn


@dataclass(frozen=True, slots=True)
class _Rule:
    record_type: str
    always: bool
    column: int | None
    filled: bool | None  # True: filled, False: empty, None: equals
    equals: frozenset[str]


@dataclass(slots=True)
class MappedRow:
    records: list[RawRecord]
    findings: list[Finding]


class CompiledMapping:
    """A mapping checked against one export's header, ready to map rows."""

    def __init__(self, spec: MappingFile, fields: list[_Field], rules: list[_Rule],
                 file: str, sheet: str | None) -> None:
        self.spec = spec
        self.sector: Sector = spec.sector
        self._fields = fields
        self._rules = rules
        self._file = file
        self._sheet = sheet
        # The same for every row: which export column each field comes from.
        self._sources = {f.name: f"{f.column} → {f.name}" for f in fields if f.column}
        self._columns = {f.name: f.index for f in fields if f.index is not None}
        models = RECORD_MODELS[self.sector]
        self._record_fields = {t: frozenset(models[t].model_fields) for t in models}
        # Per field, what map_row needs, unpacked once: (field, name, index, constant,
        # verbatim).
        self._plan = [(f, f.name, f.index if f.index is not None else -1, f.constant,
                       f.verbatim) for f in fields]
        # Per date field, texts already read and their ISO date: exports repeat dates a lot
        # (a start date per year, birth dates per cohort). Bounded: cleared when full.
        self._dates: dict[str, dict[str, str]] = {f.name: {} for f in fields}

    @property
    def fields(self) -> list[_Field]:
        """The mapped fields, in the mapping's order (for the column path of build)."""
        return self._fields

    @property
    def rules(self) -> list[_Rule]:
        """Which records a row yields, in record-type order."""
        return self._rules

    @property
    def constants(self) -> dict[str, str]:
        return {f.name: f.constant for f in self._fields if f.constant is not None}

    def map_row(self, row: ExportRow) -> MappedRow:
        values: dict[str, str] = {}
        findings: list[Finding] = []
        cells = row.cells
        width = len(cells)
        # This loop runs for every cell of the export: kept flat, text cells first.
        # Birth date, sex and postcode go in with a BSN too: BRO art. 18.1a has them
        # delivered with every personal number (ROD keeps them where the BRP lacks them).
        for spec, name, index, constant, verbatim in self._plan:
            if constant is not None:
                values[name] = constant
                continue
            cell = cells[index] if index < width else None
            if cell is None:
                continue
            if type(cell) is str:
                stripped = cell.strip()
                if not stripped:
                    continue
                if verbatim:
                    values[name] = stripped  # what _convert would return
                    continue
            elif isinstance(cell, str) and not cell.strip():
                continue
            text = self._convert(spec, cell, row, findings)
            if text:
                values[name] = text
        if findings:
            key = masked_key(values)
            findings = [_with_record(finding, key) for finding in findings]
        locate = self._locator(row)
        texts: dict[int, str] = {}  # a rule's column, read once for all rules on it
        records = [
            RawRecord(rule.record_type, self._fields_of(rule.record_type, values), self._file,
                      row.line, self._sheet, locate=locate, sources=self._sources)
            for rule in self._rules
            if rule.always or self._applies(rule, cells, texts)
        ]
        if not records:
            findings.append(make_finding("M010", Location(self._file, row.line, None, None,
                                                          masked_key(values), self._sheet)))
        return MappedRow(records, findings)

    def _locator(self, row: ExportRow) -> Locator:
        columns = self._columns

        def locate(field_name: str) -> Position | None:
            index = columns.get(field_name)
            return row.position(index) if index is not None else None

        return locate

    def _where(self, spec: _Field, row: ExportRow) -> Location:
        assert spec.index is not None
        line, column = row.position(spec.index)
        return Location(self._file, line, column, self._sources[spec.name], sheet=self._sheet)

    def _fields_of(self, record_type: str, values: dict[str, str]) -> dict[str, str]:
        wanted = self._record_fields[record_type]
        return {name: value for name, value in values.items() if name in wanted}

    @staticmethod
    def _applies(rule: _Rule, cells: list[Cell], texts: dict[int, str]) -> bool:
        if rule.always:
            return True
        assert rule.column is not None
        text = texts.get(rule.column)
        if text is None:
            cell = cells[rule.column] if rule.column < len(cells) else None
            text = texts[rule.column] = _cell_text(cell)
        if rule.filled is None:
            return text in rule.equals
        return bool(text) == rule.filled

    def _convert(self, spec: _Field, cell: Cell, row: ExportRow,
                 findings: list[Finding]) -> str | None:
        if spec.kind == "date":
            return self._convert_date(spec, cell, row, findings)
        text = _cell_text(cell)
        if spec.kind == "decimal" and _DECIMAL_COMMA.fullmatch(text):
            # Dutch exports write 7,5 ECTS; said once per cell, as the leading zero is (M009).
            converted = text.replace(",", ".")
            findings.append(make_finding(
                "M013", self._where(spec, row), field=spec.name, column=spec.column,
                value=text, converted=converted))
            text = converted
        if spec.pgn and text.isdigit() and len(text) == 8:
            text = "0" + text
            findings.append(make_finding(
                "M009", self._where(spec, row), field=spec.name, column=spec.column,
                value=mask_pgn(text)))
        if spec.codes is not None:
            translated = spec.codes.get(text)
            if translated is not None:
                return translated
            if spec.valid_codes is not None and text in spec.valid_codes:
                return text  # already a value-list code
            shown = mask_pgn(text) if spec.pgn else text
            findings.append(make_finding(
                "M007", self._where(spec, row), value=shown, column=spec.column,
                field=spec.name))
            return None
        return text

    def _convert_date(self, spec: _Field, cell: Cell, row: ExportRow,
                      findings: list[Finding]) -> str | None:
        if isinstance(cell, datetime):
            return cell.date().isoformat()
        if isinstance(cell, date):
            return cell.isoformat()
        if isinstance(cell, int | float) and not isinstance(cell, bool):
            serial = _excel_serial(float(cell))
            if serial is not None:
                return serial.isoformat()
            findings.append(make_finding(
                "M012", self._where(spec, row), column=spec.column, field=spec.name,
                value=_cell_text(cell)))
            return None
        text = _cell_text(cell)
        known = self._dates[spec.name]
        iso = known.get(text)
        if iso is not None:
            return iso
        for pattern in spec.dates:
            match = pattern.fullmatch(text)
            if match:
                try:
                    day = date(int(match["y"]), int(match["m"]), int(match["d"]))
                except ValueError:
                    findings.append(make_finding(
                        "F003", self._where(spec, row), name=spec.name, value=text))
                    return None
                if len(known) >= _KNOWN_DATES:
                    known.clear()
                iso = known[text] = day.isoformat()
                return iso
        findings.append(make_finding(
            "M008", self._where(spec, row), value=text, column=spec.column,
            expected=spec.date_text))
        return None


def _with_record(finding: Finding, key: str) -> Finding:
    where = finding.location
    return Finding(finding.code, finding.severity,
                   Location(where.file, where.line, where.column, where.field, key, where.sheet),
                   finding.params)


def _cell_text(cell: Cell) -> str:
    if type(cell) is str:  # most cells: every cell of a CSV export
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, float):
        return format(Decimal(repr(cell)).normalize(), "f")
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()


# ---- loading ------------------------------------------------------------------------------


# Tables and arrays in a mapping go 4 levels deep ([fields] > field > codes > code); deeper
# is no mapping, and very deep nesting would exhaust the recursion of the TOML reader or of
# the checks after it.
MAX_NESTING = 16


def _depth(value: object) -> int:
    """How deeply ``value``'s tables and arrays nest, without recursion."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict):
            todo.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            todo.extend((child, level + 1) for child in item)
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_NESTING:
            break
    return deepest


def load_mapping(path: Path) -> tuple[MappingFile, str]:
    """Read and shape-check a mapping file; returns it with its text (for line numbers)."""
    file = str(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        if isinstance(error, OSError):
            finding = make_finding("M001", Location(file), reason=error.strerror)
        else:
            finding = make_finding("M001", Location(file), reason="geen UTF-8",
                                   reason_en="not UTF-8")
        raise MappingError([finding]) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib ends with "(at line 2, column 9)": the location says it, once.
        place = _TOML_PLACE.search(str(error))
        line, column = (int(place["line"]), int(place["column"])) if place else (None, None)
        reason = _TOML_PLACE.sub("", str(error)) or str(error)
        raise MappingError(
            [make_finding("M001", Location(file, line, column), reason=reason)]
        ) from None
    except RecursionError:  # tomllib reads nested tables and arrays by recursion
        raw = None
    if raw is None or _depth(raw) > MAX_NESTING:
        raise MappingError([make_finding(
            "M001", Location(file),
            reason=f"nested more than {MAX_NESTING} levels deep (a mapping needs 4)")]) from None
    try:
        return MappingFile.model_validate(raw), text
    except ValidationError as error:
        raise MappingError(_shape_findings(error, file, text)) from None


def _shape_findings(error: ValidationError, file: str, text: str) -> list[Finding]:
    """M003 per mapping key whose shape is wrong, in the user's words. pydantic reports each
    branch of a union ("a string or a table") apart: a branch that got further (a table with
    an unknown key) says what is wrong, and the others at one key become one "expected this
    or that"."""
    details = error.errors(include_url=False, include_input=False)
    keys = [".".join(str(part) for part in detail["loc"] if not _is_union_tag(part))
            for detail in details]
    reasons: dict[str, list[tuple[str, str]]] = {}
    lines: dict[str, int | None] = {}
    for key, detail in zip(keys, details, strict=True):
        if any(other.startswith(key + ".") for other in keys):
            continue
        dutch, english = _SHAPE_REASONS.get(detail["type"], (detail["msg"], detail["msg"]))
        if detail["type"] == "literal_error":
            expected = str((detail.get("ctx") or {}).get("expected", "?"))
            dutch = "verwacht " + expected.replace(" or ", " of ")
            english = "expected " + expected
        reasons.setdefault(key, []).append((dutch, english))
        lines.setdefault(key, _line_of(text, detail["loc"]))
    findings = []
    for key, pairs in reasons.items():
        dutch = _either([nl for nl, _ in pairs], "verwacht ", " of ")
        english = _either([en for _, en in pairs], "expected ", " or ")
        findings.append(make_finding("M003", Location(file, lines[key]), key=key or "(root)",
                                     reason=dutch, reason_en=english))
    return findings


def _either(reasons: list[str], lead: str, joint: str) -> str:
    """'expected a' + 'expected b' -> 'expected a or b'."""
    unique = list(dict.fromkeys(reasons))
    rest = [reason.removeprefix(lead) if reason.startswith(lead) else reason
            for reason in unique[1:]]
    return joint.join([unique[0], *rest])


def compile_mapping(spec: MappingFile, text: str, mapping_file: str, table: ExportTable,
                    sector: Sector | None = None) -> CompiledMapping:
    """Check a mapping against the export header and the format; every problem at once."""
    findings: list[Finding] = []

    def at(*loc: str) -> Location:
        return Location(mapping_file, _line_of(text, loc), None, loc[-1] if loc else None)

    if sector is not None and sector != spec.sector:
        raise MappingError([make_finding("M011", at("sector"), found=spec.sector,
                                         expected=sector)])
    models = RECORD_MODELS[spec.sector]
    header_index = {name: position for position, name in enumerate(table.header)}
    header_text = ", ".join(table.header)
    known_fields = {name for model in models.values() for name in model.model_fields}

    def column_index(column: str, owner: str, *loc: str) -> int | None:
        if column not in header_index:
            findings.append(make_finding("M002", at(*loc), column=column, field=owner,
                                         expected=header_text))
            return None
        return header_index[column]

    rules: list[_Rule] = []
    for record_type, condition in spec.records.items():
        if record_type not in models:
            valid = ", ".join(t for t in RECORD_TYPES if t in models)
            findings.append(make_finding("M003", at("records", record_type),
                                         key=f"records.{record_type}",
                                         reason=f"geen recordtype van de sector ({valid})",
                                         reason_en=f"no record type of the sector ({valid})"))
            continue
        if condition == "always":
            rules.append(_Rule(record_type, True, None, None, frozenset()))
            continue
        assert isinstance(condition, Condition)
        chosen = [c for c in (condition.filled, condition.empty, condition.column) if c]
        if len(chosen) != 1 or (condition.column and not condition.equals):
            findings.append(make_finding(
                "M003", at("records", record_type), key=f"records.{record_type}",
                reason="verwacht 'always', {filled = KOLOM}, {empty = KOLOM} of "
                       "{column = KOLOM, equals = [...]}",
                reason_en="expected 'always', {filled = COLUMN}, {empty = COLUMN} or "
                          "{column = COLUMN, equals = [...]}"))
            continue
        index = column_index(chosen[0], record_type, "records", record_type)
        if index is None:
            continue
        filled = True if condition.filled else False if condition.empty else None
        rules.append(_Rule(record_type, False, index, filled, frozenset(condition.equals or ())))
    order: dict[str, int] = {name: position for position, name in enumerate(RECORD_TYPES)}
    rules.sort(key=lambda rule: order[rule.record_type])

    fields: list[_Field] = []
    lists = value_lists()
    for name, source in spec.fields.items():
        if name not in known_fields:
            findings.append(make_finding("M003", at("fields", name), key=f"fields.{name}",
                                         reason=f"geen veld '{name}' in ROD bulk v1 "
                                                f"{spec.sector}",
                                         reason_en=f"no field '{name}' in ROD bulk v1 "
                                                   f"{spec.sector}"))
            continue
        source = FieldSource(column=source) if isinstance(source, str) else source
        if (source.column is None) == (source.value is None):
            findings.append(make_finding("M003", at("fields", name), key=f"fields.{name}",
                                         reason="geef column = \"...\" of value = \"...\"",
                                         reason_en="give column = \"...\" or "
                                                   "value = \"...\""))
            continue
        model = next(m for m in models.values() if name in m.model_fields)
        meta = field_meta(model, name)
        kind = _kind_of(model, name)
        valid_codes = frozenset(lists[meta.value_list].codes) if meta.value_list else None
        for source_code, target in (source.codes or {}).items():
            # "" translates to nothing: the optional field stays empty for that value.
            if valid_codes is not None and target and target not in valid_codes:
                findings.append(make_finding(
                    "M004", at("fields", name), source=source_code, value=target, field=name,
                    valuelist=lists[meta.value_list or ""].name,
                    expected=lists[meta.value_list or ""].codes_text()))
        notations = (source.date,) if source.date else DEFAULT_DATE_NOTATIONS
        patterns = []
        if kind == "date":
            for notation in notations:
                pattern = date_pattern(notation)
                if pattern is None:
                    findings.append(make_finding("M005", at("fields", name), value=notation,
                                                 field=name))
                else:
                    patterns.append(pattern)
        if source.value is not None:
            problem = _constant_problem(model, name, source.value)
            if problem is not None:
                findings.append(make_finding("M003", at("fields", name), key=f"fields.{name}",
                                             reason=problem[0], reason_en=problem[1]))
                continue
        index = None
        if source.column is not None:
            index = column_index(source.column, name, "fields", name)
            if index is None:
                continue
        fields.append(_Field(
            name=name, column=source.column, index=index, constant=source.value, kind=kind,
            dates=tuple(patterns), date_text=" / ".join(notations), codes=source.codes,
            valid_codes=valid_codes, pgn=name in PGN_FIELDS,
        ))

    # Every field the mapping names counts as filled, even one whose entry has a problem of
    # its own (reported above): "not mapped" on top would send the user the wrong way.
    mapped = set(spec.fields)
    for rule in rules:
        model = models[rule.record_type]
        for name, info in model.model_fields.items():
            if info.is_required() and name not in mapped:
                findings.append(make_finding("M006", at("fields"), field=name,
                                             record_type=rule.record_type))
        if not mapped & set(PGN_FIELDS):
            findings.append(make_finding("M006", at("fields"), field="burgerservicenummer",
                                         record_type=rule.record_type))
    if not rules and not findings:
        findings.append(make_finding("M003", at("records"), key="records",
                                     reason="geen enkel recordtype",
                                     reason_en="no record type at all"))
    if findings:
        raise MappingError(_unique(findings))
    return CompiledMapping(spec, fields, rules, table.file, table.sheet)


def _constant_problem(model: type[Record], name: str, value: str) -> tuple[str, str] | None:
    """Why a constant cannot fill ``name``, in Dutch and English (checked once here, not on
    every row)."""
    annotation: Any = model.model_fields[name].annotation
    try:
        TypeAdapter(annotation).validate_python(value, context={"date_notation": "iso"})
    except ValidationError:
        meta = field_meta(model, name)
        return (f"'{value}' is geen geldige {meta.label} ({meta.expected})",
                f"'{value}' is no valid {meta.label} ({meta.expected_in('en')})")
    lists = value_lists()
    meta = field_meta(model, name)
    if meta.value_list and value not in lists[meta.value_list].codes:
        return (f"'{value}' staat niet in {lists[meta.value_list].name}",
                f"'{value}' is not in {lists[meta.value_list].name}")
    return None


# What pydantic says of a mapping's shape, in Dutch and English; anything else as it says it.
_SHAPE_REASONS = {
    "missing": ("ontbreekt", "missing"),
    "extra_forbidden": ("onbekende sleutel (een tikfout?)", "unknown key (a typo?)"),
    "string_type": ("verwacht tekst tussen aanhalingstekens", "expected text in quotes"),
    "dict_type": ("verwacht een tabel ({ ... } of [kop])", "expected a table ({ ... } or "
                  "[heading])"),
    "list_type": ("verwacht een lijst ([ ... ])", "expected a list ([ ... ])"),
    "model_type": ("verwacht een tabel ({ ... })", "expected a table ({ ... })"),
}


def _unique(findings: list[Finding]) -> list[Finding]:
    seen: dict[tuple[str, Location, tuple[tuple[str, str], ...]], Finding] = {}
    for finding in findings:
        seen.setdefault((finding.code, finding.location, tuple(finding.params.items())), finding)
    return list(seen.values())


def field_kind(model: type[Record], name: str) -> Literal["text", "date", "decimal"]:
    """Whether a field holds a date, a decimal or text (how a mapping converts its cells and
    how a writer formats its value)."""
    return _kind_of(model, name)


def _kind_of(model: type[Record], name: str) -> Literal["text", "date", "decimal"]:
    pending: list[object] = [model.model_fields[name].annotation]
    while pending:
        annotation = pending.pop()
        if annotation is date:
            return "date"
        if annotation is Decimal:
            return "decimal"
        pending.extend(get_args(annotation))
    return "text"


def _is_union_tag(part: object) -> bool:
    # pydantic names union members in error locations ("str", "FieldSource", "literal[...]")
    return isinstance(part, str) and (part in ("str", "FieldSource", "Condition")
                                      or part.startswith(("literal[", "function-")))


_TOML_PLACE = re.compile(r"\s*\(at line (?P<line>[0-9]+), column (?P<column>[0-9]+)\)$")


def _line_of(text: str, loc: tuple[int | str, ...] | tuple[str, ...]) -> int | None:
    """The line where a mapping key is written: the deepest key found under its table."""
    keys = [str(part) for part in loc if isinstance(part, str) and not _is_union_tag(part)]
    lines = text.splitlines()
    best: int | None = None
    start = 0
    for depth, key in enumerate(keys):
        table = re.compile(rf"^\s*\[\s*{re.escape('.'.join(keys[: depth + 1]))}\s*\]")
        assignment = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
        for number in range(start, len(lines)):
            if table.match(lines[number]) or assignment.match(lines[number]):
                best, start = number + 1, number + 1
                break
    return best


def iter_mapped(mapping: CompiledMapping, table: ExportTable) -> Iterator[tuple[ExportRow,
                                                                                MappedRow]]:
    for row in table.rows:
        yield row, mapping.map_row(row)
