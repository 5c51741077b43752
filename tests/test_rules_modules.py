"""One enrolment per module (issue 12): R014 for the same student enrolled twice for one
module in overlapping periods, R030 for a module enrolment whose module changed since it was
delivered (validate --with, build --since: the row is rejected, not delivered again).

Every personal number here is synthetic (eleven-test arithmetic, belongs to nobody).
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import BSN, BSN2, csv_text
from rodcli.cli import app

runner = CliRunner(env={"COLUMNS": "250", "RODCLI_LANG": None, "RODCLI_DEBUG": None})


def module(number: str, start: date, unit: str | None = "ICT-DATA-01", *, bsn: str = BSN,
           code: str = "34479") -> dict[str, object]:
    row: dict[str, object] = {
        "recordtype": "moduleInschrijving", "brin": "99XX", "burgerservicenummer": bsn,
        "inschrijvingvolgnummer": number, "geboortedatum": date(1990, 3, 14),
        "geslacht": "V", "datumInschrijving": start, "opleidingcode": code,
        "opleidingsvorm": "DEELTIJD", "inschrijvingsvorm": "S", "studielast": "7.5"}
    if unit is not None:
        row["onderwijseenheidcode"] = unit
    return row


def ended(number: str, day: date, bsn: str = BSN) -> dict[str, object]:
    return {"recordtype": "uitschrijving", "brin": "99XX", "burgerservicenummer": bsn,
            "inschrijvingvolgnummer": number, "datumUitschrijving": day}


def findings(tmp_path: Path, rows: list[dict[str, object]],
             delivered: list[dict[str, object]] | None = None) -> list[dict[str, Any]]:
    bulk = tmp_path / "bulk.csv"
    bulk.write_text(csv_text(rows), encoding="utf-8")
    args = ["validate", str(bulk), "--format", "json", "--lang", "en"]
    if delivered is not None:
        earlier = tmp_path / "earlier.csv"
        earlier.write_text(csv_text(delivered), encoding="utf-8")
        args += ["--with", str(earlier)]
    run = runner.invoke(app, args)
    document = json.loads(run.stdout)
    return [f for f in document["findings"] if f["code"] in ("R014", "R030")]


def test_overlapping_enrolments_for_one_module_are_r014_once_on_the_later(
        tmp_path: Path) -> None:
    found = findings(tmp_path, [module("M1", date(2025, 9, 1)),
                                module("M2", date(2026, 2, 2))])
    assert [(f["code"], f["location"]["line"], f["location"]["field"]) for f in found] == [
        ("R014", 3, "onderwijseenheidcode")]
    assert "inschrijvingvolgnummer M1 (line 2)" in found[0]["message"]
    assert found[0]["severity"] == "error"


@pytest.mark.parametrize(("rows", "why"), [
    ([module("M1", date(2025, 2, 3)), ended("M1", date(2025, 6, 30)),
      module("M2", date(2025, 7, 1))], "taken again the day after the first ended"),
    ([module("M1", date(2025, 9, 1)), module("M2", date(2025, 9, 1), "ICT-SEC-02")],
     "two modules at once"),
    ([module("M1", date(2025, 9, 1)), module("M2", date(2025, 9, 1), code="39205")],
     "the same unit code in another programme"),
    ([module("M1", date(2025, 9, 1), None), module("M2", date(2025, 10, 1), None)],
     "no onderwijseenheidcode: the modules cannot be told apart"),
    ([module("M1", date(2025, 9, 1)), module("M2", date(2025, 9, 1), bsn=BSN2)],
     "two students"),
])
def test_what_is_not_an_overlap(tmp_path: Path, rows: list[dict[str, object]],
                                why: str) -> None:
    assert findings(tmp_path, rows) == [], why


def test_ending_on_the_day_the_next_starts_overlaps(tmp_path: Path) -> None:
    """The deregistration date is the enrolment's last day (BRO art. 5.1c)."""
    found = findings(tmp_path, [module("M1", date(2025, 2, 3)), ended("M1", date(2025, 7, 1)),
                                module("M2", date(2025, 7, 1))])
    assert [f["code"] for f in found] == ["R014"]


def test_overlap_with_an_earlier_delivery_names_it(tmp_path: Path) -> None:
    found = findings(tmp_path, [module("M2", date(2025, 10, 1))],
                     delivered=[module("M1", date(2025, 9, 1))])
    assert [f["code"] for f in found] == ["R014"]
    assert "line 2 of a --with file" in found[0]["message"]


def test_a_delivered_module_delivered_again_is_not_an_overlap(tmp_path: Path) -> None:
    found = findings(tmp_path, [module("M1", date(2025, 9, 1)), ended("M1", date(2026, 1, 31))],
                     delivered=[module("M1", date(2025, 9, 1))])
    assert found == []


@pytest.mark.parametrize(("now", "field", "words"), [
    (module("M1", date(2025, 9, 1), "ICT-DATA-02"), "onderwijseenheidcode",
     "'ICT-DATA-01' and now says 'ICT-DATA-02'"),
    (module("M1", date(2025, 9, 1), code="39205"), "opleidingcode",
     "'34479' and now says '39205'"),
    (module("M1", date(2025, 9, 1), None), "onderwijseenheidcode",
     "'ICT-DATA-01' and now says ''"),
])
def test_module_changed_since_delivery_is_r030(tmp_path: Path, now: dict[str, object],
                                               field: str, words: str) -> None:
    found = findings(tmp_path, [now], delivered=[module("M1", date(2025, 9, 1))])
    assert [(f["code"], f["location"]["field"]) for f in found] == [("R030", field)]
    assert words in found[0]["message"]


MAPPING = """\
sector = "ho"

[records]
moduleInschrijving = "always"
uitschrijving = { filled = "Einde" }

[fields]
brin = { value = "99XX" }
burgerservicenummer = "BSN"
inschrijvingvolgnummer = "Nummer"
geboortedatum = { column = "Geboren", date = "DD-MM-YYYY" }
geslacht = { value = "V" }
datumInschrijving = { column = "Start", date = "DD-MM-YYYY" }
opleidingcode = { value = "34479" }
onderwijseenheidcode = "Module"
opleidingsvorm = { value = "DEELTIJD" }
inschrijvingsvorm = { value = "S" }
studielast = "ECTS"
datumUitschrijving = { column = "Einde", date = "DD-MM-YYYY" }
"""


def write_export(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Nummer", "BSN", "Geboren", "Start", "Module", "ECTS", "Einde"])
        writer.writerows(rows)


def build(tmp_path: Path, export: Path, output: str, *extra: str) -> tuple[int, dict[str, Any]]:
    run = runner.invoke(app, ["build", str(export), "--mapping", str(tmp_path / "map.toml"),
                              "--sector", "ho", "--format", "csv", "-o",
                              str(tmp_path / output), "--rejects",
                              str(tmp_path / f"{output}.rejects.csv"), "--report-format",
                              "json", "--lang", "en", *extra])
    return run.exit_code, json.loads(run.stdout)


def test_build_since_rejects_a_row_whose_module_changed(tmp_path: Path) -> None:
    (tmp_path / "map.toml").write_text(MAPPING, encoding="utf-8")
    first = [["M1", BSN, "14-03-1990", "01-09-2025", "ICT-DATA-01", "7.5", ""],
             ["M2", BSN2, "14-03-1990", "01-09-2025", "ICT-SEC-02", "15", ""]]
    write_export(tmp_path / "first.csv", first)
    code, _ = build(tmp_path, tmp_path / "first.csv", "first_bulk.csv")
    assert code == 0
    changed = [["M1", BSN, "14-03-1990", "01-09-2025", "ICT-DATA-09", "7.5", ""],
               ["M2", BSN2, "14-03-1990", "01-09-2025", "ICT-SEC-02", "15", "31-01-2026"]]
    write_export(tmp_path / "now.csv", changed)
    code, report = build(tmp_path, tmp_path / "now.csv", "delta.csv", "--since",
                         str(tmp_path / "first_bulk.csv"))
    assert code == 1
    r030 = [f for f in report["findings"] if f["code"] == "R030"]
    assert [(f["location"]["line"], f["location"]["field"]) for f in r030] == [
        (2, "onderwijseenheidcode")]
    # The changed module is not delivered again under its old number: its row is rejected;
    # the other row's deregistration is the delta.
    delta = (tmp_path / "delta.csv").read_text("utf-8")
    assert "ICT-DATA-09" not in delta
    assert "uitschrijving" in delta
    rejects = (tmp_path / "delta.csv.rejects.csv").read_text("utf-8-sig")
    assert "ICT-DATA-09" in rejects and "R030" in rejects
