"""The cross-record state: a compact key table, and the key groups the rules look at.

Each record leaves one row: its key (BRIN, personal number, inschrijvingvolgnummer), a 64-bit
hash of it, kind, line, date, a flag, the reason of a deregistration and where a reason that
needs a full diploma stands (about 45 bytes: the BRIN and reason as categories, the nine-digit
personal number as a 32-bit integer, the sequence number as a string view). It stays in
memory only, never on disk, in partitions by the hash. At the end of a file each partition is
grouped by key into a few facts per key (``KEY_FACTS``); each cross-record rule says from
those facts which keys it might find fault with (its ``suspects``), and only those keys
become ``KeyGroup`` objects for the rules' precise checks (with what the same student has
under other keys: a module may end with "afsluitend examen" on a diploma elsewhere). A
small file takes ``PreciseKeys``, the same rows in plain Python, so a ten-record check never
loads the column engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from rodcli.bulkformat import Sector
from rodcli.bulkformat.models import (
    RECORD_MODELS,
    HoInschrijving,
    HoModuleInschrijving,
    HoResultaat,
    HoUitschrijving,
    MboBpv,
    MboDiploma,
    MboInschrijving,
    MboInschrijvingsperiode,
    MboPersoon,
    Record,
    _Enrolment,
    _MboPart,
)
from rodcli.bulkformat.types import DateNotation
from rodcli.bulkformat.valuelists import value_lists
from rodcli.findings import Finding
from rodcli.records import RawRecord, masked_key
from rodcli.rules.index import (
    FULL_DIPLOMA_PHASES,
    Deregistration,
    Enrolment,
    KeyGroup,
    Outcome,
    Overlap,
    Placed,
)

if TYPE_CHECKING:
    import polars as pl

    from rodcli.rules import CrossRecordRule

ENROLMENT, MODULE, DEREGISTRATION, RESULT, FAILED = range(5)
# mbo's records beside its enrolments (DUO's PER, ISP, BPV, DIP and AMO/GEO/KZD). An mbo
# enrolment is an ENROLMENT with flag 1 (it needs a person record); a diploma's flag says it
# names its enrolment. Records without an enrolment (a person, a diploma or result without
# inschrijvingvolgnummer) sit under the number "".
PERSON, PERIOD, BPV, DIPLOMA, PART = range(5, 10)
FAILED_TYPES = ("inschrijving", "moduleInschrijving", "uitschrijving", "resultaat", "persoon",
                "inschrijvingsperiode", "bpv", "diploma", "keuzedeel",
                "generiekExamenonderdeel", "amvbOnderdeel")
_KINDS = {"inschrijving": ENROLMENT, "moduleInschrijving": MODULE,
          "uitschrijving": DEREGISTRATION, "resultaat": RESULT, "persoon": PERSON,
          "inschrijvingsperiode": PERIOD, "bpv": BPV, "diploma": DIPLOMA, "keuzedeel": PART,
          "generiekExamenonderdeel": PART, "amvbOnderdeel": PART}
# Record types that may stand without an enrolment: their key's number is then "".
_UNLINKED = ("persoon", "diploma", "keuzedeel", "generiekExamenonderdeel", "amvbOnderdeel")
_FAILED_PERSON = FAILED_TYPES.index("persoon")
_FAILED_RESULT = FAILED_TYPES.index("resultaat")
KEY_COLUMNS = ("brin", "pgn", "number")
# What the table groups by: a 64-bit hash of the key. Two keys that share it are told apart
# again: their group is marked mixed, every rule looks at it, and its rows are grouped by
# their full key in Python (``KeyTable.groups``).
GROUP_COLUMNS = ("_key",)


@cache
def diploma_reasons(sector: Sector) -> frozenset[str]:
    """The codes of reden uitschrijving that need a full-diploma result (asked per record)."""
    if sector != "ho":
        return frozenset()
    return value_lists()["RedenUitschrijvingHO"].codes_needing_full_diploma()


# ---- one row per record ---------------------------------------------------------------------

# brin, pgn, number, kind, line, day, flag, reason, where a reason that needs a full
# diploma stands (line, column, the export column it came from: R003 points there), a
# module enrolment's module (``module_of``), and the end of an mbo enrolment or BPV (actual,
# else planned).
Row = tuple[str, int, str, int, int | None, date | None, int, str | None, int | None,
            int | None, str | None, str | None, date | None]
_NOWHERE = (None, None, None)


def module_of(model: HoModuleInschrijving) -> str:
    """What tells one module from another: the programme's code and the institution's own
    code of the module, "opleidingcode/onderwijseenheidcode" (the second part empty when the
    record has none, so the module cannot be told from the programme's other modules)."""
    return f"{model.opleidingcode}/{model.onderwijseenheidcode or ''}"


def person_details(model: MboPersoon) -> str:
    """What a ``persoon`` says of the student, to tell two of them apart (it takes a
    deregistration's reason's place in the key row: a person has none)."""
    return f"{model.geboortedatum}|{model.geslacht}|{model.postcode or ''}"


def known_module(module: str | None) -> bool:
    """Whether ``module`` names one module (it has its onderwijseenheidcode)."""
    return module is not None and not module.endswith("/")


def _pgn_number(values: dict[str, str]) -> int | None:
    pgn = values.get("burgerservicenummer") or values.get("onderwijsnummer")
    # A key with anything but nine digits as its number belongs to a record that failed its
    # own checks; no valid record can share it, so it could only ever hide a finding from
    # another failed record, which has none to hide.
    if pgn is None or len(pgn) != 9 or not pgn.isascii() or not pgn.isdigit():
        return None
    return int(pgn)


def checked_row(model: Record, raw: RawRecord) -> Row | None:
    """The key-table row of a record that passed its own checks."""
    line, values = raw.line, raw.values
    pgn = _pgn_number(values)
    if pgn is None:
        return None
    if not isinstance(model, HoInschrijving | HoModuleInschrijving | HoUitschrijving
                      | HoResultaat):
        return _mbo_row(model, line, pgn)
    brin, number = model.brin, model.inschrijvingvolgnummer
    if isinstance(model, HoModuleInschrijving):
        return (brin, pgn, number, MODULE, line, model.datumInschrijving, 0, None, *_NOWHERE,
                module_of(model), None)
    if isinstance(model, _Enrolment):
        return (brin, pgn, number, ENROLMENT, line, model.datumInschrijving, 0, None,
                *_NOWHERE, None, None)
    if isinstance(model, HoUitschrijving):
        reason = model.redenUitschrijving
        flag = int(reason is not None and reason in diploma_reasons(model.sector))
        at = reason_position(raw) if flag else _NOWHERE
        return (brin, pgn, number, DEREGISTRATION, line, model.datumUitschrijving, flag, reason,
                *at, None, None)
    if isinstance(model, HoResultaat):
        return (brin, pgn, number, RESULT, line, model.datumAfsluitendExamen,
                int(model.opleidingsfase in FULL_DIPLOMA_PHASES), None, *_NOWHERE, None, None)
    return None


def _mbo_row(model: Record, line: int | None, pgn: int) -> Row | None:
    brin = model.brin
    if isinstance(model, MboPersoon):
        return (brin, pgn, "", PERSON, line, None, 0, person_details(model), *_NOWHERE, None,
                None)
    if isinstance(model, MboInschrijving):
        return (brin, pgn, model.inschrijvingvolgnummer, ENROLMENT, line,
                model.datumInschrijving, 1, None, *_NOWHERE, None,
                model.datumUitschrijvingWerkelijk or model.datumUitschrijvingGepland)
    if isinstance(model, MboInschrijvingsperiode):
        return (brin, pgn, model.inschrijvingvolgnummer, PERIOD, line, model.datumBeginPeriode,
                0, None, *_NOWHERE, None, None)
    if isinstance(model, MboBpv):
        return (brin, pgn, model.inschrijvingvolgnummer, BPV, line, model.datumBeginBpv, 0,
                None, *_NOWHERE, None,
                model.datumEindeBpvWerkelijk or model.datumEindeBpvGepland)
    if isinstance(model, MboDiploma):
        number = model.inschrijvingvolgnummer
        return (brin, pgn, number or "", DIPLOMA, line, model.datumDiploma, int(bool(number)),
                None, *_NOWHERE, None, None)
    if isinstance(model, _MboPart):
        number = getattr(model, "inschrijvingvolgnummer", None) or ""
        return (brin, pgn, number, PART, line, getattr(model, "datumResultaat", None), 0, None,
                *_NOWHERE, None, None)
    return None


def failed_row(raw: RawRecord) -> Row | None:
    """A record that failed its own checks still tells that its key has one."""
    if raw.record_type not in FAILED_TYPES:
        return None
    brin, number = raw.values.get("brin"), raw.values.get("inschrijvingvolgnummer")
    if number is None and raw.record_type in _UNLINKED:
        number = ""
    pgn = _pgn_number(raw.values)
    if not brin or number is None or pgn is None:
        return None
    return (brin, pgn, number, FAILED, raw.line, None, FAILED_TYPES.index(raw.record_type),
            None, *_NOWHERE, None, None)


def reason_position(raw: RawRecord) -> tuple[int | None, int | None, str | None]:
    """Line and column of the reason and, for build, the export column it came from ("Reden
    → redenUitschrijving"), read straight from the raw record."""
    line, column = (raw.locate("redenUitschrijving") if raw.locate is not None else None) or (
        None, None)
    shown = raw.sources.get("redenUitschrijving") if raw.sources else None
    return line, column, shown


# Key rows made one by one (build's export rows) count as many from this many records on:
# their cross-record rules then run in the column engine, not in plain Python.
COLUMNAR_FROM_RECORDS = 1 << 14


class KeyRows:
    """Key rows made one by one (build's export rows), gathered compactly: as Python tuples
    while few, in polars frames of ``FRAME_ROWS``, and, once they are many
    (``COLUMNAR_FROM_RECORDS``), in a ``KeyTable``, whose partitions hold them in the
    fewest bytes (a 2M-row export's frames took 50 MiB more). Picklable, so a worker
    process can hand its rows back."""

    FRAME_ROWS = 1 << 16

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.frames: list[pl.DataFrame] = []
        self.table: KeyTable | None = None

    def append(self, row: Row | None) -> None:
        if row is None:
            return
        self.rows.append(row)
        if len(self.rows) >= self.FRAME_ROWS:
            self.add_frame(rows_frame(self.rows))
            self.rows = []

    def add_frame(self, frame: pl.DataFrame) -> None:
        """Key rows made column-wise (``batch_rows``)."""
        if self.table is None:
            self.frames.append(frame)
            if sum(frame.height for frame in self.frames) < COLUMNAR_FROM_RECORDS:
                return
            self.table, frames, self.frames = KeyTable(), self.frames, []
            for frame in frames:
                self.table.add_frame(frame)
            return
        self.table.add_frame(frame)

    def extend(self, other: KeyRows) -> None:
        if other.table is not None:
            if self.table is None:
                self.table = KeyTable()
            self.table.extend(other.table)
        for frame in other.frames:
            self.add_frame(frame)
        for row in other.rows:
            self.append(row)

    def __len__(self) -> int:
        return (sum(frame.height for frame in self.frames) + len(self.rows)
                + (len(self.table) if self.table is not None else 0))


def shown_key(brin: str, pgn: int, number: str) -> str:
    return masked_key({"brin": brin, "burgerservicenummer": f"{pgn:09d}",
                       "inschrijvingvolgnummer": number})


def _place(group: KeyGroup, own: bool, kind: int, line: int | None, day: date | None,
           flag: int, reason: str | None, at_line: int | None = None,
           at_column: int | None = None, at_field: str | None = None,
           module: str | None = None, end: date | None = None) -> None:
    if not own:
        if kind in (ENROLMENT, MODULE) and day is not None:
            group.context_enrolments.append(Enrolment(line, day, kind == MODULE, module, end))
        elif kind == RESULT and flag:
            group.context_full_result = True
        return
    if _needs_person(kind, flag) and not group.person_needed:
        group.person_needed, group.person_line = True, line
    if kind == PERSON:
        group.persons.append((line, reason))
    if kind in (ENROLMENT, MODULE) and day is not None:
        group.enrolments.append(Enrolment(line, day, kind == MODULE, module, end))
    elif kind == PERIOD and day is not None:
        group.periods.append(Placed(line, day))
    elif kind == BPV and day is not None:
        group.bpvs.append(Placed(line, day, end))
    elif kind == DIPLOMA and day is not None and flag:
        group.diplomas.append(Placed(line, day))
    elif kind == DEREGISTRATION and day is not None:
        group.deregistrations.append(Deregistration(line, day, reason, bool(flag), at_line,
                                                    at_column, at_field))
    elif kind == RESULT and day is not None:
        group.results.append(Outcome(line, day, bool(flag)))
    elif kind == FAILED:
        group.failed.add(FAILED_TYPES[flag])


def _needs_person(kind: int, flag: int) -> bool:
    """An mbo record that passed its own checks: its student needs a person record."""
    return kind in (PERIOD, BPV, DIPLOMA, PART) or (kind == ENROLMENT and flag == 1)


def check_groups(groups: Iterable[KeyGroup], rules: list[CrossRecordRule]) -> Iterator[Finding]:
    for group in groups:
        for rule in rules:
            yield from rule.check_key(group)


# ---- small inputs: plain Python ---------------------------------------------------------------


@dataclass(slots=True)
class PreciseKeys:
    """The key table of a small input, as Python rows grouped by key."""

    rows: dict[tuple[str, int, str], list[Row]] = field(
        default_factory=lambda: defaultdict(list))

    def add(self, row: Row | None) -> None:
        if row is not None:
            self.rows[row[:3]].append(row)

    def groups(self, file: str, context: PreciseKeys | None,
               excluded_lines: frozenset[int] | set[int] = frozenset()) -> Iterator[KeyGroup]:
        full, failed, persons = _students([self, context], excluded_lines)
        overlaps = _module_overlaps(self, context, excluded_lines)
        for key in sorted(self.rows):
            own = [row for row in self.rows[key] if row[4] not in excluded_lines]
            if not own:
                continue
            group = KeyGroup(file, shown_key(*key))
            group.student_full_result = key[:2] in full
            group.student_failed_result = key[:2] in failed
            group.student_person = key[:2] in persons
            group.module_overlap = overlaps.get(key)
            for row in sorted(context.rows.get(key, ()) if context else (),
                              key=lambda row: row[4] or 0):
                _place(group, False, *row[3:])
            for row in sorted(own, key=lambda row: row[4] or 0):
                _place(group, True, *row[3:])
            yield group


def _students(tables: list[PreciseKeys | None], excluded_lines: frozenset[int] | set[int]
              ) -> tuple[set[tuple[str, int]], set[tuple[str, int]], set[tuple[str, int]]]:
    """The students (BRIN, personal number) with a full-diploma result, with a result that
    failed its own checks, and with a person record (mbo; one that failed its checks counts),
    in the file under review (``tables[0]``, less the excluded lines) or the --with files."""
    full: set[tuple[str, int]] = set()
    failed: set[tuple[str, int]] = set()
    persons: set[tuple[str, int]] = set()
    for number, table in enumerate(tables):
        if table is None:
            continue
        for rows in table.rows.values():
            for row in rows:
                if number == 0 and row[4] in excluded_lines:
                    continue
                if row[3] == RESULT and row[6]:
                    full.add((row[0], row[1]))
                elif row[3] == FAILED and row[6] == _FAILED_RESULT:
                    failed.add((row[0], row[1]))
                elif row[3] == PERSON or (row[3] == FAILED and row[6] == _FAILED_PERSON):
                    persons.add((row[0], row[1]))
    return full, failed, persons


# A module enrolment as the overlap check sees it: start, last day (None: still running),
# line, whether it is in the file under review.
_ModulePeriod = tuple[date, date | None, int | None, bool]


def _module_overlaps(own: PreciseKeys, context: PreciseKeys | None,
                     excluded_lines: frozenset[int] | set[int]
                     ) -> dict[tuple[str, int, str], Overlap]:
    """Per key of the file under review: the same student's other enrolment for the same
    module in an overlapping period (``overlaps_reported`` says which of two is reported).
    A key in both the file and a --with file counts as the file's (a delivery again)."""
    # Per key its first module enrolment (the file's before the --with files'; a key held
    # twice is R005's): by (not in the file, line, module, start).
    firsts: dict[tuple[str, int, str], tuple[bool, int, str, date]] = {}
    ends: dict[tuple[str, int, str], date] = {}
    for table, is_own in ((own, True), (context, False)):
        if table is None:
            continue
        for key, rows in table.rows.items():
            for row in rows:
                if is_own and row[4] in excluded_lines:
                    continue
                kind, day = row[3], row[5]
                if day is None:
                    continue
                if kind == DEREGISTRATION:
                    ends[key] = min(day, ends.get(key, day))
                elif kind == MODULE and known_module(row[11]):
                    assert row[11] is not None
                    candidate = (not is_own, row[4] or 0, row[11], day)
                    if key not in firsts or candidate < firsts[key]:
                        firsts[key] = candidate
    by_module: dict[tuple[str, int, str], list[tuple[str, _ModulePeriod]]] = defaultdict(list)
    for key, (elsewhere, line, module, start) in firsts.items():
        by_module[(key[0], key[1], module)].append((key[2], (start, ends.get(key), line or None,
                                                             not elsewhere)))
    found: dict[tuple[str, int, str], Overlap] = {}
    for (brin, pgn, _), periods in by_module.items():
        if len(periods) < 2:
            continue
        for number, period in periods:
            partners = sorted(
                (other[0], other[2] or 0, not other[3], other_number, other)
                for other_number, other in periods
                if other_number != number and overlaps_reported(period, other))
            if partners:
                other_number, other = partners[0][3], partners[0][4]
                found[(brin, pgn, number)] = Overlap(other_number, other[2], other[3])
    return found


def overlaps_reported(this: _ModulePeriod, other: _ModulePeriod) -> bool:
    """Whether enrolment ``this`` is reported for overlapping ``other`` (same student, same
    module): their periods share a day, ``this`` is in the file under review, and ``other``
    is in a --with file or starts earlier (then the line: one of two is reported)."""
    start, end, line, is_own = this
    other_start, other_end, other_line, other_own = other
    if not is_own:
        return False
    if (end is not None and end < other_start) or (other_end is not None
                                                   and other_end < start):
        return False
    return not other_own or (other_start, other_line or 0) < (start, line or 0)


# ---- large inputs: the column engine ----------------------------------------------------------

# The facts per key that cross-record rules' ``suspects`` expressions may use. Counts are of
# the file under review; context_* of the --with files.
KEY_FACTS = ("enrolments", "modules", "deregistrations", "results", "full_results",
             "diploma_deregistrations", "context_enrolments", "context_modules",
             "context_full_result", "latest_start", "earliest_deregistration",
             "earliest_result", "module_changed", "module_overlap",
             # mbo: periods and their distinct begin dates; records that belong to an
             # enrolment (periods, BPVs, diplomas naming one), their earliest and latest
             # date; the earliest end of an enrolment (here or --with); records whose
             # student needs a person record, and whether the student has one (anywhere).
             "periods", "period_begins", "linked", "earliest_linked", "latest_linked",
             "earliest_end", "needs_person", "student_person",
             # mbo: whether the student's persoon records here say different things.
             "person_details")


def key_schema() -> dict[str, Any]:
    import polars as pl

    return {"brin": pl.Categorical, "pgn": pl.UInt32, "number": pl.String,
            "kind": pl.UInt8, "line": pl.UInt32, "day": pl.Date, "flag": pl.UInt8,
            "reason": pl.Categorical, "at_line": pl.UInt32, "at_column": pl.UInt32,
            "at_field": pl.Categorical, "module": pl.Categorical, "end": pl.Date,
            "_key": pl.UInt64}


def rows_frame(rows: list[Row]) -> pl.DataFrame:
    """Key-table rows made in Python (records of a small input)."""
    import polars as pl

    schema = key_schema()
    del schema["_key"]
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(_number_key())


def _number_key(seed: int = 1) -> pl.Expr:
    """A 64-bit hash of the key. The BRIN's category number stands for its text: a
    process has one set of categories, so every table in it numbers a BRIN alike (and a
    quarter of the time of hashing the key as text)."""
    import polars as pl

    return pl.struct(pl.col("brin").to_physical(), "pgn", "number").hash(seed=seed
                                                                        ).alias("_key")


def batch_rows(frame: pl.DataFrame, typed: pl.Series, sector: Sector,
               notation: DateNotation) -> pl.DataFrame:
    """The key-table rows of a batch, column-wise: ``typed`` says which records passed
    their own checks (the rest become FAILED rows, as ``failed_row`` makes them)."""
    import polars as pl

    from rodcli.engine.fields import LINE_COLUMN, TYPE_COLUMN, parsed_date

    columns = set(frame.columns)

    def text(name: str) -> pl.Expr:
        return pl.col(name) if name in columns else pl.lit(None, pl.String)

    record_type, is_typed = pl.col(TYPE_COLUMN), pl.col("_typed")
    pgn_text = pl.coalesce(text("burgerservicenummer"), text("onderwijsnummer"))
    # A record that passed its own checks has its own type's date field and no other.
    reference = sorted({model.reference_field for model in RECORD_MODELS[sector].values()
                        if model.reference_field is not None})
    day = parsed_date(pl.coalesce([text(name) for name in reference]), notation)
    # The end of an mbo enrolment or BPV: the actual one, else the planned one.
    end = parsed_date(pl.coalesce([text(name) for name in (
        "datumUitschrijvingWerkelijk", "datumUitschrijvingGepland", "datumEindeBpvWerkelijk",
        "datumEindeBpvGepland")]), notation)
    kind = pl.when(is_typed).then(
        record_type.replace_strict(_KINDS, default=None, return_dtype=pl.UInt8)
    ).otherwise(
        pl.when(record_type.is_in(FAILED_TYPES)).then(pl.lit(FAILED, pl.UInt8)))
    full_result = (text("opleidingsfase").is_in(sorted(FULL_DIPLOMA_PHASES)).fill_null(False)
                   if sector == "ho" else pl.lit(True))
    flag = pl.when(~is_typed).then(
        record_type.replace_strict({name: index for index, name in enumerate(FAILED_TYPES)},
                                   default=0, return_dtype=pl.UInt8)
    ).when((record_type == "uitschrijving") & pl.lit(sector == "ho")).then(
        text("redenUitschrijving").is_in(sorted(diploma_reasons(sector))).fill_null(False)
    ).when(record_type == "resultaat").then(full_result
    ).when(record_type == "inschrijving").then(pl.lit(sector == "mbo")
    ).when(record_type == "diploma").then(text("inschrijvingvolgnummer").is_not_null()
    ).otherwise(False)
    # Where a reason that needs a full diploma stands, as the adapter found it.
    needs = is_typed & (record_type == "uitschrijving") & (flag > 0)
    module = pl.concat_str([text("opleidingcode"), pl.lit("/"),
                            text("onderwijseenheidcode").fill_null("")])
    schema = key_schema()
    return (
        frame.lazy()
        .with_columns(typed.alias("_typed"))
        .select(
            text("brin").cast(schema["brin"]).alias("brin"),
            pl.when(pgn_text.str.contains(r"^[0-9]{9}$")).then(pgn_text)
            .cast(pl.UInt32, strict=False).alias("pgn"),
            pl.coalesce(text("inschrijvingvolgnummer"),
                        pl.when(record_type.is_in(_UNLINKED)).then(pl.lit("")))
            .cast(schema["number"]).alias("number"),
            kind.alias("kind"),
            pl.col(LINE_COLUMN).cast(pl.UInt32).alias("line"),
            pl.when(is_typed).then(day).alias("day"),
            flag.cast(pl.UInt8).alias("flag"),
            pl.when(is_typed & (record_type == "uitschrijving"))
            .then(text("redenUitschrijving"))
            .when(is_typed & (record_type == "persoon"))
            .then(pl.concat_str([text("geboortedatum"), text("geslacht"),
                                 text("postcode").fill_null("")], separator="|"))
            .cast(schema["reason"]).alias("reason"),
            pl.when(needs).then(pl.col("_reason_line") if "_reason_line" in columns
                                else pl.lit(None)).cast(pl.UInt32).alias("at_line"),
            pl.when(needs).then(pl.col("_reason_column") if "_reason_column" in columns
                                else pl.lit(None)).cast(pl.UInt32).alias("at_column"),
            pl.lit(None, pl.String).cast(schema["at_field"]).alias("at_field"),
            pl.when(is_typed & (record_type == "moduleInschrijving")).then(module)
            .cast(schema["module"]).alias("module"),
            pl.when(is_typed).then(end).alias("end"),
        )
        .drop_nulls(["brin", "pgn", "number", "kind"])
        .with_columns(_number_key())
        .collect()
    )


# The table is kept in this many partitions by the top bits of the key's hash, so grouping
# one at a time needs a 16th of the memory; they are filled as batches come in. Measured at
# 2M rows: 8 peaked 15 MiB higher, 32 no lower, and each partition costs its own passes.
PARTITIONS = 16
_PARTITION_OF = 1 << (64 - 4)
# Batches' rows per block of a partition (see KeyTable).
BLOCK_PIECES = 16
# Columns only some kinds of row have are kept beside the table, for those rows alone and in
# their order, not as mostly empty columns of every row: where a reason that needs a full
# diploma stands (a deregistration's; 12 bytes a record), and the end of an mbo enrolment or
# BPV (4 bytes; an ho row never has one).
POSITION_COLUMNS = ("at_line", "at_column", "at_field")
END_COLUMNS = ("end",)
SIDE_COLUMNS = (POSITION_COLUMNS, END_COLUMNS)


def _has_side(side: int) -> pl.Expr:
    """Which rows have the columns of ``SIDE_COLUMNS[side]``."""
    import polars as pl

    kind, flag = pl.col("kind"), pl.col("flag")
    if side == 0:
        return (kind == DEREGISTRATION) & (flag > 0)
    # An mbo enrolment is flagged (it needs a persoon); an ho one is not.
    return (kind == BPV) | ((kind == ENROLMENT) & (flag > 0))


def _module() -> pl.Expr:
    """A module enrolment's module, in the table (where it stands in the reason column)."""
    import polars as pl

    return pl.when(pl.col("kind") == MODULE).then(pl.col("reason")).alias("module")


class KeyTable:
    """The key-table rows of one input, gathered batch by batch."""

    def __init__(self) -> None:
        # Per partition: blocks of about BLOCK_PIECES batches' rows each, then the pieces of
        # the batches since. Blocks are never copied into one: a partition growing by copies
        # left the freed pieces behind as fragments the allocator could not reuse (a 2M-row
        # file's table took 80 MiB more than its rows when grouping started). Beside each,
        # the side columns of its rows that have them (SIDE_COLUMNS), in the same order.
        self._parts: list[list[pl.DataFrame]] = [[] for _ in range(PARTITIONS)]
        self._pieces: list[list[pl.DataFrame]] = [[] for _ in range(PARTITIONS)]
        self._sides: list[list[list[pl.DataFrame]]] = [
            [[] for _ in range(PARTITIONS)] for _ in SIDE_COLUMNS]

    def add_frame(self, rows: pl.DataFrame) -> None:
        import polars as pl

        if rows.is_empty():
            return
        # The batch is shaped once and then split: per piece, the same steps cost a tenth
        # of a validate's time in polars' own overhead.
        rows = rows.with_columns((pl.col("_key") // _PARTITION_OF).alias("_part"))
        # The key's hash only places the row: grouping hashes a partition's keys again
        # (8 bytes a record less, 16 MiB at 2M records).
        main = rows.drop(*POSITION_COLUMNS, *END_COLUMNS, "_key").with_columns(
            # A module enrolment has no reason: its module takes that column's place (4
            # bytes a record less than a column of its own).
            pl.when(pl.col("kind") == MODULE).then(pl.col("module"))
            .otherwise(pl.col("reason")).alias("reason")).drop("module")
        for (part,), piece in main.partition_by("_part", as_dict=True,
                                                include_key=False).items():
            self._pieces[int(part)].append(piece)
        for side, columns in enumerate(SIDE_COLUMNS):
            values = rows.filter(_has_side(side)).select("_part", *columns)
            if values.is_empty():
                continue
            # partition_by keeps the rows' order: each partition's side rows stay in the
            # order of its rows that have them.
            for (part,), piece in values.partition_by("_part", as_dict=True,
                                                       include_key=False).items():
                self._sides[side][int(part)].append(piece)
        # One partition's pieces at a time become a block: all of them at once (they fill
        # up together) was a copy of an eighth of the table (8 partitions), a peak of its own.
        fullest = max(range(PARTITIONS), key=lambda number: len(self._pieces[number]))
        if len(self._pieces[fullest]) >= BLOCK_PIECES:
            self._to_block(fullest)

    def _to_block(self, number: int) -> None:
        import polars as pl

        pieces = self._pieces[number]
        self._parts[number].append(pl.concat(pieces, rechunk=True))
        pieces.clear()
        for sides in self._sides:
            if len(sides[number]) > 1:
                sides[number][:] = [pl.concat(sides[number], rechunk=True)]

    def add_rows(self, rows: KeyRows) -> None:
        """Key rows made in Python (build's export rows), taken over from ``rows``."""
        if rows.table is not None:
            self.extend(rows.table)
            rows.table = None
        rows.frames.reverse()
        while rows.frames:  # each frame let go once partitioned: not all held twice
            self.add_frame(rows.frames.pop())
        if rows.rows:
            self.add_frame(rows_frame(rows.rows))
        rows.frames, rows.rows = [], []

    def extend(self, other: KeyTable) -> None:
        """``other``'s rows after this table's (``other`` is not to be used again)."""
        for number in range(PARTITIONS):
            for table in (self, other):
                if table._pieces[number]:
                    table._to_block(number)
            self._parts[number].extend(other._parts[number])
            for own, theirs in zip(self._sides, other._sides, strict=True):
                own[number].extend(theirs[number])

    def partition(self, number: int) -> pl.DataFrame:
        """One partition's rows in the order they came, without the side columns and the
        key's hash (``_number_key()`` makes it); a module enrolment's module stands in its
        ``reason`` (``_module()`` reads it)."""
        import polars as pl

        if self._pieces[number]:
            self._to_block(number)
        blocks = self._parts[number]
        if not blocks:
            schema = key_schema()
            return pl.DataFrame(schema={name: dtype for name, dtype in schema.items()
                                        if name not in (*POSITION_COLUMNS, *END_COLUMNS,
                                                        "module", "_key")})
        return blocks[0] if len(blocks) == 1 else pl.concat(blocks, rechunk=False)

    def side(self, number: int, side: int) -> pl.DataFrame:
        """The side columns ``SIDE_COLUMNS[side]`` of one partition's rows that have them,
        by the row's index in ``partition(number)`` (``_row``)."""
        import polars as pl

        rows = self.partition(number).with_row_index("_row").filter(_has_side(side))
        values = self._sides[side][number]
        schema = key_schema()
        return rows.select("_row").hstack(
            pl.concat(values) if values else
            pl.DataFrame(schema={name: schema[name] for name in SIDE_COLUMNS[side]}))

    def _with_side(self, rows: pl.DataFrame, number: int, side: int,
                   context: KeyTable | None) -> pl.DataFrame:
        """``rows`` (of this partition and the context's, told apart by ``own``) with the
        side columns ``SIDE_COLUMNS[side]`` (null where a row has none)."""
        import polars as pl

        tables = [(self, True)] + ([(context, False)] if context is not None else [])
        values = [table.side(number, side).with_columns(pl.lit(own).alias("own"))
                  for table, own in tables if table._sides[side][number]]
        if not values:  # an ho file never has an end: no join for nothing
            schema = key_schema()
            return rows.with_columns(pl.lit(None, schema[name]).alias(name)
                                     for name in SIDE_COLUMNS[side])
        return rows.join(pl.concat(values), on=["_row", "own"], how="left")

    def __len__(self) -> int:
        return sum(frame.height for frames in (*self._parts, *self._pieces)
                   for frame in frames)

    def groups(self, file: str, rules: list[CrossRecordRule], context: KeyTable | None,
               excluded_lines: frozenset[int] | set[int] = frozenset()) -> Iterator[KeyGroup]:
        """The key groups some rule might find fault with, with their --with records."""
        students = self._students(context, excluded_lines)
        overlaps = self._module_overlaps(context, excluded_lines)
        for number in range(PARTITIONS):
            yield from self._groups_of(number, file, rules, context, excluded_lines, students,
                                       overlaps)

    def _students(self, context: KeyTable | None, excluded_lines: frozenset[int] | set[int]
                  ) -> pl.DataFrame:
        """Per student (BRIN, personal number) with any result: whether one is a full
        diploma, and whether one failed its own checks (here, less the excluded lines, or
        in the --with files)."""
        import polars as pl

        kind, flag = pl.col("kind"), pl.col("flag")
        failed_result = (kind == FAILED) & (flag == _FAILED_RESULT)
        person = (kind == PERSON) | ((kind == FAILED) & (flag == _FAILED_PERSON))
        results = (kind == RESULT) | failed_result | person
        pieces = []
        for table, own in ((self, True), (context, False)):
            if table is None:
                continue
            for number in range(PARTITIONS):
                piece = table.partition(number).filter(results)
                if own and excluded_lines:
                    piece = piece.filter(~pl.col("line").is_in(sorted(excluded_lines)))
                pieces.append(piece.select("brin", "pgn", "kind", "flag"))
        if not pieces:
            return pl.DataFrame(schema={"brin": pl.Categorical, "pgn": pl.UInt32,
                                        "student_full_result": pl.Boolean,
                                        "student_failed_result": pl.Boolean,
                                        "student_person": pl.Boolean})
        # Lazily: polars' eager group-by took twice the memory for the same result.
        return pl.concat(pieces).lazy().group_by("brin", "pgn").agg(
            ((kind == RESULT) & (flag > 0)).any().alias("student_full_result"),
            failed_result.any().alias("student_failed_result"),
            person.any().alias("student_person")).collect()

    def _module_overlaps(self, context: KeyTable | None,
                         excluded_lines: frozenset[int] | set[int]) -> pl.DataFrame:
        """Per key of the file under review whose module enrolment overlaps another of the
        same student for the same module: that other one (as ``_module_overlaps`` finds it
        for small inputs, with ``overlaps_reported``'s choice of which of two is reported)."""
        import polars as pl

        kind, day, own = pl.col("kind"), pl.col("day"), pl.col("own")
        key = ["brin", "pgn", "number"]
        modules, ends = [], []
        for table, is_own in ((self, True), (context, False)):
            if table is None:
                continue
            for number in range(PARTITIONS):
                piece = table.partition(number)
                if is_own and excluded_lines:
                    piece = piece.filter(~pl.col("line").is_in(sorted(excluded_lines)))
                piece = piece.filter(kind.is_in([MODULE, DEREGISTRATION]) & day.is_not_null())
                if piece.is_empty():
                    continue
                piece = piece.with_columns(pl.lit(is_own).alias("own"))
                modules.append(piece.filter(
                    (kind == MODULE) & ~pl.col("reason").cat.ends_with("/"))
                    .select(*key, _module(), "line", day.alias("start"), "own",
                            _number_key()))
                ends.append(piece.filter(kind == DEREGISTRATION).select(*key, "day"))
        empty = pl.DataFrame(schema={"brin": pl.Categorical, "pgn": pl.UInt32,
                                     "number": pl.String, "overlap_number": pl.String,
                                     "overlap_line": pl.UInt32, "overlap_own": pl.Boolean,
                                     "_key": pl.UInt64})
        if not modules:
            return empty
        periods = (pl.concat(modules)
                   .sort([~pl.col("own"), pl.col("line").fill_null(0), "module", "start"])
                   .unique(key, keep="first", maintain_order=True))
        # Only students with two enrolments for one module can overlap.
        periods = periods.filter(pl.len().over("brin", "pgn", "module") > 1)
        if periods.is_empty():
            return empty
        if ends:
            periods = periods.join(pl.concat(ends).group_by(key).agg(day.min().alias("end")),
                                   on=key, how="left")
        else:
            periods = periods.with_columns(pl.lit(None, pl.Date).alias("end"))
        other = periods.select("brin", "pgn", "module",
                               *(pl.col(name).alias(f"other_{name}")
                                 for name in ("number", "start", "end", "line", "own")))
        start, end, line = pl.col("start"), pl.col("end"), pl.col("line").fill_null(0)
        other_start, other_end = pl.col("other_start"), pl.col("other_end")
        other_line = pl.col("other_line").fill_null(0)
        earlier = ((other_start < start) | ((other_start == start) & (other_line < line)))
        return (periods.filter(own)
                .join(other, on=["brin", "pgn", "module"])
                .filter((pl.col("number") != pl.col("other_number"))
                        & (end.is_null() | (end >= other_start))
                        & (other_end.is_null() | (other_end >= start))
                        & (~pl.col("other_own") | earlier))
                .sort(*key, "other_start", other_line, ~pl.col("other_own"), "other_number")
                .group_by(key, maintain_order=True)
                .agg(pl.col("other_number").first().alias("overlap_number"),
                     pl.col("other_line").first().alias("overlap_line"),
                     pl.col("other_own").first().alias("overlap_own"),
                     pl.col("_key").first())
                .cast({"overlap_line": pl.UInt32}))

    def _groups_of(self, number: int, file: str, rules: list[CrossRecordRule],
                   context: KeyTable | None, excluded_lines: frozenset[int] | set[int],
                   students: pl.DataFrame, overlaps: pl.DataFrame) -> Iterator[KeyGroup]:
        import polars as pl

        own = self.partition(number).with_row_index("_row").with_columns(_number_key())
        if excluded_lines:
            own = own.filter(~pl.col("line").is_in(sorted(excluded_lines)))
        if own.is_empty():
            return
        if context is not None and len(context):
            theirs = context.partition(number).with_row_index("_row").with_columns(
                _number_key()).join(
                own.select(GROUP_COLUMNS).unique(), on=GROUP_COLUMNS, how="semi")
            both = pl.concat([own.with_columns(pl.lit(True).alias("own")),
                              theirs.with_columns(pl.lit(False).alias("own"))])
        else:
            both = own.with_columns(pl.lit(True).alias("own"))
        both = self._with_side(both, number, 1, context)
        suspect = pl.col("mixed")
        for rule in rules:
            suspects = getattr(rule, "suspects", None)
            suspect = suspect | (suspects() if suspects is not None else pl.lit(True))
        facts = _facts(both).join(
            overlaps.select(GROUP_COLUMNS).unique().with_columns(
                pl.lit(True).alias("module_overlap")).lazy(), on=GROUP_COLUMNS, how="left"
        ).with_columns(pl.col("module_overlap").fill_null(False)).join(
            students.select("brin", "pgn", "student_person").lazy(), on=["brin", "pgn"],
            how="left"
        ).with_columns(pl.col("student_person").fill_null(False))
        keys = facts.filter(suspect).select(GROUP_COLUMNS).collect()
        if keys.is_empty():
            return
        rows = (both.join(keys, on=GROUP_COLUMNS, how="semi")
                .pipe(self._with_side, number, 0, context)
                .sort([*GROUP_COLUMNS, "pgn", "number", "brin", "own", "line"],
                      nulls_last=False)
                .join(students, on=["brin", "pgn"], how="left")
                .join(overlaps.drop("_key"), on=["brin", "pgn", "number"], how="left")
                .select(*KEY_COLUMNS, "kind", "line", "day", "flag",
                        pl.when(pl.col("kind") != MODULE).then(pl.col("reason"))
                        .alias("reason"), "at_line", "at_column", "at_field", _module(), "end",
                        "own",
                        pl.col("student_full_result").fill_null(False),
                        pl.col("student_failed_result").fill_null(False),
                        pl.col("student_person").fill_null(False),
                        "overlap_number", "overlap_line", "overlap_own"))
        del both
        group: KeyGroup | None = None
        current: tuple[str, int, str] | None = None
        for (brin, pgn, number_text, kind, line, day, flag, reason, at_line, at_column, at_field,
             module, end, is_own, student_full, student_failed, student_person, overlap_number,
             overlap_line, overlap_own) in rows.iter_rows():
            key = (brin, pgn, number_text)
            if key != current:
                if group is not None:
                    yield group
                group, current = KeyGroup(file, shown_key(brin, pgn, number_text)), key
                group.student_full_result = student_full
                group.student_failed_result = student_failed
                group.student_person = student_person
                if overlap_number is not None:
                    group.module_overlap = Overlap(overlap_number, overlap_line, overlap_own)
            assert group is not None
            _place(group, is_own, kind, line, day, flag, reason, at_line, at_column, at_field,
                   module, end)
        if group is not None:
            yield group


def _facts(rows: pl.DataFrame) -> pl.LazyFrame:
    import polars as pl

    kind, flag, day = pl.col("kind"), pl.col("flag") > 0, pl.col("day")
    own = pl.col("own") if "own" in rows.columns else pl.lit(True)
    enrolment = kind <= MODULE
    # A second, independent hash of the key: two keys sharing the first differ here.
    other = _number_key(seed=2)
    period = (kind == PERIOD) & own
    linked = (period | (kind == BPV) | ((kind == DIPLOMA) & flag)) & own
    # Lazily: polars' eager group-by took twice the memory for the same result.
    return rows.lazy().group_by(GROUP_COLUMNS).agg(
        pl.col("brin").first(), pl.col("pgn").first(),
        (other.min() != other.max()).alias("mixed"),
        (enrolment & own).sum().alias("enrolments"),
        ((kind == MODULE) & own).sum().alias("modules"),
        ((kind == DEREGISTRATION) & own).sum().alias("deregistrations"),
        ((kind == RESULT) & own).sum().alias("results"),
        ((kind == RESULT) & flag & own).sum().alias("full_results"),
        ((kind == DEREGISTRATION) & flag & own).sum().alias("diploma_deregistrations"),
        (enrolment & ~own).sum().alias("context_enrolments"),
        ((kind == MODULE) & ~own).sum().alias("context_modules"),
        ((kind == RESULT) & flag & ~own).any().alias("context_full_result"),
        day.filter(enrolment).max().alias("latest_start"),
        day.filter((kind == DEREGISTRATION) & own).min().alias("earliest_deregistration"),
        day.filter((kind == RESULT) & own).min().alias("earliest_result"),
        # A module enrolment delivered before (--with) under this key for another module.
        (((kind == MODULE) & own).any() & ((kind == MODULE) & ~own).any()
         & (_module().filter(kind == MODULE).n_unique() > 1)).alias("module_changed"),
        period.sum().alias("periods"),
        day.filter(period).n_unique().alias("period_begins"),
        linked.sum().alias("linked"),
        day.filter(linked).min().alias("earliest_linked"),
        pl.max_horizontal(day.filter(linked).max(),
                          pl.col("end").filter(linked).max()).alias("latest_linked"),
        pl.col("end").filter(enrolment).min().alias("earliest_end"),
        ((kind.is_in([PERIOD, BPV, DIPLOMA, PART]) | ((kind == ENROLMENT) & flag))
         & own).sum().alias("needs_person"),
        (pl.col("reason").filter((kind == PERSON) & own).n_unique() > 1)
        .alias("person_details"),
    )
