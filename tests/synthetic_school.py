"""A synthetic school for the report tests and benchmarks (not part of the product): SCHOOL,
STATEMENTS, TICKS and COMMENTS frames (functions/frames.py) with made-up pupils, built without the
reader. Positions are drawn around the expected position; statuses, progress and targets are the
engine's own (`functions.assess.assess`), with each pupil's baseline at last year's end-of-year
expectation. Good enough to exercise every part of a report.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from functions import frames
from functions.assess import assess
from functions.framework import Framework

SUBJECTS = ("Reading", "Writing", "Maths")
FIRST = ("Amara", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Harun", "Isla", "Jack")
CLASSES = ("Oak", "Ash", "Birch", "Elm", "Hazel", "Maple", "Rowan", "Willow", "Yew", "Lime", "Pine",
           "Larch")
LAST = ("Adams", "Begum", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hussain", "Iqbal", "Jones")


def synthetic_school(fw: Framework, *, pupils: int, per_class: int = 30, academic_year: str = "2026-27",
                     seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(school, statements, ticks, comments) for `pupils` pupils in classes of `per_class`."""
    rng = np.random.default_rng(seed)
    windows = len(fw.windows)
    pupil = pd.DataFrame({"n": range(pupils)})
    pupil["upn"] = [f"A{801000000000 + n:012d}" for n in pupil["n"]]
    pupil["first_name"] = [FIRST[n % len(FIRST)] + _suffix(n, len(FIRST)) for n in pupil["n"]]
    pupil["last_name"] = [LAST[(n // 3) % len(LAST)] + _suffix(n, 3 * len(LAST)) for n in pupil["n"]]
    pupil["class_name"] = [CLASSES[(c := n // per_class) % len(CLASSES)] + _suffix(c, len(CLASSES))
                           for n in pupil["n"]]
    pupil["year"] = [(n // per_class) % 6 + 1 for n in pupil["n"]]
    rows = pupil.merge(pd.DataFrame({"subject": SUBJECTS}), how="cross").merge(
        pd.DataFrame({"window": range(1, windows + 1)}), how="cross")
    offset = rng.integers(-2, 2, size=len(rows))
    rows["value"] = fw.expected_values(rows["year"].to_numpy(), rows["window"].to_numpy()) + offset
    rows["label"] = [fw.label_for(v) for v in rows["value"]]
    rows = rows.assign(gd=False, mark="", source="teacher", judgement=rows["label"], test_label="",
                       grid_label="", test_reason="", grid_reason="", on_roll=True,
                       workbook=rows["class_name"] + ".xlsx", unreadable="")
    keys = rows.drop_duplicates(["upn", "subject"])
    start = fw.expected_values(keys["year"].to_numpy(), np.zeros(len(keys)))
    baselines = pd.DataFrame({"upn": keys["upn"], "subject": keys["subject"],
                              "label": [fw.label_for(v) for v in start], "value": start, "gd": False,
                              "window": 0, "origin": "end of last year"})
    extra = rows.drop(columns=frames.POSITIONS).drop(columns="n")
    rows = pd.concat([assess(rows[frames.POSITIONS], baselines, fw), extra.reset_index(drop=True)], axis=1)
    rows["pupil"] = rows["first_name"] + " " + rows["last_name"]
    rows["window_name"] = [fw.windows[w - 1] for w in rows["window"]]
    school = rows
    statements, ticks = _grids(fw, pupil, academic_year, rng)
    comments = pd.DataFrame({
        "workbook": pupil["class_name"] + ".xlsx", "upn": pupil["upn"],
        "comment": [f"{f} has worked hard this term and enjoys reading with friends."
                    for f in pupil["first_name"]],
        "approved": pupil["n"] % 2 == 0})
    return school, statements, ticks, comments


def _suffix(n: int, every: int) -> str:
    return "" if n < every else f"-{'abcdefghijklmnopqrstuvwxyz'[(n // every) % 26]}"


def _grids(fw: Framework, pupil: pd.DataFrame, academic_year: str,
           rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Four statements per point (points) or twelve per band (steps), for every class and subject."""
    groups = range(fw.scale_min, fw.scale_max + 1) if fw.kind == "points" else range(1, 7)
    per = 4 if fw.kind == "points" else 12
    base = pd.DataFrame([(g, i) for g in groups for i in range(per)], columns=["group", "i"])
    base["statement_no"] = range(1, len(base) + 1)
    base["column"] = ""
    base["kpi"] = False
    classes = pupil[["class_name"]].drop_duplicates()
    classes["workbook"] = classes["class_name"] + ".xlsx"
    statements = classes[["workbook"]].merge(pd.DataFrame({"subject": SUBJECTS}), how="cross").merge(
        base, how="cross")
    statements["text"] = (statements["subject"] + " statement " + statements["group"].astype(str)
                          + "." + (statements["i"] + 1).astype(str))
    ticks = pupil.assign(workbook=pupil["class_name"] + ".xlsx").merge(
        statements, on="workbook")
    ticks = ticks[ticks["group"] <= ticks["year"].map(lambda y: fw.end_of_year_value(y - 1) + 1)
                  if fw.kind == "points" else ticks["group"] < ticks["year"]]
    ticks = ticks.assign(academic_year=academic_year, cell="",
                         raw=rng.choice(["A", "M", "WT"], size=len(ticks)))
    return (statements.drop(columns="i"),
            ticks[["workbook", "academic_year", "upn", "subject", "statement_no", "cell", "raw"]])
