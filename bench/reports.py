"""Parent report speed: reports per second on 1 and 2 processes, and our time per report against
WeasyPrint's own time to render the same HTML (quality bar: <= 1.2x).

    python bench/reports.py                    # 60 synthetic pupils (points framework)
    python bench/reports.py --pupils 120
    python bench/reports.py --school demo-school   # the demo school's reports at its current window

Our time covers everything `write_reports` does (pick pupils, build contexts and charts, next steps,
Jinja2, WeasyPrint, atomic file writes). WeasyPrint's own time is `HTML(string=...).write_pdf()`
on the very HTML we produced, one report after another in this process. Absolute times are for
context only; the ratio is measured side by side in one run.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import tomllib
from datetime import datetime, timezone
from pathlib import Path

import weasyprint

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from functions.framework import load_framework  # noqa: E402
from functions.report_context import report_context  # noqa: E402
from sync.reports.render import render_html, reports_dir  # noqa: E402
from sync.reports.synthetic import synthetic_school  # noqa: E402
from sync.reports.write import write_reports  # noqa: E402

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
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    results = assess_school(read.data, parameters(read.settings, window=None, now=stamp),
                            existing_history=read.history)
    return dict(school=results.school, statements=read.data.statements, ticks=read.data.ticks,
                comments=read.data.comments, school_name=read.settings.school_name,
                academic_year=results.academic_year, window_names=list(read.settings.fw.windows),
                window=results.window, fw=read.settings.fw)


def timed(function) -> tuple[float, object]:
    began = time.perf_counter()
    result = function()
    return time.perf_counter() - began, result


def weasyprint_alone(inputs: dict) -> float:
    """Seconds WeasyPrint takes for the same HTML as our reports, rendered beforehand (untimed)."""
    school = inputs["school"]
    on_roll = school[(school["window"] == inputs["window"]) & school["on_roll"].astype(bool)]
    pages = []
    for upn in on_roll["upn"].unique():
        context = report_context(school[school["upn"] == upn], window=inputs["window"],
                                 window_names=inputs["window_names"], fw=inputs["fw"],
                                 school_name=inputs["school_name"],
                                 academic_year=inputs["academic_year"], comment="A comment.",
                                 approved=False, next_steps={})
        pages.append(render_html(context, TEMPLATES))
    base_url = str(reports_dir(TEMPLATES)) + "/"
    seconds, _ = timed(lambda: [weasyprint.HTML(string=html, base_url=base_url).write_pdf()
                                for html in pages])
    return seconds


def our_own_work(inputs: dict, out: Path) -> float:
    """Seconds `write_reports` spends outside WeasyPrint (PDF rendering replaced by a stub)."""
    from sync.reports import write

    real = write.html_to_pdf
    write.html_to_pdf = lambda html, templates_dir: b"%PDF-stub"
    try:
        seconds, _ = timed(lambda: write_reports(**inputs, out_dir=out, templates_dir=TEMPLATES))
    finally:
        write.html_to_pdf = real
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternate ours and WeasyPrint alone this many times; keep the best")
    parser.add_argument("--school", type=Path, help="a local school folder (e.g. the demo school)")
    args = parser.parse_args()
    inputs = school_inputs(args.school) if args.school else synthetic_inputs(args.pupils)
    weasyprint.HTML(string="<p>warm up</p>").write_pdf()
    with tempfile.TemporaryDirectory() as out:
        def run(jobs: int) -> list[Path]:
            return write_reports(**inputs, out_dir=Path(out), templates_dir=TEMPLATES, jobs=jobs)

        ones, alones = [], []
        for _ in range(args.rounds):          # alternated, so that a busy spell hits both sides
            seconds, files = timed(lambda: run(1))
            ones.append(seconds)
            alones.append(weasyprint_alone(inputs))
        two, _ = timed(lambda: run(2))
        own = our_own_work(inputs, Path(out) / "stub")
    n, one, alone = len(files), min(ones), min(alones)
    print(f"reports: {n} (best of {args.rounds} alternated rounds)")
    print(f"1 process:   {n / one:6.2f} reports/s  ({one / n * 1000:6.1f} ms per report)")
    print(f"2 processes: {n / two:6.2f} reports/s  (speed-up {one / two:.2f}x)")
    print(f"WeasyPrint alone, same HTML: {alone / n * 1000:6.1f} ms per report")
    print(f"our own work outside WeasyPrint: {own / n * 1000:6.1f} ms per report")
    print(f"ours / WeasyPrint: {one / alone:.2f}x  (bar <= 1.2x)")
    print("RESULT " + json.dumps({"ratio": round(one / alone, 2), "one": round(n / one, 2),
                                  "two": round(n / two, 2)}))


if __name__ == "__main__":
    main()
