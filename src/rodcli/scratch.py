"""A temporary SQLite database for state that must not live in memory: the cross-record
state of validate and build, and the two sides of compare.

It sits in a private folder (mode 0700) that is removed with everything in it on close. A
run killed outright (``kill -9``) cannot remove its folder: each run holds a lock on a file
in its own, which the OS lets go when the process ends, however it ends, and the next run
removes every folder whose lock nobody holds (``remove_stale``).
Personal numbers never go in as they are: callers store ``digest(...)``, a hash keyed with a
secret made for this run only. A plain hash would not do: a BSN has only 10^9 values, so an
unkeyed hash on disk could be reversed by trying them all.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from rodcli.findings import Finding, Location, make_finding

if TYPE_CHECKING:
    import sqlite3

if sys.platform != "win32":
    import fcntl

# The page cache is bounded, whatever the number of records; the rest lives on disk. SQLite
# also sorts in memory up to this size before it spills to disk.
CACHE_KIB = 16 * 1024
# A worker's database is written in order and read once by another process: a small cache
# does, and keeps a run on several cores within the memory of one.
PART_CACHE_KIB = 4 * 1024
PREFIX = "rodcli-"  # every scratch folder's name starts so
_LOCK = "run.lock"


class Scratch:
    """The run's private folder with one database in it; ``part`` opens more databases in
    the same folder, with the same secret, for the worker processes of a parallel run."""

    def __init__(self, prefix: str) -> None:
        self._folder: tempfile.TemporaryDirectory[str] | None = tempfile.TemporaryDirectory(
            prefix=prefix)
        self.folder = Path(self._folder.name)
        self._lock = _hold_lock(self.folder)
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
        import hashlib

        return hashlib.blake2b(text.encode("utf-8"), key=self.secret, digest_size=16).digest()

    def close(self) -> None:
        self.db.close()
        if self._folder is not None:
            self._folder.cleanup()
            if self._lock is not None:
                os.close(self._lock)

    def __enter__(self) -> Scratch:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


def _connect(path: Path, cache_kib: int) -> sqlite3.Connection:
    import sqlite3  # only a run that keeps a store pays for it (rodcli --version does not)

    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE",
                   f"cache_size = -{cache_kib}", "locking_mode = EXCLUSIVE"):
        db.execute(f"PRAGMA {pragma}")
    return db


def _hold_lock(folder: Path) -> int | None:
    """A lock held on a file in ``folder`` for as long as this process lives. It is taken
    under a temporary name and then renamed, so ``remove_stale`` never sees the lock file of
    a live run before it is locked. (None on Windows, where an open folder cannot be
    removed anyway.)"""
    if sys.platform == "win32":
        return None
    pending = folder / f"{_LOCK}.new"
    handle = os.open(pending, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    fcntl.flock(handle, fcntl.LOCK_EX)
    os.rename(pending, folder / _LOCK)
    return handle


def remove_stale(parent: Path | None = None) -> list[Path]:
    """Remove the scratch folders of runs that ended without removing them (killed with
    SIGKILL, or the machine stopped): this user's, whose lock nobody holds. Returns them.
    A folder without a lock file (being made, or of another program) is left alone."""
    removed: list[Path] = []
    if sys.platform == "win32":
        return removed
    base = parent if parent is not None else Path(tempfile.gettempdir())
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(PREFIX):
            continue
        with contextlib.suppress(OSError):
            if not entry.is_dir(follow_symlinks=False) or \
                    entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            handle = os.open(Path(entry.path) / _LOCK, os.O_RDONLY | os.O_NOFOLLOW)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: alive
                shutil.rmtree(entry.path)
                removed.append(Path(entry.path))
            finally:
                os.close(handle)
    return removed


def folder_full(error: BaseException, inputs: Sequence[Path]) -> Finding | None:
    """I022 when ``error`` is the temporary folder running full (SQLite's "database or disk
    is full", ENOSPC or a quota from a spool file), else None. Says where, and about how much
    this run needs there: twice the inputs' size is what a run takes at most (the store of
    keys, the spooled records of build)."""
    import sqlite3

    if isinstance(error, sqlite3.OperationalError) and "full" in str(error):
        reason = str(error)
    elif isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        reason = error.strerror or str(error)
    else:
        return None
    size = 0
    for path in inputs:
        with contextlib.suppress(OSError):
            size += path.stat().st_size
    folder = tempfile.gettempdir()
    return make_finding("I022", Location(folder), folder=folder, reason=reason,
                        needed=_size_text(max(2 * size, 1 << 20)))


def _size_text(size: int) -> str:
    amount = float(size)
    for unit in ("bytes", "KiB", "MiB"):
        if amount < 1024:
            return f"{amount:.0f} {unit}" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GiB"
