"""``rodcli compare`` of two bulk files on the column path.

Each side goes through the engine as ``validate`` reads it (``engine.run.Engine``: column
checks, and the precise path for the records they flag), so its findings are exactly those
of today's record-by-record reading. Alongside, every checked batch leaves two things:

* a compact frame in memory, 28 bytes a record: two 64-bit hashes of the key (BRIN,
  personal number, the record's own number, record type; two seeds, so two keys that share
  one hash are still told apart), a 64-bit hash of the record's canonical form (null when
  it failed its own checks) and its place on its side;
* its details on disk, in the run's private scratch folder: line, BRIN, number, record
  type, masked personal number, BSN or not, and the canonical form itself (never the
  personal number: the key's hashes are made in memory and stay there).

A record that passed the column checks gets its key and canonical form from its columns,
made by expressions generated from the same models as ``store.canonical`` (dates as
``JJJJ-MM-DD``, decimals without trailing zeros); a record the precise path saw gets them
from its model, or from its raw values when it failed (``comparison.raw_key``), as the store
does. Then polars joins the two frames: keys on one side only, repeated keys, matched keys
whose canonical hashes differ. Only those records' details are read back, and they go
through the same reporting as the store's merge (``comparison``), in the same order: key
order (BRIN, number, record type), duplicates before their key's match, then the records
on one side only with their personal-number changes (C004).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rodcli.bulkformat.models import KEY_FIELDS as NUMBER_FIELDS
from rodcli.bulkformat.models import RECORD_MODELS, Sector
from rodcli.bulkformat.types import DateNotation
from rodcli.engine.fields import LINE_COLUMN, TYPE_COLUMN
from rodcli.masking import mask_pgn
from rodcli.scratch import Scratch
from rodcli.store import _AND, _IS, OURS, THEIRS, Duplicate, Match, Stored, _plan, canonical

if TYPE_CHECKING:
    import polars as pl

    from rodcli.engine.run import Precise

# Seeds of the three hashes: two for the key (each over the key's parts in another order,
# so two keys that share one hash are told apart by the other), one for the canonical form.
_KEY_SEEDS = (0x5EED_0001, 0x0BAD_CAFE)
_DATA_SEED = 0xD47A_0001
_DETAILS = ("_ord", "_line", "_brin", "_number", "_record_type", "_masked", "_bsn", "_data")


def _schema() -> dict[str, Any]:
    import polars as pl

    return {"_at": pl.UInt32, "_line": pl.UInt32, "_brin": pl.String, "_pgn": pl.String,
            "_number": pl.String, "_record_type": pl.String, "_masked": pl.String,
            "_bsn": pl.Boolean, "_data": pl.String}


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
    column = pl.col(name)
    if kind == "date":
        return _date_text(column, notation)
    if kind == "decimal":
        return _decimal_text(column)
    return column


@cache
def _passing_columns(sector: Sector, notation: DateNotation, columns: frozenset[str]
                     ) -> tuple[pl.Expr, ...]:
    """The key and canonical form of records that passed the column checks, from their
    columns (generated from the models, as ``store.canonical`` and ``Record.number``)."""
    import polars as pl

    def column(name: str) -> pl.Expr:
        return pl.col(name) if name in columns else pl.lit(None, dtype=pl.String)

    record_type = pl.col(TYPE_COLUMN)
    data: Any = None
    number: Any = None
    for type_name, model in RECORD_MODELS[sector].items():
        kinds = dict(_plan(model))
        parts = [pl.concat_str([pl.lit(f"{name}{_IS}"), _field_text(name, kind, notation,
                                                                       columns)])
                 for name, kind in _plan(model)]
        canonical_form = (pl.concat_str(parts, separator=_AND, ignore_nulls=True) if parts
                          else pl.lit(""))
        key_parts = [_field_text(name, kinds.get(name, "text"), notation, columns)
                     for name in NUMBER_FIELDS.get(type_name, ("inschrijvingvolgnummer",))]
        # A typed record's number: "" when a part of it is missing (Record.number).
        own_number = (pl.concat_str(key_parts, separator="/").fill_null("") if key_parts
                      else pl.lit(""))
        data = (pl.when(record_type == type_name) if data is None
                else data.when(record_type == type_name)).then(canonical_form)
        number = (pl.when(record_type == type_name) if number is None
                  else number.when(record_type == type_name)).then(own_number)
    bsn = column("burgerservicenummer")
    pgn = pl.coalesce(bsn, column("onderwijsnummer"))
    return (
        pl.col(LINE_COLUMN).cast(pl.UInt32).alias("_line"),
        column("brin").alias("_brin"),
        pgn.alias("_pgn"),
        number.otherwise(None).alias("_number"),
        record_type.alias("_record_type"),
        # The column checks passed nine digits: mask_pgn keeps the last four.
        pl.concat_str([pl.lit("*****"), pgn.str.slice(-4)]).alias("_masked"),
        bsn.is_not_null().alias("_bsn"),
        data.otherwise(None).alias("_data"),
    )


@dataclass(slots=True)
class SideFrames:
    """What one side's batches leave behind (an observer of ``Engine``)."""

    side: int
    scratch: Scratch
    records: int = 0
    failed: int = 0
    unkeyed: int = 0
    # Precise records' keys come from ``comparison.raw_key``; set by the caller.
    raw_key: Any = None

    compact: list[pl.DataFrame] = field(default_factory=list)
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
            found = pl.concat([passing, pl.LazyFrame(rows, schema=_schema(), orient="row")])
            found = found.sort("_at")
        else:
            found = passing
        keyed = found.with_columns(
            (pl.col("_at").cast(pl.UInt32) + start).alias("_ord")).collect()
        if keyed.is_empty():
            return
        self.compact.append(keyed.select(
            pl.struct("_brin", "_pgn", "_number", "_record_type").hash(_KEY_SEEDS[0])
            .alias("k1"),
            pl.struct("_record_type", "_number", "_pgn", "_brin").hash(_KEY_SEEDS[1])
            .alias("k2"),
            pl.when(pl.col("_data").is_not_null())
            .then(pl.col("_data").hash(_DATA_SEED)).alias("h"),
            pl.col("_ord")))
        path = self.scratch.folder / f"side{self.side}-{len(self.spills)}.arrow"
        keyed.select(_DETAILS).write_ipc(path, compression="uncompressed")
        self.spills.append(path)

    def _precise_rows(self, precise: Precise, sector: Sector) -> list[tuple[object, ...]]:
        """The records the precise path saw, keyed as the store keys them."""
        rows: list[tuple[object, ...]] = []
        for at, raw, checked in precise:
            if checked is not None:
                model = checked.model
                pgn = model.pgn
                rows.append((at, raw.line, model.brin, pgn, model.number, model.record_type,
                             mask_pgn(pgn), bool(model.burgerservicenummer),
                             canonical(model)))
                continue
            self.failed += 1
            key = self.raw_key(raw, sector)
            if key is None:
                self.unkeyed += 1
                continue
            brin, pgn, number, bsn = key
            rows.append((at, raw.line, brin, pgn, number, raw.record_type, mask_pgn(pgn),
                         bsn, None))
        return rows

    def frame(self) -> pl.DataFrame:
        import polars as pl

        if not self.compact:
            return pl.DataFrame(schema={"k1": pl.UInt64, "k2": pl.UInt64, "h": pl.UInt64,
                                        "_ord": pl.UInt32})
        frame = pl.concat(self.compact, rechunk=True)
        self.compact = []
        return frame

    def details(self, ords: pl.Series) -> dict[int, Stored]:
        """The records at these places, as the store would give them."""
        import polars as pl

        wanted = pl.DataFrame({"_ord": ords.unique()})
        found: dict[int, Stored] = {}
        if wanted.is_empty():
            return found
        low, high = wanted["_ord"].min(), wanted["_ord"].max()
        for path in self.spills:
            # Read whole, not mapped: the folder goes on close, and Windows cannot remove a
            # mapped file.
            part = pl.read_ipc(path.read_bytes())
            first, last = part["_ord"][0], part["_ord"][-1]
            if last < low or first > high:
                continue
            for ord_, line, brin, number, record_type, masked, bsn, data in (
                    part.join(wanted, on="_ord", how="semi").iter_rows()):
                found[ord_] = Stored(self.side, brin, number, record_type, b"", bsn, masked,
                                     line, 0, data)
        return found


def _firsts_and_repeats(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per key the first record (lowest place) and the further ones, each with its first's
    place and hash."""
    import polars as pl

    first = pl.struct("k1", "k2").is_first_distinct()
    firsts = frame.filter(first)
    repeats = frame.filter(~first).join(
        firsts.select("k1", "k2", pl.col("_ord").alias("_first"), pl.col("h").alias("_h1")),
        on=["k1", "k2"])
    return firsts, repeats


@dataclass(slots=True)
class Settled:
    """The join of two sides: counts of the matched keys that need no closer look, and the
    store's merge items for the rest, in the store's order."""

    matched: int
    equal: int
    not_compared: int
    items: list[Match | Duplicate]
    unmatched: list[tuple[Stored, Stored | None]]


def settle(ours: SideFrames, theirs: SideFrames) -> Settled:
    import polars as pl

    frames = (ours.frame(), theirs.frame())
    (our_firsts, our_repeats), (their_firsts, their_repeats) = (
        _firsts_and_repeats(frame) for frame in frames)
    del frames
    joined = our_firsts.join(their_firsts, on=["k1", "k2"], how="full", coalesce=True,
                             suffix="_t")
    both = pl.col("_ord").is_not_null() & pl.col("_ord_t").is_not_null()
    matched = joined.filter(both)
    either_failed = pl.col("h").is_null() | pl.col("h_t").is_null()
    not_compared = matched.filter(either_failed).height
    equal = matched.filter(~either_failed & (pl.col("h") == pl.col("h_t"))).height
    differing = matched.filter(~either_failed & (pl.col("h") != pl.col("h_t")))
    lone = joined.filter(~both)
    sides = (ours, theirs)
    repeats = (our_repeats, their_repeats)
    places = ("_ord", "_ord_t")
    wanted = [pl.concat([column.rename("_ord") for column in (
                  differing[places[side]], lone[places[side]].drop_nulls(),
                  repeats[side]["_ord"], repeats[side]["_first"])])
              for side in (OURS, THEIRS)]
    details = [sides[side].details(wanted[side]) for side in (OURS, THEIRS)]

    events: list[tuple[tuple[object, ...], Match | Duplicate]] = []
    for side in (OURS, THEIRS):
        for k1, k2, _h, place, first_place, _first_h in repeats[side].iter_rows():
            extra, first = details[side][place], details[side][first_place]
            order = (extra.brin, extra.number, extra.record_type, k1, k2, 0, side, place)
            events.append((order, Duplicate(extra, first)))
    for k1, k2, _h, place, _h_t, place_t in differing.select(
            "k1", "k2", "h", "_ord", "h_t", "_ord_t").iter_rows():
        mine, other = details[OURS][place], details[THEIRS][place_t]
        order = (mine.brin, mine.number, mine.record_type, k1, k2, 1, 0, place)
        events.append((order, Match(mine, other)))
    events.sort(key=lambda event: event[0])

    alone = sorted(
        ((stored.brin, stored.number, stored.record_type, side, place), stored)
        for side in (OURS, THEIRS) for place in lone[places[side]].drop_nulls()
        for stored in (details[side][place],))
    return Settled(matched.height, equal, not_compared, [item for _, item in events],
                   list(_unmatched([stored for _, stored in alone])))


def _unmatched(alone: list[Stored]) -> Iterator[tuple[Stored, Stored | None]]:
    """``RecordStore.unmatched`` over records already in its order: a group of BRIN,
    number and record type holding exactly one record of each side, one with a BSN and one
    without, is a personal number that changed (given once, OURS first)."""
    counts: dict[tuple[str, str, str], list[Stored]] = {}
    for stored in alone:
        counts.setdefault((stored.brin, stored.number, stored.record_type), []).append(stored)
    waiting: Stored | None = None
    for stored in alone:
        group = counts[(stored.brin, stored.number, stored.record_type)]
        paired = (len(group) == 2 and sum(one.side for one in group) == THEIRS
                  and sum(one.bsn for one in group) == 1)
        if not paired:
            yield stored, None
        elif waiting is None:
            waiting = stored
        else:
            yield waiting, stored
            waiting = None
