"""Combining columns of codes into one int64 key (functions.distinct), used by the engine's
reasons and by History's matching."""
from __future__ import annotations

import numpy as np

from functions.distinct import combined_key, distinct_rows


def test_keys_are_equal_exactly_where_every_column_agrees():
    # (0, 2), (1, 2), (0, 2), (1, 0): key = a x 3 + b = 2, 5, 2, 3
    key = combined_key([(np.array([0, 1, 0, 1]), 2), (np.array([2, 2, 2, 0]), 3)], 4)
    assert key.tolist() == [2, 5, 2, 3]


def test_columns_past_int64_are_renumbered_not_wrapped():
    # three columns of 2**31 codes each: 2**93 combinations, more than int64 holds
    big = 2 ** 31
    a = np.array([big - 1, big - 1, 0, big - 1])
    b = np.array([5, 5, 5, 6])
    c = np.array([big - 2, big - 2, big - 2, big - 2])
    key = combined_key([(a, big), (b, big), (c, big)], 4)
    assert key[0] == key[1] and len({key[0], key[2], key[3]}) == 3


def test_distinct_rows_gives_the_first_row_of_each_combination_and_nan_equals_nan():
    first, inverse = distinct_rows([np.array([1.0, np.nan, 1.0, np.nan]), np.array(["a", "b", "a", "b"])])
    assert first.tolist() == [0, 1] and inverse.tolist() == [0, 1, 0, 1]
