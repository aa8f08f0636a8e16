"""The demo's statutory results (each class workbook's `Statutory` tab) and the disagreement and
mild bias built into this year's judgements, from `sheets_templates/demo/statutory.toml`.

Results are drawn from each pupil's standing in `Demo.positions` (the same standing the judgements
come from), so most agree with the teacher; each class has its own random generator, so adding
this did not change any other value the demo draws.
"""
from __future__ import annotations

import tomllib
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from sync.demo.common import Demo
from sync.templates import TEMPLATES_DIR

_NORMAL = NormalDist()


def _config() -> dict[str, Any]:
    with open(TEMPLATES_DIR / "demo" / "statutory.toml", "rb") as handle:
        return tomllib.load(handle)


def _rng(academic: int, cohort: int, form: int) -> np.random.Generator:
    return np.random.default_rng([16, academic, cohort, form])


def _standing(demo: Demo, members: pd.DataFrame, subject: str, time: int) -> pd.Series:
    """Each member's standing in `subject` at `time` (see sync/demo/attainment.TIMES), in class order."""
    rows = demo.positions[(demo.positions["subject"] == subject) & (demo.positions["time"] == time)]
    return members["upn"].map(rows.set_index("upn")["standing"]).astype(float)


def _tier(demo: Demo, members: pd.DataFrame, subject: str, time: int) -> pd.Series:
    rows = demo.positions[(demo.positions["subject"] == subject) & (demo.positions["time"] == time)]
    return members["upn"].map(rows.set_index("upn")["tier"])


def statutory_tab(demo: Demo, members: pd.DataFrame, academic: int, year: int, cohort: int, form: int,
                  class_name: str) -> pd.DataFrame | None:
    """The Statutory tab's rows (UPN plus result columns) of one class, or None."""
    config, rng = _config(), _rng(academic, cohort, form)
    summer = 2 if academic == 0 else None      # the checks of this year are still to come
    frame = pd.DataFrame({"UPN": members["upn"]})
    count = len(members)
    if year == 1:
        reception = 2 if academic == 1 else -1          # end of Reception: last Summer
        standing = (_standing(demo, members, "Reading", reception)
                    + _standing(demo, members, "Maths", reception)) / 2
        cut = _NORMAL.inv_cdf(1 - config["eyfs"]["goal_expected"])
        from sync.statutory import statutory_rules
        for column in (c for c in statutory_rules().columns if c.check == "eyfs"):
            drawn = standing + rng.normal(0, config["eyfs"]["goal_noise"], count)
            frame[column.name] = np.where(drawn > cut, "expected", "emerging")
        frame.loc[standing.isna(), [c for c in frame.columns if c != "UPN"]] = np.nan
    if summer is None:
        return frame if year == 1 else None
    if year == 1:
        phonics = config["phonics"]
        standing = _standing(demo, members, "Reading", summer)
        cut = _NORMAL.inv_cdf(1 - phonics["met"])
        marks = np.clip(np.round(34 + 3.5 * (standing - cut) - 2 + rng.normal(0, 1.5, count)), 0, 40)
        frame["Phonics mark"] = marks.astype(int).astype(object)
        frame.loc[frame.index[rng.choice(count, phonics["absent_per_class"], replace=False)],
                  "Phonics mark"] = "A"
    elif year == 2:
        phonics = config["phonics"]
        standing = _standing(demo, members, "Reading", summer)
        weakest = standing.rank(pct=True) <= 0.18
        met = rng.random(count) < phonics["retake_met"]
        marks = np.where(met, rng.integers(32, 38, count), rng.integers(12, 32, count))
        frame["Phonics retake mark"] = pd.Series(marks, dtype=object).where(weakest.to_numpy())
        codes = np.array(["PK3", "WTS", "WTS", "EXS", "GDS"])
        for subject in ("Reading", "Writing", "Maths"):
            frame[f"KS1 {subject}"] = codes[_tier(demo, members, subject, summer).to_numpy()]
        frame["KS1 Science"] = np.where(_tier(demo, members, "Reading", summer) >= 2, "EXS", "HNM")
    elif year == 4:
        mtc = config["mtc"]
        standing = _standing(demo, members, "Maths", summer)
        frame["MTC score"] = np.clip(np.round(mtc["mean"] + 1.5 + mtc["spread"] * standing
                                              + rng.normal(0, 1.5, count)), 0, 25).astype(int)
    elif year == 6:
        ks2, clash = config["ks2"], config["disagreement"]
        outcomes = demo.config["attainment"]["outcomes"]
        for subject, share in (("Reading", outcomes["Reading"][0]), ("Maths", outcomes["Maths"][0]),
                               ("GPS", ks2["gps_expected"])):
            standing = _standing(demo, members, "Writing" if subject == "GPS" else subject, summer)
            cut = _NORMAL.inv_cdf(1 - share)
            score = np.clip(np.round(100 + ks2["points_per_sd"] * (standing - cut)
                                     + rng.normal(0, ks2["noise"], count)), 80, 120)
            if class_name == clash["generous_class"] and subject == clash["generous_subject"]:
                spring = _tier(demo, members, subject, 1).to_numpy()
                missed = (spring == 3) & (rng.random(count) < clash["generous_share"])
                score = np.where(missed, rng.integers(94, 100, count), score)
            frame[f"KS2 {subject}"] = score.astype(int).astype(object)
        codes = np.array(["PK6", "WTS", "WTS", "EXS", "GDS"])
        frame["KS2 Writing"] = codes[_tier(demo, members, "Writing", summer).to_numpy()]
        science = _standing(demo, members, "Reading", summer) + rng.normal(0, 0.4, count)
        frame["KS2 Science"] = np.where(science > _NORMAL.inv_cdf(1 - ks2["science_expected"]), "EXS", "HNM")
        frame.loc[frame.index[count - 1], "KS2 GPS"] = "A"       # away on the day
    return frame


def lean_judgements(demo: Demo, judgements: pd.DataFrame, members: pd.DataFrame, academic: int,
                    cohort: int, form: int, class_name: str) -> None:
    """This year's first window: one class judges a subject below its tests, and some boys are
    judged a little lower in one subject (changes `judgements` in place)."""
    if academic != 1:
        return
    config, rng, fw = _config()["disagreement"], _rng(academic, cohort, form), demo.fw
    window = fw.windows[0]
    by = 1 if fw.kind == "points" else 2
    if class_name == config["harsh_class"]:
        column = f"{config['harsh_subject']} {window}"
        chosen = rng.random(len(judgements)) < config["harsh_share"]
        _lower(judgements, column, chosen, config["harsh_by"] * by, fw)
    boys = members["gender"].eq("M").to_numpy() & (rng.random(len(judgements)) < config["boys_share"])
    _lower(judgements, f"{config['boys_subject']} {window}", boys, by, fw)


def _lower(judgements: pd.DataFrame, column: str, chosen: np.ndarray, by: int, fw) -> None:
    if column not in judgements.columns:
        return
    labels = fw.labels

    def lower(label: object) -> object:
        if not isinstance(label, str) or label not in labels:
            return label
        value, _ = labels[label]
        return fw.label_for(max(fw.scale_min, value - by))
    judgements.loc[chosen, column] = judgements.loc[chosen, column].map(lower)
