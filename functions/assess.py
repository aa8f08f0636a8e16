"""ASSESSED from POSITIONS and BASELINES: expected position, status, progress, target, watchlist and
the reasons for each, for a whole school's long frame at once (vectorised; no per-row Python).

`functions.assess_one` gives the same answers for one pupil and subject, written the plain way;
a property test holds the two together.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from functions import frames
from functions.framework import Framework
from functions.scores import labels_for

KEYS = ["upn", "subject"]
NOT_ASSESSED = "not assessed"
NO_POSITION = "not assessed: no judgement, test or grid suggestion"


def status_of(value: np.ndarray, gd: np.ndarray, expected: np.ndarray, ceiling: np.ndarray,
              fw: Framework) -> np.ndarray:
    """Attainment status words from d = value - expected; "not assessed" where value is NaN."""
    d = value - expected
    deep = (gd & (d >= fw.gd_from)) if fw.greater_depth == "gd" else (value >= ceiling)
    return np.select(
        [np.isnan(value), deep, d <= fw.well_below, d <= fw.below, d <= fw.expected],
        [NOT_ASSESSED, "greater depth", "well below", "below", "expected"],
        default="above").astype(object)


def progress_status_of(progress: np.ndarray, expected_progress: np.ndarray,
                       fw: Framework) -> np.ndarray:
    """Progress status words from p = progress - expected progress; "" where not measurable."""
    p = progress - expected_progress
    return np.select([np.isnan(p), p <= fw.progress_less_than, p >= fw.progress_more_than],
                     ["", "less than expected", "more than expected"],
                     default="expected").astype(object)


def ceiling_of(years: np.ndarray, fw: Framework) -> np.ndarray:
    """Each year's ceiling (NaN for none): the top of targets and, in steps, greater depth."""
    offset = np.nan if fw.ceiling_offset is None else fw.ceiling_offset
    return np.array(fw.end_of_year, dtype=float)[years] + offset


def assess(positions: pd.DataFrame, baselines: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """POSITIONS + the ASSESSED columns of functions/frames.py (a new frame, same row order)."""
    out = positions.reset_index(drop=True).copy()
    W, per_window = len(fw.windows), fw.per_year / len(fw.windows)
    year, window = out["year"].to_numpy(int), out["window"].to_numpy(int)
    value, gd = out["value"].to_numpy(float), out["gd"].to_numpy(bool)
    end_of_year = np.array(fw.end_of_year, dtype=float)
    expected = end_of_year[year - 1] + window * per_window
    out["expected"] = expected
    out["expected_label"] = labels_for(expected, np.zeros(len(out), bool), fw)
    status = status_of(value, gd, expected, ceiling_of(year, fw), fw)
    out["status"] = status

    base = _baselines(out, baselines)
    w0 = base["window"].to_numpy(float)
    measurable = ~np.isnan(value) & ~np.isnan(base["value"].to_numpy(float)) & (window > w0)
    out["baseline"] = base["value"].to_numpy(float)
    out["baseline_label"] = base["label"].to_numpy(object)
    out["baseline_window"] = base["window"].fillna(0).astype(int).to_numpy()
    out["progress"] = np.where(measurable, value - out["baseline"].to_numpy(), np.nan)
    out["expected_progress"] = np.where(measurable, (window - w0) * per_window, np.nan)
    out["progress_status"] = progress_status_of(out["progress"].to_numpy(),
                                                out["expected_progress"].to_numpy(), fw)
    out["baseline_status"] = _baseline_status(base, year, fw)
    _targets(out, value, year, window, fw)
    _watchlist(out)
    out["reasons"] = _reasons(out, base["origin"].to_numpy(object), fw)
    return out[list(positions.columns) + frames.ASSESSED_EXTRA]


def _baselines(out: pd.DataFrame, baselines: pd.DataFrame) -> pd.DataFrame:
    """Each row's baseline: its BASELINES row, else the first position of this year."""
    given = out[KEYS].merge(baselines[KEYS + ["label", "value", "gd", "window", "origin"]],
                            on=KEYS, how="left")
    firsts = (out.loc[out["value"].notna(), KEYS + ["window", "label", "value", "gd"]]
              .sort_values("window", kind="stable").drop_duplicates(KEYS))
    firsts["origin"] = ""
    first = out[KEYS].merge(firsts, on=KEYS, how="left")
    missing = given["value"].isna().to_numpy()
    chosen = given.copy()
    for column in ["label", "value", "gd", "window", "origin"]:
        chosen[column] = given[column].where(~missing, first[column])
    chosen["label"] = chosen["label"].fillna("")
    chosen["origin"] = chosen["origin"].fillna("")
    chosen["gd"] = chosen["gd"].fillna(False).astype(bool)
    return chosen


def _baseline_status(base: pd.DataFrame, year: np.ndarray, fw: Framework) -> np.ndarray:
    """The baseline against the expectation at its own window (window 0: the end of last year)."""
    w0 = base["window"].fillna(0).to_numpy(int)
    of_year = np.where(w0 == 0, year - 1, year)
    expected = np.array(fw.end_of_year, dtype=float)[year - 1] + w0 * fw.per_year / len(fw.windows)
    return status_of(base["value"].to_numpy(float), base["gd"].to_numpy(bool), expected,
                     ceiling_of(of_year, fw), fw)


def _targets(out: pd.DataFrame, value: np.ndarray, year: np.ndarray, window: np.ndarray,
             fw: Framework) -> None:
    """End-of-year expectation, unless reached; then continue (capped) or deepen by policy."""
    end = np.array(fw.end_of_year, dtype=float)[year]
    reached = value >= end
    if fw.target_policy == "continue":
        onwards = np.fmin(value + (len(fw.windows) - window) * fw.per_year / len(fw.windows),
                          ceiling_of(year, fw))
        target, gd = np.where(reached, onwards, end), np.zeros(len(out), bool)
    else:
        target = np.where(reached, np.fmax(value, end + fw.deepen_offset), end)
        gd = reached & fw.deepen_gd
    out["target"] = target
    out["target_label"] = labels_for(target, gd, fw)


def _stalled(out: pd.DataFrame) -> np.ndarray:
    """No progress since the last position, at this and at the last position (two in a row)."""
    placed = out.loc[out["value"].notna(), KEYS + ["window", "value"]].sort_values(KEYS + ["window"])
    by_pupil = placed.groupby(KEYS, sort=False)["value"]
    last, before = by_pupil.shift(1), by_pupil.shift(2)
    stalled = pd.Series(False, index=out.index)
    stalled[placed.index] = (placed["value"] <= last) & (last <= before)
    return stalled.to_numpy()


def _watchlist(out: pd.DataFrame) -> None:
    status, progress_status = out["status"].to_numpy(object), out["progress_status"].to_numpy(object)
    falling_rules = [(status == "well below", "well below expected"),
                     (progress_status == "less than expected", "progress less than expected"),
                     (_stalled(out), "no progress at two windows in a row")]
    excelling_rules = [(status == "above", "above expected"),
                       (status == "greater depth", "greater depth"),
                       (progress_status == "more than expected", "progress more than expected")]
    falling = np.logical_or.reduce([rule for rule, _ in falling_rules])
    excelling = np.logical_or.reduce([rule for rule, _ in excelling_rules])
    out["falling_behind"], out["excelling"] = falling, excelling
    out["watchlist"] = np.select([falling, excelling], ["falling behind", "excelling"], default="")
    falling_words = _join_where(falling_rules, ", ")
    excelling_words = _join_where(excelling_rules, ", ")
    out["watchlist_reason"] = np.where(falling, "falling behind: " + falling_words, np.where(
        excelling, "excelling: " + excelling_words, "")).astype(object)


def _join_where(pieces: list[tuple[np.ndarray, object]], separator: str) -> np.ndarray:
    """Per row, the texts whose condition holds, joined with `separator` ("" when none)."""
    joined = np.full(len(pieces[0][0]), "", dtype=object)
    for condition, text in pieces:
        glue = np.where(joined == "", "", separator).astype(object)
        joined = np.where(condition, joined + glue + text, joined)
    return joined


def _number(values: np.ndarray, signed: bool = False) -> np.ndarray:
    """Numbers as reasons write them ("+2", "3", "-1"), formatted once per distinct value."""
    codes, distinct = pd.factorize(values)
    texts = np.array([f"{v:+g}" if signed else f"{v:g}" for v in distinct] + [""], dtype=object)
    return texts[codes]


def _reasons(out: pd.DataFrame, origin: np.ndarray, fw: Framework) -> np.ndarray:
    """Every reason of each row, joined with "; "."""
    status, label = out["status"].to_numpy(object), out["label"].to_numpy(object)
    window_names = np.array(fw.windows, dtype=object)[out["window"].to_numpy(int) - 1]
    assessed = status != NOT_ASSESSED
    mark = out["mark"].to_numpy(object)
    status_words = np.where(
        assessed, status + ": " + label + " where " + out["expected_label"].to_numpy(object)
        + " was expected at " + window_names + " of year " + _number(out["year"].to_numpy(float)),
        np.where(mark != "", "not assessed: marked " + mark, NO_POSITION).astype(object))
    first_window = np.array(fw.windows, dtype=object)[np.clip(out["baseline_window"].to_numpy(int) - 1,
                                                              0, None)]
    since = np.where(origin != "", origin, "first position, " + first_window).astype(object)
    progress_status = out["progress_status"].to_numpy(object)
    progress_words = ("progress " + progress_status + ": " + _number(out["progress"].to_numpy(), True)
                      + " since " + out["baseline_label"].to_numpy(object) + " (" + since + ") where "
                      + _number(out["expected_progress"].to_numpy()) + " was expected")
    test_reason, grid_reason = out["test_reason"].to_numpy(object), out["grid_reason"].to_numpy(object)
    watch = out["watchlist_reason"].to_numpy(object)
    return _join_where([(np.ones(len(out), bool), status_words), (test_reason != "", test_reason),
                        (grid_reason != "", grid_reason), (progress_status != "", progress_words),
                        (watch != "", watch)], "; ")
