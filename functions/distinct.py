"""Work once per distinct combination of values, then spread the results over every row.

A school's long frame repeats the same few combinations (status, label, year, window...) millions
of times; building texts only for the distinct combinations keeps string work out of the hot path.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from functions.framework import Framework


def combined_key(columns: list[tuple[np.ndarray, int]], length: int) -> np.ndarray:
    """One int64 per row, equal exactly where the rows agree in every column. Each column is
    (codes, size) with codes in 0..size-1; whenever the next column could take the key past
    int64, the key so far is renumbered densely first (pd.factorize), so any number of columns fit.
    Only equality of keys means anything, not their order."""
    key, bound = np.zeros(length, np.int64), 1
    for codes, size in columns:
        size = max(size, 1)
        if bound * size >= 2 ** 62:
            key = pd.factorize(key)[0].astype(np.int64)
            bound = int(key.max(initial=0)) + 1
        key, bound = key * size + codes, bound * size
    return key


def small_codes(column: np.ndarray) -> tuple[np.ndarray, int]:
    """(codes, size): codes in 0..size-1 equal exactly where the values are equal (NaN equals
    NaN), for `combined_key`. Booleans and whole numbers in a narrow range (years, windows, status
    codes, positions stored as floats) are their own codes, offset from the smallest, with no
    hashing; anything else is numbered by `pd.factorize`."""
    if column.dtype == bool:
        return column.astype(np.int64), 2
    if column.dtype.kind in "iuf" and len(column):
        blank = np.isnan(column) if column.dtype.kind == "f" else None
        whole = column[~blank] if blank is not None else column
        if len(whole) and (column.dtype.kind != "f" or np.array_equal(whole, np.floor(whole))):
            low, high = int(whole.min()), int(whole.max())
            if high - low <= 4 * len(column) + 1024:
                codes = column - low if blank is None else np.where(blank, high - low + 1, column - low)
                return codes.astype(np.int64), high - low + 2
    if column.dtype == object and len(column) > 1:
        starts = _run_starts(column)
        if starts is not None and 2 * len(starts) <= len(column):
            codes, distinct = pd.factorize(column[starts], use_na_sentinel=False)
            return np.repeat(codes, np.diff(np.append(starts, len(column)))), len(distinct)
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    return codes, len(distinct)


def _run_starts(column: np.ndarray) -> np.ndarray | None:
    """The first row of each run of equal values of an object column (None where two
    neighbours cannot be compared). A school's long frames are sorted, so most of their text
    columns come in runs: numbering the runs' first values gives the same codes as numbering
    every row, from far fewer hashes."""
    change = np.ones(len(column), bool)
    try:
        np.not_equal(column[1:], column[:-1], out=change[1:])
    except TypeError:         # e.g. pd.NA, whose truth is unknown
        return None
    return np.flatnonzero(change)


def distinct_rows(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(first, inverse): the row of the first occurrence of each distinct combination of
    `columns` (NaN equals NaN), and each row's combination number, so `x[first][inverse]` is the
    per-row value of anything that depends only on `columns`."""
    coded = [small_codes(column) for column in columns]
    key = pd.factorize(combined_key(coded, len(columns[0])))[0]
    first = np.empty(key.max() + 1 if len(key) else 0, np.int64)
    first[key[::-1]] = np.arange(len(key))[::-1]  # repeated indexes: the last write (first row) wins
    return first, key


def rows_in(rows: pd.DataFrame, table: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """For each row of `rows`, the position of the row of `table` with the same values in `keys`
    (the last such row); -1 where there is none. On a `table` unique on `keys`, what a left merge
    would find, as positions."""
    return rows_at([rows[k].to_numpy() for k in keys], [table[k].to_numpy() for k in keys])


def rows_at(rows: list[np.ndarray], table: list[np.ndarray]) -> np.ndarray:
    """`rows_in` with the key columns given as arrays: `rows` and `table` list the same keys in
    the same order."""
    size = len(table[0])
    _, code = distinct_rows([np.concatenate([mine, theirs]) for mine, theirs in zip(table, rows, strict=True)])
    where = np.full(int(code.max(initial=0)) + 1, -1)
    where[code[:size]] = np.arange(size)   # repeated indexes: the last write wins
    return where[code[size:]]


def joined_runs(texts: np.ndarray, starts: np.ndarray, separator: str) -> np.ndarray:
    """The texts (an object array) of each run of consecutive rows joined with `separator`;
    `starts` are the runs' first rows, increasing from 0."""
    if not len(starts):
        return np.zeros(0, dtype=object)
    last = np.zeros(len(texts), bool)     # the last row of its run takes no separator
    last[np.append(starts[1:], len(texts)) - 1] = True
    return np.add.reduceat(texts + np.where(last, "", separator), starts)


def labels_for(value: np.ndarray, gd: np.ndarray, fw: Framework) -> np.ndarray:
    """Labels of many values, computed once per distinct (value, gd); "" where value is NaN."""
    first, inverse = distinct_rows([value, gd])
    names = [("" if math.isnan(value[i]) else fw.label_for(value[i], bool(gd[i]))) for i in first]
    return np.array(names, dtype=object)[inverse] if len(value) else np.array([], dtype=object)
