"""A JSON document with one long list written a piece at a time: the same text as
``json.dumps(document, ensure_ascii=False, indent=2)`` with the list in place, without ever
holding the list (a report of a million findings)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

# Stands in the document where the list goes; no text from a file can hold it (findings are
# made inert: control characters are escaped).
PLACE = "\x00rodcli:list\x00"
_INDENT = 2


def stream_document(document: dict[str, Any], items: Iterable[Any], depth: int,
                    default: Callable[[Any], Any] | None = None) -> Iterator[str]:
    """``document`` as indented JSON with ``items`` where it holds ``PLACE``; ``depth``: how
    many levels in the list's items stand (the closing bracket one less)."""
    text = json.dumps(document, ensure_ascii=False, indent=_INDENT, default=default)
    head, _, tail = text.partition(json.dumps(PLACE))
    yield head
    indent = " " * (_INDENT * depth)
    first = True
    for item in items:
        body = json.dumps(item, ensure_ascii=False, indent=_INDENT, default=default)
        yield ("[\n" if first else ",\n") + indent + body.replace("\n", "\n" + indent)
        first = False
    yield "[]" if first else "\n" + " " * (_INDENT * (depth - 1)) + "]"
    yield tail + "\n"
