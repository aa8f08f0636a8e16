"""round_half_up: the rounding every percentage and average in the summary tabs goes through."""
import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.rounding import round_half_up


def test_halves_round_up_not_to_even():
    assert round_half_up(12.25) == 12.3
    assert round_half_up(0.05) == 0.1
    assert round_half_up(2.5, 0) == 3.0


def test_float_noise_below_a_half_still_rounds_up():
    # 2.675 is stored as 2.67499999...; a person reading "2.675" expects 2.68
    assert round_half_up(2.675, 2) == 2.68
    # 100 * 7 / 40 = 17.5 exactly; 100 * 49 / 400 = 12.25
    assert round_half_up(100 * 49 / 400) == 12.3


def test_negative_halves_round_away_from_zero_like_excel():
    assert round_half_up(-0.25) == -0.3
    assert round_half_up(-0.04) == 0.0


def test_series_keeps_index_and_nan():
    series = pd.Series([33.333, float("nan"), 66.65], index=["a", "b", "c"], name="x")
    result = round_half_up(series)
    assert result.index.tolist() == ["a", "b", "c"] and result.name == "x"
    assert result["a"] == 33.3 and math.isnan(result["b"]) and result["c"] == 66.7


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_tenths_are_left_as_they_are(tenths):
    value = tenths / 10
    assert round_half_up(np.array([value]))[0] == value


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.floats(-1e13, 1e13, allow_nan=False),
                 st.integers(-10 ** 7, 10 ** 7).map(lambda n: n / 40),           # exact halves and quarters
                 st.integers(-10 ** 6, 10 ** 6).map(lambda n: n / 100 + 0.005)),  # "halves" a hair off
       st.integers(0, 2))
def test_one_float_rounds_to_the_same_bits_as_an_array_of_it(value, places):
    one = round_half_up(value, places)
    many = round_half_up(np.array([value]), places)[0]
    assert type(one) is float and one == many and math.copysign(1, one) == math.copysign(1, many)


def test_one_float_by_hand():
    assert (round_half_up(12.25), round_half_up(-0.25), round_half_up(2.675, 2), round_half_up(0.05),
            round_half_up(-0.04)) == (12.3, -0.3, 2.68, 0.1, 0.0)
    assert math.isnan(round_half_up(float("nan")))
