"""``rodcli compare`` of two bulk files on the column path (``rodcli.compare_fast``): every
test of test_compare.py again, with the column path taken whatever the files' size, so
both paths give the same findings, in the same order, with the same counts."""

from __future__ import annotations

import importlib

import pytest
from test_compare import *  # noqa: F403 (each of its tests runs here again)

comparison_module = importlib.import_module("rodcli.comparison")


@pytest.fixture(autouse=True)
def _columnar_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(comparison_module, "COLUMNAR_FROM_BYTES", 0)
