"""Fuzzed class workbooks: hypothesis corrupts a real .xlsx class workbook (arbitrary cell values,
formulas, error values, huge, empty, emoji and right-to-left text, merged cells, duplicated and
missing UPNs, renamed, hidden and missing tabs, extra header rows) in a school folder beside one
good workbook, and the whole local sync runs.

Every run ends (complete, or a plain TrackerError); every value it could not use is in Problems
with its address (its own cell, its row's UPN cell, the pupil's row in Pupils, or the tab itself
when the tab cannot be read); the good workbook's outputs are what it gets when synced alone.

Formulas are written by openpyxl, which stores no cached value; Excel and LibreOffice always do,
and the store reads cached values, so here a formula reads as an empty cell.
"""
from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sync.errors import TrackerError
from sync.job import run_sync
from sync.local_store import LocalStore
from sync.reader.characters import CONTROL
from sync.reader.table import ERROR_VALUES
from sync.reader.values import clean_upn
from sync.xlsx import read_values
from tests.integration.fuzz_school import FUZZED, GOOD, SUBJECTS, build_school

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
TABS = ["Class", "Pupils", "Judgements", "Tests", "Reading grid", "Comments", "Interventions"]
REQUIRED = {"class": "Class", "pupils": "Pupils", "judgements": "Judgements"}
MARK_TABS = ("judgements", "tests")
KNOWN_TABS = {"class", "pupils", "judgements", "tests", "reading grid", "writing grid", "maths grid",
              "comments", "interventions", "statutory"}
WINDOWS = ["Autumn", "Spring", "Summer"]
SPECIAL = ["=1/0", "=A1", "=SUM(A1:A3)", "#REF!", "#N/A", "#DIV/0!", "#VALUE!", "#NAME?", "",
           "   ", "x" * 32767, "😀📚✏️", "مرحبا بالعالم", "\u202egnp.exe", "שלום", "ABS", "NA",
           "16", "18 GD", "18gd", " 17 ", "104%", "23/50", "Y", "TRUE",
           # issue 13: control characters pasted from Word (raw or as Excel escapes them),
           # zero-width and bidi-isolate characters
           "Am\x0bara", "Am_x000B_ara", "1\x076", "Ad\u200bams", "\u2066Adams\u2069"]
TITLES = ["Judgments", "PUPILS", " Tests ", "Sheet1", "📚", "Reading Grid", "Class summary",
          "judgements (old)"]

values = st.one_of(
    st.sampled_from(SPECIAL),
    st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40),
)
tabs = st.sampled_from(TABS)
cell_edit = st.tuples(st.just("cell"), tabs, st.integers(1, 9), st.integers(1, 14), values)
structure_edit = st.one_of(
    st.tuples(st.just("merge"), tabs, st.integers(1, 8), st.integers(1, 12), st.integers(0, 2),
              st.integers(0, 2)),
    st.tuples(st.just("hide"), tabs),
    st.tuples(st.just("rename"), tabs, st.sampled_from(TITLES)),
    st.tuples(st.just("delete"), tabs),
    st.tuples(st.just("header_rows"), tabs, st.integers(1, 2)),
    st.tuples(st.just("dup_upn"), tabs, st.integers(2, 7), st.integers(2, 7)),
    st.tuples(st.just("blank_upn"), tabs, st.integers(2, 7)),
    # issue 13: a name (or any cell) holding an error value, with no judgement entered for the pupil
    st.tuples(st.just("error_value"), tabs, st.integers(2, 7), st.integers(1, 4)),
)
edits = st.tuples(st.lists(cell_edit, max_size=25), st.lists(structure_edit, max_size=3))


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> tuple[Path, dict]:
    """The school with an untouched copy of the workbook to corrupt, and the good workbook's
    outputs when it is synced alone."""
    alone = tmp_path_factory.mktemp("alone")
    build_school(alone, with_fuzzed=False)
    run_sync(LocalStore(alone), now=NOW)
    expected = read_values(alone / "summaries" / GOOD)
    source = tmp_path_factory.mktemp("source")
    build_school(source)
    return source, expected


def corrupt(path: Path, cells: list[tuple], structure: list[tuple]) -> None:
    """Apply the edits to the workbook at `path`: cell values first, then merges and tab changes."""
    book = load_workbook(path)
    for _, tab, row, column, value in cells:
        if tab in book.sheetnames:
            cell = book[tab].cell(row, column)
            if isinstance(value, str) and CONTROL.search(value):
                # saved as Excel saves a paste from Word: each control character as _xHHHH_
                cell.value = ""
                cell._value = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]",
                                     lambda m: f"_x{ord(m.group()):04X}_", value)
            else:
                cell.value = value
    for edit in structure:
        kind, tab = edit[0], edit[1]
        if tab not in book.sheetnames:
            continue
        sheet = book[tab]
        if kind == "merge":
            _, _, row, column, down, across = edit
            sheet.merge_cells(start_row=row, start_column=column, end_row=row + down,
                              end_column=column + across)
        elif kind == "hide" and sum(s.sheet_state == "visible" for s in book.worksheets) > 1:
            sheet.sheet_state = "hidden"
        elif kind == "rename" and edit[2] not in book.sheetnames:
            sheet.title = edit[2]
        elif kind == "delete" and len(book.sheetnames) > 1 and sheet.sheet_state == "visible" and \
                sum(s.sheet_state == "visible" for s in book.worksheets) > 1:
            book.remove(sheet)
        elif kind == "header_rows":
            sheet.insert_rows(1, edit[2])
            sheet.cell(1, 1).value = "Oak class: autumn term"
        elif kind == "dup_upn":
            sheet.cell(edit[3], 1).value = sheet.cell(edit[2], 1).value
        elif kind == "blank_upn":
            sheet.cell(edit[2], 1).value = None
        elif kind == "error_value":
            cell = sheet.cell(edit[2], edit[3])
            cell.value = "#N/A"
            cell.data_type = "e"
            if tab == "Pupils" and "Judgements" in book.sheetnames:
                for judgement in book["Judgements"][edit[2]][2:]:
                    judgement.value = None
    book.save(path)


def unusable(value: object) -> bool:
    """A value no judgement or test score can be: worked out by kind, not by the product's parser
    (points labels and scores always hold a digit; ABS and NA are marks)."""
    if isinstance(value, bool | date):
        return True
    if not isinstance(value, str) or not value.strip():
        return False
    text = value.strip()
    if text.upper() in ERROR_VALUES:
        return True
    return not any(ch.isdigit() for ch in text) and text.upper() not in ("ABS", "NA")


def _norm(value: object) -> str:
    return " ".join(str(value).split()).casefold() if value is not None else ""


def read_titles(book: dict[str, list[list[object]]]) -> dict[str, str]:
    """Normalised tab name -> the tab the sync reads under it: the one titled exactly as the
    contract spells it (capitalised here), else the first."""
    titles: dict[str, str] = {}
    for title in book:
        key = _norm(title)
        if key not in titles or title == key.capitalize():
            titles[key] = title
    return titles


def check_problems_cover(book: dict[str, list[list[object]]], problems: list[dict],
                         placed: bool) -> None:
    """Every unusable value under a mark column of Judgements or Tests, in a statement grid, in
    Comments' Approved column or in Interventions is answered in Problems."""
    titles = read_titles(book)
    for key, name in REQUIRED.items():
        if key not in titles:
            assert any(p["Tab"] == name and p["Cell"] == "" for p in problems), f"missing tab {name}"
    addressed = {(p["Tab"], p["Cell"]) for p in problems}
    if not placed:  # the workbook could not be placed (no Pupils tab, no academic year, ...)
        assert any(p["Severity"] == "error" for p in problems)
        return
    pupil_rows = _pupil_rows(book.get(titles.get("pupils", ""), []))
    for key in MARK_TABS:
        title = titles.get(key)
        rows = book.get(title) or []
        if not rows or "upn" not in [_norm(v) for v in rows[0]]:
            continue  # no header in row 1 (extra rows inserted): the tab-level problem answers
        header = [_norm(v) for v in rows[0]]
        upn_at = header.index("upn")
        marks = [i for i, name in enumerate(header)
                 if re.fullmatch(r"(reading|writing|maths) (autumn|spring|summer|baseline)", name)]
        for number, row in enumerate(rows[1:], start=2):
            for i in marks:
                if i >= len(row) or not unusable(row[i]):
                    continue
                cell = f"{_letter(i)}{number}"
                upn = clean_upn(row[upn_at]) if upn_at < len(row) else ""
                # the reader names a marks tab as the contract spells it ("Tests" for " tests ")
                answered = (any((tab, cell) in addressed or (tab, f"{_letter(upn_at)}{number}") in addressed
                                for tab in (title, key.capitalize()))
                            or any((titles.get("pupils"), f"{_letter(c)}{r}") in addressed
                                   for r, c in pupil_rows.get(upn, [])))
                assert answered, f"{title}!{cell} holds {row[i]!r} and Problems says nothing"
    for title in book:     # a second tab of a known name is ignored, and Problems says so
        if _norm(title) in KNOWN_TABS and titles[_norm(title)] != title:
            assert (title, "") in addressed, f"the second tab {title!r} is read or ignored unsaid"
    answers = Answers(titles, addressed, pupil_rows)
    check_grid(book, answers)
    check_notes(book, answers)


class Answers:
    """Where Problems may answer for a cell: the cell itself, its row's UPN cell, the pupil's row
    in Pupils, its column's header (or, in a grid, the column's point), or the whole tab."""

    def __init__(self, titles: dict[str, str], addressed: set[tuple[str, str]],
                 pupil_rows: dict[str, list[tuple[int, int]]]) -> None:
        self.titles, self.addressed, self.pupil_rows = titles, addressed, pupil_rows

    def answered(self, title: str, row: list[object], number: int, column: int, upn_at: int,
                 header_rows: tuple[int, ...] = (1,)) -> bool:
        letter = _letter(column)
        upn = clean_upn(row[upn_at]) if upn_at < len(row) else ""
        return ((title, f"{letter}{number}") in self.addressed
                or (title, f"{_letter(upn_at)}{number}") in self.addressed
                or (title, "") in self.addressed
                or any((title, f"{letter}{header}") in self.addressed for header in header_rows)
                or any((self.titles.get("pupils"), f"{_letter(c)}{r}") in self.addressed
                       for r, c in self.pupil_rows.get(upn, [])))


GRID_CODES = {"WT", "A", "M"}
KNOWN_NOTE_COLUMNS = {"comments": ["comment", "approved"],
                      "interventions": ["subject", "intervention", "from", "to", "notes"]}
FLAGS = {"y", "yes", "true", "x", "1", "n", "no", "false", "0"}


def check_grid(book: dict[str, list[list[object]]], answers: Answers) -> None:
    """Every tick that is not WT, A or M (any case, any spaces) is answered."""
    title = answers.titles.get("reading grid")
    rows = book.get(title) or []
    if len(rows) < 2 or "upn" not in [_norm(v) for v in rows[0]]:
        return
    header = [_norm(v) for v in rows[0]]
    upn_at = header.index("upn")
    statements = [i for i, name in enumerate(header) if name and name not in ("upn", "name")]
    for number, row in enumerate(rows[2:], start=3):
        for i in statements:
            value = row[i] if i < len(row) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if isinstance(value, str) and "".join(value.split()).upper() in GRID_CODES:
                continue
            assert answers.answered(title, row, number, i, upn_at, header_rows=(1, 2)), \
                f"{title}!{_letter(i)}{number} holds {value!r} and Problems says nothing"


def check_notes(book: dict[str, list[list[object]]], answers: Answers) -> None:
    """Comments: an Approved cell that is not Y, N, yes, no, x, TRUE, FALSE or blank. Interventions:
    a subject or window not in Settings, a row without its intervention's name. Rows with something
    under a column the tab is read for (a note beside the table, under no heading, is not read)."""
    for key, checks in (("comments", {"approved": _not_a_flag}),
                        ("interventions", {"subject": _not_one_of(SUBJECTS),
                                           "from": _not_one_of(WINDOWS),
                                           "to": _not_one_of(WINDOWS, blank_ok=True),
                                           "intervention": _blank})):
        title = answers.titles.get(key)
        rows = book.get(title) or []
        if not rows or "upn" not in [_norm(v) for v in rows[0]]:
            continue
        header = [_norm(v) for v in rows[0]]
        upn_at = header.index("upn")
        known = [header.index(name) for name in KNOWN_NOTE_COLUMNS[key] if name in header]
        for number, row in enumerate(rows[1:], start=2):
            if all(_is_blank(row[i] if i < len(row) else None) for i in known):
                continue  # nothing under a column it reads: not a comment or an intervention
            for name, unusable_here in checks.items():
                if name not in header:
                    continue
                i = header.index(name)
                value = row[i] if i < len(row) else None
                if unusable_here(value):
                    assert answers.answered(title, row, number, i, upn_at), \
                        f"{title}!{_letter(i)}{number} holds {value!r} and Problems says nothing"


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _blank(value: object) -> bool:
    return _is_blank(value)


def _not_a_flag(value: object) -> bool:
    return not (_is_blank(value) or isinstance(value, bool) or str(value).strip().casefold() in FLAGS)


def _not_one_of(allowed: list[str], blank_ok: bool = False):
    names = {_norm(name) for name in allowed}
    return lambda value: (not blank_ok) if _is_blank(value) else _norm(value) not in names


def _pupil_rows(rows: list[list[object]]) -> dict[str, list[tuple[int, int]]]:
    """UPN -> every (row, column) of the Pupils tab that holds it."""
    found: dict[str, list[tuple[int, int]]] = {}
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if isinstance(value, str) and clean_upn(value):
                found.setdefault(clean_upn(value), []).append((number, column))
    return found


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


def _problems(folder: Path) -> list[dict]:
    rows = read_values(folder / "Tracker results.xlsx")["Problems"]
    header = rows[0]
    return [dict(zip(header, ["" if v is None else str(v) for v in row], strict=False)) for row in rows[1:]
            if row and row[0] == FUZZED]


def sync_fuzzed(school: tuple[Path, dict], tmp_path_factory, corruption: tuple) -> None:
    source, expected = school
    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(source, folder, dirs_exist_ok=True)
    corrupt(folder / "classes" / FUZZED, *corruption)
    try:
        run_sync(LocalStore(folder), now=NOW)
    except TrackerError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert read_values(folder / "summaries" / GOOD) == expected
    check_problems_cover(read_values(folder / "classes" / FUZZED), _problems(folder),
                         placed=(folder / "summaries" / FUZZED).exists())
    shutil.rmtree(folder)


FUZZ_SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                           HealthCheck.too_slow])


@settings(max_examples=12, **FUZZ_SETTINGS)
@given(corruption=edits)
# found by this test: a tab renamed to a known name with spaces around it, beside the real one or not
@example(corruption=([("cell", "Tests", 3, 5, False)], [("rename", "Judgements", " Tests ")]))
@example(corruption=([("cell", "Tests", 3, 5, "Y")], [("rename", "Tests", " Tests ")]))
def test_a_fuzzed_workbook_never_stops_a_sync_and_every_unusable_cell_is_a_problem(
        school, tmp_path_factory, corruption):
    sync_fuzzed(school, tmp_path_factory, corruption)


@pytest.mark.slow
@settings(max_examples=300, **FUZZ_SETTINGS)
@given(corruption=edits)
def test_many_fuzzed_workbooks(school, tmp_path_factory, corruption):
    sync_fuzzed(school, tmp_path_factory, corruption)


GOOGLE_VALUES = ["😀📚✏️", "#REF!", "#N/A", True, "x" * 5000, "مرحبا", "", 1e9, -3, "=1/0"]


def test_a_fuzzed_spreadsheet_read_through_the_google_stand_in_gives_problems_not_a_crash(
        school, standin):
    """Google mode (reader level): the same class workbook with hostile values in one pupil's
    judgement cells, made in the stand-in and read by GoogleStore: error values are problems at
    their cells, every other value goes on to the engine with its address."""
    from sync.google.store import GoogleStore
    from sync.reader import check_pupils, read_class_workbook
    from sync.store import WorkbookRef
    from tests.integration.fuzz_school import SUBJECTS

    source, _ = school
    book = read_values(source / "classes" / FUZZED)
    judgements = [list(row) for row in book["Judgements"]]
    columns = range(2, min(len(judgements[0]), 2 + len(GOOGLE_VALUES)))
    for column, value in zip(columns, GOOGLE_VALUES, strict=False):
        judgements[1][column] = value
    book["Judgements"] = judgements
    book["Pupils"] = [[v.date().isoformat() if isinstance(v, datetime) else v for v in row]
                      for row in book["Pupils"]]
    classes = standin.create_folder("Classes")
    spreadsheet = standin.create_spreadsheet(FUZZED, book, parents=[classes])
    summary = standin.create_spreadsheet("Tracker summary", {"Settings": [["Classes folder", classes]]})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(standin.key_file))
        patch.setenv("TRACKER_GOOGLE_API_ROOT", standin.api_root)
        values = GoogleStore(summary, classes_folder=classes).read_workbook(WorkbookRef(spreadsheet, FUZZED))
    data = check_pupils(read_class_workbook(FUZZED, values, SUBJECTS, ["Autumn", "Spring", "Summer"]))
    assert len(data.pupils) == 6
    written = dict(zip((f"{_letter(c)}2" for c in columns), GOOGLE_VALUES, strict=False))
    errors = {cell for cell, value in written.items() if str(value).startswith("#")}
    problem_cells = set(data.problems.loc[data.problems["tab"] == "Judgements", "cell"])
    assert errors <= problem_cells
    # Every other non-blank value reaches the engine with its address, which reports what it
    # cannot read (the local fuzz test checks that end to end).
    passed_on = set(data.cells.loc[data.cells["upn"] == clean_upn(judgements[1][0]), "cell"])
    assert {cell for cell, value in written.items() if value not in ("", "=1/0")} - errors <= passed_on
