"""Parent report speed: reports per second on 1 process and on every core, our time per report
against Typst's own time for the same reports (quality bar: <= 1.2x), and a second run with nothing
changed against the first (bar: <= 5%).

    python bench/reports.py                    # 60 synthetic pupils (points framework)
    python bench/reports.py --pupils 120
    python bench/reports.py --school demo-school   # the demo school's reports at its current window

Our time covers everything `write_reports` does (pick pupils, build contexts and charts, next steps,
content hashes, Typst, atomic file writes). Typst's own time is `render_pdf` on the very contexts we
built, one report after another in this process. The second run is `write_reports` again on the
same inputs into the same folder: every content hash matches, nothing is drawn. (From the command
line a second run is quicker still: it sees that no input file changed and reads nothing; see
bench/demo.py.) Absolute times are for context only; ratios are measured side by side in one run.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from functions.framework import load_framework  # noqa: E402
from sync.reports.render import render_pdf  # noqa: E402
from sync.reports.write import default_jobs, write_reports  # noqa: E402
from tests.synthetic_school import synthetic_school  # noqa: E402

TEMPLATES = ROOT / "sheets_templates"


def synthetic_inputs(pupils: int) -> dict:
    fw = load_framework(tomllib.loads((TEMPLATES / "frameworks" / "points.toml").read_text()),
                        "points.toml")
    school, statements, ticks, comments = synthetic_school(fw, pupils=pupils)
    return dict(school=school, statements=statements, ticks=ticks, comments=comments,
                school_name="Synthetic Primary", academic_year="2026-27",
                window_names=list(fw.windows), window=2, fw=fw)


def school_inputs(folder: Path) -> dict:
    """The SCHOOL frame of a local school folder, read and assessed as a sync would."""
    from functions.school import assess_school
    from sync.job import parameters, read_school
    from sync.local_store import LocalStore

    read = read_school(LocalStore(folder))
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    results = assess_school(read.data, parameters(read.settings, window=None, now=stamp),
                            existing_history=read.history)
    return dict(school=results.school, statements=read.data.statements, ticks=read.data.ticks,
                comments=read.data.comments, school_name=read.settings.school_name,
                academic_year=results.academic_year, window_names=list(read.settings.windows),
                window=results.window, fw=read.settings.framework)


def timed(function) -> tuple[float, object]:
    began = time.perf_counter()
    result = function()
    return time.perf_counter() - began, result


def contexts_of(inputs: dict) -> list[dict]:
    """The report contexts `write_reports` draws (built untimed, for Typst alone)."""
    from sync.reports import write

    captured: list[dict] = []
    real = write._render_all
    write._render_all = lambda work, sink, templates_dir, jobs: [captured.append(c) or "" for c, _ in work]
    try:
        with tempfile.TemporaryDirectory() as out:
            write_reports(**inputs, out_dir=Path(out), templates_dir=TEMPLATES, force=True)
    finally:
        write._render_all = real
    return captured


def typst_alone(items: list[dict]) -> float:
    """Seconds Typst takes for the same reports as ours, one after another."""
    seconds, _ = timed(lambda: [render_pdf(context, TEMPLATES) for context in items])
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternate ours and Typst alone this many times; keep the best")
    parser.add_argument("--school", type=Path, help="a local school folder (e.g. the demo school)")
    args = parser.parse_args()
    inputs = school_inputs(args.school) if args.school else synthetic_inputs(args.pupils)
    items = contexts_of(inputs)
    render_pdf(items[0], TEMPLATES)   # warm up: the compiler and its fonts, once per process
    cores = default_jobs()
    with tempfile.TemporaryDirectory() as out:
        def run(jobs: int, force: bool = True) -> list[Path]:
            return write_reports(**inputs, out_dir=Path(out), templates_dir=TEMPLATES, jobs=jobs,
                                 force=force)

        ones, alones, agains = [], [], []
        for _ in range(args.rounds):          # alternated, so that a busy spell hits both sides
            seconds, files = timed(lambda: run(1))
            ones.append(seconds)
            agains.append(timed(lambda: run(1, force=False))[0])
            alones.append(typst_alone(items))
        every, _ = timed(lambda: run(cores))
    n, one, alone, again = len(files), min(ones), min(alones), min(agains)
    print(f"reports: {n} (best of {args.rounds} alternated rounds)")
    print(f"1 process:    {n / one:6.2f} reports/s  ({one / n * 1000:6.1f} ms per report)")
    print(f"{cores} processes:  {n / every:6.2f} reports/s  (speed-up {one / every:.2f}x)")
    print(f"Typst alone, same reports: {alone / n * 1000:6.1f} ms per report")
    print(f"ours / Typst alone: {one / alone:.2f}x  (bar <= 1.2x)")
    print(f"second run, nothing changed: {again:.2f} s, {again / one:.1%} of the first on 1 process"
          "  (bar <= 5%)")
    print("RESULT " + json.dumps({"ratio": round(one / alone, 2), "one": round(n / one, 2),
                                  "every": round(n / every, 2), "cores": cores,
                                  "again": round(again / one, 3)}))


if __name__ == "__main__":
    main()
