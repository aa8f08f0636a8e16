"""Which tabs a sync writes, in which order, from the results of `functions.school`."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from functions.school import PROBLEM_COLUMNS, SchoolResults
from sync.store import Chart, Tab
from sync.tabs import frame_to_tab

if TYPE_CHECKING:
    from sync.job import SchoolRead, SyncOutcome

SYNC_LOG_COLUMNS = ["Started", "Finished", "Window", "Workbooks read", "Workbooks skipped",
                    "Problems", "Errors", "API calls", "Outcome"]
SUMMARY_TAB_ORDER = ["Summary", "Groups", "Classes", "Completion", "Watchlist", "Progress matrix",
                     "Interventions", "Trends", "Governors", "History", "Problems", "Sync log"]


def class_tabs(results: SchoolResults, workbook: str) -> list[Tab]:
    """`Class summary` and `Problems` for one class workbook."""
    rows = results.class_summary[results.class_summary["workbook"] == workbook]
    problems = results.problems[results.problems["Workbook"] == workbook]
    note = f"{results.window_name} {results.academic_year}"
    return [
        frame_to_tab("Class summary", rows.drop(columns="workbook"), note=note),
        frame_to_tab("Problems", problems[PROBLEM_COLUMNS]),
    ]


def summary_tabs(results: SchoolResults, school: SchoolRead, foreign: set[str],
                 outcome: SyncOutcome) -> list[Tab]:
    """Every owned tab of `Tracker summary`, beside any person's tab of the same name."""
    problems = results.problems.copy()
    titles = {}
    for title in SUMMARY_TAB_ORDER:
        titles[title] = f"{title} (tracker)" if title in foreign else title
        if title in foreign:
            problems.loc[len(problems)] = ["Tracker summary", title, "",
                                           f"a tab named '{title}' that a person made",
                                           f"the sync's own tab; it wrote '{title} (tracker)' instead",
                                           "warning"]
    note = f"{results.window_name} {results.academic_year}"
    frames = {
        "Summary": results.summary, "Groups": results.groups, "Classes": results.classes,
        "Completion": results.completion, "Watchlist": results.watchlist,
        "Progress matrix": results.progress_matrix, "Interventions": results.interventions,
        "Trends": results.trends, "Governors": results.governors, "History": results.history,
        "Problems": problems[PROBLEM_COLUMNS],
        "Sync log": _sync_log(school.sync_log, outcome),
    }
    tabs = []
    for title in SUMMARY_TAB_ORDER:
        frame = frames[title]
        chart = _trends_chart(frame) if title == "Trends" else None
        dated = title not in ("History", "Problems", "Sync log")
        tabs.append(frame_to_tab(titles[title], frame, note=note if dated else "", chart=chart))
    return tabs


def _trends_chart(trends: pd.DataFrame) -> Chart | None:
    numeric = [i for i, column in enumerate(trends.columns) if i > 0 and pd.api.types.is_numeric_dtype(trends[column])]
    if trends.empty or not numeric:
        return None
    return Chart(title="% at expected or above, by window", x_column=0, series=tuple(numeric),
                 y_title="% expected or above")


def _sync_log(previous: pd.DataFrame, outcome: SyncOutcome) -> pd.DataFrame:
    row = pd.DataFrame([[outcome.started, outcome.finished, outcome.window, outcome.workbooks_read,
                         outcome.workbooks_skipped, outcome.problems, outcome.errors,
                         outcome.api_calls, outcome.outcome]], columns=SYNC_LOG_COLUMNS)
    if previous.empty or list(previous.columns) != SYNC_LOG_COLUMNS:
        return row
    return pd.concat([previous, row], ignore_index=True)
