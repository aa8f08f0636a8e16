"""ASSESSED from POSITIONS and BASELINES: expected position, status, progress, target, watchlist and
the reasons for each, for a whole school's long frame at once (vectorised; no per-row Python).

Statuses are computed as small integer codes and turned into words at the end; reasons are built
once per distinct combination (functions.distinct). `tests/unit/assess_one.py` gives the same answers
for one pupil and subject, written the plain way; a property test holds the two together.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from functions import frames
from functions.distinct import distinct_rows, labels_for, rows_at
from functions.framework import Framework

KEYS = ["upn", "subject"]
STATUS_WORDS = np.array(frames.STATUSES, dtype=object)   # codes 0..5, 5 = not assessed
NOT_ASSESSED = 5
PROGRESS_WORDS = np.array(("",) + frames.PROGRESS_STATUSES, dtype=object)  # 0 = not measurable
NO_POSITION = "not assessed: no teacher judgement"
UNITS = {"points": ("point", "points"), "steps": ("step", "steps")}


def status_codes(value: np.ndarray, gd: np.ndarray, expected: np.ndarray, ceiling: np.ndarray,
                 fw: Framework) -> np.ndarray:
    """Index into STATUS_WORDS from d = value - expected; NOT_ASSESSED where value is NaN.

    Greater depth by the framework's rule: "gd" = marked GD and d >= gd_from; "ahead" = d >=
    gd_from (no mark: ahead of the path, deeper within the band); "ceiling" = at the year's ceiling."""
    d = value - expected
    deep = {"gd": lambda: gd & (d >= fw.gd_from), "ahead": lambda: d >= fw.gd_from,
            "ceiling": lambda: value >= ceiling}[fw.greater_depth]()
    return np.select([np.isnan(value), deep, d <= fw.well_below, d <= fw.below, d <= fw.expected],
                     [NOT_ASSESSED, 4, 0, 1, 2], default=3)


def progress_codes(progress: np.ndarray, expected_progress: np.ndarray, fw: Framework) -> np.ndarray:
    """Index into PROGRESS_WORDS from p = progress - expected progress; 0 where not measurable."""
    p = progress - expected_progress
    return np.select([np.isnan(p), p <= fw.progress_less_than, p >= fw.progress_more_than],
                     [0, 1, 3], default=2)


def ceiling_of(years: np.ndarray, fw: Framework) -> np.ndarray:
    """Each year's ceiling (NaN for none): the top of targets and, in steps, greater depth."""
    offset = np.nan if fw.ceiling_offset is None else fw.ceiling_offset
    return np.array(fw.end_of_year, dtype=float)[years] + offset


def assess(positions: pd.DataFrame, baselines: pd.DataFrame | None, fw: Framework) -> pd.DataFrame:
    """POSITIONS + the ASSESSED columns of functions/frames.py (a new frame, same row order).
    `baselines` None: none (each pupil's progress counts from their first position)."""
    out = positions.reset_index(drop=True)
    per_window = fw.per_window
    year, window = out["year"].to_numpy(int), out["window"].to_numpy(int)
    value, gd = out["value"].to_numpy(float), out["gd"].to_numpy(bool)
    expected = fw.expected_values(year, window)
    status = status_codes(value, gd, expected, ceiling_of(year, fw), fw)

    groups = distinct_rows([out[key].to_numpy() for key in KEYS])[1]    # pupil x subject
    base = _baselines(out, groups, pd.DataFrame(columns=frames.BASELINES) if baselines is None
                      else baselines, fw)
    base_value, base_window = base["value"][groups], base["window"][groups]
    measurable = ~np.isnan(value) & ~np.isnan(base_value) & (window > base_window)
    progress = np.where(measurable, value - base_value, np.nan)
    expected_progress = np.where(measurable, (window - base_window) * per_window, np.nan)
    progress_code = progress_codes(progress, expected_progress, fw)
    target, target_gd = _targets(value, year, window, fw)
    d, p = value - expected, progress - expected_progress
    falling, excelling, rules = _watchlist(d, p, _stalled(out, groups), fw)

    columns = {
        "expected": expected,
        "expected_label": labels_for(expected, np.zeros(len(out), bool), fw),
        "status": STATUS_WORDS[status],
        "baseline": base_value,
        "baseline_label": base["label"][groups],
        "baseline_window": base_window.astype(int),
        "progress": progress, "expected_progress": expected_progress,
        "progress_status": PROGRESS_WORDS[progress_code],
        "target": target, "target_label": labels_for(target, target_gd, fw),
        "falling_behind": falling, "excelling": excelling,
        "watchlist": np.select([falling, excelling], ["falling behind", "excelling"], default=""),
        "baseline_status": STATUS_WORDS[_baseline_status(base, groups, year, fw)],
    }
    watch_first, watch = distinct_rows([*rules, np.nan_to_num(d, nan=0.0),
                                        np.nan_to_num(p, nan=0.0)])
    watch_texts = np.array([watch_reason([bool(rule[i]) for rule in rules], d[i], p[i], fw)
                            for i in watch_first], dtype=object)
    columns["watchlist_reason"] = watch_texts[watch]
    columns["reasons"] = _reasons(out, columns, status, progress_code, base, groups, watch, fw)
    assessed = out.assign(**{name: columns[name] for name in frames.ASSESSED_EXTRA})
    return assessed[list(positions.columns) + frames.ASSESSED_EXTRA]


def _baselines(out: pd.DataFrame, groups: np.ndarray, baselines: pd.DataFrame,
               fw: Framework) -> dict[str, np.ndarray]:
    """Per pupil x subject (group): its BASELINES row, else its first position of this year."""
    count = int(groups.max(initial=-1)) + 1
    group_rows = np.unique(groups, return_index=True)[1]
    # the first BASELINES row of each pupil x subject: rows_at finds the last, so look in reverse
    listed = np.arange(len(baselines))[::-1]
    row = rows_at([out[key].to_numpy()[group_rows] for key in KEYS],
                  [baselines[key].to_numpy()[listed] for key in KEYS])
    row = np.append(listed, -1)[row]          # -1: none

    def given(column: str, blank: float | str | bool, kind: type) -> np.ndarray:
        """The baseline row's `column` for each group; `blank` where it has none."""
        values = np.append(baselines[column].to_numpy(), [blank])[row]   # -1: the blank at the end
        return np.where(pd.isna(values), blank, values).astype(kind)

    placed = np.flatnonzero(out["value"].notna().to_numpy())
    placed = placed[np.lexsort((out["window"].to_numpy()[placed], groups[placed]))]
    first_rows = placed[np.unique(groups[placed], return_index=True)[1]]
    first_value, first_gd, first_window = np.full(count, np.nan), np.zeros(count, bool), np.zeros(count)
    first_value[groups[first_rows]] = out["value"].to_numpy(float)[first_rows]
    first_gd[groups[first_rows]] = out["gd"].to_numpy(bool)[first_rows]
    first_window[groups[first_rows]] = out["window"].to_numpy()[first_rows]
    given_value = given("value", np.nan, float)
    missing = np.isnan(given_value)
    value = np.where(missing, first_value, given_value)
    gd = np.where(missing, first_gd, given("gd", False, bool))
    window = np.where(missing, first_window, given("window", np.nan, float))
    origin = np.where(missing, "", given("origin", "", object)).astype(object)
    return {"value": value, "gd": gd, "window": window, "origin": origin,
            "origin_code": pd.factorize(origin)[0], "label": labels_for(value, gd, fw)}


def _baseline_status(base: dict[str, np.ndarray], groups: np.ndarray, year: np.ndarray,
                     fw: Framework) -> np.ndarray:
    """The baseline against the expectation at its own window (window 0: the end of last year)."""
    w0 = base["window"][groups]
    of_year = np.where(w0 == 0, year - 1, year)
    expected = fw.expected_values(year, w0)
    return status_codes(base["value"][groups], base["gd"][groups], expected,
                        ceiling_of(of_year, fw), fw)


def _targets(value: np.ndarray, year: np.ndarray, window: np.ndarray,
             fw: Framework) -> tuple[np.ndarray, np.ndarray]:
    """End-of-year expectation, unless reached; then continue (capped) or deepen by policy."""
    end = np.array(fw.end_of_year, dtype=float)[year]
    reached = value >= end
    if fw.target_policy == "continue":
        onwards = np.fmin(value + (len(fw.windows) - window) * fw.per_window,
                          ceiling_of(year, fw))
        return np.where(reached, onwards, end), np.zeros(len(value), bool)
    return np.where(reached, np.fmax(value, end + fw.deepen_offset), end), reached & fw.deepen_gd


def _stalled(out: pd.DataFrame, groups: np.ndarray) -> np.ndarray:
    """No progress since the last position, at this and at the last position (two in a row)."""
    placed = np.flatnonzero(out["value"].notna().to_numpy())
    placed = placed[np.lexsort((out["window"].to_numpy()[placed], groups[placed]))]
    value, group = out["value"].to_numpy()[placed], groups[placed]
    stalled = np.zeros(len(out), bool)
    same = (group[2:] == group[1:-1]) & (group[1:-1] == group[:-2])
    stalled[placed[2:]] = same & (value[2:] <= value[1:-1]) & (value[1:-1] <= value[:-2])
    return stalled


def _watchlist(d: np.ndarray, p: np.ndarray, stalled: np.ndarray,
               fw: Framework) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """falling behind, excelling, and the five rule flags in WATCH_RULES order."""
    watch = fw.watchlist
    with np.errstate(invalid="ignore"):
        not_catching_up = np.isnan(p) | (p < 0)
        rules = [(d <= watch.far_behind) | ((d <= watch.behind) & not_catching_up),
                 p <= watch.slower, stalled & watch.stalled, d >= watch.ahead, p >= watch.faster]
    falling = rules[0] | rules[1] | rules[2]
    return falling, ~falling & (rules[3] | rules[4]), rules


def _amount(x: float, fw: Framework) -> str:
    one, many = UNITS[fw.kind]
    return f"{abs(x):g} {one if abs(x) == 1 else many}"


def watch_reason(held: list[bool], d: float, p: float, fw: Framework) -> str:
    """The watchlist reason of one row from its five rule flags (WATCH_RULES order), in words
    with the numbers: "falling behind: 3 points below expected, progress 2 points less than
    expected"; "" when on neither list."""
    behind, slower, stalled, ahead, faster = held
    if behind or slower or stalled:
        catching = "" if d <= fw.watchlist.far_behind else " and not catching up"
        words = [f"{_amount(d, fw)} below expected{catching}" if behind else "",
                 f"progress {_amount(p, fw)} less than expected" if slower else "",
                 "no progress at two windows in a row" if stalled else ""]
        return "falling behind: " + ", ".join(w for w in words if w)
    if ahead or faster:
        words = [f"{_amount(d, fw)} above expected" if ahead else "",
                 f"progress {_amount(p, fw)} more than expected" if faster else ""]
        return "excelling: " + ", ".join(w for w in words if w)
    return ""


def status_reason(status: str, value: float, gd: bool, expected_label: str, year: int, window: int,
                  mark: str, source: str, unreadable: str, fw: Framework) -> str:
    """The status part of a row's reasons (shared with functions.assess_one)."""
    if status == "not assessed":
        if mark:
            return f"not assessed: marked {mark}"
        if unreadable:
            return f"not assessed: the judgement in {unreadable} could not be read (see Problems)"
        return NO_POSITION
    suggested = (f" (the {source} suggestion: the teacher left the cell blank)"
                 if source in ("test", "grid") else "")
    return (f"{status}: {fw.label_for(value, gd)}{suggested} where {expected_label} was expected "
            f"at {fw.windows[window - 1]} of year {year}")


def _number(x: float, signed: bool = False) -> str:
    return f"{x:+g}" if signed else f"{x:g}"


def _reasons(out: pd.DataFrame, columns: dict[str, np.ndarray], status: np.ndarray,
             progress_code: np.ndarray, base: dict[str, np.ndarray], groups: np.ndarray,
             watch: np.ndarray, fw: Framework) -> np.ndarray:
    """Every reason of each row, joined with "; " (built once per distinct combination)."""
    value, gd = out["value"].to_numpy(float), out["gd"].to_numpy(bool)
    year, window, mark = out["year"].to_numpy(int), out["window"].to_numpy(int), out["mark"].to_numpy()
    source, unreadable = out["source"].to_numpy(object), out["unreadable"].to_numpy(object)
    origin = base["origin"][groups]

    def status_words(i: int) -> str:
        return status_reason(STATUS_WORDS[status[i]], value[i], gd[i], columns["expected_label"][i],
                             year[i], window[i], mark[i], source[i], unreadable[i], fw)

    def progress_words(i: int) -> str:
        if progress_code[i] == 0:
            return ""
        since = origin[i] or f"first position, {fw.windows[columns['baseline_window'][i] - 1]}"
        return (f"progress {PROGRESS_WORDS[progress_code[i]]}: "
                f"{_number(columns['progress'][i], signed=True)} since "
                f"{columns['baseline_label'][i]} ({since}) where "
                f"{_number(columns['expected_progress'][i])} was expected")

    status_first, status_key = distinct_rows([status, value, gd, year, window, mark, source,
                                              unreadable])
    progress_first, progress_key = distinct_rows(
        [progress_code, columns["progress"], columns["baseline"], base["gd"][groups],
         columns["baseline_window"], columns["expected_progress"], base["origin_code"][groups]])
    test_key, test_texts = pd.factorize(out["test_reason"].to_numpy(object))
    grid_key, grid_texts = pd.factorize(out["grid_reason"].to_numpy(object))
    pieces: list[tuple[Any, Any]] = [(status_key, [status_words(i) for i in status_first]), (test_key, test_texts),
              (grid_key, grid_texts), (progress_key, [progress_words(i) for i in progress_first]),
              (watch, _distinct_texts(watch, columns["watchlist_reason"]))]
    first, key = distinct_rows([codes for codes, _ in pieces])
    joined = np.full(len(first), "", dtype=object)
    for codes, texts in pieces:     # "; " between the texts that are not empty
        text = np.asarray(texts, dtype=object)[codes[first]]
        joined = np.where(text == "", joined, np.where(joined == "", text, joined + "; " + text))
    return joined[key]


def _distinct_texts(codes: np.ndarray, texts: np.ndarray) -> np.ndarray:
    """texts[i] for the first row of each code, indexed by code."""
    found = np.empty(codes.max() + 1 if len(codes) else 0, dtype=object)
    found[codes[::-1]] = texts[::-1]
    return found
