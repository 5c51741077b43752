"""Peak resident memory of one command: sampled every 50 ms from /proc (Linux), and the
kernel's own peak (``ru_maxrss``), which also catches a peak between two samples.

    python benchmarks/peak_memory.py .venv/bin/rodcli validate benchmarks/data/ho_2000000.csv -q

Prints the peak RSS in MiB and the wall time; with ``--trace`` also the RSS over time, so a
peak can be put beside the phase of the run it falls in. Nothing here is a test.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> None:
    trace = argv[:1] == ["--trace"]
    command = argv[1:] if trace else argv
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    samples: list[tuple[float, int]] = []
    while process.poll() is None:
        try:
            with open(f"/proc/{process.pid}/status") as status:
                rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))
            samples.append((time.perf_counter() - started, rss // 1024))
        except (OSError, StopIteration):
            pass  # between exec and exit the file may be gone
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    kernel_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    if trace:
        step = max(1, len(samples) // 60)
        print(" ".join(f"{at:.1f}:{mib}" for at, mib in samples[::step]))
    print(f"peak {kernel_peak} MiB (sampled {max((mib for _, mib in samples), default=0)} "
          f"MiB), {seconds:.2f} s, exit {process.returncode}")


if __name__ == "__main__":
    main(sys.argv[1:])
