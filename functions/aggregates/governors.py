"""The `Governors` tab: the Summary and Groups measures with no names, small groups suppressed.

One table: the Summary rows (section "Year groups") then the Groups rows (section "Groups").
Any year-group or group row of fewer than 5 pupils shows "fewer than 5" in place of its count and
every figure. A group's gap is also suppressed when fewer than 5 pupils are outside the group,
since the gap would then give those few pupils' figure away. Groups have no greater-depth or
watchlist figures (blank); Summary rows have no gap (blank).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

GOVERNORS_COLUMNS = ["Section", "Subject", "Year or group", "Pupils", "% expected or above",
                     "% greater depth or above", "Average progress", "% falling behind", "Gap"]
SMALL = 5
SUPPRESSED = "fewer than 5"


def governors(summary: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Summary (Summary tab columns) and Groups (Groups tab columns) as one anonymous table."""
    years = pd.DataFrame({
        "Section": "Year groups", "Subject": summary["Subject"],
        "Year or group": summary["Year"].astype(str), "Pupils": summary["Pupils"],
        "% expected or above": summary["% expected or above"],
        "% greater depth or above": summary["% greater depth or above"],
        "Average progress": summary["Average progress"], "% falling behind": summary["% falling behind"],
        "Gap": np.nan,
    }, columns=GOVERNORS_COLUMNS)
    years = _suppress(years, summary["Pupils"] < SMALL, GOVERNORS_COLUMNS[3:8])
    in_groups = pd.DataFrame({
        "Section": "Groups", "Subject": groups["Subject"], "Year or group": groups["Group"],
        "Pupils": groups["Pupils in group"],
        "% expected or above": groups["% expected or above in group"],
        "% greater depth or above": np.nan,
        "Average progress": groups["Average progress in group"], "% falling behind": np.nan,
        "Gap": groups["Gap"],
    }, columns=GOVERNORS_COLUMNS)
    small_group = groups["Pupils in group"] < SMALL
    in_groups = _suppress(in_groups, small_group, ["Pupils", "% expected or above", "Average progress"])
    in_groups = _suppress(in_groups, small_group | (groups["Pupils outside group"] < SMALL), ["Gap"])
    return pd.concat([years, in_groups], ignore_index=True)


def _suppress(table: pd.DataFrame, small: pd.Series, columns: list[str]) -> pd.DataFrame:
    """`columns` as objects (figures as Python numbers), SUPPRESSED on the `small` rows."""
    hidden = small.to_numpy(bool)
    return table.assign(**{column: pd.Series(np.where(hidden, SUPPRESSED, table[column].to_numpy(object)),
                                             index=table.index, dtype=object) for column in columns})
