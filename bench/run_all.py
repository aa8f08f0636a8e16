"""Run every benchmark and the fault sweep, and write bench/RESULTS.md: each bar of
spec/quality.md, the figure measured, the command, the machine and the date.

    python bench/run_all.py                 # small-but-meaningful sizes, a few minutes
    python bench/run_all.py --sweep slow    # the 200-schedule fault sweep as well (long)

Each benchmark runs as its own process (so peak memory is its own) and ends with a line
`RESULT {json}`, which is what this script reads. A benchmark that is missing, fails or prints no
RESULT line is reported as such, with the end of its output, instead of a figure.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"
PYTHON = sys.executable
TIMEOUT_SECONDS = 1800


@dataclass
class Run:
    """One benchmark process: its command, how long it took, its RESULT and its output's tail."""

    command: list[str]
    seconds: float = 0.0
    result: dict | None = None
    problem: str = ""
    tail: list[str] = field(default_factory=list)

    @property
    def shown(self) -> str:
        """The command as a person would type it."""
        return "python " + shlex.join(self.command[1:])


BENCHMARKS = {
    "engine": ["bench/engine.py", "--rows", "1000000"],
    "local_sync": ["bench/local_sync.py"],
    "local_sync_10x": ["bench/local_sync.py", "--scale", "10", "--repeat", "2"],
    "google_requests": ["-m", "bench.google_requests", "--sizes", "1", "14", "200"],
    "reports": ["bench/reports.py", "--pupils", "60"],
    "report_engines": ["bench/report_engines.py", "--pupils", "30"],
    "demo": ["bench/demo.py", "--rounds", "2"],
}
SWEEPS = {"default": ["-m", "pytest", "tests/integration/test_fault_sweep.py", "-s", "-q", "-p", "no:cacheprovider",
                      "-k", "few_dozen"],
          "slow": ["-m", "pytest", "tests/integration/test_fault_sweep.py", "-s", "-q", "-p", "no:cacheprovider",
                   "-m", "slow"]}


def run(arguments: list[str], marker: str = "RESULT") -> Run:
    """Run `python <arguments>` in the repository; read the last `<marker> {json}` line it prints."""
    command = [PYTHON, *arguments]
    outcome = Run(command)
    script = next((a for a in arguments if a.endswith(".py")), "")
    if script and not (ROOT / script).exists():
        outcome.problem = f"not run: {script} does not exist yet"
        return outcome
    began = time.perf_counter()
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        outcome.problem = f"stopped after {TIMEOUT_SECONDS} s"
        return outcome
    outcome.seconds = time.perf_counter() - began
    lines = (done.stdout + done.stderr).splitlines()
    outcome.tail = [line for line in lines if line.strip()][-12:]
    found = [line for line in done.stdout.splitlines() if line.startswith(marker + " ")]
    if found:
        outcome.result = json.loads(found[-1][found[-1].index("{"):])
    elif done.returncode != 0:
        outcome.problem = f"failed (exit {done.returncode})"
    else:
        outcome.problem = f"printed no {marker} line"
    return outcome


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        match = re.search(r"MemTotal:\s+(\d+) kB", meminfo.read_text())
        memory = f", {int(match.group(1)) / 1024 ** 2:.1f} GB memory" if match else ""
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.1f} when the run began"
    return (f"{os.cpu_count()} cores{memory}{load}; {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def _figure_or_problem(run_: Run, figure: str) -> str:
    return figure if run_.result is not None else f"**{run_.problem}**"


def engine_rows(run_: Run) -> list[tuple[str, str, str]]:
    r = run_.result or {}
    figure = (f"{r.get('rows', 0):,} rows in {r.get('seconds', 0):.1f} s "
              f"({r.get('rows_per_second', 0):,} rows/s), peak memory {r.get('peak_mb', 0):,} MB")
    return [("Engine alone: summaries for 1,000,000 history rows in a few seconds, memory <= 2 GB",
             _figure_or_problem(run_, figure), run_.shown)]


def local_rows(run_: Run) -> list[tuple[str, str, str]]:
    r = run_.result or {}
    scale = r.get("scale", 1)
    figure = (f"CPU {r.get('CPU ratio, calamine floor', 0):.2f}x, wall {r.get('wall ratio, calamine floor', 0):.2f}x "
              f"the calamine floor (sync {r.get('CPU sync s', 0):.1f} s CPU, floor {r.get('CPU calamine floor s', 0):.1f} s); "
              f"{r.get('CPU ratio, openpyxl floor', 0):.2f}x an openpyxl-read floor; "
              f"{r.get('CPU ratio, calamine + streamed floor', 0):.2f}x a floor writing through the sync's own "
              "row writing (context, not the bar); "
              f"peak memory of a sync {r.get('peak MB', 0):,.0f} MB")
    if phases := r.get("CPU by phase s"):
        figure += "; CPU by phase: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases.items())
    bar = "" if scale == 1 else f" ({scale}x the pupils; memory <= 500 MB)"
    return [(f"Local sync of the demo school{bar} <= 1.5 x reading with calamine and writing with openpyxl "
             "write-only", _figure_or_problem(run_, figure), run_.shown)]


def google_rows(run_: Run) -> list[tuple[str, str, str]]:
    sizes = (run_.result or {}).get("sizes", [])
    rows = []
    for size in sizes:
        n = size["workbooks"]
        rows.append((f"Google requests, full sync of {n} workbooks: reads <= {n + 2}, writes <= {n + 1}",
                     f"{size['reads']} reads, {size['writes']} writes", run_.shown))
        rows.append((f"Against the naive gspread pattern ({n} workbooks): expect 5x fewer or better",
                     f"{size['ratio']}x fewer ({size['naive_reads']} reads + {size['naive_writes']} writes naive)",
                     run_.shown))
    if sizes:
        largest = max(sizes, key=lambda size: size["workbooks"])
        quota, paced = largest["quota_seconds"], largest["paced_seconds"]
        phased = largest.get("phased_seconds", quota)
        within = (f"{(paced / phased - 1) * 100:+.1f}% of the quota's time for reads then writes"
                  if phased else "no waiting needed")
        rows.append((f"Rate limits: {largest['workbooks']} workbooks within 10% of the quota's time "
                     "(simulated clock), no 429s",
                     f"paced {paced:.0f} s; the quota imposes {phased:.0f} s when every read must come "
                     f"before the writes ({quota:.0f} s if reads and writes could overlap): {within}; "
                     f"{largest['refused_429']} 429s",
                     run_.shown))
    else:
        rows.append(("Google API requests per sync, the naive ratio, rate limits", f"**{run_.problem}**",
                     run_.shown))
    rows.append(("Google API requests, sync when nothing changed: <= 3",
                 "shown by tests (tests/integration/test_google_requests.py), not by this benchmark", ""))
    return rows


def reports_rows(run_: Run) -> list[tuple[str, str, str]]:
    r = run_.result
    if r is None:
        return [("Parent reports: our time per PDF <= 1.2 x Typst's; reports/s on 1 process and every core",
                 f"**{run_.problem}**", run_.shown)]
    return [("Parent reports: our time per PDF <= 1.2 x Typst's own time for the same reports",
             f"{r['ratio']:.2f}x", run_.shown),
            ("Parent reports per second on 1 process and on every core",
             f"{r['one']:.2f} and {r['every']:.2f} reports/s ({r['cores']} cores)", run_.shown),
            ("Parent reports, second run in the same process with nothing changed: <= 5% of the first",
             f"{r['again']:.1%} (every content hash matches; nothing drawn)", run_.shown)]


def engines_rows(run_: Run) -> list[tuple[str, str, str]]:
    r = run_.result
    if r is None:
        return [("Report engines side by side", f"**{run_.problem}**", run_.shown)]
    typst = r["typst ms"]
    others = ", ".join(f"{name.removesuffix(' ms')} {value:.0f} ms ({value / typst:.0f}x)"
                       for name, value in r.items() if name.endswith(" ms") and name != "typst ms")
    return [("Report engines on the same reports, one process: Typst (used) against WeasyPrint",
             f"Typst {typst:.0f} ms per report; {others or 'WeasyPrint not installed'}", run_.shown)]


def demo_rows(run_: Run) -> list[tuple[str, str, str]]:
    r = run_.result
    if r is None:
        return [("The demo command, reports, second run", f"**{run_.problem}**", run_.shown)]
    loads = ", ".join(str(load) for load in r["loads"])
    return [("`python -m sync demo` (build, sync, 357 parent reports) <= 30 s",
             f"best {r['demo best s']:.1f} s, median {r['demo median s']:.1f} s (load {loads})", run_.shown),
            ("All the demo school's parent reports (`reports --force`, every core) <= 20 s",
             f"best {r['reports best s']:.1f} s, median {r['reports median s']:.1f} s; one process: best "
             f"{r['reports x1 best s']:.1f} s", run_.shown),
            ("A second `reports` run with nothing changed <= 5% of a full one",
             f"{r['again / reports']:.1%} (best {r['again best s']:.2f} s against {r['reports best s']:.1f} s)",
             run_.shown)]


def sweep_rows(run_: Run) -> list[tuple[str, str, str]]:
    r = run_.result
    if r is None:
        figure = f"**{run_.problem}**"
    else:
        failed = ", ".join(f"{count} {name}" for name, count in r["by_outcome"].items() if name != "complete")
        figure = (f"{r['schedules']} fault schedules: {r['complete']} complete, {r['failed_cleanly']} failed "
                  f"cleanly with exit 1 ({failed}); every spreadsheet as before or wholly new, the next "
                  "fault-free run as if none failed")
    return [("Outputs never half-written under fault injection (429, 500, 503, 403, dropped connection, "
             "slow answer)", figure, run_.shown)]


def markdown(table: list[tuple[str, str, str]], runs: dict[str, Run], began: datetime, where: str) -> str:
    lines = ["# Benchmark results", "",
             "Written by `python bench/run_all.py`; do not edit by hand. Bars: ../shared/spec/quality.md. "
             "Times on a shared machine are noisy: ratios measured side by side in one run are the figures; "
             "absolute times are context.", "",
             f"- Date: {began:%Y-%m-%d %H:%M} UTC", f"- Machine: {where}", "",
             "| bar | measured | command |", "|---|---|---|"]
    lines += [f"| {bar} | {figure} | {f'`{command}`' if command else ''} |" for bar, figure, command in table]
    lines += ["", "## Runs", ""]
    for name, run_ in runs.items():
        state = run_.problem or "ok"
        lines += [f"### {name}: {state} ({run_.seconds:.0f} s)", "", f"`{run_.shown}`", "", "```",
                  *run_.tail, "```", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", choices=["default", "slow", "none"], default="default",
                        help="which fault sweep to run: the default suite's few dozen schedules, the 200 of "
                             "the slow run, or none")
    args = parser.parse_args()
    began = datetime.now(UTC)
    where = machine()
    runs: dict[str, Run] = {}
    for name, arguments in BENCHMARKS.items():
        print(f"running {name} ...", flush=True)
        runs[name] = run(arguments)
    if args.sweep != "none":
        print(f"running the fault sweep ({args.sweep}) ...", flush=True)
        runs["fault sweep"] = run(SWEEPS[args.sweep], marker="FAULT-SWEEP")
    table = (engine_rows(runs["engine"]) + local_rows(runs["local_sync"]) + local_rows(runs["local_sync_10x"])
             + google_rows(runs["google_requests"])
             + reports_rows(runs["reports"]) + engines_rows(runs["report_engines"]) + demo_rows(runs["demo"])
             + (sweep_rows(runs["fault sweep"]) if "fault sweep" in runs else []))
    RESULTS.write_text(markdown(table, runs, began, where) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
