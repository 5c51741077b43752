"""Shared helpers: builders that write small ROD bulk v1 files, and ``flatten``.

Every personal number here is synthetic: it passes the eleven-test but is no one's.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from stdnum.nl import bsn as stdnum_bsn

from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT
from rodcli.bulkformat.models import RECORD_MODELS
from rodcli.findings import Result
from rodcli.pipeline import ValidateOptions, validate_files
from rodcli.readers.bulk_csv import csv_columns

# ---- synthetic personal numbers ---------------------------------------------------------------

BSN = "111222333"
BSN2 = "123456782"
ONR = "101222331"  # onderwijsnummer: starts with 10, eleven-test remainder 5
BRIN = "99XX"
UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
TIMESTAMP = "2025-09-01T08:15:00Z"


def make_bsn(prefix: str) -> str:
    """A synthetic valid BSN: ``prefix`` (8 digits) plus the digit that passes the eleven-test."""
    assert len(prefix) == 8
    for digit in "0123456789":
        if stdnum_bsn.checksum(prefix + digit) == 0 and stdnum_bsn.is_valid(prefix + digit):
            return prefix + digit
    raise ValueError(f"no check digit for {prefix}")


def make_bsns(count: int, start: int = 20_000_000) -> list[str]:
    """``count`` distinct synthetic BSNs (prefixes without a check digit are skipped)."""
    found: list[str] = []
    prefix = start
    while len(found) < count:
        prefix += 1
        try:
            found.append(make_bsn(f"{prefix:08d}"))
        except ValueError:
            continue
    return found


def make_onderwijsnummer(prefix: str) -> str:
    """A synthetic valid onderwijsnummer: ``10`` + 6 digits + the digit giving remainder 5."""
    assert len(prefix) == 8 and prefix.startswith("10")
    for digit in "0123456789":
        if stdnum_bsn.checksum(prefix + digit) == 5:
            return prefix + digit
    raise ValueError(f"no check digit for {prefix}")


def make_invalid(valid: str) -> str:
    """The same number with its last digit changed, so it fails the eleven-test."""
    return valid[:-1] + str((int(valid[-1]) + 1) % 10)


# ---- record builders (dates as ``date`` are written in the file's notation) -------------------

Row = dict[str, object]


def inschrijving(**fields: object) -> Row:
    row: Row = {
        "recordtype": "inschrijving",
        "brin": BRIN,
        "burgerservicenummer": BSN,
        "inschrijvingvolgnummer": "1",
        "geboortedatum": date(2005, 3, 14),
        "geslacht": "V",
        "datumInschrijving": date(2024, 9, 1),
        "opleidingcode": "34607",
        "opleidingsvorm": "VOLTIJD",
        "opleidingsfase": "B",
        "inschrijvingsvorm": "S",
        "vooropleiding": "00401",
    }
    return _apply(row, fields)


def module_inschrijving(**fields: object) -> Row:
    row: Row = {
        "recordtype": "moduleInschrijving",
        "brin": BRIN,
        "burgerservicenummer": BSN,
        "inschrijvingvolgnummer": "1",
        "geboortedatum": date(1990, 6, 2),
        "geslacht": "M",
        "datumInschrijving": date(2024, 9, 1),
        "opleidingcode": "34607",
        "onderwijseenheidcode": "MOD-101",
        "opleidingsvorm": "DEELTIJD",
        "inschrijvingsvorm": "S",
        "studielast": "7.5",
    }
    return _apply(row, fields)


def uitschrijving(**fields: object) -> Row:
    row: Row = {
        "recordtype": "uitschrijving",
        "brin": BRIN,
        "burgerservicenummer": BSN,
        "inschrijvingvolgnummer": "1",
        "datumUitschrijving": date(2025, 8, 31),
    }
    return _apply(row, fields)


def resultaat(**fields: object) -> Row:
    row: Row = {
        "recordtype": "resultaat",
        "brin": BRIN,
        "burgerservicenummer": BSN,
        "inschrijvingvolgnummer": "1",
        "opleidingcode": "34607",
        "opleidingsfase": "B",
        "datumAfsluitendExamen": date(2025, 7, 1),
    }
    return _apply(row, fields)


# ---- mbo: DUO's entities (PvE MBO-instelling, RO record layouts) ----------------------------


def mbo_persoon(**fields: object) -> Row:
    row: Row = {
        "recordtype": "persoon",
        "brin": BRIN,
        "burgerservicenummer": BSN,
        "geboortedatum": date(2007, 11, 30),
        "geslacht": "M",
    }
    return _apply(row, fields)


def mbo_inschrijving(**fields: object) -> Row:
    row: Row = {
        "recordtype": "inschrijving",
        "brin": BRIN,
        "burgerservicenummer": BSN,
        "inschrijvingvolgnummer": "1",
        "datumInschrijving": date(2024, 9, 1),
        "datumUitschrijvingGepland": date(2027, 7, 31),
    }
    return _apply(row, fields)


def mbo_periode(**fields: object) -> Row:
    row: Row = {
        "recordtype": "inschrijvingsperiode",
        "brin": BRIN,
        "burgerservicenummer": BSN,
        "inschrijvingvolgnummer": "1",
        "datumBeginPeriode": date(2024, 9, 1),
        "opleidingcode": "25180",
        "leertraject": "BOL",
        "niveau": "MBO-4",
        "onderwijslocatie": "123X456",
    }
    return _apply(row, fields)


def mbo_bpv(**fields: object) -> Row:
    row: Row = {
        "recordtype": "bpv",
        "brin": BRIN,
        "burgerservicenummer": BSN,
        "inschrijvingvolgnummer": "1",
        "bpvVolgnummer": "1",
        "afsluitdatumBpv": date(2025, 1, 7),
        "datumBeginBpv": date(2025, 2, 1),
        "datumEindeBpvGepland": date(2025, 6, 30),
        "leerbedrijfId": "100018965",
    }
    return _apply(row, fields)


def mbo_diploma(**fields: object) -> Row:
    row: Row = {
        "recordtype": "diploma",
        "brin": BRIN,
        "burgerservicenummer": BSN,
        "resultaatvolgnummer": "D1",
        "opleidingcodeDiploma": "25180",
        "datumDiploma": date(2027, 7, 1),
        "inschrijvingvolgnummer": "1",
    }
    return _apply(row, fields)


def mbo_keuzedeel(**fields: object) -> Row:
    row: Row = {
        "recordtype": "keuzedeel",
        "brin": BRIN,
        "burgerservicenummer": BSN,
        "resultaatvolgnummer": "K1",
        "resultaatvolgnummerDiploma": "D1",
        "codeKeuzedeel": "K0067",
        "resultaatKeuzedeel": "Behaald",
    }
    return _apply(row, fields)


def mbo_geo(**fields: object) -> Row:
    row: Row = {
        "recordtype": "generiekExamenonderdeel",
        "brin": BRIN,
        "burgerservicenummer": BSN,
        "resultaatvolgnummer": "G1",
        "resultaatvolgnummerDiploma": "D1",
        "codeGeneriekExamenonderdeel": "3005",
        "eindcijfer": "7",
    }
    return _apply(row, fields)


def mbo_amo(**fields: object) -> Row:
    row: Row = {
        "recordtype": "amvbOnderdeel",
        "brin": BRIN,
        "burgerservicenummer": BSN,
        "resultaatvolgnummer": "A1",
        "codeAmvbOnderdeel": "C0004",
        "datumResultaat": date(2025, 3, 4),
        "certificaat": "J",
        "inschrijvingvolgnummer": "1",
    }
    return _apply(row, fields)


def mbo_student(**fields: object) -> list[Row]:
    """A valid mbo student: persoon, inschrijving and its period; ``fields`` go to each
    record that has them (a personal number, a BRIN, a volgnummer)."""
    records = [mbo_persoon(), mbo_inschrijving(), mbo_periode()]
    for record in records:
        _apply(record, {name: value for name, value in fields.items()
                        if name in record or name in ("burgerservicenummer", "onderwijsnummer")})
    return records


def _apply(row: Row, fields: Mapping[str, object]) -> Row:
    """Override fields; ``None`` removes one."""
    for name, value in fields.items():
        if value is None:
            row.pop(name, None)
        else:
            row[name] = value
    return row


def _text(value: object, notation: str) -> str:
    if isinstance(value, date):
        return value.strftime("%Y%m%d") if notation == "compact" else value.isoformat()
    return str(value)


# ---- file builders ---------------------------------------------------------------------------


def csv_text(
    rows: Iterable[Row], columns: Sequence[str] | None = None, newline: str = "\n"
) -> str:
    """A ROD bulk v1 CSV document: the fixed header (or ``columns``: then values of other
    fields are left out), ``;``, compact dates."""
    header = list(columns) if columns is not None else csv_columns()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator=newline)
    writer.writerow(header)
    for row in rows:
        unknown = set(row) - set(header)
        assert columns is not None or not unknown, f"columns not in the header: {unknown}"
        writer.writerow([_text(row.get(name, ""), "compact") for name in header])
    return buffer.getvalue()


def write_csv(
    tmp_path: Path,
    rows: Iterable[Row],
    name: str = "bulk.csv",
    columns: Sequence[str] | None = None,
    newline: str = "\n",
    encoding: str = "utf-8",
) -> Path:
    path = tmp_path / name
    path.write_bytes(csv_text(rows, columns, newline).encode(encoding))
    return path


def xml_text(
    rows: Iterable[Row],
    sector: str = "ho",
    header: Mapping[str, str] | None = None,
    namespace: str | None = None,
    root: str = ROOT_ELEMENT,
) -> str:
    """A ROD bulk v1 XML document, one element per line, ISO dates.

    Line 1 is the declaration, line 2 the root, lines 3-6 the header; the first record element
    is on line 7 and its first field (brin) on line 8.
    """
    head = {
        "identificatiecodeBedrijfsdocument": UUID,
        "verzendendeInstantie": BRIN,
        "ontvangendeInstantie": "DUO",
        "datumTijdBedrijfsdocument": TIMESTAMP,
    }
    head.update(header or {})
    ns = NAMESPACES[sector] if namespace is None else namespace
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<{root} xmlns="{ns}">']
    lines += [f"  <{tag}>{escape(value)}</{tag}>" for tag, value in head.items()]
    for row in rows:
        record_type = str(row["recordtype"])
        model = RECORD_MODELS[sector].get(record_type)  # type: ignore[index]
        order = list(model.model_fields) if model is not None else []
        names = [n for n in order if n in row] + [
            n for n in row if n not in order and n != "recordtype"
        ]
        lines.append(f"  <{record_type}>")
        lines += [
            f"    <{name}>{escape(_text(row[name], 'iso'))}</{name}>" for name in names
        ]
        lines.append(f"  </{record_type}>")
    lines.append(f"</{root}>")
    return "\n".join(lines) + "\n"


def write_xml(
    tmp_path: Path,
    rows: Iterable[Row],
    sector: str = "ho",
    name: str = "bulk.xml",
    **options: object,
) -> Path:
    path = tmp_path / name
    path.write_text(xml_text(rows, sector, **options), encoding="utf-8")  # type: ignore[arg-type]
    return path


def line_of(path: Path, needle: str, occurrence: int = 1, encoding: str = "utf-8") -> int:
    """The physical (1-based) line of the ``occurrence``-th line containing ``needle``."""
    seen = 0
    text = path.read_bytes().decode(encoding)
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


# ---- running and flattening ------------------------------------------------------------------

Flat = tuple[str, int | None, str | None]


def flatten(result: Result) -> list[Flat]:
    """(code, line, field) of every finding kept, in report order."""
    return [
        (finding.code, finding.location.line, finding.location.field)
        for finding in result.sorted_findings()
    ]


def validate(*paths: Path, **options: object) -> Result:
    return validate_files(list(paths), ValidateOptions(**options))  # type: ignore[arg-type]


@pytest.fixture
def bulk_csv(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write rows as a CSV bulk file; returns the path."""

    def build(rows: Iterable[Row], **options: object) -> Path:
        return write_csv(tmp_path, rows, **options)  # type: ignore[arg-type]

    return build


@pytest.fixture
def bulk_xml(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write rows as an XML bulk file; returns the path."""

    def build(rows: Iterable[Row], sector: str = "ho", **options: object) -> Path:
        return write_xml(tmp_path, rows, sector, **options)

    return build


# A plain text row and writer for tests that want the bulk CSV exactly as written.
ENROLMENT = {
    "recordtype": "inschrijving",
    "brin": "99XX",
    "burgerservicenummer": "111222333",
    "inschrijvingvolgnummer": "1",
    "geboortedatum": "20050314",
    "geslacht": "V",
    "datumInschrijving": "20240901",
    "opleidingcode": "34479",
    "opleidingsvorm": "VOLTIJD",
    "opleidingsfase": "B",
    "inschrijvingsvorm": "S",
    "vooropleiding": "00401",
}


def write_bulk(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = csv_columns()
    lines = [";".join(columns)] + [";".join(row.get(name, "") for name in columns)
                                   for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---- long runs, for the signal and resource tests ----------------------------------------------


def large_bulk_csv(path: Path, rows: int = 130_000) -> Path:
    """A clean bulk CSV of ``rows`` enrolments (about 10 MB): long enough to interrupt."""
    numbers = make_bsns(1000)
    header = csv_columns()
    lines = [";".join(header)]
    for at in range(rows):
        row = inschrijving(burgerservicenummer=numbers[at % 1000],
                           inschrijvingvolgnummer=f"V{at}")
        lines.append(";".join(_text(row.get(name, ""), "compact") for name in header))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux)."""
    try:
        return [int(child) for child in
                Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
