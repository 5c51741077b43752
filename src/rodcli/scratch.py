"""A temporary SQLite database for state that must not live in memory: the cross-record
state of validate and build, and the two sides of compare.

It sits in a private folder (mode 0700) that is removed with everything in it on close.
Personal numbers never go in as they are: callers store ``digest(...)``, a hash keyed with a
secret made for this run only. A plain hash would not do: a BSN has only 10^9 values, so an
unkeyed hash on disk could be reversed by trying them all.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path
from types import TracebackType

# The page cache is bounded, whatever the number of records; the rest lives on disk. SQLite
# also sorts in memory up to this size before it spills to disk.
CACHE_KIB = 16 * 1024
# A worker's database is written in order and read once by another process: a small cache
# does, and keeps a run on several cores within the memory of one.
PART_CACHE_KIB = 4 * 1024


class Scratch:
    """The run's private folder with one database in it; ``part`` opens more databases in
    the same folder, with the same secret, for the worker processes of a parallel run."""

    def __init__(self, prefix: str) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = tempfile.TemporaryDirectory(
            prefix=prefix)
        self.folder = Path(self._folder.name)
        self.secret = os.urandom(32)
        self.db = _connect(self.folder / "scratch.sqlite", CACHE_KIB)

    @classmethod
    def part(cls, folder: Path, secret: bytes, name: str) -> Scratch:
        """Another database in a run's folder, left in place on close for the run to read
        (the folder goes when the run's own Scratch closes)."""
        scratch = cls.__new__(cls)
        scratch._folder, scratch.folder, scratch.secret = None, folder, secret
        scratch.db = _connect(folder / name, PART_CACHE_KIB)
        return scratch

    def digest(self, text: str) -> bytes:
        """A keyed hash of ``text``: equal within this run, meaningless outside it."""
        return hashlib.blake2b(text.encode("utf-8"), key=self.secret, digest_size=16).digest()

    def close(self) -> None:
        self.db.close()
        if self._folder is not None:
            self._folder.cleanup()

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _connect(path: Path, cache_kib: int) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE",
                   f"cache_size = -{cache_kib}", "locking_mode = EXCLUSIVE"):
        db.execute(f"PRAGMA {pragma}")
    return db
