"""What runs build's first pass over a large CSV export on several cores: the worker
processes. The export is cut into slices at line ends (``plan_export_slices``); each process
maps and checks one slice's rows and hands back their findings and key rows; the cross-record
rules then run in the engine's key table, in this process. Whatever a slice cannot judge
alone raises SliceUnsure, and the export is read whole in one process instead: the result is
always the same as one process's. (``validate`` needs no processes: its column engine uses
every core itself.)
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext

from rodcli.atomic import interrupts_held


class SliceUnsure(Exception):
    """A slice of a file cannot be judged on its own; the file is to be read whole."""


def process_count(jobs: int | None) -> int:
    """The processes for a run: ``jobs``, or one per core."""
    return max(1, jobs if jobs is not None else _available_cores())


def _available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


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
