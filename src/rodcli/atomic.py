"""Putting a finished file in place atomically: a bulk file, a rejects file, a report.

Each is written to a temporary file in the target's own directory and linked or renamed over
the target, so a reader (the Loket upload, a CI step, Excel) sees the old file or the whole
new one, never half of one, and a crash leaves the old file as it was.

Where the OS allows it (Linux: ``O_TMPFILE``) the temporary file has no name at all until it
is linked into place: a run killed outright (``kill -9``, the OOM killer) then leaves nothing
behind, not even a file with personal numbers in it. Elsewhere it is a hidden
``.NAME.*.tmp`` file (mode 0600) that every way out but SIGKILL removes.

Without ``--force`` the file is linked in place, not renamed: a link fails when the target
exists, so a file that appeared at the target while the run worked (another build, a user)
is never replaced silently.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

# Files that hold full personal numbers (the bulk file, the rejects file) are readable by
# their owner only, whatever the umask.
PRIVATE = 0o600
_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class Pending:
    """A file being written for ``target``, in ``target``'s folder (so the final step is
    atomic). Open ``path`` to write and read it; then ``publish`` or ``discard`` it."""

    def __init__(self, target: Path) -> None:
        self.target = target
        folder = target.parent if str(target.parent) else Path(".")
        self._descriptor: int | None = _unnamed_in(folder)
        if self._descriptor is not None:
            # The file itself, for as long as this process keeps the descriptor open (a
            # forked worker inherits it under the same number).
            self.path = Path(f"/proc/self/fd/{self._descriptor}")
            self._name: Path | None = None
        else:
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                            dir=folder)
            os.close(handle)
            self.path = self._name = Path(name)

    def publish(self, *, replace: bool, mode: int | None = None) -> None:
        """Put the file at ``target``: with ``replace``, over whatever is there; without,
        only if nothing is (``FileExistsError`` otherwise, the file stays pending).
        ``mode``: the permission bits (default: those any new file gets under the umask)."""
        bits = mode if mode is not None else 0o666 & ~_umask()
        if self._descriptor is not None:
            os.fchmod(self._descriptor, bits)
            if not replace:
                _link(self.path, self.target)
            else:
                # A name first (a link cannot replace), renamed over the target at once.
                name = self._link_to_fresh_name()
                try:
                    os.replace(name, self.target)
                except BaseException:
                    name.unlink(missing_ok=True)
                    raise
            self.discard()
            return
        assert self._name is not None
        self._name.chmod(bits)
        if replace:
            os.replace(self._name, self.target)
        else:
            os.link(self._name, self.target)
            self._name.unlink()
        self._name = None

    def discard(self) -> None:
        """Forget the file (it goes with its last descriptor, or its name is removed)."""
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None
        if self._name is not None:
            self._name.unlink(missing_ok=True)
            self._name = None

    def _link_to_fresh_name(self) -> Path:
        folder = self.target.parent if str(self.target.parent) else Path(".")
        for _ in range(100):
            name = folder / f".{self.target.name}.{os.urandom(6).hex()}.tmp"
            try:
                _link(self.path, name)
            except FileExistsError:
                continue
            return name
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(folder))


def pending_beside(target: Path) -> Pending:
    """A new pending file for ``target``, made with Ctrl-C and SIGTERM held back (so it is
    always known to the caller, who discards it on the way out)."""
    with interrupts_held():
        return Pending(target)


def _unnamed_in(folder: Path) -> int | None:
    """A descriptor of a new unnamed file in ``folder``, or None where the OS or the file
    system has none (then a named temporary file does)."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, flag | os.O_RDWR, PRIVATE)
    except OSError as error:
        if error.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return None  # a file system without O_TMPFILE: fall back to a name
        raise


def _link(source: Path, target: Path) -> None:
    # linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd/N gives the unnamed file a name; Python
    # uses linkat (not link) only when a dir_fd is passed, so the root folder's is.
    root = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.link(source, target, src_dir_fd=root, follow_symlinks=True)
    finally:
        os.close(root)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM back for a moment: a temporary file made and noted for
    removal in one step, or worker processes started before they can take it themselves. A
    signal meanwhile takes effect right after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)


def same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file: the same path after ``..`` and symbolic links
    (dangling ones too), or two hard links to one file."""
    try:
        if os.path.realpath(first) == os.path.realpath(second):
            return True
        return first.exists() and second.exists() and first.samefile(second)
    except (OSError, ValueError):
        return False


def write_atomically(path: Path, text: str | Iterable[str], *, replace: bool = True) -> None:
    """Write ``text`` (or its pieces, as they come) as UTF-8 to ``path`` through a pending
    file, replacing ``path`` (with ``replace=False``: only if nothing is there then, else
    ``FileExistsError``).

    Raises ``OSError`` when the directory is missing or not writable, or ``path`` is a
    directory; the pending file is discarded in every case.
    """
    pending = pending_beside(path)
    try:
        # backslashreplace: a path given as undecodable bytes must not stop the report.
        with pending.path.open("w", encoding="utf-8", errors="backslashreplace",
                               newline="") as stream:
            if isinstance(text, str):
                stream.write(text)
            else:
                for piece in text:
                    stream.write(piece)
            stream.flush()
            os.fsync(stream.fileno())
        pending.publish(replace=replace)
    finally:
        pending.discard()


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current
