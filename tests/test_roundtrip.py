"""Writers and readers agree: what ``rodcli.writers`` writes, the XSD accepts and the readers
read back as the very same models, without a single input, XSD or field finding.

The strategies build VALID records of every model from ``RECORD_MODELS``: personal numbers
that pass python-stdnum's eleven-tests, ISAT codes in range, value-list codes valid on the
record's reference date. Every personal number is synthetic.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import onderwijsnummer as stdnum_onderwijsnummer

from rodcli.bulkformat import NAMESPACES, ROOT_ELEMENT, SECTORS
from rodcli.bulkformat.models import (
    RECORD_MODELS,
    HoInschrijving,
    HoModuleInschrijving,
    HoResultaat,
    HoUitschrijving,
    MboAmvbOnderdeel,
    MboBpv,
    MboDiploma,
    MboGeneriekExamenonderdeel,
    MboInschrijving,
    MboInschrijvingsperiode,
    MboKeuzedeel,
    MboPersoon,
    Record,
    field_meta,
)
from rodcli.bulkformat.types import ISAT_RANGES, DateNotation
from rodcli.bulkformat.valuelists import value_lists
from rodcli.bulkformat.xsd import builtin_schema, secure_parser
from rodcli.findings import FileReport, Finding
from rodcli.pipeline import ValidateOptions, validate_files
from rodcli.readers import read_bulk
from rodcli.readers.bulk_csv import csv_columns
from rodcli.records import to_record
from rodcli.writers import DocumentHeader, format_value
from rodcli.writers.csv import write_csv
from rodcli.writers.xml import write_xml

# ---- strategies --------------------------------------------------------------------------------

PGN_FIELDS = ("burgerservicenummer", "onderwijsnummer")
# The field each model's ``reference_date`` reads; the strategy asserts it.
REFERENCE_DATE_FIELD: dict[type[Record], str] = {
    HoInschrijving: "datumInschrijving",
    HoModuleInschrijving: "datumInschrijving",
    HoUitschrijving: "datumUitschrijving",
    HoResultaat: "datumAfsluitendExamen",
    MboInschrijving: "datumInschrijving",
    MboInschrijvingsperiode: "datumBeginPeriode",
    MboBpv: "datumBeginBpv",
    MboDiploma: "datumDiploma",
    MboKeuzedeel: "datumResultaat",
    MboGeneriekExamenonderdeel: "datumResultaat",
    MboAmvbOnderdeel: "datumResultaat",
}
# A person's birth date may hold 00: no reference date (its codes are valid on any date).
NO_REFERENCE_DATE: frozenset[type[Record]] = frozenset({MboPersoon})
VOLGNUMMER_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
EENHEIDCODE_CHARS = VOLGNUMMER_CHARS + "/ "
TRICKY_VOLGNUMMERS = (".", "-", "_", "0", "007", "a.b-c_d", "--1", "1.", "..", "x" * 20)
TRICKY_EENHEIDCODES = ("MOD 101", "A.B-C_D/E", "a  b", "/", "-", "2024 / 1", "y" * 40)

dates = st.dates(date(2000, 1, 1), date(2030, 12, 31))


def _weighted(digits: str) -> int:
    return sum((9 - i) * int(d) for i, d in enumerate(digits))


@st.composite
def bsns(draw: st.DrawFn) -> str:
    """8 random digits plus the check digit that makes the eleven-test remainder 0."""
    prefix = draw(st.from_regex(r"[0-9]{8}", fullmatch=True).filter(lambda p: int(p) > 0))
    check = _weighted(prefix) % 11
    if check == 10:
        prefix = prefix[:-1] + str((int(prefix[-1]) + 1) % 10)  # moves the remainder
        check = _weighted(prefix) % 11
    number = prefix + str(check)
    assert stdnum_bsn.is_valid(number), number
    return number


@st.composite
def onderwijsnummers(draw: st.DrawFn) -> str:
    """``10`` + 6 random digits + the check digit that makes the remainder 5."""
    prefix = "10" + draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    check = (_weighted(prefix) - 5) % 11
    if check == 10:
        prefix = prefix[:-1] + str((int(prefix[-1]) + 1) % 10)
        check = (_weighted(prefix) - 5) % 11
    number = prefix + str(check)
    assert stdnum_onderwijsnummer.is_valid(number), number
    return number


isat_codes = st.sampled_from(ISAT_RANGES).flatmap(
    lambda r: st.integers(r[0], r[1] - 1).map(lambda n: f"{n:05d}")
)
crebo_codes = st.from_regex(r"[0-9]{5}", fullmatch=True)
volgnummers = st.one_of(
    st.sampled_from(TRICKY_VOLGNUMMERS),
    st.text(alphabet=VOLGNUMMER_CHARS, min_size=1, max_size=20),
)
eenheidcodes = st.one_of(
    st.sampled_from(TRICKY_EENHEIDCODES),
    # Surrounding spaces are stripped by the model, so generate what it keeps.
    st.text(alphabet=EENHEIDCODE_CHARS, min_size=1, max_size=40).map(str.strip).filter(bool),
)
# Tenths from 0.1 to 999.9 (above 240 is only a warning, R013), sometimes with a trailing
# zero ("30.0", "7.50") the writer drops.
studielasten = st.builds(
    lambda tenths, pad: Decimal(f"{tenths // 10}.{tenths % 10}{'0' * pad}"),
    st.integers(1, 9999),
    st.integers(0, 1),
)

FIELD_STRATEGIES: dict[str, st.SearchStrategy[Any]] = {
    "brin": st.from_regex(r"[0-9]{2}[A-Z]{2}", fullmatch=True),
    "inschrijvingvolgnummer": volgnummers,
    "postcode": st.from_regex(r"[1-9][0-9]{3}[A-Z]{2}", fullmatch=True),
    "onderwijslocatie": st.from_regex(r"[0-9]{3}X[0-9]{3}", fullmatch=True),
    "onderwijseenheidcode": eenheidcodes,
    "studielast": studielasten,
    # mbo: DUO's formats (PvE MBO-instelling, RO record layouts)
    "opleidingcodeBpv": crebo_codes,
    "opleidingcodeDiploma": crebo_codes,
    "onderwijsaanbieder": st.from_regex(r"[0-9]{3}A[0-9]{3}", fullmatch=True),
    "locatiecodeVsv": st.from_regex(r"[0-9]{12}", fullmatch=True),
    "leerbedrijfId": st.integers(100_000_000, 999_999_999).map(str),
    "omvangBpv": st.from_regex(r"[0-9]{1,4}", fullmatch=True),
    "codeKeuzedeel": st.from_regex(r"K[0-9]{4}", fullmatch=True),
    "codeKeuzedeelBpv": st.from_regex(r"K[0-9]{4}", fullmatch=True),
    "codeGeneriekExamenonderdeel": st.from_regex(r"[A-Za-z0-9]{4}", fullmatch=True),
    "codeAmvbOnderdeel": st.from_regex(r"[A-Za-z0-9]{5}", fullmatch=True),
    "eindcijfer": st.from_regex(r"[0-9]{1,2}", fullmatch=True),
    "cijferIe": st.from_regex(r"[0-9]{2,3}", fullmatch=True),
    "cijferCe": st.from_regex(r"[0-9]{2,3}", fullmatch=True),
    "vrijstelling": st.from_regex(r"[A-Za-z0-9]{1,4}", fullmatch=True),
    "vrijstellingIe": st.from_regex(r"[A-Za-z0-9]{3}", fullmatch=True),
    "vrijstellingCe": st.from_regex(r"[A-Za-z0-9]{3}", fullmatch=True),
    "redenUitschrijving": st.from_regex(r"[A-Za-z0-9]{2}", fullmatch=True),
}
MBO_VOLGNUMMER_FIELDS = frozenset({"inschrijvingvolgnummer", "resultaatvolgnummer",
                                   "resultaatvolgnummerDiploma", "bpvVolgnummer"})
mbo_volgnummers = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                          min_size=1, max_size=20)
# DUO's birth date: the day, or the day and month, may be 00.
partial_birth_dates = st.one_of(
    dates.map(date.isoformat),
    dates.map(lambda day: f"{day.year:04d}-{day.month:02d}-00"),
    dates.map(lambda day: f"{day.year:04d}-00-00"),
)


def _is_date_field(model: type[Record], name: str) -> bool:
    pending: list[object] = [model.model_fields[name].annotation]
    while pending:
        annotation = pending.pop()
        if annotation is date:
            return True
        pending.extend(get_args(annotation))
    return False


def _field_strategy(model: type[Record], name: str, reference: date) -> st.SearchStrategy[Any]:
    value_list = field_meta(model, name).value_list
    if value_list is not None:
        valid = [
            code for code, entry in value_lists()[value_list].codes.items()
            if entry.valid_on(reference)
        ]
        # A list with no code yet on the date (leerroute from 2020): only "absent" remains.
        return st.sampled_from(valid) if valid else st.nothing()
    if name == "opleidingcode":
        return isat_codes if model.sector == "ho" else crebo_codes
    if model.sector == "mbo" and name in MBO_VOLGNUMMER_FIELDS:
        return mbo_volgnummers
    if model is MboPersoon and name == "geboortedatum":
        return partial_birth_dates
    if _is_date_field(model, name):
        return dates
    if name in FIELD_STRATEGIES:
        return FIELD_STRATEGIES[name]
    raise LookupError(f"no strategy for {model.__name__}.{name}: add one")


@st.composite
def records_of(draw: st.DrawFn, model: type[Record]) -> Record:
    """A valid instance of ``model``: every optional field sometimes set, sometimes None."""
    reference = draw(dates)
    with_bsn = draw(st.booleans())
    values: dict[str, object] = {
        "burgerservicenummer" if with_bsn else "onderwijsnummer": draw(
            bsns() if with_bsn else onderwijsnummers()
        ),
    }
    if model not in NO_REFERENCE_DATE:
        values[REFERENCE_DATE_FIELD[model]] = reference
    for name, info in model.model_fields.items():
        if name in values or name in PGN_FIELDS:
            continue
        strategy = _field_strategy(model, name, reference)
        value = draw(strategy if info.is_required() else st.none() | strategy)
        if value is not None:
            values[name] = value
    record = model.model_validate(values)
    assert record.reference_date == (None if model in NO_REFERENCE_DATE else reference)
    return record


def records(sector: str) -> st.SearchStrategy[Record]:
    return st.one_of([records_of(model) for model in RECORD_MODELS[sector].values()])  # type: ignore[index]


record_lists = {sector: st.lists(records(sector), max_size=8) for sector in SECTORS}

# ---- helpers -----------------------------------------------------------------------------------

HEADER = DocumentHeader.new("99XX", datetime(2025, 9, 1, 8, 15, tzinfo=UTC))


def read_back(path: Path, sector: str, notation: DateNotation) -> tuple[list[Record], list[str]]:
    """The models read from ``path`` and the codes of every finding on the way."""
    report = FileReport(str(path))
    models: list[Record] = []
    codes: list[str] = []
    for item in read_bulk(path, report, sector, None):
        if isinstance(item, Finding):
            codes.append(item.code)
            continue
        codes += [finding.code for finding in item.schema_findings]
        checked, findings = to_record(item, sector, notation)  # type: ignore[arg-type]
        codes += [finding.code for finding in findings]
        if checked is not None:
            models.append(checked.model)
    assert report.sector == sector
    assert report.records == len(models)
    return models, codes


def input_codes(path: Path) -> list[str]:
    """Codes of the reader and typing layers (I, X, F) that validate_files reports."""
    result = validate_files([path], ValidateOptions(max_findings=0))
    return sorted(code for code in result.code_counts if code[0] in "IXF")


def write_xml_file(directory: Path, originals: list[Record], sector: str) -> Path:
    path = directory / "bulk.xml"
    with path.open("wb") as out:
        assert write_xml(originals, sector, HEADER, out) == len(originals)  # type: ignore[arg-type]
    return path


def write_csv_file(directory: Path, originals: list[Record]) -> Path:
    path = directory / "bulk.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        assert write_csv(originals, out) == len(originals)
    return path


def simple_records(count: int) -> Iterator[Record]:
    for number in range(count):
        yield HoUitschrijving(
            brin="99XX", burgerservicenummer="111222333", inschrijvingvolgnummer=str(number),
            datumUitschrijving=date(2025, 8, 31),
        )


# ---- properties --------------------------------------------------------------------------------


@pytest.mark.parametrize("sector", SECTORS)
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_xml_round_trip(
    sector: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    originals = data.draw(record_lists[sector], label="records")
    path = write_xml_file(tmp_path_factory.mktemp("xml"), originals, sector)

    document = etree.parse(str(path), secure_parser())
    schema = builtin_schema(sector)
    assert schema.validate(document), str(schema.error_log)
    elements = list(document.iter())
    assert all((e.text or "").strip() for e in elements if len(e) == 0), "an empty element"
    assert len({e.sourceline for e in elements}) == len(elements), "two elements on a line"

    models, codes = read_back(path, sector, "iso")
    no_records = ["I015"] if not originals else []  # an empty delivery is worth a warning
    assert codes == no_records
    assert models == originals
    assert input_codes(path) == no_records


@settings(max_examples=50, deadline=None)
@given(originals=record_lists["ho"])
def test_csv_round_trip(originals: list[Record], tmp_path_factory: pytest.TempPathFactory) -> None:
    path = write_csv_file(tmp_path_factory.mktemp("csv"), originals)

    models, codes = read_back(path, "ho", "compact")
    no_records = ["I015"] if not originals else []  # an empty delivery is worth a warning
    assert codes == no_records
    assert models == originals
    assert input_codes(path) == no_records


# ---- XML writer --------------------------------------------------------------------------------


def test_xml_document_layout() -> None:
    record = HoModuleInschrijving(
        brin="99XX", onderwijsnummer="101222331", inschrijvingvolgnummer="a.b-c_1",
        geboortedatum=date(2004, 2, 29), geslacht="V", datumInschrijving=date(2024, 9, 1),
        opleidingcode="34607", opleidingsvorm="DEELTIJD", inschrijvingsvorm="S",
        studielast=Decimal("30.0"),
    )
    summer_time = timezone(timedelta(hours=2))
    header = DocumentHeader("0f8fad5b-d9cb-469f-a165-70867728950e", "99XX",
                            datetime(2025, 9, 1, 10, 15, 7, 123456, tzinfo=summer_time))
    out = io.BytesIO()
    assert write_xml([record], "ho", header, out) == 1
    lines = out.getvalue().decode("utf-8").splitlines()
    assert lines[0].startswith("<?xml") and "utf-8" in lines[0].lower()
    assert lines[1] == f'<{ROOT_ELEMENT} xmlns="{NAMESPACES["ho"]}">'
    assert lines[2:6] == [
        "  <identificatiecodeBedrijfsdocument>0f8fad5b-d9cb-469f-a165-70867728950e"
        "</identificatiecodeBedrijfsdocument>",
        "  <verzendendeInstantie>99XX</verzendendeInstantie>",
        "  <ontvangendeInstantie>DUO</ontvangendeInstantie>",
        "  <datumTijdBedrijfsdocument>2025-09-01T08:15:07Z</datumTijdBedrijfsdocument>",
    ]
    assert lines[6:] == [
        "  <moduleInschrijving>",
        "    <brin>99XX</brin>",
        "    <onderwijsnummer>101222331</onderwijsnummer>",
        "    <inschrijvingvolgnummer>a.b-c_1</inschrijvingvolgnummer>",
        "    <geboortedatum>2004-02-29</geboortedatum>",
        "    <geslacht>V</geslacht>",
        "    <datumInschrijving>2024-09-01</datumInschrijving>",
        "    <opleidingcode>34607</opleidingcode>",
        "    <opleidingsvorm>DEELTIJD</opleidingsvorm>",
        "    <inschrijvingsvorm>S</inschrijvingsvorm>",
        "    <studielast>30</studielast>",
        "  </moduleInschrijving>",
        f"</{ROOT_ELEMENT}>",
    ]
    assert builtin_schema("ho").validate(etree.fromstring(out.getvalue(), secure_parser()))


def test_xml_accepts_a_generator() -> None:
    out = io.BytesIO()
    assert write_xml(simple_records(20_000), "ho", HEADER, out) == 20_000
    document = etree.fromstring(out.getvalue(), secure_parser())
    assert len(document) == 4 + 20_000
    assert builtin_schema("ho").validate(document), str(builtin_schema("ho").error_log)


def test_xml_empty_document() -> None:
    out = io.BytesIO()
    assert write_xml([], "mbo", HEADER, out) == 0
    assert builtin_schema("mbo").validate(etree.fromstring(out.getvalue(), secure_parser()))


@pytest.mark.parametrize(("sector", "record"), [
    ("ho", MboDiploma(brin="99XX", burgerservicenummer="111222333", resultaatvolgnummer="1",
                      opleidingcodeDiploma="25180", datumDiploma=date(2025, 7, 1))),
    ("mbo", next(simple_records(1))),
])
def test_xml_refuses_a_record_of_another_sector(sector: str, record: Record) -> None:
    with pytest.raises(ValueError, match="record"):
        write_xml([record], sector, HEADER, io.BytesIO())  # type: ignore[arg-type]


# ---- CSV writer --------------------------------------------------------------------------------


def test_csv_layout() -> None:
    out = io.StringIO(newline="")
    records_ = [
        HoModuleInschrijving(
            brin="99XX", onderwijsnummer="101222331", inschrijvingvolgnummer="1",
            geboortedatum=date(2004, 2, 29), geslacht="V", datumInschrijving=date(2024, 9, 1),
            opleidingcode="34607", onderwijseenheidcode="MOD 101", opleidingsvorm="DEELTIJD",
            inschrijvingsvorm="S", studielast=Decimal("7.50"),
        ),
        next(simple_records(1)),
    ]
    assert write_csv(records_, out) == 2
    text = out.getvalue()
    assert "\r" not in text
    lines = text.split("\n")
    assert lines[0] == ";".join(csv_columns())
    assert lines[-1] == ""
    row = dict(zip(csv_columns(), lines[1].split(";"), strict=True))
    assert row["recordtype"] == "moduleInschrijving"
    assert row["geboortedatum"] == "20040229"
    assert row["datumInschrijving"] == "20240901"
    assert row["studielast"] == "7.5"
    assert row["onderwijseenheidcode"] == "MOD 101"
    assert row["burgerservicenummer"] == row["postcode"] == row["datumUitschrijving"] == ""
    assert lines[2] == "uitschrijving;99XX;111222333;;0;;;;;;;;;;;;20250831;;"


def test_csv_quotes_only_when_needed() -> None:
    # No valid model holds these characters; model_construct skips validation to test the
    # quoting of the csv module as the writer configures it.
    tricky = {"a;b", 'say "hi"', "two\nlines", "plain"}
    records_ = [
        HoModuleInschrijving.model_construct(
            brin="99XX", burgerservicenummer="111222333", inschrijvingvolgnummer=volgnummer,
            geboortedatum=date(1990, 1, 1), geslacht="V",
            datumInschrijving=date(2024, 9, 1), opleidingcode="34607",
            onderwijseenheidcode=code, opleidingsvorm="VOLTIJD", inschrijvingsvorm="S",
            studielast=Decimal("5"),
        )
        for volgnummer, code in zip(sorted(tricky), sorted(tricky, reverse=True), strict=True)
    ]
    out = io.StringIO(newline="")
    write_csv(records_, out)
    text = out.getvalue()
    assert '"a;b"' in text and '"say ""hi"""' in text and '"two\nlines"' in text
    assert '"plain"' not in text and '"99XX"' not in text

    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    columns = rows[0]
    assert columns == csv_columns()
    read = [dict(zip(columns, row, strict=True)) for row in rows[1:]]
    assert [row["inschrijvingvolgnummer"] for row in read] == sorted(tricky)
    assert [row["onderwijseenheidcode"] for row in read] == sorted(tricky, reverse=True)
    assert {row["studielast"] for row in read} == {"5"}


def test_csv_refuses_mbo_records() -> None:
    record = MboInschrijving(brin="99XX", burgerservicenummer="111222333",
                             inschrijvingvolgnummer="1", datumInschrijving=date(2024, 8, 1),
                             datumUitschrijvingGepland=date(2025, 8, 31),
                             redenUitschrijving="08")
    with pytest.raises(ValueError, match="mbo"):
        write_csv([record], io.StringIO())


def test_csv_accepts_a_generator() -> None:
    out = io.StringIO(newline="")
    assert write_csv(simple_records(1000), out) == 1000
    assert out.getvalue().count("\n") == 1001


# ---- shared formatting and the header ----------------------------------------------------------


@pytest.mark.parametrize(("value", "notation", "text"), [
    (date(2024, 9, 1), "iso", "2024-09-01"),
    (date(2024, 9, 1), "compact", "20240901"),
    (date(2000, 1, 1), "compact", "20000101"),
    (Decimal("7.5"), "iso", "7.5"),
    (Decimal("7.50"), "iso", "7.5"),
    (Decimal("30"), "iso", "30"),
    (Decimal("3E+1"), "compact", "30"),
    (Decimal("240.0"), "iso", "240"),
    (Decimal("0.1"), "iso", "0.1"),
    (Decimal("1E-1"), "iso", "0.1"),
    ("MOD 101", "iso", "MOD 101"),
    ("007", "compact", "007"),
])
def test_format_value(value: object, notation: DateNotation, text: str) -> None:
    assert format_value(value, notation) == text


@pytest.mark.parametrize("value", [datetime(2024, 9, 1, tzinfo=UTC), 7, 7.5, None, True])
def test_format_value_refuses_other_types(value: object) -> None:
    with pytest.raises(TypeError):
        format_value(value, "iso")


def test_document_header() -> None:
    header = DocumentHeader.new("99XX")
    assert len(header.document_id) == 36 and header.document_id[14] == "4"  # UUID version 4
    assert header.created.tzinfo is not None
    assert header.document_id != DocumentHeader.new("99XX").document_id
    moment = datetime(2025, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert DocumentHeader.new("99XX", moment).timestamp == "2024-12-31T23:30:00Z"
    with pytest.raises(ValueError, match="timezone"):
        DocumentHeader.new("99XX", datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="BRIN"):
        DocumentHeader.new("99xx")
    with pytest.raises(ValueError, match="UUID"):
        DocumentHeader("not-a-uuid", "99XX", moment)
