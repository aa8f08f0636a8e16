"""The demo's attainment: one position per pupil x subject x window, from each pupil's standing."""
from __future__ import annotations

from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from functions.framework import Framework
from sync.demo.common import SUBJECTS

TIMES = (-1, 0, 1, 2, 3)
"""Windows on one line: -1 = Summer 2024-25 (end of Reception for last year's year 1),
0..2 = Autumn..Summer of last year, 3 = Autumn of this year (the current window)."""
_ACADEMIC = {-1: -1, 0: 0, 1: 0, 2: 0, 3: 1}     # academic year index: 0 last year, 1 this year
_WINDOW = {-1: 3, 0: 1, 1: 2, 2: 3, 3: 1}


def make_positions(rng: np.random.Generator, pupils: pd.DataFrame, config: dict[str, Any],
               fw: Framework) -> pd.DataFrame:
    """upn, subject, time, academic, year, window, standing, tier, value, gd, label.

    The standing is exact at each cohort's latest window (this Autumn; last Summer for leavers)
    and drifts backwards in time from there by a random walk.
    """
    rules = config["attainment"]
    parts = []
    for subject in SUBJECTS:
        cuts = _cuts(config, subject)
        anchor = np.where(pupils["cohort"] == 7, 2, 3)
        steps = rng.normal(0, rules["drift"], (len(pupils), len(TIMES)))
        for time in TIMES:
            later = (np.array(TIMES) > time)[None, :] & (np.array(TIMES)[None, :] <= anchor[:, None])
            standing = pupils[f"standing_{subject}"].to_numpy() - (steps * later).sum(axis=1)
            parts.append(pd.DataFrame({"upn": pupils["upn"], "subject": subject, "time": time,
                                       "academic": _ACADEMIC[time], "window": _WINDOW[time],
                                       "year": pupils["cohort"] - 1 + _ACADEMIC[time],
                                       "standing": standing,
                                       "tier": np.searchsorted(cuts, standing, side="right"),
                                       "upper": standing > (cuts[2] + cuts[3]) / 2}))
    positions = pd.concat(parts, ignore_index=True)
    positions = positions[(positions["year"] >= 0) & (positions["year"] <= 6)
                          & ((positions["year"] >= 1) | (positions["window"] == len(fw.windows)))]
    return _place(positions.reset_index(drop=True), fw)


def _cuts(config: dict[str, Any], subject: str) -> np.ndarray:
    """Standing thresholds between the tiers (deep, well below, below, expected, greater depth)."""
    rules = config["attainment"]
    exs, gd = rules["outcomes"][subject]
    normal = NormalDist()
    well_below = normal.inv_cdf(rules["well_below"])
    return np.array([well_below - 0.8, well_below, normal.inv_cdf(1 - exs), normal.inv_cdf(1 - gd)])


def _place(positions: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """Turn tiers into framework values and labels around the expected position.

    points: deep -3, well below -2, below -1, expected 0, greater depth 0 with GD;
    steps: deep -4, well below -3, below -2, expected -1 (lower half) or 0, greater depth +1
    (`Ys+` at Summer, ahead of the path earlier in the year), never past `Ys+`.
    Reception baselines carry no GD.
    """
    tier = positions["tier"].to_numpy()
    years = positions["year"].to_numpy()
    expected = _expected(positions, fw)
    if fw.kind == "points":
        offset = np.array([-3, -2, -1, 0, 0])[tier]
        gd = (tier == 4) & (years >= 1)
        ceiling = np.full(len(tier), fw.scale_max)
    else:
        offset = np.array([-4, -3, -2, -1, 1])[tier] + ((tier == 3) & positions["upper"].to_numpy())
        gd = np.zeros(len(tier), dtype=bool)
        ceiling = positions["year"].map(lambda y: fw.end_of_year_value(y) + 1).to_numpy()
    value = np.clip(expected + offset, fw.scale_min, ceiling).astype(int)
    positions["value"], positions["gd"] = value, gd
    pairs = pd.Series(list(zip(value.tolist(), gd.tolist(), strict=True)), index=positions.index)
    positions["label"] = pairs.map({pair: fw.label_for(*pair) for pair in set(pairs)})
    return positions


def _expected(positions: pd.DataFrame, fw: Framework) -> np.ndarray:
    """E(Y, w) for each row; for Reception (year 0) the end-of-EYFS expectation."""
    keys = pd.Series(list(zip(positions["year"], positions["window"], strict=True)), index=positions.index)
    return keys.map({(y, w): fw.expected_value(y, w) if y >= 1 else fw.end_of_year_value(0)
                     for y, w in set(keys)}).to_numpy(dtype=float)
