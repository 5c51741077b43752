"""Renderers turn a Result into text or a document; they do no I/O.

Every report format is a pure function ``(Result, Lang) -> str`` (a :data:`Renderer`); the CLI
picks one by ``--format`` and decides where the text goes. ``output.py`` is the one module here
that touches the disk: it puts a finished report in place atomically.
"""

from __future__ import annotations

from collections.abc import Callable

from rodcli.codes import Lang
from rodcli.findings import Result

Renderer = Callable[[Result, Lang], str]
