"""The engine for one pupil and subject, written the plain way, one window at a time (a test oracle).

It is the readable statement of the rules (for a parent report, or to check a number by hand) and
the oracle the vectorised `functions.assess` is tested against: both must give the same answers.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from functions.assess import status_reason, watch_reason
from functions.framework import Framework

Row = Mapping[str, Any]


def status_against(value: float, gd: bool, expected: float, ceiling: float | None,
                   fw: Framework) -> str:
    """Attainment status of a value against an expectation (and the year's ceiling, for steps)."""
    if math.isnan(value):
        return "not assessed"
    d = value - expected
    if fw.greater_depth == "gd" and gd and d >= fw.gd_from:
        return "greater depth"
    if fw.greater_depth == "ahead" and d >= fw.gd_from:
        return "greater depth"
    if fw.greater_depth == "ceiling" and value >= ceiling:
        return "greater depth"
    if d <= fw.well_below:
        return "well below"
    if d <= fw.below:
        return "below"
    if d <= fw.expected:
        return "expected"
    return "above"


def status(value: float, gd: bool, year: int, window: int, fw: Framework) -> str:
    """Attainment status at window `window` of year `year`."""
    return status_against(value, gd, fw.expected_value(year, window), fw.ceiling_value(year), fw)


def progress_status(progress: float, expected_progress: float, fw: Framework) -> str:
    if math.isnan(progress):
        return ""
    p = progress - expected_progress
    if p <= fw.progress_less_than:
        return "less than expected"
    if p >= fw.progress_more_than:
        return "more than expected"
    return "expected"


def target(value: float, year: int, window: int, fw: Framework) -> tuple[float, bool]:
    """(target value, gd) for the end of the year."""
    end = fw.end_of_year_value(year)
    if math.isnan(value) or value < end:
        return float(end), False
    if fw.target_policy == "deepen":
        return max(value, end + fw.deepen_offset), fw.deepen_gd
    onwards = value + (len(fw.windows) - window) * fw.per_window
    ceiling = fw.ceiling_value(year)
    return (onwards if ceiling is None else min(onwards, ceiling)), False


def _baseline_status(value: float, gd: bool, w0: int, year: int, fw: Framework) -> str:
    """The baseline against the expectation at its own window (window 0: the end of last year)."""
    if w0 == 0:
        return status_against(value, gd, fw.end_of_year_value(year - 1), fw.ceiling_value(year - 1), fw)
    return status(value, gd, year, w0, fw)


def assess_pupil(rows: list[Row], baseline: Row | None, fw: Framework) -> list[dict[str, Any]]:
    """ASSESSED values for each POSITIONS row of one pupil x subject (any order), in that order."""
    placed = sorted((r for r in rows if not math.isnan(r["value"])), key=lambda r: r["window"])
    if baseline is not None and not math.isnan(baseline["value"]):
        b_value, b_gd, w0 = baseline["value"], bool(baseline["gd"]), int(baseline["window"])
        origin = baseline["origin"]
    elif placed:
        b_value, b_gd, w0, origin = placed[0]["value"], bool(placed[0]["gd"]), placed[0]["window"], ""
    else:
        b_value, b_gd, w0, origin = math.nan, False, 0, ""
    per_window = fw.per_window
    stalled_windows = {placed[i]["window"] for i in range(2, len(placed))
                       if placed[i]["value"] <= placed[i - 1]["value"] <= placed[i - 2]["value"]}
    results = []
    for row in rows:
        year, window, value, gd = row["year"], row["window"], row["value"], bool(row["gd"])
        expected = fw.expected_value(year, window)
        now = status(value, gd, year, window, fw)
        measurable = not math.isnan(value) and not math.isnan(b_value) and window > w0
        progress = value - b_value if measurable else math.nan
        expected_progress = (window - w0) * per_window if measurable else math.nan
        moving = progress_status(progress, expected_progress, fw)
        target_value, target_gd = target(value, year, window, fw)
        d = value - expected
        p = progress - expected_progress
        watch = fw.watchlist
        not_catching_up = math.isnan(p) or p < 0
        held = [d <= watch.far_behind or (d <= watch.behind and not_catching_up), p <= watch.slower,
                watch.stalled and window in stalled_windows and not math.isnan(value),
                d >= watch.ahead, p >= watch.faster]       # comparisons with NaN are False
        falling = any(held[:3])
        excelling = not falling and any(held[3:])
        watch_words = watch_reason(held, d, p, fw)
        b_label = "" if math.isnan(b_value) else fw.label_for(b_value, b_gd)
        status_words = status_reason(now, value, gd, fw.label_for(expected), year, window,
                                     row["mark"], row["source"], row.get("unreadable", ""), fw)
        progress_words = ""
        if moving:
            since = origin or f"first position, {fw.windows[w0 - 1]}"
            progress_words = (f"progress {moving}: {progress:+g} since {b_label} ({since}) where "
                              f"{expected_progress:g} was expected")
        results.append({
            "expected": expected, "expected_label": fw.label_for(expected), "status": now,
            "baseline": b_value, "baseline_label": b_label, "baseline_window": w0,
            "progress": progress, "expected_progress": expected_progress, "progress_status": moving,
            "target": target_value, "target_label": fw.label_for(target_value, target_gd),
            "falling_behind": falling, "excelling": excelling,
            "watchlist": "falling behind" if falling else "excelling" if excelling else "",
            "watchlist_reason": watch_words,
            "reasons": "; ".join(t for t in [status_words, row["test_reason"], row["grid_reason"],
                                             progress_words, watch_words] if t),
            "baseline_status": _baseline_status(b_value, b_gd, w0, year, fw),
        })
    return results
