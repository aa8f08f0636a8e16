"""The demo's files: a class workbook per class and year (with this year's deliberate mess) and
the `Tracker summary` with its Settings and Staff."""
from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from functions.framework import Framework
from sync.demo.common import SUBJECTS, Demo, academic_year_name
from sync.demo.statutory import lean_judgements, statutory_tab
from sync.templates import TEMPLATES_DIR, new_class_workbook, new_tracker_summary

_TEST_RANGES = np.array([[15, 34], [35, 49], [50, 59], [60, 79], [80, 96]])
"""Test percentages per tier, matching the points benchmark of frameworks/points.toml ([[tests.benchmark]])."""


def write_class(demo: Demo, folder: Path, academic: int, cohort: int, form: int,
                 members: pd.DataFrame) -> None:
    """One class workbook of one academic year, with this year's deliberate messiness."""
    config, fw = demo.config, demo.fw
    year = cohort - 1 + academic
    class_name = config["cohort_names"][(cohort - 1) % 6][form]
    name = academic_year_name(config, academic)
    members = members.reset_index(drop=True)
    due = _due(demo, members, academic)
    tabs: dict[str, Any] = {
        "pupils": _pupils_tab(members, academic),
        "judgements": _judgements(demo, members, academic, due),
        "tests": _tests(demo, members, academic, due),
        "ticks": _ticks(demo, members, academic, year),
        "comments": _comments(demo, members, academic),
        "interventions": _interventions(demo, members, academic),
    }
    tabs["statutory"] = statutory_tab(demo, members, academic, year, cohort, form, class_name)
    lean_judgements(demo, tabs["judgements"], members, academic, cohort, form, class_name)
    if academic == 1:
        _make_messy(demo, tabs, cohort, form)
    new_class_workbook(
        folder / f"{name} {class_name} (Year {year}).xlsx", class_name=class_name, year_group=year,
        teacher=config["teachers"][year - 1][form], academic_year=name, fw=fw, subjects=SUBJECTS,
        statements=demo.statements, **tabs)


def _window_end(demo: Demo, academic: int, window: int) -> pd.Timestamp:
    start = int(academic_year_name(demo.config, academic)[:4])
    month, day = (int(part) for part in demo.fw.window_ends[window - 1].split("-"))
    return pd.Timestamp(start if month >= 9 else start + 1, month, day)


def _due(demo: Demo, members: pd.DataFrame, academic: int) -> pd.DataFrame:
    """This year's positions of the class's pupils, only for windows they were on roll at."""
    rows = demo.positions[(demo.positions["academic"] == academic)
                          & demo.positions["upn"].isin(members["upn"])]
    ends = rows["window"].map({w: _window_end(demo, academic, w) for w in range(1, len(demo.fw.windows) + 1)})
    dates = members.set_index("upn")
    joined = rows["upn"].map(dates[f"joined_{academic}"])
    left = rows["upn"].map(dates[f"left_{academic}"])
    on_roll = ~(joined > ends) & ~(left < ends)
    rows = rows[on_roll.to_numpy()].copy()
    rows["column"] = rows["subject"] + " " + rows["window"].map(lambda w: demo.fw.windows[w - 1])
    return rows


def _pupils_tab(members: pd.DataFrame, academic: int) -> pd.DataFrame:
    return pd.DataFrame({
        "UPN": members["upn"], "First name": members["first_name"], "Last name": members["last_name"],
        "Date of birth": members["date_of_birth"], "Gender": members["gender"],
        "Pupil premium": np.where(members["pupil_premium"], "Y", ""), "SEN": members["sen"],
        "EAL": np.where(members["eal"], "Y", ""), "Joined on": members[f"joined_{academic}"],
        "Left on": members[f"left_{academic}"]})


def _wide(members: pd.DataFrame, rows: pd.DataFrame, values: str) -> pd.DataFrame:
    """One row per pupil (in class order), one column per `column` value."""
    wide = rows.pivot(index="upn", columns="column", values=values)
    return members[["upn"]].rename(columns={"upn": "UPN"}).join(wide, on="UPN")


def _judgements(demo: Demo, members: pd.DataFrame, academic: int, due: pd.DataFrame) -> pd.DataFrame:
    """Labels for each window on roll, plus Baseline columns for year 1 and new arrivals."""
    frame = _wide(members, due, "label")
    before = demo.positions[demo.positions["upn"].isin(members["upn"])
                            & (demo.positions["academic"] == academic - 1)
                            & (demo.positions["window"] == len(demo.fw.windows))]
    by_upn = members.set_index("upn")
    needed = before["upn"].map(by_upn["baseline_from"])
    year_one = before["year"] == 0
    arrived_this_year = (needed == "previous school") & (academic == 1)
    wanted = (needed == "reception") & year_one | arrived_this_year
    baselines = before[wanted].assign(column=lambda f: f["subject"] + " Baseline")
    return frame.join(baselines.pivot(index="upn", columns="column", values="label"), on="UPN")


def _tests(demo: Demo, members: pd.DataFrame, academic: int, due: pd.DataFrame) -> pd.DataFrame:
    """Termly test results drawn from the same tier as the judgement, in three spellings."""
    rows = due[due["subject"].isin(demo.config["tests"]["subjects"])].copy()
    rng = demo.rng
    low, high = _TEST_RANGES[rows["tier"].to_numpy()].T
    percent = low + rng.random(len(rows)) * (high - low)
    percent += np.where(rng.random(len(rows)) < 0.15, rng.normal(0, 6, len(rows)), 0)
    percent = np.clip(np.round(percent), 5, 100).astype(int)
    style = rng.random(len(rows))
    written = np.where(style < 0.7, percent.astype(object),
                       np.where(style < 0.88, [f"{p}%" for p in percent],
                                [f"{round(p / 2)}/50" for p in percent]))
    rows["written"] = written
    return _wide(members, rows, "written")


def _ticks(demo: Demo, members: pd.DataFrame, academic: int, year: int) -> pd.DataFrame:
    """Grid codes consistent with each pupil's latest position this year (teaching order)."""
    fw, rng = demo.fw, demo.rng
    latest = demo.positions[(demo.positions["academic"] == academic)
                            & demo.positions["upn"].isin(members["upn"])]
    latest = latest[latest["time"] == latest["time"].max()]
    parts = []
    for subject, rows in latest.groupby("subject"):
        chosen = demo.statements[(demo.statements["subject"] == subject) & (demo.statements["year"] == year)]
        groups = chosen["group"].to_numpy()
        achieved, gd = _achieved_counts(fw, year, groups, rows, rng)
        index = np.arange(len(groups))[None, :]
        done = index < achieved[:, None]
        working = ~done & (index < achieved[:, None] + 2)
        patterned = done & gd[:, None] & (index % 3 != 2)
        milestone = groups >= fw.end_of_year_value(year) if fw.kind == "points" else np.zeros(len(groups), bool)
        chance = done & ~gd[:, None] & ~milestone[None, :] & (rng.random(done.shape) < 0.08)
        codes = np.select([patterned | chance, done, working], ["M", "A", "WT"], "")
        grid = pd.DataFrame(codes, index=rows["upn"].to_numpy(), columns=np.arange(1, len(groups) + 1))
        long = cast(pd.Series, grid.stack()).rename("code").reset_index()
        long.columns = ["upn", "statement_no", "code"]
        parts.append(long[long["code"] != ""].assign(subject=subject))
    return pd.concat(parts, ignore_index=True)


_STEP_SHARES = np.array([0.12, 0.325, 0.475, 0.625, 0.85, 1.0])
"""Steps grid: a share of statements achieved in the middle of each step's range (b .. s+)."""


def _achieved_counts(fw: Framework, year: int, groups: np.ndarray, rows: pd.DataFrame,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """How many statements (in teaching order) each pupil has achieved, and who shows GD."""
    value = rows["value"].to_numpy()
    total = len(groups)
    if fw.kind == "points":
        base = fw.end_of_year_value(year - 1)
        secured = np.clip(value - base, 0, 3)
        upto = np.array([(groups <= base + k).sum() for k in range(4)])
        sizes = np.diff(np.append(upto, total))
        partial = np.floor(sizes[np.minimum(secured, 3)] * rng.uniform(0.3, 0.7, len(value))).astype(int)
        partial = np.where(value <= base, np.floor(upto[1] * rng.uniform(0, 0.5, len(value))), partial)
        achieved = np.where(secured >= 3, total, upto[secured] + partial).astype(int)
        return achieved, rows["gd"].to_numpy() & (secured >= 3)
    step = value - fw.step_value(year, fw.steps[0])
    share = np.where(step < 0, 0.1, _STEP_SHARES[np.clip(step, 0, 5)])
    return np.round(share * total).astype(int), step >= 5


def _comments(demo: Demo, members: pd.DataFrame, academic: int) -> pd.DataFrame:
    """A strength and a next step from the phrase list, approved for most pupils."""
    phrases = pd.read_csv(TEMPLATES_DIR / "demo" / "comments.csv", dtype=str, keep_default_na=False)
    rng, count = demo.rng, len(members)

    def pick(kind: str) -> pd.Series:
        pool = phrases.loc[phrases["kind"] == kind, "phrase"].to_numpy()
        chosen = pd.Series(pool[rng.integers(0, len(pool), count)])
        parts = chosen.str.partition("{first}")
        return parts[0] + members["first_name"] + parts[2]

    text = pick("strength") + " " + pick("next_step")
    text = text.where(rng.random(count) < 0.7, text + " " + pick("general"))
    approved = np.where((academic == 0) | (rng.random(count) < 0.85), "Y", "")
    return pd.DataFrame({"UPN": members["upn"], "Comment": text, "Approved": approved})


_NOTES = ["Three 20-minute sessions a week", "Small group with a teaching assistant", "", "Pre-teach before lessons"]


def _interventions(demo: Demo, members: pd.DataFrame, academic: int) -> pd.DataFrame:
    """Support for about half the pupils below expected at the year's first window."""
    rng, windows = demo.rng, demo.fw.windows
    names = pd.read_csv(TEMPLATES_DIR / "demo" / "interventions.csv", dtype=str)
    first = demo.positions[(demo.positions["academic"] == academic) & (demo.positions["window"] == 1)
                           & demo.positions["upn"].isin(members["upn"]) & (demo.positions["tier"] <= 2)]
    chosen = first[rng.random(len(first)) < 0.45]
    offered = names.groupby("subject")["intervention"].agg(list)
    pick = rng.random(len(chosen))
    return pd.DataFrame({
        "UPN": chosen["upn"].to_numpy(), "Subject": chosen["subject"].to_numpy(),
        "Intervention": [offered[s][int(p * len(offered[s]))] for s, p in zip(chosen["subject"], pick, strict=True)],
        "From": windows[0],
        "To": "" if academic == 1 else np.where(rng.random(len(chosen)) < 0.5, windows[1], windows[2]),
        "Notes": np.array(_NOTES)[rng.integers(0, len(_NOTES), len(chosen))]})


def _make_messy(demo: Demo, tabs: dict[str, pd.DataFrame], cohort: int, form: int) -> None:
    """What real sheets hold, so Problems has something to show (this year only, fixed places)."""
    judgements, window = tabs["judgements"], demo.fw.windows[0]
    if (cohort, form) == (4, 0):                     # a class a few judgements short
        judgements.loc[judgements.index[[2, 6, 11, 19]], f"Writing {window}"] = np.nan
        judgements.loc[judgements.index[[4, 15]], f"Maths {window}"] = np.nan
        # and one pupil not judged at all yet (tests taken): no parent report until there is one
        judgements.loc[judgements.index[22], [f"{s} {window}" for s in SUBJECTS]] = np.nan
    if (cohort, form) == (2, 0):                     # two pupils of one class with the same name
        pupils = tabs["pupils"]
        twins = pupils[pupils.duplicated("First name", keep=False)].drop_duplicates("First name")
        first = pupils[pupils["First name"] == twins["First name"].iloc[0]].index
        pupils.loc[first[1], "Last name"] = pupils.loc[first[0], "Last name"]
    if (cohort, form) in ((3, 0), (5, 1)):           # other spellings of good labels
        column = f"Reading {window}" if cohort == 3 else f"Maths {window}"
        rows = judgements.index[[0, 1, 2]] if cohort == 3 else judgements.index[[3]]
        judgements.loc[rows, column] = judgements.loc[rows, column].map(_respelt)
    if (cohort, form) == (1, 0):                     # a label the framework does not know
        column = f"Maths {window}"
        judgements.loc[judgements.index[8], column] = f"{judgements.loc[judgements.index[8], column]}?"
    if (cohort, form) == (2, 1):                     # an absence
        judgements.loc[judgements.index[5], f"Reading {window}"] = "ABS"
        tabs["tests"].loc[tabs["tests"].index[5], f"Reading {window}"] = "ABS"
    if (cohort, form) == (6, 0):                     # a mistyped grid code
        tabs["ticks"].loc[tabs["ticks"].index[0], "code"] = "W"
    if (cohort, form) == (6, 1):                     # a score over 100%
        tabs["tests"].loc[tabs["tests"].index[0], f"Maths {window}"] = "104%"
    if (cohort, form) == (5, 1):                     # a UPN copied from the other class's register
        twin = demo.pupils[(demo.pupils["cohort"] == 5) & (demo.pupils["form"] == 0)]["upn"].iloc[0]
        wrong = tabs["pupils"]["UPN"].iloc[-1]
        for frame in (frame for frame in tabs.values() if frame is not None):
            key = "upn" if "upn" in frame.columns else "UPN"
            frame[key] = frame[key].replace(wrong, twin)


def _respelt(label: object) -> object:
    """`18 GD` -> `18gd`, `16` -> ` 16 `, `3w+` -> `3W+`: spellings the framework normalises."""
    if not isinstance(label, str):
        return label
    if label.endswith(" GD"):
        return label.replace(" GD", "gd")
    return label.upper() if not label.isdigit() else f" {label} "


def write_summary(demo: Demo, path: Path, framework: str) -> None:
    config = demo.config
    domain = config["email_domain"]

    def email(person: str) -> str:
        return f"{person.split()[-1].lower()}@{domain}"

    staff = [(email(config["head"]), "Head"), (email(config["admin"]), "Admin")]
    staff += [(email(t), "Teacher") for pair in config["teachers"] for t in pair]
    settings = {"School name": config["school_name"], "Academic year": config["academic_year"],
                "Framework": framework, "Subjects": ", ".join(SUBJECTS)}
    new_tracker_summary(path, settings, staff)
