"""``to_record``: raw field values to a record model plus findings with stable codes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import (
    BSN,
    ONR,
    Row,
    inschrijving,
    make_bsn,
    make_invalid,
    make_onderwijsnummer,
    mbo_amo,
    mbo_bpv,
    mbo_diploma,
    mbo_geo,
    mbo_inschrijving,
    mbo_keuzedeel,
    mbo_periode,
    mbo_persoon,
    module_inschrijving,
    resultaat,
    uitschrijving,
)
from rodcli.bulkformat.models import HoInschrijving, HoModuleInschrijving, MboInschrijving
from rodcli.codes import CATALOGUE, message
from rodcli.findings import Finding
from rodcli.records import (
    CheckedRecord,
    RawRecord,
    csv_field_position,
    csv_locator,
    masked_key,
    to_record,
)

LINE = 5
Flat = tuple[str, int | None, str | None]


def raw(row: Row, notation: str = "compact") -> RawRecord:
    """A RawRecord from a builder row, as a reader would make it (no empty values)."""
    values = {}
    for name, value in row.items():
        if name == "recordtype":
            continue
        if isinstance(value, date):
            value = value.strftime("%Y%m%d") if notation == "compact" else value.isoformat()
        values[name] = str(value)
    return RawRecord(str(row["recordtype"]), values, "bulk", LINE)


def check(
    row: Row, sector: str = "ho", notation: str | None = None
) -> tuple[CheckedRecord | None, list[Flat], list[Finding]]:
    # mbo is XML only: its dates (and DUO's birth date with 00) are JJJJ-MM-DD
    notation = notation or ("iso" if sector == "mbo" else "compact")
    checked, findings = to_record(raw(row, notation), sector, notation)  # type: ignore[arg-type]
    flat = sorted((f.code, f.location.line, f.location.field) for f in findings)
    return checked, flat, findings


@pytest.mark.parametrize(
    ("row", "sector"),
    [
        (inschrijving(), "ho"),
        (inschrijving(burgerservicenummer=None, onderwijsnummer=ONR,
                      geboortedatum=date(2005, 1, 2), geslacht="V", postcode="1234AB"), "ho"),
        (module_inschrijving(), "ho"),
        (uitschrijving(), "ho"),
        (uitschrijving(redenUitschrijving="9"), "ho"),
        (resultaat(), "ho"),
        (mbo_persoon(), "mbo"),
        (mbo_persoon(geboortedatum="2007-00-00", postcode="1234AB"), "mbo"),
        (mbo_inschrijving(), "mbo"),
        (mbo_periode(niveau="MBO-2"), "mbo"),
        (mbo_bpv(), "mbo"),
        (mbo_diploma(), "mbo"),
        (mbo_keuzedeel(), "mbo"),
        (mbo_geo(), "mbo"),
        (mbo_amo(), "mbo"),
    ],
)
def test_valid_records_pass(row: Row, sector: str) -> None:
    checked, flat, _ = check(row, sector)
    assert flat == []
    assert checked is not None
    assert checked.model.record_type == row["recordtype"]
    assert checked.model.sector == sector


def test_checked_record_has_typed_values() -> None:
    checked, _, _ = check(module_inschrijving(studielast="7.5"))
    assert checked is not None
    model = checked.model
    assert isinstance(model, HoModuleInschrijving)
    assert model.datumInschrijving == date(2024, 9, 1)
    assert model.studielast == Decimal("7.5")
    assert model.key == ("99XX", BSN, "1")
    assert (checked.location.file, checked.location.line) == ("bulk", LINE)


# ---- F001: required field missing ------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (inschrijving(brin=None), "brin"),
        (inschrijving(inschrijvingvolgnummer=None), "inschrijvingvolgnummer"),
        (inschrijving(datumInschrijving=None), "datumInschrijving"),
        (inschrijving(opleidingcode=None), "opleidingcode"),
        (inschrijving(opleidingsfase=None), "opleidingsfase"),
        (module_inschrijving(studielast=None), "studielast"),
        (uitschrijving(datumUitschrijving=None), "datumUitschrijving"),
        (resultaat(datumAfsluitendExamen=None), "datumAfsluitendExamen"),
    ],
)
def test_f001_missing(row: Row, field: str) -> None:
    checked, flat, findings = check(row)
    assert checked is None
    assert flat == [("F001", LINE, field)]
    assert findings[0].params["field"] == field


def test_f001_missing_in_mbo() -> None:
    _, flat, _ = check(mbo_inschrijving(datumUitschrijvingGepland=None), "mbo")
    assert flat == [("F001", LINE, "datumUitschrijvingGepland")]


def test_f001_message_uses_duo_name() -> None:
    _, _, findings = check(inschrijving(brin=None))
    assert message(findings[0], "nl") == "BRIN-nummer (brin) is verplicht en ontbreekt"
    assert message(findings[0], "en") == "BRIN-nummer (brin) is required and missing"


@pytest.mark.parametrize("row", [uitschrijving(), resultaat()])
def test_optional_fields_may_be_absent(row: Row) -> None:
    assert check(row)[1] == []


# ---- F002: pattern -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "field", "sector"),
    [
        (inschrijving(brin="9XX"), "brin", "ho"),
        (inschrijving(brin="99xx"), "brin", "ho"),
        (inschrijving(brin="999XX"), "brin", "ho"),
        (inschrijving(burgerservicenummer=None, onderwijsnummer=ONR,
                      geboortedatum=date(2005, 1, 2), geslacht="V", postcode="1234 AB"),
         "postcode", "ho"),
        (inschrijving(burgerservicenummer=None, onderwijsnummer=ONR,
                      geboortedatum=date(2005, 1, 2), geslacht="V", postcode="0234AB"),
         "postcode", "ho"),
        (inschrijving(inschrijvingvolgnummer="1 2"), "inschrijvingvolgnummer", "ho"),
        (inschrijving(inschrijvingvolgnummer="x" * 21), "inschrijvingvolgnummer", "ho"),
        (inschrijving(opleidingcode="3460"), "opleidingcode", "ho"),
        (inschrijving(opleidingsvorm="VOL;TIJD"), "opleidingsvorm", "ho"),
        (inschrijving(burgerservicenummer="11122233"), "burgerservicenummer", "ho"),
        (mbo_periode(onderwijslocatie="123-456"), "onderwijslocatie", "mbo"),
        (mbo_periode(opleidingcode="2518"), "opleidingcode", "mbo"),
        (mbo_diploma(opleidingcodeDiploma="A5180"), "opleidingcodeDiploma", "mbo"),
        (mbo_bpv(leerbedrijfId="012345678"), "leerbedrijfId", "mbo"),
    ],
)
def test_f002_pattern(row: Row, field: str, sector: str) -> None:
    assert check(row, sector)[1] == [("F002", LINE, field)]


def test_f002_message_shows_value_and_format_in_one_language() -> None:
    _, _, findings = check(inschrijving(brin="9XX"))
    assert message(findings[0], "en") == (
        "BRIN-nummer (brin) has value '9XX', expected 2 digits + 2 capitals, e.g. 99XX")
    assert message(findings[0], "nl") == (
        "BRIN-nummer (brin) heeft waarde '9XX', verwacht 2 cijfers + 2 hoofdletters, bijv. 99XX")


def test_f012_message_is_all_dutch_or_all_english() -> None:
    _, _, findings = check(module_inschrijving(studielast="7,5"))
    assert [f.code for f in findings] == ["F012"]
    assert message(findings[0], "nl") == (
        "Studielast (ECTS) '7,5' is ongeldig: verwacht getal > 0, hoogstens 1 decimaal, "
        "bijv. 7.5")
    assert message(findings[0], "en") == (
        "Study load (ECTS) '7,5' is invalid: expected number > 0, at most 1 decimal, e.g. 7.5")


def test_f002_on_a_personal_number_is_masked() -> None:
    _, _, findings = check(inschrijving(burgerservicenummer="11122233"))
    assert findings[0].params["value"] == "****2233"
    assert "11122233" not in message(findings[0], "nl")


# ---- F003 / F013: dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "notation"),
    [
        ("20251131", "compact"),
        ("20250229", "compact"),  # 2025 is no leap year
        ("20251301", "compact"),
        ("00000000", "compact"),
        ("2025-11-31", "iso"),
        ("2025-02-30", "iso"),
    ],
)
def test_f003_not_a_real_date(value: str, notation: str) -> None:
    _, flat, findings = check(inschrijving(datumInschrijving=value), notation=notation)
    assert flat == [("F003", LINE, "datumInschrijving")]
    assert findings[0].params["value"] == value


def test_f003_leap_day_is_real() -> None:
    assert check(inschrijving(datumInschrijving="20240229"))[1] == []


@pytest.mark.parametrize(
    ("value", "notation", "expected"),
    [
        ("2025-09-01", "compact", "JJJJMMDD"),  # ISO date in a CSV file
        ("20250901", "iso", "JJJJ-MM-DD"),  # compact date in an XML file
        ("1-9-2025", "compact", "JJJJMMDD"),
        ("01-09-2025", "iso", "JJJJ-MM-DD"),
        ("2025/09/01", "iso", "JJJJ-MM-DD"),
    ],
)
def test_f013_date_notation(value: str, notation: str, expected: str) -> None:
    _, flat, findings = check(inschrijving(datumInschrijving=value), notation=notation)
    assert flat == [("F013", LINE, "datumInschrijving")]
    assert findings[0].params["expected"] == expected
    english = expected.replace("JJJJ", "YYYY")
    assert message(findings[0], "en").endswith(f"expected {english}")


@pytest.mark.parametrize(("value", "notation"), [("20250901", "compact"), ("2025-09-01", "iso")])
def test_date_in_the_right_notation_passes(value: str, notation: str) -> None:
    checked, flat, _ = check(inschrijving(datumInschrijving=value), notation=notation)
    assert flat == []
    assert isinstance(checked.model, HoInschrijving)  # type: ignore[union-attr]
    assert checked.model.datumInschrijving == date(2025, 9, 1)  # type: ignore[union-attr]


# ---- F004: field not part of the record type -------------------------------------------------


@pytest.mark.parametrize(
    ("row", "field", "sector"),
    [
        (uitschrijving(opleidingcode="34607"), "opleidingcode", "ho"),
        (inschrijving(studielast="7.5"), "studielast", "ho"),
        (inschrijving(datumUitschrijving=date(2025, 1, 1)), "datumUitschrijving", "ho"),
        (resultaat(geslacht="M"), "geslacht", "ho"),
        (mbo_inschrijving(opleidingsfase="B"), "opleidingsfase", "mbo"),
        (mbo_inschrijving(opleidingcode="25180"), "opleidingcode", "mbo"),  # on the period
    ],
)
def test_f004_extra_field(row: Row, field: str, sector: str) -> None:
    _, flat, findings = check(row, sector)
    assert flat == [("F004", LINE, field)]
    assert findings[0].params["record_type"] == row["recordtype"]


# ---- F007 / F008: personal numbers -------------------------------------------------------------


BAD_BSN = make_invalid(BSN)  # 111222334


@pytest.mark.parametrize("value", [BAD_BSN, make_invalid("123456782"), "000000000"])
def test_f007_bad_bsn_is_masked(value: str) -> None:
    _, flat, findings = check(inschrijving(burgerservicenummer=value))
    assert flat == [("F007", LINE, "burgerservicenummer")]
    (finding,) = findings
    assert finding.params["value"] == "*****" + value[-4:]
    for lang in ("nl", "en"):
        text = message(finding, lang)  # type: ignore[arg-type]
        assert "*****" + value[-4:] in text
        assert value not in text
    assert value not in repr(finding)


def test_f007_message_text() -> None:
    _, _, findings = check(inschrijving(burgerservicenummer=BAD_BSN))
    assert message(findings[0], "nl") == (
        "Burgerservicenummer *****2334 voldoet niet aan de elfproef"
    )


@pytest.mark.parametrize("value", [make_bsn("22233344"), make_bsn("98765432"), BSN])
def test_synthetic_bsns_pass(value: str) -> None:
    assert check(inschrijving(burgerservicenummer=value))[1] == []


@pytest.mark.parametrize(
    "value",
    [
        make_invalid(ONR),
        BSN,  # passes the BSN test (remainder 0), but an onderwijsnummer has remainder 5
        "201222331",  # does not start with 10
    ],
)
def test_f008_bad_onderwijsnummer(value: str) -> None:
    row = inschrijving(burgerservicenummer=None, onderwijsnummer=value,
                       geboortedatum=date(2005, 1, 2), geslacht="V")
    _, flat, findings = check(row)
    assert flat == [("F008", LINE, "onderwijsnummer")]
    assert findings[0].params["value"] == "*****" + value[-4:]
    assert value not in message(findings[0], "en")


def test_synthetic_onderwijsnummer_passes() -> None:
    value = make_onderwijsnummer("10555666")
    row = uitschrijving(burgerservicenummer=None, onderwijsnummer=value)
    assert check(row)[1] == []


# ---- F009 / F010: one personal number --------------------------------------------------------


@pytest.mark.parametrize("row", [inschrijving(onderwijsnummer=ONR),
                                 uitschrijving(onderwijsnummer=ONR),
                                 resultaat(onderwijsnummer=ONR)])
def test_f009_both(row: Row) -> None:
    checked, flat, _ = check(row)
    assert checked is None
    assert flat == [("F009", LINE, "onderwijsnummer")]


def test_f009_both_and_a_bad_bsn_reports_both_problems() -> None:
    _, flat, _ = check(inschrijving(burgerservicenummer=BAD_BSN, onderwijsnummer=ONR))
    assert flat == [("F007", LINE, "burgerservicenummer"), ("F009", LINE, "onderwijsnummer")]


@pytest.mark.parametrize("row", [inschrijving(burgerservicenummer=None),
                                 uitschrijving(burgerservicenummer=None),
                                 mbo_diploma(burgerservicenummer=None)])
def test_f010_neither(row: Row) -> None:
    sector = "mbo" if "opleidingcodeDiploma" in row else "ho"
    checked, flat, _ = check(row, sector)
    assert checked is None
    assert flat == [("F010", LINE, "burgerservicenummer")]


def test_f010_is_reported_along_with_other_field_errors() -> None:
    _, flat, _ = check(inschrijving(burgerservicenummer=None, brin="9XX"))
    assert flat == [("F002", LINE, "brin"), ("F010", LINE, "burgerservicenummer")]


# ---- F011: ISAT ranges ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("34607", True),
        ("24607", False),
        ("81499", True),  # last HBO-BA code of the 81000 block
        ("81500", False),
        ("80000", True),
        ("01000", True),
        ("00999", False),
        ("09050", False),
        ("09399", True),
        ("09400", False),
        ("29999", False),
        ("30000", True),
        ("79999", True),
        ("99999", False),
    ],
)
def test_f011_isat_range(code: str, ok: bool) -> None:
    _, flat, findings = check(inschrijving(opleidingcode=code))
    assert flat == ([] if ok else [("F011", LINE, "opleidingcode")])
    if not ok:
        assert findings[0].params["value"] == code


@pytest.mark.parametrize("row", [resultaat(opleidingcode="24607"),
                                 module_inschrijving(opleidingcode="81500")])
def test_f011_in_every_ho_record_with_an_opleidingcode(row: Row) -> None:
    assert check(row)[1] == [("F011", LINE, "opleidingcode")]


def test_f011_not_for_mbo_crebo() -> None:
    assert check(mbo_periode(opleidingcode="24607"), "mbo")[1] == []


# ---- F012: studielast ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-1", "7.55", "7,5", "0.0", "1e1", "x"])
def test_f012_bad_studielast(value: str) -> None:
    _, flat, findings = check(module_inschrijving(studielast=value))
    assert flat == [("F012", LINE, "studielast")]
    assert findings[0].params["value"] == value


@pytest.mark.parametrize(
    ("value", "number"),
    [("7.5", Decimal("7.5")), ("240", Decimal(240)), ("30", Decimal(30)),
     ("0.1", Decimal("0.1")), ("240.0", Decimal(240)),
     # above 240 is a format the field takes; rule R013 warns about it
     ("241", Decimal(241)), ("240.1", Decimal("240.1"))],
)
def test_f012_good_studielast(value: str, number: Decimal) -> None:
    checked, flat, _ = check(module_inschrijving(studielast=value))
    assert flat == []
    assert checked.model.studielast == number  # type: ignore[union-attr]


# ---- I011 / R001: record types -------------------------------------------------------------


@pytest.mark.parametrize(
    ("record_type", "sector", "expected"),
    [
        ("inschrijvingen", "ho", "inschrijving, moduleInschrijving, uitschrijving, resultaat"),
        ("Inschrijving", "ho", "inschrijving, moduleInschrijving, uitschrijving, resultaat"),
        ("", "ho", "inschrijving, moduleInschrijving, uitschrijving, resultaat"),
        ("uitschrijving", "mbo", "persoon, inschrijving, inschrijvingsperiode, bpv, diploma, "
         "keuzedeel, generiekExamenonderdeel, amvbOnderdeel"),
    ],
)
def test_i011_unknown_record_type(record_type: str, sector: str, expected: str) -> None:
    checked, flat, findings = check(inschrijving(recordtype=record_type) if record_type
                                    else {**inschrijving(), "recordtype": ""}, sector)
    assert checked is None
    assert flat == [("I011", LINE, None)]
    assert findings[0].params == {"value": record_type, "expected": expected}


def test_r001_module_enrolment_in_mbo() -> None:
    checked, flat, _ = check(module_inschrijving(), "mbo")
    assert checked is None
    assert flat == [("R001", LINE, None)]


def test_every_finding_code_is_catalogued() -> None:
    rows = [inschrijving(brin="9XX", burgerservicenummer=BAD_BSN, opleidingcode="24607",
                         datumInschrijving="20251131", studielast="7,5")]
    for row in rows:
        for finding in check(row)[2]:
            assert finding.code in CATALOGUE
            assert finding.severity is CATALOGUE[finding.code].severity


def test_all_field_errors_of_a_record_at_once() -> None:
    _, flat, _ = check(inschrijving(brin="9XX", burgerservicenummer=BAD_BSN,
                                    opleidingcode="24607", datumInschrijving="20251131",
                                    studielast="7.5"))
    assert flat == [
        ("F002", LINE, "brin"),
        ("F003", LINE, "datumInschrijving"),
        ("F004", LINE, "studielast"),
        ("F007", LINE, "burgerservicenummer"),
        ("F011", LINE, "opleidingcode"),
    ]


# ---- positions -------------------------------------------------------------------------------


def test_csv_record_positions_point_at_the_field() -> None:
    text = "inschrijving;9XX;111222333;;1\n"
    columns = ("recordtype", "brin", "burgerservicenummer", "onderwijsnummer",
               "inschrijvingvolgnummer")
    record = RawRecord("inschrijving", {"brin": "9XX"}, "f.csv", 7,
                       locate=csv_locator(text, columns, ";", 7))
    _, findings = to_record(record, "ho", "compact")
    located = {f.location.field: (f.location.line, f.location.column) for f in findings}
    assert located["brin"] == (7, 14)
    assert located["burgerservicenummer"] == (7, 1 + len("inschrijving;9XX;"))


@pytest.mark.parametrize(
    ("text", "index", "expected"),
    [
        ("a;b;c\n", 0, (3, 1)),
        ("a;b;c\n", 1, (3, 3)),
        ("a;b;c\n", 2, (3, 5)),
        ('"x;y";b\n', 1, (3, 7)),
        ('"x\ny";b\n', 1, (4, 4)),
        ('a;"x\n\ny";c\n', 2, (5, 4)),
        ("a;b\n", 5, (4, None)),
    ],
)
def test_csv_field_position(text: str, index: int, expected: tuple) -> None:
    assert csv_field_position(text, index, ";", 3) == expected


def _walk_to_field(text: str, index: int) -> tuple[int, int | None]:
    """Where field ``index`` starts, found the slow way: character by character."""
    line, column, field_index, in_quotes = 3, 1, 0, False
    if index == 0:
        return line, column
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        elif char == "\n":
            line, column = line + 1, 0
        elif char == ";" and not in_quotes:
            field_index += 1
            if field_index == index:
                return line, column + 1
        column += 1
    return line, None


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet='ab ;;"\r\n', max_size=40), st.integers(min_value=0, max_value=9))
def test_csv_field_position_by_lengths_agrees_with_a_walk(text: str, index: int) -> None:
    # One-line records without quotes take the quick way (a split); every record, whatever it
    # holds, must get the position a character-by-character walk finds.
    assert csv_field_position(text, index, ";", 3) == _walk_to_field(text, index)


def test_masked_key() -> None:
    assert masked_key({"brin": "99XX", "burgerservicenummer": BSN,
                       "inschrijvingvolgnummer": "1"}) == "99XX/*****2333/1"
    assert masked_key({"brin": "99XX", "onderwijsnummer": ONR}) == "99XX/*****2331/?"
    assert masked_key({}) == "?/?/?"
    # mbo: DUO's keys; a person has none beyond its number
    assert masked_key({"brin": "99XX", "burgerservicenummer": BSN}, "persoon") == "99XX/*****2333"
    assert masked_key({"brin": "99XX", "burgerservicenummer": BSN, "resultaatvolgnummer": "D1",
                       "inschrijvingvolgnummer": "1"}, "diploma") == "99XX/*****2333/D1"
    assert masked_key({"brin": "99XX", "burgerservicenummer": BSN, "inschrijvingvolgnummer": "1",
                       "bpvVolgnummer": "2"}, "bpv") == "99XX/*****2333/1/2"


def test_mbo_model_fields() -> None:
    checked, _, _ = check(mbo_inschrijving(), "mbo")
    assert isinstance(checked.model, MboInschrijving)  # type: ignore[union-attr]
    assert checked.model.key == ("99XX", BSN, "1")  # type: ignore[union-attr]
