"""Rules: small units that declare the codes they emit.

A ``RecordRule`` looks at one validated record at a time. A ``CrossRecordRule`` looks at one
key at a time at the end of a file: every record the file holds under that key, and what the
``--with`` files hold under it (``rules.index.KeyGroup``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, Protocol

from rodcli.findings import Finding
from rodcli.records import CheckedRecord
from rodcli.rules.index import KeyGroup


class RecordRule(Protocol):
    codes: ClassVar[tuple[str, ...]]

    def check(self, record: CheckedRecord) -> Iterable[Finding]: ...


class CrossRecordRule(Protocol):
    codes: ClassVar[tuple[str, ...]]

    def check_key(self, group: KeyGroup) -> Iterable[Finding]: ...


def record_rules() -> list[RecordRule]:
    from rodcli.rules.diploma import FullDiplomaResult
    from rodcli.rules.ects import UnusualStudyLoad
    from rodcli.rules.mbo import EndBeforeBegin, LooseAmvbCertificate
    from rodcli.rules.sector import MboOnderwijslocatie
    from rodcli.rules.valuelists import ValueListCodes

    return [ValueListCodes(), FullDiplomaResult(), MboOnderwijslocatie(), UnusualStudyLoad(),
            LooseAmvbCertificate(), EndBeforeBegin()]


def cross_record_rules() -> list[CrossRecordRule]:
    from rodcli.rules.dates import DatesInOrder
    from rodcli.rules.diploma import DiplomaConsistency
    from rodcli.rules.keys import DuplicateKeys, UnknownEnrolment
    from rodcli.rules.mbo import EnrolmentLinks, PeriodBegins, PersonDetails, PersonRecord
    from rodcli.rules.modules import OneEnrolmentPerModule

    return [DuplicateKeys(), UnknownEnrolment(), DatesInOrder(), DiplomaConsistency(),
            OneEnrolmentPerModule(), EnrolmentLinks(), PeriodBegins(), PersonRecord(),
            PersonDetails()]
