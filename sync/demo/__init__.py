"""The demo school: a synthetic, deterministic two-form-entry primary in local mode.

`build_demo(directory, seed, framework)` writes `Tracker summary.xlsx` (Settings and Staff; the
sync writes its figures to `Tracker results.xlsx`) and `classes/*.xlsx`: this year's 12 class workbooks (2026-27, Autumn mostly
entered) and last year's 12 (2025-26, all three windows), everything drawn from
`numpy.random.default_rng(seed)` and the data files in `sheets_templates/demo/`.

How attainment is made: each pupil has a standing per subject (a shared ability plus a subject
part, lowered for pupil premium, SEN and early EAL: the gap). Standings are ranked within each
cohort and placed on a normal scale at the cohort's latest window, so last year's year 6 lands on
the national-like outcomes of `school.toml`; earlier windows drift backwards from there. A standing
becomes a position relative to the expected one (well below, below, expected, greater depth), and
tests and grid ticks are drawn from the same standing, so they agree with the judgements.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from functions.framework import load_framework
from sync.demo.attainment import make_positions
from sync.demo.common import SUBJECTS, Demo
from sync.demo.roll import class_members, make_pupils
from sync.demo.workbooks import write_class, write_summary
from sync.templates import TEMPLATES_DIR, load_statements

__all__ = ["build_demo"]


def build_demo(directory: Path, seed: int = 1, framework: str = "points",
               templates_dir: Path = TEMPLATES_DIR, pupils_per_class: int | None = None) -> None:
    """Write the demo school into `directory` (created if missing). Same seed, same files.
    `pupils_per_class` overrides school.toml's (benchmarks scale the school up with it)."""
    demo_dir = templates_dir / "demo"
    config = _toml(demo_dir / "school.toml")
    if pupils_per_class is not None:
        config["pupils_per_class"] = pupils_per_class
    fw = load_framework(_toml(templates_dir / "frameworks" / f"{framework}.toml"), f"{framework}.toml")
    rng = np.random.default_rng(seed)
    pupils = make_pupils(rng, config, demo_dir)
    positions = make_positions(rng, pupils, config, fw)
    demo = Demo(config, fw, rng, pupils, positions, load_statements(templates_dir, fw, SUBJECTS))
    directory = Path(directory)
    for academic in (0, 1):
        for cohort, form, members in class_members(pupils, academic):
            write_class(demo, directory / "classes", academic, cohort, form, members)
    write_summary(demo, directory / "Tracker summary.xlsx", framework)


def _toml(path: Path) -> dict[str, Any]:
    with open(path, "rb") as handle:
        return tomllib.load(handle)
