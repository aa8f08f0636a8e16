"""The templates a school edits, rendered into real .xlsx files: tabs, columns and what a teacher
expects of a tracker sheet (frozen headers, drop-downs, colours, protected headers)."""
from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.framework import Framework, load_framework
from sync.errors import SettingsError
from sync.new_class import create_class_workbook, read_pupils_csv
from sync.settings import load_settings
from sync.templates import TEMPLATES_DIR, judgement_labels, load_statements, new_class_workbook, new_tracker_summary
from sync.xlsx import read_values

SUBJECTS = ["Reading", "Writing", "Maths"]


def framework(name: str) -> Framework:
    with open(TEMPLATES_DIR / "frameworks" / f"{name}.toml", "rb") as handle:
        return load_framework(tomllib.load(handle), f"{name}.toml")


@pytest.fixture(scope="module")
def points() -> Framework:
    return framework("points")


@pytest.fixture(scope="module")
def steps() -> Framework:
    return framework("steps")


def year_three_class(path: Path, fw: Framework) -> Path:
    pupils = pd.DataFrame({"UPN": ["A801200005001", "B801200005002"], "First name": ["Ann", "Ben"],
                           "Last name": ["Lee", "Ray"],
                           "Date of birth": [pd.Timestamp("2018-03-04"), pd.Timestamp("2017-10-01")]})
    ticks = pd.DataFrame({"upn": ["A801200005001"] * 2, "subject": ["Maths"] * 2,
                          "statement_no": [1, 3], "code": ["A", "WT"]})
    new_class_workbook(path, class_name="Oak", year_group=3, teacher="Ms Example",
                       academic_year="2026-27", fw=fw, subjects=SUBJECTS,
                       statements=load_statements(TEMPLATES_DIR, fw), pupils=pupils, ticks=ticks)
    return path


def test_statement_lists_have_8_to_15_statements_per_subject_and_year(points):
    statements = load_statements(TEMPLATES_DIR, points)
    counts = statements.groupby(["subject", "year"]).size()
    assert set(statements["subject"]) == set(SUBJECTS)
    assert len(counts) == 18
    assert counts.between(8, 15).all()
    assert statements.groupby(["subject", "year"])["kpi"].any().all()


def test_statement_points_spread_over_the_three_points_of_each_years_band(points):
    statements = load_statements(TEMPLATES_DIR, points)
    # year Y's band is E(Y-1)+1 .. E(Y): year 1 = 10, 11, 12 ... year 6 = 25, 26, 27
    expected = {year: {7 + 3 * year, 8 + 3 * year, 9 + 3 * year} for year in range(1, 7)}
    for (subject, year), groups in statements.groupby(["subject", "year"])["group"]:
        assert set(groups) == expected[year], (subject, year)
        assert groups.is_monotonic_increasing, "statements run in teaching order, point by point"


def test_steps_statements_belong_to_the_years_band(steps):
    statements = load_statements(TEMPLATES_DIR, steps)
    assert (statements["group"] == statements["year"]).all()


def test_judgement_drop_down_for_year_3_points(points):
    labels = judgement_labels(points, 3)
    # two years below the band (10..15), the band (16..18), two above (19, 20); GD from the band
    assert labels[:11] == [str(v) for v in range(10, 21)]
    assert labels[11:16] == ["16 GD", "17 GD", "18 GD", "19 GD", "20 GD"]
    assert labels[-2:] == ["ABS", "NA"]


def test_judgement_drop_down_for_year_1_steps_reaches_the_early_years_and_stops_at_1s_plus(steps):
    labels = judgement_labels(steps, 1)
    assert labels == ["40-60w", "40-60w+", "40-60s", "40-60s+", "1b", "1b+", "1w", "1w+", "1s",
                      "1s+", "ABS", "NA"]


def test_class_workbook_has_the_exact_tabs_and_columns(tmp_path, points):
    book = read_values(year_three_class(tmp_path / "oak.xlsx", points))
    assert list(book) == ["Class", "Pupils", "Judgements", "Tests", "Reading grid", "Writing grid",
                          "Maths grid", "Comments", "Interventions"]
    assert book["Class"] == [["Class", "Oak"], ["Year group", 3], ["Teacher", "Ms Example"],
                             ["Academic year", "2026-27"]]
    assert book["Pupils"][0] == ["UPN", "First name", "Last name", "Year", "Date of birth", "Gender",
                                 "Pupil premium", "SEN", "EAL", "Joined on", "Left on"]
    windows = ["Autumn", "Spring", "Summer"]
    assert book["Judgements"][0] == (["UPN", "Name"] + [f"{s} Baseline" for s in SUBJECTS]
                                     + [f"{s} {w}" for s in SUBJECTS for w in windows])
    assert book["Tests"][0] == ["UPN", "Name"] + [f"{s} {w}" for s in SUBJECTS for w in windows]
    assert book["Comments"][0] == ["UPN", "Name", "Comment", "Approved"]
    assert book["Interventions"][0] == ["UPN", "Subject", "Intervention", "From", "To", "Notes"]
    assert book["Judgements"][1][:2] == ["A801200005001", "Ann Lee"]


def test_grid_rows_hold_statements_points_and_pupils_ticks(tmp_path, points):
    book = read_values(year_three_class(tmp_path / "oak.xlsx", points))
    grid = book["Maths grid"]
    maths3 = pd.read_csv(TEMPLATES_DIR / "statements" / "maths.csv", dtype=str).query("year == '3'")
    assert grid[0] == ["UPN", "Name"] + maths3["statement"].tolist()
    assert grid[1][2:] == [int(p) for p in maths3["point"]]
    assert grid[2][:5] == ["A801200005001", "Ann Lee", "A", None, "WT"]


def test_steps_grid_row_2_holds_the_band(tmp_path, steps):
    book = read_values(year_three_class(tmp_path / "oak.xlsx", steps))
    assert set(book["Reading grid"][1][2:]) == {3}


def test_frozen_panes_drop_downs_colours_and_protection(tmp_path, points):
    book = openpyxl.load_workbook(year_three_class(tmp_path / "oak.xlsx", points))
    assert book["Pupils"].freeze_panes == "D2"
    assert book["Judgements"].freeze_panes == "C2"
    assert book["Maths grid"].freeze_panes == "C3"
    judgement_lists = [v.formula1 for v in book["Judgements"].data_validations.dataValidation]
    assert judgement_lists == ['"' + ",".join(judgement_labels(points, 3)) + '"']
    grid = book["Maths grid"]
    assert [v.formula1 for v in grid.data_validations.dataValidation] == ['"WT,A,M"']
    rules = [rule.formula[0] for cf in grid.conditional_formatting for rule in cf.rules]
    assert sorted(rules) == ['"A"', '"M"', '"WT"']
    pupils = book["Pupils"]
    assert [v.formula1 for v in pupils.data_validations.dataValidation] == [
        '"1,2,3,4,5,6"', '"F,M"', '"Y"', '"N,K,E"']
    for sheet in (pupils, grid, book["Judgements"]):
        assert sheet.protection.sheet and not sheet.protection.password
        assert sheet["A1"].protection.locked
    assert not pupils["A2"].protection.locked
    assert not pupils["J2"].protection.locked and pupils["J2"].number_format == "dd/mm/yyyy"
    assert grid["C2"].protection.locked and not grid["C3"].protection.locked
    assert grid["C1"].alignment.wrap_text


def test_same_inputs_give_the_same_bytes(tmp_path, points):
    first = year_three_class(tmp_path / "a.xlsx", points).read_bytes()
    second = year_three_class(tmp_path / "b.xlsx", points).read_bytes()
    assert hashlib.sha256(first).digest() == hashlib.sha256(second).digest()


def test_tracker_summary_settings_and_staff_load_as_settings(tmp_path):
    path = tmp_path / "Tracker summary.xlsx"
    new_tracker_summary(path, {"School name": "Example Primary", "Framework": "steps"},
                        [("head@example.org", "Head"), ("t@example.org", "Teacher")])
    book = read_values(path)
    assert list(book) == ["Settings", "Staff"]
    assert [row[0] for row in book["Settings"]] == [
        "School name", "Academic year", "Framework", "Windows", "Window ends", "Current window",
        "Locked windows", "Subjects", "Classes folder", "Reports folder", "DfE number",
        "Retention years"]
    assert book["Staff"] == [["Email", "Role"], ["head@example.org", "Head"], ["t@example.org", "Teacher"]]
    settings = load_settings(book, TEMPLATES_DIR, tmp_path)
    assert (settings.school_name, settings.academic_year, settings.framework.kind) == (
        "Example Primary", "2026-27", "steps")
    assert settings.subjects == ("Reading", "Writing", "Maths")
    assert openpyxl.load_workbook(path)["Settings"]["A1"].comment is not None


def test_tracker_summary_refuses_an_unknown_setting(tmp_path):
    with pytest.raises(ValueError, match="Shcool name"):
        new_tracker_summary(tmp_path / "t.xlsx", {"Shcool name": "x"}, [])


@pytest.fixture
def school(tmp_path) -> Path:
    new_tracker_summary(tmp_path / "Tracker summary.xlsx", {}, [])
    return tmp_path


def test_new_class_from_a_csv_matches_names_keeps_groups_and_text(school, tmp_path):
    csv = tmp_path / "rowan.csv"
    csv.write_text(" upn ,FIRST name,Last name,Date of birth,Nurture group\n"
                   "A801200005001,=HYPERLINK(1),Smith,03/04/2019,Y\n,,,,\n")
    path = create_class_workbook(school, name="Rowan", year=2, teacher="Mr T", pupils_csv=csv)
    assert path == school / "classes" / "2026-27 Rowan (Year 2).xlsx"
    book = openpyxl.load_workbook(path)
    pupils = book["Pupils"]
    assert [c.value for c in pupils[1]][-1] == "Nurture group"
    assert pupils.max_row == 2
    assert pupils["B2"].data_type == "s" and pupils["B2"].value == "=HYPERLINK(1)"
    assert pupils["E2"].value.date().isoformat() == "2019-04-03"      # day first
    assert book["Class"]["B2"].value == 2


def test_new_class_without_pupils_and_never_over_an_existing_file(school):
    path = create_class_workbook(school, name="Elm", year=5)
    assert read_values(path)["Pupils"] == [["UPN", "First name", "Last name", "Year", "Date of birth",
                                            "Gender", "Pupil premium", "SEN", "EAL", "Joined on", "Left on"]]
    with pytest.raises(SettingsError, match="already exists"):
        create_class_workbook(school, name="Elm", year=5)


def test_a_pupils_csv_without_a_upn_column_is_refused(tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text("First name,Last name\nAnn,Lee\n")
    with pytest.raises(SettingsError, match="no UPN column") as caught:
        read_pupils_csv(csv)
    assert "Ann" not in str(caught.value)


PUPILS_COLUMNS = ["UPN", "First name", "Last name", "Year", "Date of birth", "Gender",
                  "Pupil premium", "SEN", "EAL", "Joined on", "Left on"]


@settings(max_examples=40, deadline=None)
@given(column=st.sampled_from(PUPILS_COLUMNS), data=st.data())
def test_pupils_csv_headers_match_whatever_their_case_and_spacing(tmp_path_factory, column, data):
    flips = data.draw(st.lists(st.booleans(), min_size=len(column), max_size=len(column)))
    spelt = "".join(ch.upper() if flip else ch.lower() for ch, flip in zip(column, flips, strict=False))
    spelt = data.draw(st.sampled_from(["", " ", "  "])) + spelt.replace(" ", data.draw(
        st.sampled_from([" ", "  "]))) + data.draw(st.sampled_from(["", " "]))
    header = ["UPN", spelt] if column != "UPN" else [spelt]
    csv = tmp_path_factory.mktemp("csv") / "pupils.csv"
    value = "03/04/2019" if column in ("Date of birth", "Joined on", "Left on") else "x"   # a date where one belongs
    csv.write_text(",".join(f'"{h}"' for h in header) + "\n" + ",".join(["A801200005001", value][:len(header)]) + "\n")
    assert column in read_pupils_csv(csv).columns


def test_every_class_tab_prints_one_page_wide_and_comments_wrap_in_rows_tall_enough(tmp_path, points):
    path = tmp_path / "oak.xlsx"
    pupils = pd.DataFrame({"UPN": ["A801200005001", "B801200005002"], "First name": ["Ann", "Bob"],
                           "Last name": ["Lee", "Day"]})
    long = "Ann reads with growing confidence and enjoys talking about favourite books. " * 2
    comments = pd.DataFrame({"UPN": ["A801200005001", "B801200005002"], "Comment": [long, "Good."]})
    new_class_workbook(path, class_name="Oak", year_group=3, teacher="", academic_year="2026-27",
                       fw=points, subjects=["Reading"], statements=load_statements(TEMPLATES_DIR, points),
                       pupils=pupils, comments=comments)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (9, 1, 0), sheet.title
        assert setup.orientation == ("portrait" if sheet.title == "Class" else "landscape")
    assert book["Judgements"].print_title_rows == "$1:$1"
    assert book["Judgements"].print_title_cols == "$A:$B"          # UPN and Name on every page
    assert book["Reading grid"].print_title_rows == "$1:$2"        # statements and their points
    comments_tab = book["Comments"]
    # 152 characters in a column 80 wide (78 usable): two lines, 30 points; "Good." one line
    assert comments_tab.row_dimensions[2].height == 30.0
    assert comments_tab.row_dimensions[3].height is None
    assert comments_tab["C2"].alignment.wrap_text and comments_tab["A2"].alignment.vertical == "top"
