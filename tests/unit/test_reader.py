"""The reader on deliberately messy class workbooks (plain values, as the stores give them)."""
import pandas as pd
import pytest

from functions import frames
from sync.reader import check_pupils, combine, read_class_workbook, read_workbook_rows
from sync.reader.workbook import _without
from tests.unit.reader_workbooks import ANN, BOB, SUBJECTS, WINDOWS, class_tab, messy_workbook


def read(workbook, name="Oak.xlsx"):
    return read_class_workbook(name, workbook, SUBJECTS, WINDOWS)


def problem_at(data, tab, cell):
    rows = data.problems[(data.problems["tab"] == tab) & (data.problems["cell"] == cell)]
    assert len(rows) == 1, data.problems
    return rows.iloc[0]


def test_every_frame_has_exactly_the_contract_columns():
    data = read(messy_workbook())
    assert list(data.classes.columns) == frames.CLASSES
    assert list(data.pupils.columns) == frames.PUPILS + ["group:Nurture"]
    assert list(data.cells.columns) == frames.CELLS
    assert list(data.statements.columns) == frames.STATEMENTS
    assert list(data.ticks.columns) == frames.TICKS
    assert list(data.comments.columns) == frames.COMMENTS
    assert list(data.interventions.columns) == frames.INTERVENTIONS
    assert list(data.problems.columns) == frames.PROBLEMS


def test_class_tab_gives_class_year_group_and_academic_year():
    data = read(messy_workbook())
    assert data.classes.iloc[0][["class_name", "year_group", "teacher", "academic_year"]].tolist() == [
        "Oak", 3, "Ms Patel", "2026-27"]


def test_pupils_are_read_whatever_the_case_spacing_and_order_of_the_headers():
    pupils = read(messy_workbook()).pupils.set_index("upn")
    assert pupils.loc[ANN, ["first_name", "last_name", "pupil", "row", "upn_cell"]].tolist() == [
        "Ann", "Smith", "Ann Smith", 3, "B3"]
    assert pupils.loc[ANN, "year"] == 3      # blank Year: the class's year group
    assert pupils.loc[BOB, "year"] == 4      # "Y4"
    assert pupils.loc[ANN, "sen"] == "K" and pupils.loc[BOB, "sen"] == "N"
    assert pupils.loc[ANN, "pupil_premium"] and not pupils.loc[BOB, "pupil_premium"]
    assert pupils.loc[ANN, "group:Nurture"] == "Y" and pupils.loc[BOB, "group:Nurture"] == ""


def test_dates_day_first_text_serial_numbers_iso_and_date_values():
    pupils = read(messy_workbook()).pupils.set_index("upn")
    assert pupils.loc[ANN, "date_of_birth"] == pd.Timestamp(2019, 4, 3)   # "03/04/2019"
    assert pupils.loc[BOB, "date_of_birth"] == pd.Timestamp(2019, 5, 1)   # a datetime value
    # 46270 days after 30 December 1899: 45000 is 15 March 2023 (Excel), plus 1270 days
    assert pupils.loc[ANN, "joined_on"] == pd.Timestamp(2023, 3, 15) + pd.Timedelta(days=1270)
    assert pupils.loc[BOB, "joined_on"] == pd.Timestamp(2026, 9, 3)       # ISO text
    assert pd.isna(pupils.loc[ANN, "left_on"])


def test_judgement_and_test_cells_become_cells_rows_with_their_addresses():
    cells = read(messy_workbook()).cells
    got = set(cells[["tab", "cell", "upn", "subject", "window", "raw"]].itertuples(index=False, name=None))
    assert got == {
        ("Judgements", "D2", ANN, "Reading", "Autumn", "16"),
        ("Judgements", "F2", ANN, "Reading", "Baseline", "15"),
        ("Judgements", "D3", BOB, "Reading", "Autumn", " 15 GD "),
        ("Tests", "B2", ANN, "Reading", "Autumn", "72%"),
        ("Tests", "B3", BOB, "Reading", "Autumn", "36/50"),
    }


def test_an_error_value_is_a_problem_not_a_cell():
    data = read(messy_workbook())
    problem = problem_at(data, "judgements", "C2")
    assert problem["found"] == "#N/A" and problem["severity"] == "error"


def test_a_typo_column_is_reported_once_and_ignored():
    workbook = messy_workbook()
    workbook["judgements"][0][3] = "Raeding Autumn"
    data = read(workbook)
    problem = problem_at(data, "judgements", "D1")
    assert problem["severity"] == "warning" and "Reading Autumn" in problem["expected"]
    assert not (data.cells["cell"] == "D2").any()


def test_bad_cells_in_pupils_are_problems_with_their_addresses():
    workbook = messy_workbook()
    workbook["PUPILS"][2][3] = "31/02/2019"       # no such day
    workbook["PUPILS"][2][5] = "maybe"            # not an SEN code
    workbook["PUPILS"][4][7] = "#REF!"            # error value in a flag
    workbook["PUPILS"][4][4] = True               # a boolean in a custom group
    data = read(workbook)
    assert problem_at(data, "PUPILS", "D3")["expected"].startswith("a date")
    assert problem_at(data, "PUPILS", "F3")["severity"] == "error"
    assert problem_at(data, "PUPILS", "H5")["found"] == "#REF!"
    pupils = data.pupils.set_index("upn")
    assert pd.isna(pupils.loc[ANN, "date_of_birth"]) and pupils.loc[ANN, "sen"] == "N"
    assert pupils.loc[BOB, "group:Nurture"] == "Y"


def test_a_judgement_row_whose_upn_is_not_a_pupil_is_an_error_and_left_out():
    workbook = messy_workbook()
    workbook["judgements"].append(["Zed", "A000", None, "15"])
    workbook["judgements"].append(["Nobody", None, None, "14"])
    data = read(workbook)
    assert problem_at(data, "judgements", "B5")["found"] == "A000"
    assert problem_at(data, "judgements", "B6")["severity"] == "error"
    assert set(data.cells["upn"]) == {ANN, BOB}


def test_a_missing_pupils_tab_makes_the_workbook_unusable_but_is_only_a_problem():
    workbook = messy_workbook()
    del workbook["PUPILS"]
    data = read(workbook)
    assert data.pupils.empty and data.cells.empty
    assert problem_at(data, "Pupils", "")["severity"] == "error"


def test_missing_tests_and_grid_tabs_are_warnings():
    workbook = messy_workbook()
    del workbook["Tests"]
    data = read(workbook)
    assert problem_at(data, "Tests", "")["severity"] == "warning"
    assert problem_at(data, "Maths grid", "")["severity"] == "warning"
    assert len(data.cells) == 3


@pytest.mark.parametrize("academic_year", [None, "2026-28", "next year"])
def test_without_a_readable_academic_year_the_workbook_cannot_be_placed(academic_year):
    workbook = messy_workbook()
    workbook[" class "] = class_tab(academic_year=academic_year)
    data = read(workbook)
    assert data.pupils.empty
    assert (data.problems["tab"] == " class ").any()


def test_a_grid_gives_statements_with_their_points_and_kpis_and_ticks():
    workbook = messy_workbook()
    workbook["Maths grid"] = [
        ["UPN", "Name", "Counts in 3s", "* Adds 3-digit numbers", "Knows 3x table", "Rounds"],
        [None, None, 16, "17", "17 KPI", "soon"],
        [ANN, "Ann", "A", None, "M", "A"],
        [BOB, "Bob", "#REF!", "WT", None],
    ]
    data = read(workbook)
    statements = data.statements[["statement_no", "column", "text", "group", "kpi"]].values.tolist()
    assert statements == [[1, "C", "Counts in 3s", 16, False], [2, "D", "Adds 3-digit numbers", 17, True],
                          [3, "E", "Knows 3x table", 17, True]]
    ticks = data.ticks[["upn", "statement_no", "cell", "raw"]].values.tolist()
    assert sorted(ticks) == sorted([[ANN, 1, "C3", "A"], [ANN, 3, "E3", "M"], [BOB, 2, "D4", "WT"]])
    assert problem_at(data, "Maths grid", "F2")["severity"] == "error"   # "soon" is no point
    assert problem_at(data, "Maths grid", "C4")["found"] == "#REF!"


def test_a_statement_heading_twice_in_a_grid_reads_the_first_and_warns_at_the_second():
    workbook = messy_workbook()
    workbook["Maths grid"] = [
        ["UPN", "Name", "Counts in 3s", "Rounds", "Counts in 3s "],
        [None, None, 16, 16, 16],
        [ANN, "Ann", "A", "M", "WT"],
    ]
    data = read(workbook)
    assert data.statements[["column", "text"]].values.tolist() == [["C", "Counts in 3s"], ["D", "Rounds"]]
    assert sorted(data.ticks["cell"]) == ["C3", "D3"]
    warning = problem_at(data, "Maths grid", "E1")
    assert warning["severity"] == "warning"
    assert warning["expected"] == "one column with this heading (this one is ignored)"


def test_comments_and_interventions():
    workbook = messy_workbook()
    workbook["Comments"] = [["UPN", "Name", "Comment", "Approved"], [ANN, "Ann", "Reads widely.", "y"],
                            [BOB, "Bob", None, None]]
    workbook["Interventions"] = [["UPN", "Subject", "Intervention", "From", "To", "Notes"],
                                 [ANN, "reading", "Phonics catch-up", "autumn", None, None],
                                 [BOB, "Science", "Lab club", "Autumn", "Spring", None]]
    data = read(workbook)
    assert data.comments[["upn", "comment", "approved"]].values.tolist() == [[ANN, "Reads widely.", True]]
    assert data.interventions[["upn", "subject", "intervention", "from_window", "to_window"]].values.tolist() \
        == [[ANN, "Reading", "Phonics catch-up", "Autumn", ""]]
    assert problem_at(data, "Interventions", "B3")["found"] == "Science"


def test_merged_cells_formulas_and_booleans_do_not_crash():
    workbook = messy_workbook()
    workbook["judgements"].append(["Ann", ANN, True, "=A1", 3.5, None])   # a repeated row, too
    workbook["Tests"].append([None, None])
    data = read(workbook)
    assert problem_at(data, "judgements", "B5")["expected"].startswith("one row per pupil")


def test_combine_and_check_pupils_across_two_workbooks():
    oak, ash = messy_workbook(), messy_workbook()
    ash[" class "] = class_tab(year_group=4)
    ash["PUPILS"][2][1] = "C801200005001"               # Ann with a wrong check letter; Bob on
    ash["PUPILS"][2][4] = None
    ash["PUPILS"][1][4] = " nurture "                   # roll in both; a group spelt differently
    school = check_pupils(combine([read_workbook_rows("Oak.xlsx", oak, SUBJECTS, WINDOWS),
                                   read_workbook_rows("Ash.xlsx", ash, SUBJECTS, WINDOWS)]))
    assert [c for c in school.pupils.columns if c.startswith("group:")] == ["group:Nurture"]
    assert sorted(zip(school.pupils["workbook"], school.pupils["upn"], strict=True)) == sorted(
        [("Oak.xlsx", ANN), ("Oak.xlsx", BOB), ("Ash.xlsx", "C801200005001")])
    ash_problems = school.problems[school.problems["workbook"] == "Ash.xlsx"]
    upn_problems = ash_problems[ash_problems["tab"] == "Pupils"].set_index("cell")
    assert upn_problems.loc["B3", "severity"] == "warning"
    assert upn_problems.loc["B5", "severity"] == "error" and "Oak.xlsx" in upn_problems.loc["B5", "found"]
    assert not ((school.cells["workbook"] == "Ash.xlsx") & (school.cells["upn"] == BOB)).any()
    assert ((school.cells["workbook"] == "Oak.xlsx") & (school.cells["upn"] == BOB)).any()


def test_a_group_headed_twice_in_other_cases_is_read_once_with_a_warning():
    workbook = messy_workbook()
    workbook["PUPILS"][1] += [" NURTURE"]      # column J beside "Nurture" (E)
    workbook["PUPILS"][2] += ["x"]
    school = check_pupils(read(workbook))
    assert [c for c in school.pupils.columns if c.startswith("group:")] == ["group:Nurture"]
    assert school.pupils.set_index("upn").loc[ANN, "group:Nurture"] == "Y"
    problem = problem_at(school, "PUPILS", "J2")
    assert problem["expected"] == "one column with this heading (this one is ignored)"
    assert problem["severity"] == "warning"


def test_rows_of_a_pupil_left_out_go_in_that_workbook_only():
    cells = pd.DataFrame({"workbook": ["Oak.xlsx", "Ash.xlsx", "Ash.xlsx", "Oak.xlsx"],
                          "upn": [ANN, ANN, BOB, BOB], "raw": ["16", "17", "15", "14"]},
                         index=[7, 8, 9, 10])
    kept = _without(cells, {("Ash.xlsx", ANN), ("Oak.xlsx", BOB)})
    assert kept["raw"].tolist() == ["16", "15"] and kept.index.tolist() == [0, 1]
    assert _without(cells, set())["raw"].tolist() == ["16", "17", "15", "14"]


def test_of_two_tabs_titled_alike_the_exact_title_is_read_and_the_other_is_ignored_with_a_warning():
    workbook = messy_workbook()
    tests = workbook.pop("Tests")          # a teacher's " Tests " (a renamed tab) comes first
    workbook = {**workbook, " Tests ": [["UPN", "Reading Autumn"], [ANN, "55"]], "Tests": tests}
    data = read(workbook)
    from_tests = data.cells[data.cells["tab"] == "Tests"]
    assert sorted(from_tests["raw"]) == ["36/50", "72%"]                 # the exact "Tests", not "55"
    warning = problem_at(data, " Tests ", "")
    assert warning["severity"] == "warning"
    assert warning["expected"] == ("one tab named Tests: 'Tests' is read and this tab is ignored "
                                   "(rename or delete one of them)")


def test_of_two_tabs_titled_alike_but_neither_exactly_the_first_is_read():
    workbook = messy_workbook()
    workbook.pop("Tests")
    workbook = {**workbook, "tests": [["UPN", "Reading Autumn"], [ANN, "55"]],
                " tests ": [["UPN", "Reading Autumn"], [ANN, "60"]]}
    data = read(workbook)
    assert list(data.cells.loc[data.cells["tab"] == "Tests", "raw"]) == ["55"]
    assert "'tests' is read" in problem_at(data, " tests ", "")["expected"]
