"""Putting a finished file in place atomically: a bulk file, a rejects file, a report.

Each is written to a temporary file in the target's own directory and renamed over the target
with ``os.replace``, so a reader (the Loket upload, a CI step, Excel) sees the old file or the
whole new one, never half of one, and a crash leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def temporary_beside(target: Path) -> Path:
    """An empty temporary file in ``target``'s folder (so the final rename is atomic)."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                    dir=target.parent if str(target.parent) else ".")
    os.close(handle)
    return Path(name)


def publish(temporary: Path, target: Path) -> None:
    """Rename ``temporary`` over ``target``, with the mode any new file would get (mkstemp
    makes it private)."""
    temporary.chmod(0o666 & ~_umask())
    os.replace(temporary, target)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` through a temporary file and ``os.replace``.

    Raises ``OSError`` when the directory is missing or not writable, or ``path`` is a
    directory; the temporary file is removed in every case.
    """
    temporary = temporary_beside(path)
    try:
        # backslashreplace: a path given as undecodable bytes must not stop the report.
        with temporary.open("w", encoding="utf-8", errors="backslashreplace",
                            newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        publish(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
