"""R011: mbo enrolments from 2019-08-01 name their onderwijslocatie (DUO, uitwisselen met BRON).

R001 (module enrolments are ho only) is decided where records are typed, in ``records.py``,
because an mbo file has no model for a module enrolment.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import ClassVar

from rodcli.bulkformat.models import MboInschrijving
from rodcli.findings import Finding, make_finding
from rodcli.records import CheckedRecord

ONDERWIJSLOCATIE_REQUIRED_FROM = date(2019, 8, 1)


class MboOnderwijslocatie:
    codes: ClassVar[tuple[str, ...]] = ("R011",)

    def check(self, record: CheckedRecord) -> Iterator[Finding]:
        model = record.model
        if (
            isinstance(model, MboInschrijving)
            and model.onderwijslocatie is None
            and model.datumInschrijving >= ONDERWIJSLOCATIE_REQUIRED_FROM
        ):
            yield make_finding("R011", record.at("onderwijslocatie"))
