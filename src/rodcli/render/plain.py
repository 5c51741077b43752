"""The text report as a plain string (``--format text`` with ``--output``, or for tests).

``render_text`` returns a rich renderable so a terminal gets colour; this turns the same report
into uncoloured text, one ``file:line:col: CODE message`` line per finding, never wrapped.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from rich.console import Console

from rodcli.codes import Lang
from rodcli.findings import Result
from rodcli.render.text import text_parts


def render_plain(result: Result, lang: Lang) -> str:
    return "".join(stream_plain(result, lang))


def stream_plain(result: Result, lang: Lang) -> Iterator[str]:
    """The plain report a finding at a time."""
    buffer = io.StringIO()
    # No colour and no terminal probing: the text must not depend on where it is written.
    console = Console(file=buffer, soft_wrap=True, highlight=False, color_system=None,
                      force_terminal=False, force_jupyter=False, width=100)
    for part in text_parts(result, lang):
        console.print(part)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
