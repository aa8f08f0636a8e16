"""Statement grids: from WT / A / M ticks to a suggested point or step, with the counts behind it.

A statement is achieved when ticked `A` or `M`, mastered when `M`. Codes are read ignoring case and
spaces; any other code is a problem (error) and counts as blank. A pupil whose grid row has no valid
tick gets no suggestion.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pandas as pd

from functions import frames
from functions.distinct import distinct_rows, labels_for, rows_at, rows_in
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
    which, codes = _codes(ticks["raw"])

    def per_tick(flags: np.ndarray) -> np.ndarray:
        return np.append(flags, False)[which]      # a missing cell (-1): False

    valid = per_tick(np.isin(codes, CODES))
    problems = _code_problems(ticks, np.flatnonzero(~valid & ~per_tick(codes == "")))
    # one grid tab per subject in a workbook: a statement's number names it
    statement = rows_in(ticks, statements, ["workbook", "subject", "statement_no"])
    tick = np.flatnonzero(valid & (statement >= 0))
    upn, subject, workbook = (ticks[key].to_numpy()[tick] for key in [*KEYS, "workbook"])
    first, pupil = distinct_rows([upn, subject])
    band_row = rows_at([upn[first], subject[first]], [bands[key].to_numpy() for key in KEYS])
    banded = band_row >= 0
    if not banded.any():
        return pd.DataFrame(columns=SUGGESTIONS), problems
    chosen = first[banded]
    pupils = pd.DataFrame({"upn": upn[chosen], "subject": subject[chosen], "workbook": workbook[chosen],
                           "band": bands["band"].to_numpy()[band_row[banded]]})
    band = pupils["band"].to_numpy()
    if fw.kind == "points":     # every point of the band, in order
        groups = (np.array(fw.end_of_year)[band - 1] + 1)[:, None] + np.arange(fw.per_year)
    else:
        groups = band[:, None]
    row = np.where(banded, np.cumsum(banded) - 1, -1)[pupil]
    tally = _tally(row, statements["group"].to_numpy()[statement[tick]],
                   per_tick(np.isin(codes, ["A", "M"]))[tick], per_tick(codes == "M")[tick],
                   statements, pupils, groups)
    suggest = _points if fw.kind == "points" else _steps
    return suggest(pupils, tally, fw), problems


class _Tally(NamedTuple):
    """Per pupil x subject (rows) and statement group (columns): the group, the statements of it
    achieved and mastered, and how many it has."""

    group: np.ndarray
    achieved: np.ndarray
    mastered: np.ndarray
    total: np.ndarray


def _tally(row: np.ndarray, group: np.ndarray, achieved: np.ndarray, mastered: np.ndarray,
           statements: pd.DataFrame, pupils: pd.DataFrame, groups: np.ndarray) -> _Tally:
    """Count each pupil's ticks (their `row` in `pupils`, -1 for none; the `group` of the
    statement ticked; whether it is achieved, mastered) and their workbook's statements in each
    of `groups` (a row per pupil, consecutive groups)."""
    count, width = groups.shape
    column = group - groups[row, 0]
    inside = (row >= 0) & (column >= 0) & (column < width)
    cell = row[inside] * width + column[inside]       # pupil x group, as one number

    def tally(ticked: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=ticked[inside], minlength=count * width) \
            .astype(np.int64).reshape(count, width)

    _, book = distinct_rows([np.concatenate([statements[c].to_numpy(), pupils[c].to_numpy()])
                             for c in ("workbook", "subject")])
    known = statements["group"].to_numpy()
    top = int(max(known.max(initial=0), groups.max(initial=0))) + 1
    per_group = np.zeros((int(book.max(initial=0)) + 1, top), np.int64)
    listed = known >= 0
    np.add.at(per_group, (book[:len(statements)][listed], known[listed]), 1)
    total = np.where(groups >= 0, per_group[book[len(statements):][:, None], groups.clip(0)], 0)
    return _Tally(groups, tally(achieved), tally(mastered), total)


def _codes(raw: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each tick as a code, its text without spaces in capitals: (each tick's number into the
    distinct codes, -1 for a missing cell; the distinct codes). A school's ticks are a handful of
    distinct values, so each is worked out once."""
    which, values = pd.factorize(raw.to_numpy(object))
    return which, np.array([re.sub(r"\s+", "", str(value)).upper() for value in values], dtype=object)


def _percents(part: np.ndarray, whole: np.ndarray) -> list[str]:
    """"80%" for each part of its whole, rounded half up to a whole percent ("nan%" where the
    whole is 0)."""
    shares = round_half_up(100 * part / np.where(whole > 0, whole, np.nan), 0)
    return [f"{share:.0f}%" for share in shares]


def _texts(columns: list[np.ndarray], make: Callable[..., list[str]]) -> np.ndarray:
    """`make` (the distinct combinations of `columns` in, one text each out) worked out once per
    distinct combination of `columns` (equal-length 1-d arrays), spread back over every row."""
    first, inverse = distinct_rows(columns)
    return np.array(make(*(column[first] for column in columns)), dtype=object)[inverse]


def _achieved_words(tally: _Tally, subjects: pd.Series, group_word: str) -> np.ndarray:
    """"8 of 10 point 16 reading statements achieved (80%)" per pupil (rows) and group."""
    count, width = tally.group.shape
    words = _texts(
        [tally.achieved.ravel(), tally.total.ravel(), tally.group.ravel(),
         np.repeat(subjects.to_numpy(), width)],
        lambda achieved, total, group, subject: [
            f"{a} of {t} {group_word} {g} {s.lower()} statements achieved ({share})"
            for a, t, g, s, share in zip(achieved, total, group, subject, _percents(achieved, total),
                                         strict=True)])
    return words.reshape(count, width)


def _mastered_words(mastered: np.ndarray, total: np.ndarray) -> np.ndarray:
    """", 10 mastered (50%)" per row."""
    return _texts([mastered, total], lambda mastered, total: [
        f", {m} mastered ({share})" for m, share in zip(mastered, _percents(mastered, total), strict=True)])


def _points(pupils: pd.DataFrame, tally: _Tally, fw: Framework) -> pd.DataFrame:
    """Highest point P of the band with every point up to P secured; GD at the milestone.

    Each pupil x subject has a row of `tally` per point of its band, in order, so the per-pupil
    questions are answered on (pupils x points) arrays."""
    achieved, mastered, total = tally.achieved, tally.mastered, tally.total
    secure = achieved >= without_noise(fw.grid.achieved * total)
    run = np.minimum.accumulate(secure, axis=1)
    deep = (run[:, -1] & (total[:, -1] > 0) & (achieved[:, -1] == total[:, -1])
            & (mastered[:, -1] >= without_noise(fw.grid.gd_mastered * total[:, -1])))
    words = _achieved_words(tally, pupils["subject"], "point")
    said = words[:, 0]
    for point in range(1, words.shape[1]):
        said = said + "; " + words[:, point]
    said[deep] += _mastered_words(mastered[deep, -1], total[deep, -1])
    value = (tally.group[:, 0] - 1 + run.sum(axis=1)).astype(float)
    return _suggestions(pupils, value, deep, said, fw)


def _steps(pupils: pd.DataFrame, tally: _Tally, fw: Framework) -> pd.DataFrame:
    """The step of the assessed band from the shares achieved (a) and mastered (m)."""
    graded = tally.total[:, 0] > 0
    pupils = pupils[graded]
    achieved, mastered, total = (part[graded, 0] for part in tally[1:])
    a = without_noise(achieved / total)
    m = without_noise(mastered / total)
    rule = fw.grid
    top = (a >= rule.top_achieved) & (m >= rule.top_mastered)
    step = np.select([top] + [a >= t.from_share for t in rule.thresholds],
                     [rule.top_step] + [t.step for t in rule.thresholds], default=rule.thresholds[-1].step)
    index = pd.Series(step, dtype=object).map({s: i for i, s in enumerate(fw.steps)}).to_numpy()
    band = pupils["band"].to_numpy()
    value = (len(fw.steps) * (band - 1) + index + 1).astype(float)
    said = _achieved_words(_Tally(*(part[graded] for part in tally)), pupils["subject"], "Band")[:, 0]
    said[top] += _mastered_words(mastered[top], total[top])
    return _suggestions(pupils, value, np.zeros(len(value), bool), said, fw)


def _suggestions(pupils: pd.DataFrame, value: np.ndarray, gd: np.ndarray, said: np.ndarray,
                 fw: Framework) -> pd.DataFrame:
    label = labels_for(value, gd, fw)
    return pd.DataFrame({"upn": pupils["upn"].to_numpy(), "subject": pupils["subject"].to_numpy(),
                         "value": value, "gd": gd, "label": label,
                         "reason": "suggested " + label + ": " + said}, columns=SUGGESTIONS)


def _code_problems(ticks: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """Errors for the ticks at positions `rows` of `ticks`, whose code is none of CODES."""
    if not len(rows):
        return pd.DataFrame(columns=frames.PROBLEMS)
    bad = ticks.iloc[rows]
    return pd.DataFrame({"workbook": bad["workbook"], "tab": bad["subject"] + " grid",
                         "cell": bad["cell"], "found": bad["raw"].astype(str),
                         "expected": EXPECTED_CODE, "severity": "error"},
                        columns=frames.PROBLEMS).reset_index(drop=True)
