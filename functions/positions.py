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

from datetime import date

import numpy as np
import pandas as pd

from functions import frames
from functions.distinct import rows_in
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
    cells = cells[cells["subject"].isin(subjects) & cells["window"].isin(fw.windows)].assign(
        window=lambda c: c["window"].map({name: i + 1 for i, name in enumerate(fw.windows)}).astype(int))
    counted_in = rows_in(cells, member, ["upn", "window", "workbook"])   # the class counted in then
    cells = cells[counted_in >= 0].reset_index(drop=True).assign(
        year=member["year"].to_numpy()[counted_in[counted_in >= 0]])
    judged, unreadable, judged_problems = _judgements(cells[cells["tab"] == "Judgements"], fw)
    tested, test_problems = _tests(cells[cells["tab"] == "Tests"], fw)
    found = _place(grid, (judged, JUDGED), (tested, TESTED), (unreadable, {"unreadable": ""}))
    now = member[member["window"] == current_window]          # one row per pupil
    class_now = np.append(now["workbook"].to_numpy(object), np.nan)[rows_in(ticks, now, ["upn"])]  # -1: NaN
    ticked_now = (class_now == ticks["workbook"].to_numpy(object)) & ticks["subject"].isin(subjects).to_numpy()
    graded, grid_problems = _grids(grid, found["value_j"], ticks[ticked_now], statements, fw,
                                   current_window)
    found |= _place(grid, (graded, GRADED))
    positions = grid.assign(**_choose(found, fw.suggestions_fill_blanks), **{
        column: found[column] for column in ("mark", "judgement", "test_label", "grid_label",
                                             "test_reason", "grid_reason", "unreadable")})
    problems = pd.concat([judged_problems, test_problems, grid_problems, _falls(judged, fw)],
                         ignore_index=True)
    return positions[frames.POSITIONS], problems[frames.PROBLEMS]


JUDGED = {"judgement": "", "value_j": np.nan, "gd_j": False, "mark": ""}
TESTED = {"value_t": np.nan, "gd_t": False, "test_label": "", "test_reason": ""}
GRADED = {"value_g": np.nan, "gd_g": False, "grid_label": "", "grid_reason": ""}
"""Columns found per pupil x subject x window, and their value where nothing was found."""


def _skeleton(member: pd.DataFrame, subjects: list[str]) -> pd.DataFrame:
    """A row per pupil x subject x window, in that order, from each pupil's row per window."""
    count = len(member)
    upn = np.repeat(member["upn"].to_numpy(object), len(subjects))
    subject = np.tile(np.array(subjects, dtype=object), count)
    window = np.repeat(member["window"].to_numpy(int), len(subjects))
    order = np.lexsort((window, subject.astype(str), upn.astype(str)))
    of_member = np.repeat(np.arange(count), len(subjects))[order]
    return pd.DataFrame({"upn": upn[order], "window": window[order],
                         "workbook": member["workbook"].to_numpy(object)[of_member],
                         "year": member["year"].to_numpy(int)[of_member],
                         "on_roll": member["on_roll"].to_numpy(bool)[of_member],
                         "subject": subject[order]})


def _place(grid: pd.DataFrame, *parts: tuple[pd.DataFrame, dict[str, object]]) -> dict[str, np.ndarray]:
    """The columns of each part's frame (at most one row per KEYS) named by its blanks, on the
    rows of `grid`; each column's blank elsewhere."""
    row = rows_in(pd.concat([found[KEYS] for found, _ in parts], ignore_index=True), grid, KEYS)
    placed = {}
    for (found, blanks), at in zip(parts, np.split(row, np.cumsum([len(f) for f, _ in parts])[:-1]),
                                   strict=True):
        there = at >= 0
        for column, blank in blanks.items():
            values = np.full(len(grid), blank, dtype=object if isinstance(blank, str) else type(blank))
            values[at[there]] = found[column].to_numpy()[there]
            placed[column] = values
    return placed


def _problems(rows: pd.DataFrame, found: pd.Series, expected: str | pd.Series,
              severity: str) -> pd.DataFrame:
    return pd.DataFrame({"workbook": rows["workbook"], "tab": rows["tab"], "cell": rows["cell"],
                         "found": found, "expected": expected, "severity": severity},
                        columns=frames.PROBLEMS)


def _judgements(cells: pd.DataFrame,
                fw: Framework) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Readable judgements (label, value, gd, mark) per key; the keys whose cell could not be used
    (`unreadable`: "Judgements C5"); and the problems. Unreadable labels and, in steps, a band above
    the pupil's year group are errors and give no position."""
    cells = cells.drop_duplicates(KEYS, keep="last")
    parsed = parse_labels(cells["raw"], fw)
    unreadable = parsed["error"] != ""
    above = pd.Series(False, index=cells.index)
    if fw.kind == "steps":
        band = np.floor((parsed["value"] - 1) / len(fw.steps)) + 1
        above = band > cells["year"]
    problems = pd.concat([
        _problems(cells[unreadable], cells.loc[unreadable, "raw"].astype(str),
                  parsed.loc[unreadable, "error"], "error"),
        _problems(cells[above], parsed.loc[above, "label"],
                  "a step in the pupil's year band or below: higher attainers deepen within their "
                  "band (up to " + cells.loc[above, "year"].astype(str) + "s+)", "error"),
    ])
    kept = ~unreadable & ~above
    refused = cells[~kept]
    unusable = pd.DataFrame({"upn": refused["upn"], "subject": refused["subject"],
                             "window": refused["window"],
                             "unreadable": refused["tab"] + " " + refused["cell"].astype(str)})
    judged = pd.DataFrame({
        "upn": cells["upn"], "subject": cells["subject"], "window": cells["window"],
        "judgement": parsed["label"].where(parsed["mark"] == "", parsed["mark"]),
        "value_j": parsed["value"], "gd_j": parsed["gd"], "mark": parsed["mark"],
        "cell_j": cells["cell"], "workbook_j": cells["workbook"]})[kept]
    return judged, unusable, problems


def _tests(cells: pd.DataFrame, fw: Framework) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Test suggestions relative to E for each window; over 100% or the maximum is an error."""
    cells = cells.drop_duplicates(KEYS, keep="last")
    scores = parse_scores(cells["raw"], fw)
    bad = scores["error"] != ""
    problems = _problems(cells[bad], cells.loc[bad, "raw"].astype(str), scores.loc[bad, "error"],
                         "error")
    expected = pd.Series(fw.expected_values(cells["year"].to_numpy(), cells["window"].to_numpy()),
                         index=cells.index)
    suggested = benchmark_suggestions(scores["percent"], expected, fw)
    tested = pd.DataFrame({"upn": cells["upn"], "subject": cells["subject"],
                           "window": cells["window"], "value_t": suggested["value"],
                           "gd_t": suggested["gd"], "test_label": suggested["label"],
                           "test_reason": suggested["reason"]})[suggested["label"] != ""]
    return tested, problems


def _grids(grid: pd.DataFrame, judged: np.ndarray, ticks: pd.DataFrame, statements: pd.DataFrame,
           fw: Framework, current_window: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Grid suggestions for the current window, in the band of the pupil's year (docs/rules.md,
    section 7); `judged` is the value judged on each row of `grid`, `ticks` those of its pupils
    and subjects at the current window."""
    now = grid[grid["window"] == current_window]
    band = now["year"]
    if fw.kind == "steps":
        latest = (grid.assign(value_j=judged)[grid["window"] <= current_window].dropna(subset=["value_j"])
                  .groupby(["upn", "subject"], as_index=False)["value_j"].last())
        latest = now[["upn", "subject"]].merge(latest, on=["upn", "subject"], how="left")["value_j"]
        judged_band = np.floor((latest.to_numpy() - 1) / len(fw.steps)) + 1
        band = pd.Series(np.fmin(band.to_numpy(), judged_band), index=now.index).clip(lower=1)
    bands = pd.DataFrame({"upn": now["upn"], "subject": now["subject"], "band": band.astype(int)})
    suggested, problems = grid_suggestions(ticks, statements, bands, fw)
    graded = suggested.rename(columns={"value": "value_g", "gd": "gd_g", "label": "grid_label",
                                       "reason": "grid_reason"}).assign(window=current_window)
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


def _falls(judged: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """A judgement FALL_WARNING or more below the previous window's judgement: a warning."""
    values = judged[judged["value_j"].notna()]
    upn, subject = (values[c].to_numpy(object) for c in ("upn", "subject"))
    window, value = values["window"].to_numpy(int), values["value_j"].to_numpy(float)
    order = np.lexsort((window, subject.astype(str), upn.astype(str)))
    upn, subject, window, value = upn[order], subject[order], window[order], value[order]
    fell = np.zeros(len(order), bool)      # against the row before: the same pupil and subject
    fell[1:] = ((upn[1:] == upn[:-1]) & (subject[1:] == subject[:-1]) & (window[1:] - window[:-1] == 1)
                & (value[:-1] - value[1:] >= FALL_WARNING))
    rows = values.iloc[order[fell]]
    before = pd.Series(value[np.flatnonzero(fell) - 1], index=rows.index).map(fw.label_for)
    return pd.DataFrame({
        "workbook": rows["workbook_j"], "tab": "Judgements", "cell": rows["cell_j"],
        "found": rows["judgement"] + " after " + before + " at the last window",
        "expected": f"a judgement less than {FALL_WARNING} below the last window's (check it)",
        "severity": "warning"}, columns=frames.PROBLEMS)
