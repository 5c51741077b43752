"""Every rule in ``rodcli.rules``: a passing and a failing case each, exact (code, line, field).

CSV files (ho) have the header on line 1, so the n-th record is on line n + 1. In the XML
builder's files the first record element is on line 7.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import (
    BRIN,
    BSN,
    BSN2,
    ONR,
    Row,
    flatten,
    inschrijving,
    line_of,
    mbo_amo,
    mbo_diploma,
    mbo_inschrijving,
    mbo_periode,
    mbo_persoon,
    mbo_student,
    module_inschrijving,
    resultaat,
    uitschrijving,
    validate,
    write_csv,
    write_xml,
)
from rodcli.codes import CATALOGUE, hint, message
from rodcli.findings import Severity
from rodcli.rules import cross_record_rules, record_rules


def run_csv(tmp_path: Path, rows: list[Row], **options: object) -> list[tuple]:
    return flatten(validate(write_csv(tmp_path, rows), **options))


def test_every_rule_code_is_in_the_catalogue() -> None:
    codes = [code for rule in [*record_rules(), *cross_record_rules()] for code in rule.codes]
    assert len(codes) == len(set(codes))
    assert set(codes) <= set(CATALOGUE)
    assert set(codes) == {"F005", "F006", "R002", "R003", "R004", "R005", "R006", "R007",
                          "R010", "R011", "R012", "R013", "R014", "R015", "R016", "R017",
                          "R018", "R019", "R020", "R021", "R030"}


def test_clean_ho_csv_has_no_findings(tmp_path: Path) -> None:
    rows = [inschrijving(), uitschrijving(), resultaat(),
            module_inschrijving(inschrijvingvolgnummer="2")]
    assert run_csv(tmp_path, rows) == []


def test_clean_mbo_xml_has_no_findings(tmp_path: Path) -> None:
    rows = [*mbo_student(), mbo_diploma(), mbo_amo()]
    path = write_xml(tmp_path, rows, "mbo")
    assert flatten(validate(path)) == []


# ---- F005: code not in its value list ------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (inschrijving(opleidingsvorm="FULLTIME"), "opleidingsvorm"),
        (inschrijving(opleidingsvorm="voltijd"), "opleidingsvorm"),  # case-sensitive
        (inschrijving(opleidingsfase="X"), "opleidingsfase"),
        (inschrijving(inschrijvingsvorm="student"), "inschrijvingsvorm"),
        (inschrijving(vooropleiding="GYMNASIUM"), "vooropleiding"),
        (module_inschrijving(opleidingsvorm="AVOND"), "opleidingsvorm"),
        (uitschrijving(redenUitschrijving="GESTOPT"), "redenUitschrijving"),
        (resultaat(opleidingsfase="Z"), "opleidingsfase"),
    ],
)
def test_f005_unknown_code_in_ho(tmp_path: Path, row: Row, field: str) -> None:
    # the enrolment is there (line 2) so that only the code of line 3 is at issue
    enrolment = inschrijving() if row["recordtype"] != "inschrijving" else None
    rows = [enrolment, row] if enrolment else [row]
    line = len(rows) + 1
    # a result with an unknown phase is also no full diploma (R010): only F005 is asked here
    found = [f for f in run_csv(tmp_path, rows) if f[0] == "F005"]
    assert found == [("F005", line, field)]


def test_f005_unknown_geslacht_without_bsn(tmp_path: Path) -> None:
    row = inschrijving(burgerservicenummer=None, onderwijsnummer=ONR,
                       geboortedatum=date(2005, 1, 2), geslacht="X")
    assert run_csv(tmp_path, [row]) == [("F005", 2, "geslacht")]


@pytest.mark.parametrize(
    "row",
    [
        inschrijving(opleidingsvorm="DUAAL", vooropleiding="00506"),
        inschrijving(opleidingsvorm="DEELTIJD", opleidingsfase="M", inschrijvingsvorm="E",
                     vooropleiding="00601"),
        inschrijving(burgerservicenummer=None, onderwijsnummer=ONR,
                     geboortedatum=date(2005, 1, 2), geslacht="O"),
    ],
)
def test_f005_known_codes_pass(tmp_path: Path, row: Row) -> None:
    assert run_csv(tmp_path, [row]) == []


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (mbo_periode(leertraject="bol"), "leertraject"),
        (mbo_periode(leertraject="CBL"), "leertraject"),  # RIO's, not in DUO's PvE list
        (mbo_periode(niveau="MBO-5"), "niveau"),
        (mbo_periode(leerroute="DLR"), "leerroute"),
        (mbo_periode(indicatieBekostigbaar="Y"), "indicatieBekostigbaar"),
    ],
)
def test_f005_unknown_code_in_mbo(tmp_path: Path, row: Row, field: str) -> None:
    path = write_xml(tmp_path, [mbo_persoon(), mbo_inschrijving(), row], "mbo")
    assert flatten(validate(path)) == [("F005", line_of(path, f"<{field}>"), field)]


@pytest.mark.parametrize("reason", ["10", "08", "8A", "ZZ"])
def test_mbo_reden_uitschrijving_is_format_only(tmp_path: Path, reason: str) -> None:
    # DUO's list is not public: any two letters or digits pass, kept apart from ho's codes
    rows = [mbo_persoon(), mbo_inschrijving(datumUitschrijvingWerkelijk=date(2025, 1, 31),
                                            redenUitschrijving=reason), mbo_periode()]
    assert flatten(validate(write_xml(tmp_path, rows, "mbo"))) == []


def test_mbo_reden_uitschrijving_format(tmp_path: Path) -> None:
    rows = [mbo_persoon(), mbo_inschrijving(redenUitschrijving="8"), mbo_periode()]
    path = write_xml(tmp_path, rows, "mbo")
    assert flatten(validate(path)) == [
        ("F002", line_of(path, "<redenUitschrijving>"), "redenUitschrijving")
    ]


def test_f005_message_names_the_list_and_its_codes(tmp_path: Path) -> None:
    result = validate(write_csv(tmp_path, [inschrijving(opleidingsvorm="FULLTIME")]))
    (finding,) = result.findings
    assert finding.params["value"] == "FULLTIME"
    assert finding.params["valuelist"] == "OpleidingsvormHO-v01"
    assert "VOLTIJD" in finding.params["expected"]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # a record that fails typing still has its unknown codes reported in the same run
        (inschrijving(brin="9XX", opleidingsvorm="FULLTIME"),
         [("F002", 2, "brin"), ("F005", 2, "opleidingsvorm")]),
        (inschrijving(burgerservicenummer=None, inschrijvingsvorm="X"),
         [("F010", 2, "burgerservicenummer"), ("F005", 2, "inschrijvingsvorm")]),
        # a code that already failed its format is reported once
        (inschrijving(brin="9XX", opleidingsvorm="VOL!TIJD"),
         [("F002", 2, "brin"), ("F002", 2, "opleidingsvorm")]),
    ],
)
def test_f005_in_a_record_that_fails_typing(tmp_path: Path, row: Row, expected: list) -> None:
    assert run_csv(tmp_path, [row]) == expected


def test_f006_waits_for_a_typed_record(tmp_path: Path) -> None:
    row = mbo_periode(brin="9XX", leertraject="BOL_DT", datumBeginPeriode=date(2024, 9, 1))
    path = write_xml(tmp_path, [row], "mbo")
    assert flatten(validate(path)) == [("F002", line_of(path, "<brin>"), "brin")]


# ---- F006: code outside its begin/end dates ------------------------------------------------


@pytest.mark.parametrize(
    ("leerweg", "start", "bad"),
    [
        ("BOL_DT", date(2023, 7, 31), False),  # last day it is valid (PvE §16.6)
        ("BOL_DT", date(2023, 8, 1), True),
        ("BOL", date(1997, 7, 31), True),  # DUO's list begins on 1997-08-01
        ("BOL", date(1997, 8, 1), False),
        ("ODT", date(2018, 12, 31), True),  # before its begin date
        ("ODT", date(2019, 1, 1), False),
        ("BBL", date(2010, 8, 1), False),
    ],
)
def test_f006_leertraject_valid_on_the_period_date(
    tmp_path: Path, leerweg: str, start: date, bad: bool
) -> None:
    rows = [mbo_persoon(), mbo_inschrijving(datumInschrijving=start),
            mbo_periode(leertraject=leerweg, datumBeginPeriode=start)]
    path = write_xml(tmp_path, rows, "mbo")
    expected = [("F006", line_of(path, "<leertraject>"), "leertraject")] if bad else []
    assert flatten(validate(path)) == expected


@pytest.mark.parametrize(("field", "code", "start", "bad"), [
    ("leerroute", "DLP", date(2020, 7, 31), True),
    ("leerroute", "DLP", date(2020, 8, 1), False),
    ("leerroutefase", "VO", date(2020, 7, 31), True),
    ("leerroutefase", "MBO", date(2020, 8, 1), False),
])
def test_f006_leerroute_from_2020(tmp_path: Path, field: str, code: str, start: date,
                                  bad: bool) -> None:
    rows = [mbo_persoon(), mbo_inschrijving(datumInschrijving=start),
            mbo_periode(datumBeginPeriode=start, **{field: code})]
    path = write_xml(tmp_path, rows, "mbo")
    expected = [("F006", line_of(path, f"<{field}>"), field)] if bad else []
    assert flatten(validate(path)) == expected


def test_f006_message_has_the_validity_period(tmp_path: Path) -> None:
    rows = [mbo_persoon(), mbo_inschrijving(),
            mbo_periode(leertraject="BOL_DT", datumBeginPeriode=date(2024, 9, 1))]
    (finding,) = validate(write_xml(tmp_path, rows, "mbo")).findings
    assert finding.params == {
        "field": "leertraject", "name": "leertraject", "value": "BOL_DT",
        "begin": "1997-08-01", "end": "2023-07-31", "date": "2024-09-01",
    }


# ---- R001: module enrolment in an mbo file ---------------------------------------------------


def test_r001_module_enrolment_in_mbo_xml(tmp_path: Path) -> None:
    rows = [*mbo_student(), module_inschrijving(inschrijvingvolgnummer="2")]
    path = write_xml(tmp_path, rows, "mbo")
    assert flatten(validate(path)) == [("R001", line_of(path, "<moduleInschrijving>"), None)]


def test_r001_module_enrolment_in_ho_xml_is_fine(tmp_path: Path) -> None:
    path = write_xml(tmp_path, [module_inschrijving()], "ho")
    assert flatten(validate(path)) == []


# ---- R002 / R012: dates in order -------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        (date(2024, 8, 31), [("R002", 3, "datumUitschrijving")]),
        (date(2024, 9, 1), []),  # same day: enrolled for one day
        (date(2024, 9, 2), []),
    ],
)
def test_r002_deregistration_before_enrolment(tmp_path: Path, end: date, expected: list) -> None:
    rows = [inschrijving(datumInschrijving=date(2024, 9, 1)), uitschrijving(datumUitschrijving=end)]
    assert run_csv(tmp_path, rows) == expected


def test_r002_names_the_enrolment_line(tmp_path: Path) -> None:
    rows = [uitschrijving(datumUitschrijving=date(2024, 1, 1)), inschrijving()]
    result = validate(write_csv(tmp_path, rows))
    assert flatten(result) == [("R002", 2, "datumUitschrijving")]
    assert result.findings[0].params == {"date": "2024-01-01", "begin": "2024-09-01",
                                         "other_line": "3", "at": " (regel 3)",
                                         "at_en": " (line 3)"}
    assert message(result.findings[0], "en") == (
        "Deregistration date 2024-01-01 is before enrolment date 2024-09-01 (line 3)")


def test_r002_against_an_enrolment_in_a_with_file(tmp_path: Path) -> None:
    earlier = write_csv(tmp_path, [inschrijving()], name="earlier.csv")
    path = write_csv(tmp_path, [uitschrijving(datumUitschrijving=date(2024, 8, 1))])
    assert flatten(validate(path, with_files=(earlier,))) == [("R002", 2, "datumUitschrijving")]


@pytest.mark.parametrize(
    ("exam", "expected"),
    [
        (date(2024, 8, 31), [("R012", 3, None)]),
        (date(2024, 9, 1), []),
    ],
)
def test_r012_result_before_enrolment(tmp_path: Path, exam: date, expected: list) -> None:
    rows = [inschrijving(), resultaat(datumAfsluitendExamen=exam)]
    result = validate(write_csv(tmp_path, rows))
    assert flatten(result) == expected
    if expected:
        assert result.findings[0].severity is Severity.WARNING


def test_r016_not_r012_in_mbo(tmp_path: Path) -> None:
    # mbo's diploma is DUO's DIP: before its enrolment it lies outside it (R016)
    path = write_xml(tmp_path, [*mbo_student(), mbo_diploma(datumDiploma=date(2024, 1, 1))],
                     "mbo")
    assert flatten(validate(path)) == [("R016", line_of(path, "<diploma>"), "datumDiploma")]


# ---- R003: afsluitend examen needs a full-diploma result -----------------------------------


AFSLUITEND = uitschrijving(redenUitschrijving="1")


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([inschrijving(), AFSLUITEND], [("R003", 3, "redenUitschrijving")]),
        ([inschrijving(), AFSLUITEND, resultaat()], []),
        ([inschrijving(), resultaat(opleidingsfase="M"), AFSLUITEND], []),
        # a result for another enrolment of the same student does not count
        ([inschrijving(), inschrijving(inschrijvingvolgnummer="2"), AFSLUITEND,
          resultaat(inschrijvingvolgnummer="2")], [("R003", 4, "redenUitschrijving")]),
        # a propedeuse is no full diploma
        ([inschrijving(), AFSLUITEND, resultaat(opleidingsfase="P")],
         [("R003", 3, "redenUitschrijving"), ("R010", 4, "opleidingsfase")]),
        # other reasons need no result
        ([inschrijving(), uitschrijving(redenUitschrijving="9")], []),
        ([inschrijving(), uitschrijving()], []),
    ],
)
def test_r003_afsluitend_examen(tmp_path: Path, rows: list[Row], expected: list) -> None:
    assert run_csv(tmp_path, rows) == expected


def test_r003_satisfied_by_a_result_in_a_with_file(tmp_path: Path) -> None:
    earlier = write_csv(tmp_path, [inschrijving(), resultaat()], name="earlier.csv")
    path = write_csv(tmp_path, [AFSLUITEND])
    assert flatten(validate(path)) == [("R006", 2, None), ("R003", 2, "redenUitschrijving")]
    assert flatten(validate(path, with_files=(earlier,))) == []


def test_r003_points_at_the_reason_and_says_where_the_diploma_belongs(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [inschrijving(), AFSLUITEND])
    (finding,) = validate(path).findings
    line = path.read_text(encoding="utf-8").splitlines()[2]
    assert finding.code == "R003" and finding.location.column is not None
    assert line[finding.location.column - 1:] == "1;"  # the reason, the last filled cell
    text = hint(finding, "en")
    assert "with the enrolment for the whole programme" in text
    assert "not with a module enrolment" in text and "--with" in text


def test_r003_in_xml_points_at_the_reason_element(tmp_path: Path) -> None:
    path = write_xml(tmp_path, [inschrijving(), AFSLUITEND])
    assert flatten(validate(path)) == [
        ("R003", line_of(path, "<redenUitschrijving>"), "redenUitschrijving")]


def test_r003_only_code_1_needs_a_full_diploma(tmp_path: Path) -> None:
    """DUO's code beëindiging 1-9: only 1 (afsluitend examen) asks for a diploma. Code 7 ended
    on 1999-08-31, so its enrolment is from before then."""
    rows: list[Row] = []
    for code in range(1, 10):
        old = code == 7
        rows.append(inschrijving(inschrijvingvolgnummer=str(code),
                                 datumInschrijving=date(1998, 9, 1) if old else date(2024, 9, 1)))
        rows.append(uitschrijving(inschrijvingvolgnummer=str(code), redenUitschrijving=str(code),
                                  datumUitschrijving=date(1999, 8, 31) if old
                                  else date(2025, 8, 31)))
    assert [(code, field) for code, _, field in run_csv(tmp_path, rows)] == [
        ("R003", "redenUitschrijving")]


def test_r003_satisfied_by_a_result_in_a_with_xml_file(tmp_path: Path) -> None:
    earlier = write_xml(tmp_path, [resultaat()], name="earlier.xml")
    path = write_csv(tmp_path, [inschrijving(), AFSLUITEND])
    assert flatten(validate(path, with_files=(earlier,))) == []


def test_r003_not_satisfied_by_a_non_diploma_result_in_a_with_file(tmp_path: Path) -> None:
    earlier = write_csv(tmp_path, [resultaat(opleidingsfase="D")], name="earlier.csv")
    path = write_csv(tmp_path, [inschrijving(), AFSLUITEND])
    assert flatten(validate(path, with_files=(earlier,))) == [("R003", 3, "redenUitschrijving")]


# ---- R004: result on a module enrolment ----------------------------------------------------


@pytest.mark.parametrize(
    ("enrolment", "expected"),
    [
        (module_inschrijving(), [("R004", 3, None)]),
        (inschrijving(), []),
    ],
)
def test_r004_result_on_module_enrolment(tmp_path: Path, enrolment: Row, expected: list) -> None:
    result = validate(write_csv(tmp_path, [enrolment, resultaat()]))
    assert flatten(result) == expected
    if expected:
        assert result.findings[0].params == {"other_line": "2"}


def test_r004_module_enrolment_from_a_with_file(tmp_path: Path) -> None:
    earlier = write_csv(tmp_path, [module_inschrijving()], name="earlier.csv")
    path = write_csv(tmp_path, [resultaat()])
    assert flatten(validate(path, with_files=(earlier,))) == [("R004", 2, None)]


# ---- R005: duplicate keys ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([inschrijving(), inschrijving()], [("R005", 3, None)]),
        ([inschrijving(), module_inschrijving()], [("R005", 3, None)]),
        ([module_inschrijving(), module_inschrijving()], [("R005", 3, None)]),
        ([inschrijving(), inschrijving(), inschrijving()], [("R005", 3, None), ("R005", 4, None)]),
        ([inschrijving(), uitschrijving(), uitschrijving()], [("R005", 4, None)]),
        ([inschrijving(), resultaat(), resultaat()], [("R005", 4, None)]),
        # a different part of the key is a different enrolment
        ([inschrijving(), inschrijving(inschrijvingvolgnummer="2")], []),
        ([inschrijving(), inschrijving(burgerservicenummer=BSN2)], []),
        ([inschrijving(), inschrijving(brin="98YY")], []),
        # one of each kind per key is the normal life of an enrolment
        ([inschrijving(), uitschrijving(), resultaat()], []),
    ],
)
def test_r005_duplicates(tmp_path: Path, rows: list[Row], expected: list) -> None:
    assert run_csv(tmp_path, rows) == expected


def test_r005_names_the_first_line_and_kind(tmp_path: Path) -> None:
    result = validate(write_csv(tmp_path, [module_inschrijving(), inschrijving()]))
    assert result.findings[0].params == {"record_type": "inschrijving", "other_line": "2"}


def test_r005_on_a_module_says_module(tmp_path: Path) -> None:
    # issue 14: the later record is a module enrolment, and the message says so
    result = validate(write_csv(tmp_path, [module_inschrijving(), module_inschrijving()]))
    (finding,) = result.findings
    assert finding.params == {"record_type": "moduleInschrijving", "other_line": "2"}
    assert message(finding, "nl") == "moduleInschrijving met deze sleutel staat al op regel 2"
    assert "module" in hint(finding, "en")


def test_r005_counts_bsn_and_onderwijsnummer_as_different_keys(tmp_path: Path) -> None:
    rows = [inschrijving(),
            inschrijving(burgerservicenummer=None, onderwijsnummer=ONR,
                         geboortedatum=date(2005, 1, 2), geslacht="V")]
    assert run_csv(tmp_path, rows) == []


def test_r005_in_xml(tmp_path: Path) -> None:
    path = write_xml(tmp_path, [inschrijving(), inschrijving()])
    assert flatten(validate(path)) == [("R005", line_of(path, "<inschrijving>", 2), None)]


# ---- R006 / R007: deregistration or result without enrolment --------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([uitschrijving()], [("R006", 2, None)]),
        ([resultaat()], [("R007", 2, None)]),
        ([uitschrijving(), resultaat()], [("R006", 2, None), ("R007", 3, None)]),
        ([inschrijving(inschrijvingvolgnummer="2"), uitschrijving()], [("R006", 3, None)]),
        ([uitschrijving(), inschrijving()], []),  # order in the file does not matter
        ([module_inschrijving(), uitschrijving()], []),
    ],
)
def test_r006_r007_unknown_enrolment(tmp_path: Path, rows: list[Row], expected: list) -> None:
    result = validate(write_csv(tmp_path, rows))
    assert flatten(result) == expected
    assert all(f.severity is Severity.WARNING for f in result.findings)


@pytest.mark.parametrize("kind", ["csv", "xml"])
def test_r006_r007_silenced_by_with(tmp_path: Path, kind: str) -> None:
    if kind == "csv":
        earlier = write_csv(tmp_path, [inschrijving()], name="earlier.csv")
    else:
        earlier = write_xml(tmp_path, [inschrijving()], name="earlier.xml")
    path = write_csv(tmp_path, [uitschrijving(), resultaat()])
    assert flatten(validate(path, with_files=(earlier,))) == []


def test_with_file_findings_are_not_reported(tmp_path: Path) -> None:
    earlier = write_csv(tmp_path, [inschrijving(), inschrijving(opleidingsvorm="X")],
                        name="earlier.csv")
    path = write_csv(tmp_path, [uitschrijving()])
    result = validate(path, with_files=(earlier,))
    assert flatten(result) == []
    assert [report.path for report in result.files] == [str(path)]


def test_with_file_that_is_missing_is_reported(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [inschrijving()])
    result = validate(path, with_files=(tmp_path / "nope.csv",))
    assert flatten(result) == [("I001", None, None)]
    assert result.no_verdict


# ---- personal details: delivered with every personal number (BRO art. 18.1a) ----------------
# R008 (details with a BSN) and R009 (details missing without one) are retired: birth date and
# sex are required fields now, so a missing one is F001, BSN or not.


@pytest.mark.parametrize("fields", [
    {"postcode": "1234AB"},
    {"geboortedatum": date(2005, 1, 2), "geslacht": "M", "postcode": "1234AB"},
])
def test_personal_details_with_a_bsn_are_no_finding(tmp_path: Path, fields: dict) -> None:
    assert run_csv(tmp_path, [inschrijving(**fields)]) == []
    assert run_csv(tmp_path, [module_inschrijving(**fields)]) == []


@pytest.mark.parametrize("number", [{}, {"burgerservicenummer": None, "onderwijsnummer": ONR}],
                         ids=["bsn", "onderwijsnummer"])
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"geboortedatum": None, "geslacht": None},
         [("F001", 2, "geboortedatum"), ("F001", 2, "geslacht")]),
        ({"geboortedatum": None}, [("F001", 2, "geboortedatum")]),
        ({"geslacht": None}, [("F001", 2, "geslacht")]),
        ({"postcode": None}, []),  # postcode only where the export has it
    ],
)
def test_birth_date_and_sex_required_for_every_student(tmp_path: Path, number: dict,
                                                        fields: dict, expected: list) -> None:
    assert run_csv(tmp_path, [inschrijving(**number, **fields)]) == expected
    assert run_csv(tmp_path, [module_inschrijving(**number, **fields)]) == expected


def test_personal_details_not_for_deregistrations_and_results(tmp_path: Path) -> None:
    rows = [
        inschrijving(burgerservicenummer=None, onderwijsnummer=ONR),
        uitschrijving(burgerservicenummer=None, onderwijsnummer=ONR),
        resultaat(burgerservicenummer=None, onderwijsnummer=ONR),
    ]
    assert run_csv(tmp_path, rows) == []


def test_birth_date_required_in_mbo_xml_with_a_bsn(tmp_path: Path) -> None:
    path = write_xml(tmp_path, [mbo_persoon(geboortedatum=None)], "mbo")
    # the absent element has no line of its own: the record's line is used, and the XSD's
    # message for the same element gives way to the field finding
    assert flatten(validate(path)) == [("F001", line_of(path, "<persoon>"), "geboortedatum")]


# ---- vooropleiding: required on an ho enrolment (BRO art. 5.4a), DUO's codes -------------------


@pytest.mark.parametrize(("value", "expected"), [
    (None, [("F001", 2, "vooropleiding")]),
    ("VWO", [("F005", 2, "vooropleiding")]),  # rodcli's old own code
    ("00401", []),  # vwo
    ("00506", []),  # colloquium doctum (21+)
    ("00000", []),  # onbekend: DUO's own code for unknown
])
def test_vooropleiding(tmp_path: Path, value: str | None, expected: list) -> None:
    assert run_csv(tmp_path, [inschrijving(vooropleiding=value)]) == expected


def test_vooropleiding_unknown_code_hint_is_short(tmp_path: Path) -> None:
    (finding,) = validate(write_csv(tmp_path, [inschrijving(vooropleiding="VWO")])).findings
    assert finding.params["expected"].endswith("(197 codes: rodcli schema)")
    assert len(finding.params["expected"]) < 200


# ---- R013: unusual study load ------------------------------------------------------------------


@pytest.mark.parametrize(("ects", "expected"), [
    ("7.5", []), ("15", []), ("240", []), ("0.5", []),
    ("240.5", [("R013", 2, "studielast")]),
    ("300", [("R013", 2, "studielast")]),
    ("7.3", [("R013", 2, "studielast")]),
    ("0.1", [("R013", 2, "studielast")]),
])
def test_r013_unusual_study_load(tmp_path: Path, ects: str, expected: list) -> None:
    assert run_csv(tmp_path, [module_inschrijving(studielast=ects)]) == expected


def test_r013_is_a_warning_with_the_value(tmp_path: Path) -> None:
    result = validate(write_csv(tmp_path, [module_inschrijving(studielast="300")]))
    (finding,) = result.findings
    assert finding.severity is Severity.WARNING and finding.params["value"] == "300"
    assert result.no_verdict is False


# ---- R010: results only for a full diploma -------------------------------------------------


@pytest.mark.parametrize(
    ("fase", "bad"),
    [("P", True), ("D", True), ("S", True), ("A", False), ("B", False), ("M", False),
     ("Q", False)],
)
def test_r010_propedeuse_result(tmp_path: Path, fase: str, bad: bool) -> None:
    rows = [inschrijving(), resultaat(opleidingsfase=fase)]
    assert run_csv(tmp_path, rows) == ([("R010", 3, "opleidingsfase")] if bad else [])


def test_r010_lists_the_full_diploma_phases(tmp_path: Path) -> None:
    result = validate(write_csv(tmp_path, [inschrijving(), resultaat(opleidingsfase="P")]))
    assert result.findings[0].params == {"value": "P", "expected": "A, B, M, Q"}


# ---- R011: mbo onderwijslocatie from 2019-08-01 ---------------------------------------------


@pytest.mark.parametrize(
    ("start", "bad"),
    [
        (date(2019, 7, 31), False),
        (date(2019, 8, 1), True),
        (date(2024, 9, 1), True),
    ],
)
def test_r011_onderwijslocatie_required(tmp_path: Path, start: date, bad: bool) -> None:
    rows = [mbo_persoon(), mbo_inschrijving(datumInschrijving=start),
            mbo_periode(datumBeginPeriode=start, onderwijslocatie=None)]
    path = write_xml(tmp_path, rows, "mbo")
    expected = ([("R011", line_of(path, "<inschrijvingsperiode>"), "onderwijslocatie")] if bad
                else [])
    assert flatten(validate(path)) == expected


def test_r011_satisfied_with_a_location(tmp_path: Path) -> None:
    path = write_xml(tmp_path, mbo_student(onderwijslocatie="001X002"), "mbo")
    assert flatten(validate(path)) == []


def test_r011_is_mbo_only(tmp_path: Path) -> None:
    assert run_csv(tmp_path, [inschrijving(datumInschrijving=date(2024, 9, 1))]) == []


# ---- the rules only see records whose fields passed ----------------------------------------


def test_failed_record_has_no_rule_findings(tmp_path: Path) -> None:
    # a record that fails its fields is reported for them only: no R011, R013, F006 on it
    rows = [inschrijving(opleidingcode="99999", postcode="1234AB"), inschrijving(brin="9X")]
    assert run_csv(tmp_path, rows) == [("F011", 2, "opleidingcode"), ("F002", 3, "brin")]


def test_module_enrolment_in_mbo_counts_as_an_enrolment(tmp_path: Path) -> None:
    # R001 says what is wrong; the period of that enrolment is not "without enrolment" (R015)
    path = write_xml(tmp_path, [mbo_persoon(), module_inschrijving(), mbo_periode()], "mbo")
    assert flatten(validate(path)) == [("R001", line_of(path, "<moduleInschrijving>"), None)]


FAILED_ENROLMENT = inschrijving(opleidingcode="99999")  # F011: the enrolment exists


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([FAILED_ENROLMENT, uitschrijving()], [("F011", 2, "opleidingcode")]),
        ([FAILED_ENROLMENT, resultaat()], [("F011", 2, "opleidingcode")]),
        ([inschrijving(), AFSLUITEND, resultaat(opleidingcode="99999")],
         [("F011", 4, "opleidingcode")]),
        # only the record types that failed count: a failed result is no enrolment
        ([resultaat(opleidingcode="99999"), uitschrijving()],
         [("F011", 2, "opleidingcode"), ("R006", 3, None)]),
        # a record without the key fields cannot stand in for anything
        ([inschrijving(inschrijvingvolgnummer=None), uitschrijving()],
         [("F001", 2, "inschrijvingvolgnummer"), ("R006", 3, None)]),
    ],
)
def test_failed_record_causes_no_missing_record_findings(
    tmp_path: Path, rows: list[Row], expected: list
) -> None:
    assert run_csv(tmp_path, rows) == expected


def test_keys_compare_brin_exactly(tmp_path: Path) -> None:
    rows = [inschrijving(brin=BRIN), uitschrijving(brin="98XX")]
    assert run_csv(tmp_path, rows) == [("R006", 3, None)]


def test_bsn_constant_is_valid() -> None:
    from stdnum.nl import bsn, onderwijsnummer

    assert bsn.is_valid(BSN) and bsn.is_valid(BSN2) and onderwijsnummer.is_valid(ONR)
