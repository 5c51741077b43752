"""The reader for DUO's Registratieoverzicht (RO): every deviation real files show is read,
and every malformed line gets its finding with line and field, personal numbers masked.

All personal numbers are synthetic (eleven-test, nobody's).
"""

from __future__ import annotations

import re
import string
import tempfile
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import BSN, BSN2, ONR, make_invalid
from rodcli.codes import CATALOGUE, message
from rodcli.duo.registratieoverzicht import (
    MAX_LINE_BYTES,
    Bpv,
    Diploma,
    GeneriekExamenonderdeel,
    Inschrijving,
    Inschrijvingsperiode,
    Keuzedeel,
    MalformedLine,
    PersonRecord,
    Persoon,
    RegistratieoverzichtReader,
    RoRecord,
    SelectionPeriod,
    Sluitrecord,
    Voorlooprecord,
    field_values,
    looks_like_ro,
    parse_file_name,
    scan_header,
)
from rodcli.duo.synthetic import (
    FORMS,
    RoForm,
    personal_numbers,
    ro_file_name,
    synthetic_people,
    write_ro,
)
from rodcli.findings import Finding, Severity
from test_fuzz import EXAMPLES, FUZZ, mutated

NAME = "RO_99XX_20240731_20260324.CSV"
VLP = "VLP|99XX|2024-07-31|2026-03-24|2026-03-25"
B1, B2 = sorted([BSN, BSN2])  # persons with a BSN come in ascending order
# A BSN with a leading zero, which a spreadsheet drops.
ZERO_BSN = next(number for number, _ in personal_numbers(1))
assert ZERO_BSN is not None and ZERO_BSN.startswith("0")

# One person of each kind, with every record type (the PvE's form, DIP as DUO writes it).
BODY = [
    f"PER|{B1}||1987-11-23|V",  # line 2
    f"ISG|{B1}||C3|2023-01-30|2025-01-29|2025-01-16|08",  # 3
    f"ISP|{B1}||C3|2023-01-30|25655|BBL||J||100A501|101X591||",  # 4
    f"ISE|{B1}||C3|2023-03-01|",  # 5
    f"BPV|{B1}||C3|C1|2023-01-07|2023-02-01|2025-01-29|2024-08-30|2163|100018965|25655|",  # 6
    f"DIP|{B1}||8286771|25655|2025-01-16||J|C3|100A501",  # 7
    f"AMO|{B1}||8286771|25655|8286775|C0004||||",  # 8
    f"GEO|{B1}||8286771|25655|8286774|3005||6|MBO|74|MBO|51|MBO||",  # 9
    f"KZD|{B1}||8286771|25655|8286772|K0067||Behaald|||",  # 10
    f"KZD|{B1}||||8286779|K1056|2024-05-14|Niet behaald|N|C3|100A501",  # 11
    f"PER||{ONR}|2006-10-00|M",  # 12
    f"ISG||{ONR}|C1|2025-02-01|2026-01-31||",  # 13
    f"ISP||{ONR}|C1|2025-02-01|23301|BOL|MBO-1|J||113A950|101X589||",  # 14
]
COUNTED = ("PER", "ISG", "ISP", "ISE", "BPV", "DIP", "AMO", "GEO", "KZD")


def slr(lines: list[str], delimiter: str = "|") -> str:
    counts = [sum(line.startswith(kind) for line in lines) for kind in COUNTED]
    return delimiter.join(["SLR", *map(str, counts)])


def ro_text(body: list[str] | None = None, *, vlp: str | None = VLP,
            trailer: str | None = None) -> str:
    body = BODY if body is None else body
    lines = ([vlp] if vlp is not None else []) + body
    lines.append(trailer if trailer is not None else slr(body))
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, text: str | bytes, name: str = NAME) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def read(path: Path) -> tuple[list[RoRecord], RegistratieoverzichtReader]:
    reader = RegistratieoverzichtReader(path)
    return list(reader), reader


def flat(findings: list[Finding], at_least: Severity = Severity.INFO) -> set[tuple[
        str, int | None, str | None]]:
    return {(finding.code, finding.location.line, finding.location.field)
            for finding in findings if finding.severity >= at_least}


def content(records: list[RoRecord]) -> list[RoRecord]:
    """The person records (equality ignores the line they were read from)."""
    return [record for record in records
            if not isinstance(record, Voorlooprecord | Sluitrecord)]


# ---- the PvE's form ----------------------------------------------------------------------


def test_the_pve_form_reads_into_typed_records(tmp_path: Path) -> None:
    records, reader = read(write(tmp_path, ro_text()))
    assert [type(record).__name__ for record in records] == [
        "Voorlooprecord", "Persoon", "Inschrijving", "Inschrijvingsperiode",
        "ExtraOndersteuning", "Bpv", "Diploma", "AmvbOnderdeel", "GeneriekExamenonderdeel",
        "Keuzedeel", "Keuzedeel", "Persoon", "Inschrijving", "Inschrijvingsperiode",
        "Sluitrecord"]
    assert [record.line for record in records] == list(range(1, 16))
    assert flat(reader.findings) == {("D025", 7, None)}  # DIP's extra field, as DUO writes it
    enrolment = records[2]
    assert enrolment == Inschrijving(3, B1, None, "C3", date(2023, 1, 30), date(2025, 1, 29),
                                     date(2025, 1, 16), "08")
    assert enrolment.key == ("BSN", B1, "C3")
    bpv = records[5]
    assert isinstance(bpv, Bpv) and bpv.key == ("BSN", B1, "C3", "C1")
    assert bpv.omvang == 2163 and bpv.leerbedrijf_id == "100018965"
    diploma = records[6]
    assert isinstance(diploma, Diploma) and diploma.indicatie_bekostigbaar
    assert diploma.inschrijvingvolgnummer == "C3" and diploma.key == ("BSN", B1, "8286771")
    geo = records[8]
    assert isinstance(geo, GeneriekExamenonderdeel) and not geo.loose
    assert (geo.eindcijfer, geo.cijfer_ie, geo.vrijstelling_ce) == (6, 74, "MBO")
    loose = records[10]
    assert isinstance(loose, Keuzedeel) and loose.loose and loose.certificaat is False
    assert loose.resultaat == "Niet behaald" and loose.datum_resultaat == date(2024, 5, 14)
    person = records[11]
    assert isinstance(person, Persoon) and person.person == ("ONR", ONR)
    assert person.geboortedatum == "2006-10-00" and person.masked == "*****" + ONR[-4:]
    summary = reader.summary
    assert summary.complete and summary.delimiter == "|" and summary.encoding == "utf-8"
    assert summary.period == SelectionPeriod(date(2024, 7, 31), date(2026, 3, 24))
    assert summary.brin == "99XX" and summary.malformed == 0
    assert summary.records["KZD"] == 2 and summary.dip_layouts == {"practice": 1}


def test_field_values_by_duo_name_for_a_comparison(tmp_path: Path) -> None:
    records, _ = read(write(tmp_path, ro_text()))
    period = records[3]
    assert isinstance(period, Inschrijvingsperiode)
    values = field_values(period)
    assert values["Onderwijslocatie"] == "101X591" and values["Leertraject"] == "BBL"
    assert values["Indicatie bekostigbaar"] is True and values["Niveau"] is None
    assert "Burgerservicenummer" not in values and B1 not in repr(values)
    assert list(field_values(records[5])) == [
        "Inschrijvingvolgnummer", "Volgnummer", "Afsluitdatum", "Datum begin",
        "Datum einde gepland", "Datum einde werkelijk", "Omvang", "LeerbedrijfID",
        "Opleidingcode", "Code keuzedeel"]


def test_dip_in_the_pves_nine_fields_and_in_practices_ten(tmp_path: Path) -> None:
    pve = [line.replace("2025-01-16||J", "2025-01-16|J") if line.startswith("DIP") else line
           for line in BODY]
    records, reader = read(write(tmp_path, ro_text(pve)))
    practice, _ = read(write(tmp_path, ro_text(), "practice_" + NAME))
    assert content(records) == content(practice)
    assert flat(reader.findings) == set() and reader.summary.dip_layouts == {"pve": 1}


# ---- real-world deviations: each read to the same records, each said once ------------------


def _semicolons(text: str) -> str:
    return text.replace("|", ";")


def _dmy(text: str) -> str:
    def day_month_year(match: re.Match[str]) -> str:
        return f"{int(match[3])}-{int(match[2])}-{match[1]}"
    return re.sub(r"\b(\d{4})-(\d{2})-(\d{2})\b", day_month_year, text)


def _padded(text: str) -> str:
    return "\n".join(line + "|" * (15 - line.count("|")) if line else line
                     for line in text.split("\n"))


def _cut(text: str) -> str:
    return "\n".join(line.rstrip("|") for line in text.split("\n"))


def _slr_first(text: str) -> str:
    lines = text.rstrip("\n").split("\n")
    return "\n".join([lines[-1], *lines[1:-1], lines[0]]) + "\n"


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def _empty_lines(text: str) -> str:
    return text.replace("\nPER||", "\n\n;;;\nPER||")


@pytest.mark.parametrize(("deviation", "notes"), [
    (_semicolons, {("D020", 1, None), ("D025", 7, None)}),
    (_dmy, {("D021", 1, None), ("D025", 7, None)}),
    (_padded, {("D022", 1, None), ("D025", 7, None)}),
    (_cut, {("D022", 4, None), ("D025", 7, None)}),
    (_slr_first, {("D024", 1, None), ("D025", 7, None)}),
    (_crlf, {("D025", 7, None)}),
    (_empty_lines, {("D027", 12, None), ("D025", 7, None)}),
], ids=["semicolons", "d-m-yyyy", "padded", "cut-short", "slr-first", "crlf", "empty-lines"])
def test_each_deviation_reads_the_same_records_with_a_note(
        tmp_path: Path, deviation: Callable[[str], str],
        notes: set[tuple[str, int, None]]) -> None:
    expected, _ = read(write(tmp_path, ro_text(), "pve_" + NAME))
    records, reader = read(write(tmp_path, deviation(ro_text())))
    assert content(records) == content(expected)
    assert flat(reader.findings) == notes
    assert all(finding.severity is Severity.INFO for finding in reader.findings)
    assert reader.summary.period == SelectionPeriod(date(2024, 7, 31), date(2026, 3, 24))


def test_the_spreadsheet_form_of_the_public_demo(tmp_path: Path) -> None:
    """``;``, d-m-yyyy, every line padded to 16 fields, SLR first and VLP last, zeros lost."""
    text = _slr_first(_padded(_dmy(ro_text().replace("|08\n", "|8\n")))).replace("|", ";")
    expected, _ = read(write(tmp_path, ro_text(), "pve_" + NAME))
    records, reader = read(write(tmp_path, _crlf(text)))
    assert content(records) == content(expected)
    assert {code for code, _, _ in flat(reader.findings)} == {
        "D020", "D021", "D022", "D023", "D024", "D025"}
    assert isinstance(records[0], Sluitrecord) and isinstance(records[-1], Voorlooprecord)
    assert reader.summary.delimiter == ";" and reader.summary.date_notation == "d-m-yyyy"


def test_leading_zeros_restored_in_codes_and_personal_numbers(tmp_path: Path) -> None:
    body = [
        f"PER|{ZERO_BSN.lstrip('0')}||1990-01-01|M",
        f"ISG|{ZERO_BSN.lstrip('0')}||1|2022-08-01|2025-07-31|2024-07-31|8",
        f"ISP|{ZERO_BSN.lstrip('0')}||1|2022-08-01|25655|BOL||J|12345678|100A501|101X591||",
        f"GEO|{ZERO_BSN.lstrip('0')}||||77|305|2023-05-01|6||||||1|100A501",
    ]
    records, reader = read(write(tmp_path, ro_text(body)))
    person, enrolment, period, geo = content(records)
    assert isinstance(person, Persoon) and person.bsn == ZERO_BSN
    assert isinstance(enrolment, Inschrijving) and enrolment.reden_uitschrijving == "08"
    assert period.locatiecode_vsv == "000012345678"
    assert geo.code_generiek_examenonderdeel == "0305"
    assert flat(reader.findings) == {("D023", 2, None)}  # said once, where first seen


def test_windows_1252_is_assumed_and_said(tmp_path: Path) -> None:
    body = [f"PER|{B1}||1990-01-01|M",
            f"GEO|{B1}||||77|3005|2023-05-01|6|\u00c9|||||1|100A501"]
    path = write(tmp_path, ro_text(body).encode("cp1252"))
    records, reader = read(path)
    assert content(records)[1].vrijstelling_generiek_examenonderdeel == "\u00c9"
    assert reader.summary.encoding == "cp1252"
    [note] = reader.findings
    assert (note.code, note.location.line, note.params["byte"]) == ("D026", 3, "0xC9")
    utf8, utf8_reader = read(write(tmp_path, ro_text(body), "utf8_" + NAME))
    assert content(utf8) == content(records) and utf8_reader.summary.encoding == "utf-8"


def test_a_bom_spaces_and_quoted_fields_are_read(tmp_path: Path) -> None:
    text = ro_text().replace("|Niet behaald|", '|"Niet behaald"|').replace("|BBL|", "| BBL |")
    records, reader = read(write(tmp_path, b"\xef\xbb\xbf" + text.encode()))
    expected, _ = read(write(tmp_path, ro_text(), "pve_" + NAME))
    assert content(records) == content(expected) and reader.summary.complete


@pytest.mark.parametrize("form", sorted(FORMS))
def test_synthetic_files_in_every_form_read_back_record_for_record(
        tmp_path: Path, form: str) -> None:
    path = tmp_path / ro_file_name()
    trailer = write_ro(path, people=300, form=FORMS[form], seed=3)
    records, reader = read(path)
    assert content(records) == [record for people in synthetic_people(300, seed=3)
                                for record in people]
    assert flat(reader.findings, Severity.WARNING) == set()
    assert reader.summary.trailer is not None
    assert reader.summary.trailer.counts == trailer.counts
    assert sum(trailer.counts.values()) > 2000


# ---- malformed lines: each a finding with line and field, and a MalformedLine ---------------


def _replace(index: int, line: str) -> list[str]:
    return [line if at == index else text for at, text in enumerate(BODY)]


LINE_CASES: dict[str, tuple[list[str], set[tuple[str, int | None, str | None]]]] = {
    "unknown record type": (_replace(3, f"ISX|{B1}||C3|2023-03-01|"), {("D002", 5, None)}),
    "other separator": (_replace(3, f"ISE;{B1};;C3;2023-03-01;"), {("D002", 5, None)}),
    "filled field beyond the layout": (
        _replace(2, BODY[2] + "|X"), {("D003", 4, None)}),
    "required field empty": (
        _replace(1, f"ISG|{B1}||C3||2025-01-29|2025-01-16|08"),
        {("D004", 3, "Datum inschrijving")}),
    "required field cut off": (
        _replace(1, f"ISG|{B1}||C3|2023-01-30"),
        {("D004", 3, "Datum uitschrijving gepland"), ("D022", 3, None)}),
    "no such date": (
        _replace(1, f"ISG|{B1}||C3|2023-01-30|2025-02-30|2025-01-16|08"),
        {("D005", 3, "Datum uitschrijving gepland")}),
    "not a date": (
        _replace(4, BODY[4].replace("2023-01-07", "2023/01/07")), {("D005", 6, "Afsluitdatum")}),
    "birth date with a day but no month": (
        _replace(0, f"PER|{B1}||1987-00-23|V"), {("D005", 2, "Geboortedatum")}),
    "unknown leertraject": (
        _replace(2, BODY[2].replace("|BBL|", "|XYZ|")), {("D006", 4, "Leertraject")}),
    "flag not J/N": (
        _replace(2, BODY[2].replace("|J|", "|Y|")), {("D006", 4, "Indicatie bekostigbaar")}),
    "onderwijsaanbieder pattern": (
        _replace(5, BODY[5].replace("|100A501", "|100B501")),
        {("D006", 7, "Onderwijsaanbieder")}),
    "DIP position 7 filled": (
        _replace(5, BODY[5].replace("2025-01-16||J", "2025-01-16|X|J")), {("D006", 7, "DIP 7")}),
    "grade not a number": (
        _replace(7, BODY[7].replace("|6|MBO|", "|zes|MBO|")), {("D006", 9, "Eindcijfer")}),
    "keuzedeel result": (
        _replace(8, BODY[8].replace("Behaald", "Gehaald")), {("D006", 10, "Resultaat")}),
    "geslacht": (_replace(0, f"PER|{B1}||1987-11-23|X"), {("D006", 2, "Geslacht")}),
    "both personal numbers": (
        _replace(3, f"ISE|{B1}|{ONR}|C3|2023-03-01|"), {("D007", 5, "Burgerservicenummer")}),
    "no personal number": (
        _replace(3, "ISE|||C3|2023-03-01|"), {("D007", 5, "Burgerservicenummer")}),
    "BSN fails the eleven-test": (
        _replace(3, f"ISE|{make_invalid(B1)}||C3|2023-03-01|"),
        {("D008", 5, "Burgerservicenummer")}),
    "onderwijsnummer fails the eleven-test": (
        _replace(12, f"ISP||{make_invalid(ONR)}|C1|2025-02-01|23301|BOL|MBO-1|J||113A950|"
                     "101X589||"),
        {("D008", 14, "Onderwijsnummer")}),
    "personal number with letters": (
        _replace(0, f"PER|{B1[:5]}AB{B1[7:]}||1987-11-23|V"),
        {("D008", 2, "Burgerservicenummer")}),
    "record of another person": (
        _replace(3, f"ISE|{B2}||C3|2023-03-01|"), {("D015", 5, None)}),
    "period of an unknown enrolment": (
        _replace(2, BODY[2].replace("|C3|", "|C9|")), {("D016", 4, None)}),
    "result of an unknown diploma": (
        _replace(8, BODY[8].replace("|8286771|", "|8286770|")), {("D016", 10, None)}),
    "enrolment twice": (
        [*BODY[:4], BODY[1].replace("ISG", "ISG"), *BODY[4:]],
        {("D017", 6, None)}),
    "person twice": (
        [*BODY[:10], BODY[0], *BODY[10:]], {("D017", 12, None)}),
    "persons out of order": (
        [f"PER|{B2}||1990-01-01|M", *BODY], {("D018", 3, None)}),
}


@pytest.mark.parametrize("case", sorted(LINE_CASES))
def test_each_malformed_line_has_its_finding(tmp_path: Path, case: str) -> None:
    body, expected = LINE_CASES[case]
    records, reader = read(write(tmp_path, ro_text(body)))
    assert {found for found in flat(reader.findings) if found[0] != "D025"} == expected
    for code, line, _ in expected:
        known_type = body[line - 2][:3] in COUNTED
        if CATALOGUE[code].severity is Severity.ERROR and code != "D017" and known_type:
            [malformed] = [record for record in records if record.line == line]
            assert isinstance(malformed, MalformedLine)
            assert malformed.record_type == body[line - 2][:3]
            assert B1 not in repr(malformed) and ONR not in repr(malformed)
            if code not in ("D002", "D007", "D008"):  # the key's fields are readable
                assert malformed.key is not None and malformed.key[1] in (B1, ONR)
    assert reader.summary.complete
    assert not any(finding.code == "D012" for finding in reader.findings)  # counts still add up


def test_a_malformed_line_keeps_its_key_for_matching(tmp_path: Path) -> None:
    body = [*BODY[:2], BODY[2].replace("|BBL|", "|XYZ|"), BODY[3].replace("2023-03-01", "x"),
            BODY[4].replace("|2163|", "|many|"), *BODY[5:7],
            BODY[7].replace("|6|", "|zes|"), *BODY[8:]]
    records, _ = read(write(tmp_path, ro_text(body)))
    keys = {record.line: record.key for record in records if isinstance(record, MalformedLine)}
    assert keys == {4: ("BSN", B1, "C3", "2023-01-30"), 5: None,
                    6: ("BSN", B1, "C3", "C1"), 9: ("BSN", B1, "8286774")}


def test_a_finding_shows_where_the_field_starts(tmp_path: Path) -> None:
    _, reader = read(write(tmp_path, ro_text(LINE_CASES["unknown leertraject"][0])))
    [finding] = [finding for finding in reader.findings if finding.code == "D006"]
    line = LINE_CASES["unknown leertraject"][0][2]
    assert finding.location.column == line.index("XYZ") + 1
    assert finding.location.record == f"ISP *****{B1[-4:]}/C3"
    assert message(finding, "en") == (
        "Leertraject 'XYZ' does not fit (expected BBL/BOL/BOL_DT/EX/ODT/OVO)")


# ---- the file as a whole -----------------------------------------------------------------


def test_missing_voorlooprecord(tmp_path: Path) -> None:
    records, reader = read(write(tmp_path, ro_text(vlp=None)))
    assert flat(reader.findings) - {("D025", 6, None)} == {("D009", None, None)}
    assert reader.summary.period is None and len(content(records)) == len(BODY)


def test_missing_sluitrecord_means_the_file_may_be_cut_short(tmp_path: Path) -> None:
    text = ro_text().rsplit("SLR", 1)[0]
    _, reader = read(write(tmp_path, text))
    assert flat(reader.findings) - {("D025", 7, None)} == {("D010", 14, None)}


@pytest.mark.parametrize(("body", "line"), [
    ([*BODY[:5], VLP, *BODY[5:]], 7),  # a second VLP in between
    ([*BODY, VLP], 15),  # a second VLP at the end
])
def test_voorlooprecord_twice_or_in_between(tmp_path: Path, body: list[str], line: int) -> None:
    _, reader = read(write(tmp_path, ro_text(body)))
    assert ("D011", line, None) in flat(reader.findings)
    assert reader.summary.header is not None and reader.summary.header.line == 1


def test_sluitrecord_in_between(tmp_path: Path) -> None:
    text = ro_text()
    lines = text.rstrip("\n").split("\n")
    moved = "\n".join([lines[0], *lines[1:5], lines[-1], *lines[5:-1]]) + "\n"
    _, reader = read(write(tmp_path, moved))
    assert ("D011", 6, None) in flat(reader.findings)


def test_sluitrecord_counts_are_checked(tmp_path: Path) -> None:
    assert slr(BODY) == "SLR|2|2|2|1|1|1|1|1|2"
    trailer = "SLR|3|2|3|1|1|1|1|1|2"  # one PER and one ISP more than the file holds
    _, reader = read(write(tmp_path, ro_text(trailer=trailer)))
    found = {finding.params["record"]: (finding.params["expected"], finding.params["found"],
                                        finding.location.line, finding.location.field)
             for finding in reader.findings if finding.code == "D012"}
    assert found == {"PER": ("3", "2", 15, "Aantal PER"), "ISP": ("3", "2", 15, "Aantal ISP")}


@pytest.mark.parametrize(("name", "expected"), [
    ("RO_98XX_20240731_20260324.CSV", {("D013", 1, "BRIN")}),
    ("RO_99XX_20240801_20260324.csv", {("D013", 1, "Datum begin periode")}),
    ("RO_99XX_20240731_20260331.CSV", {("D013", 1, "Datum einde periode")}),
    ("registratieoverzicht.csv", {("D014", None, None)}),
    ("RO_99XX_20241331_20260324.CSV", {("D014", None, None)}),  # no such date: not DUO's name
])
def test_file_name_is_held_against_the_voorlooprecord(
        tmp_path: Path, name: str, expected: set[tuple[str, int | None, str | None]]) -> None:
    _, reader = read(write(tmp_path, ro_text(), name))
    assert flat(reader.findings) - {("D025", 7, None)} == expected


def test_the_name_the_user_gave_is_held_against_the_vlp(tmp_path: Path) -> None:
    copy = write(tmp_path, ro_text(), "tmp1234.csv")
    reader = RegistratieoverzichtReader(copy, display="downloads/RO_98XX_20240731_20260324.CSV")
    list(reader)
    assert {(f.code, f.location.file, f.params.get("found")) for f in reader.findings
            if f.code != "D025"} == {("D013", "downloads/RO_98XX_20240731_20260324.CSV", "99XX")}


def test_not_an_ro_gives_no_verdict(tmp_path: Path) -> None:
    records, reader = read(write(tmp_path, "recordtype;brin;burgerservicenummer\n", "x.csv"))
    assert records == [] and [f.code for f in reader.findings] == ["D001"]
    assert CATALOGUE["D001"].no_verdict and not reader.summary.complete


def test_missing_and_empty_files(tmp_path: Path) -> None:
    _, reader = read(tmp_path / NAME)
    assert [f.code for f in reader.findings] == ["I001"]
    _, reader = read(write(tmp_path, "\n\n", "empty.csv"))
    assert [f.code for f in reader.findings] == ["I007"]


# ---- recognising an RO, and its header without reading it all ------------------------------


@pytest.mark.parametrize(("head", "expected"), [
    (ro_text().encode(), True),
    (_slr_first(_padded(ro_text())).replace("|", ";").encode(), True),
    (b"\xef\xbb\xbf" + ro_text().encode(), True),
    ("\n".join(BODY[:3]).encode(), True),  # cut before the VLP: still RO records
    (b"VLP;21CY;30-7-2025;31-7-2025;1-8-2025;;;;;", True),
    (b"recordtype;brin;burgerservicenummer\ninschrijving;99XX;111222333\n", False),
    (b"<?xml version='1.0'?><rodBulk/>", False),
    (b"PER|x\nfoo|y\n", False),
    (b"", False),
])
def test_looks_like_ro(head: bytes, expected: bool) -> None:
    assert looks_like_ro(head) is expected


@pytest.mark.parametrize("deviation", [lambda text: text, _slr_first,
                                       lambda text: _semicolons(_dmy(_slr_first(text)))])
def test_scan_header_finds_the_vlp_first_or_last(
        tmp_path: Path, deviation: Callable[[str], str]) -> None:
    header = scan_header(write(tmp_path, deviation(ro_text())))
    assert header is not None and header.brin == "99XX"
    assert header.period == SelectionPeriod(date(2024, 7, 31), date(2026, 3, 24))
    assert scan_header(write(tmp_path, ro_text(vlp=None), "no_vlp.csv")) is None
    assert scan_header(tmp_path / "missing.csv") is None


def test_selection_period_and_file_name() -> None:
    period = SelectionPeriod(date(2024, 7, 31), date(2026, 3, 24))
    assert period.covers(date(2024, 7, 31)) and period.covers(date(2026, 3, 24))
    assert not period.covers(date(2026, 3, 25))
    assert period.overlaps(date(2020, 8, 1), None)
    assert period.overlaps(date(2020, 8, 1), date(2024, 7, 31))
    assert not period.overlaps(date(2020, 8, 1), date(2024, 7, 30))
    assert not period.overlaps(date(2026, 3, 25), None)
    assert period.selects_enrolment(date(2020, 8, 1), date(2024, 7, 31), None)
    assert not period.selects_enrolment(date(2020, 8, 1), date(2025, 7, 31), date(2024, 7, 1))
    assert period.selects_enrolment(date(2026, 3, 24), date(2027, 7, 31), None)
    assert period.selects_result(date(2025, 1, 16)) and not period.selects_result(None)
    assert not period.selects_result(date(2024, 7, 30))
    assert period.selects_result(date(2020, 7, 30), enrolment_selected=True)
    name = parse_file_name("ro_27dv_20240731_20260324.csv")
    assert name is not None and (name.brin, name.begin) == ("27DV", date(2024, 7, 31))
    assert parse_file_name("RO_27DV_2024_20260324.CSV") is None


# ---- privacy, catalogue, memory ------------------------------------------------------------


def test_no_personal_number_in_any_finding(tmp_path: Path) -> None:
    short = ZERO_BSN.lstrip("0")
    body = [
        f"PER|{short}||1990-01-01|M",
        f"ISG|{short}||1|2022-08-01|{short}|2024-07-31|8",  # a number in a date field
        f"ISP|{short}||1|2022-08-01|{ZERO_BSN}|BOL||J||100A501|101X591||",
        f"ISE|{B1}||1|2022-08-01|",  # another person's record
        f"ISE|{make_invalid(B1)}||1|2022-08-01|",
        f"{B1}|x",
        f"ISE|{B1}|{ONR}|1|2022-08-01|",
    ]
    _, reader = read(write(tmp_path, ro_text(body), "RO_98XX_20240731_20260324.CSV"))
    assert {f.code for f in reader.findings} >= {"D002", "D005", "D006", "D007", "D008",
                                                 "D013", "D015"}
    numbers = {ZERO_BSN, short, B1, make_invalid(B1), ONR}
    for finding in reader.findings:
        shown = " ".join([message(finding, "nl"), message(finding, "en"),
                          *map(str, finding.params.values()), str(finding.location)])
        for number in numbers:
            assert number not in shown, finding.code


def test_every_message_template_gets_its_parameters(tmp_path: Path) -> None:
    """Run every case and check each finding fills every placeholder of both languages."""
    seen: set[str] = set()
    paths = [write(tmp_path, ro_text(body), f"case{at}_" + NAME)
             for at, (body, _) in enumerate(LINE_CASES.values())]
    paths += [write(tmp_path, ro_text(vlp=None), "novlp.csv"),
              write(tmp_path, ro_text().rsplit("SLR", 1)[0], "noslr_" + NAME),
              write(tmp_path, ro_text([*BODY, VLP], trailer="SLR|9|2|2|1|1|1|1|1|2"),
                    "RO_98XX_20240801_20260331.CSV"),
              write(tmp_path, _semicolons(_slr_first(_padded(_dmy(_empty_lines(
                  ro_text().replace("|08\n", "|8\n")))))), "spread_" + NAME),
              write(tmp_path, ro_text([f"PER|{B1}||1990-01-01|M",
                                       f"GEO|{B1}||||7|3005|2023-05-01|6|\u00c9|||||1|"])
                    .encode("cp1252"), "cp_" + NAME),
              write(tmp_path, ro_text(_replace(3, "ISE|" + "x" * 2 * MAX_LINE_BYTES)),
                    "long_" + NAME),
              write(tmp_path, "foo\n", "notro.csv")]
    for path in paths:
        _, reader = read(path)
        for finding in reader.findings:
            seen.add(finding.code)
            info = CATALOGUE[finding.code]
            assert finding.severity is info.severity
            for template in (info.message.nl, info.message.en, info.hint.nl, info.hint.en):
                names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
                assert names <= set(finding.params), (finding.code, names)
    ro_codes = {code for code, info in CATALOGUE.items() if info.family == "ro"}
    assert ro_codes == seen - {"I001", "I007"}


def test_reading_streams_in_bounded_memory(tmp_path: Path) -> None:
    def peak(people: int) -> int:
        path = tmp_path / f"{people}" / NAME
        path.parent.mkdir()
        write_ro(path, people=people, form=FORMS["short"])
        tracemalloc.start()
        count = sum(1 for _ in RegistratieoverzichtReader(path, sink=lambda finding: None))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count > people * 5
        return top

    peak(5)  # first use: imports and compiled patterns, not the reader's own memory
    small, large = peak(80), peak(640)  # about 600 and 5,000 records
    # Keeping the records would add about 2 MiB here; the date cache (at most 4,096 dates)
    # is all that may grow.
    assert large < small + 256 * 1024, (small, large)


def test_a_line_too_long_is_not_read(tmp_path: Path) -> None:
    body = _replace(3, "ISE|" + "x" * (3 * MAX_LINE_BYTES))
    records, reader = read(write(tmp_path, ro_text(body)))
    assert {found for found in flat(reader.findings) if found[0] != "D025"} == {
        ("D019", 5, None)}  # the ISE still counts for the sluitrecord: no D012
    [malformed] = [record for record in records if record.line == 5]
    assert isinstance(malformed, MalformedLine) and malformed.record_type == "ISE"
    assert isinstance(records[5], Bpv) and records[5].line == 6  # read on after it


RO_SEEDS = [ro_text().encode(),
            _slr_first(_padded(_dmy(ro_text()))).replace("|", ";").encode("cp1252"),
            ro_text(vlp=None).encode()]
KNOWN = (Voorlooprecord, Sluitrecord, MalformedLine, *PersonRecord.__args__)


@FUZZ
@given(data=mutated(RO_SEEDS))
def test_reader_never_raises(data: bytes) -> None:
    """Any bytes: typed records and catalogue findings, nothing else."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / NAME
        path.write_bytes(data)
        reader = RegistratieoverzichtReader(path)
        assert all(isinstance(record, KNOWN) for record in reader)
        assert all(finding.code in CATALOGUE for finding in reader.findings)
        looks_like_ro(data[:4096])
        scan_header(path)


@settings(FUZZ, max_examples=max(20, EXAMPLES // 3))  # each example writes a file
@given(form=st.builds(
    RoForm, delimiter=st.sampled_from(["|", ";"]), dmy_dates=st.booleans(),
    width=st.sampled_from([0, 13, 16, 20]), cut_empty_tail=st.booleans(),
    drop_zeros=st.booleans(), slr_first=st.booleans(), dip_extra_field=st.booleans(),
    encoding=st.sampled_from(["utf-8", "cp1252"]), newline=st.sampled_from(["\n", "\r\n"])),
    seed=st.integers(0, 50))
def test_every_combination_of_deviations_reads_back(form: RoForm, seed: int) -> None:
    """Whatever mix of the real-world deviations a file shows, the same records come out,
    with notes only."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / NAME
        write_ro(path, people=40, form=form, seed=seed)
        records, reader = read(path)
    assert content(records) == [record for people in synthetic_people(40, seed=seed)
                                for record in people]
    assert flat(reader.findings, Severity.WARNING) == set()
