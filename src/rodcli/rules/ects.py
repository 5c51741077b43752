"""R013: a module's study load above 240 ECTS or not a multiple of 0.5 is most likely a typo.

The field itself takes any number above 0 with one decimal (7.5-point modules are common);
this is a warning, since no DUO text forbids other values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rodcli.bulkformat.models import HoModuleInschrijving
from rodcli.bulkformat.types import ECTS_MAX, ECTS_STEP
from rodcli.findings import Finding, make_finding
from rodcli.records import CheckedRecord


class UnusualStudyLoad:
    codes: ClassVar[tuple[str, ...]] = ("R013",)

    def check(self, record: CheckedRecord) -> Iterator[Finding]:
        model = record.model
        if not isinstance(model, HoModuleInschrijving):
            return
        load = model.studielast
        if load > ECTS_MAX or load % ECTS_STEP:
            yield make_finding("R013", record.at("studielast"), value=format(load, "f"))
