"""rodcli validate and xmllint --stream on the same bulk XML file, in turn, so that both see
the same load: wall and CPU time of each run (getrusage), medians and ratios.

    .venv/bin/python benchmarks/paired_xml.py benchmarks/data/ho_1000000.xml --repeat 3

On a machine shared with other work, CPU time is the figure the load disturbs least.
Nothing here is a test.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RODCLI = ROOT / ".venv" / "bin" / "rodcli"
XSD = ROOT / "src" / "rodcli" / "bulkformat" / "schemas"


def timed(command: list[str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    exit_code = subprocess.run(command, capture_output=True).returncode
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, exit_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sector", default="ho", choices=["ho", "mbo"])
    args = parser.parse_args()
    xmllint = shutil.which("xmllint")
    if xmllint is None:
        raise SystemExit("xmllint is not installed (Debian: libxml2-utils)")
    commands = {
        "rodcli": [str(RODCLI), "validate", str(args.file), "-q"],
        "xmllint": [xmllint, "--stream", "--noout", "--schema",
                    str(XSD / f"rod_bulk_{args.sector}_v1.xsd"), str(args.file)],
    }
    runs: dict[str, list[tuple[float, float, int]]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, command in commands.items():
            runs[name].append(timed(command))
            wall, cpu, exit_code = runs[name][-1]
            print(f"{name:8s} wall {wall:7.2f} s  CPU {cpu:7.2f} s  exit {exit_code}")
    wall = {name: statistics.median(run[0] for run in found) for name, found in runs.items()}
    cpu = {name: statistics.median(run[1] for run in found) for name, found in runs.items()}
    pairs = [round(theirs[0] / ours[0], 2)
             for ours, theirs in zip(runs["rodcli"], runs["xmllint"], strict=True)]
    print(f"medians: rodcli {wall['rodcli']:.2f} s (CPU {cpu['rodcli']:.2f}), xmllint "
          f"{wall['xmllint']:.2f} s (CPU {cpu['xmllint']:.2f}); rodcli at "
          f"{wall['xmllint'] / wall['rodcli']:.2f}x xmllint's speed (CPU "
          f"{cpu['xmllint'] / cpu['rodcli']:.2f}x); per pair {pairs}")


if __name__ == "__main__":
    main()
