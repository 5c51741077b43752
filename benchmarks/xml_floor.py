"""How fast XML can go through lxml in one Python process, step by step, against xmllint.

    python benchmarks/xml_floor.py benchmarks/data/ho_1000000.xml --repeat 3

Each step adds one piece of what ``rodcli validate`` does per record, none of rodcli's own
code: (1) lxml's streaming parse with events for record elements only, each record dropped
after its event; (2) plus the XSD check of each record (libxml2, as rodcli does it); (3) plus
reading each field's name and text into a dict, through lxml's element proxies. Medians in
µs per record and as a share of ``xmllint --stream`` doing the XSD alone on the same file.
Nothing here is a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from rodcli.bulkformat import NAMESPACES  # noqa: E402
from rodcli.bulkformat.models import RECORD_TYPES  # noqa: E402
from rodcli.bulkformat.xsd import builtin_schema  # noqa: E402

XSD = Path(__file__).resolve().parents[1] / "src" / "rodcli" / "bulkformat" / "schemas"
TAGS = [f"{{{namespace}}}{kind}" for namespace in NAMESPACES.values() for kind in RECORD_TYPES]


def stream(path: Path, validate: bool, extract: bool) -> int:
    schema = builtin_schema("ho")
    records = 0
    root = None
    for _event, element in etree.iterparse(str(path), events=("end",), tag=TAGS,
                                           resolve_entities=False, no_network=True):
        if root is None:
            root = element.getroottree().getroot()
        if validate:
            schema.validate(element)
        if extract:
            values = {}
            for child in element:
                text = child.text
                if text is not None and (text := text.strip()):
                    values[child.tag] = text
        records += 1
        element.clear()
        root.remove(element)
    return records


def timed(step: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, outcome = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        outcome = step()
        times.append(time.perf_counter() - start)
    return statistics.median(times), outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows: list[tuple[str, float]] = []
    xmllint = shutil.which("xmllint")
    records = stream(args.file, False, False)
    if xmllint:
        command = [xmllint, "--stream", "--noout", "--schema",
                   str(XSD / "rod_bulk_ho_v1.xsd"), str(args.file)]
        seconds, _ = timed(lambda: subprocess.run(command, capture_output=True, check=True),
                           args.repeat)
        rows.append(("xmllint --stream (XSD only)", seconds))
    for label, validate, extract in (
            ("lxml iterparse, record events only", False, False),
            ("... + XSD per record", True, False),
            ("... + field values into a dict", True, True)):
        seconds, _ = timed(lambda v=validate, e=extract: stream(args.file, v, e), args.repeat)
        rows.append((label, seconds))
    base = rows[0][1] if xmllint else None
    print(f"{records:,} records, medians of {args.repeat}\n")
    print("| step | µs per record | xmllint's time / this |")
    print("|---|---:|---:|")
    for label, seconds in rows:
        share = f"{base / seconds:.2f}x" if base else ""
        print(f"| {label} | {seconds / records * 1e6:.1f} | {share} |")


if __name__ == "__main__":
    main()
