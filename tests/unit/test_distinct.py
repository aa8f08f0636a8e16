"""Combining columns of codes into one int64 key (functions.distinct), used by the engine's
reasons and by History's matching."""
from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.distinct import combined_key, distinct_rows, joined_runs, rows_in, small_codes


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


def test_rows_in_finds_each_rows_match_by_every_key_and_minus_one_for_none():
    table = pd.DataFrame({"upn": ["A", "A", "B"], "window": [1, 2, 1]})
    rows = pd.DataFrame({"upn": ["B", "A", "C", "A", "B"], "window": [1, 2, 1, 1, 2]})
    # (B,1) is table row 2, (A,2) row 1, (C,1) none, (A,1) row 0, (B,2) none
    assert rows_in(rows, table, ["upn", "window"]).tolist() == [2, 1, -1, 0, -1]
    assert rows_in(rows.iloc[0:0], table, ["upn", "window"]).tolist() == []


def test_rows_in_finds_the_last_of_rows_with_the_same_keys():
    table = pd.DataFrame({"upn": ["A", "B", "A", "A"], "year": [3, 4, 3, 3]})
    # (A, 3) is on rows 0, 2 and 3: the last, 3
    assert rows_in(pd.DataFrame({"upn": ["A", "B"], "year": [3, 4]}), table, ["upn", "year"]).tolist() == [3, 1]


def test_joined_runs_joins_each_run_of_rows_with_the_separator():
    texts = np.array(["Maths", "Reading", "Writing", "Maths"], dtype=object)
    # runs: rows 0 | 1, 2 | 3
    assert joined_runs(texts, np.array([0, 1, 3]), ", ").tolist() == ["Maths", "Reading, Writing", "Maths"]
    assert joined_runs(texts[:0], np.array([], dtype=int), ", ").tolist() == []


def test_small_codes_use_flags_and_narrow_whole_numbers_as_they_are():
    codes, size = small_codes(np.array([True, False, True]))
    assert codes.tolist() == [1, 0, 1] and size == 2
    codes, size = small_codes(np.array([3, 5, 3]))            # offset from the smallest, 3
    assert codes.tolist() == [0, 2, 0] and size == 4
    # whole floats 2..4 with a blank: 2 -> 0, 4 -> 2, NaN -> one past the largest, 3
    codes, size = small_codes(np.array([2.0, np.nan, 2.0, 4.0, np.nan]))
    assert codes.tolist() == [0, 3, 0, 2, 3] and size == 4


def test_small_codes_number_anything_else_as_pd_factorize_does():
    codes, size = small_codes(np.array([0.5, 1.5, 0.5]))      # not whole: numbered in order
    assert codes.tolist() == [0, 1, 0] and size == 2
    codes, size = small_codes(np.array([0, 10 ** 9, 0]))      # too wide a range for its length
    assert codes.tolist() == [0, 1, 0] and size == 2
    # texts in runs: the runs' first values b, a, b numbered 0, 1, 0 and spread over the runs
    codes, size = small_codes(np.array(["b", "b", "a", "a", "b", np.nan, np.nan], dtype=object))
    assert codes.tolist() == [0, 0, 1, 1, 0, 2, 2] and size == 3


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["a", "b", ""]), st.none(), st.just(float("nan")),
                          st.integers(-2, 2)), min_size=1, max_size=40),
       st.lists(st.one_of(st.integers(-3, 3).map(float), st.just(float("nan")), st.just(0.5)),
                min_size=1, max_size=40))
def test_small_codes_agree_with_pd_factorize(texts, numbers):
    for column in (np.array(texts, dtype=object), np.array(sorted(texts, key=str), dtype=object),
                   np.array(numbers), np.array([int(n) for n in numbers if n == n and n != 0.5] or [0])):
        codes, size = small_codes(column)
        expected, distinct = pd.factorize(column, use_na_sentinel=False)
        assert (codes[:, None] == codes[None, :]).tolist() == (expected[:, None] == expected[None, :]).tolist()
        assert codes.min() >= 0 and codes.max() < size
        if column.dtype == object:
            assert codes.tolist() == expected.tolist() and size == len(distinct)


def test_small_codes_of_values_that_cannot_be_compared_fall_back_to_pd_factorize():
    column = np.array(["a", pd.NA, pd.NA, "a"], dtype=object)     # "a" != pd.NA has no truth value
    codes, size = small_codes(column)
    assert codes.tolist() == pd.factorize(column, use_na_sentinel=False)[0].tolist() and size == 2
