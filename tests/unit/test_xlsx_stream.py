"""The faster ways of writing our tabs (issue 15) write what the plain ways did.

A write-only sheet writes a tab's body rows as XML made by `sync.xlsx._row_xml` (`_stream_body`,
`_StreamedSheetWriter`); a normal sheet still gets one Cell object per cell (`_body_row`). Both
must give every cell the same value, type, number format, font, fill and alignment, and every
row the same height; and the streamed workbook must be byte for byte the one openpyxl writes
from `_body_row`'s cells. The quick paths for wrapped lines, plain values and fitted widths must
answer as the slow ones do.
"""
from __future__ import annotations

import io
import textwrap
import zipfile
from datetime import date, datetime
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from sync.store import Tab
from sync.tabs import _longest, _shown_length, plain_value, plain_values
from sync.xlsx import _Column, _lines, _row_xml, render_tab, written_as_they_are

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


def _parts(tab: Tab, streamed: bool) -> dict[str, bytes]:
    """Every part of a write-only workbook holding the tab (but its times): body rows written as
    `_row_xml` makes them, or (streamed False) every row through openpyxl's own cells."""
    book = Workbook(write_only=True)
    with mock.patch("sync.xlsx.written_as_they_are", return_value=written_as_they_are(tab.rows) and streamed):
        render_tab(book.create_sheet(tab.title), tab)
    out = io.BytesIO()
    book.save(out)
    with zipfile.ZipFile(out) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def test_a_streamed_tab_is_byte_for_byte_what_openpyxl_writes_from_its_cells():
    streamed = _parts(TAB, True)
    assert streamed == _parts(TAB, False)
    sheet = streamed["xl/worksheets/sheet1.xml"]
    assert b'<c r="D3" s="6" t="inlineStr"><is><t>=1+1</t></is></c>' in sheet   # text stays text
    # row 5 (plain values) as `_row_xml` makes it: a short row's blanks keep their formats
    assert (b'<row r="5"><c r="A5" s="3" t="inlineStr"><is><t>A801200005003</t></is></c>'
            b'<c r="B5" s="4" t="n"><v>7</v></c><c r="C5" s="5" t="n"></c><c r="D5" s="6" t="n"></c>'
            b'<c r="E5" s="7" t="n"></c><c r="F5" s="3" t="n"></c></row>') in sheet


def test_a_row_is_written_as_xml_worked_out_by_hand():
    columns = [_Column("A", "", False), _Column("B", ' s="3"', True), _Column("C", ' s="4"', True)]
    assert _row_xml(["a&b <c> \r", 0.1 + 0.2, -0.0], 7, columns, []) == (
        b'<row r="7"><c r="A7" t="inlineStr"><is><t xml:space="preserve">a&amp;b &lt;c&gt; &#13;</t></is></c>'
        b'<c r="B7" s="3" t="n"><v>0.3</v></c><c r="C7" s="4" t="n"><v>-0</v></c></row>')
    # accents as character references, a whole number, blanks kept only where formatted, a short
    # row's formatted blanks, a value beyond the columns, the row's height
    assert _row_xml(["caf\xe9", 12], 2, columns[1:], [("ht", "30"), ("customHeight", "1")]) == (
        b'<row r="2" ht="30" customHeight="1"><c r="B2" s="3" t="inlineStr"><is><t>caf&#233;</t></is></c>'
        b'<c r="C2" s="4" t="n"><v>12</v></c></row>')
    assert _row_xml([None, "", None, 123456789012345678], 3, columns, []) == (
        b'<row r="3"><c r="B3" s="3" t="n"></c><c r="C3" s="4" t="n"></c>'
        b'<c r="D3" t="n"><v>1.234567890123457e+17</v></c></row>')
    assert _row_xml(["x\r\ny\t", "\U0001f600"], 8, columns, []) == (   # a carriage return alone
        b'<row r="8"><c r="A8" t="inlineStr"><is><t xml:space="preserve">x&#13;\ny\t</t></is></c>'
        b'<c r="B8" s="3" t="inlineStr"><is><t>&#128512;</t></is></c><c r="C8" s="4" t="n"></c></row>')
    assert _row_xml([], 4, columns, []) == b'<row r="4"><c r="B4" s="3" t="n"></c><c r="C4" s="4" t="n"></c></row>'
    for other in (True, date(2026, 1, 1), np.int64(3), float("nan"), float("inf")):
        assert _row_xml(["a", other], 5, columns, []) is None     # openpyxl writes that row


def test_a_text_lxml_refuses_is_refused_as_before(tmp_path):
    for text in ("a\ud800b", "a\ufffeb", "a\uffffb"):
        assert not written_as_they_are([["fine", text]])
        with pytest.raises((ValueError, UnicodeEncodeError)):
            _written(tmp_path, Tab(title="Mixed", header=["Note"], rows=[["fine"], [text]]), True)


TEXTS = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=(
    [chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"])), max_size=12)
VALUES = st.one_of(
    st.none(), st.just(""), TEXTS, st.sampled_from(["=1+1", "#N/A", " lead", "trail ", "a&<>\"'b", "x\r\ny"]),
    st.integers(-10**17, 10**17), st.floats(), st.booleans(), st.dates(),
    st.builds(np.int64, st.integers(-100, 100)), st.builds(np.float64, st.floats(-1e3, 1e3)))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(VALUES, max_size=5), max_size=4),
       st.lists(st.sampled_from([None, "0.0", "@", "dd/mm/yyyy"]), min_size=3, max_size=3),
       st.booleans())
def test_streamed_rows_are_byte_for_byte_what_openpyxl_writes(rows, formats, wrap):
    header = ["First", "Second", "Third"]
    tab = Tab(title="Mixed", header=header, rows=rows, wrap=["Second"] if wrap else [],
              formats={name: found for name, found in zip(header, formats, strict=True) if found})
    assert _parts(tab, True) == _parts(tab, False)


def test_the_written_check_finds_what_openpyxl_or_xml_refuses_and_nothing_else():
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for code in [*range(0x10000), 0x10000, 0x1F600, 0x10FFFF]:
        character = chr(code)
        refused = (ILLEGAL_CHARACTERS_RE.search(character) is not None
                   or 0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF))
        assert written_as_they_are([["a" + character]]) is not refused, hex(code)


def test_header_cells_are_bold_on_their_fill_and_conditional_colours_keep_their_fills(tmp_path):
    # two tabs sharing a colour and each with one of its own: every rule's fill is its colour
    first = Tab(title="First", header=["Name", "Status", "Watch"], rows=[["a", "Behind", "Yes"]],
                colour_by={"Status": {"Behind": "FFC7CE", "Ahead": "C6EFCE"}, "Watch": {"Yes": "FFC7CE"}})
    second = Tab(title="Second", header=["Status"], rows=[["On track"]],
                 colour_by={"Status": {"On track": "FFEB9C", "Behind": "FFC7CE"}})
    book = Workbook(write_only=True)
    for tab in (first, second):
        render_tab(book.create_sheet(tab.title), tab)
    book.save(tmp_path / "colours.xlsx")
    written = load_workbook(tmp_path / "colours.xlsx")
    for sheet, tab in zip(written.worksheets, (first, second), strict=True):
        for cell in sheet[1]:
            assert (cell.font.b, cell.fill.fgColor.rgb, cell.alignment.wrap_text, cell.alignment.vertical) == (
                True, "00DDE5F0", True, "top")
        fills = {(str(ranges.sqref), rule.formula[0]): rule.dxf.fill.fgColor.rgb
                 for ranges in sheet.conditional_formatting for rule in ranges.rules}
        expected = {(f"{letter}2", f'"{value}"'): f"00{colour}"
                    for letter, name in zip("ABC", tab.header, strict=False)
                    for value, colour in tab.colour_by.get(name, {}).items()}
        assert fills == expected
    assert len(written._differential_styles.dxf) == 3     # each colour's fill once


def test_a_long_body_with_rows_openpyxl_writes_among_them_is_byte_for_byte_openpyxl_s():
    # rows joined a few hundred at a time, a row of other values (openpyxl's) between them
    rows: list[list[object]] = [[f"pupil {at}", at * 0.5, None if at % 3 else "x"] for at in range(1201)]
    rows[700][2] = True
    rows[1000] = [date(2026, 9, 1)]
    tab = Tab(title="Mixed", header=["Name", "Score", "Flag"], rows=rows, formats={"Score": "0.0"})
    streamed = _parts(tab, True)
    assert streamed == _parts(tab, False)
    assert b'<row r="702"><c r="A702" t="inlineStr"><is><t>pupil 700</t></is></c>' in streamed["xl/worksheets/sheet1.xml"]
