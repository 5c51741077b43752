"""Inputs that are not regular files: a FIFO, a pipe (``/dev/stdin``), process substitution
(``<(cat bulk.csv)``, ``/dev/fd/63``). They can be read once only, and have no size; rodcli
reads its inputs more than once (the head to tell XML from CSV, then the whole; build reads
an export again for its rejected rows). Such an input is copied once into an unnamed
temporary file, which every later open reads instead.
"""

from __future__ import annotations

import atexit
import os
import shutil
import stat
import tempfile
from pathlib import Path

# One copy per input for the whole run: a pipe cannot be read a second time.
_SPOOLED: dict[str, Path] = {}


def regular_file(path: Path) -> Path:
    """``path`` itself when it is a regular file (or cannot be looked at: the caller's open
    then says why); otherwise a path to a copy of what it held, read once, on first use.

    The copy has no name on disk where the OS allows it (``/proc/self/fd/N`` of an
    ``O_TMPFILE``, gone with the process, readable by this process only); elsewhere it is a
    private temporary file removed at exit.
    """
    try:
        if stat.S_ISREG(os.stat(path).st_mode):
            return path
    except (OSError, ValueError):
        return path
    key = str(path)
    if key not in _SPOOLED:
        _SPOOLED[key] = _spool(path)
    return _SPOOLED[key]


def _spool(path: Path) -> Path:
    folder = tempfile.gettempdir()
    descriptor: int | None = None
    unnamed = getattr(os, "O_TMPFILE", 0)
    if unnamed and os.path.isdir("/proc/self/fd"):
        try:
            descriptor = os.open(folder, unnamed | os.O_RDWR, 0o600)
        except OSError:
            descriptor = None
    if descriptor is None:
        handle, name = tempfile.mkstemp(prefix="rodcli-input-")
        atexit.register(lambda: Path(name).unlink(missing_ok=True))
        copy = Path(name)
    else:
        handle = descriptor
        copy = Path(f"/proc/self/fd/{descriptor}")
    try:
        with open(path, "rb") as source, open(handle, "wb", closefd=descriptor is None) as out:
            shutil.copyfileobj(source, out, 1 << 20)
    except BaseException:
        if descriptor is not None:
            os.close(descriptor)
        raise
    return copy
