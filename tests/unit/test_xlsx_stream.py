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
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from sync.store import Tab
from sync.tabs import _longest, _shown_length, plain_value, plain_values
from sync.xlsx import _lines, render_tab

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
    columns = [pd.Series([1, 2]), pd.Series([1.5, np.nan, float("inf")]), pd.Series([True, False]),
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
                          st.floats(-1e6, 1e6, allow_nan=False), st.dates())),
       st.sampled_from([None, "0", "0.0", "@"]))
def test_the_longest_shown_value_is_the_longest_of_each(values, number_format):
    assert _longest(values, number_format) == max(
        (_shown_length(value, number_format) for value in values), default=0)
