"""Test scores: what teachers type in `Tests`, as a percentage, and the benchmark's suggestion.

How a number is read: a whole number is a percentage (`72` and `1` mean 72% and 1%); a number with
a fractional part, or written with a decimal point, that is at most 1 is a fraction, because a cell
formatted as a percentage holds 0.72 for 72% (so `0.72` and `1.0` mean 72% and 100%). `72%` is a
percentage and `36/50` a score out of a maximum. Over 100%, over the maximum or below 0 is a problem.
A mark (`ABS`, `NA`) means no test this window: no suggestion and no problem.

A cell formatted as a percentage arrives as text (`100%`: the stores read the number format). A
date is never a score: a spreadsheet in a UK locale turns `8/10` typed into the date 8 October, and
the problem says so.
"""
from __future__ import annotations

import math
import re
from datetime import date
from numbers import Real
from typing import NamedTuple

import numpy as np
import pandas as pd

from functions.distinct import labels_for
from functions.framework import Framework
from functions.labels import map_distinct
from functions.rounding import without_noise

EXPECTED_SCORE = "a percentage from 0 to 100 (72 or 72%), a fraction (0.72) or a score (36/50)"
_NUMBER = r"\d+(?:\.\d+)?|\.\d+"
_PERCENT = re.compile(rf"^({_NUMBER})%$")
_OUT_OF = re.compile(rf"^({_NUMBER})/({_NUMBER})$")
_PLAIN = re.compile(rf"^({_NUMBER})$")


class Score(NamedTuple):
    """A read test cell: `percent` (NaN when none), `mark` for ABS/NA, `error` when unreadable."""

    percent: float
    mark: str
    error: str


def _checked(percent: float, whole: str = "100%") -> Score:
    if percent > 100:
        return Score(math.nan, "", f"a score no higher than {whole}")
    return Score(without_noise(percent), "", "")


def date_not_score(day: date) -> str:
    """What to say about a Tests cell that holds a date."""
    return (f"a score, not a date: the spreadsheet read {day.day}/{day.month} as the date "
            f"{day.day} {day:%B}; type the score as a percentage ({round(day.day / day.month * 100)}%), "
            "or format the cell as plain text and type it again")


def parse_score(raw: object, fw: Framework) -> Score:
    """Read one `Tests` cell as a percentage."""
    if raw is None or raw is pd.NaT or isinstance(raw, float) and math.isnan(raw):
        return Score(math.nan, "", "")
    if isinstance(raw, date):
        return Score(math.nan, "", date_not_score(raw))
    if isinstance(raw, Real) and not isinstance(raw, bool):
        return _from_number(float(raw), isinstance(raw, float))
    if not isinstance(raw, str):
        return Score(math.nan, "", EXPECTED_SCORE)
    text = re.sub(r"\s+", "", raw)
    if not text:
        return Score(math.nan, "", "")
    if text.upper() in fw.marks:
        return Score(math.nan, text.upper(), "")
    if match := _PERCENT.match(text):
        return _checked(float(match.group(1)))
    if match := _OUT_OF.match(text):
        got, out_of = float(match.group(1)), float(match.group(2))
        if out_of == 0:
            return Score(math.nan, "", EXPECTED_SCORE)
        return _checked(got / out_of * 100, f"the maximum of {match.group(2)}")
    if match := _PLAIN.match(text):
        return _from_number(float(match.group(1)), "." in text)
    return Score(math.nan, "", EXPECTED_SCORE)


def parse_scores(raw: pd.Series, fw: Framework) -> pd.DataFrame:
    """Read a column of `Tests` cells: columns percent, mark, error, same index."""
    return map_distinct(raw, lambda cell: parse_score(cell, fw), Score(math.nan, "", ""))


def _from_number(number: float, written_as_decimal: bool) -> Score:
    if number < 0:
        return Score(math.nan, "", EXPECTED_SCORE)
    if written_as_decimal and number <= 1:
        return _checked(number * 100)
    return _checked(number)


def percent_text(percent: float) -> str:
    """72.0 -> "72%", 59.99 -> "59.99%" (as typed, not rounded away)."""
    return f"{percent:g}%"


def fraction_as_percent(number: float) -> str:
    """A number in a percent-formatted cell as the text the teacher saw: 1 -> "100%",
    0.725 -> "72.5%" (both stores read such cells this way)."""
    return percent_text(without_noise(number * 100))


def benchmark_suggestions(percent: pd.Series, expected: pd.Series, fw: Framework) -> pd.DataFrame:
    """Suggested positions from test percentages, relative to E for the window (vectorised).

    Returns columns value, gd, label, reason on the same index; NaN/"" where the percentage is
    NaN or the framework has no benchmark. Each benchmark row's lower bound is inclusive.
    """
    count = len(percent)
    value, gd = np.full(count, math.nan), np.zeros(count, dtype=bool)
    label, reason = np.full(count, "", dtype=object), np.full(count, "", dtype=object)
    scored = percent.notna().to_numpy()
    if fw.benchmark and scored.any():
        bounds = np.array([row.from_percent for row in reversed(fw.benchmark)])
        percents = percent.to_numpy()[scored]
        row_of = len(bounds) - np.searchsorted(bounds, percents, side="right")
        offsets = np.array([row.offset for row in fw.benchmark])[row_of]
        gd[scored] = np.array([row.gd for row in fw.benchmark], dtype=bool)[row_of]
        words = np.array([_row_words(fw, i) for i in range(len(fw.benchmark))], dtype=object)[row_of]
        value[scored] = np.clip(expected.to_numpy()[scored] + offsets, fw.scale_min, fw.scale_max)
        label[scored] = labels_for(value[scored], gd[scored], fw)
        shown, inverse = np.unique(percents, return_inverse=True)
        texts = np.array([percent_text(p) for p in shown], dtype=object)[inverse]
        reason[scored] = "suggested " + label[scored] + ": test " + texts + " (" + words + ")"
    return pd.DataFrame({"value": value, "gd": gd, "label": label, "reason": reason},
                        index=percent.index)


def _row_words(fw: Framework, i: int) -> str:
    row = fw.benchmark[i]
    upper = fw.benchmark[i - 1].from_percent if i else None
    span = (f"{row.from_percent:g}% and over" if upper is None else
            f"under {upper:g}%" if row.from_percent == 0 else
            f"{row.from_percent:g} to under {upper:g}%")
    where = ("expected" if row.offset == 0 else
             f"{-row.offset} below expected" if row.offset < 0 else f"{row.offset} above expected")
    extras = [w for w in ("greater depth" if row.gd else "", row.flag) if w]
    return ", ".join([f"{span}: {where}", *extras])
