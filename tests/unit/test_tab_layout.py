"""How the owned tabs look: column widths fitted to contents, wrapped long text with rows tall
enough for it, print setup and the Trends chart's axis. Numbers worked out by hand."""
from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook

from sync.outputs import y_range
from sync.store import Tab
from sync.tabs import column_widths, frame_to_tab, owned_tabs_layout, print_settings
from sync.xlsx import print_scale, render_tab

LAYOUT = {"fit": {"min": 5, "max": 40, "padding": 1}, "widths": {"Reasons": 60},
          "tab_widths": {"Problems": {"Found": 36, "Expected": 50}}}


def test_a_fitted_column_is_its_longest_value_or_heading_word_plus_padding():
    header = ["UPN", "Status", "Joined on", "Recorded at", "Year"]
    columns = [["A801200005001", "B801200005002"],        # 13 characters
               ["expected", "greater depth"],             # 13
               [date(2026, 11, 9), None],                 # shown as 09/11/2026: 10
               ["2026-12-01 15:53:32"],                   # 19 (text)
               [3, 4]]                                    # 1; heading "Year" 4 + 1 (bold)
    widths = column_widths("Class summary", header, columns, LAYOUT)
    assert widths == {"UPN": 14.0, "Status": 14.0, "Joined on": 11.0, "Recorded at": 20.0,
                      "Year": 6.0}


def test_a_heading_may_wrap_onto_two_lines_and_the_layout_fixes_long_text_columns():
    header = ["% greater depth or above", "Reasons", "Found", "Expected"]
    columns = [[25.4], ["x" * 300], ["W"], ["WT, A or M (or blank)"]]
    widths = column_widths("Problems", header, columns, LAYOUT)
    # 24 characters on two lines: 12, + 1 bold, + 1 padding; the others from the layout
    assert widths == {"% greater depth or above": 14.0, "Reasons": 60.0, "Found": 36.0,
                      "Expected": 50.0}
    # "Expected" is only fixed in Problems: elsewhere it fits "22 GD" or its heading (8 + 1 + 1)
    assert column_widths("Class summary", ["Expected"], [["22 GD"]], LAYOUT) == {"Expected": 10.0}


def test_numbers_count_as_their_format_shows_them_and_width_stays_within_the_limits():
    layout = {**LAYOUT, "formats": {"Gap": "0.0"}}
    widths = column_widths("Groups", ["Gap", "Missing"], [[-77.4123], ["y" * 90]], layout)
    assert widths == {"Gap": 6.0, "Missing": 40.0}      # "-77.4": 5 + 1; 90 capped at 40


def test_the_shipped_layout_fits_the_class_summary_and_problems_columns():
    frame = pd.DataFrame({"UPN": ["A801200005001"], "Status": ["greater depth"],
                          "Reasons": ["a long reason " * 30]})
    tab = frame_to_tab("Class summary", frame)
    assert tab.widths["UPN"] >= 14 and tab.widths["Reasons"] == 150 and "Reasons" in tab.wrap
    assert tab.widths["Status"] == 10 and "Status" in tab.wrap       # "greater / depth"
    problems = frame_to_tab("Problems", pd.DataFrame({"Found": ["x"], "Expected": ["y"]}))
    assert (problems.widths, problems.wrap) == ({"Found": 36, "Expected": 50}, ["Found", "Expected"])


def test_a_wrapped_row_is_as_tall_as_its_lines_and_the_header_as_its_heading():
    tab = Tab(title="Problems", header=["Found", "Expected"], widths={"Found": 11, "Expected": 11},
              wrap=["Found", "Expected"],
              rows=[["short", "one two three four five six"], ["x", "y"]])
    sheet = Workbook().active
    render_tab(sheet, tab)
    # "one two three four five six" in 10 characters: "one two" / "three four" / "five six"
    assert sheet.row_dimensions[2].height == 45.0
    assert sheet.row_dimensions[3].height is None and sheet.row_dimensions[1].height is None
    assert sheet["B2"].alignment.wrap_text and sheet["A2"].alignment.vertical == "top"


def test_every_tab_prints_landscape_one_page_wide_with_its_header_on_each_page():
    sheet = Workbook().active
    render_tab(sheet, frame_to_tab("Summary", pd.DataFrame({"Year": ["1"], "Subject": ["Maths"]}),
                                   note="Autumn"))
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape", 9, 1, 0)
    assert sheet.print_title_rows == "$2:$2" and sheet.page_margins.left == 0.4


def test_the_class_summary_prints_its_figures_then_its_reasons_at_one_scale():
    settings = print_settings("Class summary", owned_tabs_layout())
    assert (settings["break_before"], settings["title_columns"]) == ("Reasons", 2)
    # A4 landscape less 0.4 in margins: 10.89 in = 1045.4 pixels at 96 dpi; a column of width
    # w takes 9.5 w + 5 pixels: ten of width 10 take 1000 (fits: 100%), twenty 2000 (52%)
    assert print_scale(settings, 1000) == 100 and print_scale(settings, 2000) == 52
    sheet = Workbook().active
    frame = pd.DataFrame({"UPN": ["A801200005001"], "Pupil": ["Ann Lee"], "Reasons": ["r"]})
    render_tab(sheet, frame_to_tab("Class summary", frame))
    assert [brk.id for brk in sheet.col_breaks.brk] == [2] and sheet.print_title_cols == "$A:$B"
    assert not sheet.sheet_properties.pageSetUpPr.fitToPage


def test_the_trends_axis_starts_near_the_data_in_tens():
    assert y_range(pd.Series([72.1, 76.3, 77.0, None]).to_numpy(dtype=float)) == (60.0, 90.0)
    assert y_range(pd.Series([3.0, 99.0]).to_numpy(dtype=float)) == (0.0, 100.0)
    assert y_range(pd.Series([None], dtype=float).to_numpy()) == (0.0, 100.0)


def test_a_timestamp_counts_as_shown_with_its_time():
    widths = column_widths("Sync log", ["Started"], [[datetime(2026, 12, 1, 15, 53)]], LAYOUT)
    assert widths == {"Started": 17.0}       # dd/mm/yyyy hh:mm: 16 + 1


def test_a_class_gets_its_own_rows_and_problems_without_the_workbook_column():
    from types import SimpleNamespace

    from sync.outputs import class_tabs

    results = SimpleNamespace(
        window_name="Autumn", academic_year="2026-27",
        class_summary=pd.DataFrame({"workbook": ["Oak.xlsx", "Ash.xlsx", "Oak.xlsx"],
                                    "UPN": ["A1", "B2", "C3"], "Value": [16.0, 1234567.0, None]}),
        problems=pd.DataFrame([["Ash.xlsx", "Judgements", "C4", "banana", "a judgement", "error"],
                               ["Oak.xlsx", "Tests", "D5", "200%", "a mark", "error"]],
                              columns=["Workbook", "Tab", "Cell", "Found", "Expected", "Severity"]))
    tabs = class_tabs(results, ["Oak.xlsx", "Ash.xlsx", "Elm.xlsx"], "Oak Primary")
    summary, problems = tabs["Oak.xlsx"]
    assert summary.header == ["UPN", "Value"] and summary.rows == [["A1", 16.0], ["C3", None]]
    assert summary.note == "Oak Primary: Autumn 2026-27"
    assert problems.rows == [["Oak.xlsx", "Tests", "D5", "200%", "a mark", "error"]]
    summary, problems = tabs["Ash.xlsx"]
    # widths fitted to each class's own rows ("Value" in format "0", padding 1): Ash's 1234567
    # 7 + 1; Oak's "Value" heading 5 + 1 (bold) + 1; "UPN" the least, 5 + 1
    assert summary.rows == [["B2", 1234567.0]] and summary.widths == {"UPN": 6.0, "Value": 8.0}
    assert tabs["Oak.xlsx"][0].widths == {"UPN": 6.0, "Value": 7.0}
    assert problems.rows == [["Ash.xlsx", "Judgements", "C4", "banana", "a judgement", "error"]]
    summary, problems = tabs["Elm.xlsx"]                 # a class with no rows: the headers only
    assert (summary.header, summary.rows, problems.rows) == (["UPN", "Value"], [], [])


def test_class_tabs_are_the_tabs_of_each_class_s_own_rows():
    # picked from the school's plain values, each class's tabs are what its own frames give
    from types import SimpleNamespace

    from sync.outputs import class_tabs

    summary = pd.DataFrame({"workbook": ["Oak.xlsx", "Ash.xlsx", "Oak.xlsx", "Ash.xlsx"],
                            "UPN": pd.Series(["A1", "B2", None, "D4"], dtype="str"),
                            "Year": [1, 2, 1, 2], "Value": [16.0, None, 17.5, 2.0],
                            "Flag": [True, False, True, False], "Joined on": pd.to_datetime(
                                ["2026-09-01", None, "2026-09-02", "2026-09-03"]),
                            "Mixed": pd.Series([date(2026, 1, 1), 3, "x", None], dtype=object)})
    problems = pd.DataFrame([["Ash.xlsx", "Tests", "D5", "200%", "a mark", "error"],
                             [None, "Settings", "B2", "x", "y", "warning"]],
                            columns=["Workbook", "Tab", "Cell", "Found", "Expected", "Severity"],
                            dtype="string")   # pandas' text with pd.NA for a missing workbook
    results = SimpleNamespace(window_name="Autumn", academic_year="2026-27", class_summary=summary,
                              problems=problems)
    for workbook, tabs in class_tabs(results, ["Oak.xlsx", "Ash.xlsx"]).items():
        own = summary.loc[summary["workbook"] == workbook].drop(columns="workbook")
        expected = [frame_to_tab("Class summary", own, note="Autumn 2026-27"),
                    frame_to_tab("Problems", problems.loc[(problems["Workbook"] == workbook).fillna(False)])]
        assert tabs == expected
