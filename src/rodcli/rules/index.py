"""What the cross-record rules look at: one key's records (``KeyGroup``).

The engine's key table (``rodcli.engine.keys``) makes a group for each key some rule might
find fault with: every record the file under review holds under that key, and what the
``--with`` files hold under it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rodcli.findings import Location

Line = int | None
ReasonPosition = tuple[Line, int | None, str | None]  # line, column, shown field name

# Opleidingsfasen whose exam is a full diploma: associate degree, bachelor, master.
FULL_DIPLOMA_PHASES = frozenset({"A", "B", "M", "Q"})

_ENROLMENT, _MODULE, _DEREGISTRATION, _RESULT, _FAILED = range(5)
_FAILED_TYPES = ("inschrijving", "moduleInschrijving", "uitschrijving", "resultaat")
_BATCH = 20_000


@dataclass(slots=True)
class Enrolment:
    line: Line
    start: date
    is_module: bool
    # A module enrolment's module: "opleidingcode/onderwijseenheidcode" (the second part
    # empty when the record has none); None for an enrolment for a whole programme.
    module: str | None = None
    end: date | None = None  # mbo: the actual end, else the planned one


@dataclass(slots=True)
class Overlap:
    """Another enrolment of the same student for the same module, in a period that overlaps
    this key's (here, or in a --with file when ``line`` is None there)."""

    number: str  # its inschrijvingvolgnummer
    line: Line
    own: bool  # in the file under review (else in a --with file)


@dataclass(slots=True)
class Placed:
    """An mbo record within an enrolment: a period (its begin), a BPV (begin and end), a
    diploma (its date)."""

    line: Line
    day: date
    end: date | None = None


@dataclass(slots=True)
class Deregistration:
    line: Line
    day: date
    reason: str | None
    needs_full_diploma: bool
    # Where the reason stands (line, column, and for build the export column it came from),
    # kept only for a reason that needs a full diploma: R003 points there.
    field_line: Line = None
    column: int | None = None
    field: str | None = None


@dataclass(slots=True)
class Outcome:
    line: Line
    day: date
    full_diploma: bool


@dataclass(slots=True)
class KeyGroup:
    """Everything one key has in the file under review, and in the ``--with`` files."""

    file: str
    shown: str  # masked key, for locations
    enrolments: list[Enrolment] = field(default_factory=list)
    deregistrations: list[Deregistration] = field(default_factory=list)
    results: list[Outcome] = field(default_factory=list)
    # Record types under this key that failed their own checks: they exist, so rules must
    # not claim they are missing, but their dates and codes are unknown.
    failed: set[str] = field(default_factory=set)
    context_enrolments: list[Enrolment] = field(default_factory=list)
    context_full_result: bool = False
    # The same student (BRIN and personal number) under any key, here or in a --with file:
    # a full-diploma result, or a result that failed its own checks (so it may be one).
    student_full_result: bool = False
    student_failed_result: bool = False
    # The same student's other enrolment for this key's module in an overlapping period.
    module_overlap: Overlap | None = None
    # mbo: the records of this key that belong to its enrolment, the line of the first
    # record whose student needs a person record, and whether the student has one (here or
    # in a --with file, under any key).
    periods: list[Placed] = field(default_factory=list)
    bpvs: list[Placed] = field(default_factory=list)
    diplomas: list[Placed] = field(default_factory=list)
    person_line: Line = None
    person_needed: bool = False
    student_person: bool = False
    # mbo, under a student's key without a number: each persoon record here, with what it
    # says (birth date, sex, postcode: ``engine.keys.person_details``).
    persons: list[tuple[Line, str | None]] = field(default_factory=list)

    def enrolment(self) -> Enrolment | None:
        """The enrolment this key's other records belong to, here or in a --with file."""
        if self.enrolments:
            return self.enrolments[0]
        return self.context_enrolments[0] if self.context_enrolments else None

    def has_full_result(self) -> bool:
        return self.context_full_result or any(r.full_diploma for r in self.results)

    def location(self, line: Line, field_name: str | None = None,
                 column: int | None = None) -> Location:
        return Location(self.file, line, column, field_name, self.shown)
