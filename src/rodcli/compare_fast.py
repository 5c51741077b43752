"""``rodcli compare`` of two bulk files on the column path.

Each side goes through the engine as ``validate`` reads it (``engine.run.Engine``: column
checks, and the precise path for the records they flag), so its findings are exactly those
of today's record-by-record reading. Alongside, every checked batch leaves two things:

* a compact frame in memory, 28 bytes a record: the key (BRIN, personal number, the
  record's own number, record type) as two 64-bit hashes with other seeds over its parts in
  another order, side by side in one 128-bit column (two keys that share one hash are still
  told apart by the other); a 64-bit hash of the record's canonical fields (null when it
  failed its own checks); its place on its side. Split into PARTITIONS by the key's hash;
* its details on disk, in the run's private scratch folder (zstd Arrow IPC, a file per
  batch): line, BRIN, number, record type, masked personal number, BSN or not, failed or
  not, and each canonical field (never the personal number: the key's hashes are made in
  memory and stay there).

A record that passed the column checks gets its key and canonical fields from its columns,
made by expressions generated from the same models as ``store.canonical`` (dates as
``JJJJ-MM-DD``, decimals without trailing zeros); a record the precise path saw gets them
from its model, or from its raw values when it failed (``comparison.raw_key``), as the store
does. Then polars joins the two sides a partition at a time: keys on one side only, repeated
keys, matched keys whose hashes differ. Only those records' details are read back, and they
go through the same reporting as the store's merge (``comparison``), in the same order: key
order (BRIN, number, record type), duplicates before their key's match, then the records
on one side only with their personal-number changes (C004).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rodcli.bulkformat.models import KEY_FIELDS as NUMBER_FIELDS
from rodcli.bulkformat.models import RECORD_MODELS, Record, Sector
from rodcli.bulkformat.types import DateNotation
from rodcli.engine.fields import LINE_COLUMN, TYPE_COLUMN
from rodcli.masking import mask_pgn
from rodcli.scratch import Scratch
from rodcli.store import (
    _AND,
    _IS,
    OURS,
    THEIRS,
    Duplicate,
    Match,
    Stored,
    _plan,
    canonical,
    paired_up,
)

if TYPE_CHECKING:
    import polars as pl

    from rodcli.engine.run import Precise
    from rodcli.records import RawRecord

# Seeds of the three hashes: two for the key (each over the key's parts in another order,
# so two keys that share one hash are told apart by the other), one for the canonical form.
_KEY_SEEDS = (0x5EED_0001, 0x0BAD_CAFE)
_DATA_SEED = 0xD47A_0001
PARTITIONS = 16
# A partition's pieces are gathered into one frame once there are this many.
GATHER = 8
# Differing, repeated or lone records are read back this many at a time.
CHUNK = 50_000
# What a record's row holds besides its fields (which follow, in _field_kinds order).
_HEAD = {"_at": "u32", "_line": "u32", "_brin": "str", "_pgn": "str", "_number": "str",
         "_record_type": "str", "_masked": "str", "_bsn": "bool", "_failed": "bool"}
# What goes to disk: never the personal number itself.
_SPILLED = ("_ord", "_line", "_brin", "_number", "_record_type", "_masked", "_bsn", "_failed")


def _schema(sector: Sector) -> dict[str, Any]:
    import polars as pl

    types = {"u32": pl.UInt32, "str": pl.String, "bool": pl.Boolean}
    return {**{name: types[kind] for name, kind in _HEAD.items()},
            **dict.fromkeys(_field_kinds(sector), pl.String)}


def _date_text(column: pl.Expr, notation: DateNotation) -> pl.Expr:
    """A valid bulk date as ``date.isoformat`` gives it."""
    import polars as pl

    if notation == "iso":
        return column
    return pl.concat_str([column.str.slice(0, 4), column.str.slice(4, 2),
                          column.str.slice(6, 2)], separator="-")


def _decimal_text(column: pl.Expr) -> pl.Expr:
    """A valid study load as ``format(value.normalize(), "f")`` gives it: no leading zeros
    before the units, no trailing zeros after the point, no point without decimals."""
    fraction = column.str.contains(".", literal=True)
    whole = column.str.replace(r"^0+([0-9])", "${1}")
    import polars as pl

    return pl.when(fraction).then(
        whole.str.strip_chars_end("0").str.strip_chars_end(".")).otherwise(whole)


def _field_text(name: str, kind: str, notation: DateNotation, columns: frozenset[str]
                ) -> pl.Expr:
    import polars as pl

    if name not in columns:
        return pl.lit(None, dtype=pl.String)
    column = pl.col(name).cast(pl.String)
    if kind == "date":
        return _date_text(column, notation)
    if kind == "decimal":
        return _decimal_text(column)
    return column


@cache
def _field_kinds(sector: Sector) -> dict[str, str]:
    """Every field of a sector's records but the key, in the CSV column order, with its kind
    (the same in every record type that has it)."""
    kinds: dict[str, str] = {}
    for model in RECORD_MODELS[sector].values():
        for name, kind in _plan(model):
            if kinds.setdefault(name, kind) != kind:
                raise LookupError(f"{name} has two kinds in {sector}: {kind}, {kinds[name]}")
    return kinds


def canonical_values(record: Record) -> list[str | None]:
    """``store.canonical``'s text of each field, in ``_field_kinds`` order (None: empty)."""
    text = canonical(record)
    fields = dict(item.split(_IS, 1) for item in text.split(_AND)) if text else {}
    return [fields.get(name) for name in _field_kinds(record.sector)]


def _canonical_text(names: tuple[str, ...], values: tuple[object, ...]) -> str:
    """The canonical form from a row's fields.

    In the sector's order of fields rather than the model's: two records with one key are of
    one record type, so either order tells them equal or not, and ``Stored.fields`` reads
    both back alike."""
    return _AND.join(f"{name}{_IS}{value}" for name, value in zip(names, values, strict=True)
                     if value is not None)


@cache
def _passing_columns(sector: Sector, notation: DateNotation, columns: frozenset[str]
                     ) -> tuple[pl.Expr, ...]:
    """The key and canonical fields of records that passed the column checks, from their
    columns (generated from the models, as ``store.canonical`` and ``Record.number``).
    Such a record has nothing in a field its type lacks (the checks saw to that), so one
    expression serves every record type."""
    import polars as pl

    def column(name: str) -> pl.Expr:
        return pl.col(name) if name in columns else pl.lit(None, dtype=pl.String)

    kinds = _field_kinds(sector)
    record_type = pl.col(TYPE_COLUMN)
    by_fields: dict[tuple[str, ...], list[str]] = {}
    for type_name in RECORD_MODELS[sector]:
        by_fields.setdefault(NUMBER_FIELDS.get(type_name, ("inschrijvingvolgnummer",)),
                             []).append(type_name)
    numbers = []
    for fields, type_names in by_fields.items():
        key_parts = [_field_text(name, kinds.get(name, "text"), notation, columns)
                     for name in fields]
        # A typed record's number: "" when a part of it is missing (Record.number).
        numbers.append((type_names, pl.concat_str(key_parts, separator="/").fill_null("")
                        if key_parts else pl.lit("", dtype=pl.String)))
    number: Any = numbers[-1][1]
    for type_names, own_number in reversed(numbers[:-1]):
        number = pl.when(record_type.is_in(type_names)).then(own_number).otherwise(number)
    bsn = column("burgerservicenummer")
    pgn = pl.coalesce(bsn, column("onderwijsnummer"))
    return (
        pl.col(LINE_COLUMN).cast(pl.UInt32).alias("_line"),
        column("brin").alias("_brin"),
        pgn.alias("_pgn"),
        number.alias("_number"),
        record_type.alias("_record_type"),
        # The column checks passed nine digits: mask_pgn keeps the last four.
        pl.concat_str([pl.lit("*****"), pgn.str.slice(-4)]).alias("_masked"),
        bsn.is_not_null().alias("_bsn"),
        pl.lit(False).alias("_failed"),
        *(_field_text(name, kind, notation, columns).alias(name)
          for name, kind in kinds.items()),
    )


@dataclass(slots=True)
class SideFrames:
    """What one side's batches leave behind (an observer of ``Engine``)."""

    side: int
    scratch: Scratch
    # The key of a record that failed its checks: ``comparison.raw_key``, given by the
    # caller (comparison imports this module).
    raw_key: Callable[[RawRecord, Sector | None], tuple[str, str, str, bool] | None]
    records: int = 0
    failed: int = 0
    unkeyed: int = 0

    # The compact frame in PARTITIONS by the key's hash, so the join at the end works on a
    # part at a time: polars' hash join holds several times its input while it runs.
    parts: list[list[pl.DataFrame]] = field(
        default_factory=lambda: [[] for _ in range(PARTITIONS)])
    pieces: list[list[pl.DataFrame]] = field(  # the last batches' rows, not yet gathered
        default_factory=lambda: [[] for _ in range(PARTITIONS)])
    spills: list[Path] = field(default_factory=list)

    def __call__(self, frame: pl.DataFrame, passes: pl.Series, precise: Precise,
                 sector: Sector, notation: DateNotation) -> None:
        import polars as pl

        start = self.records
        self.records += frame.height
        passing = (frame.lazy().with_row_index("_at").filter(passes)
                   .select("_at", *_passing_columns(sector, notation,
                                                    frozenset(frame.columns))))
        rows = self._precise_rows(precise, sector)
        if rows:
            found = pl.concat([passing, pl.LazyFrame(rows, schema=_schema(sector),
                                                     orient="row")])
            found = found.sort("_at")
        else:
            found = passing
        keyed = found.with_columns(
            (pl.col("_at").cast(pl.UInt32) + start).alias("_ord")).collect()
        if keyed.is_empty():
            return
        fields = list(_field_kinds(sector))
        first = pl.struct("_brin", "_pgn", "_number", "_record_type").hash(_KEY_SEEDS[0])
        second = pl.struct("_record_type", "_number", "_pgn", "_brin").hash(_KEY_SEEDS[1])
        compact = keyed.select(
            (first.cast(pl.UInt128) * (1 << 64) + second.cast(pl.UInt128)).alias("k"),
            # Equal canonical forms, equal fields (null where empty): the same hash.
            pl.when(~pl.col("_failed")).then(pl.struct(fields).hash(_DATA_SEED)).alias("h"),
            pl.col("_ord"),
            (first % PARTITIONS).cast(pl.UInt8).alias("_part"))
        for (part,), rows_of_part in compact.partition_by("_part", as_dict=True).items():
            pieces = self.pieces[int(part)]
            pieces.append(rows_of_part.drop("_part"))
            if len(pieces) == GATHER:
                # Fewer, larger buffers: less for the allocator to keep (and each row is
                # copied once here, once at the end).
                self.parts[int(part)].append(pl.concat(pieces, rechunk=True))
                pieces.clear()
        path = self.scratch.folder / f"side{self.side}-{len(self.spills)}.arrow"
        buffer = io.BytesIO()
        # zstd: a tenth of the size (most of a column repeats), for about as much time.
        keyed.select(*_SPILLED, *fields).write_ipc(buffer, compression="zstd")
        # Written by Python, so a full temporary folder is an OSError (ENOSPC): I022.
        path.write_bytes(buffer.getbuffer())
        self.spills.append(path)

    def _precise_rows(self, precise: Precise, sector: Sector) -> list[tuple[object, ...]]:
        """The records the precise path saw, keyed as the store keys them."""
        rows: list[tuple[object, ...]] = []
        empty = (None,) * len(_field_kinds(sector))
        for at, raw, checked in precise:
            if checked is not None:
                model = checked.model
                pgn = model.pgn
                rows.append((at, raw.line, model.brin, pgn, model.number, model.record_type,
                             mask_pgn(pgn), bool(model.burgerservicenummer), False,
                             *canonical_values(model)))
                continue
            self.failed += 1
            key = self.raw_key(raw, sector)
            if key is None:
                self.unkeyed += 1
                continue
            brin, pgn, number, bsn = key
            rows.append((at, raw.line, brin, pgn, number, raw.record_type, mask_pgn(pgn),
                         bsn, True, *empty))
        return rows

    def part(self, part: int) -> pl.DataFrame:
        """One partition of the compact frame, in the side's order (and let go here)."""
        import polars as pl

        frames, self.parts[part] = [*self.parts[part], *self.pieces[part]], []
        self.pieces[part] = []
        if not frames:
            return pl.DataFrame(schema={"k": pl.UInt128, "h": pl.UInt64, "_ord": pl.UInt32})
        return pl.concat(frames, rechunk=True)

    def read(self, ords: pl.Series, columns: list[str] | None = None) -> pl.DataFrame:
        """The spilled rows at these places (all their columns, or ``columns``)."""
        import polars as pl

        if ords.is_empty() or not self.spills:
            types = {"_ord": pl.UInt32, "_line": pl.UInt32, "_bsn": pl.Boolean,
                     "_failed": pl.Boolean}
            return pl.DataFrame(schema={name: types.get(name, pl.String)
                                        for name in columns or _SPILLED})
        wanted = pl.DataFrame({"_ord": ords}).unique()
        found = []
        for path in self.spills:
            # Read whole, not mapped: the folder goes on close, and Windows cannot remove a
            # mapped file.
            part = pl.read_ipc(path.read_bytes(), columns=columns)
            found.append(part.join(wanted, on="_ord", how="semi"))
        return pl.concat(found)

    def details(self, ords: pl.Series) -> dict[int, Stored]:
        """The records at these places, as the store would give them."""
        return self.stored(self.read(ords)) if not ords.is_empty() else {}

    def stored(self, part: pl.DataFrame) -> dict[int, Stored]:
        """Spilled rows as the store would give them, by place."""
        found: dict[int, Stored] = {}
        names = tuple(part.columns[len(_SPILLED):])
        for row in part.iter_rows():
            ord_, line, brin, number, record_type, masked, bsn, failed = row[:len(_SPILLED)]
            data = None if failed else _canonical_text(names, row[len(_SPILLED):])
            found[ord_] = Stored(self.side, brin, number, record_type, b"", bsn, masked,
                                 line, 0, data)
        return found


def _firsts_and_repeats(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per key the first record (lowest place) and the further ones, each with its first's
    place."""
    import polars as pl

    first = pl.col("k").is_first_distinct()
    firsts = frame.filter(first)
    repeats = frame.filter(~first).join(
        firsts.select("k", pl.col("_ord").alias("_first")), on="k").select("k", "_ord", "_first")
    return firsts, repeats


@dataclass(slots=True)
class Settled:
    """The join of two sides: counts of the matched keys that need no closer look, and the
    store's merge items for the rest, in the store's order (read while the sides' scratch
    folder is still there)."""

    matched: int
    equal: int
    not_compared: int
    items: Iterator[Match | Duplicate]
    unmatched: Iterator[tuple[Stored, Stored | None]]


def settle(ours: SideFrames, theirs: SideFrames) -> Settled:
    import polars as pl

    matched = equal = not_compared = 0
    differing: list[pl.DataFrame] = []
    lone: list[pl.DataFrame] = []
    repeats: tuple[list[pl.DataFrame], list[pl.DataFrame]] = ([], [])
    both = pl.col("_ord").is_not_null() & pl.col("_ord_t").is_not_null()
    either_failed = pl.col("h").is_null() | pl.col("h_t").is_null()
    for part in range(PARTITIONS):
        our_firsts, our_repeats = _firsts_and_repeats(ours.part(part))
        their_firsts, their_repeats = _firsts_and_repeats(theirs.part(part))
        repeats[OURS].append(our_repeats)
        repeats[THEIRS].append(their_repeats)
        joined = our_firsts.join(their_firsts, on="k", how="full", coalesce=True,
                                 suffix="_t")
        counts = joined.select(
            both.sum().alias("matched"),
            (both & either_failed).sum().alias("not_compared"),
            (both & ~either_failed & (pl.col("h") == pl.col("h_t"))).sum().alias("equal"),
        ).row(0)
        matched, not_compared, equal = (
            matched + counts[0], not_compared + counts[1], equal + counts[2])
        differing.append(joined.filter(both & ~either_failed & (pl.col("h") != pl.col("h_t")))
                         .select("k", "_ord", "_ord_t"))
        lone.append(joined.filter(~both).select("_ord", "_ord_t"))
    # What each event is about: kind 0 a repeated key (``place`` the further record,
    # ``other`` its side's first), kind 1 a matched key whose fields differ (``place`` ours,
    # ``other`` theirs); records on one side only (kind 2) have no ``other``.
    columns = ["k", "_kind", "_side", "_place", "_other"]

    def event(frame: pl.DataFrame, kind: int, side: int, place: str, other: str | None
              ) -> pl.DataFrame:
        return frame.select(
            pl.col("k") if "k" in frame.columns else pl.lit(0, dtype=pl.UInt128).alias("k"),
            pl.lit(kind, dtype=pl.UInt8).alias("_kind"),
            pl.lit(side, dtype=pl.UInt8).alias("_side"),
            pl.col(place).alias("_place"),
            (pl.col(other) if other else pl.lit(None, dtype=pl.UInt32)).alias("_other"))

    different, alone = pl.concat(differing), pl.concat(lone)
    events = pl.concat([
        event(pl.concat(repeats[OURS]), 0, OURS, "_ord", "_first"),
        event(pl.concat(repeats[THEIRS]), 0, THEIRS, "_ord", "_first"),
        event(different, 1, OURS, "_ord", "_ord_t"),
        event(alone.filter(pl.col("_ord").is_not_null()), 2, OURS, "_ord", None),
        event(alone.filter(pl.col("_ord_t").is_not_null()), 2, THEIRS, "_ord_t", None),
    ]).select(columns)
    del differing, lone, repeats, different, alone
    # Their order needs each event's record's BRIN, number and record type (and BSN or not,
    # for the pairs of C004). Usually few records are named: they are read back whole, once;
    # else these columns first, and the records a chunk at a time (_chunks).
    sides = (ours, theirs)
    named = [_named(events, side) for side in (OURS, THEIRS)]
    key_columns = ["_ord", "_brin", "_number", "_record_type", "_bsn"]
    whole = None
    if sum(len(places) for places in named) <= CHUNK:
        whole = [sides[side].read(named[side]) for side in (OURS, THEIRS)]
        keys = [rows.select(key_columns) for rows in whole]
    else:
        keys = [sides[side].read(events.filter(pl.col("_side") == side)["_place"],
                                 key_columns) for side in (OURS, THEIRS)]
    events = events.join(
        pl.concat([frame.with_columns(pl.lit(side, dtype=pl.UInt8).alias("_side"))
                   for side, frame in enumerate(keys)]).rename({"_ord": "_place"}),
        on=["_side", "_place"])
    merge = events.filter(pl.col("_kind") < 2).sort(
        "_brin", "_number", "_record_type", "k", "_kind", "_side", "_place")
    group = ["_brin", "_number", "_record_type"]
    one_side = events.filter(pl.col("_kind") == 2).with_columns(
        ((pl.len().over(group) == 2) & (pl.col("_side").cast(pl.Int32).sum().over(group) == 1)
         & (pl.col("_bsn").cast(pl.Int32).sum().over(group) == 1)).alias("_paired"),
    ).sort(*group, "_side", "_place")
    details = None if whole is None else [sides[side].stored(whole[side])
                                          for side in (OURS, THEIRS)]
    return Settled(matched, equal, not_compared, _merge_items(merge, sides, details),
                   _unmatched(one_side, sides, details))


def _named(events: pl.DataFrame, side: int) -> pl.Series:
    """The places of the records of one side that the events name."""
    import polars as pl

    own = events.filter(pl.col("_side") == side)
    places = [own["_place"], own.filter(pl.col("_kind") == 0)["_other"]]
    if side == THEIRS:
        places.append(events.filter(pl.col("_kind") == 1)["_other"])
    return pl.concat(places).drop_nulls()


def _chunks(events: pl.DataFrame, sides: tuple[SideFrames, SideFrames],
            details: list[dict[int, Stored]] | None
            ) -> Iterator[tuple[pl.DataFrame, list[dict[int, Stored]]]]:
    """The events CHUNK at a time, with the details of the records each chunk names (or
    all at once, when read already): a million differing records are never all held as
    Python objects."""
    if details is not None:
        yield events, details
        return
    for start in range(0, events.height, CHUNK):
        chunk = events.slice(start, CHUNK)
        yield chunk, [sides[side].details(_named(chunk, side)) for side in (OURS, THEIRS)]


def _merge_items(events: pl.DataFrame, sides: tuple[SideFrames, SideFrames],
                 read: list[dict[int, Stored]] | None) -> Iterator[Match | Duplicate]:
    for chunk, details in _chunks(events, sides, read):
        for kind, side, place, other in chunk.select(
                "_kind", "_side", "_place", "_other").iter_rows():
            if kind == 0:
                yield Duplicate(details[side][place], details[side][other])
            else:
                yield Match(details[OURS][place], details[THEIRS][other])


def _unmatched(events: pl.DataFrame, sides: tuple[SideFrames, SideFrames],
               read: list[dict[int, Stored]] | None) -> Iterator[tuple[Stored, Stored | None]]:
    """``RecordStore.unmatched`` over the keys on one side only, in its order: a group of
    BRIN, number and record type holding exactly one record of each side, one with a BSN
    and one without, is a personal number that changed (given once, OURS first)."""
    yield from paired_up(
        (details[side][place], paired)
        for chunk, details in _chunks(events, sides, read)
        for side, place, paired in chunk.select("_side", "_place", "_paired").iter_rows())
