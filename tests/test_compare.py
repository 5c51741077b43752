"""``rodcli compare``: each kind of difference, key collisions, the onderwijsnummer -> BSN
change, records failing their checks, exports read through a mapping, the three report
formats, exit codes, and privacy.

Every personal number here is synthetic (eleven-test arithmetic, belongs to nobody).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from typer.testing import CliRunner, Result

from conftest import (
    BSN,
    inschrijving,
    make_bsn,
    make_invalid,
    make_onderwijsnummer,
    mbo_bpv,
    mbo_diploma,
    mbo_inschrijving,
    mbo_keuzedeel,
    mbo_periode,
    mbo_persoon,
    module_inschrijving,
    resultaat,
    uitschrijving,
    write_csv,
    write_xml,
)
from rodcli.cli import COMPARE_RENDERERS, CompareFormat, app
from rodcli.codes import CATALOGUE
from rodcli.comparison import CompareOptions, Comparison, SideSummary, compare
from rodcli.findings import Severity, exit_code
from rodcli.render.compare_csv import neutralise, render_compare_csv
from rodcli.render.compare_json import compare_schema, render_compare_json
from rodcli.render.compare_text import render_compare_plain

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "compare"
NINE_DIGITS = re.compile(r"(?<![0-9])[0-9]{9}(?![0-9])")

A = make_bsn("41825463")
B = make_bsn("52936174")
C = make_bsn("63147286")
D = make_bsn("74258397")
ONR_A = make_onderwijsnummer("10482736")
ONR_B = make_onderwijsnummer("10593847")

runner = CliRunner(env={"COLUMNS": "250", "RODCLI_LANG": None, "RODCLI_DEBUG": None})


def rodcli(*args: object) -> Result:
    return runner.invoke(app, [str(arg) for arg in args])


def run(ours: Path, theirs: Path, **options: Any) -> Comparison:
    return compare(CompareOptions(ours=ours, theirs=theirs, **options))


def diffs(comparison: Comparison) -> list[tuple[str, str | None, int | None, str | None]]:
    """(code, file name, line, field) of every finding but notes (such as E001, the encoding
    assumed for an export), in report order."""
    return [(f.code, Path(f.location.file).name, f.location.line, f.location.field)
            for f in comparison.result.sorted_findings() if f.severity > Severity.INFO]


def codes(comparison: Comparison) -> dict[str, int]:
    """The count per code, notes left out."""
    return {code: count for code, count in sorted(comparison.result.code_counts.items())
            if CATALOGUE[code].severity > Severity.INFO}


def balanced(side: SideSummary) -> bool:
    return side.records == (side.matched + side.pgn_changed + side.only + side.duplicates
                            + side.unkeyed)


def sides(tmp_path: Path, ours: list[dict[str, object]], theirs: list[dict[str, object]],
          ours_format: str = "xml", theirs_format: str = "csv") -> tuple[Path, Path]:
    writers = {"xml": write_xml, "csv": write_csv}
    folder = tmp_path
    ours_path = writers[ours_format](folder, ours, name=f"school.{ours_format}")
    theirs_path = writers[theirs_format](folder, theirs, name=f"rod.{theirs_format}")
    return ours_path, theirs_path


# ---- agreement -------------------------------------------------------------------------------


def test_same_records_in_xml_and_csv_agree(tmp_path: Path) -> None:
    """Dates are 2024-09-01 in XML and 20240901 in CSV, studielast 7.50 vs 7.5: equal."""
    records = [inschrijving(burgerservicenummer=A), uitschrijving(burgerservicenummer=A),
               module_inschrijving(burgerservicenummer=B, studielast="7.50")]
    theirs_records = [*records[:2], module_inschrijving(burgerservicenummer=B, studielast="7.5")]
    ours, theirs = sides(tmp_path, records, theirs_records)
    comparison = run(ours, theirs)
    assert codes(comparison) == {}
    assert comparison.agree and comparison.summary.compared
    assert comparison.summary.equal == 3
    assert exit_code(comparison.result, Severity.ERROR) == 0


def test_order_of_records_does_not_matter(tmp_path: Path) -> None:
    records = [inschrijving(burgerservicenummer=n, inschrijvingvolgnummer=str(i))
               for i, n in enumerate((A, B, C, D))]
    ours, theirs = sides(tmp_path, records, list(reversed(records)))
    assert run(ours, theirs).agree


# ---- each kind of difference -----------------------------------------------------------------


def test_only_at_school_and_only_in_rod(tmp_path: Path) -> None:
    ours, theirs = sides(tmp_path,
                         [inschrijving(burgerservicenummer=A), inschrijving(burgerservicenummer=B)],
                         [inschrijving(burgerservicenummer=A), inschrijving(burgerservicenummer=C)])
    comparison = run(ours, theirs)
    assert codes(comparison) == {"C001": 1, "C002": 1}
    # XML: the second record element is on line 20; CSV: the second record on line 3
    assert diffs(comparison) == [("C002", "rod.csv", 3, None), ("C001", "school.xml", 20, None)]
    c001 = next(f for f in comparison.result.findings if f.code == "C001")
    assert c001.location.record == f"99XX/*****{B[-4:]}/1"
    assert c001.params["record_type"] == "inschrijving"
    assert comparison.summary.ours.only == comparison.summary.theirs.only == 1
    assert exit_code(comparison.result, Severity.ERROR) == 1


def test_mbo_records_match_on_duos_keys(tmp_path: Path) -> None:
    """mbo on DUO's entities: a person on its number alone, a period on its begin date, a BPV
    on its volgnummer, a diploma and its results on the resultaatvolgnummer."""
    school = [mbo_persoon(), mbo_inschrijving(), mbo_periode(),
              mbo_periode(datumBeginPeriode=date(2025, 2, 1), leertraject="BBL"),
              mbo_bpv(), mbo_diploma(), mbo_keuzedeel()]
    rod = [mbo_persoon(), mbo_inschrijving(datumUitschrijvingGepland=date(2027, 6, 30)),
           mbo_periode(), mbo_diploma(), mbo_keuzedeel(resultaatKeuzedeel="Niet behaald")]
    ours = write_xml(tmp_path, school, "mbo", name="school.xml")
    theirs = write_xml(tmp_path, rod, "mbo", name="rod.xml")
    comparison = run(ours, theirs)
    assert codes(comparison) == {"C001": 2, "C003": 2}
    found = sorted((f.code, f.params["record_type"], f.location.record or "",
                    f.location.field or "") for f in comparison.result.findings
                   if f.code in ("C001", "C003"))
    masked = f"99XX/*****{BSN[-4:]}"
    assert found == [
        ("C001", "bpv", f"{masked}/1/1", ""),
        ("C001", "inschrijvingsperiode", f"{masked}/1/2025-02-01", ""),
        ("C003", "inschrijving", f"{masked}/1", "datumUitschrijvingGepland"),
        ("C003", "keuzedeel", f"{masked}/K1", "resultaatKeuzedeel"),
    ]
    assert balanced(comparison.summary.ours) and balanced(comparison.summary.theirs)


def test_the_record_type_is_part_of_the_key(tmp_path: Path) -> None:
    ours, theirs = sides(tmp_path, [inschrijving(), uitschrijving()],
                         [inschrijving(), resultaat()])
    comparison = run(ours, theirs)
    assert codes(comparison) == {"C001": 1, "C002": 1}
    types = {f.code: f.params["record_type"] for f in comparison.result.findings}
    assert types == {"C001": "uitschrijving", "C002": "resultaat"}


def test_field_differences_side_by_side(tmp_path: Path) -> None:
    ours, theirs = sides(
        tmp_path,
        [inschrijving(burgerservicenummer=A, opleidingsvorm="DEELTIJD", vooropleiding="00201")],
        [inschrijving(burgerservicenummer=A, datumInschrijving=date(2024, 9, 2))])
    comparison = run(ours, theirs)
    assert codes(comparison) == {"C003": 3}
    found = {f.location.field: (f.params["ours"], f.params["theirs"], f.location.line,
                                f.params["other_line"]) for f in comparison.result.findings}
    assert found == {
        "datumInschrijving": ("2024-09-01", "2024-09-02", 7, "2"),
        "opleidingsvorm": ("DEELTIJD", "VOLTIJD", 7, "2"),
        "vooropleiding": ("00201", "00401", 7, "2"),
    }
    assert comparison.summary.differing == 1 and comparison.summary.field_differences == 3


def test_field_difference_message_in_both_languages(tmp_path: Path) -> None:
    ours, theirs = sides(tmp_path, [uitschrijving(redenUitschrijving="9")],
                         [uitschrijving(redenUitschrijving="4")])
    comparison = run(ours, theirs)
    text_nl = render_compare_plain(comparison, "nl")
    text_en = render_compare_plain(comparison, "en")
    assert "school: 9   ROD: 4" in text_nl
    assert "Veld verschilt" in text_nl and "Field differs" in text_en
    document = json.loads(render_compare_json(comparison, "en"))
    assert document["differences"][0]["message"] == (
        "redenUitschrijving: school '9', ROD '4' (ROD line 2)")


def test_personal_details_are_not_compared_with_a_bsn(tmp_path: Path) -> None:
    """With a BSN, ROD keeps the BRP's birth date, sex and postcode (WRO art. 9, 13)."""
    ours, theirs = sides(tmp_path, [inschrijving(burgerservicenummer=A)],
                         [inschrijving(burgerservicenummer=A, postcode="3512AB")])
    comparison = run(ours, theirs)
    assert codes(comparison) == {}  # delivered with a BSN too (BRO art. 18.1a): no finding
    assert comparison.summary.equal == 1


def test_personal_details_are_compared_with_an_onderwijsnummer(tmp_path: Path) -> None:
    student = {"burgerservicenummer": None, "onderwijsnummer": ONR_A,
               "geboortedatum": date(2004, 3, 14), "geslacht": "V"}
    ours, theirs = sides(tmp_path, [inschrijving(**student, postcode="3512AB")],
                         [inschrijving(**student, postcode="3512AC")])
    comparison = run(ours, theirs)
    assert [(f.code, f.location.field) for f in comparison.result.findings] == [
        ("C003", "postcode")]


# ---- the onderwijsnummer -> BSN change ---------------------------------------------------------


def test_onderwijsnummer_to_bsn_is_one_finding(tmp_path: Path) -> None:
    ours, theirs = sides(
        tmp_path,
        [inschrijving(burgerservicenummer=A, inschrijvingvolgnummer="2024-7")],
        [inschrijving(burgerservicenummer=None, onderwijsnummer=ONR_A,
                      inschrijvingvolgnummer="2024-7", geboortedatum=date(2004, 1, 2),
                      geslacht="M")])
    comparison = run(ours, theirs)
    assert codes(comparison) == {"C004": 1}
    finding = comparison.result.findings[0]
    assert finding.location.field == "burgerservicenummer"
    assert finding.params["ours"] == f"*****{A[-4:]}"
    assert finding.params["theirs"] == f"*****{ONR_A[-4:]}"
    assert (finding.params["ours_kind"], finding.params["theirs_kind"]) == ("BSN",
                                                                          "onderwijsnummer")
    summary = comparison.summary
    assert summary.ours.pgn_changed == summary.theirs.pgn_changed == 1
    assert summary.ours.only == summary.theirs.only == 0
    assert balanced(summary.ours) and balanced(summary.theirs)


def test_bsn_in_rod_onderwijsnummer_at_school_and_other_fields(tmp_path: Path) -> None:
    """The other direction; the pair's other fields are still compared."""
    ours, theirs = sides(
        tmp_path,
        [inschrijving(burgerservicenummer=None, onderwijsnummer=ONR_A, geslacht="V",
                      geboortedatum=date(2004, 1, 2), opleidingsvorm="DEELTIJD")],
        [inschrijving(burgerservicenummer=A)])
    comparison = run(ours, theirs)
    assert codes(comparison) == {"C003": 1, "C004": 1}
    c004 = next(f for f in comparison.result.findings if f.code == "C004")
    assert c004.location.field == "onderwijsnummer"
    assert c004.params["theirs_kind"] == "BSN"


def test_a_shared_sequence_number_is_not_taken_for_a_changed_number(tmp_path: Path) -> None:
    """Volgnummer 1 for many students: two candidates on one side is no certain pair."""
    ours, theirs = sides(
        tmp_path,
        [inschrijving(burgerservicenummer=A), inschrijving(burgerservicenummer=B)],
        [inschrijving(burgerservicenummer=None, onderwijsnummer=ONR_A,
                      geboortedatum=date(2004, 1, 2), geslacht="M")])
    comparison = run(ours, theirs)
    assert codes(comparison) == {"C001": 2, "C002": 1}


def test_two_onderwijsnummers_are_no_change_to_bsn(tmp_path: Path) -> None:
    person = {"burgerservicenummer": None, "geboortedatum": date(2004, 1, 2), "geslacht": "M"}
    ours, theirs = sides(tmp_path, [inschrijving(**person, onderwijsnummer=ONR_A)],
                         [inschrijving(**person, onderwijsnummer=ONR_B)])
    assert codes(run(ours, theirs)) == {"C001": 1, "C002": 1}


# ---- key collisions --------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["ours", "theirs"])
def test_duplicate_key_on_one_side(tmp_path: Path, side: str) -> None:
    single = [inschrijving(burgerservicenummer=A)]
    doubled = [inschrijving(burgerservicenummer=A),
               inschrijving(burgerservicenummer=A, opleidingsvorm="DEELTIJD")]
    ours_records, theirs_records = (doubled, single) if side == "ours" else (single, doubled)
    ours, theirs = sides(tmp_path, ours_records, theirs_records, "csv", "csv")
    comparison = run(ours, theirs)
    # Only the first record of the key is compared: it equals the other side.
    assert codes(comparison) == {"C005": 1}
    finding = comparison.result.findings[0]
    assert Path(finding.location.file).name == ("school.csv" if side == "ours" else "rod.csv")
    assert (finding.location.line, finding.params["other_line"]) == (3, "2")
    assert finding.params["side"] == side
    summary = getattr(comparison.summary, side)
    assert summary.duplicates == 1 and balanced(summary)


def test_duplicates_on_both_sides_and_a_triple(tmp_path: Path) -> None:
    ours, theirs = sides(tmp_path, [inschrijving(burgerservicenummer=A)] * 3,
                         [inschrijving(burgerservicenummer=A)] * 2, "csv", "csv")
    comparison = run(ours, theirs)
    assert codes(comparison) == {"C005": 3}
    assert comparison.summary.ours.duplicates == 2 and comparison.summary.theirs.duplicates == 1
    assert comparison.summary.equal == 1


# ---- records that fail their own checks -------------------------------------------------------


def test_a_record_failing_its_checks_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    """31 February in ROD's record: reported as validate does (F003), still matched by key
    (not also 'only at school'), its fields not compared."""
    ours, theirs = sides(tmp_path, [inschrijving(burgerservicenummer=A)],
                         [inschrijving(burgerservicenummer=A, datumInschrijving="20240231",
                                       opleidingsvorm="DEELTIJD")])
    comparison = run(ours, theirs)
    assert codes(comparison) == {"F003": 1}
    assert diffs(comparison) == [("F003", "rod.csv", 2, "datumInschrijving")]
    summary = comparison.summary
    assert summary.theirs.failed == 1 and summary.not_compared == 1
    assert summary.ours.matched == 1
    assert exit_code(comparison.result, Severity.ERROR) == 1
    document = json.loads(render_compare_json(comparison, "nl"))
    assert document["findings"][0]["side"] == "theirs"
    assert document["verdict"] == "agree"  # no difference found; the exit code is still 1


def test_failing_records_on_both_sides_and_without_a_key(tmp_path: Path) -> None:
    ours, theirs = sides(
        tmp_path,
        [inschrijving(burgerservicenummer=make_invalid(A)),  # F007: still has a key
         inschrijving(burgerservicenummer=B, brin=None)],  # F001 brin: no key at all
        [inschrijving(burgerservicenummer=A), inschrijving(burgerservicenummer=C,
                                                           opleidingsvorm="Voltijd")])
    comparison = run(ours, theirs)
    # the F007 record is not "not delivered yet": it cannot be delivered as it is (C010)
    assert codes(comparison) == {"C002": 2, "C010": 1, "F001": 1, "F005": 1, "F007": 1}
    summary = comparison.summary
    assert (summary.ours.failed, summary.ours.unkeyed) == (2, 1)
    assert balanced(summary.ours) and balanced(summary.theirs)


def test_unknown_record_type_has_no_key(tmp_path: Path) -> None:
    ours, theirs = sides(tmp_path, [inschrijving(), {**inschrijving(), "recordtype": "X"}],
                         [inschrijving()], "csv", "csv")
    comparison = run(ours, theirs)
    assert codes(comparison) == {"I011": 1}
    assert comparison.summary.ours.unkeyed == 1


# ---- no verdict --------------------------------------------------------------------------------


def test_missing_file_is_no_verdict(tmp_path: Path) -> None:
    ours = write_csv(tmp_path, [inschrijving()], name="school.csv")
    comparison = run(ours, tmp_path / "missing.csv")
    assert codes(comparison) == {"C007": 1, "I001": 1}
    assert not comparison.summary.compared
    assert exit_code(comparison.result, Severity.ERROR) == 2


def test_file_broken_halfway_is_no_verdict_without_false_differences(tmp_path: Path) -> None:
    ours, _ = sides(tmp_path, [inschrijving(burgerservicenummer=n, inschrijvingvolgnummer=str(i))
                               for i, n in enumerate((A, B, C))], [])
    theirs = tmp_path / "rod.xml"
    text = ours.read_text("utf-8")
    theirs.write_text(text[: text.index("</inschrijving>", text.index("</inschrijving>") + 1)],
                      encoding="utf-8")
    comparison = run(ours, theirs)
    assert set(codes(comparison)) == {"C007", "I004"}
    assert comparison.summary.theirs.complete is False
    assert exit_code(comparison.result, Severity.ERROR) == 2
    assert "Geen oordeel" in render_compare_plain(comparison, "nl")


def test_sector_of_the_other_side_must_match(tmp_path: Path) -> None:
    ours = write_xml(tmp_path, [inschrijving()], name="school.xml")
    theirs = write_xml(tmp_path, [mbo_inschrijving()], "mbo", name="rod.xml")
    comparison = run(ours, theirs)
    assert codes(comparison) == {"C007": 1, "I014": 1}
    assert exit_code(comparison.result, Severity.ERROR) == 2


def test_not_a_bulk_file_is_no_verdict(tmp_path: Path) -> None:
    ours = write_csv(tmp_path, [inschrijving()], name="school.csv")
    theirs = tmp_path / "rod.csv"
    theirs.write_text("naam;bsn\nJan;1\n", encoding="utf-8")
    assert codes(run(ours, theirs)) == {"C007": 1, "I005": 1}


# ---- exports and overviews read through a mapping ------------------------------------------

MAPPING = """\
sector = "ho"

[records]
inschrijving = "always"
uitschrijving = { filled = "Einde" }

[fields]
brin = { value = "99XX" }
burgerservicenummer = "BSN"
onderwijsnummer = "ONR"
inschrijvingvolgnummer = "Nummer"
geboortedatum = { column = "Geboren", date = "DD-MM-YYYY" }
geslacht = "Geslacht"
datumInschrijving = { column = "Start", date = "DD-MM-YYYY" }
opleidingcode = "CROHO"
opleidingsvorm = { column = "Vorm", codes = { "VT" = "VOLTIJD", "DT" = "DEELTIJD" } }
opleidingsfase = { value = "B" }
inschrijvingsvorm = { value = "S" }
vooropleiding = { value = "00401" }
datumUitschrijving = { column = "Einde", date = "DD-MM-YYYY" }
"""
EXPORT_HEADER = ["Nummer", "BSN", "ONR", "Geboren", "Geslacht", "Start", "CROHO", "Vorm",
                 "Einde"]


def export(tmp_path: Path, rows: list[list[str]], name: str = "export.csv") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(EXPORT_HEADER)
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def mapping(tmp_path: Path, text: str = MAPPING) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_export_through_a_mapping_against_a_bulk_file(tmp_path: Path) -> None:
    ours = export(tmp_path, [
        ["1", A, "", "14-03-2005", "V", "01-09-2024", "34607", "VT", ""],
        # ends: an uitschrijving too
        ["1", B, "", "14-03-2005", "V", "01-09-2024", "34607", "DT", "31-01-2025"],
        # not in ROD
        ["3", C, "", "14-03-2005", "V", "01-09-2024", "34607", "VT", ""],
    ])
    theirs = write_csv(tmp_path, [
        inschrijving(burgerservicenummer=A),
        inschrijving(burgerservicenummer=B, opleidingsvorm="DEELTIJD"),
        uitschrijving(burgerservicenummer=B, datumUitschrijving=date(2025, 1, 31)),
    ], name="rod.csv")
    comparison = run(ours, theirs, mapping=mapping(tmp_path))
    assert diffs(comparison) == [("C001", "export.csv", 4, None)]
    assert comparison.summary.ours.kind == "export"
    assert comparison.summary.ours.records == 4


def test_rod_overview_through_a_mapping(tmp_path: Path) -> None:
    ours = write_xml(tmp_path, [inschrijving(burgerservicenummer=A),
                                inschrijving(burgerservicenummer=B)], name="school.xml")
    theirs = export(tmp_path, [
        ["1", A, "", "14-03-2005", "V", "01-09-2024", "34607", "DT", ""],
        ["1", B, "", "14-03-2005", "V", "1-9-2024", "34607", "VT", ""],
    ], name="rod_overzicht.csv")
    comparison = run(ours, theirs, their_mapping=mapping(tmp_path))
    assert [(f.code, f.location.field, f.params["ours"], f.params["theirs"])
            for f in comparison.result.findings if f.severity > Severity.INFO] == [
        ("C003", "opleidingsvorm", "VOLTIJD", "DEELTIJD")]


def test_export_rows_failing_their_checks(tmp_path: Path) -> None:
    ours = export(tmp_path, [
        ["1", A, "", "14-03-2005", "V", "31-02-2024", "34607", "VT", ""],  # F003: no such date
        ["1", B, "", "14-03-2005", "V", "01-09-2024", "34607", "XX", ""],  # M007: no translation
    ])
    theirs = write_csv(tmp_path, [inschrijving(burgerservicenummer=A),
                                  inschrijving(burgerservicenummer=B)], name="rod.csv")
    comparison = run(ours, theirs, mapping=mapping(tmp_path))
    assert codes(comparison) == {"F003": 1, "M007": 1}
    assert comparison.summary.not_compared == 2


def test_rows_build_would_reject_are_rejected_not_missing(tmp_path: Path) -> None:
    """Issue 14: a row that build rejects is not "not delivered yet, deliver it" (C001) but
    C010 with its own codes; an error in one record of a row rejects the whole row, as in
    build, so its other records are not compared either. Through the CLI."""
    ours = export(tmp_path, [
        ["1", A, "", "14-03-2005", "V", "01-09-2024", "34607", "VT", ""],  # in ROD, equal
        ["2", make_invalid(B), "", "14-03-2005", "V", "01-09-2024", "34607", "VT", ""],  # F007
        ["3", C, "", "14-03-2005", "V", "01-09-2024", "34607", "XX", ""],  # M007: no translation
        # F003 in the deregistration
        ["4", D, "", "14-03-2005", "V", "01-09-2024", "34607", "VT", "31-02-2025"],
        ["5", A, "", "14-03-2005", "V", "01-09-2024", "34607", "VT", ""],  # not in ROD, fine: C001
    ])
    theirs = write_csv(tmp_path, [
        inschrijving(burgerservicenummer=A),
        inschrijving(burgerservicenummer=D, inschrijvingvolgnummer="4",
                     opleidingsvorm="DEELTIJD"),  # differs, but the row is rejected
    ], name="rod.csv")
    run_cli = rodcli("compare", ours, theirs, "--mapping", mapping(tmp_path), "--format", "json",
                     "--lang", "en")
    assert run_cli.exit_code == 1
    document = json.loads(run_cli.stdout)
    differences = [(d["code"], d["kind"], d["ours"]["line"], d["record_type"])
                   for d in document["differences"]]
    assert differences == [
        ("C001", "only_ours", 6, "inschrijving"),
        ("C010", "rejected_ours", 3, "inschrijving"),
        ("C010", "rejected_ours", 4, "inschrijving"),
        ("C010", "rejected_ours", 5, "uitschrijving"),
    ]
    assert sorted(f["code"] for f in document["findings"] if f["severity"] != "info") == [
        "F003", "F007", "M007"]
    assert document["summary"]["not_compared"] == 1  # row 4's enrolment: no C003
    assert list(Draft202012Validator(compare_schema()).iter_errors(document)) == []
    text = rodcli("compare", ours, theirs, "--mapping", mapping(tmp_path), "--lang", "en")
    assert "C010 Rejected, not in ROD (3)" in text.stdout
    assert "Fix the reported errors in the administration" in text.stdout


def test_bad_mapping_is_no_verdict(tmp_path: Path) -> None:
    ours = export(tmp_path, [["1", A, "", "14-03-2005", "V", "01-09-2024", "34607", "VT", ""]])
    theirs = write_csv(tmp_path, [inschrijving(burgerservicenummer=A)], name="rod.csv")
    broken = mapping(tmp_path, MAPPING.replace('"Geslacht"', '"Sekse"'))
    comparison = run(ours, theirs, mapping=broken)
    assert codes(comparison) == {"C007": 1, "M002": 1}
    assert exit_code(comparison.result, Severity.ERROR) == 2
    missing = run(ours, theirs, mapping=tmp_path / "none.toml")
    assert codes(missing) == {"C007": 1, "M001": 1}


def test_mapping_of_the_other_sector_is_no_verdict(tmp_path: Path) -> None:
    ours = write_xml(tmp_path, [mbo_inschrijving()], "mbo", name="school.xml")
    theirs = export(tmp_path, [["1", A, "", "14-03-2005", "V", "01-09-2024", "34607", "VT", ""]])
    comparison = run(ours, theirs, their_mapping=mapping(tmp_path))
    assert codes(comparison) == {"C007": 1, "M011": 1}


# ---- report formats and the CLI ---------------------------------------------------------------


@pytest.fixture
def differing(tmp_path: Path) -> tuple[Path, Path]:
    return sides(
        tmp_path,
        [inschrijving(burgerservicenummer=A, inschrijvingvolgnummer="2024-1",
                      onderwijseenheidcode=None),
         module_inschrijving(burgerservicenummer=B, onderwijseenheidcode="-MOD"),
         inschrijving(burgerservicenummer=C)],
        [inschrijving(burgerservicenummer=None, onderwijsnummer=ONR_A,
                      inschrijvingvolgnummer="2024-1", geboortedatum=date(2004, 1, 2),
                      geslacht="M"),
         module_inschrijving(burgerservicenummer=B, onderwijseenheidcode="-MOD-2"),
         uitschrijving(burgerservicenummer=D)])


def test_every_compare_format_has_a_renderer() -> None:
    assert set(COMPARE_RENDERERS) == set(CompareFormat)


def test_cli_exit_codes(tmp_path: Path, differing: tuple[Path, Path]) -> None:
    ours, theirs = differing
    assert rodcli("compare", ours, ours).exit_code == 0
    assert rodcli("compare", ours, theirs).exit_code == 1
    assert rodcli("compare", ours, tmp_path / "missing.xml").exit_code == 2
    assert rodcli("compare", ours, theirs, "--mapping", tmp_path / "none.toml").exit_code == 2


def test_cli_text_report(differing: tuple[Path, Path]) -> None:
    ours, theirs = differing
    run_ = rodcli("compare", ours, theirs, "--lang", "en")
    assert run_.exit_code == 1
    out = run_.stdout
    for heading in ("C001 Only at the school (1)", "C002 Only in ROD (1)",
                    "C004 Personal number changed (1)", "C003 Field differs (1)"):
        assert heading in out
    assert out.index("C001") < out.index("C002") < out.index("C004") < out.index("C003 ")
    assert "records read" in out and "School and ROD differ: 4 difference(s)." in out
    assert "onderwijseenheidcode  school: -MOD   ROD: -MOD-2" in out


def test_cli_json_report_fits_its_schema(differing: tuple[Path, Path]) -> None:
    ours, theirs = differing
    run_ = rodcli("compare", ours, theirs, "--format", "json", "-q")
    document = json.loads(run_.stdout)
    Draft202012Validator.check_schema(compare_schema())
    errors = list(Draft202012Validator(compare_schema()).iter_errors(document))
    assert not errors, errors[0].message
    assert document["verdict"] == "differ"
    assert [d["kind"] for d in document["differences"]] == [
        "only_ours", "only_theirs", "personal_number_changed", "field_differs"]
    field = document["differences"][3]
    assert (field["ours"]["value"], field["theirs"]["value"]) == ("-MOD", "-MOD-2")
    assert field["ours"]["file"] == str(ours) and field["theirs"]["file"] == str(theirs)
    assert run_.stderr == ""


def test_json_schema_fits_every_outcome(tmp_path: Path) -> None:
    """No verdict, failing records, duplicates and a cut list all fit the schema."""
    validator = Draft202012Validator(compare_schema())
    ours, theirs = sides(tmp_path, [inschrijving(burgerservicenummer=A)] * 2 + [
        inschrijving(burgerservicenummer=B, datumInschrijving="20240231")],
        [inschrijving(burgerservicenummer=B)], "csv", "csv")
    for comparison in (run(ours, theirs), run(ours, theirs, max_findings=1),
                       run(ours, tmp_path / "missing.csv")):
        document = json.loads(render_compare_json(comparison, "nl"))
        errors = list(validator.iter_errors(document))
        assert not errors, errors[0].message


def test_cli_csv_report_for_excel(tmp_path: Path, differing: tuple[Path, Path]) -> None:
    ours, theirs = differing
    report = tmp_path / "verschillen.csv"
    run_ = rodcli("compare", ours, theirs, "--format", "csv", "--output", report, "-q")
    assert run_.exit_code == 1 and run_.stdout == ""
    raw = report.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["code", "soort", "ernst"]
    assert [row[0] for row in rows[1:]] == ["C001", "C002", "C004", "C003"]
    # a Dutch report says it in Dutch: no only_ours or error (issue 14)
    assert [row[1:3] for row in rows[1:]] == [
        ["Alleen op school", "fout"], ["Alleen in ROD", "fout"],
        ["Persoonsnummer gewijzigd", "fout"], ["Veld verschilt", "fout"]]
    field_row = rows[4]
    header = rows[0]
    assert field_row[header.index("waarde school")] == "'-MOD"  # neutralised
    assert field_row[header.index("waarde ROD")] == "'-MOD-2"
    assert field_row[header.index("regel ROD")] == "3"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert b"\r\n" in raw


@pytest.mark.parametrize(("cell", "shown"), [
    ("=1+1", "'=1+1"), ("+31", "'+31"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("3512AB", "3512AB"), ("", ""), (None, ""), (7, "7"),
])
def test_formula_like_cells_are_neutralised(cell: object, shown: str) -> None:
    assert neutralise(cell) == shown


def test_output_is_atomic_and_never_an_input(tmp_path: Path,
                                             differing: tuple[Path, Path]) -> None:
    ours, theirs = differing
    before = theirs.read_bytes()
    run_ = rodcli("compare", ours, theirs, "--output", theirs)
    assert run_.exit_code == 2
    assert theirs.read_bytes() == before
    report = tmp_path / "report.txt"
    assert rodcli("compare", ours, theirs, "-o", report, "-q").exit_code == 1
    assert "C004" in report.read_text("utf-8")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_max_findings_lists_per_code_and_says_so(tmp_path: Path) -> None:
    ours, theirs = sides(tmp_path, [inschrijving(burgerservicenummer=n) for n in (A, B, C, D)]
                         + [uitschrijving(burgerservicenummer=A)], [], "csv", "csv")
    theirs.write_text(theirs.read_text("utf-8") + "", encoding="utf-8")
    comparison = run(ours, theirs, max_findings=2)
    assert comparison.result.code_counts["C001"] == 5
    assert len(comparison.result.findings) == 2 + 1  # two C001 + the I015 of the empty side
    text = render_compare_plain(comparison, "en")
    assert "C001 Only at the school (5)" in text and "… and 3 more (--max-findings)" in text
    rows = list(csv.reader(io.StringIO(render_compare_csv(comparison, "en")), delimiter=";"))
    assert rows[-1][0].startswith("List cut: 3 of 6 findings")
    assert json.loads(render_compare_json(comparison, "en"))["truncated"] is True


def test_quiet_and_summary_on_stderr(differing: tuple[Path, Path]) -> None:
    ours, theirs = differing
    loud = rodcli("compare", ours, theirs, "--format", "json")
    assert "School en ROD verschillen" in loud.stderr
    assert rodcli("compare", ours, theirs, "--format", "json", "-q").stderr == ""


def test_codes_lists_the_compare_codes() -> None:
    compare_codes = [code for code, info in CATALOGUE.items() if info.family == "compare"]
    assert compare_codes == [f"C{n:03}" for n in range(1, 17)]
    assert all(CATALOGUE[code].severity is Severity.ERROR for code in
               ("C001", "C002", "C003", "C004", "C005", "C007"))
    assert CATALOGUE["C006"].severity is Severity.WARNING
    assert CATALOGUE["C007"].no_verdict
    run_ = rodcli("codes", "C004", "--lang", "en")
    assert run_.exit_code == 0 and "Personal number changed" in run_.stdout


# ---- privacy -------------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["text", "json", "csv", "html"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_full_personal_number_in_any_output(tmp_path: Path, differing: tuple[Path, Path],
                                                output_format: str, lang: str) -> None:
    ours, theirs = differing
    # a failing BSN and a BSN used as sequence number too
    extra = write_csv(tmp_path, [inschrijving(burgerservicenummer=make_invalid(A)),
                                 inschrijving(burgerservicenummer=B, inschrijvingvolgnummer=B)],
                      name="extra.csv")
    numbers = {A, B, C, D, ONR_A, make_invalid(A)}
    for first, second in ((ours, theirs), (extra, theirs), (theirs, extra)):
        run_ = rodcli("compare", first, second, "--format", output_format, "--lang", lang)
        output = run_.stdout + run_.stderr
        assert output.strip()
        leaked = sorted(n for n in numbers if n in output)
        assert leaked == [], f"{output_format}/{lang} shows {leaked}"
        assert not NINE_DIGITS.search(output.replace(str(tmp_path), ""))


def test_the_store_holds_no_personal_number(tmp_path: Path) -> None:
    """The store keeps a keyed hash of the personal number and its masked form only."""
    from rodcli.store import OURS, RecordStore

    with RecordStore() as store:
        store.add(OURS, "99XX", "1", "inschrijving", A, True, 1, "")
        store.index()
        dump = "\n".join(store._db.iterdump())  # noqa: SLF001 - a test may look inside
        assert A not in dump and A[-4:] in dump


# ---- the shipped examples ------------------------------------------------------------------------


def expected_examples() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "expected.json").read_text("utf-8"))
    return data


def test_example_files_are_what_the_generator_writes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("compare_examples", EXAMPLES / "generate.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    generator.main(tmp_path)
    for name in ("school.xml", "rod.csv"):
        assert (tmp_path / name).read_bytes() == (EXAMPLES / name).read_bytes(), name


def test_example_files_validate_on_their_own() -> None:
    run_ = runner.invoke(app, ["validate", str(EXAMPLES / "school.xml"),
                               str(EXAMPLES / "rod.csv"), "--format", "json", "-q"])
    assert run_.exit_code == 0
    assert json.loads(run_.stdout)["counts"]["total"] == 0


def test_examples_json_reports_exactly_the_known_differences() -> None:
    run_ = rodcli("compare", EXAMPLES / "school.xml", EXAMPLES / "rod.csv", "--format", "json")
    expected = expected_examples()
    assert run_.exit_code == expected["exit"]
    document = json.loads(run_.stdout)
    found = [{"code": d["code"], "record_type": d["record_type"], "record": d["record"],
              "field": d["field"], "school_line": (d["ours"] or {}).get("line"),
              "rod_line": (d["theirs"] or {}).get("line"),
              "school": (d["ours"] or {}).get("value"), "rod": (d["theirs"] or {}).get("value")}
             for d in document["differences"]]
    assert found == expected["differences"]
    assert document["findings"] == []


def test_examples_text_reports_exactly_the_known_differences() -> None:
    run_ = rodcli("compare", EXAMPLES / "school.xml", EXAMPLES / "rod.csv", "--lang", "en")
    expected = expected_examples()["differences"]
    out = run_.stdout
    assert run_.exit_code == 1
    for code in ("C001", "C002", "C003", "C004"):
        count = sum(1 for d in expected if d["code"] == code)
        assert re.search(rf"^{code} .* \({count}\)$", out, re.MULTILINE), code
    assert "C005" not in out
    for difference in expected:
        if difference["code"] == "C003":
            assert re.search(rf"{difference['field']}\s+school: {re.escape(difference['school'])}"
                             rf"   ROD: {re.escape(difference['rod'])}", out)
        elif difference["code"] in ("C001", "C002"):
            side = "school.xml" if difference["code"] == "C001" else "rod.csv"
            line = difference["school_line"] or difference["rod_line"]
            assert f"{side}:{line}  {difference['record_type']}  {difference['record']}" in out
        else:
            assert (f"school.xml:{difference['school_line']} ↔ "
                    f"{EXAMPLES / 'rod.csv'}:{difference['rod_line']}") in out
    assert "matched: 8 = 4 equal + 4 differing (4 fields) + 0 not compared" in out


def test_examples_csv_reports_exactly_the_known_differences(tmp_path: Path) -> None:
    report = tmp_path / "verschillen.csv"
    run_ = rodcli("compare", EXAMPLES / "school.xml", EXAMPLES / "rod.csv", "--format", "csv",
                  "-o", report, "--lang", "en", "-q")
    assert run_.exit_code == 1
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    found = [{"code": row["code"], "record_type": row["record type"], "record": row["record"],
              "field": row["field"] or None,
              "school_line": int(row["school line"]) if row["school line"] else None,
              "rod_line": int(row["ROD line"]) if row["ROD line"] else None,
              "school": row["school value"] or None, "rod": row["ROD value"] or None}
             for row in rows]
    assert found == expected_examples()["differences"]


def test_rows_rejected_by_a_cross_record_rule_are_rejected_too(tmp_path: Path) -> None:
    """Issue 14, the rest of item 6: a row build rejects for a rule across records (here a
    deregistration dated before its enrolment, R002) is C010 with that code, not C001."""
    ours = export(tmp_path, [
        ["1", A, "", "14-03-2005", "V", "01-09-2024", "34607", "VT", ""],  # in ROD, equal
        ["2", B, "", "14-03-2005", "V", "01-09-2024", "34607", "VT", "01-08-2024"],  # R002
    ])
    theirs = write_csv(tmp_path, [inschrijving(burgerservicenummer=A)], name="rod.csv")
    run_cli = rodcli("compare", ours, theirs, "--mapping", mapping(tmp_path), "--format", "json",
                     "--lang", "en")
    assert run_cli.exit_code == 1
    document = json.loads(run_cli.stdout)
    differences = [(d["code"], d["ours"]["line"], d["record_type"])
                   for d in document["differences"]]
    assert differences == [("C010", 3, "inschrijving"), ("C010", 3, "uitschrijving")]
    assert [f["code"] for f in document["findings"] if f["severity"] == "error"] == ["R002"]
