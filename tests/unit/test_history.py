"""merge_history: History rows are added or updated, never lost; locked windows stay frozen."""
import pandas as pd
from hypothesis import given, settings, strategies as st
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


def test_a_changed_label_or_source_updates_the_row_and_its_time():
    existing = history(("Autumn", "U1", "Reading", "16", 16, "teacher", EARLIER),
                       ("Autumn", "U2", "Reading", "15", 15, "test", EARLIER))
    merged, _ = merge_history(existing, new_rows(("Autumn", "U1", "Reading", "17", 17, "teacher"),
                                                 ("Autumn", "U2", "Reading", "15", 15, "teacher")),
                              [], NOW)
    assert merged[["Label", "Source", "Recorded at"]].values.tolist() == [
        ["17", "teacher", NOW], ["15", "teacher", NOW]]


def test_a_new_pupil_name_or_class_is_taken_without_changing_the_time():
    existing = history(("Autumn", "U1", "Reading", "16", 16, "teacher", EARLIER))
    fresh = new_rows(("Autumn", "U1", "Reading", "16", 16, "teacher")).assign(Pupil="Ann Able", Class="Ash")
    merged, _ = merge_history(existing, fresh, [], NOW)
    assert merged[["Pupil", "Class", "Recorded at"]].values.tolist() == [["Ann Able", "Ash", EARLIER]]


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
    assert merged["Label"].tolist() == ["17"] and problems.empty


labels = st.sampled_from(["14", "15", "16", "16 GD", "ABS", ""])
row = st.tuples(st.sampled_from(["Autumn", "Spring"]), st.sampled_from(["U1", "U2", "U3"]),
                st.sampled_from(["Reading", "Maths"]), labels,
                st.sampled_from(["teacher", "test", "grid"]))


def rows_of(raw: list) -> list[tuple]:
    return [(w, u, s, label, float(label[:2]) if label[:2].isdigit() else float("nan"), src)
            for w, u, s, label, src in raw]


@settings(max_examples=150, deadline=None)
@given(st.lists(row, max_size=12), st.lists(row, max_size=12), st.lists(st.sampled_from(["Autumn", "Spring"]), max_size=1))
def test_merging_never_loses_a_row_and_is_idempotent(before, after, locked):
    existing, _ = merge_history(history(), new_rows(*rows_of(before)), [], EARLIER)
    merged, _ = merge_history(existing, new_rows(*rows_of(after)), locked, NOW)
    keys = lambda frame: set(map(tuple, frame[KEY].values.tolist()))
    assert keys(existing) <= keys(merged)
    assert merged[KEY].duplicated().sum() == 0
    again, problems_again = merge_history(merged, new_rows(*rows_of(after)), locked, "LATER")
    assert_frame_equal(again, merged)
    assert "LATER" not in set(again["Recorded at"])
