"""R008/R009: personal details only without a BSN, and then birth date and sex are needed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from rodcli.bulkformat.models import _Enrolment
from rodcli.findings import Finding, make_finding
from rodcli.records import CheckedRecord

PERSONAL_FIELDS = ("geboortedatum", "geslacht", "postcode")
REQUIRED_WITHOUT_BSN = ("geboortedatum", "geslacht")


class PersonalDetails:
    codes: ClassVar[tuple[str, ...]] = ("R008", "R009")

    def check(self, record: CheckedRecord) -> Iterator[Finding]:
        model = record.model
        if not isinstance(model, _Enrolment):
            return
        if model.burgerservicenummer:
            for name in PERSONAL_FIELDS:
                if getattr(model, name) is not None:
                    yield make_finding("R008", record.at(name), field=name)
        else:
            for name in REQUIRED_WITHOUT_BSN:
                if getattr(model, name) is None:
                    yield make_finding("R009", record.at(name), field=name)
