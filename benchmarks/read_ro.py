"""Time and peak memory of reading an RO with rodcli.duo (no comparison yet).

    python benchmarks/read_ro.py benchmarks/data/RO_99XX_20240731_20260324.CSV [--repeat 3]

Prints records/s (median of the runs) and the peak RSS of the process: the reader streams,
so the peak should not grow with the file.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from rodcli.duo.registratieoverzicht import RegistratieoverzichtReader  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    times: list[float] = []
    codes: Counter[str] = Counter()
    for _ in range(args.repeat):
        codes.clear()
        records = 0
        started = time.perf_counter()
        reader = RegistratieoverzichtReader(
            args.file, sink=lambda finding: codes.update([finding.code]))
        for _record in reader:
            records += 1
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{records} records in {median:.2f} s (median of {len(times)}): "
          f"{records / median:,.0f} records/s; peak RSS {peak:.0f} MiB; "
          f"findings {dict(sorted(codes.items()))}; encoding {reader.summary.encoding}")


if __name__ == "__main__":
    main()
