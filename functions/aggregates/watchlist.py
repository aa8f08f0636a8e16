"""The `Watchlist` tab: pupils falling behind or excelling at one window, with the rule and since when.

`Since` is the first window of the pupil's current unbroken run on the same list in that subject:
a window at which they were not on that list, not on roll or had no row ends an earlier run.
"""
from __future__ import annotations

import pandas as pd

from functions.aggregates._measures import on_roll_at

WATCHLIST_COLUMNS = ["Class", "Pupil", "UPN", "Subject", "Watchlist", "Rule", "Since"]
LIST_ORDER = {"falling behind": 0, "excelling": 1}


def watchlist(school: pd.DataFrame, window: int) -> pd.DataFrame:
    """Pupils on a list at `window`: falling behind first, then by class, pupil and subject."""
    now = on_roll_at(school, window)
    now = now[now["watchlist"].fillna("") != ""]
    keys = ["upn", "subject"]
    earlier = school[school["window"] < window].merge(
        now[[*keys, "watchlist"]], on=keys, suffixes=("", "_now"))
    same = earlier[(earlier["watchlist"] == earlier["watchlist_now"])
                   & earlier["on_roll"].astype(bool)].sort_values("window", ascending=False)
    # latest first, the k-th row (k = 0, 1, ...) continues the run only at window - 1 - k; once a
    # window is skipped every later row falls short of it too, so the count is the run's length
    continues = same["window"] == window - 1 - same.groupby(keys).cumcount()
    run = continues.groupby([same["upn"], same["subject"]]).sum().rename("run").reset_index()
    since = now.merge(run, on=keys, how="left")
    since_window = window - since["run"].fillna(0).astype(int)
    names = school.drop_duplicates("window").set_index("window")["window_name"]
    table = pd.DataFrame({
        "Class": since["class_name"], "Pupil": since["pupil"], "UPN": since["upn"],
        "Subject": since["subject"], "Watchlist": since["watchlist"],
        "Rule": since["watchlist_reason"], "Since": since_window.map(names),
    }, columns=WATCHLIST_COLUMNS)
    order = table.assign(list=table["Watchlist"].map(LIST_ORDER)).sort_values(
        ["list", "Class", "Pupil", "Subject"]).index
    return table.loc[order].reset_index(drop=True)
