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

# The page cache is bounded, whatever the number of records; the rest lives on disk.
CACHE_KIB = 16 * 1024


class Scratch:
    def __init__(self, prefix: str) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix=prefix)
        self.db = sqlite3.connect(Path(self._folder.name) / "scratch.sqlite",
                                  isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE",
                       f"cache_size = -{CACHE_KIB}", "locking_mode = EXCLUSIVE"):
            self.db.execute(f"PRAGMA {pragma}")
        self._secret = os.urandom(32)

    def digest(self, text: str) -> bytes:
        """A keyed hash of ``text``: equal within this run, meaningless outside it."""
        return hashlib.blake2b(text.encode("utf-8"), key=self._secret, digest_size=16).digest()

    def close(self) -> None:
        self.db.close()
        self._folder.cleanup()

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()
