"""What runs a large file on several cores: the worker processes, and the split of the work.

A file is cut into slices at line ends (see ``plan_slices`` for CSV, ``plan_xml_slices`` for
bulk XML, ``plan_export_slices`` for exports); each process reads one slice into its own
on-disk store, then each process runs the cross-record rules for one range of keys over all
the stores. The calling process does the first slice and the first range itself, so a run
on two cores has one extra process. Whatever a slice cannot judge alone raises SliceUnsure,
and the run reads the file whole in one process instead: the result is always the same as
one process's.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import itertools
import multiprocessing
import os
import signal
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext

from rodcli.atomic import interrupts_held
from rodcli.rules.index import KeyRange


class SliceUnsure(Exception):
    """A slice of a file cannot be judged on its own; the file is to be read whole."""


def process_count(jobs: int | None) -> int:
    """The processes for a run: ``jobs``, or one per core, at most as many as one SQLite
    connection can attach stores: each range of keys reads every slice's store, and the
    store of validate's --with files."""
    wanted = jobs if jobs is not None else _available_cores()
    return max(1, min(wanted, _attach_limit() - 1))


def _available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


@functools.cache
def _attach_limit() -> int:
    with contextlib.closing(sqlite3.connect(":memory:")) as db:
        return db.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED)


def key_ranges(count: int) -> list[KeyRange]:
    """Ranges of about equal size: keys are keyed hashes, spread evenly over all bytes."""
    bounds: list[bytes | None] = [None, *(bytes([256 * n // count]) for n in range(1, count)),
                                  None]
    return list(itertools.pairwise(bounds))


def can_fork() -> bool:
    """Whether workers can be forked (and so inherit open files and rodcli's imports)."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def workers(count: int) -> Iterator[ProcessPoolExecutor]:
    """Worker processes that leave Ctrl-C to this process. On any way out but the normal
    one (Ctrl-C, a lost worker, a slice that sends the file back) they are stopped at once,
    not waited for; a worker never prints a traceback of its own."""
    pool = ProcessPoolExecutor(max_workers=count, mp_context=_start_method(),
                               initializer=_leave_interrupts_to_parent)
    # Only the pool's own processes are stopped on the way out, not a library caller's.
    others = set(multiprocessing.active_children())
    try:
        # Workers start on the first submit (forked, all at once). Until their initializer
        # has run they would take Ctrl-C as KeyboardInterrupt: hold it back here and in
        # them till then. (Spawned workers start one by one, the later ones unguarded.)
        with interrupts_held():
            pool.submit(int).result()
        yield pool
    except BaseException:
        for process in set(multiprocessing.active_children()) - others:
            process.terminate()
        # The pool notices its workers are gone; waiting for that (briefly) leaves nothing
        # for its exit hook to trip over.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()


def _leave_interrupts_to_parent() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's SIGTERM handler (end as on Ctrl-C) is not the worker's: terminate() ends
    # a worker outright.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def _die_with_parent() -> None:
    """On Linux, a worker gets SIGKILL when the run is killed outright (``kill -9``),
    instead of working on for minutes with nobody to read its results."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:  # the parent died before the line above
            os._exit(1)


def _start_method() -> BaseContext:
    # fork starts a worker in milliseconds with rodcli already imported; elsewhere, spawn.
    return multiprocessing.get_context("fork" if can_fork() else "spawn")
