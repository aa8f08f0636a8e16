"""One school's results from its raw frames: the pure heart of a sync (no I/O).

`assess_school` is the `determine_actions` of the product: the job reads the spreadsheets, hands
the raw frames here, and writes back whatever this returns. Every decision in between — which
pupils count, which position counts, statuses, progress, aggregates, what History keeps — is made
here or below, and is testable with DataFrames alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from functions import aggregates, frames
from functions.academic_year import previous_academic_year
from functions.assess import assess
from functions.baselines import baseline_problems, build_baselines
from functions.distinct import rows_in
from functions.framework import Framework
from functions.history import HISTORY_COLUMNS, merge_history
from functions.moderation import (
    ModerationRules,
    judgements_against_tests,
    moderation_table,
    statutory_against_judgements,
)
from functions.owned_tabs import SUMMARY_NAME
from functions.positions import build_positions
from functions.statutory import (
    MEASURES,
    RESULTS,
    NationalFigures,
    StatutoryRules,
    governors_statutory,
    parse_statutory,
    pupil_measures,
    statutory_table,
    with_eyfs_baselines,
)

PROBLEM_COLUMNS = ["Workbook", "Tab", "Cell", "Found", "Expected", "Severity"]
CLASS_SUMMARY_COLUMNS = {
    "upn": "UPN", "pupil": "Pupil", "year": "Year", "subject": "Subject", "window_name": "Window",
    "judgement": "Judgement", "value": "Value", "source": "Source", "expected_label": "Expected",
    "status": "Status", "baseline_label": "Baseline", "progress": "Progress",
    "expected_progress": "Expected progress", "progress_status": "Progress status",
    "target_label": "Target", "test_label": "Test suggestion", "grid_label": "Grid suggestion",
    "watchlist": "Watchlist", "reasons": "Reasons",
}


@dataclass(frozen=True)
class SchoolParameters:
    """What the school's Settings decide, as plain values."""

    academic_year: str                 # "2026-27"
    fw: Framework                      # with the school's windows applied
    subjects: list[str]
    window_ends: list[date]            # this academic year's, one per window
    current_window: str | None = None  # None: the latest window with any judgement entered
    locked_windows: list[str] = field(default_factory=list)
    now: str = ""                      # "YYYY-MM-DD HH:MM:SS", for History's Recorded at
    statutory: StatutoryRules | None = None    # None: no Statutory or Moderation figures
    national: NationalFigures | None = None
    moderation: ModerationRules | None = None
    history_workbook: str = SUMMARY_NAME   # where History lives, as Problems names it


@dataclass
class SchoolResults:
    """Everything a sync writes, as frames with the exact column names of the tabs."""

    academic_year: str
    window: int
    window_name: str
    school: pd.DataFrame               # SCHOOL frame of this year, every window
    class_summary: pd.DataFrame        # Class summary columns, plus "workbook"
    current_workbooks: list[str]
    problems: pd.DataFrame             # PROBLEM_COLUMNS
    summary: pd.DataFrame
    groups: pd.DataFrame
    classes: pd.DataFrame
    completion: pd.DataFrame
    watchlist: pd.DataFrame
    progress_matrix: pd.DataFrame
    interventions: pd.DataFrame
    trends: pd.DataFrame
    governors: pd.DataFrame
    history: pd.DataFrame
    statutory: pd.DataFrame = field(default_factory=pd.DataFrame)          # the Statutory tab
    statutory_results: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RESULTS))
    moderation: pd.DataFrame = field(default_factory=pd.DataFrame)         # the Moderation tab
    statutory_measures: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=MEASURES))
    next_step: str = ""               # one sentence for a school with nothing to count yet
    progress_note: str = ""           # what a figure of Average progress means


def shift_year_ends(ends: list[date], years: int) -> list[date]:
    return [end.replace(year=end.year + years) for end in ends]


def current_window_index(cells: pd.DataFrame, fw: Framework, named: str | None) -> int:
    """The window the summaries are about: the one named in Settings, else the latest window
    with anything entered in Judgements this year, else the first."""
    if named:
        return list(fw.windows).index(named) + 1
    judged = cells["window"].to_numpy(object)[cells["tab"].to_numpy(object) == "Judgements"]
    indexes = [fw.windows.index(name) + 1 for name in set(judged) if name in fw.windows]
    return max(indexes, default=1)


def assess_school(data, params: SchoolParameters, existing_history: pd.DataFrame) -> SchoolResults:
    """Raw frames of every class workbook (any academic year), pupils already validated
    (`sync.reader.check_pupils`) -> every result a sync writes."""
    fw = params.fw
    pupils, cells, ticks = data.pupils, data.cells, data.ticks
    all_problems = [data.problems]

    this_year = params.academic_year
    last_year = previous_academic_year(this_year)
    by_year = {}
    # each frame's academic years as an array, compared once per year (text Series compare slowly)
    pupils_year, cells_year, ticks_year = (frame["academic_year"].to_numpy(object)
                                           for frame in (pupils, cells, ticks))
    in_baseline = cells["window"].to_numpy(object) == "Baseline"
    for year, ends in ((last_year, shift_year_ends(params.window_ends, -1)),
                       (this_year, params.window_ends)):
        year_pupils = pupils[pupils_year == year]
        year_cells = cells[(cells_year == year) & ~in_baseline]
        year_ticks = ticks[ticks_year == year]
        window = (current_window_index(year_cells, fw, params.current_window)
                  if year == this_year else len(fw.windows))
        positions, year_problems = build_positions(year_cells, year_ticks, data.statements,
                                                   year_pupils, fw, ends, params.subjects,
                                                   current_window=window)
        by_year[year] = (year_pupils, positions, window)
        all_problems.append(year_problems)

    last_pupils, last_positions, _ = by_year[last_year]
    pupils_now, positions_now, window = by_year[this_year]
    baseline_cells = cells[(cells_year == this_year) & in_baseline]
    baselines = build_baselines(baseline_cells, last_positions, fw, previous_year=last_year)
    statutory_results = _statutory_results(data, params, all_problems)
    if statutory_results is not None and params.statutory is not None:     # the EYFS Profile: Year 1's baseline when nothing else is
        baselines = with_eyfs_baselines(baselines, statutory_results, params.statutory, fw,
                                        this_year, params.subjects)
    all_problems.append(baseline_problems(baseline_cells, fw))
    school = _school_frame(assess(positions_now, baselines, fw), pupils_now, fw)
    school_last = _school_frame(assess(last_positions, None, fw), last_pupils, fw)

    history_rows = pd.concat([_history_rows(school, this_year), _history_rows(school_last, last_year)],
                             ignore_index=True)
    history, history_problems = merge_history(existing_history, history_rows, params.locked_windows,
                                              params.now, workbook=params.history_workbook)
    all_problems.append(history_problems)

    counted = fw.marks_in_percentages
    summary = aggregates.summary(school, window, counted)
    groups = aggregates.groups(school, window, counted)
    interventions = data.interventions[data.interventions["upn"].isin(pupils_now["upn"].to_numpy(object))]
    current = school.loc[school["window"] == window, [*CLASS_SUMMARY_COLUMNS, *_CLASS_SUMMARY_READS]]
    governors = aggregates.governors(summary, groups)
    statutory = _statutory(statutory_results, data, params, school, school_last, window)
    if statutory["statutory"] is not None and not statutory["statutory"].empty:
        governors = pd.concat([governors, governors_statutory(statutory["statutory"])],
                              ignore_index=True)
    classes_now = data.classes.loc[data.classes["academic_year"] == this_year, "workbook"]
    return SchoolResults(
        academic_year=this_year,
        window=window,
        window_name=fw.windows[window - 1],
        school=school,
        class_summary=_class_summary(current, pupils_now, params.window_ends[window - 1]),
        current_workbooks=sorted(set(pupils_now["workbook"].to_numpy(object)) | set(classes_now)),
        problems=_problem_table(all_problems),
        summary=summary,
        groups=groups,
        classes=aggregates.classes(school, window, counted),
        completion=aggregates.completion(school, window),
        watchlist=aggregates.watchlist(school, window),
        progress_matrix=aggregates.progress_matrix(school, window),
        interventions=aggregates.interventions(school, interventions, fw, window),
        trends=aggregates.trends(school, school_last, counted),
        governors=governors,
        history=history,
        **{key: value for key, value in statutory.items() if value is not None},
        next_step=next_step(this_year, list(classes_now), set(pupils_now["workbook"].to_numpy(object))),
        progress_note=progress_note(fw, window),
    )


def _statutory_results(data, params: SchoolParameters,
                       all_problems: list[pd.DataFrame]) -> pd.DataFrame | None:
    """Every statutory result typed (RESULTS of functions/statutory.py), their problems added to
    `all_problems`; None without rules (a caller that does not load them)."""
    cells = getattr(data, "statutory", None)
    if params.statutory is None or cells is None:
        return None
    results, problems = parse_statutory(cells, params.statutory)
    all_problems.append(problems)
    return results


def _statutory(results: pd.DataFrame | None, data, params: SchoolParameters, school: pd.DataFrame,
               school_last: pd.DataFrame, window: int) -> dict[str, pd.DataFrame | None]:
    """The Statutory and Moderation tabs and every pupil's statutory results (all None without
    rules)."""
    rules = params.statutory
    if rules is None or results is None:
        return {"statutory": None, "statutory_results": None, "moderation": None,
                "statutory_measures": None}
    measures = pupil_measures(results, data.pupils, rules)
    national = params.national or NationalFigures({}, {})
    table = statutory_table(measures, national, rules, params.academic_year)
    moderation = None
    if params.moderation is not None:
        last_year = previous_academic_year(params.academic_year)
        rows = judgements_against_tests(school, params.fw, window, params.academic_year,
                                        params.moderation)
        for year, frame in ((params.academic_year, school), (last_year, school_last)):
            rows += statutory_against_judgements(frame, results, params.fw, year,
                                                 params.moderation, rules)
        moderation = moderation_table(rows)
    return {"statutory": table, "statutory_results": results, "moderation": moderation,
            "statutory_measures": measures}


def progress_note(fw: Framework, window: int) -> str:
    """What Average progress means at `window`: points (or steps) gained since the baseline, and
    the figure that is as expected by now for a pupil whose baseline is last Summer.

    Points, 3 a year over 3 windows, at Spring: "...; 2.0 = as expected by Spring."
    """
    unit = "points" if fw.kind == "points" else "steps"
    expected = window * fw.per_window
    return (f"Average progress: {unit} gained since the baseline; {expected:.1f} = as expected "
            f"by {fw.windows[window - 1]}.")


def next_step(academic_year: str, workbooks: list[str], with_pupils: set[str]) -> str:
    """What a school with nothing to count yet should do next, in one sentence ("" otherwise)."""
    if not workbooks:
        return (f"No class workbooks for {academic_year} yet: make one for each class with "
                "`new-class` (or put the teachers' workbooks in the classes folder), then sync again.")
    empty = [name for name in workbooks if name not in with_pupils]
    if len(empty) < len(workbooks):
        return ""
    count = f"{len(empty)} class workbook{'s' if len(empty) > 1 else ''}"
    verb = "have" if len(empty) > 1 else "has"
    tab = "their Pupils tabs" if len(empty) > 1 else "its Pupils tab"
    return (f"{count} for {academic_year} {verb} no pupils yet: fill in {tab} "
            "(UPN, first and last name), then sync again.")


def _school_frame(assessed: pd.DataFrame, pupils: pd.DataFrame, fw: Framework) -> pd.DataFrame:
    """ASSESSED + the pupil's own columns (the SCHOOL frame of functions/frames.py)."""
    pupil_columns = [c for c in pupils.columns if c not in ("row", "upn_cell", "academic_year", "year")]
    # each window's row takes the pupil columns of the class they count in at that window
    school = assessed.merge(pupils[pupil_columns].drop_duplicates(["upn", "workbook"]),
                            on=["upn", "workbook"], how="left")
    school["window_name"] = np.array(fw.windows, dtype=object)[school["window"].to_numpy(int) - 1]
    return school


def _history_rows(school: pd.DataFrame, academic_year: str) -> pd.DataFrame:
    """One History row per pupil x subject x window with a position or a mark."""
    label, mark = school["label"].to_numpy(object), school["mark"].to_numpy(object)
    rows = np.flatnonzero((label != "") | (mark != ""))
    recorded = school[["window_name", "upn", "pupil", "year", "class_name", "subject", "value",
                       "source"]].iloc[rows]
    source = recorded["source"].to_numpy(object)
    return pd.DataFrame({
        "Academic year": academic_year,
        "Window": recorded["window_name"],
        "UPN": recorded["upn"],
        "Pupil": recorded["pupil"],
        "Year": recorded["year"],
        "Class": recorded["class_name"],
        "Subject": recorded["subject"],
        "Label": pd.Series(np.where(label[rows] != "", label[rows], mark[rows]), index=recorded.index,
                           dtype=school["label"].dtype),
        "Value": recorded["value"],
        "Source": pd.Series(np.where(source != "", source, "teacher"), index=recorded.index,
                            dtype=school["source"].dtype),
    }, columns=[c for c in HISTORY_COLUMNS if c != "Recorded at"])


LEFT = "left"
"""The Class summary's Status for a pupil not on roll at the window: left the school, or moved to
another class (the figures count them there), or not joined yet."""
_CLASS_SUMMARY_READS = ["workbook", "on_roll", "left_on", "joined_on", "class_name"]
"""What `_class_summary` reads of the school frame besides CLASS_SUMMARY_COLUMNS."""
_NOT_COUNTED = ["expected_label", "baseline_label", "progress", "expected_progress",
                "progress_status", "target_label", "watchlist"]
_NOT_COUNTED_TEXTS = ["expected_label", "baseline_label", "progress_status", "target_label", "watchlist"]


def _class_summary(current: pd.DataFrame, pupils: pd.DataFrame, end: date) -> pd.DataFrame:
    """Every pupil of each class workbook at the current window. A pupil not on roll at its end
    shows as `left` with the date, and none of the figures that count; a pupil who moved to
    another class shows in the class they left as `left`, with where they count now."""
    off = ~current["on_roll"].to_numpy(bool)
    left = pd.to_datetime(current["left_on"][off])
    joined = pd.to_datetime(current["joined_on"])
    not_yet = off & (joined > pd.Timestamp(end)).to_numpy()
    reasons = current["reasons"].to_numpy(object).copy()
    reasons[off] = np.where(
        not_yet[off], "joins on " + joined[off].dt.strftime("%d/%m/%Y") + ": not counted yet",
        "left on " + left.dt.strftime("%d/%m/%Y") + ": not counted")
    shown = current[[*CLASS_SUMMARY_COLUMNS, "workbook"]].assign(
        **{column: current[column].mask(off, "" if column in _NOT_COUNTED_TEXTS else np.nan)
           for column in _NOT_COUNTED},
        status=np.select([not_yet, off], ["not joined yet", LEFT], current["status"].to_numpy(object)),
        reasons=reasons)
    ordered = pd.concat([shown, _moved_out(current, pupils)], ignore_index=True) \
        .sort_values(["workbook", "pupil", "subject"], kind="stable")
    table = ordered[list(CLASS_SUMMARY_COLUMNS)].rename(columns=CLASS_SUMMARY_COLUMNS)
    table.insert(0, "workbook", ordered["workbook"])
    return table.reset_index(drop=True)


def _moved_out(current: pd.DataFrame, pupils: pd.DataFrame) -> pd.DataFrame:
    """Rows for the class a pupil moved out of: `left`, and the class they count in now."""
    rows = pupils[(rows_in(pupils, current, ["workbook", "upn"]) < 0)
                  & pupils["upn"].isin(current["upn"]).to_numpy()]
    if rows.empty:
        return pd.DataFrame(columns=[*CLASS_SUMMARY_COLUMNS, "workbook"])
    counted = current[["upn", "class_name", "joined_on"]].drop_duplicates("upn").set_index("upn")
    subjects = current[["upn", "subject", "window_name"]].drop_duplicates(["upn", "subject"])
    moved = rows[["workbook", "upn", "pupil", "year", "left_on"]].merge(subjects, on="upn")
    now = counted.loc[moved["upn"]]
    left = pd.to_datetime(moved["left_on"]).dt.strftime("%d/%m/%Y").fillna("")
    joined = pd.to_datetime(now["joined_on"]).dt.strftime("%d/%m/%Y").fillna("").to_numpy()
    moved["status"] = LEFT
    moved["reasons"] = ("left on " + left + ": counts in " + now["class_name"].astype(str).to_numpy()
                        + np.where(joined != "", " from " + joined, ""))
    numbers = ("year", "value", "progress", "expected_progress")
    blank = {c: "" for c in CLASS_SUMMARY_COLUMNS if c not in moved.columns and c not in numbers}
    return moved.assign(**blank).reindex(columns=[*CLASS_SUMMARY_COLUMNS, "workbook"])


def _problem_table(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p[frames.PROBLEMS] for p in parts if p is not None and not p.empty]
    if not parts:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    table = pd.concat(parts, ignore_index=True).drop_duplicates()
    table.columns = PROBLEM_COLUMNS
    order = table["Severity"].map({"error": 0, "warning": 1})
    return table.assign(_order=order).sort_values(["_order", "Workbook", "Tab"], kind="stable") \
        .drop(columns="_order").reset_index(drop=True)
