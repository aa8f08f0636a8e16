"""The `Watchlist` tab: pupils falling behind or excelling at one window, with the rule and since when.

`Since` is the first window of the pupil's current unbroken run on the same list in that subject:
a window at which they were not on that list, not on roll or had no row ends an earlier run.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from functions.aggregates._measures import window_names
from functions.distinct import distinct_rows

WATCHLIST_COLUMNS = ["Class", "Pupil", "UPN", "Subject", "Watchlist", "Rule", "Since"]
LIST_ORDER = {"falling behind": 0, "excelling": 1}


def watchlist(school: pd.DataFrame, window: int) -> pd.DataFrame:
    """Pupils on a list at `window`: falling behind first, then by class, pupil and subject."""
    windows = school["window"].to_numpy()
    listed = np.select([school["watchlist"].isin([name]).to_numpy() for name in LIST_ORDER],
                       [code + 1 for code in LIST_ORDER.values()], default=0)  # 0: on no list
    on_list = np.flatnonzero((listed > 0) & school["on_roll"].to_numpy(bool) & (windows <= window))
    pupil = distinct_rows([school["upn"].to_numpy(object)[on_list],
                           school["subject"].to_numpy(object)[on_list]])[1]
    now = windows[on_list] == window
    # walk back one window at a time while the pupil stays on the list they are on now
    run = np.zeros(int(now.sum()), np.int64)
    staying = np.ones(len(run), bool)
    for earlier in range(window - 1, 0, -1):
        at = windows[on_list] == earlier
        list_then = np.zeros(pupil.max(initial=-1) + 1, np.int64)
        list_then[pupil[at]] = listed[on_list[at]]
        staying &= list_then[pupil[now]] == listed[on_list[now]]
        run += staying
    rows = school.iloc[on_list[now]]
    table = pd.DataFrame({
        "Class": rows["class_name"], "Pupil": rows["pupil"], "UPN": rows["upn"],
        "Subject": rows["subject"], "Watchlist": rows["watchlist"],
        "Rule": rows["watchlist_reason"], "Since": (window - run),
    }, columns=WATCHLIST_COLUMNS).reset_index(drop=True)
    table["Since"] = table["Since"].map(window_names(school))
    order = table.assign(list=table["Watchlist"].map(LIST_ORDER)).sort_values(
        ["list", "Class", "Pupil", "Subject"]).index
    return table.loc[order].reset_index(drop=True)
