"""Completion, Watchlist and Progress matrix: the staff tabs, worked out by hand."""

from functions.aggregates import completion, progress_matrix, watchlist
from tests.unit.test_aggregates_support import school


def test_completion_counts_teacher_labels_and_marks_and_names_who_is_missing():
    frame = school(
        dict(upn="A", pupil="Ann Able", value=16, source="teacher"),
        dict(upn="B", pupil="Ben Best", mark="ABS"),
        dict(upn="C", pupil="Cal Cole", value=15, source="test"),   # only a test suggestion
        dict(upn="D", pupil="Ada Dunn"),                             # nothing
        dict(upn="E", pupil="Eve Ely", on_roll=False),               # left: not due
        dict(upn="A", pupil="Ann Able", window=2, mark="NA"),
        dict(upn="A", pupil="Ann Able", window=3),                   # after the current window
        dict(upn="F", pupil="Fay Fox", class_name="Ash", year=4, value=20),
    )
    table = completion(frame, 2)
    assert list(table.columns) == ["Year", "Class", "Subject", "Window", "Due", "Entered",
                                   "% entered", "Missing"]
    # year 3 (Oak) before year 4 (Ash), as in Classes; A to Z within a year
    assert table.values.tolist() == [
        [3, "Oak", "Reading", "Autumn", 4, 2, 50.0, "Ada Dunn, Cal Cole"],
        [3, "Oak", "Reading", "Spring", 1, 1, 100.0, ""],
        [4, "Ash", "Reading", "Autumn", 1, 1, 100.0, ""],
    ]


def watch(upn, window, watchlist="", on_roll=True, **rest):
    reason = {"falling behind": "well below", "excelling": "above", "": ""}[watchlist]
    return dict(upn=upn, pupil="Pupil " + upn, window=window, watchlist=watchlist,
                watchlist_reason=reason, on_roll=on_roll, **rest)


def test_watchlist_since_is_the_start_of_the_current_unbroken_run():
    frame = school(
        watch("A", 1, "falling behind"), watch("A", 2, ""), watch("A", 3, "falling behind"),
        watch("B", 1, "falling behind"), watch("B", 2, "falling behind"), watch("B", 3, "falling behind"),
        watch("C", 1, "falling behind"), watch("C", 2, "excelling"), watch("C", 3, "excelling"),
        watch("D", 1, "excelling", on_roll=False), watch("D", 2, "excelling"), watch("D", 3, "excelling"),
        watch("E", 3, "", class_name="Ash"),
        watch("F", 3, "excelling", class_name="Ash", subject="Maths"),
    )
    table = watchlist(frame, 3)
    assert list(table.columns) == ["Class", "Pupil", "UPN", "Subject", "Watchlist", "Rule", "Since"]
    assert table[["UPN", "Watchlist", "Since"]].values.tolist() == [
        ["A", "falling behind", "Summer"],   # off the list at Spring
        ["B", "falling behind", "Autumn"],   # on it all year
        ["F", "excelling", "Summer"],        # Ash before Oak
        ["C", "excelling", "Spring"],        # was on the other list at Autumn
        ["D", "excelling", "Spring"],        # not on roll at Autumn
    ]
    assert table.loc[0, "Rule"] == "well below" and table.loc[0, "Class"] == "Oak"


def test_watchlist_leaves_out_pupils_who_left():
    frame = school(watch("A", 1, "falling behind", on_roll=False))
    assert watchlist(frame, 1).empty


def test_progress_matrix_counts_pupils_from_status_at_baseline_to_status_now():
    frame = school(
        dict(upn="A", baseline_status="below", status="expected"),
        dict(upn="B", baseline_status="below", status="expected"),
        dict(upn="C", baseline_status="below", status="well below"),
        dict(upn="D", baseline_status="expected", status="greater depth"),
        dict(upn="E", baseline_status="expected", status="expected", on_roll=False),
        dict(upn="A", window=2, baseline_status="below", status="above"),
    )
    table = progress_matrix(frame, 1)
    assert list(table.columns) == ["Subject", "Status then (at baseline)", "now: well below",
                                   "now: below", "now: expected", "now: above",
                                   "now: greater depth", "now: not assessed"]
    assert table["Status then (at baseline)"].tolist() == ["well below", "below", "expected",
                                                           "above", "greater depth", "not assessed"]
    cells = table.set_index("Status then (at baseline)")
    assert cells.loc["below"].tolist()[1:] == [1, 0, 2, 0, 0, 0]
    assert cells.loc["expected"].tolist()[1:] == [0, 0, 0, 0, 1, 0]
    assert int(cells.drop(columns="Subject").to_numpy().sum()) == 4
