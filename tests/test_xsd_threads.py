"""Schemas compiled on several threads at once (build checks its XML output on two threads,
and a school's own script may call the API from a thread pool).

libxml2's schema compiler sets up its built-in types on the first compile in a process. Two
threads doing that first compile at the same moment leave the process unable to compile any
schema: with lxml 6.1.3, about one fresh process in eight fails every compile with
XMLSchemaParseError. It reached CI as an internal error of ``build``."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import pytest
from lxml import etree

from rodcli.bulkformat.xsd import XSD_FILES, compile_schema, load_schema, secure_parser, xsd_text

# Each forked child is a process whose first schema compile happens on two threads at once.
FIRST_COMPILES = textwrap.dedent("""
    import os, sys, threading
    from lxml import etree
    from rodcli.bulkformat.xsd import compile_schema, xsd_text

    def first_compile_on_two_threads():
        start = threading.Barrier(2)
        failed = []
        def compile_one(sector):
            start.wait()
            try:
                compile_schema(etree.fromstring(xsd_text(sector).encode()))
            except Exception as error:
                failed.append(type(error).__name__)
        threads = [threading.Thread(target=compile_one, args=(s,)) for s in ("ho", "mbo")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        os._exit(1 if failed else 0)

    broken = 0
    for _ in range(int(sys.argv[1])):
        child = os.fork()
        if child == 0:
            first_compile_on_two_threads()
        broken += os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) != 0
    print(broken)
""")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork for fresh processes cheaply")
def test_the_first_compile_in_a_process_may_happen_on_two_threads_at_once() -> None:
    done = subprocess.run([sys.executable, "-c", FIRST_COMPILES, "150"], capture_output=True,
                          text=True, timeout=120, check=True)
    assert done.stdout.strip() == "0", "processes whose schemas would not compile"


def _compile_on_two_threads(compile_one: object, rounds: int = 40) -> int:
    start = Barrier(2)

    def compile_many(_: int) -> int:
        start.wait()
        for _round in range(rounds):
            compile_one()  # type: ignore[operator]
        return rounds

    with ThreadPoolExecutor(2) as pool:
        return sum(pool.map(compile_many, range(2)))


def _builtin(sector: str) -> etree.XMLSchema:
    return compile_schema(etree.fromstring(xsd_text(sector).encode(), secure_parser()))


def test_the_builtin_schemas_compile_on_two_threads_at_once() -> None:
    sectors = iter(["ho", "mbo"] * 40)
    assert _compile_on_two_threads(lambda: _builtin(next(sectors))) == 80


def test_a_users_schema_compiles_on_two_threads_at_once(tmp_path: Path) -> None:
    own = tmp_path / XSD_FILES["ho"]
    own.write_text(xsd_text("ho"), encoding="utf-8")
    assert _compile_on_two_threads(lambda: load_schema(own)) == 80
