"""``rodcli compare`` of two bulk files on the column path (``rodcli.compare_fast``): every
test of test_compare.py again, with the column path taken whatever the files' size, so
both paths give the same findings, in the same order, with the same counts."""

from __future__ import annotations

import importlib
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import csv_text, xml_text
from rodcli.comparison import CompareOptions as _Options
from rodcli.comparison import Comparison as _Comparison
from rodcli.comparison import compare as _compare
from test_compare import *  # noqa: F403 (each of its tests runs here again)
from test_engine_filter import EXAMPLES, _csv_rows, records

comparison_module = importlib.import_module("rodcli.comparison")


@pytest.fixture(autouse=True)
def _columnar_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(comparison_module, "COLUMNAR_FROM_BYTES", 0)


# ---- the column path against the store, for generated records --------------------------------

def _write(path: Path, rows: list[dict[str, object]], sector: str) -> Path:
    if path.suffix == ".csv":
        path.write_text(csv_text(_csv_rows(rows)), encoding="utf-8")
    else:
        path.write_text(xml_text([{k: v for k, v in row.items() if v != ""} for row in rows],
                                 sector), encoding="utf-8")
    return path


def _shown(comparison: _Comparison) -> list[tuple[object, ...]]:
    """The findings as every report shows them: in the order of the input, and at one place
    in the order found."""
    return [(f.code, f.location, tuple(sorted(f.params.items())))
            for f in comparison.result.sorted_findings()]


def _both_paths(ours: Path, theirs: Path, chunk: int) -> None:
    """``chunk``: how many records the column path reads back at a time (a small one puts
    a pair of C004 records, or a key's repeats, on both sides of a boundary)."""
    store = _compare(_Options(ours, theirs, max_findings=0, columnar_from_bytes=1 << 60))
    compare_fast = importlib.import_module("rodcli.compare_fast")
    usual, compare_fast.CHUNK = compare_fast.CHUNK, chunk
    try:
        columnar = _compare(_Options(ours, theirs, max_findings=0, columnar_from_bytes=0))
    finally:
        compare_fast.CHUNK = usual
    assert _shown(columnar) == _shown(store)
    assert columnar.result.code_counts == store.result.code_counts
    assert asdict(columnar.summary) == asdict(store.summary)
    assert columnar.kept == store.kept


@EXAMPLES
@given(shared=st.lists(records("ho"), max_size=10), ours=st.lists(records("ho"), max_size=6),
       theirs=st.lists(records("ho"), max_size=6),
       formats=st.sampled_from([("csv", "csv"), ("csv", "xml"), ("xml", "csv"),
                                ("xml", "xml")]), chunk=st.sampled_from([1, 2, 1000]))
def test_ho_columnar_compare_equals_the_store(
        tmp_path: Path, shared: list[dict[str, object]], ours: list[dict[str, object]],
        theirs: list[dict[str, object]], formats: tuple[str, str], chunk: int) -> None:
    """Records on both sides (in either format), on one side, with keys repeated, numbers
    changed (the pools share BSNs and an onderwijsnummer), fields spoilt: both paths give
    the same findings, counts and summary."""
    _both_paths(_write(tmp_path / f"ours.{formats[0]}", [*shared, *ours], "ho"),
                _write(tmp_path / f"theirs.{formats[1]}", [*theirs, *shared[::-1]], "ho"),
                chunk)


@EXAMPLES
@given(shared=st.lists(records("mbo"), max_size=10), ours=st.lists(records("mbo"), max_size=6),
       theirs=st.lists(records("mbo"), max_size=6), chunk=st.sampled_from([1, 3, 1000]))
def test_mbo_columnar_compare_equals_the_store(
        tmp_path: Path, shared: list[dict[str, object]], ours: list[dict[str, object]],
        theirs: list[dict[str, object]], chunk: int) -> None:
    _both_paths(_write(tmp_path / "ours.xml", [*shared, *ours], "mbo"),
                _write(tmp_path / "theirs.xml", [*theirs, *shared], "mbo"), chunk)
