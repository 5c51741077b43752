"""mbo on DUO's entities (PvE MBO-instelling, RO record layouts): the record types, DUO's
formats and the PvE's rules R015-R020, each with a passing and a failing case (code, line,
field), in a small file (plain Python) and a large one (the column engine) alike."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import (
    BSN,
    BSN2,
    ONR,
    Row,
    flatten,
    line_of,
    mbo_amo,
    mbo_bpv,
    mbo_diploma,
    mbo_geo,
    mbo_inschrijving,
    mbo_keuzedeel,
    mbo_periode,
    mbo_persoon,
    mbo_student,
    validate,
    write_xml,
)
from rodcli.bulkformat.models import RECORD_MODELS, key_number
from rodcli.codes import CATALOGUE
from rodcli.findings import Severity

# Both ways every time: the small-input path (plain Python) and the column engine.
ENGINES = [pytest.param(1 << 60, id="precise"), pytest.param(0, id="columnar")]


def run(tmp_path: Path, rows: list[Row], columnar_from: int,
        with_rows: list[Row] | None = None) -> list[tuple[object, ...]]:
    path = write_xml(tmp_path, rows, "mbo")
    with_files: tuple[Path, ...] = ()
    if with_rows is not None:
        with_files = (write_xml(tmp_path, with_rows, "mbo", name="earlier.xml"),)
    return flatten(validate(path, with_files=with_files, columnar_from_bytes=columnar_from))


def test_the_record_types_are_duos_entities() -> None:
    assert list(RECORD_MODELS["mbo"]) == [
        "persoon", "inschrijving", "inschrijvingsperiode", "bpv", "diploma", "keuzedeel",
        "generiekExamenonderdeel", "amvbOnderdeel"]


@pytest.mark.parametrize("columnar_from", ENGINES)
def test_a_full_student_is_clean(tmp_path: Path, columnar_from: int) -> None:
    rows = [*mbo_student(), mbo_periode(datumBeginPeriode=date(2025, 2, 1), leertraject="BBL"),
            mbo_bpv(), mbo_diploma(), mbo_keuzedeel(), mbo_geo(), mbo_amo(),
            mbo_amo(resultaatvolgnummer="A2", resultaatvolgnummerDiploma="D1",
                    datumResultaat=None, certificaat=None, inschrijvingvolgnummer=None),
            *mbo_student(burgerservicenummer=None, onderwijsnummer=ONR)]
    assert run(tmp_path, rows, columnar_from) == []


# ---- DUO's formats ------------------------------------------------------------------------


@pytest.mark.parametrize(("born", "code"), [
    ("2005-03-14", None), ("2005-03-00", None), ("2005-00-00", None),
    ("2005-00-14", "F003"), ("2005-02-30", "F003"), ("2005-13-00", "F003"),
    ("0000-00-00", "F003"), ("2005-3-14", "F002"),
])
@pytest.mark.parametrize("columnar_from", ENGINES)
def test_birth_date_may_have_00(tmp_path: Path, born: str, code: str | None,
                                columnar_from: int) -> None:
    rows = [mbo_persoon(geboortedatum=born), mbo_inschrijving(), mbo_periode()]
    path = write_xml(tmp_path, rows, "mbo")
    expected = [(code, line_of(path, "<geboortedatum>"), "geboortedatum")] if code else []
    found = flatten(validate(path, columnar_from_bytes=columnar_from))
    if code == "F003" or code is None:
        assert found == expected
    else:
        # a pattern the XSD refuses: the field finding, never silence
        assert ("F002", line_of(path, "<geboortedatum>"), "geboortedatum") in found


@pytest.mark.parametrize(("value", "bad"), [
    ("100000000", False), ("999999999", False), ("099999999", True), ("12345678", True),
    ("1000000000", True),
])
def test_leerbedrijf_id_in_range(tmp_path: Path, value: str, bad: bool) -> None:
    rows = [*mbo_student(), mbo_bpv(leerbedrijfId=value)]
    path = write_xml(tmp_path, rows, "mbo")
    found = flatten(validate(path))
    assert (("F002", line_of(path, "<leerbedrijfId>"), "leerbedrijfId") in found) == bad
    assert bad or found == []


def test_volgnummers_are_letters_and_digits(tmp_path: Path) -> None:
    rows = [mbo_persoon(), mbo_inschrijving(inschrijvingvolgnummer="2025-1"),
            mbo_periode(inschrijvingvolgnummer="2025-1")]
    path = write_xml(tmp_path, rows, "mbo")
    assert [code for code, _line, _field in flatten(validate(path))] == ["F002", "F002"]


@pytest.mark.parametrize(("row", "field"), [
    (mbo_keuzedeel(codeKeuzedeel="0067"), "codeKeuzedeel"),
    (mbo_keuzedeel(resultaatKeuzedeel="BEHAALD"), "resultaatKeuzedeel"),
    (mbo_periode(onderwijsaanbieder="100X501"), "onderwijsaanbieder"),
    (mbo_geo(codeGeneriekExamenonderdeel="30011"), "codeGeneriekExamenonderdeel"),
])
def test_duo_formats(tmp_path: Path, row: Row, field: str) -> None:
    rows = [*mbo_student(), mbo_diploma(), row]
    path = write_xml(tmp_path, rows, "mbo")
    (finding,) = flatten(validate(path))
    assert finding[1:] == (line_of(path, f"<{field}>"), field)
    assert finding[0] in ("F002", "F005")


def test_codes_of_lists_duo_does_not_publish_are_format_only(tmp_path: Path) -> None:
    rows = [*mbo_student(), mbo_diploma(),
            mbo_geo(codeGeneriekExamenonderdeel="9Z9Z", vrijstelling="KZDL", vrijstellingIe="XYZ")]
    assert flatten(validate(write_xml(tmp_path, rows, "mbo"))) == []


def test_key_numbers() -> None:
    assert key_number("persoon", {}) == ""
    assert key_number("inschrijving", {"inschrijvingvolgnummer": "1"}) == "1"
    period = {"inschrijvingvolgnummer": "1", "datumBeginPeriode": "2024-09-01"}
    assert key_number("inschrijvingsperiode", period) == "1/2024-09-01"
    assert key_number("bpv", {"inschrijvingvolgnummer": "1"}) is None
    assert key_number("keuzedeel", {"resultaatvolgnummer": "K1",
                                    "inschrijvingvolgnummer": "1"}) == "K1"


# ---- R015: a period, BPV or diploma belongs to an enrolment of the same student ----------


@pytest.mark.parametrize("columnar_from", ENGINES)
@pytest.mark.parametrize("record", ["inschrijvingsperiode", "bpv", "diploma"])
def test_r015_without_enrolment(tmp_path: Path, record: str, columnar_from: int) -> None:
    row = {"inschrijvingsperiode": mbo_periode, "bpv": mbo_bpv,
           "diploma": mbo_diploma}[record](inschrijvingvolgnummer="9")
    path = write_xml(tmp_path, [*mbo_student(), row], "mbo")
    found = flatten(validate(path, columnar_from_bytes=columnar_from))
    assert found == [("R015", line_of(path, f"<{record}>", occurrence=2 if record ==
                                      "inschrijvingsperiode" else 1), "inschrijvingvolgnummer")]


def test_r015_is_a_warning_that_names_the_enrolment(tmp_path: Path) -> None:
    path = write_xml(tmp_path, [*mbo_student(), mbo_bpv(inschrijvingvolgnummer="9")], "mbo")
    (finding,) = validate(path).findings
    assert finding.severity is Severity.WARNING
    assert finding.params == {"record_type": "bpv", "number": "9"}


@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r015_not_for_an_enrolment_in_a_with_file(tmp_path: Path, columnar_from: int) -> None:
    rows = [mbo_persoon(), mbo_bpv(), mbo_diploma()]
    assert run(tmp_path, rows, columnar_from, with_rows=[mbo_inschrijving()]) == []


@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r015_not_for_another_students_enrolment(tmp_path: Path, columnar_from: int) -> None:
    rows = [*mbo_student(), mbo_persoon(burgerservicenummer=BSN2),
            mbo_bpv(burgerservicenummer=BSN2)]
    found = run(tmp_path, rows, columnar_from)
    assert [code for code, _line, _field in found] == ["R015"]


@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r015_quiet_when_the_enrolment_fails_its_own_checks(tmp_path: Path,
                                                            columnar_from: int) -> None:
    rows = [mbo_persoon(), mbo_inschrijving(datumUitschrijvingGepland="31-07-2027"),
            mbo_periode()]
    assert [code for code, _line, _field in run(tmp_path, rows, columnar_from)] == ["F013"]


def test_loose_diploma_and_results_need_no_enrolment(tmp_path: Path) -> None:
    rows = [mbo_persoon(), mbo_diploma(inschrijvingvolgnummer=None),
            mbo_keuzedeel(resultaatvolgnummerDiploma=None, datumResultaat=date(2025, 1, 1),
                          certificaat="J")]
    assert flatten(validate(write_xml(tmp_path, rows, "mbo"))) == []


# ---- R016: within the enrolment's dates ---------------------------------------------------


@pytest.mark.parametrize(("row", "field", "bad"), [
    (mbo_periode(datumBeginPeriode=date(2024, 8, 31)), "datumBeginPeriode", True),
    (mbo_periode(datumBeginPeriode=date(2027, 7, 31)), "datumBeginPeriode", False),
    (mbo_periode(datumBeginPeriode=date(2027, 8, 1)), "datumBeginPeriode", True),
    (mbo_bpv(datumBeginBpv=date(2024, 8, 1)), "datumBeginBpv", True),
    (mbo_bpv(datumEindeBpvGepland=date(2027, 8, 1)), "datumBeginBpv", True),
    (mbo_bpv(datumEindeBpvGepland=date(2027, 8, 1), datumEindeBpvWerkelijk=date(2026, 1, 1)),
     "datumBeginBpv", False),
    (mbo_diploma(datumDiploma=date(2027, 7, 31)), "datumDiploma", False),
    (mbo_diploma(datumDiploma=date(2027, 8, 1)), "datumDiploma", True),
])
@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r016_within_the_enrolment(tmp_path: Path, row: Row, field: str, bad: bool,
                                   columnar_from: int) -> None:
    rows = [mbo_persoon(), mbo_inschrijving(), row]
    path = write_xml(tmp_path, rows, "mbo")
    expected = [("R016", line_of(path, f"<{row['recordtype']}>"), field)] if bad else []
    assert flatten(validate(path, columnar_from_bytes=columnar_from)) == expected


@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r016_the_actual_end_counts(tmp_path: Path, columnar_from: int) -> None:
    rows = [mbo_persoon(), mbo_inschrijving(datumUitschrijvingWerkelijk=date(2025, 1, 31)),
            mbo_periode(), mbo_bpv()]
    path = write_xml(tmp_path, rows, "mbo")
    assert flatten(validate(path, columnar_from_bytes=columnar_from)) == [
        ("R016", line_of(path, "<bpv>"), "datumBeginBpv")]


@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r016_against_an_enrolment_in_a_with_file(tmp_path: Path, columnar_from: int) -> None:
    rows = [mbo_persoon(), mbo_periode(datumBeginPeriode=date(2023, 1, 1))]
    found = run(tmp_path, rows, columnar_from, with_rows=[mbo_inschrijving()])
    assert [code for code, _line, _field in found] == ["R016"]


# ---- R017: periods of one enrolment begin on their own date -------------------------------


@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r017_two_periods_on_one_day(tmp_path: Path, columnar_from: int) -> None:
    rows = [*mbo_student(), mbo_periode(leertraject="BBL"),
            mbo_periode(datumBeginPeriode=date(2025, 2, 1))]
    path = write_xml(tmp_path, rows, "mbo")
    result = validate(path, columnar_from_bytes=columnar_from)
    assert flatten(result) == [
        ("R017", line_of(path, "<inschrijvingsperiode>", occurrence=2), "datumBeginPeriode")]
    assert result.findings[0].params["other_line"] == str(line_of(path, "<inschrijvingsperiode>"))


@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r017_other_enrolments_may_share_a_day(tmp_path: Path, columnar_from: int) -> None:
    rows = [*mbo_student(), mbo_inschrijving(inschrijvingvolgnummer="2"),
            mbo_periode(inschrijvingvolgnummer="2")]
    assert run(tmp_path, rows, columnar_from) == []


# ---- R018: a loose AMvB part always has certificaat J -------------------------------------


@pytest.mark.parametrize(("changes", "bad"), [
    ({}, False),
    ({"certificaat": "N"}, True),
    ({"certificaat": None}, True),
    ({"certificaat": None, "resultaatvolgnummerDiploma": "D1", "datumResultaat": None,
      "inschrijvingvolgnummer": None}, False),
])
@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r018_loose_amvb_part_has_a_certificate(tmp_path: Path, changes: dict[str, object],
                                                bad: bool, columnar_from: int) -> None:
    rows = [*mbo_student(), mbo_diploma(), mbo_amo(**changes)]
    path = write_xml(tmp_path, rows, "mbo")
    expected = ([("R018", line_of(path, "<certificaat>") if changes.get("certificaat", "J")
                  else line_of(path, "<amvbOnderdeel>"), "certificaat")] if bad else [])
    assert flatten(validate(path, columnar_from_bytes=columnar_from)) == expected


# ---- R019: every student has a persoon record ---------------------------------------------


@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r019_person_missing(tmp_path: Path, columnar_from: int) -> None:
    rows = [mbo_inschrijving(), mbo_periode(), mbo_diploma(inschrijvingvolgnummer=None)]
    path = write_xml(tmp_path, rows, "mbo")
    # once per key: the enrolment's, and the diploma's that names none
    assert flatten(validate(path, columnar_from_bytes=columnar_from)) == [
        ("R019", line_of(path, "<inschrijving>"), None),
        ("R019", line_of(path, "<diploma>"), None),
    ]


@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r019_person_in_a_with_file(tmp_path: Path, columnar_from: int) -> None:
    rows = [mbo_inschrijving(), mbo_periode()]
    assert run(tmp_path, rows, columnar_from, with_rows=[mbo_persoon()]) == []


@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r019_quiet_when_the_person_fails_its_own_checks(tmp_path: Path,
                                                         columnar_from: int) -> None:
    rows = [mbo_persoon(geslacht=None), mbo_inschrijving(), mbo_periode()]
    assert [code for code, _line, _field in run(tmp_path, rows, columnar_from)] == ["F001"]


def test_r019_is_per_student_and_brin(tmp_path: Path) -> None:
    rows = [*mbo_student(), mbo_inschrijving(brin="98XY", inschrijvingvolgnummer="2"),
            mbo_periode(brin="98XY", inschrijvingvolgnummer="2")]
    path = write_xml(tmp_path, rows, "mbo")
    # the record's line: the element before its first field
    assert flatten(validate(path)) == [("R019", line_of(path, "<brin>98XY") - 1, None)]


def test_no_person_rule_for_ho(tmp_path: Path) -> None:
    from conftest import inschrijving, write_csv

    assert flatten(validate(write_csv(tmp_path, [inschrijving()]))) == []


# ---- R020: an enrolment or BPV ends after it begins ---------------------------------------


@pytest.mark.parametrize(("row", "field"), [
    (mbo_inschrijving(datumUitschrijvingGepland=date(2024, 8, 31)), "datumUitschrijvingGepland"),
    (mbo_inschrijving(datumUitschrijvingWerkelijk=date(2024, 8, 31)),
     "datumUitschrijvingWerkelijk"),
    (mbo_bpv(datumEindeBpvGepland=date(2025, 1, 31)), "datumEindeBpvGepland"),
])
@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r020_end_before_begin(tmp_path: Path, row: Row, field: str, columnar_from: int) -> None:
    rows = [mbo_persoon(), row] if row["recordtype"] == "inschrijving" else [
        mbo_persoon(), mbo_inschrijving(), row]
    path = write_xml(tmp_path, rows, "mbo")
    found = flatten(validate(path, columnar_from_bytes=columnar_from))
    assert found == [("R020", line_of(path, f"<{field}>"), field)]


def test_new_codes_have_both_languages_and_a_hint() -> None:
    for code in ("R015", "R016", "R017", "R018", "R019", "R020"):
        info = CATALOGUE[code]
        assert info.title.nl and info.title.en and info.hint.nl and info.hint.en


def test_no_personal_number_in_the_new_findings(tmp_path: Path) -> None:
    rows = [mbo_inschrijving(), mbo_bpv(inschrijvingvolgnummer="9")]
    result = validate(write_xml(tmp_path, rows, "mbo"))
    assert result.findings
    for finding in result.findings:
        assert BSN not in repr(finding)


@pytest.mark.parametrize("columnar_from", ENGINES)
def test_r021_a_persons_records_say_the_same(tmp_path: Path, columnar_from: int) -> None:
    """A person repeated word for word is fine (an export row per enrolment); repeated with
    another detail, each differing repeat is R021 on the field that differs. A --with file
    may hold older details: a correction is no conflict."""
    rows = [*mbo_student(), mbo_persoon(), mbo_persoon(geslacht="V"),
            mbo_persoon(postcode="1234AB")]
    path = write_xml(tmp_path, rows, "mbo")
    persons = [line for line, text in enumerate(path.read_text("utf-8").splitlines(), 1)
               if text.strip() == "<persoon>"]
    assert flatten(validate(path, columnar_from_bytes=columnar_from)) == [
        ("R021", persons[2], "geslacht"), ("R021", persons[3], "postcode")]
    assert run(tmp_path, mbo_student(), columnar_from,
               with_rows=[mbo_persoon(geslacht="V")]) == []


def test_build_rejects_the_row_whose_person_disagrees(tmp_path: Path) -> None:
    """An export with a row per enrolment: the same student on two rows builds one clean
    file; a second row with another birth date is rejected (R021), the first is kept."""
    from typer.testing import CliRunner

    from rodcli.cli import app

    root = Path(__file__).resolve().parents[1] / "examples" / "exports"
    lines = (root / "mbo_export.csv").read_text("utf-8-sig").splitlines()
    first = lines[1].split(",")
    again = [*first]
    again[1] = first[1] + "9"  # another inschrijvingsnummer: the student's second enrolment
    other = [*again]
    other[1], other[3] = first[1] + "8", "2004-06-27"  # and another birth date
    export = tmp_path / "export.csv"
    export.write_text("\n".join([*lines, ",".join(again), ",".join(other)]) + "\n",
                      encoding="utf-8")
    runner = CliRunner(env={"RODCLI_LANG": None, "RODCLI_DEBUG": None})
    result = runner.invoke(app, ["build", str(export), "--mapping", str(root / "mbo_mapping.toml"),
                                 "--sector", "mbo", "--format", "xml",
                                 "-o", str(tmp_path / "bulk.xml"),
                                 "--rejects", str(tmp_path / "rejects.csv"),
                                 "--report-format", "json", "-q"])
    assert result.exit_code == 1, result.stdout
    rejects = (tmp_path / "rejects.csv").read_text("utf-8-sig").splitlines()
    assert len(rejects) == 2 and rejects[1].split(";")[0] == str(len(lines) + 2)
    assert "R021" in rejects[1]
    bulk = (tmp_path / "bulk.xml").read_text("utf-8")
    assert bulk.count(f"<burgerservicenummer>{first[2]}</burgerservicenummer>") > 2
