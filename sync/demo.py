"""The demo school: a synthetic, deterministic two-form-entry primary in local mode.

`build_demo(directory, seed, framework)` writes `Tracker summary.xlsx` (Settings and Staff; the
sync writes the rest) and `classes/*.xlsx`: this year's 12 class workbooks (2026-27, Autumn mostly
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
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from functions.framework import Framework, load_framework
from functions.pupils import upn_check_letter
from sync.templates import TEMPLATES_DIR, load_statements, new_class_workbook, new_tracker_summary

SUBJECTS = ["Reading", "Writing", "Maths"]
TIMES = (-1, 0, 1, 2, 3)
"""Windows on one line: -1 = Summer 2024-25 (end of Reception for last year's year 1),
0..2 = Autumn..Summer of last year, 3 = Autumn of this year (the current window)."""
_ACADEMIC = {-1: -1, 0: 0, 1: 0, 2: 0, 3: 1}     # academic year index: 0 last year, 1 this year
_WINDOW = {-1: 3, 0: 1, 1: 2, 2: 3, 3: 1}
_TIERS = ("deep", "well below", "below", "expected", "greater depth")
_TEST_RANGES = np.array([[15, 34], [35, 49], [50, 59], [60, 79], [80, 96]])
"""Test percentages per tier, matching the points benchmark of spec/frameworks.md."""


@dataclass
class _Demo:
    config: dict[str, Any]
    fw: Framework
    rng: np.random.Generator
    pupils: pd.DataFrame
    positions: pd.DataFrame
    statements: pd.DataFrame


def build_demo(directory: Path, seed: int = 1, framework: str = "points",
               templates_dir: Path = TEMPLATES_DIR) -> None:
    """Write the demo school into `directory` (created if missing). Same seed, same files."""
    demo_dir = templates_dir / "demo"
    config = _toml(demo_dir / "school.toml")
    fw = load_framework(_toml(templates_dir / "frameworks" / f"{framework}.toml"), f"{framework}.toml")
    rng = np.random.default_rng(seed)
    pupils = _pupils(rng, config, demo_dir)
    positions = _positions(rng, pupils, config, fw)
    demo = _Demo(config, fw, rng, pupils, positions, load_statements(templates_dir, fw, SUBJECTS))
    directory = Path(directory)
    for academic in (0, 1):
        for (cohort, form), members in pupils[pupils[f"in_{academic}"]].groupby(["cohort", "form"]):
            _write_class(demo, directory / "classes", academic, int(cohort), int(form), members)
    _write_summary(demo, directory / "Tracker summary.xlsx", framework)


def _toml(path: Path) -> dict[str, Any]:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def academic_year_name(config: dict[str, Any], academic: int) -> str:
    """0 -> last year ("2025-26"), 1 -> this year ("2026-27")."""
    return config["academic_year"] if academic == 1 else config["previous_year"]


# ---------------------------------------------------------------------------------------------
# Pupils


def _pupils(rng: np.random.Generator, config: dict[str, Any], demo_dir: Path) -> pd.DataFrame:
    """Every pupil of both years: cohorts 1-6 are this year's year groups, 7 last year's leavers.

    Columns: upn, first_name, last_name, gender, date_of_birth, pupil_premium, sen, eal, cohort,
    form (0/1), in_0 / in_1 (in last / this year's workbooks), joined_0/1, left_0/1, baseline_from
    ("reception" | "previous school" | ""), and standing_<subject>.
    """
    per_class = config["pupils_per_class"]
    cohort = np.repeat(np.arange(1, 8), 2 * per_class)
    count = len(cohort)
    props = config["proportions"]
    frame = pd.DataFrame({"cohort": cohort, "form": np.tile(np.arange(2 * per_class) % 2, 7)})
    frame["gender"] = np.where(rng.random(count) < props["girls"], "F", "M")
    frame = pd.concat([frame, _names(rng, frame["gender"], demo_dir)], axis=1)
    birth_year_start = pd.to_datetime(
        (int(config["academic_year"][:4]) - frame["cohort"] - 5).astype(str) + "-09-01")
    frame["date_of_birth"] = birth_year_start + pd.to_timedelta(rng.integers(0, 365, count), unit="D")
    frame["pupil_premium"] = _exact_share(rng, count, props["pupil_premium"]) > 0
    frame["sen"] = np.array(["", "E", "K"])[_exact_share(rng, count, props["ehcp"], props["sen_support"])]
    entry_year = (birth_year_start.dt.year + 5) % 100     # the year the pupil started Reception
    serial = pd.Series(np.arange(count) + 101)
    body = (config["local_authority"] + config["establishment"] + entry_year.map("{:02d}".format)
            + serial.map("{:03d}".format))
    frame["upn"] = body.map(upn_check_letter) + body
    frame["in_0"], frame["in_1"] = frame["cohort"] >= 2, frame["cohort"] <= 6
    for column in ("joined_0", "joined_1", "left_0", "left_1"):
        frame[column] = pd.NaT
    frame["baseline_from"] = np.where(frame["cohort"] <= 2, "reception", "")
    _mid_year_moves(frame, config)
    _standings(rng, frame, config)
    return frame


def _exact_share(rng: np.random.Generator, count: int, *shares: float) -> np.ndarray:
    """0 for most pupils, 1 for round(shares[0] * count) of them at random, 2 for the next share..."""
    codes = np.zeros(count, dtype=int)
    order, start = rng.permutation(count), 0
    for code, share in enumerate(shares, start=1):
        size = round(share * count)
        codes[order[start:start + size]] = code
        start += size
    return codes


def _names(rng: np.random.Generator, gender: pd.Series, demo_dir: Path) -> pd.DataFrame:
    """First and last names drawn from the synthetic name lists by origin, with EAL by origin."""
    names = pd.read_csv(demo_dir / "names.csv", dtype=str)
    origins = pd.read_csv(demo_dir / "origins.csv")
    count = len(gender)
    origin = rng.choice(origins["origin"].to_numpy(), size=count, p=origins["share"].to_numpy())
    eal_share = origins.set_index("origin")["eal_share"]
    out = pd.DataFrame({"origin": origin, "kind": np.where(gender == "F", "girl", "boy")})
    draw_first, draw_last = rng.random(count), rng.random(count)
    first, last = np.empty(count, dtype=object), np.empty(count, dtype=object)
    for key, rows in out.groupby(["origin", "kind"]).indices.items():
        pool = names.loc[(names["origin"] == key[0]) & (names["kind"] == key[1]), "name"].to_numpy()
        first[rows] = pool[(draw_first[rows] * len(pool)).astype(int)]
    for key, rows in out.groupby("origin").indices.items():
        pool = names.loc[(names["origin"] == key) & (names["kind"] == "surname"), "name"].to_numpy()
        last[rows] = pool[(draw_last[rows] * len(pool)).astype(int)]
    eal = rng.random(count) < out["origin"].map(eal_share).to_numpy()
    return pd.DataFrame({"first_name": first, "last_name": last, "eal": eal})


def _mid_year_moves(frame: pd.DataFrame, config: dict[str, Any]) -> None:
    """A few pupils who joined or left mid-year, chosen by position so every seed has them."""
    def pick(cohort: int, nth: int) -> int:
        return int(frame.index[frame["cohort"] == cohort][nth])

    this_year = int(config["academic_year"][:4])
    arrival = pick(4, 5)          # joined this year from another school, with its judgements
    frame.loc[arrival, ["in_0", "joined_1", "baseline_from"]] = [False, pd.Timestamp(this_year, 10, 5),
                                                                  "previous school"]
    frame.loc[arrival, "upn"] = _upn("873" + "5001" + frame.loc[arrival, "upn"][-5:])
    frame.loc[pick(3, 7), "left_1"] = pd.Timestamp(this_year, 10, 23)     # left this Autumn
    frame.loc[pick(3, 9), "joined_0"] = pd.Timestamp(this_year, 1, 12)    # joined last Spring
    leaver = pick(6, 11)                                                  # left last Spring
    frame.loc[leaver, ["in_1", "left_0"]] = [False, pd.Timestamp(this_year, 2, 27)]


def _upn(body: str) -> str:
    return upn_check_letter(body) + body


def _standings(rng: np.random.Generator, frame: pd.DataFrame, config: dict[str, Any]) -> None:
    """Each pupil's standing per subject, on a normal scale within the cohort (rank-based)."""
    rules = config["attainment"]
    gap = rules["gap"]
    count = len(frame)
    shared = rng.standard_normal(count)
    lowered = (gap["pupil_premium"] * frame["pupil_premium"] + gap["sen_support"] * (frame["sen"] == "K")
               + gap["ehcp"] * (frame["sen"] == "E") + gap["eal_year1"] * frame["eal"] * (frame["cohort"] == 1))
    normal = NormalDist()
    # each current cohort is a little stronger or weaker than the national picture; the leavers
    # (cohort 7) sit on it, so last year's year 6 results land near the national figures
    cohort_shared = rng.normal(0, rules["cohort_spread"], 8)
    for subject in SUBJECTS:
        cohort_effect = cohort_shared + rng.normal(0, rules["cohort_spread"] / 2, 8)
        cohort_effect[7] = 0.0
        latent = (rules["shared"] * shared + np.sqrt(1 - rules["shared"] ** 2) * rng.standard_normal(count)
                  - lowered.to_numpy())
        share = pd.Series(latent).groupby(frame["cohort"]).rank(pct=True) - 0.5 / frame.groupby(
            "cohort")["cohort"].transform("size")
        frame[f"standing_{subject}"] = (share.map(normal.inv_cdf).to_numpy()
                                        + cohort_effect[frame["cohort"].to_numpy()])


# ---------------------------------------------------------------------------------------------
# Positions: one label per pupil x subject x time


def _positions(rng: np.random.Generator, pupils: pd.DataFrame, config: dict[str, Any],
               fw: Framework) -> pd.DataFrame:
    """upn, subject, time, academic, year, window, standing, tier, value, gd, label.

    The standing is exact at each cohort's latest window (this Autumn; last Summer for leavers)
    and drifts backwards in time from there by a random walk.
    """
    rules = config["attainment"]
    parts = []
    for subject in SUBJECTS:
        cuts = _cuts(config, subject)
        anchor = np.where(pupils["cohort"] == 7, 2, 3)
        steps = rng.normal(0, rules["drift"], (len(pupils), len(TIMES)))
        for time in TIMES:
            later = (np.array(TIMES) > time)[None, :] & (np.array(TIMES)[None, :] <= anchor[:, None])
            standing = pupils[f"standing_{subject}"].to_numpy() - (steps * later).sum(axis=1)
            parts.append(pd.DataFrame({"upn": pupils["upn"], "subject": subject, "time": time,
                                       "academic": _ACADEMIC[time], "window": _WINDOW[time],
                                       "year": pupils["cohort"] - 1 + _ACADEMIC[time],
                                       "standing": standing,
                                       "tier": np.searchsorted(cuts, standing, side="right"),
                                       "upper": standing > (cuts[2] + cuts[3]) / 2}))
    positions = pd.concat(parts, ignore_index=True)
    positions = positions[(positions["year"] >= 0) & (positions["year"] <= 6)
                          & ((positions["year"] >= 1) | (positions["window"] == len(fw.windows)))]
    return _place(positions.reset_index(drop=True), fw)


def _cuts(config: dict[str, Any], subject: str) -> np.ndarray:
    """Standing thresholds between the tiers (deep, well below, below, expected, greater depth)."""
    rules = config["attainment"]
    exs, gd = rules["outcomes"][subject]
    normal = NormalDist()
    well_below = normal.inv_cdf(rules["well_below"])
    return np.array([well_below - 0.8, well_below, normal.inv_cdf(1 - exs), normal.inv_cdf(1 - gd)])


def _place(positions: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """Turn tiers into framework values and labels around the expected position.

    points: deep -3, well below -2, below -1, expected 0, greater depth 0 with GD;
    steps: deep -4, well below -3, below -2, expected -1 (lower half) or 0, greater depth +1
    (`Ys+` at Summer, ahead of the path earlier in the year), never past `Ys+`.
    Reception baselines carry no GD.
    """
    tier = positions["tier"].to_numpy()
    years = positions["year"].to_numpy()
    expected = _expected(positions, fw)
    if fw.kind == "points":
        offset = np.array([-3, -2, -1, 0, 0])[tier]
        gd = (tier == 4) & (years >= 1)
        ceiling = np.full(len(tier), fw.scale_max)
    else:
        offset = np.array([-4, -3, -2, -1, 1])[tier] + ((tier == 3) & positions["upper"].to_numpy())
        gd = np.zeros(len(tier), dtype=bool)
        ceiling = positions["year"].map(lambda y: fw.end_of_year_value(y) + 1).to_numpy()
    value = np.clip(expected + offset, fw.scale_min, ceiling).astype(int)
    positions["value"], positions["gd"] = value, gd
    pairs = pd.Series(list(zip(value.tolist(), gd.tolist())), index=positions.index)
    positions["label"] = pairs.map({pair: fw.label_for(*pair) for pair in set(pairs)})
    return positions


def _expected(positions: pd.DataFrame, fw: Framework) -> np.ndarray:
    """E(Y, w) for each row; for Reception (year 0) the end-of-EYFS expectation."""
    keys = pd.Series(list(zip(positions["year"], positions["window"])), index=positions.index)
    return keys.map({(y, w): fw.expected_value(y, w) if y >= 1 else fw.end_of_year_value(0)
                     for y, w in set(keys)}).to_numpy(dtype=float)


# ---------------------------------------------------------------------------------------------
# Class workbooks


def _write_class(demo: _Demo, folder: Path, academic: int, cohort: int, form: int,
                 members: pd.DataFrame) -> None:
    """One class workbook of one academic year, with this year's deliberate messiness."""
    config, fw = demo.config, demo.fw
    year = cohort - 1 + academic
    class_name = config["cohort_names"][(cohort - 1) % 6][form]
    name = academic_year_name(config, academic)
    members = members.reset_index(drop=True)
    due = _due(demo, members, academic)
    tabs = {
        "pupils": _pupils_tab(members, academic),
        "judgements": _judgements(demo, members, academic, due),
        "tests": _tests(demo, members, academic, due),
        "ticks": _ticks(demo, members, academic, year),
        "comments": _comments(demo, members, academic),
        "interventions": _interventions(demo, members, academic),
    }
    if academic == 1:
        _make_messy(demo, tabs, cohort, form)
    new_class_workbook(
        folder / f"{name} {class_name} (Year {year}).xlsx", class_name=class_name, year_group=year,
        teacher=config["teachers"][year - 1][form], academic_year=name, fw=fw, subjects=SUBJECTS,
        statements=demo.statements, **tabs)


def _window_end(demo: _Demo, academic: int, window: int) -> pd.Timestamp:
    start = int(academic_year_name(demo.config, academic)[:4])
    month, day = (int(part) for part in demo.fw.window_ends[window - 1].split("-"))
    return pd.Timestamp(start if month >= 9 else start + 1, month, day)


def _due(demo: _Demo, members: pd.DataFrame, academic: int) -> pd.DataFrame:
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


def _judgements(demo: _Demo, members: pd.DataFrame, academic: int, due: pd.DataFrame) -> pd.DataFrame:
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


def _tests(demo: _Demo, members: pd.DataFrame, academic: int, due: pd.DataFrame) -> pd.DataFrame:
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


def _ticks(demo: _Demo, members: pd.DataFrame, academic: int, year: int) -> pd.DataFrame:
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
        long = grid.stack().rename("code").reset_index()
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


def _comments(demo: _Demo, members: pd.DataFrame, academic: int) -> pd.DataFrame:
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


def _interventions(demo: _Demo, members: pd.DataFrame, academic: int) -> pd.DataFrame:
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
        "Intervention": [offered[s][int(p * len(offered[s]))] for s, p in zip(chosen["subject"], pick)],
        "From": windows[0],
        "To": "" if academic == 1 else np.where(rng.random(len(chosen)) < 0.5, windows[1], windows[2]),
        "Notes": np.array(_NOTES)[rng.integers(0, len(_NOTES), len(chosen))]})


def _make_messy(demo: _Demo, tabs: dict[str, pd.DataFrame], cohort: int, form: int) -> None:
    """What real sheets hold, so Problems has something to show (this year only, fixed places)."""
    judgements, window = tabs["judgements"], demo.fw.windows[0]
    if (cohort, form) == (4, 0):                     # a class a few judgements short
        judgements.loc[judgements.index[[2, 6, 11, 19]], f"Writing {window}"] = np.nan
        judgements.loc[judgements.index[[4, 15]], f"Maths {window}"] = np.nan
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
        for frame in tabs.values():
            key = "upn" if "upn" in frame.columns else "UPN"
            frame[key] = frame[key].replace(wrong, twin)


def _respelt(label: object) -> object:
    """`18 GD` -> `18gd`, `16` -> ` 16 `, `3w+` -> `3W+`: spellings the framework normalises."""
    if not isinstance(label, str):
        return label
    if label.endswith(" GD"):
        return label.replace(" GD", "gd")
    return label.upper() if not label.isdigit() else f" {label} "


def _write_summary(demo: _Demo, path: Path, framework: str) -> None:
    config = demo.config
    domain = config["email_domain"]

    def email(person: str) -> str:
        return f"{person.split()[-1].lower()}@{domain}"

    staff = [(email(config["head"]), "Head"), (email(config["admin"]), "Admin")]
    staff += [(email(t), "Teacher") for pair in config["teachers"] for t in pair]
    settings = {"School name": config["school_name"], "Academic year": config["academic_year"],
                "Framework": framework, "Subjects": ", ".join(SUBJECTS)}
    new_tracker_summary(path, settings, staff)
