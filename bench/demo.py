"""A newcomer's first minutes, timed as they would live them: the commands, as separate processes.

    python bench/demo.py               # 3 rounds, best and median
    python bench/demo.py --rounds 5

Each round, in a new temporary folder:
  demo        `python -m sync demo DIR`: build the demo school, sync it, write its parent reports
              (bar: <= 30 s on a 2-core machine)
  reports     `python -m sync reports DIR --force`: every parent report drawn again, on every core
              (bar: <= 20 s)
  reports x1  the same on one process (`--jobs 1`), for the speed-up of using every core
  again       `python -m sync reports DIR` with nothing changed (bar: <= 5% of `reports`)
Wall times of whole processes, Python's start-up and imports included. The machine's load average
is printed beside them: on a shared machine, compare the best rounds.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


CPU: dict[str, list[float]] = {}


def timed(*args: str, name: str = "") -> float:
    """Wall seconds of `python -m sync ARGS`; its CPU seconds (user + system, worker processes
    included) go to CPU[name]: on a loaded machine they say what the command costs."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sync", *args], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(name, []).append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"demo": [], "reports": [], "reports x1": [], "again": []}
    loads = []
    for _ in range(args.rounds):
        loads.append(os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan"))
        with tempfile.TemporaryDirectory() as scratch:
            school = str(Path(scratch) / "demo-school")
            times["demo"].append(timed("demo", school, name="demo"))
            times["reports"].append(timed("reports", school, "--force", name="reports"))
            times["reports x1"].append(timed("reports", school, "--force", "--jobs", "1",
                                             name="reports x1"))
            times["again"].append(timed("reports", school, name="again"))
    best = {name: min(values) for name, values in times.items()}
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"{args.rounds} rounds; load average at the start of each: "
          + ", ".join(f"{load:.1f}" for load in loads) + f" ({os.cpu_count()} cores)")
    for name in times:
        print(f"  {name:11s} best {best[name]:6.2f} s   median {median[name]:6.2f} s   "
              f"CPU {min(CPU[name]):6.2f} s")
    print(f"  every core against one: {best['reports x1'] / best['reports']:.2f}x faster (best rounds)")
    print(f"  second run with nothing changed: {best['again'] / best['reports']:.1%} of a full "
          "`reports` run (best rounds)")
    print("RESULT " + json.dumps({
        **{f"{name} best s": round(value, 2) for name, value in best.items()},
        **{f"{name} median s": round(value, 2) for name, value in median.items()},
        **{f"{name} CPU s": round(min(values), 2) for name, values in CPU.items()},
        "again / reports": round(best["again"] / best["reports"], 3),
        "loads": [round(load, 1) for load in loads]}))


if __name__ == "__main__":
    main()
