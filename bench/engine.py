"""Engine benchmark: assess and summarise 1,000,000 long rows (a trust of ~50 schools, 6 years).

Builds a synthetic POSITIONS frame (one row per pupil x subject x window) and its BASELINES with
numpy, runs `functions.assess.assess`, joins the pupils' own columns into a SCHOOL frame, then runs
every aggregate of the summary tabs and a History merge of every row into a History that already
holds them all. Prints each step's time, rows per second and the process's peak memory.

    python bench/engine.py [--rows 1000000] [--framework points|steps] [--seed 1]

Times are for context (shared machines are noisy); the bar is "a few seconds" and <= 2 GB.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from functions import aggregates  # noqa: E402
from functions.assess import assess  # noqa: E402
from functions.frames import INTERVENTIONS, POSITIONS  # noqa: E402
from functions.framework import Framework, load_framework  # noqa: E402
from functions.history import HISTORY_COLUMNS, merge_history  # noqa: E402

SUBJECTS = ["Reading", "Writing", "Maths"]
SCHOOLS = 50


def framework(name: str) -> Framework:
    path = ROOT / "sheets_templates" / "frameworks" / f"{name}.toml"
    return load_framework(tomllib.loads(path.read_text()), str(path))


def synthetic(rows: int, fw: Framework, rng: np.random.Generator):
    """(POSITIONS, BASELINES, pupils' own columns, INTERVENTIONS) of about `rows` long rows."""
    per_pupil = len(SUBJECTS) * len(fw.windows)
    pupils = rows // per_pupil
    upn = np.char.add("B", np.char.zfill(np.arange(pupils).astype(str), 12))
    year = rng.integers(1, 7, pupils)
    school = rng.integers(0, SCHOOLS, pupils)
    form = rng.integers(0, 2, pupils)
    prior = rng.normal(0, 1.2, pupils)          # attainment relative to expectation, per pupil
    people = pd.DataFrame({
        "upn": upn,
        "class_name": pd.Series(school).astype(str) + "-" + pd.Series(year).astype(str)
        + np.where(form == 0, "A", "B"),
        "pupil": pd.Series(upn).str.slice(-6).radd("Pupil "),
        "date_of_birth": pd.Timestamp("2015-09-01") + pd.to_timedelta(rng.integers(0, 365, pupils), "D"),
        "gender": rng.choice(["F", "M"], pupils), "pupil_premium": rng.random(pupils) < 0.25,
        "sen": rng.choice(["N", "K", "E"], pupils, p=[0.85, 0.13, 0.02]),
        "eal": rng.random(pupils) < 0.2, "joined_on": pd.NaT, "left_on": pd.NaT,
        "group:Nurture": np.where(rng.random(pupils) < 0.05, "Y", ""),
    })
    W = len(fw.windows)
    pupil_index = np.repeat(np.arange(pupils), per_pupil)
    subject = np.tile(np.repeat(SUBJECTS, W), pupils)
    window = np.tile(np.tile(np.arange(1, W + 1), len(SUBJECTS)), pupils)
    y = year[pupil_index]
    expected = np.array(fw.end_of_year, dtype=float)[y - 1] + window * fw.per_year / W
    value = np.round(expected + prior[pupil_index] + rng.normal(0, 0.7, len(y)))
    value = np.clip(value, 1, np.array(fw.end_of_year)[y])
    blank = rng.random(len(y)) < 0.05
    mark = np.where(rng.random(len(y)) < 0.01, "ABS", "")
    value[blank | (mark != "")] = np.nan
    gd = (~np.isnan(value)) & (value >= expected) & (rng.random(len(y)) < 0.3) & (fw.gd_suffix != "")
    positions = pd.DataFrame({
        "upn": upn[pupil_index], "subject": subject, "year": y, "window": window,
        "label": _labels(value, gd, fw), "value": value, "gd": gd, "mark": mark,
        "source": np.where(np.isnan(value), "", "teacher"), "judgement": "", "test_label": "",
        "grid_label": "", "test_reason": "", "grid_reason": "", "on_roll": rng.random(len(y)) > 0.01,
        "unreadable": "",
    })[POSITIONS]
    positions["judgement"] = positions["label"]
    base_value = np.clip(np.round(np.array(fw.end_of_year, dtype=float)[year - 1] + prior), 1, None)
    baselines = pd.DataFrame({
        "upn": np.repeat(upn, len(SUBJECTS)), "subject": np.tile(SUBJECTS, pupils),
        "value": np.repeat(base_value, len(SUBJECTS)), "gd": False, "window": 0,
        "origin": "Summer 2025-26"})
    baselines.insert(2, "label", _labels(baselines["value"].to_numpy(), np.zeros(len(baselines), bool), fw))
    chosen = rng.choice(pupils, pupils // 10, replace=False)
    taken = pd.DataFrame({
        "workbook": "class.xlsx", "upn": upn[chosen], "subject": rng.choice(SUBJECTS, len(chosen)),
        "intervention": rng.choice(["Phonics catch-up", "Number sense", "Writing boost"], len(chosen)),
        "from_window": rng.choice(list(fw.windows), len(chosen)), "to_window": "", "notes": ""})
    return positions, baselines, people, taken[INTERVENTIONS]


def _labels(value: np.ndarray, gd: np.ndarray, fw: Framework) -> np.ndarray:
    """Labels by a map over the few unique (value, gd) pairs."""
    pairs = pd.DataFrame({"value": value, "gd": gd})
    unique = pairs.drop_duplicates().dropna()
    unique["label"] = [fw.label_for(int(v), bool(g)) for v, g in unique.itertuples(index=False)]
    return pairs.merge(unique, on=["value", "gd"], how="left")["label"].fillna("").to_numpy(object)


def timed(steps: list[tuple[str, Callable[[], object]]], rows: int,
          totals: dict[str, float]) -> dict[str, object]:
    """Run each step, printing wall and CPU seconds (CPU is steadier on a shared machine);
    adds the step's seconds to `totals` ("wall", "cpu")."""
    results, wall_total, cpu_total = {}, 0.0, 0.0
    for name, step in steps:
        wall, cpu = time.perf_counter(), time.process_time()
        results[name] = step()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        wall_total, cpu_total = wall_total + wall, cpu_total + cpu
        print(f"  {name:<18} {wall:7.2f} s wall {cpu:7.2f} s CPU  {rows / wall:>12,.0f} rows/s")
    print(f"  {'total':<18} {wall_total:7.2f} s wall {cpu_total:7.2f} s CPU  "
          f"{rows / wall_total:>12,.0f} rows/s")
    totals["wall"] += wall_total
    totals["cpu"] += cpu_total
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--framework", choices=["points", "steps"], default="points")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    fw = framework(args.framework)
    start = time.perf_counter()
    positions, baselines, people, taken = synthetic(args.rows, fw, np.random.default_rng(args.seed))
    rows = len(positions)
    print(f"{rows:,} rows ({rows // (len(SUBJECTS) * len(fw.windows)):,} pupils, {fw.name}) "
          f"generated in {time.perf_counter() - start:.1f} s")

    names = pd.Series(fw.windows, index=range(1, len(fw.windows) + 1))
    window = len(fw.windows)
    state: dict[str, pd.DataFrame] = {}

    def school() -> pd.DataFrame:
        frame = assess(positions, baselines, fw).merge(people, on="upn", how="left")
        frame["window_name"] = frame["window"].map(names)
        state["school"] = frame
        return frame

    def history_rows() -> pd.DataFrame:
        frame = state["school"]
        return pd.DataFrame({"Academic year": "2026-27", "Window": frame["window_name"],
                             "UPN": frame["upn"], "Pupil": frame["pupil"], "Year": frame["year"],
                             "Class": frame["class_name"], "Subject": frame["subject"],
                             "Label": frame["label"], "Value": frame["value"],
                             "Source": frame["source"]})

    began = time.perf_counter()
    print("engine:")
    totals = {"wall": 0.0, "cpu": 0.0}
    timed([("assess + join", school)], rows, totals)
    s = state["school"]
    print("aggregates (and History):")
    results = timed([
        ("summary", lambda: aggregates.summary(s, window)),
        ("groups", lambda: aggregates.groups(s, window)),
        ("classes", lambda: aggregates.classes(s, window)),
        ("completion", lambda: aggregates.completion(s, window)),
        ("watchlist", lambda: aggregates.watchlist(s, window)),
        ("progress matrix", lambda: aggregates.progress_matrix(s, window)),
        ("interventions", lambda: aggregates.interventions(s, taken, fw, window)),
        ("trends", lambda: aggregates.trends(s, s)),
        ("history merge", lambda: merge_history(
            history_rows().assign(**{"Recorded at": "2026-12-18 16:00:00"})[HISTORY_COLUMNS],
            history_rows(), list(fw.windows[:1]), "2027-01-10 09:00:00")),
    ], rows, totals)
    print(f"engine total: {totals['wall']:.2f} s wall {totals['cpu']:.2f} s CPU  "
          f"{rows / totals['wall']:,.0f} rows/s wall  {rows / totals['cpu']:,.0f} rows/s CPU")
    aggregates.governors(results["summary"], results["groups"])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak_mb:,.0f} MB")
    seconds = time.perf_counter() - began
    print("RESULT " + json.dumps({"rows": rows, "seconds": round(seconds, 2),
                                  "rows_per_second": round(rows / seconds), "peak_mb": round(peak_mb)}))


if __name__ == "__main__":
    main()
