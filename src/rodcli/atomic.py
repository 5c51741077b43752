"""Putting a finished file in place atomically: a bulk file, a rejects file, a report.

Each is written to a temporary file in the target's own directory and renamed over the target
with ``os.replace``, so a reader (the Loket upload, a CI step, Excel) sees the old file or the
whole new one, never half of one, and a crash leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path


def temporary_beside(target: Path) -> Path:
    """An empty temporary file in ``target``'s folder (so the final rename is atomic)."""
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                    dir=target.parent if str(target.parent) else ".")
    os.close(handle)
    return Path(name)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C back for a moment: a temporary file made and noted for removal in one
    step, or worker processes started before they can take it themselves. A Ctrl-C
    meanwhile takes effect right after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


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
    with interrupts_held():
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
