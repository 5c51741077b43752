"""Personal numbers never reach a report: ``mask_pgn``, ``scrub``, and every CLI output."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import (
    BSN,
    BSN2,
    ONR,
    Row,
    inschrijving,
    make_bsn,
    make_invalid,
    make_onderwijsnummer,
    module_inschrijving,
    resultaat,
    uitschrijving,
    validate,
    write_csv,
    write_xml,
    xml_text,
)
from rodcli.bulkformat.xsd import xsd_text
from rodcli.cli import app
from rodcli.findings import Location, make_finding
from rodcli.masking import mask_pgn, scrub

# ---- mask_pgn ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("111222333", "*****2333"),
        ("123456782", "*****6782"),
        ("101222331", "*****2331"),
        (" 111222333 ", "*****2333"),
        ("1112223334", "******3334"),
        ("11122233", "****2233"),
        ("12345", "*2345"),
        ("1234", "****"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_pgn(value: str, masked: str) -> None:
    assert mask_pgn(value) == masked


def test_mask_pgn_never_shows_more_than_four_characters() -> None:
    for value in (BSN, BSN2, ONR, make_bsn("22233344")):
        assert mask_pgn(value)[:-4] == "*" * 5
        assert value not in mask_pgn(value)


# ---- scrub ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("BSN 111222333.", "BSN *****2333."),
        ("111222333", "*****2333"),
        ("a111222333b", "a*****2333b"),
        ("111222333;123456782", "*****2333;*****6782"),
        ("value '111222334' fails", "value '*****2334' fails"),  # invalid ones too
        ("onderwijsnummer 101222331", "onderwijsnummer *****2331"),
        # not nine digits: left alone (dates, codes, counts)
        ("20250901", "20250901"),
        ("2025-09-01", "2025-09-01"),
        ("34607", "34607"),
        ("11122233", "11122233"),
        # inside a longer run or split by separators: masked when nine of the digits pass
        # the eleven-test (111222333 and 123456782 do), left alone otherwise
        ("1112223334", "*****23334"),
        ("line 111 222 333", "line *** **2 333"),
        ("12345678201", "*****678201"),  # BSN + "01" as sequence number
        ("12345678299XX", "*****678299XX"),  # BSN + "99XX" as BRIN
        ("1234 56 782", "**** *6 782"),
        ("123.456.782", "***.**6.782"),
        ("123-45-6782", "***-**-6782"),
        ("1234\u00a056\u00a0782", "****\u00a0*6\u00a0782"),
        ("V1234567820", "V*****67820"),
        ("1112223344", "1112223344"),  # no nine of these pass
        ("2025-09-01 12:00", "2025-09-01 12:00"),
        ("", ""),
    ],
)
def test_scrub(text: str, scrubbed: str) -> None:
    assert scrub(text) == scrubbed


def test_make_finding_scrubs_every_parameter() -> None:
    finding = make_finding("F005", Location("f.csv", 2), field="geslacht", name="geslacht",
                           value=BSN, valuelist="Geslacht-v01", expected=f"M, V, O ({BSN2})")
    assert finding.params["value"] == "*****2333"
    assert finding.params["expected"] == "M, V, O (*****6782)"
    assert BSN not in repr(finding) and BSN2 not in repr(finding)


# ---- no CLI output carries a personal number --------------------------------------------------

VALID_BSNS = [BSN, BSN2, make_bsn("22233344"), make_bsn("98765432"), make_bsn("30405061")]
VALID_ONRS = [ONR, make_onderwijsnummer("10555666"), make_onderwijsnummer("10987655")]
INVALID_BSNS = [make_invalid(BSN), make_invalid(BSN2), make_invalid(VALID_BSNS[2])]
INVALID_ONRS = [make_invalid(ONR), make_invalid(VALID_ONRS[1]), BSN2.replace("1", "2", 1)]
ALL_NUMBERS = VALID_BSNS + VALID_ONRS + INVALID_BSNS + INVALID_ONRS


def test_synthetic_numbers_are_what_they_claim() -> None:
    from stdnum.nl import bsn, onderwijsnummer

    assert all(bsn.is_valid(n) for n in VALID_BSNS)
    assert all(onderwijsnummer.is_valid(n) for n in VALID_ONRS)
    assert not any(bsn.is_valid(n) for n in INVALID_BSNS)
    assert not any(onderwijsnummer.is_valid(n) for n in INVALID_ONRS)
    assert len(set(ALL_NUMBERS)) == len(ALL_NUMBERS)


def _rows() -> list[Row]:
    """Records producing findings about (and keyed by) every number in ALL_NUMBERS."""
    b1, b2, b3, b4, b5 = VALID_BSNS
    o1, o2, o3 = VALID_ONRS
    born = {"geboortedatum": date(2005, 1, 2), "geslacht": "V"}
    return [
        # valid BSNs: duplicates (R005), no enrolment (R006/R007),
        # afsluitend examen without a result (R003), bad other fields (F002/F005/F011)
        inschrijving(burgerservicenummer=b1, postcode="1234AB", geslacht="M"),
        inschrijving(burgerservicenummer=b1),
        uitschrijving(burgerservicenummer=b2, redenUitschrijving="1"),
        resultaat(burgerservicenummer=b3, opleidingsfase="P"),
        inschrijving(burgerservicenummer=b4, brin="9XX", opleidingsvorm="FULLTIME"),
        module_inschrijving(burgerservicenummer=b5, opleidingcode="24607", studielast="7,5"),
        resultaat(burgerservicenummer=b5),
        resultaat(burgerservicenummer=b4, inschrijvingvolgnummer="9"),
        # a BSN where it does not belong: its value is shown in the message
        inschrijving(burgerservicenummer=b2, inschrijvingvolgnummer="2", geslacht=b3),
        inschrijving(burgerservicenummer=None, onderwijsnummer=o3, inschrijvingvolgnummer="3",
                     postcode=b4, **born),
        # valid onderwijsnummers: details missing (F001), both numbers (F009)
        inschrijving(burgerservicenummer=None, onderwijsnummer=o1, geboortedatum=None,
                     geslacht=None),
        inschrijving(burgerservicenummer=b3, onderwijsnummer=o2),
        uitschrijving(burgerservicenummer=None, onderwijsnummer=o2,
                      datumUitschrijving=date(2020, 1, 1)),
        # invalid numbers (F007/F008), alone and along with other errors
        *[inschrijving(burgerservicenummer=n, inschrijvingvolgnummer=str(i))
          for i, n in enumerate(INVALID_BSNS)],
        *[inschrijving(burgerservicenummer=None, onderwijsnummer=n, **born)
          for n in INVALID_ONRS],
        inschrijving(burgerservicenummer=INVALID_BSNS[0], onderwijsnummer=INVALID_ONRS[0],
                     datumInschrijving="20251131"),
        uitschrijving(burgerservicenummer=INVALID_BSNS[1]),
    ]


def _xml_with_numbers_in_odd_places(tmp_path: Path) -> Path:
    text = xml_text(_rows()[:12], header={"verzendendeInstantie": VALID_BSNS[0]})
    # an element the record does not have, holding a BSN (F004), and one out of order (X001)
    text = text.replace("<opleidingsfase>B</opleidingsfase>",
                        f"<opleidingsfase>B</opleidingsfase><bsn>{VALID_BSNS[1]}</bsn>", 1)
    path = tmp_path / "numbers.xml"
    path.write_text(text, encoding="utf-8")
    return path


def _outputs(*args: str) -> str:
    runner = CliRunner(env={"COLUMNS": "250"})
    parts = []
    for fmt in ("text", "json"):
        for lang in ("nl", "en"):
            run = runner.invoke(app, ["validate", *args, "--format", fmt, "--lang", lang,
                                      "--max-findings", "0"])
            assert run.exception is None or isinstance(run.exception, SystemExit)
            parts += [run.stdout, run.stderr]
    return "\n".join(parts)


def _assert_no_number(text: str) -> None:
    leaked = [number for number in ALL_NUMBERS if number in text]
    assert leaked == []


def test_no_personal_number_in_csv_reports(tmp_path: Path) -> None:
    path = write_csv(tmp_path, _rows())
    result = validate(path)
    codes = set(result.code_counts)
    # the file really is full of findings about these numbers
    assert {"F001", "F002", "F003", "F005", "F007", "F008", "F009", "F011", "F012", "R003",
            "R005", "R006", "R007", "R010"} <= codes
    _assert_no_number(repr(result.findings))
    output = _outputs(str(path))
    assert "*****" in output
    _assert_no_number(output)


def test_no_personal_number_in_xml_reports(tmp_path: Path) -> None:
    path = _xml_with_numbers_in_odd_places(tmp_path)
    result = validate(path)
    assert {"X001", "F004", "F005"} <= set(result.code_counts)
    _assert_no_number(repr(result.findings))
    _assert_no_number(_outputs(str(path)))


def test_no_personal_number_from_with_files(tmp_path: Path) -> None:
    earlier = write_csv(tmp_path, _rows(), name="earlier.csv")
    path = write_xml(tmp_path, _rows()[:4])
    _assert_no_number(_outputs(str(path), "--with", str(earlier)))


def test_no_personal_number_in_csv_input_findings(tmp_path: Path) -> None:
    # a row with the wrong number of columns holding a BSN, and an unknown column
    path = write_csv(tmp_path, _rows()[:3], columns=None)
    text = path.read_text(encoding="utf-8").splitlines()
    text[0] += ";opmerking"
    text[1] += f";{VALID_BSNS[4]}"
    text.append(f"inschrijving;99XX;{VALID_BSNS[3]}")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    result = validate(path)
    assert {"I008", "I010"} <= set(result.code_counts)
    _assert_no_number(_outputs(str(path)))


def test_no_personal_number_in_a_column_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [inschrijving()], columns=None)
    text = path.read_text(encoding="utf-8").splitlines()
    text[0] += f";{VALID_BSNS[4]}"
    text[1] += ";x"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    output = _outputs(str(path))
    assert "I008" in output
    _assert_no_number(output)


@pytest.mark.parametrize("kind", ["csv", "xml"])
def test_no_personal_number_in_the_record_key(tmp_path: Path, kind: str) -> None:
    # some institutions use the BSN itself as inschrijvingvolgnummer
    rows = [uitschrijving(inschrijvingvolgnummer=BSN2)]
    path = write_csv(tmp_path, rows) if kind == "csv" else write_xml(tmp_path, rows)
    (finding,) = validate(path).findings
    assert finding.location.record == "99XX/*****2333/*****6782"
    _assert_no_number(_outputs(str(path)))


@pytest.mark.parametrize("typo", ["11122233", "1112223334"])
def test_no_mistyped_personal_number_with_own_schema(tmp_path: Path, typo: str) -> None:
    schema = tmp_path / "own.xsd"
    schema.write_text(xsd_text("ho"), encoding="utf-8")
    path = write_xml(tmp_path, [inschrijving(burgerservicenummer=typo)])
    output = _outputs(str(path), "--schema", str(schema))
    assert "F002" in output
    assert typo not in output
