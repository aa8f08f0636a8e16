"""round_half_up: the rounding every percentage and average in the summary tabs goes through."""
import math

import numpy as np
import pandas as pd
from hypothesis import given, strategies as st

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
