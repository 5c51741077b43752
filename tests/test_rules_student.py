"""Issue 12: "afsluitend examen" on a module enrolment is valid when the same student (same
BRIN and personal number) has a full-diploma result on one of their enrolments, in the file
or in a --with delivery; no result is delivered for the module itself (DUO's page on
modules). Checked the same way record by record (a small file) and column by column."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import (
    BSN2,
    csv_text,
    inschrijving,
    module_inschrijving,
    resultaat,
    uitschrijving,
    xml_text,
)
from rodcli.bulkformat.valuelists import value_lists
from rodcli.pipeline import ValidateOptions, validate_files

# The reason that needs a full diploma, whatever the list calls it.
DIPLOMA_REASON = next(code for code, entry in value_lists()["RedenUitschrijvingHO"].codes.items()
                      if entry.full_diploma)
WAYS = {"precise": 1 << 60, "columnar": 0}


def _module_done(number: str = "2") -> list[dict[str, object]]:
    return [module_inschrijving(inschrijvingvolgnummer=number),
            uitschrijving(inschrijvingvolgnummer=number, redenUitschrijving=DIPLOMA_REASON)]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    if path.suffix == ".csv":
        path.write_text(csv_text(rows), encoding="utf-8")
    else:
        path.write_text(xml_text(rows), encoding="utf-8")
    return path


def _codes(path: Path, way: str, *with_files: Path) -> dict[str, int]:
    result = validate_files([path], ValidateOptions(max_findings=0, with_files=with_files,
                                                    columnar_from_bytes=WAYS[way]))
    return dict(result.code_counts)


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("suffix", [".csv", ".xml"])
def test_a_module_ended_by_the_diploma_of_another_enrolment_is_valid(
        tmp_path: Path, suffix: str, way: str) -> None:
    rows = [inschrijving(), resultaat(), *_module_done()]
    assert _codes(_write(tmp_path / f"bulk{suffix}", rows), way) == {}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("suffix", [".csv", ".xml"])
def test_without_any_diploma_of_the_student_it_is_r003(tmp_path: Path, suffix: str,
                                                       way: str) -> None:
    rows = [inschrijving(), *_module_done()]
    assert _codes(_write(tmp_path / f"bulk{suffix}", rows), way) == {"R003": 1}


@pytest.mark.parametrize("way", WAYS)
def test_the_diploma_of_another_student_does_not_count(tmp_path: Path, way: str) -> None:
    rows = [inschrijving(burgerservicenummer=BSN2), resultaat(burgerservicenummer=BSN2),
            inschrijving(), *_module_done()]
    assert _codes(_write(tmp_path / "bulk.csv", rows), way) == {"R003": 1}


@pytest.mark.parametrize("way", WAYS)
def test_a_diploma_delivered_before_counts(tmp_path: Path, way: str) -> None:
    earlier = _write(tmp_path / "earlier.xml", [inschrijving(), resultaat()])
    now = _write(tmp_path / "bulk.csv", [module_inschrijving(inschrijvingvolgnummer="2"),
                                         *_module_done()[1:]])
    assert _codes(now, way, earlier) == {}
    assert _codes(now, way) == {"R003": 1}


@pytest.mark.parametrize("way", WAYS)
def test_a_result_on_the_module_itself_is_still_r004(tmp_path: Path, way: str) -> None:
    rows = [*_module_done(), resultaat(inschrijvingvolgnummer="2")]
    assert _codes(_write(tmp_path / "bulk.csv", rows), way) == {"R004": 1}


@pytest.mark.parametrize("way", WAYS)
def test_an_enrolment_that_is_no_module_needs_its_own_diploma(tmp_path: Path, way: str) -> None:
    rows = [inschrijving(), resultaat(),
            inschrijving(inschrijvingvolgnummer="2"),
            uitschrijving(inschrijvingvolgnummer="2", redenUitschrijving=DIPLOMA_REASON)]
    assert _codes(_write(tmp_path / "bulk.csv", rows), way) == {"R003": 1}
