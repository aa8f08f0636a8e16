"""Statement grids: from WT / A / M ticks to a suggested point or step, with the counts behind it.

A statement is achieved when ticked `A` or `M`, mastered when `M`. Codes are read ignoring case and
spaces; any other code is a problem (error) and counts as blank. A pupil whose grid row has no valid
tick gets no suggestion.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from functions import frames
from functions.distinct import labels_for
from functions.framework import Framework
from functions.rounding import round_half_up, without_noise

CODES = ("WT", "A", "M")
EXPECTED_CODE = "WT, A or M (or blank)"
KEYS = ["upn", "subject"]
SUGGESTIONS = KEYS + ["value", "gd", "label", "reason"]


def grid_suggestions(ticks: pd.DataFrame, statements: pd.DataFrame, bands: pd.DataFrame,
                     fw: Framework) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Suggestions per pupil x subject from TICKS and STATEMENTS, and the problems found.

    `bands` (upn, subject, band) gives the band assessed: points, the pupil's year group; steps,
    the year band or the band of the pupil's latest judgement this year when that is lower.
    """
    ticks = ticks.reset_index(drop=True)
    code = _codes(ticks["raw"])
    problems = _code_problems(ticks[~code.isin(CODES) & (code != "")])
    valid = ticks[code.isin(CODES)].assign(achieved=code.isin(["A", "M"]), mastered=code == "M")
    ticked = valid.merge(statements[["workbook", "subject", "statement_no", "group"]],
                         on=["workbook", "subject", "statement_no"])
    pupils = ticked.drop_duplicates(KEYS)[KEYS + ["workbook"]].merge(bands, on=KEYS)
    if pupils.empty:
        return pd.DataFrame(columns=SUGGESTIONS), problems
    counts = ticked.groupby(KEYS + ["group"], as_index=False)[["achieved", "mastered"]].sum()
    totals = statements.groupby(["workbook", "subject", "group"]).size().rename("total").reset_index()
    suggest = _points if fw.kind == "points" else _steps
    return suggest(pupils, counts, totals, fw)[SUGGESTIONS].reset_index(drop=True), problems


def _codes(raw: pd.Series) -> pd.Series:
    """Each tick as a code: its text without spaces, in capitals (missing stays missing). A
    school's ticks are a handful of distinct texts, so each is worked out once."""
    text = raw.astype(str)
    codes = {value: re.sub(r"\s+", "", value).upper() for value in pd.unique(text) if isinstance(value, str)}
    return text.map(codes)


def _with_counts(rows: pd.DataFrame, counts: pd.DataFrame, totals: pd.DataFrame) -> pd.DataFrame:
    rows = rows.merge(counts, on=KEYS + ["group"], how="left").merge(
        totals, on=["workbook", "subject", "group"], how="left")
    return rows.fillna({"achieved": 0, "mastered": 0, "total": 0}).astype(
        {"achieved": int, "mastered": int, "total": int})


def _percent(part: pd.Series, whole: pd.Series) -> pd.Series:
    shares = round_half_up(100 * part / whole.where(whole > 0), 0)
    return shares.map(lambda p: f"{p:.0f}%")


def _points(pupils: pd.DataFrame, counts: pd.DataFrame, totals: pd.DataFrame,
            fw: Framework) -> pd.DataFrame:
    """Highest point P of the band with every point up to P secured; GD at the milestone.

    Each pupil x subject gets one row per point of its band, in order (a left merge keeps the
    left order), so the per-pupil questions are answered on a (pupils x points) array.
    """
    pupils = pupils.reset_index(drop=True)
    per_year, count = fw.per_year, len(pupils)
    first = np.array(fw.end_of_year)[pupils["band"].to_numpy() - 1] + 1
    rows = pupils.loc[pupils.index.repeat(per_year)].assign(
        group=np.repeat(first, per_year) + np.tile(np.arange(per_year), count))
    rows = _with_counts(rows, counts, totals)
    achieved, mastered, total = (rows[c].to_numpy().reshape(count, per_year)
                                 for c in ("achieved", "mastered", "total"))
    secure = achieved >= without_noise(fw.grid.achieved * total)
    run = np.minimum.accumulate(secure, axis=1)
    deep = (run[:, -1] & (total[:, -1] > 0) & (achieved[:, -1] == total[:, -1])
            & (mastered[:, -1] >= without_noise(fw.grid.gd_mastered * total[:, -1])))
    subject = rows["subject"].str.lower()
    words = (rows["achieved"].astype(str) + " of " + rows["total"].astype(str) + " point "
             + rows["group"].astype(str) + " " + subject + " statements achieved ("
             + _percent(rows["achieved"], rows["total"]) + ")").to_numpy().reshape(count, per_year)
    said = pd.Series(words[:, 0])
    for point in range(1, per_year):
        said = said + "; " + words[:, point]
    milestone = rows.iloc[per_year - 1::per_year]
    said[deep] += (", " + milestone["mastered"].astype(str) + " mastered ("
                   + _percent(milestone["mastered"], milestone["total"]) + ")").to_numpy()[deep]
    out = pupils[KEYS + ["workbook"]].assign(value=(first - 1 + run.sum(axis=1)).astype(float), gd=deep)
    out["label"] = labels_for(out["value"].to_numpy(), out["gd"].to_numpy(), fw)
    out["reason"] = "suggested " + out["label"] + ": " + said
    return out


def _steps(pupils: pd.DataFrame, counts: pd.DataFrame, totals: pd.DataFrame,
           fw: Framework) -> pd.DataFrame:
    """The step of the assessed band from the shares achieved (a) and mastered (m)."""
    rows = _with_counts(pupils.assign(group=pupils["band"]), counts, totals)
    rows = rows[rows["total"] > 0].reset_index(drop=True)
    total = rows["total"].to_numpy(dtype=float)
    a = without_noise(rows["achieved"].to_numpy(dtype=float) / total)
    m = without_noise(rows["mastered"].to_numpy(dtype=float) / total)
    rule = fw.grid
    top = (a >= rule.top_achieved) & (m >= rule.top_mastered)
    step = np.select([top] + [a >= t.from_share for t in rule.thresholds],
                     [rule.top_step] + [t.step for t in rule.thresholds], default=rule.thresholds[-1].step)
    index = pd.Series(step, index=rows.index, dtype=object).map({s: i for i, s in enumerate(fw.steps)})
    rows["value"] = (len(fw.steps) * (rows["band"] - 1) + index + 1).astype(float)
    rows["gd"] = False
    rows["label"] = labels_for(rows["value"].to_numpy(), rows["gd"].to_numpy(), fw)
    rows["reason"] = ("suggested " + rows["label"] + ": " + rows["achieved"].astype(str) + " of "
                      + rows["total"].astype(str) + " Band " + rows["band"].astype(str) + " "
                      + rows["subject"].str.lower() + " statements achieved ("
                      + _percent(rows["achieved"], rows["total"]) + ")")
    rows.loc[top, "reason"] += (", " + rows["mastered"].astype(str) + " mastered ("
                                + _percent(rows["mastered"], rows["total"]) + ")")
    return rows


def _code_problems(bad: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"workbook": bad["workbook"], "tab": bad["subject"] + " grid",
                         "cell": bad["cell"], "found": bad["raw"].astype(str),
                         "expected": EXPECTED_CODE, "severity": "error"},
                        columns=frames.PROBLEMS).reset_index(drop=True)
