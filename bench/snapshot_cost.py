"""What the results snapshot costs a local sync: the sync with and without it, side by side.

    python bench/snapshot_cost.py [--rounds 3]

Each round syncs a fresh copy of the demo school twice, each time as a new process (`python -m
sync run`, so importing fastparquet is counted): once as it is, once with the snapshot switched off
(`keep_snapshot` made a no-op). Rounds alternate which goes first. Also timed: the import of
fastparquet alone in a new process, and the snapshot's own write (in process, after a sync).
Prints medians of wall and CPU time and the ratio with/without.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sync.demo import build_demo  # noqa: E402

WITHOUT = ("import sys; import sync.job as job; job.keep_snapshot = lambda *a, **k: None; "
           "from sync.cli import cli; sys.exit(cli())")


def timed(args: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="snapshot-cost-"))
    demo = work / "demo"
    build_demo(demo)
    times: dict[str, list[tuple[float, float]]] = {"with": [], "without": []}
    for round_no in range(args.rounds):
        order = ["with", "without"] if round_no % 2 == 0 else ["without", "with"]
        for kind in order:
            school = work / f"{kind}-{round_no}"
            shutil.copytree(demo, school)
            command = ([sys.executable, "-m", "sync", "run", str(school)] if kind == "with"
                       else [sys.executable, "-c", WITHOUT, "run", str(school)])
            times[kind].append(timed(command))
    imports = [timed([sys.executable, "-c", "import fastparquet"])[0] for _ in range(args.rounds)]
    bare = [timed([sys.executable, "-c", "import pandas"])[0] for _ in range(args.rounds)]
    for kind, values in times.items():
        print(f"  sync {kind:8} snapshot  wall {statistics.median(v[0] for v in values):6.2f} s   "
              f"CPU {statistics.median(v[1] for v in values):6.2f} s")
    wall = statistics.median(v[0] for v in times["with"]) / statistics.median(v[0] for v in times["without"])
    cpu = statistics.median(v[1] for v in times["with"]) / statistics.median(v[1] for v in times["without"])
    print(f"  ratio with/without: wall {wall:.3f}x, CPU {cpu:.3f}x")
    print(f"  import fastparquet (new process, with pandas): {statistics.median(imports):.2f} s; "
          f"import pandas alone: {statistics.median(bare):.2f} s")
    size = sum(p.stat().st_size for p in (work / "with-0" / "results").rglob("*.parquet"))
    print(f"  snapshot size: {size / 1024:.0f} KB for the demo's window")
    print(f'RESULT {{"wall_ratio": {wall:.3f}, "cpu_ratio": {cpu:.3f}, "snapshot_kb": {size / 1024:.0f}}}')
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
