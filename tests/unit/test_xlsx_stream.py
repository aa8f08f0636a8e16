"""The faster ways of writing our tabs (issue 15) write what the plain ways did.

A write-only sheet streams a tab's body through one reused cell per styled column
(`sync.xlsx._stream_body`); a normal sheet still gets one Cell object per cell (`_body_row`). Both
must give every cell the same value, type, number format, font, fill and alignment, and every
row the same height. The quick paths for wrapped lines, plain values and fitted widths must
answer as the slow ones do.
"""
from __future__ import annotations

import textwrap
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from sync.store import Tab
from sync.tabs import _longest, _shown_length, plain_value, plain_values
from sync.xlsx import _lines, render_tab, written_as_they_are

TAB = Tab(
    title="Mixed",
    header=["UPN", "Score", "Joined on", "Found", "Note", "Flag"],
    rows=[
        ["A801200005001", 12.5, date(2026, 9, 1), "=1+1", "a long note " * 8, True],
        ["A801200005002", None, None, "#N/A", "", False],
        ["A801200005003", 7],                                  # shorter than the header
        ["A801200005004", 3.0, datetime(2026, 9, 2, 10, 30), "", "x", None, "beyond the header"],
        ["", "", "", "", "", ""],
    ],
    widths={"Note": 12.0},
    wrap=["Note"],
    formats={"Score": "0.0", "Joined on": "dd/mm/yyyy", "Found": "@"},
    colour_by={"Flag": {"TRUE": "FFC7CE"}},
    note="Autumn 2026-27",
)


def _cells(path: Path) -> tuple[list[tuple], dict[int, float | None]]:
    sheet = load_workbook(path)["Mixed"]
    cells = [(cell.coordinate, cell.value, cell.data_type, cell.number_format, cell.font.b,
              cell.font.i, cell.fill.fgColor.rgb, cell.alignment.wrap_text, cell.alignment.vertical,
              cell.has_style)
             for row in sheet.iter_rows() for cell in row]
    heights = {row: sheet.row_dimensions[row].height for row in range(1, sheet.max_row + 1)}
    return cells, heights


def _written(tmp_path: Path, tab: Tab, write_only: bool) -> Path:
    book = Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)
    render_tab(book.create_sheet(tab.title), tab)
    path = tmp_path / f"{'streamed' if write_only else 'cells'}.xlsx"
    book.save(path)
    return path


def test_a_streamed_tab_has_the_cells_and_styles_of_one_written_cell_by_cell(tmp_path):
    streamed, cells = _written(tmp_path, TAB, True), _written(tmp_path, TAB, False)
    assert _cells(streamed) == _cells(cells)
    found = {cell[0]: cell for cell in _cells(streamed)[0]}
    assert found["D3"][1:4] == ("=1+1", "s", "@")        # text stays text, in its format
    assert found["D4"][1:3] == ("#N/A", "s")
    assert found["B4"][1:4] == (None, "n", "0.0")       # a blank formatted cell keeps its format
    assert found["G6"][1] == "beyond the header"


def test_a_tab_with_no_rows_streams_one_formatted_empty_row(tmp_path):
    empty = Tab(title="Mixed", header=TAB.header, rows=[], formats=TAB.formats, wrap=TAB.wrap)
    streamed, cells = _written(tmp_path, empty, True), _written(tmp_path, empty, False)
    assert _cells(streamed) == _cells(cells)
    assert {cell[0] for cell in _cells(streamed)[0] if cell[-1]} >= {"B2", "C2", "D2"}


@given(st.text(alphabet=st.sampled_from("ab \t\n-x"), max_size=40), st.floats(0, 30))
def test_lines_are_what_textwrap_says(text, width):
    assert _lines(text, width) == max(1, len(textwrap.wrap(text, max(int(width), 1))))


def test_plain_values_of_a_column_are_plain_value_of_each():
    columns = [pd.Series([1, True, 2.5, float("nan"), None, "a", date(2026, 1, 1), datetime(2026, 1, 1, 9),
                          pd.Timestamp("2026-01-02"), np.int64(3), np.float64(4.0), np.bool_(False)],
                         dtype=object),
               pd.Series([1, 2]), pd.Series([1.5, np.nan, float("inf")]), pd.Series([True, False]),
               pd.Series(["a", None, "b"]), pd.Series(["a", None], dtype="str"),
               pd.Series([1, None], dtype="Int64"), pd.Series([1.0, None], dtype="Float64"),
               pd.Series(pd.to_datetime(["2026-01-01", None])),
               pd.Series([date(2026, 1, 1), 3, 2.0, np.int64(4), "x"], dtype=object),
               pd.Series(np.array([1, 2], dtype=np.uint8))]
    for column in columns:
        expected = [plain_value(value) for value in column.tolist()]
        found = plain_values(column)
        assert found == expected and list(map(type, found)) == list(map(type, expected))


@given(st.lists(st.one_of(st.none(), st.text(max_size=12), st.integers(-10**6, 10**6),
                          st.floats(-1e6, 1e6, allow_nan=False), st.floats(), st.booleans(),
                          st.dates(), st.datetimes())),
       st.sampled_from([None, "0", "0.0", "0.00", "@", "dd/mm/yyyy"]))
def test_the_longest_shown_value_is_the_longest_of_each(values, number_format):
    # whole lists of texts, whole numbers and decimals are counted at once; bools, dates and
    # missing values one by one: the same answer
    assert _longest(values, number_format) == max(
        (_shown_length(value, number_format) for value in values), default=0)


@given(st.text(alphabet=st.sampled_from("ab c1-_.\t\n\xa0\x1cé"), max_size=120), st.floats(0, 40))
def test_lines_counted_at_spaces_are_what_textwrap_says(text, width):
    assert _lines(text, width) == max(1, len(textwrap.wrap(text, max(int(width), 1))))


@given(st.lists(st.text(alphabet=st.sampled_from("abz09-_.,()%:;"), min_size=1, max_size=14),
                min_size=1, max_size=30), st.integers(1, 60))
def test_lines_of_words_one_space_apart_are_what_textwrap_says(words, width):
    text = " ".join(words)
    assert _lines(text, width) == max(1, len(textwrap.wrap(text, width)))


def test_lines_break_at_spaces_and_where_textwrap_breaks_a_hyphenated_word():
    assert _lines("one two three", 7.0) == 2               # "one two" / "three"
    assert _lines("one two three four", 9.5) == 3          # "one two" / "three" / "four"
    assert _lines("Summer 2025-26 where", 14.0) == 2        # no break between digits
    assert _lines("aaaa bb-cc dddd", 9.0) == 2              # "aaaa bb-" / "cc dddd"
    assert _lines("aaaa b_-cc dddd", 9.0) == 2              # "_" is a letter to textwrap
    assert _lines("aaaa bb--cc dddd", 9.0) == 2             # "aaaa bb--" / "cc dddd"


def test_the_longest_value_counts_decimals_in_their_format():
    assert _longest(["ab", 12.25, -0.0, 7, None, True], "0.0") == 4      # "12.2" (12.25 rounds to even)
    assert _longest([-0.04], "0.0") == 4                                  # "-0.0"
    assert _longest([12.25, 123456], None) == 6                           # "12.25", "123456"
    assert _longest([date(2026, 1, 1), "abc"], "dd/mm/yyyy") == 10        # dd/mm/yyyy


def test_the_longest_value_tells_minus_zero_from_zero():
    assert _longest([0.0, -0.0, 0.0], "0.0") == 4           # "-0.0", though -0.0 == 0.0
    assert _longest([0.0, 0.0], "0.0") == 3                 # "0.0"
    assert _longest([-0.0, 0.0], None) == 4                 # "-0.0" as str() shows it


def test_texts_are_written_as_they_are_unless_openpyxl_would_refuse_or_cut_one():
    assert written_as_they_are([["a", 1, None], ["=b", 2.5]])
    assert not written_as_they_are([["a"], ["b\x01c"]])          # a control character
    assert not written_as_they_are([["x" * 32768]])              # longer than a cell holds
    assert written_as_they_are([["x" * 32767], []])


def test_a_streamed_text_openpyxl_refuses_is_refused_as_before(tmp_path):
    bad = Tab(title="Mixed", header=["Note"], rows=[["fine"], ["bell\x07"]])
    for write_only in (True, False):
        with pytest.raises(IllegalCharacterError):
            _written(tmp_path, bad, write_only)


def test_a_streamed_long_text_is_cut_as_openpyxl_cuts_it(tmp_path):
    long = Tab(title="Mixed", header=["Note", "Score"], rows=[["y" * 40000, 1.5]], formats={"Score": "0.0"})
    streamed, cells = _written(tmp_path, long, True), _written(tmp_path, long, False)
    assert _cells(streamed) == _cells(cells)
    assert len({cell[0]: cell for cell in _cells(streamed)[0]}["A2"][1]) == 32767
