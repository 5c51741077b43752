"""The column checks are a filter in front of the precise path, never a judge of their own:
for any records, the engine with its column checks gives exactly the findings of the precise
path alone (every record through its model and rules, cross-record rules over every key).

Records are drawn from pools of values that sit on every boundary a check has: the eleven-
test, calendar dates and notations, codes valid only before or after a date, ECTS decimals,
ISAT ranges, personal details with and without a BSN, spaces around values, fields a record
type lacks, unknown record types, and keys shared between records so that every
cross-record rule has work (with --with files beside them too).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import (
    BSN,
    BSN2,
    ONR,
    csv_text,
    make_invalid,
    xml_text,
)
from rodcli.findings import Result
from rodcli.pipeline import ValidateOptions, validate_files

EXAMPLES = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

_DATES = [date(2025, 9, 1), date(2026, 6, 30), date(2018, 1, 1), date(2024, 2, 1),
          date(2023, 7, 31), date(2023, 8, 1), date(2016, 12, 9), date(2016, 12, 10),
          date(2019, 7, 31), date(2019, 8, 1), date(2018, 12, 31), date(2019, 1, 1),
          date(1996, 8, 31), date(1996, 9, 1), date(1999, 8, 31), date(1999, 9, 1),
          date(1993, 8, 31), date(1993, 9, 1),
          "20250230", "00000101", "2025-09-01", "20250901", " 20250901 ", "2025901", "",
          "1.5.2025"]
_CODES = {
    "brin": ["99XX", "99XX", "12AB", "9XX", "99xx", " 99XX"],
    "burgerservicenummer": [BSN, BSN, BSN2, make_invalid(BSN), "12345678", "000000000", "",
                            f" {BSN}", "11122233X"],
    "onderwijsnummer": ["", "", "", ONR, make_invalid(ONR), BSN],
    "inschrijvingvolgnummer": ["1", "1", "2", "A-1", "", "x y", "1" * 21],
    "geboortedatum": ["", "", date(2001, 2, 3), "20010230"],
    "geslacht": ["", "", "M", "V", "X", "O"],
    "postcode": ["", "", "1234AB", "1234 AB", "0123AB"],
    "opleidingcode": ["34607", "34607", "80001", "99999", "3460", "00012"],
    "opleidingsvorm": ["VOLTIJD", "DEELTIJD", "DUAAL", "voltijd", "XX"],
    "opleidingsfase": ["B", "M", "P", "A", "Z", "", "1"],
    "inschrijvingsvorm": ["S", "E", "Q", ""],
    "vooropleiding": ["", "00401", "00201", "VWO", "99999"],
    "onderwijseenheidcode": ["", "MOD-1", "mod 2", "x" * 41],
    "studielast": ["7.5", "15", "7.50", "7.3", "0", "240", "240.5", "300", "7,5", "1e3", "",
                   "30.0"],
    "redenUitschrijving": ["", "1", "1", "4", "7", "9", "AFSLUITEND_EXAMEN", "ZZ"],
}
# mbo: DUO's entities (PvE MBO-instelling). Dates sit on the edges of the enrolment below
# (2025-09-01 to 2027-07-31) and of DUO's lists (BOL_DT to 2023-07-31, leerroute from
# 2020-08-01, onderwijslocatie from 2019-08-01).
_MBO_DATES = [date(2025, 9, 1), date(2025, 8, 31), date(2027, 7, 31), date(2027, 8, 1),
              date(2026, 6, 30), date(2023, 7, 31), date(2023, 8, 1), date(2019, 7, 31),
              date(2019, 8, 1), date(2020, 7, 31), date(2020, 8, 1), "2025-02-30", "20250901",
              ""]
_MBO_CODES = {
    "geboortedatum": ["2001-02-03", "2001-02-00", "2001-00-00", "2001-00-03", "2001-02-30",
                      "0000-00-00", "2001-13-00", "20010203", ""],
    "geslacht": ["M", "V", "O", "X", ""],
    "inschrijvingvolgnummer": ["1", "1", "2", "", "A-1"],
    "opleidingcode": ["25180", "2518", ""],
    "leertraject": ["BOL", "BBL", "BOL_DT", "ODT", "COL", "", "BOL_DT"],
    "niveau": ["", "MBO-2", "MBO-9"],
    "indicatieBekostigbaar": ["J", "N", "X"],
    "onderwijsaanbieder": ["100A501", "100X501"],
    "locatiecodeVsv": ["000012345678", "1234"],
    "onderwijslocatie": ["", "123X456", "123456", ""],
    "leerroute": ["", "DLP", "DLR"],
    "leerroutefase": ["VO", "MBO", "HBO"],
    "redenUitschrijving": ["08", "8", "", "ABC"],
    "bpvVolgnummer": ["1", "1", "2", "1-a"],
    "leerbedrijfId": ["100018965", "099999999", "999999999", "1000189650"],
    "omvangBpv": ["400", "12000"],
    "resultaatvolgnummer": ["R1", "R1", "R2", "R-3"],
    "resultaatvolgnummerDiploma": ["", "R1", "R9", ""],
    "codeKeuzedeel": ["K0067", "0067"],
    "resultaatKeuzedeel": ["Behaald", "Niet behaald", "behaald"],
    "certificaat": ["J", "N", "", "X", ""],
    "codeGeneriekExamenonderdeel": ["3001", "30011"],
    "codeAmvbOnderdeel": ["C0004", "C04"],
    "eindcijfer": ["7", "100"],
    "opleidingcodeDiploma": ["25180", "x"],
}
_MBO_DATE_FIELDS = ("datumInschrijving", "datumUitschrijvingGepland",
                    "datumUitschrijvingWerkelijk", "datumBeginPeriode", "afsluitdatumBpv",
                    "datumBeginBpv", "datumEindeBpvGepland", "datumEindeBpvWerkelijk",
                    "datumDiploma", "datumResultaat")
_DATE_FIELDS = ("datumInschrijving", "datumUitschrijving", "datumAfsluitendExamen",
                "datumDiploma")
_TYPES = {"ho": ["inschrijving", "moduleInschrijving", "uitschrijving", "resultaat",
                 "inschrijving", "uitschrijving", "resultaat", "onbekend"],
          "mbo": ["persoon", "inschrijving", "inschrijvingsperiode", "inschrijvingsperiode",
                  "bpv", "diploma", "keuzedeel", "generiekExamenonderdeel", "amvbOnderdeel",
                  "inschrijving", "persoon", "moduleInschrijving", "uitschrijving"]}


_VALID = {
    "ho": {
        "inschrijving": {"geboortedatum": date(2001, 2, 3), "geslacht": "V",
                         "datumInschrijving": date(2025, 9, 1), "opleidingcode": "34607",
                         "opleidingsvorm": "VOLTIJD", "opleidingsfase": "B",
                         "inschrijvingsvorm": "S", "vooropleiding": "00401"},
        "moduleInschrijving": {"geboortedatum": date(2001, 2, 3), "geslacht": "M",
                               "datumInschrijving": date(2025, 9, 1), "opleidingcode": "34607",
                               "opleidingsvorm": "DEELTIJD", "inschrijvingsvorm": "S",
                               "onderwijseenheidcode": "MOD-1", "studielast": "7.5"},
        "uitschrijving": {"datumUitschrijving": date(2026, 6, 30),
                          "redenUitschrijving": "4"},
        "resultaat": {"opleidingcode": "34607", "opleidingsfase": "B",
                      "datumAfsluitendExamen": date(2026, 6, 30)},
        "onbekend": {"datumInschrijving": date(2025, 9, 1)},
    },
    "mbo": {
        "persoon": {"geboortedatum": "2001-02-03", "geslacht": "V"},
        "inschrijving": {"datumInschrijving": date(2025, 9, 1),
                         "datumUitschrijvingGepland": date(2027, 7, 31)},
        "inschrijvingsperiode": {"datumBeginPeriode": date(2025, 9, 1), "opleidingcode": "25180",
                                 "leertraject": "BOL", "onderwijslocatie": "123X456"},
        "bpv": {"bpvVolgnummer": "1", "afsluitdatumBpv": date(2025, 9, 1),
                "datumBeginBpv": date(2025, 9, 1), "datumEindeBpvGepland": date(2026, 6, 30),
                "leerbedrijfId": "100018965"},
        "diploma": {"resultaatvolgnummer": "R1", "opleidingcodeDiploma": "25180",
                    "datumDiploma": date(2026, 6, 30)},
        "keuzedeel": {"resultaatvolgnummer": "R2", "resultaatvolgnummerDiploma": "R1",
                      "codeKeuzedeel": "K0067", "resultaatKeuzedeel": "Behaald"},
        "generiekExamenonderdeel": {"resultaatvolgnummer": "R3",
                                    "codeGeneriekExamenonderdeel": "3001",
                                    "datumResultaat": date(2026, 1, 1)},
        "amvbOnderdeel": {"resultaatvolgnummer": "R4", "codeAmvbOnderdeel": "C0004",
                          "datumResultaat": date(2026, 1, 1), "certificaat": "J"},
        "moduleInschrijving": {"datumInschrijving": date(2025, 9, 1)},
        "uitschrijving": {"datumUitschrijving": date(2026, 6, 30)},
    },
}
_EXTRA = ["datumUitschrijving", "studielast", "postcode", "geboortedatum", "geslacht",
          "niveau", "vooropleiding", "redenUitschrijving", "onderwijslocatie",
          "onderwijseenheidcode", "datumInschrijving"]
_MBO_EXTRA = ["datumUitschrijvingWerkelijk", "datumEindeBpvWerkelijk", "redenUitschrijving",
              "onderwijslocatie", "certificaat", "resultaatvolgnummerDiploma",
              "inschrijvingvolgnummer", "leerroute", "leerroutefase", "geboortedatum", "niveau",
              "datumBeginPeriode", "postcode"]
# Records whose inschrijvingvolgnummer is optional: sometimes without one.
_MBO_LOOSE = ("diploma", "keuzedeel", "generiekExamenonderdeel", "amvbOnderdeel")


@st.composite
def records(draw: st.DrawFn, sector: str) -> dict[str, object]:
    """A valid record of a random type and key, with none, one or two fields spoilt (or
    emptied, or added where the record type has no such field)."""
    record_type = draw(st.sampled_from(_TYPES[sector]))
    row: dict[str, object] = {
        "recordtype": record_type,
        "brin": "99XX",
        "burgerservicenummer": draw(st.sampled_from([BSN, BSN2, ""])),
        "onderwijsnummer": "",
        "inschrijvingvolgnummer": draw(st.sampled_from(["1", "2"])),
    }
    if not row["burgerservicenummer"]:
        row.update(onderwijsnummer=ONR)
    if sector == "mbo" and (record_type == "persoon"
                            or (record_type in _MBO_LOOSE and draw(st.booleans()))):
        del row["inschrijvingvolgnummer"]
    row.update(_VALID[sector][record_type])
    extra = _MBO_EXTRA if sector == "mbo" else _EXTRA
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from([*row, *row, *extra]))
        if name == "recordtype":
            continue
        if sector == "mbo" and name in _MBO_DATE_FIELDS:
            value: object = draw(st.sampled_from(_MBO_DATES))
        elif name in _DATE_FIELDS:
            value = draw(st.sampled_from(_DATES))
        elif sector == "mbo" and name in _MBO_CODES:
            value = draw(st.sampled_from(_MBO_CODES[name]))
        elif name in _CODES:
            value = draw(st.sampled_from(_CODES[name]))
        else:
            value = draw(st.sampled_from(["", "25180", "J", date(2019, 1, 1)]))
        row[name] = value
    return row


def _findings(result: Result) -> list[tuple[object, ...]]:
    return sorted((f.code, f.location.file, f.location.line, f.location.column,
                   f.location.field, f.location.record, tuple(sorted(f.params.items())))
                  for f in result.findings)


def _both_ways(paths: list[Path], with_files: tuple[Path, ...] = ()) -> None:
    precise = validate_files(paths, ValidateOptions(max_findings=0, with_files=with_files,
                                                    columnar_from_bytes=1 << 60))
    columnar = validate_files(paths, ValidateOptions(max_findings=0, with_files=with_files,
                                                     columnar_from_bytes=0))
    assert _findings(columnar) == _findings(precise)
    assert columnar.code_counts == precise.code_counts
    assert [f.records for f in columnar.files] == [f.records for f in precise.files]


def _csv_rows(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    from rodcli.readers.bulk_csv import csv_columns

    known = set(csv_columns())
    return [{name: value for name, value in row.items() if name in known} for row in rows]


def _csv_both_ways(tmp_path: Path, rows: list[dict[str, object]],
                   context: list[dict[str, object]]) -> None:
    """A bulk CSV of ``rows``, checked with a --with CSV of ``context`` when there is one."""
    bulk = tmp_path / "bulk.csv"
    bulk.write_text(csv_text(_csv_rows(rows)), encoding="utf-8")
    earlier = tmp_path / "earlier.csv"
    earlier.write_text(csv_text(_csv_rows(context)), encoding="utf-8")
    _both_ways([bulk], (earlier,) if context else ())


@EXAMPLES
@given(rows=st.lists(records("ho"), min_size=1, max_size=30),
       context=st.lists(records("ho"), max_size=8))
def test_csv_columnar_equals_precise(tmp_path: Path, rows: list[dict[str, object]],
                                     context: list[dict[str, object]]) -> None:
    _csv_both_ways(tmp_path, rows, context)


@EXAMPLES
@given(rows=st.lists(records("ho"), min_size=1, max_size=20), crlf=st.booleans(),
       blank_every=st.integers(0, 5))
def test_csv_layout_columnar_equals_precise(tmp_path: Path, rows: list[dict[str, object]],
                                            crlf: bool, blank_every: int) -> None:
    """Blank lines, separator-only lines, CRLF and rows of the wrong width."""
    lines = csv_text(_csv_rows(rows)).splitlines()
    out = [lines[0]]
    for number, line in enumerate(lines[1:], start=1):
        out.append(line)
        if blank_every and number % blank_every == 0:
            out.append(["", ";;;", " ; ", line + ";extra", line.rsplit(";", 1)[0]][number % 5])
    bulk = tmp_path / "bulk.csv"
    bulk.write_bytes(("\r\n" if crlf else "\n").join(out).encode() + b"\n")
    _both_ways([bulk])


@EXAMPLES
@given(rows=st.lists(records("ho"), min_size=1, max_size=20),
       sector=st.sampled_from(["ho", "mbo"]))
def test_xml_columnar_equals_precise(tmp_path: Path, rows: list[dict[str, object]],
                                     sector: str) -> None:
    if sector == "mbo":
        rows = [{name: value for name, value in row.items()
                 if name not in ("opleidingsfase", "inschrijvingsvorm", "studielast")}
                for row in rows]
    bulk = tmp_path / "bulk.xml"
    bulk.write_text(xml_text([{k: v for k, v in row.items() if v != ""} for row in rows],
                             sector), encoding="utf-8")
    _both_ways([bulk])


@EXAMPLES
@given(rows=st.lists(records("mbo"), min_size=1, max_size=20))
def test_mbo_xml_columnar_equals_precise(tmp_path: Path, rows: list[dict[str, object]]) -> None:
    bulk = tmp_path / "bulk.xml"
    bulk.write_text(xml_text([{k: v for k, v in row.items() if v != ""} for row in rows],
                             "mbo"), encoding="utf-8")
    _both_ways([bulk])


@st.composite
def person_records(draw: st.DrawFn) -> dict[str, object]:
    """persoon records of two students that repeat or contradict each other (R021), beside
    an enrolment that needs them (R019)."""
    bsn = draw(st.sampled_from([BSN, BSN2]))
    if draw(st.integers(0, 4)) == 0:
        return {"recordtype": "inschrijving", "brin": "99XX", "burgerservicenummer": bsn,
                "inschrijvingvolgnummer": "1", **_VALID["mbo"]["inschrijving"]}
    return {"recordtype": "persoon", "brin": "99XX", "burgerservicenummer": bsn,
            "geboortedatum": draw(st.sampled_from(["2001-02-03", "2001-02-03", "2001-02-00"])),
            "geslacht": draw(st.sampled_from(["V", "V", "M", "X"])),
            "postcode": draw(st.sampled_from(["", "", "1234AB", "1234 AB"]))}


@EXAMPLES
@given(rows=st.lists(person_records(), min_size=1, max_size=8))
def test_mbo_person_rules_columnar_equals_precise(tmp_path: Path,
                                                 rows: list[dict[str, object]]) -> None:
    bulk = tmp_path / "bulk.xml"
    bulk.write_text(xml_text([{k: v for k, v in row.items() if v != ""} for row in rows],
                             "mbo"), encoding="utf-8")
    _both_ways([bulk])


@EXAMPLES
@given(rows=st.lists(records("mbo"), min_size=1, max_size=20),
       context=st.lists(records("mbo"), min_size=1, max_size=8))
def test_mbo_xml_with_files_columnar_equals_precise(
        tmp_path: Path, rows: list[dict[str, object]], context: list[dict[str, object]]) -> None:
    """An earlier delivery beside it: its enrolments and persons count for R015, R016, R019."""
    bulk, earlier = tmp_path / "bulk.xml", tmp_path / "earlier.xml"
    for path, records_ in ((bulk, rows), (earlier, context)):
        path.write_text(xml_text([{k: v for k, v in row.items() if v != ""}
                                  for row in records_], "mbo"), encoding="utf-8")
    _both_ways([bulk], (earlier,))


@st.composite
def module_records(draw: st.DrawFn) -> dict[str, object]:
    """Module enrolments and their deregistrations of two students, a few modules, numbers
    and dates: enough collisions that R014 (overlap) and R030 (module changed) have work."""
    record_type = draw(st.sampled_from(["moduleInschrijving", "moduleInschrijving",
                                        "uitschrijving"]))
    row: dict[str, object] = {"recordtype": record_type, "brin": "99XX",
                              "burgerservicenummer": draw(st.sampled_from([BSN, BSN2])),
                              "onderwijsnummer": "",
                              "inschrijvingvolgnummer": draw(st.sampled_from(["1", "2", "3"]))}
    row.update(_VALID["ho"][record_type])
    day = draw(st.sampled_from([date(2025, 9, 1), date(2025, 10, 1), date(2026, 2, 1),
                                date(2026, 6, 30)]))
    if record_type == "uitschrijving":
        row.update(datumUitschrijving=day, redenUitschrijving="")
    else:
        row.update(datumInschrijving=day,
                   opleidingcode=draw(st.sampled_from(["34607", "34607", "80001"])),
                   onderwijseenheidcode=draw(st.sampled_from(["MOD-1", "MOD-1", "MOD-2", ""])))
    return row


@EXAMPLES
@given(rows=st.lists(module_records(), min_size=1, max_size=12),
       context=st.lists(module_records(), max_size=6))
def test_module_rules_columnar_equals_precise(tmp_path: Path, rows: list[dict[str, object]],
                                              context: list[dict[str, object]]) -> None:
    _csv_both_ways(tmp_path, rows, context)


def test_every_validator_has_a_column_twin() -> None:
    """A new validator in bulkformat.types without its column-wise twin fails here, not
    silently at run time."""
    from rodcli.bulkformat.models import RECORD_MODELS
    from rodcli.engine.fields import compile_checks
    from rodcli.rules import record_rules

    for sector, models in RECORD_MODELS.items():
        columns = frozenset({"_type", "_line", *(name for model in models.values()
                                                 for name in model.model_fields)})
        for notation in ("iso", "compact"):
            compile_checks(sector, notation, columns, record_rules())  # type: ignore[arg-type]
