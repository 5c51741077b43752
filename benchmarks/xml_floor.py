"""How fast XML can go through lxml in one Python process, step by step, against xmllint.

    python benchmarks/xml_floor.py benchmarks/data/ho_1000000.xml --repeat 3

Each step adds one piece of what ``rodcli validate`` does per record, none of rodcli's own
code: (1) lxml's streaming parse with events for record elements only, each record dropped
after its event; (2) plus the XSD check of each record (libxml2, as rodcli does it); (3) plus
reading each field's name and text into a dict, through lxml's element proxies. Then the
two halves of rodcli's XML adapter (``rodcli.engine.xml_input``), each on its own in one
thread over the file's chunks of 2 MiB: (4) the XSD gate, libxml2 validating each chunk as
it reads, building no tree; (5) the chunk's lines cut into string columns by polars. Medians
of CPU time (all threads) in µs per record and as a share of ``xmllint --stream`` doing the
XSD alone on the same file. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from rodcli.bulkformat import NAMESPACES  # noqa: E402
from rodcli.bulkformat.models import RECORD_TYPES  # noqa: E402
from rodcli.bulkformat.xsd import builtin_schema, valid_as_read  # noqa: E402

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
        start = time.process_time()
        outcome = step()
        times.append(time.process_time() - start)
    return statistics.median(times), outcome


def xmllint_cpu(command: list[str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def adapter_chunks(path: Path) -> tuple[Any, list[tuple[bytes, int]]]:
    from rodcli.engine import xml_input

    plan = xml_input._plan(path, None)
    assert plan is not None, "not a plain bulk file"
    data = path.read_bytes()[plan.start:]
    ends = [f"</{name}>".encode() for name in plan.tags.types]
    chunks, at, line = [], 0, plan.first_line
    while True:
        cut = xml_input._cut(data[at:at + xml_input.CHUNK_BYTES], ends)
        if cut < 0:
            return plan, chunks
        chunks.append((data[at:at + cut], line))
        line += chunks[-1][0].count(b"\n")
        at += cut


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
        seconds = statistics.median(xmllint_cpu(command) for _ in range(args.repeat))
        rows.append(("xmllint --stream (XSD only)", seconds))
    for label, validate, extract in (
            ("lxml iterparse, record events only", False, False),
            ("... + XSD per record", True, False),
            ("... + field values into a dict", True, True)):
        seconds, _ = timed(lambda v=validate, e=extract: stream(args.file, v, e), args.repeat)
        rows.append((label, seconds))
    from rodcli.engine import xml_input

    plan, chunks = adapter_chunks(args.file)
    schema = builtin_schema("ho")
    seconds, _ = timed(lambda: [valid_as_read(plan.prefix + chunk + plan.suffix, schema)
                                for chunk, _line in chunks], args.repeat)
    rows.append(("rodcli's XSD gate per chunk (no tree)", seconds))
    seconds, _ = timed(lambda: [xml_input._columns(chunk, line, plan.tags)
                                for chunk, line in chunks], args.repeat)
    rows.append(("rodcli's chunk to columns (polars)", seconds))
    base = rows[0][1] if xmllint else None
    print(f"{records:,} records, medians of {args.repeat} (CPU time)\n")
    print("| step | µs per record | xmllint's time / this |")
    print("|---|---:|---:|")
    for label, seconds in rows:
        share = f"{base / seconds:.2f}x" if base else ""
        print(f"| {label} | {seconds / records * 1e6:.1f} | {share} |")


if __name__ == "__main__":
    main()
