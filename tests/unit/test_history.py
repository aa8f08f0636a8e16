"""merge_history: every change is its own row, nothing is lost; locked windows stay frozen."""
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from functions.history import HISTORY_COLUMNS, KEY, merge_history

NOW, EARLIER = "2027-01-10 09:00:00", "2026-12-18 16:00:00"


def history(*rows: tuple) -> pd.DataFrame:
    """Rows of (window, upn, subject, label, value, source[, recorded at]) for 2026-27, year 3, Oak."""
    full = [("2026-27", w, upn, "Pupil " + upn, 3, "Oak", subject, label, value, source,
             *(rest or [""])) for w, upn, subject, label, value, source, *rest in rows]
    return pd.DataFrame(full, columns=HISTORY_COLUMNS)


def new_rows(*rows: tuple) -> pd.DataFrame:
    return history(*rows).drop(columns="Recorded at")


def test_a_new_row_is_added_with_now():
    merged, problems = merge_history(history(), new_rows(("Autumn", "U1", "Reading", "16", 16, "teacher")),
                                     [], NOW)
    assert merged["Recorded at"].tolist() == [NOW]
    assert merged["Label"].tolist() == ["16"] and problems.empty


def test_unchanged_row_keeps_when_it_was_recorded_even_read_back_as_text_and_int():
    existing = history(("Autumn", "U1", "Reading", 16, "16", "teacher", EARLIER))  # as a sheet hands it back
    merged, _ = merge_history(existing, new_rows(("Autumn", "U1", "Reading", "16", 16.0, "teacher")),
                              [], NOW)
    assert merged["Recorded at"].tolist() == [EARLIER]


def test_a_change_is_a_new_row_after_the_old_one_which_keeps_its_label_and_time():
    existing = history(("Autumn", "U1", "Reading", "16", 16, "teacher", EARLIER),
                       ("Autumn", "U2", "Reading", "15", 15, "test", EARLIER))
    merged, _ = merge_history(existing, new_rows(("Autumn", "U1", "Reading", "17", 17, "teacher"),
                                                 ("Autumn", "U2", "Reading", "15", 15, "teacher")),
                              [], NOW)
    assert merged[["UPN", "Label", "Source", "Recorded at"]].values.tolist() == [
        ["U1", "16", "teacher", EARLIER], ["U2", "15", "test", EARLIER],      # as they were
        ["U1", "17", "teacher", NOW], ["U2", "15", "teacher", NOW]]           # the changes


def test_the_latest_row_counts_so_changing_back_is_a_third_row_and_a_rerun_adds_nothing():
    existing = history(("Autumn", "U1", "Reading", "16", 16, "teacher", "2026-12-01 10:00:00"),
                       ("Autumn", "U1", "Reading", "17", 17, "teacher", EARLIER))
    back = new_rows(("Autumn", "U1", "Reading", "16", 16, "teacher"))
    merged, _ = merge_history(existing, back, [], NOW)
    assert merged[["Label", "Recorded at"]].values.tolist() == [
        ["16", "2026-12-01 10:00:00"], ["17", EARLIER], ["16", NOW]]
    again, _ = merge_history(merged, back, [], "2027-02-01 08:00:00")
    assert_frame_equal(again, merged)


def test_a_new_pupil_name_or_class_alone_adds_no_row():
    existing = history(("Autumn", "U1", "Reading", "16", 16, "teacher", EARLIER))
    fresh = new_rows(("Autumn", "U1", "Reading", "16", 16, "teacher")).assign(Pupil="Ann Able", Class="Ash")
    merged, _ = merge_history(existing, fresh, [], NOW)
    assert_frame_equal(merged, existing, check_dtype=False)


def test_rows_missing_from_this_sync_and_cleared_cells_are_kept():
    existing = history(("Autumn", "U1", "Reading", "16", 16, "teacher", EARLIER),
                       ("Autumn", "U2", "Maths", "14", 14, "teacher", EARLIER))
    cleared = new_rows(("Autumn", "U2", "Maths", "", float("nan"), ""))
    merged, _ = merge_history(existing, cleared, [], NOW)
    assert_frame_equal(merged, merge_history(existing, new_rows(), [], NOW)[0])
    assert merged["Label"].tolist() == ["16", "14"]


def test_a_locked_window_is_frozen_and_a_change_is_a_warning_naming_the_cell_not_the_pupil():
    existing = history(("Autumn", "U1", "Reading", "16", 16, "teacher", EARLIER),
                       ("Autumn", "U2", "Reading", "15", 15, "teacher", EARLIER))
    merged, problems = merge_history(existing, new_rows(("Autumn", "U2", "Reading", "17", 17, "teacher")),
                                     ["Autumn"], NOW)
    assert merged["Label"].tolist() == ["16", "15"] and merged["Recorded at"].tolist() == [EARLIER] * 2
    assert problems.to_dict("records") == [{
        "workbook": "Tracker summary", "tab": "History", "cell": "H3",  # header row 1, U2 on row 3
        "found": "Reading Autumn 2026-27 changed from 15 to 17 after the window was locked",
        "expected": "no change to a locked window (the change is not recorded)",
        "severity": "warning"}]
    assert "U2" not in problems.to_string() and "Pupil" not in problems.to_string()


def test_a_first_entry_in_a_locked_window_is_recorded_with_a_warning():
    merged, problems = merge_history(history(("Autumn", "U1", "Reading", "16", 16, "teacher", EARLIER)),
                                     new_rows(("Autumn", "U9", "Maths", "14", 14, "teacher")), ["Autumn"], NOW)
    assert merged["UPN"].tolist() == ["U1", "U9"]
    assert problems["cell"].tolist() == ["H3"] and problems["severity"].tolist() == ["warning"]


def test_an_unlocked_window_still_updates_beside_a_locked_one():
    existing = history(("Spring", "U1", "Reading", "16", 16, "teacher", EARLIER))
    merged, problems = merge_history(existing, new_rows(("Spring", "U1", "Reading", "17", 17, "teacher")),
                                     ["Autumn"], NOW)
    assert merged["Label"].tolist() == ["16", "17"] and problems.empty


def test_a_change_to_a_locked_window_is_checked_against_its_latest_row():
    existing = history(("Autumn", "U1", "Reading", "16", 16, "teacher", "2026-12-01 10:00:00"),
                       ("Autumn", "U1", "Reading", "17", 17, "teacher", EARLIER))
    merged, problems = merge_history(existing, new_rows(("Autumn", "U1", "Reading", "17", 17, "teacher")),
                                     ["Autumn"], NOW)
    assert_frame_equal(merged, existing, check_dtype=False)
    assert problems.empty
    _, problems = merge_history(existing, new_rows(("Autumn", "U1", "Reading", "18", 18, "teacher")),
                                ["Autumn"], NOW)
    assert problems[["cell", "found"]].values.tolist() == [
        ["H3", "Reading Autumn 2026-27 changed from 17 to 18 after the window was locked"]]
    assert problems["workbook"].tolist() == ["Tracker summary"]   # Google: History is in the school's spreadsheet


def test_a_warning_names_the_workbook_history_lives_in():
    existing = history(("Autumn", "U1", "Reading", "16", 16, "teacher", EARLIER))
    _, problems = merge_history(existing, new_rows(("Autumn", "U1", "Reading", "17", 17, "teacher"),
                                                   ("Autumn", "U2", "Reading", "15", 15, "teacher")),
                                ["Autumn"], NOW, workbook="Tracker results")
    assert problems[["workbook", "tab", "cell"]].values.tolist() == [
        ["Tracker results", "History", "H2"], ["Tracker results", "History", "H3"]]


labels = st.sampled_from(["14", "15", "16", "16 GD", "ABS", ""])
row = st.tuples(st.sampled_from(["Autumn", "Spring"]), st.sampled_from(["U1", "U2", "U3"]),
                st.sampled_from(["Reading", "Maths"]), labels,
                st.sampled_from(["teacher", "test", "grid"]))


def rows_of(raw: list) -> list[tuple]:
    return [(w, u, s, label, float(label[:2]) if label[:2].isdigit() else float("nan"), src)
            for w, u, s, label, src in raw]


@settings(max_examples=150, deadline=None)
@given(st.lists(row, max_size=12), st.lists(row, max_size=12), st.lists(st.sampled_from(["Autumn", "Spring"]), max_size=1))
def test_merging_never_loses_or_changes_a_row_the_latest_counts_and_is_idempotent(before, after,
                                                                                    locked):
    existing, _ = merge_history(history(), new_rows(*rows_of(before)), [], EARLIER)
    merged, _ = merge_history(existing, new_rows(*rows_of(after)), locked, NOW)
    assert_frame_equal(merged.iloc[:len(existing)], existing)          # old rows exactly as they were
    latest = merged.drop_duplicates(KEY, keep="last").set_index(KEY)
    for w, u, s, label, value, _source in rows_of(after):
        if (label or value == value) and w not in locked:
            last = [r for r in rows_of(after) if r[:3] == (w, u, s) and (r[3] or r[4] == r[4])][-1]
            assert latest.loc[("2026-27", w, u, s), "Label"] == last[3]
    again, problems_again = merge_history(merged, new_rows(*rows_of(after)), locked, "LATER")
    assert_frame_equal(again, merged)
    assert "LATER" not in set(again["Recorded at"])
