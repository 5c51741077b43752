"""The cross-record state: a compact key table, and the key groups the rules look at.

Each record leaves one row: its key (BRIN, personal number, inschrijvingvolgnummer), kind,
line, date, a flag and the reason of a deregistration (about 26 bytes; the BRIN, sequence
number and reason as categories, the nine-digit personal number as a 32-bit integer). It
stays in memory only, never on disk. At the end of a file the table is grouped by key into a
few facts per key (``KEY_FACTS``); each cross-record rule says from those facts which keys it
might find fault with (its ``suspects``), and only those keys become ``KeyGroup`` objects for
the rules' precise checks. A small file takes ``PreciseKeys``, the same rows in plain
Python, so a ten-record check never loads the column engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from rodcli.bulkformat import Sector
from rodcli.bulkformat.models import (
    RECORD_MODELS,
    HoModuleInschrijving,
    HoResultaat,
    HoUitschrijving,
    MboResultaat,
    MboUitschrijving,
    Record,
    _Enrolment,
)
from rodcli.bulkformat.types import DateNotation
from rodcli.bulkformat.valuelists import value_lists
from rodcli.findings import Finding
from rodcli.records import CheckedRecord, RawRecord, masked_key
from rodcli.rules.index import (
    FULL_DIPLOMA_PHASES,
    Deregistration,
    Enrolment,
    KeyGroup,
    Outcome,
)

if TYPE_CHECKING:
    import polars as pl

    from rodcli.rules import CrossRecordRule

ENROLMENT, MODULE, DEREGISTRATION, RESULT, FAILED = range(5)
FAILED_TYPES = ("inschrijving", "moduleInschrijving", "uitschrijving", "resultaat")
_KINDS = {"inschrijving": ENROLMENT, "moduleInschrijving": MODULE,
          "uitschrijving": DEREGISTRATION, "resultaat": RESULT}
KEY_COLUMNS = ("brin", "pgn", "number")


def diploma_reasons(sector: Sector) -> frozenset[str]:
    """The codes of reden uitschrijving that need a full-diploma result."""
    if sector != "ho":
        return frozenset()
    return frozenset(code for code, entry in value_lists()["RedenUitschrijvingHO"].codes.items()
                     if entry.full_diploma)


# ---- one row per record ---------------------------------------------------------------------

Row = tuple[str, int, str, int, int | None, date | None, int, str | None]  # key, kind, ...


def _pgn_number(values: dict[str, str]) -> int | None:
    pgn = values.get("burgerservicenummer") or values.get("onderwijsnummer")
    # A key with anything but nine digits as its number belongs to a record that failed its
    # own checks; no valid record can share it, so it could only ever hide a finding from
    # another failed record, which has none to hide.
    if pgn is None or len(pgn) != 9 or not pgn.isascii() or not pgn.isdigit():
        return None
    return int(pgn)


def checked_row(model: Record, line: int | None, values: dict[str, str]) -> Row | None:
    """The key-table row of a record that passed its own checks."""
    pgn = _pgn_number(values)
    if pgn is None:
        return None
    brin, number = model.brin, model.inschrijvingvolgnummer
    if isinstance(model, _Enrolment):
        kind = MODULE if isinstance(model, HoModuleInschrijving) else ENROLMENT
        return (brin, pgn, number, kind, line, model.datumInschrijving, 0, None)
    if isinstance(model, HoUitschrijving | MboUitschrijving):
        reason = model.redenUitschrijving
        flag = int(reason is not None and reason in diploma_reasons(model.sector))
        return (brin, pgn, number, DEREGISTRATION, line, model.datumUitschrijving, flag, reason)
    if isinstance(model, HoResultaat):
        return (brin, pgn, number, RESULT, line, model.datumAfsluitendExamen,
                int(model.opleidingsfase in FULL_DIPLOMA_PHASES), None)
    if isinstance(model, MboResultaat):
        return (brin, pgn, number, RESULT, line, model.datumDiploma, 1, None)
    return None


def failed_row(raw: RawRecord) -> Row | None:
    """A record that failed its own checks still tells that its key has one."""
    if raw.record_type not in FAILED_TYPES:
        return None
    brin, number = raw.values.get("brin"), raw.values.get("inschrijvingvolgnummer")
    pgn = _pgn_number(raw.values)
    if not brin or not number or pgn is None:
        return None
    return (brin, pgn, number, FAILED, raw.line, None, FAILED_TYPES.index(raw.record_type),
            None)


def shown_key(brin: str, pgn: int, number: str) -> str:
    return masked_key({"brin": brin, "burgerservicenummer": f"{pgn:09d}",
                       "inschrijvingvolgnummer": number})


def _place(group: KeyGroup, own: bool, kind: int, line: int | None, day: date | None,
           flag: int, reason: str | None) -> None:
    if not own:
        if kind in (ENROLMENT, MODULE) and day is not None:
            group.context_enrolments.append(Enrolment(line, day, kind == MODULE))
        elif kind == RESULT and flag:
            group.context_full_result = True
        return
    if kind in (ENROLMENT, MODULE) and day is not None:
        group.enrolments.append(Enrolment(line, day, kind == MODULE))
    elif kind == DEREGISTRATION and day is not None:
        group.deregistrations.append(Deregistration(line, day, reason, bool(flag)))
    elif kind == RESULT and day is not None:
        group.results.append(Outcome(line, day, bool(flag)))
    elif kind == FAILED:
        group.failed.add(FAILED_TYPES[flag])


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

    def add_checked(self, checked: CheckedRecord) -> None:
        row = checked_row(checked.model, checked.raw.line, checked.raw.values)
        if row is not None:
            self.rows[row[:3]].append(row)

    def add_failed(self, raw: RawRecord) -> None:
        row = failed_row(raw)
        if row is not None:
            self.rows[row[:3]].append(row)

    def groups(self, file: str, context: PreciseKeys | None,
               excluded_lines: frozenset[int] | set[int] = frozenset()) -> Iterator[KeyGroup]:
        for key in sorted(self.rows):
            own = [row for row in self.rows[key] if row[4] not in excluded_lines]
            if not own:
                continue
            group = KeyGroup(file, shown_key(*key))
            for row in sorted(context.rows.get(key, ()) if context else (),
                              key=lambda row: row[4] or 0):
                _place(group, False, *row[3:])
            for row in sorted(own, key=lambda row: row[4] or 0):
                _place(group, True, *row[3:])
            yield group


# ---- large inputs: the column engine ----------------------------------------------------------

# The facts per key that cross-record rules' ``suspects`` expressions may use. Counts are of
# the file under review; context_* of the --with files.
KEY_FACTS = ("enrolments", "modules", "deregistrations", "results", "full_results",
             "diploma_deregistrations", "context_enrolments", "context_modules",
             "context_full_result", "latest_start", "earliest_deregistration",
             "earliest_result")


def key_schema() -> dict[str, Any]:
    import polars as pl

    return {"brin": pl.Categorical, "pgn": pl.UInt32, "number": pl.Categorical,
            "kind": pl.UInt8, "line": pl.UInt32, "day": pl.Date, "flag": pl.UInt8,
            "reason": pl.Categorical}


def rows_frame(rows: list[Row]) -> pl.DataFrame:
    """Key-table rows made in Python (records that took the precise path)."""
    import polars as pl

    return pl.DataFrame(rows, schema=key_schema(), orient="row")


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
    reference = sorted({model.reference_field for model in RECORD_MODELS[sector].values()})
    day = parsed_date(pl.coalesce([text(name) for name in reference]), notation)
    kind = pl.when(is_typed).then(
        record_type.replace_strict(_KINDS, default=None, return_dtype=pl.UInt8)
    ).otherwise(
        pl.when(record_type.is_in(FAILED_TYPES)).then(pl.lit(FAILED, pl.UInt8)))
    full_result = (text("opleidingsfase").is_in(sorted(FULL_DIPLOMA_PHASES)).fill_null(False)
                   if sector == "ho" else pl.lit(True))
    flag = pl.when(~is_typed).then(
        record_type.replace_strict({name: index for index, name in enumerate(FAILED_TYPES)},
                                   default=0, return_dtype=pl.UInt8)
    ).when(record_type == "uitschrijving").then(
        text("redenUitschrijving").is_in(sorted(diploma_reasons(sector))).fill_null(False)
    ).when(record_type == "resultaat").then(full_result).otherwise(False)
    schema = key_schema()
    return (
        frame.lazy()
        .with_columns(typed.alias("_typed"))
        .select(
            text("brin").cast(schema["brin"]).alias("brin"),
            pl.when(pgn_text.str.contains(r"^[0-9]{9}$")).then(pgn_text)
            .cast(pl.UInt32, strict=False).alias("pgn"),
            text("inschrijvingvolgnummer").cast(schema["number"]).alias("number"),
            kind.alias("kind"),
            pl.col(LINE_COLUMN).cast(pl.UInt32).alias("line"),
            pl.when(is_typed).then(day).alias("day"),
            flag.cast(pl.UInt8).alias("flag"),
            pl.when(is_typed & (record_type == "uitschrijving"))
            .then(text("redenUitschrijving")).cast(schema["reason"]).alias("reason"),
        )
        .drop_nulls(["brin", "pgn", "number", "kind"])
        .collect()
    )


class KeyTable:
    """The key-table rows of one input, gathered batch by batch."""

    def __init__(self) -> None:
        self._parts: list[pl.DataFrame] = []
        self._pending: list[Row] = []
        self._frame: pl.DataFrame | None = None

    def add_frame(self, rows: pl.DataFrame) -> None:
        self._parts.append(rows)
        if len(self._parts) >= 64:
            self._compact()

    def add_row(self, row: Row | None) -> None:
        if row is not None:
            self._pending.append(row)

    def _compact(self) -> None:
        import polars as pl

        if self._pending:
            self._parts.append(rows_frame(self._pending))
            self._pending = []
        if len(self._parts) > 1:
            self._parts = [pl.concat(self._parts, rechunk=True)]

    def frame(self) -> pl.DataFrame:
        import polars as pl

        self._compact()
        return self._parts[0] if self._parts else pl.DataFrame(schema=key_schema())

    def __len__(self) -> int:
        return sum(part.height for part in self._parts) + len(self._pending)

    def groups(self, file: str, rules: list[CrossRecordRule], context: KeyTable | None,
               excluded_lines: frozenset[int] | set[int] = frozenset()) -> Iterator[KeyGroup]:
        """The key groups some rule might find fault with, with their --with records."""
        import polars as pl

        own = self.frame()
        if excluded_lines:
            own = own.filter(~pl.col("line").is_in(sorted(excluded_lines)))
        if own.is_empty():
            return
        both = own.with_columns(pl.lit(True).alias("own"))
        if context is not None and len(context):
            theirs = context.frame().with_columns(pl.lit(False).alias("own"))
            both = pl.concat([both, theirs])
        both = both.with_columns(_packed_key(both))
        if context is not None and len(context):
            both = both.join(both.filter("own").select("_key").unique(), on="_key",
                             how="semi")
        facts = _facts(both)
        suspect = pl.lit(False)
        for rule in rules:
            suspects = getattr(rule, "suspects", None)
            suspect = suspect | (suspects() if suspects is not None else pl.lit(True))
        keys = facts.filter(suspect).select("_key")
        if keys.is_empty():
            return
        rows = (both.join(keys, on="_key", how="semi")
                .sort(["_key", "own", "line"], nulls_last=False)
                .select(*KEY_COLUMNS, "kind", "line", "day", "flag", "reason", "own"))
        group: KeyGroup | None = None
        current: tuple[str, int, str] | None = None
        for brin, pgn, number, kind, line, day, flag, reason, is_own in rows.iter_rows():
            key = (brin, pgn, number)
            if key != current:
                if group is not None:
                    yield group
                group, current = KeyGroup(file, shown_key(brin, pgn, number)), key
            assert group is not None
            _place(group, is_own, kind, line, day, flag, reason)
        if group is not None:
            yield group


def _packed_key(rows: pl.DataFrame) -> pl.Expr:
    """One 64-bit column for the key where the ids allow (nine digits fit in 30 bits, a
    BRIN's category id in 8 and a sequence number's in 26): grouping on one integer is
    several times faster than on three columns. Otherwise the three as one struct."""
    import polars as pl

    brin = pl.col("brin").to_physical().cast(pl.UInt64)
    number = pl.col("number").to_physical().cast(pl.UInt64)
    if rows.is_empty() or (
            rows.select(brin.max() < (1 << 8), number.max() < (1 << 26)).row(0) == (True, True)):
        return (brin * (1 << 56) + number * (1 << 30) + pl.col("pgn").cast(pl.UInt64)
                ).alias("_key")
    return pl.struct(brin, number, pl.col("pgn")).alias("_key")


def _facts(rows: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    kind, own, flag, day = pl.col("kind"), pl.col("own"), pl.col("flag") > 0, pl.col("day")
    enrolment = kind <= MODULE
    return rows.group_by("_key").agg(
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
    )
