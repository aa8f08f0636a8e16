"""The `Classes` tab: class x subject with the Summary measures."""
from __future__ import annotations

from collections.abc import Collection

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

CLASSES_COLUMNS = ["Year", "Class", "Subject", *MEASURE_COLUMNS]


def classes(school: pd.DataFrame, window: int, counted_marks: Collection[str]) -> pd.DataFrame:
    """Class x subject measures at `window`, with the class's year group (its pupils' lowest);
    ordered by year group, then class name, then subject, as Completion is."""
    rows = on_roll_at(school, window, [*MEASURED, "class_name", "subject", "year"])
    parts = counts(rows, counted_marks)
    parts["Class"] = rows["class_name"]
    parts["Subject"] = rows["subject"]
    table = measures(parts.groupby(["Class", "Subject"], sort=False)[COUNTS].sum()).reset_index()
    class_year = rows.groupby("class_name")["year"].min()
    subjects = {s: i for i, s in enumerate(subject_order(school["subject"]))}
    ranks = pd.DataFrame({"year": table["Class"].map(class_year), "class": table["Class"],
                          "subject": table["Subject"].map(subjects)})
    order = ranks.sort_values(["year", "class", "subject"]).index
    table["Year"] = table["Class"].map(class_year)
    return table.loc[order, CLASSES_COLUMNS].reset_index(drop=True)
