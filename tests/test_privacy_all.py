"""No personal number leaves rodcli unmasked (issue 7), except in the bulk file and the
rejects file, which must carry them in full.

Every command (validate, build, init, codes, schema, compare) runs in every output format,
to stdout and to a report file, over inputs full of BSNs and onderwijsnummers: valid ones,
ones that fail the eleven-test, numbers in the wrong field (sequence number, postcode, CROHO
code, date, BRIN, code lists, record type), as a column name, as an element name, as an
XLSX sheet name, duplicated, and mistyped with 8 or 10 digits in a personal-number field.
Everything the run wrote (stdout, stderr, report files, any stray file) is searched for
every one of those numbers. ``--debug`` and ``RODCLI_DEBUG=1`` obey the same rule.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import typer.main
from typer.testing import CliRunner

from conftest import (
    csv_text,
    inschrijving,
    make_bsn,
    make_invalid,
    make_onderwijsnummer,
    mbo_bpv,
    mbo_diploma,
    mbo_inschrijving,
    mbo_periode,
    module_inschrijving,
    resultaat,
    uitschrijving,
    xml_text,
)
from rodcli import cli
from rodcli.cli import app
from test_hostile_xml import time_limit


def _numbers(make: Callable[[str], str], start: int, count: int) -> Iterator[str]:
    prefix = start
    made = 0
    while made < count:
        prefix += 1
        try:
            yield make(f"{prefix:08d}")
        except ValueError:
            continue
        made += 1


BSNS = list(_numbers(make_bsn, 31_415_926, 30))
ONRS = list(_numbers(make_onderwijsnummer, 10_271_828, 8))
WRONG = [make_invalid(number) for number in BSNS[20:24]] + [make_invalid(ONRS[6])]
SHORT, LONG = "27182818", "3141592653"  # mistyped personal numbers (8 and 10 digits)
# Numbers hidden in other shapes (issue 16): a BSN + "01" as sequence number, a BSN + "99XX"
# as BRIN, "1234 56 789" or "123.456.789" in a postcode, a fase or a coded column.
HIDDEN = list(_numbers(make_bsn, 27_182_900, 8))
NINE_DIGIT = [*BSNS, *ONRS, *WRONG, *HIDDEN]
EVERY_NUMBER = [*NINE_DIGIT, SHORT, LONG]


def test_numbers_are_distinct_and_not_inside_each_other() -> None:
    assert len(set(EVERY_NUMBER)) == len(EVERY_NUMBER)
    for number in EVERY_NUMBER:
        assert not [other for other in EVERY_NUMBER if other != number and number in other]


B, N, W, H = BSNS, ONRS, WRONG, HIDDEN  # short names for the rows below (N: onderwijsnummers)


def spaced(number: str) -> str:
    return f"{number[:4]} {number[4:6]} {number[6:]}"


def dotted(number: str) -> str:
    return f"{number[:3]}.{number[3:6]}.{number[6:]}"


def ho_rows() -> list[dict[str, object]]:
    without_bsn = {"burgerservicenummer": None, "geboortedatum": date(2004, 3, 14),
                   "geslacht": "V"}
    return [
        inschrijving(burgerservicenummer=B[0], inschrijvingvolgnummer="1"),
        inschrijving(burgerservicenummer=B[0], inschrijvingvolgnummer="1"),  # duplicate key
        inschrijving(burgerservicenummer=B[1], inschrijvingvolgnummer=B[2]),  # BSN as key
        inschrijving(burgerservicenummer=W[0], inschrijvingvolgnummer="2"),  # eleven-test
        inschrijving(**without_bsn, onderwijsnummer=N[0], inschrijvingvolgnummer="3"),
        inschrijving(**without_bsn, onderwijsnummer=W[4], inschrijvingvolgnummer="3b"),
        inschrijving(burgerservicenummer=B[3], onderwijsnummer=N[1], inschrijvingvolgnummer="4"),
        inschrijving(burgerservicenummer=N[2], inschrijvingvolgnummer="5"),  # ONR as BSN
        inschrijving(burgerservicenummer=B[4], postcode=B[5], inschrijvingvolgnummer="6"),
        inschrijving(burgerservicenummer=B[6], opleidingcode=B[7], inschrijvingvolgnummer="7"),
        inschrijving(burgerservicenummer=B[8], brin=B[9], inschrijvingvolgnummer="8"),
        inschrijving(burgerservicenummer=B[10], datumInschrijving=B[11],
                     inschrijvingvolgnummer="9"),
        inschrijving(burgerservicenummer=B[12], vooropleiding=B[13], inschrijvingvolgnummer="10"),
        inschrijving(burgerservicenummer=B[14], opleidingsfase=B[15], inschrijvingvolgnummer="11"),
        inschrijving(burgerservicenummer=SHORT, inschrijvingvolgnummer="12"),
        inschrijving(burgerservicenummer=LONG, inschrijvingvolgnummer="13"),
        inschrijving(burgerservicenummer=B[16], recordtype=B[17], inschrijvingvolgnummer="14"),
        uitschrijving(burgerservicenummer=B[18], redenUitschrijving=B[19],
                      inschrijvingvolgnummer="15"),
        resultaat(burgerservicenummer=W[1], inschrijvingvolgnummer="16"),
        module_inschrijving(burgerservicenummer=W[2], studielast=B[20],
                            inschrijvingvolgnummer="17"),
        module_inschrijving(burgerservicenummer=B[21], onderwijseenheidcode=B[22],
                            inschrijvingvolgnummer=B[23]),
        # numbers hidden in other shapes, in records with an error (so their key is shown)
        inschrijving(burgerservicenummer=H[0], inschrijvingvolgnummer=H[0] + "01",
                     opleidingsvorm="FULLTIME"),
        inschrijving(burgerservicenummer=B[0], brin=H[1] + "99XX", inschrijvingvolgnummer="18"),
        inschrijving(burgerservicenummer=B[0], postcode=spaced(H[2]), inschrijvingvolgnummer="19"),
        inschrijving(burgerservicenummer=B[0], opleidingsfase=dotted(H[3]),
                     inschrijvingvolgnummer="20"),
    ]


def mbo_rows() -> list[dict[str, object]]:
    return [
        mbo_inschrijving(burgerservicenummer=B[24], inschrijvingvolgnummer="1"),
        mbo_periode(burgerservicenummer=W[3], onderwijslocatie=B[25],
                    inschrijvingvolgnummer="2"),
        mbo_inschrijving(burgerservicenummer=B[26], redenUitschrijving=B[27]),
        mbo_diploma(burgerservicenummer=B[28], opleidingcodeDiploma=B[29]),
        mbo_inschrijving(burgerservicenummer=LONG, inschrijvingvolgnummer="3"),
        # nine digits that are no personal number are masked too (a leerbedrijf id)
        mbo_bpv(burgerservicenummer=B[24], inschrijvingvolgnummer=B[25]),
    ]


EXPORT_COLUMNS = ["BSN", "ONR", "Nummer", "Start", "CROHO", "Vorm", "Opmerking", B[1]]
MAPPING = """\
sector = "ho"

[records]
inschrijving = "always"

[fields]
brin = { value = "99XX" }
burgerservicenummer = "BSN"
onderwijsnummer = "ONR"
inschrijvingvolgnummer = "Nummer"
datumInschrijving = { column = "Start", date = "YYYY-MM-DD" }
opleidingcode = "CROHO"
opleidingsvorm = { column = "Vorm", codes = { "VT" = "VOLTIJD", "DT" = "DEELTIJD" } }
opleidingsfase = { value = "B" }
inschrijvingsvorm = { value = "S" }
vooropleiding = { value = "00401" }
geboortedatum = { value = "2004-03-14" }
geslacht = { value = "V" }
"""


def export_rows() -> list[list[str]]:
    """Rows of the administration export (columns EXPORT_COLUMNS)."""
    return [
        [B[0], "", "1", "2024-09-01", "34607", "VT", B[1], B[2]],  # a good row
        [B[0], "", "1", "2024-09-01", "34607", "VT", "", ""],  # duplicate key
        [B[3], "", B[4], "2024-09-01", "34607", "DT", "", ""],  # BSN as sequence number
        [W[0], "", "2", "2024-09-01", "34607", "VT", "", ""],  # eleven-test
        ["", N[0], "3", "2024-09-01", "34607", "VT", "", ""],
        [B[5], N[1], "4", "2024-09-01", "34607", "VT", "", ""],  # both
        [N[2], "", "5", "2024-09-01", "34607", "VT", "", ""],  # ONR as BSN
        [B[6], "", "6", B[7], "34607", "VT", "", ""],  # BSN as date
        [B[8], "", "7", "2024-09-01", B[9], "VT", "", ""],  # BSN as CROHO
        [B[10], "", "8", "2024-09-01", "34607", B[11], "", ""],  # BSN as unmapped code
        [SHORT, "", "9", "2024-09-01", "34607", "VT", "", ""],
        [LONG, "", "10", "2024-09-01", "34607", "VT", "", ""],
        ["", W[4], "11", "2024-09-01", "34607", "VT", "", B[12]],
        [B[13], "", "12", "2024-09-01", "34607", "VT", "", "", B[14]],  # a cell too many
        [H[4], "", H[4] + "01", "2024-09-01", "34607", "VT", "", ""],  # BSN + 01 as number
        [B[0], "", "13", "2024-09-01", "34607", spaced(H[5]), "", ""],  # in a coded column
        [B[0], "", "14", "2024-09-01", dotted(H[6]), "VT", "", ""],
        [B[0], "", "15", "2024-09-01", H[7] + "99", "VT", "", ""],
    ]


def _csv(rows: list[list[str]], header: list[str] | None) -> str:
    lines = [";".join(header)] if header is not None else []
    lines += [";".join(row) for row in rows]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("privacy")
    paths = {
        "ho.csv": csv_text(ho_rows(), columns=[*csv_text([]).split("\n")[0].split(";"), B[0]]),
        "ho.xml": xml_text([*ho_rows(), inschrijving(**{f"x{B[1]}": "1"})]),
        "mbo.xml": xml_text(mbo_rows(), sector="mbo"),
        "theirs.csv": csv_text([inschrijving(burgerservicenummer=B[0], inschrijvingvolgnummer="1",
                                             opleidingcode="34479"),
                                inschrijving(burgerservicenummer=B[1], inschrijvingvolgnummer=B[2],
                                             opleidingsvorm="DEELTIJD"),
                                inschrijving(burgerservicenummer=B[29], inschrijvingvolgnummer="1"),
                                inschrijving(burgerservicenummer=None, onderwijsnummer=N[3],
                                             geboortedatum=date(2004, 3, 14), geslacht="V",
                                             inschrijvingvolgnummer="3")]),
        "export.csv": _csv(export_rows(), EXPORT_COLUMNS),
        "headerless.csv": _csv([[B[0], "2025-1", "2024-09-01", "34607", "Jansen"],
                                [B[1], "2025-2", "2024-09-01", "34479", "Pietersen"]], None),
        "plain-export.csv": _csv([[B[0], "", "1", "2024-09-01", "34607", "VT", B[1]],
                                  [W[0], "", B[2], "2024-09-01", "34607", "DT", ""],
                                  ["", N[0], "3", "2024-09-01", "34607", "VT", SHORT],
                                  [LONG, "", "4", "2024-09-01", "34607", "VT", ""]],
                                 EXPORT_COLUMNS[:-1]),
        "mapping.toml": MAPPING,
    }
    made: dict[str, Path] = {}
    for name, text in paths.items():
        made[name] = folder / name
        made[name].write_text(text, encoding="utf-8")
    for name, title in (("export.xlsx", "Export"), ("named-sheet.xlsx", f"Klas {B[15]}")):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = title  # the second one named after a student
        sheet.append(EXPORT_COLUMNS)
        for row in export_rows():
            sheet.append(row)
        made[name] = folder / name
        workbook.save(made[name])
    return made



@pytest.fixture(autouse=True)
def _bounded() -> Iterator[None]:
    """In-process runs are bounded too (subprocess runs carry their own time limit)."""
    with time_limit(60):
        yield

# ---- running and searching --------------------------------------------------------------------

runner = CliRunner(env={"COLUMNS": "200", "RODCLI_LANG": None, "RODCLI_DEBUG": None})
FORMATS = ["text", "json", "junit", "sarif", "github", "html"]


def leaked(text: str) -> list[str]:
    return [number for number in EVERY_NUMBER
            if number in text or (len(number) == 9 and (spaced(number) in text
                                                       or dotted(number) in text))]


def run_and_search(args: list[object], folder: Path, allowed: set[Path]) -> tuple[int, dict]:
    """Run ``rodcli ARGS`` in-process; every text it produced, by where it went."""
    before = {path for path in folder.rglob("*") if path.is_file()}
    result = runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)
    texts = {"stdout": result.stdout, "stderr": result.stderr}
    for path in folder.rglob("*"):
        if path.is_file() and path not in before and path not in allowed:
            texts[path.name] = path.read_text(encoding="utf-8", errors="replace")
    found = {where: leaked(text) for where, text in texts.items() if leaked(text)}
    return result.exit_code, found


def out_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


# ---- validate -----------------------------------------------------------------------------------


@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "report-file"])
@pytest.mark.parametrize("output_format", FORMATS)
def test_validate_masks_every_number(inputs: dict[str, Path], tmp_path: Path,
                                     output_format: str, to_file: bool) -> None:
    out = out_folder(tmp_path)
    args: list[object] = ["validate", inputs["ho.csv"], inputs["ho.xml"], inputs["mbo.xml"],
                          "--with", inputs["theirs.csv"], "--format", output_format,
                          "--max-findings", "0"]
    if to_file:
        args += ["-o", out / f"report.{output_format}"]
    code, found = run_and_search(args, out, set())
    assert code == 1
    assert found == {}


# ---- build --------------------------------------------------------------------------------------


@pytest.mark.parametrize("export", ["export.csv", "export.xlsx"])
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "report-file"])
@pytest.mark.parametrize("output_format", FORMATS)
def test_build_masks_every_number_outside_bulk_and_rejects(
    inputs: dict[str, Path], tmp_path: Path, output_format: str, to_file: bool, export: str
) -> None:
    out = out_folder(tmp_path)
    bulk, rejects = out / "bulk.xml", out / "rejects.csv"
    args: list[object] = ["build", inputs[export], "-m", inputs["mapping.toml"], "--sector",
                          "ho", "-o", bulk, "--rejects", rejects, "--report-format",
                          output_format, "--max-findings", "0"]
    if to_file:
        args += ["--report", out / f"report.{output_format}"]
    code, found = run_and_search(args, out, {bulk, rejects})
    assert code == 1
    assert found == {}, found
    # ... and the two files that must carry them in full do:
    assert B[0] in bulk.read_text(encoding="utf-8")
    assert W[0] in rejects.read_text(encoding="utf-8-sig")


def test_build_json_summary_masks_the_sheet_name(inputs: dict[str, Path], tmp_path: Path) -> None:
    out = out_folder(tmp_path)
    bulk, rejects = out / "bulk.xml", out / "rejects.csv"
    code, found = run_and_search(
        ["build", inputs["named-sheet.xlsx"], "-m", inputs["mapping.toml"], "--sector", "ho",
         "-o", bulk, "--rejects", rejects, "--report-format", "json"], out, {bulk, rejects})
    assert found == {}, found


@pytest.mark.parametrize("sheet", ["missing", "csv-format"])
def test_build_other_paths_mask_every_number(inputs: dict[str, Path], tmp_path: Path,
                                             sheet: str) -> None:
    """A --sheet named after a student that does not exist (E006), and a CSV bulk file."""
    out = out_folder(tmp_path)
    bulk, rejects = out / "bulk.csv", out / "rejects.csv"
    if sheet == "missing":
        args: list[object] = ["build", inputs["export.xlsx"], "-m", inputs["mapping.toml"],
                              "--sector", "ho", "-o", bulk, "--sheet", f"Klas {B[16]}"]
    else:
        args = ["build", inputs["export.csv"], "-m", inputs["mapping.toml"], "--sector", "ho",
                "--format", "csv", "-o", bulk, "--rejects", rejects]
    for output_format in FORMATS:
        code, found = run_and_search([*args, "--report-format", output_format], out,
                                     {bulk, rejects})
        assert code in (1, 2)
        assert found == {}, (output_format, found)


# ---- init ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("export", ["plain-export.csv", "export.xlsx"])
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "mapping-file"])
def test_init_masks_every_number(inputs: dict[str, Path], tmp_path: Path, export: str,
                                 to_file: bool) -> None:
    """The drafted mapping names columns and guesses code translations from sample rows;
    the personal numbers in those rows must not end up in a file meant for git. (A sheet
    named after a student is the one number init must write: the mapping names its sheet.)"""
    out = out_folder(tmp_path)
    args: list[object] = ["init", inputs[export], "--sector", "ho"]
    if to_file:
        args += ["-o", out / "mapping.toml"]
    if export == "export.xlsx":  # the adversarial rows, but not their two comments (below)
        args += ["--sheet", "Export"]
    code, found = run_and_search(args, out, set())
    assert code == 0
    if export == "export.xlsx":
        found = {where: [n for n in numbers if n not in (B[1], B[11])]
                 for where, numbers in found.items()}
        found = {where: numbers for where, numbers in found.items() if numbers}
    assert found == {}, found


def test_init_comments_mask_every_number(inputs: dict[str, Path], tmp_path: Path) -> None:
    out = out_folder(tmp_path)
    code, found = run_and_search(["init", inputs["export.csv"], "--sector", "ho"], out, set())
    assert code == 0
    assert found == {}, found


def test_init_on_headerless_export_masks_every_number(inputs: dict[str, Path],
                                                      tmp_path: Path) -> None:
    out = out_folder(tmp_path)
    code, found = run_and_search(["init", inputs["headerless.csv"], "--sector", "ho"], out,
                                 set())
    assert found == {}, found


# ---- codes, schema ------------------------------------------------------------------------------


def test_codes_does_not_echo_a_number(tmp_path: Path) -> None:
    """Before: 'rodcli codes <BSN>' echoed the number in 'Unknown code'."""
    for number, given in enumerate((B[0], spaced(H[0]), H[1] + "01")):
        (tmp_path / str(number)).mkdir()
        code, found = run_and_search(["codes", given], out_folder(tmp_path / str(number)),
                                     set())
        assert code == 2
        assert found == {}


@pytest.mark.parametrize("args", [["codes"], ["codes", "F009"], ["schema"],
                                  ["schema", "--sector", "mbo"], ["schema", "--xsd", "ho"]])
def test_codes_and_schema_print_no_number(tmp_path: Path, args: list[str]) -> None:
    code, found = run_and_search(list(args), out_folder(tmp_path), set())
    assert code == 0
    assert found == {}


# ---- compare ------------------------------------------------------------------------------------


def _has_compare() -> bool:
    return "compare" in typer.main.get_command(app).commands  # type: ignore[attr-defined]


@pytest.mark.parametrize("ours", ["bulk", "export"])
@pytest.mark.parametrize("to_file", [False, True], ids=["stdout", "report-file"])
@pytest.mark.parametrize("output_format", ["text", "json", "csv", "html"])
def test_compare_masks_every_number(inputs: dict[str, Path], tmp_path: Path,
                                    output_format: str, to_file: bool, ours: str) -> None:
    if not _has_compare():
        pytest.skip("no compare command yet")
    out = out_folder(tmp_path)
    args: list[object] = ["compare"]
    if ours == "bulk":
        args += [inputs["ho.csv"], inputs["theirs.csv"]]
    else:
        args += [inputs["export.csv"], inputs["theirs.csv"], "-m", inputs["mapping.toml"]]
    args += ["--format", output_format, "--max-findings", "0"]
    if to_file:
        args += ["-o", out / f"compare.{output_format}"]
    code, found = run_and_search(args, out, set())
    assert code == 1
    assert found == {}, found


# ---- --debug and RODCLI_DEBUG -------------------------------------------------------------------


def _internal_error(*args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"no record for {B[0]} (onderwijsnummer {N[0]}, typed {W[0]})")


@pytest.mark.parametrize("how", ["--debug", "RODCLI_DEBUG=1", "no-debug"])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_internal_error_report_masks_every_number(
    inputs: dict[str, Path], tmp_path: Path, how: str, command: str,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug whose exception message holds personal numbers (say, a KeyError on a record
    key): the traceback --debug prints is a log like any other."""
    monkeypatch.setattr("rodcli.pipeline.validate_files", _internal_error)
    monkeypatch.setattr("rodcli.builder.build", _internal_error)
    argv: list[object] = (["validate", inputs["ho.csv"]] if command == "validate" else
                          ["build", inputs["export.csv"], "-m", inputs["mapping.toml"],
                           "--sector", "ho", "-o", tmp_path / "bulk.xml"])
    if how == "--debug":
        argv.append("--debug")
    monkeypatch.setattr(sys, "argv", ["rodcli", *map(str, argv)])
    monkeypatch.delenv("RODCLI_DEBUG", raising=False)
    if how == "RODCLI_DEBUG=1":
        monkeypatch.setenv("RODCLI_DEBUG", "1")
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    out, err = capsys.readouterr()
    assert stopped.value.code == 2
    assert "internal error" in err
    if how != "no-debug":
        assert "Traceback" in err  # the traceback is shown...
    assert leaked(out + err) == []  # ... with every number masked
