"""The `Summary` tab: year group x subject at one window, with key stage and whole-school rows."""
from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from functions.aggregates._measures import (
    COUNTS,
    MEASURE_COLUMNS,
    MEASURED,
    counts,
    measures,
    on_roll_at,
    subject_order,
)

KEY_STAGES = {1: "KS1", 2: "KS1", 3: "LKS2", 4: "LKS2", 5: "UKS2", 6: "UKS2"}
YEAR_ORDER = [1, 2, 3, 4, 5, 6, "KS1", "LKS2", "UKS2", "All"]
SUMMARY_COLUMNS = ["Year", "Subject", *MEASURE_COLUMNS]


def summary(school: pd.DataFrame, window: int, counted_marks: Collection[str]) -> pd.DataFrame:
    """Year group x subject measures of the pupils on roll at `window`.

    One block per subject (in the school's subject order): years 1-6, then `KS1`, `LKS2`, `UKS2`
    and `All`, each only when it has pupils. `Year` holds ints for years and text for the rest.
    """
    rows = on_roll_at(school, window, [*MEASURED, "subject", "year"])
    parts = counts(rows, counted_marks)
    parts["subject"] = rows["subject"]
    parts["year"] = rows["year"].astype(int)
    by_year = parts.groupby(["subject", "year"], sort=False)[COUNTS].sum()
    subject, year = by_year.index.get_level_values(0), by_year.index.get_level_values(1)
    blocks = [by_year, by_year.groupby([subject, year.map(KEY_STAGES)], sort=False).sum(),
              by_year.groupby([subject, np.full(len(by_year), "All")], sort=False).sum()]
    table = measures(pd.concat([block.rename_axis(["Subject", "Year"]) for block in blocks]))
    return order_rows(table.reset_index(), subject_order(school["subject"]))[SUMMARY_COLUMNS]


def order_rows(table: pd.DataFrame, subjects: list[str]) -> pd.DataFrame:
    """Sort by subject (school order) then YEAR_ORDER; a fresh 0..n-1 index."""
    subject_rank = table["Subject"].map({s: i for i, s in enumerate(subjects)})
    year_rank = table["Year"].map({y: i for i, y in enumerate(YEAR_ORDER)})
    order = pd.DataFrame({"s": subject_rank, "y": year_rank}).sort_values(["s", "y"]).index
    return table.loc[order].reset_index(drop=True)
