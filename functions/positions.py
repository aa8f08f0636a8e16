"""POSITIONS from the cells of one academic year: which position counts for each pupil x subject x
window, and the problems found on the way.

Only a teacher's judgement is a position. Test and grid suggestions are always worked out and kept
beside it (grids for the current window only, since a grid shows what a pupil can do now), but a
blank judgement cell is no position, unless the framework opts in (`[judgements]
suggestions_fill_blanks`): then the test suggestion, else the grid's, stands in for a BLANK cell.
A mark (ABS / NA) is never replaced. An unreadable judgement is a problem, the position stays empty
(never a suggestion) and `unreadable` names the cell, so the reason can say why.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from functions import frames
from functions.distinct import distinct_rows, rows_at, rows_in
from functions.framework import Framework
from functions.grids import grid_suggestions
from functions.labels import parse_labels
from functions.pupils import class_at_windows
from functions.scores import benchmark_suggestions, parse_scores

KEYS = ["upn", "subject", "window"]
FALL_WARNING = 2   # a judgement this many below the previous window's is worth a second look


def build_positions(cells: pd.DataFrame, ticks: pd.DataFrame, statements: pd.DataFrame,
                    pupils: pd.DataFrame, fw: Framework, window_ends: list[date],
                    subjects: list[str], current_window: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One POSITIONS row per pupil x subject x window of `fw.windows`, and a PROBLEMS frame.

    A pupil who moved class counts at each window in the class they were in at its end
    (`functions.pupils.class_at_windows`): only that workbook's cells and ticks are read for it.
    """
    member = class_at_windows(pupils, window_ends)
    grid = _skeleton(member, subjects)
    read = _counted_cells(cells, member, fw, subjects)
    judged, unreadable, judged_problems = _judgements(cells, read, "Judgements", fw)
    tested, test_problems = _tests(cells, read, "Tests", fw)
    found = _place(grid, (judged, JUDGED), (tested, TESTED), (unreadable, {"unreadable": ""}))
    now = member[member["window"] == current_window]          # one row per pupil
    class_now = np.append(now["workbook"].to_numpy(object), np.nan)[rows_in(ticks, now, ["upn"])]  # -1: NaN
    ticked_now = (class_now == ticks["workbook"].to_numpy(object)) & ticks["subject"].isin(subjects).to_numpy()
    graded, grid_problems = _grids(grid, found["value_j"], ticks[ticked_now], statements, fw,
                                   current_window)
    found |= _place(grid, (graded, GRADED))
    columns = {**grid, **_choose(found, fw.suggestions_fill_blanks), **found}
    positions = pd.DataFrame({column: columns[column] for column in frames.POSITIONS})
    found_problems = [part for part in (*judged_problems, *test_problems, grid_problems,
                                        _falls(cells, judged, fw)) if part is not None and len(part)]
    problems = (pd.concat(found_problems, ignore_index=True) if found_problems
                else pd.DataFrame(columns=frames.PROBLEMS))
    return positions, problems[frames.PROBLEMS]


JUDGED = {"judgement": "", "value_j": np.nan, "gd_j": False, "mark": ""}
TESTED = {"value_t": np.nan, "gd_t": False, "test_label": "", "test_reason": ""}
GRADED = {"value_g": np.nan, "gd_g": False, "grid_label": "", "grid_reason": ""}
"""Columns found per pupil x subject x window, and their value where nothing was found."""


def _skeleton(member: pd.DataFrame, subjects: list[str]) -> dict[str, np.ndarray]:
    """A row per pupil x subject x window, in that order, from each pupil's row per window (as
    arrays: upn, window, workbook, year, on_roll, subject)."""
    count = len(member)
    upn = np.repeat(member["upn"].to_numpy(object), len(subjects))
    subject = np.tile(np.array(subjects, dtype=object), count)
    window = np.repeat(member["window"].to_numpy(int), len(subjects))
    order = np.lexsort((window, subject.astype(str), upn.astype(str)))
    of_member = np.repeat(np.arange(count), len(subjects))[order]
    return {"upn": upn[order], "window": window[order],
            "workbook": member["workbook"].to_numpy(object)[of_member],
            "year": member["year"].to_numpy(int)[of_member],
            "on_roll": member["on_roll"].to_numpy(bool)[of_member], "subject": subject[order]}


def _place(grid: dict[str, np.ndarray], *parts: tuple[Mapping[str, Any], dict[str, object]]) -> dict[str, np.ndarray]:
    """The columns of each part (arrays, at most one row per KEYS) named by its blanks, on the
    rows of `grid` (`_skeleton`); each column's blank elsewhere."""
    row = rows_at([np.concatenate([found[key] for found, _ in parts]) for key in KEYS],
                  [grid[key] for key in KEYS])
    placed = {}
    for (found, blanks), at in zip(parts, np.split(row, np.cumsum([len(found[KEYS[0]]) for found, _ in parts])[:-1]),
                                   strict=True):
        there = at >= 0
        for column, blank in blanks.items():
            values = np.full(len(grid["upn"]), blank, dtype=object if isinstance(blank, str) else type(blank))
            values[at[there]] = found[column][there]
            placed[column] = values
    return placed


def _problems(rows: pd.DataFrame, found: pd.Series, expected: str | pd.Series,
              severity: str) -> pd.DataFrame:
    return pd.DataFrame({"workbook": rows["workbook"], "tab": rows["tab"], "cell": rows["cell"],
                         "found": found, "expected": expected, "severity": severity},
                        columns=frames.PROBLEMS)


def _counted_cells(cells: pd.DataFrame, member: pd.DataFrame, fw: Framework,
                   subjects: list[str]) -> dict[str, np.ndarray]:
    """The cells of `subjects` at the windows of `fw` that are read: those of the class each
    pupil counts in at that window. As arrays: `row` (the cell's position in `cells`), upn,
    subject, window (1-based), year (the pupil's year group then) and tab."""
    number = {name: i + 1 for i, name in enumerate(fw.windows)}
    codes, names = pd.factorize(cells["window"].to_numpy(object))
    window = np.array([number.get(name, 0) for name in names] + [0], dtype=int)[codes]   # -1: blank
    keep = np.flatnonzero(cells["subject"].isin(subjects).to_numpy() & (window > 0))
    upn = cells["upn"].to_numpy(object)[keep]
    counted_in = rows_at([upn, window[keep], cells["workbook"].to_numpy(object)[keep]],
                         [member[key].to_numpy() for key in ("upn", "window", "workbook")])
    there = counted_in >= 0
    keep = keep[there]
    return {"row": keep, "upn": upn[there], "subject": cells["subject"].to_numpy(object)[keep],
            "window": window[keep], "year": member["year"].to_numpy()[counted_in[there]],
            "tab": cells["tab"].to_numpy(object)[keep]}


def _on_tab(read: dict[str, np.ndarray], tab: str) -> dict[str, np.ndarray]:
    """The read cells of one tab, in their order; of cells with the same KEYS, the last."""
    rows = np.flatnonzero(read["tab"] == tab)
    if len(rows):
        key = distinct_rows([read[column][rows] for column in KEYS])[1]
        last = np.empty(int(key.max()) + 1, np.int64)
        last[key] = np.arange(len(key))       # repeated indexes: the last write wins
        rows = rows[np.sort(last)]
    return {column: values[rows] for column, values in read.items()}


def _problem_rows(cells: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The rows of `cells` at positions `rows`, numbered from 0."""
    return cells.iloc[rows].reset_index(drop=True)


def _cell_names(cells: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """"Judgements C5": the tab and address of the cells at positions `rows` of `cells`."""
    if not len(rows):
        return np.zeros(0, dtype=object)
    named = _problem_rows(cells, rows)
    return (named["tab"] + " " + named["cell"].astype(str)).to_numpy(object)


def _judgements(cells: pd.DataFrame, read: dict[str, np.ndarray], tab: str,
                fw: Framework) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], list[pd.DataFrame]]:
    """Readable judgements (label, value, gd, mark) per key; the keys whose cell could not be used
    (`unreadable`: "Judgements C5"); and the problems. Unreadable labels and, in steps, a band above
    the pupil's year group are errors and give no position. `read`: `_counted_cells` of `cells`."""
    rows = _on_tab(read, tab)
    parsed = parse_labels(pd.Series(cells["raw"].to_numpy(object)[rows["row"]], dtype=object), fw)
    value = parsed["value"].to_numpy(float)
    unreadable = (parsed["error"] != "").to_numpy()
    above = np.zeros(len(value), bool)
    if fw.kind == "steps":
        band = np.floor((value - 1) / len(fw.steps)) + 1
        above = band > rows["year"]
    problems = []
    if unreadable.any():
        bad = _problem_rows(cells, rows["row"][unreadable])
        problems.append(_problems(bad, bad["raw"].astype(str),
                                  parsed.loc[unreadable, "error"].reset_index(drop=True), "error"))
    if above.any():
        high = _problem_rows(cells, rows["row"][above])
        problems.append(_problems(high, parsed.loc[above, "label"].reset_index(drop=True),
                                  "a step in the pupil's year band or below: higher attainers deepen "
                                  "within their band (up to "
                                  + pd.Series(rows["year"][above]).astype(str) + "s+)", "error"))
    kept = ~unreadable & ~above
    unusable = {column: rows[column][~kept] for column in KEYS}
    unusable["unreadable"] = _cell_names(cells, rows["row"][~kept])
    mark = parsed["mark"].to_numpy(object)
    judged = {column: rows[column][kept] for column in (*KEYS, "row")}
    judged.update({"judgement": np.where(mark == "", parsed["label"].to_numpy(object), mark)[kept],
                   "value_j": value[kept], "gd_j": parsed["gd"].to_numpy(bool)[kept],
                   "mark": mark[kept]})
    return judged, unusable, problems


def _tests(cells: pd.DataFrame, read: dict[str, np.ndarray], tab: str,
           fw: Framework) -> tuple[dict[str, np.ndarray], list[pd.DataFrame]]:
    """Test suggestions relative to E for each window; over 100% or the maximum is an error.
    `read`: `_counted_cells` of `cells`."""
    rows = _on_tab(read, tab)
    scores = parse_scores(pd.Series(cells["raw"].to_numpy(object)[rows["row"]], dtype=object), fw)
    bad = (scores["error"] != "").to_numpy()
    problems = []
    if bad.any():
        wrong = _problem_rows(cells, rows["row"][bad])
        problems.append(_problems(wrong, wrong["raw"].astype(str),
                                  scores.loc[bad, "error"].reset_index(drop=True), "error"))
    expected = pd.Series(fw.expected_values(rows["year"], rows["window"]))
    suggested = benchmark_suggestions(scores["percent"], expected, fw)
    label = suggested["label"].to_numpy(object)
    some = label != ""
    tested = {column: rows[column][some] for column in KEYS}
    tested.update({"value_t": suggested["value"].to_numpy(float)[some],
                   "gd_t": suggested["gd"].to_numpy(bool)[some], "test_label": label[some],
                   "test_reason": suggested["reason"].to_numpy(object)[some]})
    return tested, problems


def _grids(grid: dict[str, np.ndarray], judged: np.ndarray, ticks: pd.DataFrame,
           statements: pd.DataFrame, fw: Framework,
           current_window: int) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Grid suggestions for the current window, in the band of the pupil's year (docs/rules.md,
    section 7); `judged` is the value judged on each row of `grid` (`_skeleton`), `ticks` those
    of its pupils and subjects at the current window."""
    now = grid["window"] == current_window
    band = grid["year"][now]
    if fw.kind == "steps":
        before = grid["window"] <= current_window
        latest = (pd.DataFrame({"upn": grid["upn"][before], "subject": grid["subject"][before],
                                "value_j": judged[before]}).dropna(subset=["value_j"])
                  .groupby(["upn", "subject"], as_index=False)["value_j"].last())
        latest = pd.DataFrame({"upn": grid["upn"][now], "subject": grid["subject"][now]}) \
            .merge(latest, on=["upn", "subject"], how="left")["value_j"]
        judged_band = np.floor((latest.to_numpy() - 1) / len(fw.steps)) + 1
        band = np.maximum(np.fmin(band, judged_band), 1)
    bands = pd.DataFrame({"upn": grid["upn"][now], "subject": grid["subject"][now],
                          "band": band.astype(int)})
    suggested, problems = grid_suggestions(ticks, statements, bands, fw)
    graded = {"upn": suggested["upn"].to_numpy(), "subject": suggested["subject"].to_numpy(),
              "window": np.full(len(suggested), current_window),
              **{name: suggested[column].to_numpy() for column, name in
                 (("value", "value_g"), ("gd", "gd_g"), ("label", "grid_label"), ("reason", "grid_reason"))}}
    return graded, problems


def _choose(found: dict[str, np.ndarray], suggestions_fill_blanks: bool) -> dict[str, np.ndarray]:
    """source, value, gd and label: the teacher's judgement; where the school opted in and the
    cell is blank (not a mark, not unreadable), the test suggestion, else the grid's."""
    judged = ~np.isnan(found["value_j"])
    free = (~judged & (found["mark"] == "") & (found["unreadable"] == "")
            & bool(suggestions_fill_blanks))
    tested = free & ~np.isnan(found["value_t"])
    graded = free & ~tested & ~np.isnan(found["value_g"])
    chosen = [judged, tested, graded]
    return {
        "source": np.select(chosen, ["teacher", "test", "grid"], default="").astype(object),
        "value": np.select(chosen, [found["value_j"], found["value_t"], found["value_g"]], default=np.nan),
        "gd": np.select(chosen, [found["gd_j"], found["gd_t"], found["gd_g"]], default=False).astype(bool),
        "label": np.select(chosen, [found["judgement"], found["test_label"], found["grid_label"]], default=""),
    }


def _falls(cells: pd.DataFrame, judged: dict[str, np.ndarray], fw: Framework) -> pd.DataFrame | None:
    """A judgement FALL_WARNING or more below the previous window's judgement: a warning (None
    when there is none). `judged`: `_judgements`, whose `row` is the cell's position in `cells`."""
    with_value = np.flatnonzero(~np.isnan(judged["value_j"]))
    upn, subject = judged["upn"][with_value], judged["subject"][with_value]
    window, value = judged["window"][with_value], judged["value_j"][with_value]
    order = np.lexsort((window, subject.astype(str), upn.astype(str)))
    upn, subject, window, value = upn[order], subject[order], window[order], value[order]
    fell = np.zeros(len(order), bool)      # against the row before: the same pupil and subject
    fell[1:] = ((upn[1:] == upn[:-1]) & (subject[1:] == subject[:-1]) & (window[1:] - window[:-1] == 1)
                & (value[:-1] - value[1:] >= FALL_WARNING))
    if not fell.any():
        return None
    at = with_value[order[fell]]
    rows = _problem_rows(cells, judged["row"][at])
    before = pd.Series(value[np.flatnonzero(fell) - 1]).map(fw.label_for)
    return pd.DataFrame({
        "workbook": rows["workbook"], "tab": "Judgements", "cell": rows["cell"],
        "found": pd.Series(judged["judgement"][at]) + " after " + before + " at the last window",
        "expected": f"a judgement less than {FALL_WARNING} below the last window's (check it)",
        "severity": "warning"}, columns=frames.PROBLEMS)
