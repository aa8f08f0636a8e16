"""The shipped framework files, loaded once for the engine's unit tests."""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pandas as pd

from functions.framework import Framework, load_framework

FRAMEWORKS = Path(__file__).resolve().parents[2] / "sheets_templates" / "frameworks"


def framework_data(name: str) -> dict:
    """The parsed TOML of a shipped framework (a fresh dict each call, safe to change)."""
    return tomllib.loads((FRAMEWORKS / f"{name}.toml").read_text(encoding="utf-8"))


@cache
def shipped(name: str) -> Framework:
    return load_framework(framework_data(name), f"{name}.toml")


def positions_frame(rows: list[dict], fw: Framework) -> pd.DataFrame:
    """POSITIONS rows from short dicts: upn, year, window and `label` (or `mark`); the rest defaults.

    A label is read with the framework, so tests speak in labels teachers type ("15", "3w+").
    """
    from functions import frames
    from functions.labels import parse_label

    full = []
    for row in rows:
        parsed = parse_label(row.get("label", ""), fw)
        full.append({"upn": row.get("upn", "U1"), "subject": row.get("subject", "Reading"),
                     "year": row["year"], "window": row["window"], "label": parsed.label,
                     "value": parsed.value, "gd": parsed.gd, "mark": row.get("mark", ""),
                     "source": "teacher" if parsed.label else "", "judgement": parsed.label,
                     "test_label": "", "grid_label": "", "test_reason": row.get("test_reason", ""),
                     "grid_reason": "", "on_roll": True,
                     "unreadable": row.get("unreadable", "")})
    return pd.DataFrame(full, columns=frames.POSITIONS).astype(
        {"year": int, "window": int, "value": float, "gd": bool, "on_roll": bool})
