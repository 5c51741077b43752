"""Time rodcli against the tools a user would otherwise script together, on the same files.

    python benchmarks/run.py --rows 1000000 2000000 --repeat 3

Needs: this project installed in .venv; xmllint (Debian: libxml2-utils); frictionless in
its own virtualenv (``python3 -m venv /tmp/flvenv && /tmp/flvenv/bin/pip install
frictionless``; pass --frictionless PATH). Missing baselines are skipped, and say so.
Prints a Markdown table of medians: seconds, rows/s, peak memory of the command and its
worker processes together (PSS and RSS), and ratios against the baselines of the same run.
Nothing here is a test: the suite has no timed asserts.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
PYTHON = ROOT / ".venv" / "bin" / "python"
RODCLI = ROOT / ".venv" / "bin" / "rodcli"
XSD = ROOT / "src" / "rodcli" / "bulkformat" / "schemas" / "rod_bulk_ho_v1.xsd"

# Runs a command and reports its wall time and peak memory of the command with all its
# descendants (rodcli's worker processes), sampled every 20 ms: the largest sum of their
# proportional set sizes (PSS: a page shared by a forked worker and its parent counted once,
# half to each) and, for comparison, of their resident sets (RSS: shared pages counted in
# every process that maps them, so it errs on the high side). Neither is ever less than the
# kernel's own peak RSS for the largest single process, which catches a peak between samples.
_LAUNCHER = """
import json, os, resource, subprocess, sys, time

def tree(pid):
    found = [pid]
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as children:
            for child in children.read().split():
                found.extend(tree(int(child)))
    return found

def kib(path, field):
    with open(path) as lines:
        for line in lines:
            if line.startswith(field):
                return int(line.split()[1])
    return 0

start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
peak_pss = peak_rss = 0
while process.poll() is None:
    pss = rss = 0
    try:
        for pid in tree(process.pid):
            pss += kib(f"/proc/{pid}/smaps_rollup", "Pss:")
            rss += kib(f"/proc/{pid}/status", "VmRSS:")
    except (FileNotFoundError, ProcessLookupError):
        pass  # a process ended while being looked at
    peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
    time.sleep(0.02)
seconds = time.perf_counter() - start
largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "pss_kib": max(peak_pss, largest),
                  "rss_kib": max(peak_rss, largest), "exit": process.returncode}))
"""


def measure(command: list[str], repeat: int) -> dict[str, float]:
    """The median wall time of ``repeat`` runs with nothing else running, and the peak
    memory of one more run, sampled. The sampling itself takes CPU time (reading
    smaps_rollup every 20 ms walks the process's page tables): on two cores it slowed a
    command that keeps both busy (rodcli) by up to 10%, one that keeps one busy (xmllint,
    frictionless) hardly at all, so timed runs are not sampled."""
    seconds = []
    exit_code = 0
    for _ in range(repeat):
        start = time.perf_counter()
        exit_code = subprocess.run(command, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL).returncode
        seconds.append(time.perf_counter() - start)
    output = subprocess.run([sys.executable, "-c", _LAUNCHER, *command],
                            capture_output=True, text=True, check=True).stdout
    sampled = json.loads(output)
    return {
        "seconds": statistics.median(seconds),
        "pss_mib": sampled["pss_kib"] / 1024,
        "rss_mib": sampled["rss_kib"] / 1024,
        "exit": exit_code,
    }


def ensure(rows: int, fmt: str, error_rate: float = 0.0) -> Path:
    suffix = f"_err{int(error_rate * 100)}" if error_rate else ""
    path = DATA / f"ho_{rows}{suffix}.{fmt}"
    if not path.exists():
        DATA.mkdir(exist_ok=True)
        subprocess.run([str(PYTHON), str(HERE / "generate.py"), "--rows", str(rows), "--format",
                        fmt, "--error-rate", str(error_rate), "-o", str(path)], check=True)
    return path


def ensure_changed(original: Path) -> Path:
    """A copy of a bulk CSV as ROD might hold it: per 1000 records, 5 gone (C001), 10 with
    another opleidingsvorm (C003) and 5 under another sequence number (C001 + C002)."""
    path = original.with_name(original.stem + "_changed.csv")
    if path.exists():
        return path
    with original.open(encoding="utf-8") as source, \
            path.open("w", encoding="utf-8", newline="\n") as out:
        header = source.readline()
        out.write(header)
        names = header.rstrip("\n").split(";")
        form, number = names.index("opleidingsvorm"), names.index("inschrijvingvolgnummer")
        for index, line in enumerate(source):
            per_mille = index % 1000
            if per_mille < 5:
                continue
            cells = line.rstrip("\n").split(";")
            if 10 <= per_mille < 20 and cells[form]:
                cells[form] = "DEELTIJD" if cells[form] != "DEELTIJD" else "VOLTIJD"
            elif 20 <= per_mille < 25:
                cells[number] += "X"
            out.write(";".join(cells) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--frictionless", default="/tmp/flvenv/bin/frictionless")
    parser.add_argument("--before", default=None,
                        help="another rodcli to time beside this one (e.g. the last release "
                             "installed in its own virtualenv)")
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    parser.add_argument("--only", nargs="*", default=None,
                        help="measure only labels containing one of these words (e.g. "
                             "'validate' 'xmllint')")
    args = parser.parse_args()
    frictionless = args.frictionless if Path(args.frictionless).exists() else None
    xmllint = shutil.which("xmllint")
    figures: list[dict[str, object]] = []

    def run(label: str, rows: int, command: list[str]) -> None:
        if args.only and not any(word in label for word in args.only):
            return
        result = measure(command, args.repeat)
        result.update(label=label, rows=rows, rows_per_s=rows / result["seconds"])
        figures.append(result)
        print(f"{label:<44} {rows:>9,} rows {result['seconds']:8.2f} s "
              f"{result['rows_per_s']:>10,.0f} rows/s {result['pss_mib']:7.1f} MiB PSS "
              f"{result['rss_mib']:7.1f} MiB RSS "
              f"exit {result['exit']}", file=sys.stderr)

    before = args.before if args.before and Path(args.before).exists() else None
    for rows in args.rows:
        csv_file, xml_file = ensure(rows, "csv"), ensure(rows, "xml")
        errors_file = ensure(rows, "csv", error_rate=1.0)
        out = DATA / f"built_{rows}.xml"
        run("rodcli validate CSV (all rules)", rows,
            [str(RODCLI), "validate", str(csv_file), "-q"])
        if frictionless:
            run("frictionless validate CSV (Table Schema only)", rows,
                [frictionless, "validate", str(csv_file.relative_to(ROOT)), "--schema",
                 str((HERE / "frictionless_schema.json").relative_to(ROOT)), "--dialect",
                 '{"csv": {"delimiter": ";"}}'])
        if before:
            run("rodcli before: validate CSV", rows, [before, "validate", str(csv_file), "-q"])
        run("rodcli validate XML (XSD + all rules)", rows,
            [str(RODCLI), "validate", str(xml_file), "-q"])
        if xmllint:
            run("xmllint --stream (XSD only)", rows,
                [xmllint, "--stream", "--noout", "--schema", str(XSD), str(xml_file)])
        if before:
            run("rodcli before: validate XML", rows, [before, "validate", str(xml_file), "-q"])
        run("rodcli build CSV export -> XML", rows,
            [str(RODCLI), "build", str(csv_file), "-m", str(HERE / "identity_mapping.toml"),
             "--sector", "ho", "-o", str(out), "--force", "-q"])
        run("rodcli build CSV export -> CSV", rows,
            [str(RODCLI), "build", str(csv_file), "-m", str(HERE / "identity_mapping.toml"),
             "--sector", "ho", "--format", "csv", "-o", str(out), "--force", "-q"])
        if before:
            run("rodcli before: build CSV export -> XML", rows,
                [before, "build", str(csv_file), "-m", str(HERE / "identity_mapping.toml"),
                 "--sector", "ho", "-o", str(out), "--force", "-q"])
            run("rodcli before: build CSV export -> CSV", rows,
                [before, "build", str(csv_file), "-m", str(HERE / "identity_mapping.toml"),
                 "--sector", "ho", "--format", "csv", "-o", str(out), "--force", "-q"])
        # compare counts the records of both sides (the target: 2M records in 20 s).
        changed = ensure_changed(csv_file)
        run("rodcli compare two CSV files", 2 * rows,
            [str(RODCLI), "compare", str(csv_file), str(changed), "-q"])
        if before:
            run("rodcli before: compare two CSV files", 2 * rows,
                [before, "compare", str(csv_file), str(changed), "-q"])
        run("rodcli compare CSV with XML (same records)", 2 * rows,
            [str(RODCLI), "compare", str(csv_file), str(xml_file), "-q"])
        if before:
            run("rodcli before: compare CSV with XML", 2 * rows,
                [before, "compare", str(csv_file), str(xml_file), "-q"])
        run("rodcli validate CSV, every row wrong", rows,
            [str(RODCLI), "validate", str(errors_file), "-q", "--format", "json"])
        run("rodcli validate CSV, every row wrong, --max-findings 0", rows,
            [str(RODCLI), "validate", str(errors_file), "-q", "--format", "json",
             "--max-findings", "0"])
        if before:
            run("rodcli before: every row wrong", rows,
                [before, "validate", str(errors_file), "-q", "--format", "json"])
        out.unlink(missing_ok=True)
    small = DATA / "ho_10.csv"
    if not small.exists():
        subprocess.run([str(PYTHON), str(HERE / "generate.py"), "--rows", "10", "--format",
                        "csv", "-o", str(small)], check=True)
    # An installed wheel comes with its bytecode compiled (pip compiles at install); an
    # editable install writes it on first use, unless PYTHONDONTWRITEBYTECODE is set (as on
    # some CI machines): then every start would compile rodcli's sources again.
    subprocess.run([str(PYTHON), "-m", "compileall", "-q", str(ROOT / "src" / "rodcli")],
                   check=True)
    if before:  # the same for the other rodcli, wherever its package lies
        before_python = str(Path(before).parent / "python")
        package = subprocess.run([before_python, "-c", "import os, rodcli; "
                                  "print(os.path.dirname(rodcli.__file__))"],
                                 capture_output=True, text=True, check=True).stdout.strip()
        subprocess.run([before_python, "-m", "compileall", "-q", package], check=True)
    run("start-up: rodcli --version", 1, [str(RODCLI), "--version"])
    run("start-up: rodcli validate, 10 records", 10, [str(RODCLI), "validate", str(small), "-q"])
    if before:
        run("rodcli before: --version", 1, [before, "--version"])
        run("rodcli before: validate, 10 records", 10, [before, "validate", str(small), "-q"])

    print(table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


def table(figures: list[dict[str, object]]) -> str:
    lines = ["| measurement | rows | median s | rows/s | peak PSS MiB | peak RSS MiB | ratio |",
             "|---|---:|---:|---:|---:|---:|---|"]
    by = {(f["label"], f["rows"]): f for f in figures}
    for figure in figures:
        ratio = ""
        label, rows = figure["label"], figure["rows"]
        base = {"rodcli validate CSV (all rules)":
                "frictionless validate CSV (Table Schema only)",
                "rodcli validate XML (XSD + all rules)": "xmllint --stream (XSD only)"}.get(
                    str(label))
        base = base or {"rodcli validate CSV, every row wrong":
                        "rodcli before: every row wrong",
                        "rodcli build CSV export -> XML": "rodcli before: build CSV export -> XML",
                        "rodcli build CSV export -> CSV": "rodcli before: build CSV export -> CSV",
                        "rodcli compare two CSV files": "rodcli before: compare two CSV files",
                        "rodcli compare CSV with XML (same records)":
                        "rodcli before: compare CSV with XML"}.get(str(label))
        if base and (base, rows) in by:
            speed = float(figure["rows_per_s"]) / float(by[(base, rows)]["rows_per_s"])  # type: ignore[arg-type]
            name = "before" if base.startswith("rodcli before") else base.split()[0]
            ratio = f"{speed:.2f}x {name}"
        lines.append(f"| {label} | {rows:,} | {figure['seconds']:.2f} | "
                     f"{figure['rows_per_s']:,.0f} | {figure['pss_mib']:.0f} | "
                     f"{figure['rss_mib']:.0f} | {ratio} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
