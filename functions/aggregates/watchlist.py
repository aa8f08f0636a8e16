"""The `Watchlist` tab: one row per pupil on a list at one window, falling behind first, then
excelling, each list ranked by how far behind or ahead the pupil is.

Per subject a row of the SCHOOL frame is on a list by the framework's [watchlist] rules (see
functions.assess): d = value - expected, p = progress - expected progress. How far a subject is
behind is the larger shortfall of the two, min(d, p, 0); how far ahead, the larger lead, max(d,
p, 0) (p counts only where progress can be measured). `How far` adds that up over the subjects the
pupil is listed for: falling behind is ranked most negative first, excelling most positive first;
ties by the number of subjects, then class and pupil. `RANKING` says so in words.

`Since` is the first window of the pupil's current unbroken run on that list in any of the
subjects listed: a window at which a subject was not on that list, not on roll or had no row ends
that subject's earlier run.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from functions.aggregates._measures import subject_order, window_names
from functions.distinct import distinct_rows, joined_runs

WATCHLIST_COLUMNS = ["Watchlist", "Rank", "Class", "Pupil", "UPN", "Year", "Subjects", "How far",
                     "Rule", "Since"]
LIST_ORDER = {"falling behind": 0, "excelling": 1}
RANKING = ("Falling behind first, then excelling. Each list is ranked by How far: for each subject "
           "listed, how far below (or above) the expected position or the expected progress the "
           "pupil is, whichever is further, added up over the subjects.")


def watchlist(school: pd.DataFrame, window: int) -> pd.DataFrame:
    """One row per pupil on a list at `window` (see the module's docstring)."""
    rows = _subject_rows(school, window)
    if rows.empty:
        return pd.DataFrame(columns=WATCHLIST_COLUMNS)
    subjects = {s: i for i, s in enumerate(subject_order(school["subject"]))}
    rows = rows.assign(_s=rows["subject"].map(subjects)).sort_values(["list", "upn", "_s"])
    code, upn = rows["list"].to_numpy(), rows["upn"].to_numpy(object)
    starts = np.flatnonzero(np.append(True, (code[1:] != code[:-1]) | (upn[1:] != upn[:-1])))
    pupils = rows.iloc[starts][["list", "upn", "class_name", "pupil", "year"]].reset_index(drop=True).assign(
        subjects=joined_runs(rows["subject"].to_numpy(object), starts, ", "),
        count=np.diff(np.append(starts, len(rows))),
        how_far=rows.groupby(["list", "upn"], sort=False)["how_far"].sum().to_numpy(),
        since=np.minimum.reduceat(rows["since"].to_numpy(), starts),
        rule=joined_runs(rows["rule"].to_numpy(object), starts, "; "))
    pupils["_key"] = np.where(pupils["list"] == 0, pupils["how_far"], -pupils["how_far"])
    pupils = pupils.sort_values(["list", "_key", "count", "class_name", "pupil"],
                                ascending=[True, True, False, True, True], kind="stable")
    pupils["rank"] = pupils.groupby("list").cumcount() + 1
    names = {code: name for name, code in LIST_ORDER.items()}
    return pd.DataFrame({
        "Watchlist": pupils["list"].map(names), "Rank": pupils["rank"],
        "Class": pupils["class_name"], "Pupil": pupils["pupil"], "UPN": pupils["upn"],
        "Year": pupils["year"].astype(int), "Subjects": pupils["subjects"],
        "How far": pupils["how_far"].astype(float), "Rule": pupils["rule"],
        "Since": pupils["since"].map(window_names(school)),
    }, columns=WATCHLIST_COLUMNS).reset_index(drop=True)


def _subject_rows(school: pd.DataFrame, window: int) -> pd.DataFrame:
    """Pupil x subject rows on a list at `window`: list code, how far, rule words, run start."""
    windows = school["window"].to_numpy()
    listed = np.select([school["watchlist"].isin([name]).to_numpy() for name in LIST_ORDER],
                       [code + 1 for code in LIST_ORDER.values()], default=0)  # 0: on no list
    on_list = np.flatnonzero((listed > 0) & school["on_roll"].to_numpy(bool) & (windows <= window))
    pupil = distinct_rows([school["upn"].to_numpy(object)[on_list],
                           school["subject"].to_numpy(object)[on_list]])[1]
    now = windows[on_list] == window
    # walk back one window at a time while the subject stays on the list it is on now
    run = np.zeros(int(now.sum()), np.int64)
    staying = np.ones(len(run), bool)
    for earlier in range(window - 1, 0, -1):
        at = windows[on_list] == earlier
        list_then = np.zeros(pupil.max(initial=-1) + 1, np.int64)
        list_then[pupil[at]] = listed[on_list[at]]
        staying &= list_then[pupil[now]] == listed[on_list[now]]
        run += staying
    rows = school[["value", "expected", "progress", "expected_progress", "watchlist_reason", "upn",
                   "subject", "class_name", "pupil", "year"]].iloc[on_list[now]]
    d = (rows["value"] - rows["expected"]).to_numpy(float)
    p = (rows["progress"] - rows["expected_progress"]).to_numpy(float)
    code = listed[on_list[now]] - 1
    behind = np.fmin(np.fmin(d, p), 0.0)    # fmin ignores a NaN p (no progress measured)
    ahead = np.fmax(np.fmax(d, p), 0.0)
    reason = rows["watchlist_reason"].astype(str).str.replace(r"^(falling behind|excelling): ", "",
                                                              regex=True)
    return pd.DataFrame({
        "list": code, "upn": rows["upn"].to_numpy(), "subject": rows["subject"].to_numpy(),
        "class_name": rows["class_name"].to_numpy(), "pupil": rows["pupil"].to_numpy(),
        "year": rows["year"].to_numpy(),
        "how_far": np.where(code == 0, behind, ahead),
        "rule": (rows["subject"].astype(str) + ": " + reason).to_numpy(),
        "since": window - run,
    })
