"""The `Statutory` tab of a class workbook: read as cells with addresses, problems named."""
from __future__ import annotations

from functions import frames
from functions.statutory import parse_statutory
from sync.reader import check_pupils, read_class_workbook
from sync.statutory import statutory_rules
from tests.unit.reader_workbooks import ANN, BOB, SUBJECTS, WINDOWS, messy_workbook


def read(statutory: list[list[object]]):
    workbook = messy_workbook()
    workbook[" statutory "] = statutory
    return read_class_workbook("Oak.xlsx", workbook, SUBJECTS, WINDOWS)


def test_statutory_cells_keep_their_address_and_the_rules_spelling_of_the_column():
    data = read([["Name", "UPN", "ks2  reading", "KS2 Writing"],
                 ["Ann", ANN, 104, " exs"],
                 ["Bob", BOB, None, "GDS"]])
    assert list(data.statutory.columns) == frames.STATUTORY
    cells = data.statutory.set_index("cell")
    assert cells.loc["C2", "column"] == "KS2 Reading" and cells.loc["C2", "raw"] == 104
    assert cells.loc["D3", "upn"] == BOB and cells.loc["D2", "academic_year"] == "2026-27"
    assert len(data.statutory) == 3


def test_an_unknown_heading_is_a_warning_and_a_bad_value_an_error_with_its_address():
    data = read([["UPN", "KS2 Reading", "Favourite colour"],
                 [ANN, 130, "blue"],
                 ["X000000000000", 100, None]])
    problems = data.problems.set_index("cell")
    assert problems.loc["C1", "severity"] == "warning" and problems.loc["C1", "tab"] == " statutory "
    assert "UPN from the Pupils tab" in problems.loc["A3", "expected"]
    results, bad = parse_statutory(data.statutory, statutory_rules())
    assert results.empty
    assert list(bad["cell"]) == ["B2"] and bad["found"].iloc[0] == "130"
    assert bad["expected"].iloc[0].startswith("KS2 Reading: a scaled score from 80 to 120")


def test_a_workbook_without_a_statutory_tab_has_no_problem_for_it():
    data = read_class_workbook("Oak.xlsx", messy_workbook(), SUBJECTS, WINDOWS)
    assert data.statutory.empty
    assert not data.problems["tab"].str.casefold().str.contains("statutory").any()


def test_statutory_rows_follow_their_pupils_through_combine_and_check():
    data = check_pupils(read([["UPN", "Phonics mark"], [ANN, 35]]))
    assert list(data.statutory["upn"]) == [ANN]
