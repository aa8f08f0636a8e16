"""Reading what teachers type into a judgement cell: a framework label, a mark, or a problem.

Spellings are normalised before lookup: case, spaces and dots are ignored, "plus" means "+", an
en dash means "-" (`3W+`, ` 3 w+`, `3wplus`, `18gd`, `18 G.D.`, `40-60s+`, `ABS`, `na`). A whole
number that a spreadsheet hands back as a float (16.0) is the label "16"; 16.5 is not a label.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from numbers import Real
from typing import Any, NamedTuple, SupportsInt, cast

import numpy as np
import pandas as pd

from functions.framework import Framework

_DOT_NOT_IN_NUMBER = re.compile(r"(?<!\d)\.|\.(?!\d)")
_WHOLE_FLOAT_TEXT = re.compile(r"^(-?\d+)\.0+$")


class ParsedLabel(NamedTuple):
    """A parsed cell: `label` and `value` (NaN when none), `gd`, `mark` ("" | "ABS" | "NA"), and
    `error` ("" or what was expected) when the cell could not be read."""

    label: str
    value: float
    gd: bool
    mark: str
    error: str


EMPTY = ParsedLabel("", math.nan, False, "", "")


def normalise(text: str) -> str:
    """The lookup key of a spelling: lower case, no spaces or dots, "plus" -> "+"."""
    key = re.sub(r"\s+", "", text.lower()).replace("plus", "+").replace("\u2013", "-")
    key = _DOT_NOT_IN_NUMBER.sub("", key)
    whole = _WHOLE_FLOAT_TEXT.match(key)
    return whole.group(1) if whole else key


def expected_text(fw: Framework) -> str:
    """What a judgement cell should hold, in words, e.g. "a points label such as 16 or 18 GD"."""
    milestone = fw.end_of_year_value(3)
    if fw.kind == "points":
        examples = [fw.label_for(milestone - 2), fw.label_for(milestone, gd=True)]
    else:
        examples = [fw.label_for(milestone - 1), *list(fw.early)[2:3]]
    return f"a {fw.name} label such as {' or '.join(examples)}, or {' or '.join(fw.marks)}"


def _lookup(fw: Framework) -> dict[str, ParsedLabel]:
    table = {normalise(label): ParsedLabel(label, float(value), gd, "", "")
             for label, (value, gd) in fw.labels.items()}
    table.update({normalise(mark): ParsedLabel("", math.nan, False, mark, "") for mark in fw.marks})
    return table


def _parse_with(raw: object, table: dict[str, ParsedLabel], expected: str) -> ParsedLabel:
    if raw is None or isinstance(raw, float) and math.isnan(raw):
        return EMPTY
    if isinstance(raw, Real) and not isinstance(raw, bool):
        if not float(raw).is_integer():
            return ParsedLabel("", math.nan, False, "", expected)
        raw = str(int(cast(SupportsInt, raw)))
    if not isinstance(raw, str):
        return ParsedLabel("", math.nan, False, "", expected)
    key = normalise(raw)
    if not key:
        return EMPTY
    return table.get(key, ParsedLabel("", math.nan, False, "", expected))


def parse_label(raw: object, fw: Framework) -> ParsedLabel:
    """Read one judgement cell (str, int, float, None, or anything a store returns)."""
    return _parse_with(raw, _lookup(fw), expected_text(fw))


def parse_labels(raw: pd.Series, fw: Framework) -> pd.DataFrame:
    """Read a column of judgement cells: columns label, value, gd, mark, error, same index."""
    table, expected = _lookup(fw), expected_text(fw)
    return map_distinct(raw, lambda cell: _parse_with(cell, table, expected), EMPTY)


def map_distinct(raw: pd.Series, parse: Callable[[object], tuple], empty: NamedTuple) -> pd.DataFrame:
    """Apply `parse` once per distinct cell of `raw` (a NamedTuple per cell) and spread the results
    back over every row; `empty` (a NamedTuple) fills the missing cells.

    Cells are grouped by their text, which never merges two cells that parse differently here
    (16, 16.0 and "16" read alike; True and "True" are both errors).
    """
    fields = type(empty)._fields
    present = raw.notna().to_numpy()
    cells = raw[present]
    codes, _ = pd.factorize(cells.astype(str))
    _, firsts = np.unique(codes, return_index=True)
    values = cells.to_numpy(object)
    distinct = [parse(values[i]) for i in firsts]
    columns = {}
    for position, (column, blank) in enumerate(zip(fields, empty, strict=True)):
        kind = object if isinstance(blank, str) else type(blank)
        values = np.full(len(raw), blank, dtype=kind)
        values[present] = np.array([parsed[position] for parsed in distinct], dtype=kind)[codes]
        columns[column] = values
    return pd.DataFrame(columns, index=raw.index)


def offered_labels(fw: Framework, year: int, rules: Mapping[str, Any]) -> list[str]:
    """The labels a judgement drop-down offers for year group `year`, then the framework's marks.

    From `years_below` years under the class's band (reaching the early-years positions for year 1,
    so end-of-Reception baselines fit) to `above` positions past its end-of-year expectation; with
    `gd_from_band`, the GD labels from the start of the year's band. `rules` is a framework kind's
    `[labels]` of the class workbook layout.
    """
    low = max(fw.scale_min, fw.end_of_year_value(year - 1) - rules["years_below"] * fw.per_year + 1)
    high = min(fw.scale_max, fw.end_of_year_value(year) + rules["above"])
    labels = [fw.label_for(v) for v in range(low, high + 1)]
    if fw.gd_suffix and rules.get("gd_from_band"):
        labels += [fw.label_for(v, gd=True) for v in range(fw.end_of_year_value(year - 1) + 1, high + 1)]
    return labels + list(fw.marks)
