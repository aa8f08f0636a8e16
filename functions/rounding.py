"""Rounding as docs/rules.md says: half up (away from zero) to a number of decimal places.

Python's `round` and numpy's `round` round half to even (`round(2.25, 1) == 2.2`) and binary floats
put many "halves" a hair below .5 (`2.675` is stored as 2.67499...). Heads check percentages by hand,
so 12.25% must show as 12.3. We first round to 9 decimals to wipe float noise, then round half away
from zero, as Excel's ROUND does.

Float noise (0.6 * 100 is 60.00000000000001; 0.8 * 5 is 4.000000000000001) is wiped the same way
everywhere, by `without_noise`, before a number is compared with a threshold or shown.
"""
from __future__ import annotations

import math
from typing import TypeVar, overload

import numpy as np
import pandas as pd

NOISE_DECIMALS = 9
ONE_BY_ONE_UNDER = 1e12
"""A float this small is rounded in plain Python (no overflow on the way); NaN and larger ones by
numpy."""

T = TypeVar("T", pd.Series, np.ndarray)


@overload
def without_noise(values: float) -> float: ...
@overload
def without_noise(values: np.ndarray) -> np.ndarray: ...


def without_noise(values):
    """`values` rounded to NOISE_DECIMALS (9) decimals: a float (Python's exact `round`) or an array.

    >>> without_noise(0.6 * 100), without_noise(0.8 * 5)
    (60.0, 4.0)
    """
    if isinstance(values, float):
        return round(values, NOISE_DECIMALS)
    return np.round(values, NOISE_DECIMALS)


@overload
def round_half_up(values: float, places: int = 1) -> float: ...
@overload
def round_half_up(values: T, places: int = 1) -> T: ...


def round_half_up(values, places: int = 1):
    """Round a float, numpy array or pandas Series half away from zero; NaN stays NaN.

    >>> round_half_up(12.25), round_half_up(-0.25), round_half_up(2.675, 2)
    (12.3, -0.3, 2.68)
    """
    scale = 10.0 ** places
    if isinstance(values, float) and abs(values) < ONE_BY_ONE_UNDER:
        return _round_half_up_one(values, scale)
    scaled = without_noise(np.asarray(values, dtype=float) * scale)
    rounded = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) / scale
    rounded = rounded + 0.0  # turn -0.0 into 0.0
    if isinstance(values, pd.Series):
        return pd.Series(rounded, index=values.index, name=values.name)
    if np.ndim(rounded) == 0:
        return float(rounded)
    return rounded


def _round_half_up_one(value: float, scale: float) -> float:
    """`round_half_up` of one finite float in plain Python (one number through numpy costs more
    than the sum), the same operations in the same order as the array path, so the same bits:
    numpy's round to NOISE_DECIMALS multiplies by 10**9, rounds half to even (`round` of a float
    does) and divides back."""
    shift = 10.0 ** NOISE_DECIMALS
    scaled = float(round(value * scale * shift)) / shift
    sign = (scaled > 0) - (scaled < 0)
    return sign * float(math.floor(abs(scaled) + 0.5)) / scale + 0.0
