"""Completion, Watchlist and Progress matrix: the staff tabs, worked out by hand."""

from functions.aggregates import completion, progress_matrix, watchlist
from tests.unit.aggregates_school import school


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
    assert list(table.columns) == ["Watchlist", "Rank", "Class", "Pupil", "UPN", "Year", "Subjects",
                                   "How far", "Rule", "Since"]
    assert table[["UPN", "Watchlist", "Rank", "Since"]].values.tolist() == [
        ["A", "falling behind", 1, "Summer"],   # off the list at Spring
        ["B", "falling behind", 2, "Autumn"],   # on it all year
        ["F", "excelling", 1, "Summer"],        # no numbers here: ties go by class, Ash before Oak
        ["C", "excelling", 2, "Spring"],        # was on the other list at Autumn
        ["D", "excelling", 3, "Spring"],        # not on roll at Autumn
    ]
    assert table.loc[0, "Rule"] == "Reading: well below" and table.loc[0, "Class"] == "Oak"


def ranked(upn, subject, value, progress, watchlist, reason):
    """A year 3 pupil at Spring (expected 17, expected progress 2 since last Summer)."""
    return dict(upn=upn, pupil=f"Pupil {upn}", subject=subject, window=2, value=value,
                expected=17.0, progress=progress, expected_progress=2.0, watchlist=watchlist,
                watchlist_reason=f"{watchlist}: {reason}")


def test_watchlist_is_one_row_per_pupil_ranked_by_how_far_behind_or_ahead():
    nan = float("nan")
    frame = school(
        # Ann: Reading 14 (d = -3, p = -1 -> -3); Maths 15 (d = -2, p = -2 -> -2): -5 in all
        ranked("Ann", "Reading", 14, 1, "falling behind", "3 points below expected"),
        ranked("Ann", "Maths", 15, 0, "falling behind", "2 points below expected, progress 2 "
                                                         "points less than expected"),
        ranked("Ann", "Writing", 17, 2, "", ""),
        # Ben: Writing 16 (d = -1) but progress -1 where 2 expected (p = -3): -3
        ranked("Ben", "Writing", 16, -1, "falling behind", "progress 3 points less than expected"),
        # Cal: Reading 15 (d = -2), no progress measured: -2
        ranked("Cal", "Reading", 15, nan, "falling behind", "2 points below expected"),
        # Dee: Reading 17 GD (d = 0) with progress 4 (p = +2): +2
        ranked("Dee", "Reading", 17, 4, "excelling", "progress 2 points more than expected"),
        # Eve: Maths 19 (d = +2, p = +1 -> +2); Writing 18 (d = +1, p = +1 -> +1): +3
        ranked("Eve", "Maths", 19, 3, "excelling", "2 points above expected"),
        ranked("Eve", "Writing", 18, 3, "excelling", "progress 1 point more than expected"),
        # Fay: greater depth and nothing else: on no list
        ranked("Fay", "Reading", 17, 2, "", ""),
    )
    table = watchlist(frame, 2)
    assert table[["Watchlist", "Rank", "UPN", "Subjects", "How far"]].values.tolist() == [
        ["falling behind", 1, "Ann", "Reading, Maths", -5.0],
        ["falling behind", 2, "Ben", "Writing", -3.0],
        ["falling behind", 3, "Cal", "Reading", -2.0],
        ["excelling", 1, "Eve", "Maths, Writing", 3.0],     # subjects in the school's order
        ["excelling", 2, "Dee", "Reading", 2.0],
    ]
    assert table.loc[0, "Rule"] == ("Reading: 3 points below expected; Maths: 2 points below "
                                    "expected, progress 2 points less than expected")


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
