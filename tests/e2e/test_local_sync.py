"""Local mode end to end on the demo school: every output tab, the numbers, people's files, re-runs.

The shared `synced_school` (tests/e2e/conftest.py) is read only; tests that sync again or edit the
school work on their own copy. Expected figures are recomputed here from the files with plain
pandas, never taken from the sync's own functions.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from sync.job import run_sync
from sync.local_store import LocalStore
from sync.xlsx import read_values
from tests.e2e.conftest import (
    FIRST_SYNC,
    SyncedSchool,
    all_owned_cells,
    copy_school,
    file_digests,
    people_tabs,
    tab_frame,
)

CLASS_SUMMARY_COLUMNS = ["UPN", "Pupil", "Year", "Subject", "Window", "Judgement", "Value", "Source",
                         "Expected", "Status", "Baseline", "Progress", "Expected progress",
                         "Progress status", "Target", "Test suggestion", "Grid suggestion",
                         "Watchlist", "Reasons"]
LABEL_COLUMNS = ["Judgement", "Expected", "Baseline", "Target", "Test suggestion", "Grid suggestion"]
SUMMARY_COLUMNS = ["Year", "Subject", "Pupils", "Assessed", "% expected or above",
                   "% greater depth or above", "Average progress", "% falling behind"]
HISTORY_COLUMNS = ["Academic year", "Window", "UPN", "Pupil", "Year", "Class", "Subject", "Label",
                   "Value", "Source", "Recorded at"]
PROBLEMS_COLUMNS = ["Workbook", "Tab", "Cell", "Found", "Expected", "Severity"]
SCHOOL_TABS = ["Summary", "Groups", "Classes", "Completion", "Watchlist", "Progress matrix",
               "Interventions", "Trends", "Governors", "History", "Problems", "Sync log"]
STATUS_WORDS = ["well below", "below", "expected", "above", "greater depth", "not assessed"]
THIS_YEAR, LAST_YEAR = "2026-27", "2025-26"
AUTUMN_END = pd.Timestamp(2026, 12, 20)   # points.toml: three windows, Autumn ends 12-20
KEY_STAGES = {"1": "KS1", "2": "KS1", "3": "LKS2", "4": "LKS2", "5": "UKS2", "6": "UKS2"}
POINTS_LABEL = re.compile(r"^\d+( GD)?$")


# ------------------------------------------------------------------------------------------------
# Reading the files back


def this_year_class_files(school: Path) -> list[Path]:
    """This year's class workbooks: the demo names them `2026-27 <Class> (Year N).xlsx`."""
    return sorted((school / "classes").glob(f"{THIS_YEAR} *.xlsx"))


@pytest.fixture(scope="module")
def summary_tabs(synced_school: SyncedSchool) -> dict[str, list]:
    return read_values(synced_school.results_path)


# ------------------------------------------------------------------------------------------------
# Outputs exist with the exact names



@contextmanager
def read_only(path: Path) -> Iterator[Workbook]:
    """A workbook opened read-only (quick for a large one), closed after: left open, its file is
    closed by the garbage collector with a ResourceWarning in whichever test runs then."""
    book = load_workbook(path, read_only=True)
    try:
        yield book
    finally:
        book.close()

def test_tracker_results_has_every_school_tab_and_none_of_the_peoples(summary_tabs) -> None:
    titles = list(summary_tabs)
    assert "Settings" not in titles and "Staff" not in titles
    owned = [title for title in titles if title in SCHOOL_TABS]
    assert owned == SCHOOL_TABS


def test_school_tabs_have_the_contract_columns(summary_tabs) -> None:
    assert list(tab_frame(summary_tabs["Summary"]).columns) == SUMMARY_COLUMNS
    assert list(tab_frame(summary_tabs["History"]).columns) == HISTORY_COLUMNS
    assert list(tab_frame(summary_tabs["Problems"]).columns) == PROBLEMS_COLUMNS
    classes = tab_frame(summary_tabs["Classes"])
    assert list(classes.columns) == ["Year", "Class", *SUMMARY_COLUMNS[1:]]
    assert {"Class", "Subject", "Window"} <= set(tab_frame(summary_tabs["Completion"]).columns)
    assert {"Watchlist", "Rank", "Class", "Pupil", "Subjects", "How far", "Rule"} <= set(
        tab_frame(summary_tabs["Watchlist"]).columns)
    matrix = tab_frame(summary_tabs["Progress matrix"])
    assert {"Subject", "Status then (at baseline)", *(f"now: {s}" for s in STATUS_WORDS)} <= set(matrix.columns)
    assert "Window" in tab_frame(summary_tabs["Trends"]).columns
    assert {"Started", "Finished", "Workbooks read", "Workbooks skipped", "Problems", "API calls",
            "Outcome"} <= set(tab_frame(summary_tabs["Sync log"]).columns)
    for title in ("Groups", "Interventions", "Governors"):
        assert not tab_frame(summary_tabs[title]).empty, title


def test_trends_tab_carries_a_native_chart(synced_school: SyncedSchool) -> None:
    book = load_workbook(synced_school.results_path)
    assert len(book["Trends"]._charts) == 1
    assert all(not book[title]._charts for title in SCHOOL_TABS if title != "Trends")


def test_each_class_of_this_year_gets_a_summary_workbook(synced_school: SyncedSchool) -> None:
    classes = [path.name for path in this_year_class_files(synced_school.folder)]
    written = sorted(path.name for path in (synced_school.folder / "summaries").glob("*.xlsx"))
    assert len(classes) == 12
    assert written == classes
    tracker_problems = tab_frame(read_values(synced_school.results_path)["Problems"])
    for name in written:
        tabs = read_values(synced_school.folder / "summaries" / name)
        assert list(tabs) == ["Class summary", "Problems"]
        class_summary = tab_frame(tabs["Class summary"])
        assert list(class_summary.columns) == CLASS_SUMMARY_COLUMNS
        assert set(class_summary["Window"]) == {"Autumn"}
        assert set(class_summary["Subject"]) == {"Reading", "Writing", "Maths"}
        problems = tab_frame(tabs["Problems"])
        assert list(problems.columns) == PROBLEMS_COLUMNS
        mine = tracker_problems[tracker_problems["Workbook"] == name]
        assert sorted(map(tuple, problems.astype(str).values)) == \
            sorted(map(tuple, mine.astype(str).values))


def test_labels_are_written_as_text_and_measures_as_numbers(synced_school: SyncedSchool) -> None:
    """A label such as 16 must stay the text "16" (Excel would otherwise right-align and sum it)."""
    path = next((synced_school.folder / "summaries").glob("*.xlsx"))
    with read_only(path) as book:
        rows = list(book["Class summary"].iter_rows(min_row=2))
    header = [cell.value for cell in rows[0]]
    labels = [header.index(name) for name in LABEL_COLUMNS]
    numbers = [header.index(name) for name in ("Value", "Progress", "Expected progress")]
    seen_label = seen_number = 0
    for row in rows[1:]:
        for index in labels:
            if index < len(row) and row[index].value is not None:
                assert row[index].data_type == "s", (header[index], row[index].coordinate)
                assert POINTS_LABEL.match(row[index].value) or row[index].value in ("ABS", "NA")
                seen_label += 1
        for index in numbers:
            if index < len(row) and row[index].value is not None:
                assert row[index].data_type == "n", (header[index], row[index].coordinate)
                seen_number += 1
    assert seen_label > 100 and seen_number > 50


# ------------------------------------------------------------------------------------------------
# The numbers: Summary recomputed from the Class summary sheets


def _on_roll_at_autumn(school: Path) -> pd.DataFrame:
    """(workbook, UPN) of this year's pupils on roll at the end of Autumn, from the Pupils tabs."""
    frames = []
    for path in this_year_class_files(school):
        pupils = tab_frame(read_values(path)["Pupils"])
        joined = pd.to_datetime(pupils["Joined on"])
        left = pd.to_datetime(pupils["Left on"])
        on_roll = (joined.isna() | (joined <= AUTUMN_END)) & (left.isna() | (left >= AUTUMN_END))
        frames.append(pd.DataFrame({"workbook": path.name, "UPN": pupils["UPN"],
                                    "on_roll": on_roll.to_numpy()}))
    return pd.concat(frames, ignore_index=True)


def _round_half_up(value: Fraction) -> float:
    """Exact half-up rounding to one decimal (docs/rules.md, section 8), done on fractions."""
    tenths = value * 10
    whole = tenths.numerator // tenths.denominator
    return float(Fraction(whole + (1 if tenths - whole >= Fraction(1, 2) else 0), 10))


def _measures(rows: pd.DataFrame) -> dict[str, object]:
    judgement = rows["Judgement"].fillna("").astype(str).str.strip().str.upper()
    assessed = (judgement != "ABS") & (rows["Value"].notna() | (judgement == "NA"))
    count = int(assessed.sum())
    at_expected = int((assessed & rows["Status"].isin(["expected", "above", "greater depth"])).sum())
    greater_depth = int((assessed & (rows["Status"] == "greater depth")).sum())
    falling = int((assessed & (rows["Watchlist"] == "falling behind")).sum())
    progress = [Fraction(value) for value in rows["Progress"].dropna()]
    return {
        "Pupils": len(rows), "Assessed": count,
        "% expected or above": _round_half_up(Fraction(100 * at_expected, count)),
        "% greater depth or above": _round_half_up(Fraction(100 * greater_depth, count)),
        "Average progress": _round_half_up(sum(progress) / len(progress)),
        "% falling behind": _round_half_up(Fraction(100 * falling, count)),
    }


def test_summary_agrees_with_a_recomputation_from_the_class_summaries(
        synced_school: SyncedSchool, summary_tabs) -> None:
    parts = []
    for path in sorted((synced_school.folder / "summaries").glob("*.xlsx")):
        rows = tab_frame(read_values(path)["Class summary"])
        parts.append(rows.assign(workbook=path.name))
    class_rows = pd.concat(parts, ignore_index=True)
    class_rows = class_rows.merge(_on_roll_at_autumn(synced_school.folder), on=["workbook", "UPN"],
                                  how="left", validate="many_to_one")
    assert class_rows["on_roll"].notna().all()
    counted = class_rows[class_rows["on_roll"].astype(bool)].copy()
    counted["Year"] = counted["Year"].astype(int).astype(str)
    counted["Stage"] = counted["Year"].map(KEY_STAGES)

    expected = {}
    for subject, rows in counted.groupby("Subject"):
        expected[("All", subject)] = _measures(rows)
        for level in ("Year", "Stage"):
            for key, group in rows.groupby(level):
                expected[(key, subject)] = _measures(group)

    summary = tab_frame(summary_tabs["Summary"])
    written = {(str(row["Year"]), row["Subject"]): {name: row[name] for name in SUMMARY_COLUMNS[2:]}
               for _, row in summary.iterrows()}
    assert set(written) == set(expected)
    assert len(expected) == 3 * 10
    for key, measures in expected.items():
        assert written[key] == measures, key


def test_the_demo_watchlist_is_short_enough_to_discuss_one_row_per_pupil(
        synced_school: SyncedSchool, summary_tabs) -> None:
    """Falling behind: about 10-15% of pupils; excelling a similar share; one row per pupil, whose
    subjects are the ones the class summaries list for them."""
    watch = tab_frame(summary_tabs["Watchlist"])
    rows = pd.concat([tab_frame(read_values(path)["Class summary"])
                      for path in (synced_school.folder / "summaries").glob("*.xlsx")])
    pupils = rows["UPN"].nunique()
    for name, low, high in (("falling behind", 0.10, 0.15), ("excelling", 0.0, 0.15)):
        listed = watch[watch["Watchlist"] == name]
        assert listed["UPN"].is_unique and list(listed["Rank"]) == list(range(1, len(listed) + 1))
        assert low * pupils <= len(listed) <= high * pupils, (name, len(listed), pupils)
        expected = rows[rows["Watchlist"] == name].groupby("UPN")["Subject"].apply(set)
        assert {u: set(s.split(", ")) for u, s in zip(listed["UPN"], listed["Subjects"], strict=True)} == \
            expected.to_dict()
    assert list(watch["Watchlist"]) == sorted(watch["Watchlist"], key=["falling behind",
                                                                       "excelling"].index)
    falling = watch[watch["Watchlist"] == "falling behind"]["How far"].astype(float)
    assert falling.is_monotonic_increasing                       # most behind first


def test_summary_counts_every_pupil_on_roll_once(synced_school: SyncedSchool, summary_tabs) -> None:
    """The school's headcount in `All` is the number of distinct on-roll UPNs of this year."""
    on_roll = _on_roll_at_autumn(synced_school.folder)
    counted = on_roll[on_roll["on_roll"]]
    # the demo's copied UPN: one row is left out (the pupil who moved class is on roll only in
    # the class they joined)
    assert counted.duplicated("UPN", keep=False).sum() == 2
    expected_pupils = on_roll.loc[on_roll["on_roll"], "UPN"].nunique()
    summary = tab_frame(summary_tabs["Summary"])
    totals = summary[summary["Year"].astype(str) == "All"]
    assert set(totals["Pupils"]) == {expected_pupils}
    assert 340 <= expected_pupils <= 380


# ------------------------------------------------------------------------------------------------
# People's files are never changed


def test_teacher_files_are_byte_identical_after_a_sync(synced_school: SyncedSchool) -> None:
    after = file_digests(synced_school.folder / "classes")
    assert after == synced_school.teacher_files_before
    assert len(after) == 24


def test_people_tabs_of_the_tracker_summary_are_identical_cell_for_cell(
        synced_school: SyncedSchool) -> None:
    assert people_tabs(synced_school.summary_path) == synced_school.people_tabs_before


# ------------------------------------------------------------------------------------------------
# The demo's deliberate mess each shows in Problems


@pytest.fixture(scope="module")
def problems(summary_tabs) -> pd.DataFrame:
    return tab_frame(summary_tabs["Problems"])


def _problem(problems: pd.DataFrame, workbook: str, tab: str, cell: str) -> pd.DataFrame:
    return problems[(problems["Workbook"] == workbook) & (problems["Tab"] == tab)
                    & (problems["Cell"] == cell)]


def _cells_of(school: Path, tab: str, keep) -> list[tuple[str, str, object]]:
    """(workbook, A1 cell, value) of this year's cells in `tab` (rows from 2) for which keep(value)."""
    found = []
    for path in this_year_class_files(school):
        with read_only(path) as book:
            for row in book[tab].iter_rows(min_row=2):
                for cell in row[2:]:
                    if cell.value is not None and keep(cell.value):
                        found.append((path.name, cell.coordinate, cell.value))
    return found


def test_an_unreadable_judgement_is_an_error_with_its_cell(synced_school, problems) -> None:
    def unreadable_label(value: object) -> bool:
        key = re.sub(r"[\s.]", "", str(value)).lower()
        return not (re.fullmatch(r"\d+(gd)?", key) or key in ("abs", "na"))

    unreadable = _cells_of(synced_school.folder, "Judgements", unreadable_label)
    assert len(unreadable) >= 1
    for workbook, cell, value in unreadable:
        row = _problem(problems, workbook, "Judgements", cell)
        assert list(row["Severity"]) == ["error"], (workbook, cell)
        assert list(row["Found"]) == [str(value)]


def test_a_respelt_label_is_accepted_without_a_problem(synced_school, problems) -> None:
    """docs/rules.md: accepted spellings (18gd, 3W+) are normalised; they are not mistakes,
    so Problems stays for what a teacher must fix."""
    respelt = _cells_of(synced_school.folder, "Judgements",
                        lambda v: isinstance(v, str) and re.fullmatch(r"\d+\s*gd", v.strip()) is not None)
    assert respelt, "the demo writes a few labels as 16gd"
    for workbook, cell, _ in respelt:
        assert _problem(problems, workbook, "Judgements", cell).empty


def test_a_mistyped_grid_code_is_an_error_with_its_cell(synced_school, problems) -> None:
    school = synced_school.folder
    mistyped = []
    for path in this_year_class_files(school):
        for title in ("Reading grid", "Writing grid", "Maths grid"):
            with read_only(path) as book:
                mistyped += [(path.name, title, cell.coordinate) for row in book[title].iter_rows(min_row=3)
                             for cell in row[2:] if cell.value not in (None, "WT", "A", "M")]
    assert len(mistyped) == 1
    workbook, title, cell = mistyped[0]
    assert list(_problem(problems, workbook, title, cell)["Severity"]) == ["error"]


def test_a_score_over_100_percent_is_an_error_with_its_cell(synced_school, problems) -> None:
    def over_100(value: object) -> bool:
        text = str(value).strip().rstrip("%")
        return text.replace(".", "", 1).isdigit() and float(text) > 100

    over = _cells_of(synced_school.folder, "Tests", over_100)
    assert len(over) == 1
    workbook, cell, value = over[0]
    row = _problem(problems, workbook, "Tests", cell)
    assert list(row["Severity"]) == ["error"] and list(row["Found"]) == [str(value)]


def test_a_duplicated_upn_is_an_error_on_one_of_its_rows(synced_school, problems) -> None:
    seen: dict[str, list[tuple[str, str]]] = {}
    for path in this_year_class_files(synced_school.folder):
        with read_only(path) as book:
            sheet = book["Pupils"]
            header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
            left_on = header.index("Left on")
            for row in sheet.iter_rows(min_row=2):
                if row[0].value and (left_on >= len(row) or row[left_on].value is None):
                    seen.setdefault(row[0].value, []).append((path.name, row[0].coordinate))
    duplicated = {upn: places for upn, places in seen.items() if len(places) > 1}
    assert len(duplicated) == 1
    (places,) = duplicated.values()
    flagged = [_problem(problems, workbook, "Pupils", cell) for workbook, cell in places]
    assert sorted(len(rows) for rows in flagged) == [0, 1]
    assert [list(rows["Severity"]) for rows in flagged if len(rows)] == [["error"]]


def test_problem_messages_name_no_pupil(synced_school, problems) -> None:
    names = set()
    for path in this_year_class_files(synced_school.folder):
        pupils = tab_frame(read_values(path)["Pupils"])
        names |= set(pupils["First name"]) | set(pupils["Last name"])
    text = " ".join(problems["Found"].astype(str)) + " " + " ".join(problems["Expected"].astype(str))
    words = set(re.findall(r"[A-Za-z']+", text))
    assert not (names & words)


# ------------------------------------------------------------------------------------------------
# A second run on unchanged input; History updated, never lost


SECOND_SYNC = FIRST_SYNC + timedelta(hours=1)
THIRD_SYNC = FIRST_SYNC + timedelta(hours=2)


@pytest.fixture(scope="module")
def resynced(synced_school: SyncedSchool, tmp_path_factory) -> tuple[Path, dict, bytes]:
    """A copy of the synced school, synced again with nothing changed: (folder, cells before,
    the Tracker summary's bytes before)."""
    folder = copy_school(synced_school.folder, tmp_path_factory.mktemp("resync") / "school")
    before = all_owned_cells(folder)
    summary_bytes = (folder / "Tracker results.xlsx").read_bytes()
    run_sync(LocalStore(folder), now=SECOND_SYNC)
    return folder, before, summary_bytes


def test_a_second_run_changes_no_value_but_the_sync_log(resynced) -> None:
    folder, before, _ = resynced
    after = all_owned_cells(folder)
    assert set(after) == set(before)
    for name, tabs in before.items():
        assert list(after[name]) == list(tabs), name
        for title, rows in tabs.items():
            if title != "Sync log":
                assert after[name][title] == rows, (name, title)
    log_before = tab_frame(before["Tracker results.xlsx"]["Sync log"])
    log_after = tab_frame(after["Tracker results.xlsx"]["Sync log"])
    assert len(log_after) == len(log_before) + 1
    assert log_after.iloc[: len(log_before)].equals(log_before)
    assert log_after["Started"].iloc[-1] == SECOND_SYNC.strftime("%Y-%m-%d %H:%M:%S")


def test_the_previous_version_of_a_replaced_file_is_kept(resynced) -> None:
    folder, _, summary_bytes = resynced
    assert (folder / "previous" / "Tracker results.xlsx").read_bytes() == summary_bytes


def _set_cell(path: Path, tab: str, cell: str, value: object) -> None:
    book = load_workbook(path)
    book[tab][cell] = value
    book.save(path)


def _judgement_cell(path: Path, column: str, row: int = 2) -> tuple[str, str, str]:
    """(A1 cell, UPN, label) of one pupil's judgement in `column` of a class workbook."""
    with read_only(path) as book:
        rows = list(book["Judgements"].iter_rows(values_only=True))
    index = rows[0].index(column)
    return f"{get_column_letter(index + 1)}{row}", rows[row - 1][0], rows[row - 1][index]


def _another_label(label: str) -> str:
    """A different valid points label one point lower (no GD)."""
    return str(int(label.split()[0]) - 1)


@pytest.fixture(scope="module")
def edited(resynced, tmp_path_factory):
    """The resynced school with `Locked windows` = Summer, then one judgement changed in this
    year's Autumn (open) and one in last year's Summer (locked), synced a third time."""
    folder = copy_school(resynced[0], tmp_path_factory.mktemp("edited") / "school")
    history_before = tab_frame(read_values(folder / "Tracker results.xlsx")["History"])
    settings = read_values(folder / "Tracker summary.xlsx")["Settings"]
    locked_row = [row[0] for row in settings].index("Locked windows") + 1
    _set_cell(folder / "Tracker summary.xlsx", "Settings", f"B{locked_row}", "Summer")
    edits = {}
    for year, column in ((THIS_YEAR, "Reading Autumn"), (LAST_YEAR, "Maths Summer")):
        path = next((folder / "classes").glob(f"{year} Oak *.xlsx"))
        cell, upn, label = _judgement_cell(path, column)
        new_label = _another_label(label)
        _set_cell(path, "Judgements", cell, new_label)
        edits[year] = (upn, column.split()[0], column.split()[1], label, new_label)
    run_sync(LocalStore(folder), now=THIRD_SYNC)
    tabs = read_values(folder / "Tracker results.xlsx")
    return history_before, tab_frame(tabs["History"]), tab_frame(tabs["Problems"]), edits


def _history_row(history: pd.DataFrame, year: str, window: str, upn: str, subject: str) -> pd.Series:
    rows = history[(history["Academic year"] == year) & (history["Window"] == window)
                   & (history["UPN"] == upn) & (history["Subject"] == subject)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_history_keeps_every_row_and_adds_the_edited_judgement_as_a_new_row(edited) -> None:
    before, after, _, edits = edited
    assert len(after) == len(before) + 1
    assert after.iloc[: len(before)].equals(before)   # nothing lost, changed or reordered
    upn, subject, window, old, new = edits[THIS_YEAR]
    old_row, new_row = _history_rows(after, THIS_YEAR, window, upn, subject)
    assert (old_row["Label"], old_row["Recorded at"]) == (
        old, FIRST_SYNC.strftime("%Y-%m-%d %H:%M:%S"))
    assert (new_row["Label"], float(new_row["Value"])) == (new, float(new))
    assert new_row["Recorded at"] == THIRD_SYNC.strftime("%Y-%m-%d %H:%M:%S")
    assert new_row.name == len(after) - 1                    # the change follows, at the end


def _history_rows(history: pd.DataFrame, year: str, window: str, upn: str,
                  subject: str) -> list[pd.Series]:
    rows = history[(history["Academic year"] == year) & (history["Window"] == window)
                   & (history["UPN"] == upn) & (history["Subject"] == subject)]
    return [row for _, row in rows.iterrows()]


def test_a_persons_own_history_tab_never_makes_the_sync_forget_ours(synced_school,
                                                                    tmp_path_factory) -> None:
    """A school that already had a tab called "History" before its first sync: ours goes to
    Tracker results (issue 13), theirs is never touched, and later syncs keep every row of ours and
    its `Recorded at` (they used to read the person's tab and rebuild ours)."""
    folder = copy_school(synced_school.pristine, tmp_path_factory.mktemp("own-history") / "school")
    book = load_workbook(folder / "Tracker summary.xlsx")
    book.create_sheet("History").append(["My notes", "on pupils' history"])
    book.save(folder / "Tracker summary.xlsx")
    theirs = (folder / "Tracker summary.xlsx").read_bytes()
    run_sync(LocalStore(folder), now=FIRST_SYNC)
    first = tab_frame(read_values(folder / "Tracker results.xlsx")["History"])
    assert len(first) > 1000
    assert set(first["Recorded at"]) == {FIRST_SYNC.strftime("%Y-%m-%d %H:%M:%S")}
    run_sync(LocalStore(folder), now=THIRD_SYNC)
    assert (folder / "Tracker summary.xlsx").read_bytes() == theirs      # theirs untouched
    assert tab_frame(read_values(folder / "Tracker results.xlsx")["History"]).equals(first)


def test_an_edit_in_a_locked_window_is_a_warning_and_not_recorded(edited) -> None:
    before, after, problems, edits = edited
    upn, subject, window, old, new = edits[LAST_YEAR]
    row = _history_row(after, LAST_YEAR, window, upn, subject)
    assert row.equals(_history_row(before, LAST_YEAR, window, upn, subject))
    assert row["Label"] == old
    cell = f"H{row.name + 2}"  # Label is column H; History's header is row 1
    warning = problems[(problems["Workbook"] == "Tracker results") & (problems["Tab"] == "History")
                       & (problems["Cell"] == cell)]
    assert list(warning["Severity"]) == ["warning"]
    assert old in warning["Found"].iloc[0] and new in warning["Found"].iloc[0]
    assert len(problems[problems["Tab"] == "History"]) == 1
