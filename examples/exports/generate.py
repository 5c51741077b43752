"""Write the example administration exports in this folder (``rodcli build`` input).

Run from the repository root::

    .venv/bin/python examples/exports/generate.py

Every person here is SYNTHETIC: names are invented combinations, and every BSN and
onderwijsnummer is drawn at random (fixed seed) with the eleven-test arithmetic of
python-stdnum, so the numbers pass ``stdnum.nl.bsn`` / ``stdnum.nl.onderwijsnummer`` but belong
to nobody. The output is deterministic: running this again writes the same bytes (the XLSX
has a fixed creation time), so the committed files can be checked against it.

Files written:

* ``ho_export.csv``         Windows-1252, ``;``, CRLF, Dutch dates (``31-08-2025``, ``1-9-2025``),
                            vorm VT/DT/DU, reasons as words, one blank line at the end.
* ``ho_export.xlsx``        the same students as a workbook: date cells, ECTS as numbers, one
                            BSN stored as a number that lost its leading zero, and a second
                            sheet "Toelichting" with notes.
* ``ho_export_broken.csv``  ``ho_export.csv`` with six broken rows (the rejects demo).
* ``mbo_export.csv``        UTF-8 with BOM, ``,``, ISO dates, leerweg BOL/BBL, planned and actual
                            end, reden, a BPV (leerbedrijf) on BBL rows, diplomas.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, replace
from pathlib import Path

from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import onderwijsnummer as stdnum_onderwijsnummer

HERE = Path(__file__).resolve().parent
SEED = 20250901

HO_HEADER = [
    "Studentnummer", "Inschrijvingsnummer", "BSN", "Onderwijsnummer", "Achternaam",
    "Voornaam", "Geboortedatum", "Geslacht", "CROHO", "Opleiding", "Vorm", "Fase",
    "Vooropleiding", "Startdatum", "Einddatum", "Reden uitschrijving", "Modulecode", "ECTS",
    "Examendatum",
]
MBO_HEADER = [
    "Deelnemernummer", "Inschrijvingsnummer", "BSN", "Geboortedatum", "Geslacht", "Crebo",
    "Leerweg", "Niveau", "Locatiecode", "Startdatum", "Geplande einddatum", "Einddatum", "Reden",
    "BPV-nummer", "Leerbedrijf", "Afsluitdatum POK", "BPV begin", "BPV einde", "BPV uren",
    "Diplomanummer", "Diplomadatum",
]
# Prior education as administrations write it; rodcli init drafts DUO's codes from these.
VOOROPLEIDINGEN = ["vwo", "havo", "mbo 4", "havo", "Propedeuse HBO", "vwo", "Buitenlands diploma",
                   "21+ toets", "mbo 4", "havo"]


# ---- synthetic personal numbers -------------------------------------------------------------


def _weighted(digits: str) -> int:
    return sum((9 - position) * int(digit) for position, digit in enumerate(digits))


def make_bsn(rng: random.Random, first: str | None = None) -> str:
    """A random nine-digit number that passes the BSN eleven-test (checksum 0)."""
    while True:
        head = (first if first is not None else str(rng.randint(1, 9))) + "".join(
            str(rng.randint(0, 9)) for _ in range(7))
        check = _weighted(head) % 11
        if check < 10:
            number = head + str(check)
            if stdnum_bsn.is_valid(number):
                return number


def make_onderwijsnummer(rng: random.Random) -> str:
    """A random onderwijsnummer: ``10`` + 6 digits + the digit giving checksum 5."""
    while True:
        head = "10" + "".join(str(rng.randint(0, 9)) for _ in range(6))
        check = (_weighted(head) - 5) % 11
        if check < 10:
            number = head + str(check)
            if stdnum_onderwijsnummer.is_valid(number):
                return number


def break_number(number: str) -> str:
    """The same number with its last digit changed: it fails the eleven-test."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


# ---- ho -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HoRow:
    studentnummer: int
    inschrijvingsnummer: str
    bsn: str
    onderwijsnummer: str
    achternaam: str
    voornaam: str
    geboortedatum: dt.date
    geslacht: str
    croho: str
    opleiding: str
    vorm: str
    fase: str
    vooropleiding: str
    start: dt.date
    end: dt.date | None = None
    reden: str = ""
    modulecode: str = ""
    ects: float | int | None = None
    examen: dt.date | None = None


PROGRAMMES = {  # CROHO-like codes in the right ISAT ranges; names as the system shows them
    "B-ICT": ("34479", "B HBO-ICT", "B"),
    "B-VPK": ("34560", "B Verpleegkunde", "B"),
    "B-BK": ("34035", "B Bedrijfskunde", "B"),
    "B-SW": ("34377", "B Social Work", "B"),
    "B-PABO": ("34808", "B Leraar Basisonderwijs", "P"),
    "M-LI": ("44341", "M Leren en Innoveren", "M"),
    "AD-MZ": ("80083", "Ad Management in de Zorg", "A"),
}
MODULES = [  # (modulecode, ECTS, programme it belongs to)
    ("ICT-DATA-01", 7.5, "B-ICT"),
    ("ICT-SEC-02", 15, "B-ICT"),
    ("VPK-GGZ-01", 7.5, "B-VPK"),
    ("BK-LEAN-03", 5, "B-BK"),
    ("SW-JEUGD-01", 30, "B-SW"),
]

# Invented people (first name, last name, sex); the accents make the file's encoding matter.
PEOPLE = [
    ("Daan", "Café", "M"), ("Zoë", "Özdemir", "V"), ("Noël", "van der Berk", "M"),
    ("Saar", "Brouwer-Maas", "V"), ("Ünal", "Dijkhuis", "M"), ("Renée", "El Idrissi", "V"),
    ("Lucas", "Jansma", "M"), ("Nadia", "de Wever", "V"), ("Milan", "Kooistra", "M"),
    ("Maud", "Hoekstra", "V"), ("Bram", "Çelik", "M"), ("Inés", "Verhoef", "V"),
    ("Thijs", "Bakkum", "M"), ("Aylin", "van Rijswijk", "V"), ("Sem", "Schipper", "M"),
    ("Lotte", "Mulders", "V"), ("Jesse", "Ter Haar", "M"), ("Fenna", "Veldkamp", "V"),
    ("Mohammed", "Rooijakkers", "M"), ("Isa", "Lindeboom", "V"), ("Jurre", "Ünlü", "M"),
    ("Céline", "Zwartkruis", "V"),
]


def ho_rows(rng: random.Random) -> list[HoRow]:
    """About thirty rows: full enrolments, module enrolments, deregistrations, a diploma."""
    rows: list[HoRow] = []
    sequence = iter(range(1001, 2000))
    student = iter(range(4101001, 4200000))

    def person(index: int) -> dict[str, object]:
        first, last, gender = PEOPLE[index]
        return {
            "studentnummer": next(student),
            "bsn": make_bsn(rng),
            "onderwijsnummer": "",
            "achternaam": last,
            "voornaam": first,
            "geboortedatum": dt.date(rng.randint(1996, 2007), rng.randint(1, 12),
                                     rng.randint(1, 28)),
            "geslacht": gender,
            "vooropleiding": VOOROPLEIDINGEN[index % len(VOOROPLEIDINGEN)],
        }

    def enrol(who: dict[str, object], programme: str, vorm: str, start: dt.date,
              **extra: object) -> HoRow:
        croho, name, fase = PROGRAMMES[programme]
        row = HoRow(inschrijvingsnummer=f"2025-{next(sequence)}", croho=croho, opleiding=name,
                    vorm=vorm, fase=fase, start=start, **who)  # type: ignore[arg-type]
        return replace(row, **extra)  # type: ignore[arg-type]

    sep_2025, sep_2024 = dt.date(2025, 9, 1), dt.date(2024, 9, 1)
    people = [person(index) for index in range(len(PEOPLE))]
    # The BSN that Excel turns into a number (and so loses its leading zero) starts with 0.
    people[3]["bsn"] = make_bsn(rng, first="0")
    # A student without BSN (arrived from abroad): onderwijsnummer + birth date + sex.
    people[7]["bsn"], people[7]["onderwijsnummer"] = "", make_onderwijsnummer(rng)

    # Full enrolments for 2025-2026.
    plan = [("B-ICT", "VT"), ("B-VPK", "VT"), ("B-BK", "DT"), ("B-SW", "VT"), ("B-PABO", "VT"),
            ("M-LI", "DT"), ("AD-MZ", "DU"), ("B-VPK", "DU"), ("B-ICT", "VT"), ("B-SW", "DT"),
            ("AD-MZ", "DT"), ("B-BK", "VT"), ("M-LI", "VT"), ("B-ICT", "DT")]
    for who, (programme, vorm) in zip(people, plan, strict=False):
        rows.append(enrol(who, programme, vorm, sep_2025))
    # Continuing students enrolled last year, still enrolled.
    rows.append(enrol(people[14], "B-VPK", "VT", sep_2024))
    rows.append(enrol(people[15], "B-SW", "VT", dt.date(2023, 9, 1)))
    # Deregistrations: stopped, switched (and enrolled in another programme), no reason given.
    rows.append(enrol(people[16], "B-ICT", "VT", sep_2024, end=dt.date(2025, 1, 31),
                      reden="gestopt"))
    rows.append(enrol(people[17], "B-BK", "VT", sep_2024, end=dt.date(2025, 8, 31),
                      reden="overstap"))
    rows.append(enrol(people[17], "B-SW", "VT", sep_2025))
    rows.append(enrol(people[18], "AD-MZ", "DT", dt.date(2025, 2, 1), end=dt.date(2025, 6, 30)))
    rows.append(enrol(people[19], "B-PABO", "VT", sep_2025, end=dt.date(2025, 10, 15),
                      reden="gestopt"))
    # A full diploma: bachelor (fase B), reason diploma, exam date filled.
    rows.append(enrol(people[20], "B-VPK", "VT", dt.date(2021, 9, 1), end=dt.date(2025, 8, 31),
                      reden="diploma", examen=dt.date(2025, 7, 4)))
    # Module enrolments: each module is its own enrolment with its own number.
    module_people = [people[21], people[21], people[2], people[9], people[12], people[5]]
    for who, (code, ects, programme) in zip(module_people, MODULES + [MODULES[0]],
                                            strict=True):
        rows.append(enrol(who, programme, "DT", sep_2025, fase="", modulecode=code, ects=ects))
    # A module finished in the first term.
    rows[-1] = replace(rows[-1], start=sep_2025, end=dt.date(2025, 11, 7), reden="afgerond")
    return rows


def _ho_date(day: dt.date | None, rng: random.Random) -> str:
    """Dutch notation as administrations write it: sometimes 01-09-2025, sometimes 1-9-2025."""
    if day is None:
        return ""
    if rng.random() < 0.35:
        return f"{day.day}-{day.month}-{day.year}"
    return day.strftime("%d-%m-%Y")


def _ects_text(ects: float | int | None) -> str:
    if ects is None:
        return ""
    return str(int(ects)) if float(ects).is_integer() else str(ects)


def ho_csv_cells(row: HoRow, rng: random.Random) -> list[str]:
    return [
        str(row.studentnummer), row.inschrijvingsnummer, row.bsn, row.onderwijsnummer,
        row.achternaam, row.voornaam, _ho_date(row.geboortedatum, rng), row.geslacht, row.croho,
        row.opleiding, row.vorm, row.fase, row.vooropleiding, _ho_date(row.start, rng),
        _ho_date(row.end, rng),
        row.reden, row.modulecode, _ects_text(row.ects), _ho_date(row.examen, rng),
    ]


def csv_bytes(header: list[str], rows: list[list[str]], *, delimiter: str, newline: str,
              encoding: str, blank_line_at_end: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue() + (newline if blank_line_at_end else "")
    return text.encode(encoding)


def broken_ho_cells(rows: list[HoRow], cells: list[list[str]]) -> list[list[str]]:
    """Six broken rows for the rejects demo; every other row is as in ho_export.csv."""
    broken = [list(row) for row in cells]
    bsn_col, croho_col, vorm_col = (HO_HEADER.index(n) for n in ("BSN", "CROHO", "Vorm"))
    start_col, end_col, reason_col = (HO_HEADER.index(n) for n in
                                      ("Startdatum", "Einddatum", "Reden uitschrijving"))
    broken[0][bsn_col] = break_number(broken[0][bsn_col])  # F007: fails the eleven-test
    broken[1][start_col] = "31-11-2025"  # F003: there is no 31 November
    broken[4][vorm_col] = "XX"  # M007: no translation for this vorm
    broken[5][croho_col] = "24607"  # F011: not in an ISAT range
    # R002: deregistered before the enrolment started (a typo in the year)
    broken[8][end_col], broken[8][reason_col] = "31-08-2024", "gestopt"
    # R005: the same enrolment of the same student exported twice (a second programme row
    # that reused the enrolment number)
    duplicate = list(broken[10])
    duplicate[HO_HEADER.index("Opleiding")] = "B Bedrijfskunde"
    duplicate[croho_col] = PROGRAMMES["B-BK"][0]
    broken.append(duplicate)
    assert len(rows) == len(cells)
    return broken


def write_ho_xlsx(rows: list[HoRow], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Export"
    sheet.append(HO_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    leading_zero_done = False
    for row in rows:
        bsn: str | int = row.bsn
        if row.bsn.startswith("0") and not leading_zero_done:
            bsn = int(row.bsn)  # what Excel does to a number column: the leading 0 is gone
            leading_zero_done = True
        sheet.append([
            row.studentnummer, row.inschrijvingsnummer, bsn or None,
            row.onderwijsnummer or None, row.achternaam, row.voornaam, row.geboortedatum,
            row.geslacht, int(row.croho), row.opleiding, row.vorm, row.fase or None,
            row.vooropleiding, row.start, row.end, row.reden or None, row.modulecode or None,
            row.ects, row.examen,
        ])
    assert leading_zero_done, "no BSN with a leading zero"
    date_columns = [HO_HEADER.index(n) + 1 for n in ("Geboortedatum", "Startdatum", "Einddatum",
                                                       "Examendatum")]
    text_columns = [HO_HEADER.index(n) + 1 for n in ("Inschrijvingsnummer", "BSN",
                                                       "Onderwijsnummer")]
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if cell.column in date_columns and cell.value is not None:
                cell.number_format = "dd-mm-yyyy"
            elif cell.column in text_columns and isinstance(cell.value, str):
                cell.number_format = "@"
    for letter, width in zip("ABCDEFGHIJKLMNOPQRS", [14, 20, 12, 16, 18, 12, 14, 9, 8, 28, 6, 6,
                                                    18, 12, 12, 20, 14, 6, 13], strict=True):
        sheet.column_dimensions[letter].width = width

    notes = workbook.create_sheet("Toelichting")
    notes.append(["Toelichting bij de export"])
    notes["A1"].font = Font(bold=True)
    for text in (
        "Export uit het studentinformatiesysteem, inschrijvingen studiejaar 2025-2026.",
        "Vorm: VT = voltijd, DT = deeltijd, DU = duaal.",
        "Fase: P = propedeuse, B = bachelor, M = master, A = associate degree.",
        "Een rij met Modulecode en ECTS is een inschrijving voor een losse module.",
        "Einddatum gevuld: de inschrijving is beëindigd; Examendatum: diploma behaald.",
        "SYNTHETISCHE GEGEVENS: namen verzonnen, BSN's en onderwijsnummers willekeurig.",
    ):
        notes.append([text])
    notes.column_dimensions["A"].width = 90

    # Fixed document times, so the file is the same every run.
    stamp = dt.datetime(2025, 9, 15, 8, 0, 0)
    workbook.properties.created = workbook.properties.modified = stamp
    workbook.properties.creator = "Studentinformatiesysteem (voorbeeld)"
    workbook.save(path)
    _fix_zip_times(path)


def _fix_zip_times(path: Path) -> None:
    """openpyxl stamps every ZIP member, and the document's 'modified' property, with the
    current time: rewrite both with a fixed one."""
    import re
    import zipfile

    members = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            data = archive.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-09-15T08:00:00Z",
                              data)
            members.append((info.filename, data))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2025, 9, 15, 8, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)


# ---- mbo ------------------------------------------------------------------------------------

MBO_PROGRAMMES = [  # (crebo, niveau)
    ("25655", "4"), ("25491", "2"), ("25764", "3"), ("25180", "4"), ("25598", "3"),
]
LOCATIONS = ["123X456", "123X457", "481X102"]


def mbo_cells(rng: random.Random) -> list[list[str]]:
    """One row per enrolment, as mbo administrations export them: the student, the
    enrolment with its planned and actual end, a BPV (praktijkovereenkomst) on BBL rows, the
    diploma where there is one."""
    rows: list[list[str]] = []
    number = iter(range(300101, 400000))
    sequence = iter(range(1, 100))
    company = iter(range(100018965, 100099999, 7919))

    def row(crebo_niveau: tuple[str, str], leerweg: str, start: str, planned: str,
            end: str = "", reden: str = "", diploma: str = "") -> list[str]:
        crebo, niveau = crebo_niveau
        student, bsn = str(next(number)), make_bsn(rng)
        born = dt.date(rng.randint(2003, 2009), rng.randint(1, 12),
                       rng.randint(1, 28)).isoformat()
        sex = rng.choice("MV")
        volgnummer = next(sequence)
        bpv = ["", "", "", "", "", ""]
        if leerweg == "BBL":
            begin = dt.date.fromisoformat(start) + dt.timedelta(days=14)
            bpv_end = min(dt.date.fromisoformat(end or planned), begin + dt.timedelta(days=364))
            bpv = ["1", str(next(company)), start, begin.isoformat(), bpv_end.isoformat(),
                   str(rng.choice([800, 1200, 1600]))]
        return [student, f"MBO25{volgnummer:03d}", bsn, born, sex, crebo, leerweg, niveau,
                rng.choice(LOCATIONS), start, planned, end, reden, *bpv,
                f"D25{volgnummer:03d}" if diploma else "", diploma]

    rows.extend(row(MBO_PROGRAMMES[index % 5], "BBL" if index % 3 == 2 else "BOL",
                    "2025-08-01" if index % 4 else "2025-08-25", "2028-07-31")
                for index in range(8))
    # Enrolments that ended, with DUO's reden uitschrijving (its list is not public).
    rows.append(row(MBO_PROGRAMMES[1], "BOL", "2024-08-01", "2026-07-31", "2025-01-31", "04"))
    rows.append(row(MBO_PROGRAMMES[2], "BBL", "2024-08-01", "2027-07-31", "2025-03-14", "05"))
    rows.append(row(MBO_PROGRAMMES[0], "BOL", "2023-08-01", "2026-07-31", "2025-06-30", "01"))
    rows.append(row(MBO_PROGRAMMES[4], "BOL", "2024-08-01", "2027-07-31", "2025-07-31", "04"))
    # Diplomas: the enrolment ends the day after the diploma date, reason 08 (no dropout).
    rows.append(row(MBO_PROGRAMMES[3], "BOL", "2022-08-01", "2025-07-31", "2025-07-04", "08",
                    "2025-07-03"))
    rows.append(row(MBO_PROGRAMMES[2], "BBL", "2023-08-01", "2025-07-31", "2025-06-30", "08",
                    "2025-06-27"))
    return rows


# ---- main -----------------------------------------------------------------------------------


def main(folder: Path = HERE) -> None:
    rng = random.Random(SEED)
    rows = ho_rows(rng)
    date_rng = random.Random(SEED + 1)
    cells = [ho_csv_cells(row, date_rng) for row in rows]
    windows = {"delimiter": ";", "newline": "\r\n", "encoding": "cp1252"}
    (folder / "ho_export.csv").write_bytes(
        csv_bytes(HO_HEADER, cells, blank_line_at_end=True, **windows))  # type: ignore[arg-type]
    (folder / "ho_export_broken.csv").write_bytes(
        csv_bytes(HO_HEADER, broken_ho_cells(rows, cells), blank_line_at_end=True,
                  **windows))  # type: ignore[arg-type]
    write_ho_xlsx(rows, folder / "ho_export.xlsx")
    (folder / "mbo_export.csv").write_bytes(
        csv_bytes(MBO_HEADER, mbo_cells(random.Random(SEED + 2)), delimiter=",", newline="\n",
                  encoding="utf-8-sig"))


if __name__ == "__main__":
    main()
