"""Which tabs a sync writes, in which order, from the results of `functions.school`."""
from __future__ import annotations

import math
from typing import Any, cast

import numpy as np
import pandas as pd

from functions.aggregates.watchlist import RANKING as WATCHLIST_RANKING
from functions.changes import STATE_HEADER, SYNC_STATE_TAB, state_rows
from functions.frames import PROBLEMS
from functions.owned_tabs import BESIDE, titles_beside
from functions.school import PROBLEM_COLUMNS, SchoolResults
from sync.store import Chart, Tab
from sync.sync_log import SyncOutcome, sync_log_tab
from sync.tabs import columns_to_tab, frame_to_tab, owned_tabs_layout, plain_columns

PROGRESS_TABS = ("Summary", "Groups", "Classes", "Governors")
"""Tabs with an Average progress column: their heading line says what its figures mean."""


def heading(results: SchoolResults, school_name: str) -> str:
    """The line above a tab's header: whose figures, and when."""
    when = f"{results.window_name} {results.academic_year}"
    return f"{school_name}: {when}" if school_name else when


def class_tabs(results: SchoolResults, workbooks: list[str], school_name: str = "") -> dict[str, list[Tab]]:
    """`Class summary` and `Problems` for each class workbook. The school's class summary (less
    its workbook column) and Problems are made plain values once (`plain_columns`), then each
    class's rows are picked from them by place: a pandas selection per class cost more than the
    class's values."""
    layout = owned_tabs_layout()
    summary, problems = results.class_summary, results.problems
    summary_header, summary_columns = plain_columns(
        "Class summary", summary.take([at for at, column in enumerate(summary.columns) if column != "workbook"],
                                      axis=1), layout)
    problem_header, problem_columns = plain_columns("Problems", problems[PROBLEM_COLUMNS], layout)
    summary_of = Picker(summary_columns, summary["workbook"])
    problems_of = Picker(problem_columns, problems["Workbook"])
    note = heading(results, school_name)
    return {workbook: [
        columns_to_tab("Class summary", summary_header, *summary_of.rows(workbook), note=note, layout=layout),
        columns_to_tab("Problems", problem_header, *problems_of.rows(workbook), layout=layout),
    ] for workbook in workbooks}


class Picker:
    """Columns of plain values, whose rows are picked by the value of a key column."""

    def __init__(self, columns: list[list[object]], keys: pd.Series) -> None:
        self.columns = [_objects(column) for column in columns]
        self.keys = cast(Any, keys).to_numpy(dtype=object, na_value=None)   # stubs: no None

    def rows(self, key: str) -> tuple[list[list[object]], int]:
        """The columns' values in the rows (in order) whose key is `key`, and how many rows."""
        places = np.flatnonzero(self.keys == key)
        return [column[places].tolist() for column in self.columns], len(places)


def _objects(values: list[object]) -> np.ndarray:
    """The values as a numpy array of Python objects, each kept as it is."""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def summary_tabs(results: SchoolResults, school_name: str = "") -> list[Tab]:
    """Every owned tab of `Tracker summary` but the Sync log, which is added last
    (`with_sync_log`), when the run's figures are known."""
    note = heading(results, school_name)
    frames = {
        "Summary": results.summary, "Groups": results.groups, "Classes": results.classes,
        "Completion": results.completion, "Watchlist": results.watchlist,
        "Progress matrix": results.progress_matrix, "Interventions": results.interventions,
        "Trends": results.trends, "Governors": results.governors,
        # written whenever the statutory rules were loaded (the frames then have their columns)
        **({"Statutory": results.statutory} if len(results.statutory.columns) else {}),
        **({"Moderation": results.moderation} if len(results.moderation.columns) else {}),
        "History": results.history, "Problems": results.problems[PROBLEM_COLUMNS],
    }
    tabs = []
    for title, frame in frames.items():
        chart = _trends_chart(frame) if title == "Trends" else None
        dated = title not in ("History", "Problems")
        line = note
        if results.next_step:                  # nothing to count yet: say what to do next
            line = f"{note}. {results.next_step}" if title == "Summary" else note
        elif title in PROGRESS_TABS and results.progress_note:
            line = f"{note}. {results.progress_note}"
        elif title == "Watchlist":
            line = f"{note}. {WATCHLIST_RANKING}"
        tabs.append(frame_to_tab(title, frame, note=line if dated else "", chart=chart))
    return tabs


def write_beside(tabs: list[Tab], foreign: set[str], workbook: str) -> tuple[list[Tab], list[dict]]:
    """Give each tab the title `functions.owned_tabs.titles_beside` decides (`<title> (tracker)`
    where a person's tab has the title), and the warnings for Problems."""
    titles, problems = titles_beside([tab.title for tab in tabs], foreign, workbook)
    for tab, title in zip(tabs, titles, strict=True):
        tab.title = title
    return tabs, problems


def with_extra_problems(tabs: list[Tab], problems: list[dict]) -> list[Tab]:
    """Add problems found while writing (tabs written beside a person's; PROBLEMS rows) to the
    Problems tab."""
    for tab in tabs:
        if tab.title in ("Problems", f"Problems{BESIDE}") and problems:
            tab.rows += [[row.get(column, "") for column in PROBLEMS] for row in problems]
    return tabs


def with_sync_log(tabs: list[Tab], previous: pd.DataFrame, outcome: SyncOutcome) -> list[Tab]:
    return tabs + [sync_log_tab(previous, outcome)]


def state_tab(state: pd.DataFrame) -> Tab:
    """The hidden `Sync state` tab: what each workbook looked like when we last read it, and a
    digest of the Settings (`functions.changes.next_state`), for the next incremental sync."""
    return Tab(title=SYNC_STATE_TAB, header=list(STATE_HEADER), rows=state_rows(state), hidden=True)


def _trends_chart(trends: pd.DataFrame) -> Chart | None:
    """One line per subject this year (solid) and last year (dashed, the same colour), on a
    y-axis from just below the lowest figure to just above the highest, in steps of 10."""
    numeric = [i for i, column in enumerate(trends.columns)
               if i > 0 and pd.api.types.is_numeric_dtype(trends[column])]
    if trends.empty or not numeric:
        return None
    low, high = y_range(trends.iloc[:, numeric].to_numpy(dtype=float))
    style = owned_tabs_layout().get("chart", {})
    palette = style.get("colours", ["1F4E79"])
    subjects = list(dict.fromkeys(str(trends.columns[i]).removesuffix(LAST_YEAR) for i in numeric))
    colours = tuple(palette[subjects.index(str(trends.columns[i]).removesuffix(LAST_YEAR)) % len(palette)]
                    for i in numeric)
    dashed = tuple(i for i in numeric if str(trends.columns[i]).endswith(LAST_YEAR))
    return Chart(title="% at expected or above, by window (dashed: last year)", x_column=0,
                 series=tuple(numeric), y_title="% expected or above", y_min=low, y_max=high,
                 colours=colours, dashed=dashed)


LAST_YEAR = " last year"


def y_range(values) -> tuple[float, float]:
    """The chart's y-axis: from the lowest figure less 5, down to a multiple of 10 (not below 0),
    to the highest plus 5, up to a multiple of 10 (not above 100). No figure: 0 to 100."""
    present = values[~pd.isna(values)]
    if present.size == 0:
        return 0.0, 100.0
    low = max(0.0, math.floor((present.min() - 5) / 10) * 10)
    high = min(100.0, math.ceil((present.max() + 5) / 10) * 10)
    return float(low), float(high)
