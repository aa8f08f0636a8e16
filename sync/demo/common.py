"""What the demo's parts share: its subjects, its state while it is built, the years' names."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from functions.framework import Framework

SUBJECTS = ["Reading", "Writing", "Maths"]


@dataclass
class Demo:
    """The school being built: its settings (`school.toml`), framework, random generator, pupils,
    their positions over time and the statement lists."""

    config: dict[str, Any]
    fw: Framework
    rng: np.random.Generator
    pupils: pd.DataFrame
    positions: pd.DataFrame
    statements: pd.DataFrame


def academic_year_name(config: dict[str, Any], academic: int) -> str:
    """0 -> last year ("2025-26"), 1 -> this year ("2026-27")."""
    return config["academic_year"] if academic == 1 else config["previous_year"]
