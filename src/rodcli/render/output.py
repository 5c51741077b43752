"""Putting a finished report in place (``--output FILE``), atomically.

The report is written to a temporary file in the target's directory and renamed over the target
with ``os.replace``, so a reader (a CI upload step, an editor) sees the old file or the whole
new one, never half a report, and a crash leaves the old file as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` through a temporary file and ``os.replace``.

    Raises ``OSError`` when the directory is missing or not writable, or ``path`` is a
    directory; the temporary file is removed in every case.
    """
    directory = path.parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        # backslashreplace: a path given as undecodable bytes must not stop the report.
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace",
                       newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp creates the file 0600; a report gets the mode any new file would get.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
