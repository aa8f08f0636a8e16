"""The `Statutory` tab of a new class workbook: only for year groups that sit a check, its columns
from sheets_templates/statutory/checks.toml, drop-downs for codes, a note for marks; it reads back."""
from __future__ import annotations

import pandas as pd
from openpyxl import load_workbook

from functions.statutory import parse_statutory
from sync.reader import read_class_workbook
from sync.statutory import statutory_rules
from sync.templates import TEMPLATES_DIR, load_statements, new_class_workbook
from sync.xlsx import read_values
from tests.integration.fuzz_school import SUBJECTS, framework, upn

FW = framework()
PUPILS = pd.DataFrame({"UPN": [upn(1), upn(2)], "First name": ["Ann", "Bob"], "Last name": ["A", "B"]})


def make(path, year: int, statutory: pd.DataFrame | None = None):
    new_class_workbook(path, class_name="Oak", year_group=year, teacher="T", academic_year="2026-27",
                       fw=FW, subjects=SUBJECTS, statements=load_statements(TEMPLATES_DIR, FW, SUBJECTS),
                       pupils=PUPILS, statutory=statutory)
    return path


def test_only_year_groups_that_sit_a_check_have_the_tab(tmp_path):
    tabs = {year: load_workbook(make(tmp_path / f"y{year}.xlsx", year)).sheetnames for year in range(1, 7)}
    assert [year for year, names in tabs.items() if "Statutory" in names] == [1, 2, 4, 6]


def test_year_6_columns_drop_downs_and_notes(tmp_path):
    sheet = load_workbook(make(tmp_path / "y6.xlsx", 6))["Statutory"]
    header = [cell.value for cell in sheet[1]]
    assert header == ["UPN", "Name", "KS2 Reading", "KS2 Writing", "KS2 Maths", "KS2 GPS", "KS2 Science"]
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert lists["D2:D1000"].startswith('"GDS,EXS,WTS,PK6')
    assert lists["G2:G1000"].startswith('"EXS,HNM')
    assert "C2:C1000" not in lists                               # a score: no list
    assert "80 to 120" in sheet["C1"].comment.text


def test_year_1_puts_phonics_before_the_17_goals(tmp_path):
    header = [cell.value for cell in load_workbook(make(tmp_path / "y1.xlsx", 1))["Statutory"][1]]
    assert header[2] == "Phonics mark" and len(header) == 3 + 17


def test_typed_results_read_back_as_the_rules_see_them(tmp_path):
    path = make(tmp_path / "y6.xlsx", 6, pd.DataFrame({"UPN": [upn(1)], "KS2 Reading": [104],
                                                     "KS2 Writing": ["EXS"]}))
    data = read_class_workbook(path.name, read_values(path), SUBJECTS, list(FW.windows))
    results, problems = parse_statutory(data.statutory, statutory_rules())
    assert problems.empty
    assert sorted(zip(results["subject"], results["outcome"], strict=True)) == [("Reading", "expected"),
                                                                  ("Writing", "expected")]
