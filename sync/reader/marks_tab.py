"""`Judgements` and `Tests`: one row per pupil, one `<Subject> <Window>` column per cell kept."""
from __future__ import annotations

from typing import NamedTuple

from sync.reader.problems import ProblemLog
from sync.reader.table import BodyRow, Table, is_blank, is_error_value
from sync.reader.values import clean_upn

BASELINE = "Baseline"


class PupilRow(NamedTuple):
    row: BodyRow
    upn: str


class LongCell(NamedTuple):
    """One non-empty cell of a pupil's row."""

    name: str
    cell: str
    upn: str
    raw: object


def mark_columns(subjects: list[str], windows: list[str]) -> dict[str, tuple[str, str]]:
    """`"Reading Autumn"` -> ("Reading", "Autumn") for every subject and window."""
    return {f"{subject} {window}": (subject, window) for subject in subjects for window in windows}


def pupil_rows(table: Table, pupil_upns: set[str], used: list[int], problems: ProblemLog,
               *, repeats_allowed: bool = False) -> list[PupilRow]:
    """The body rows that have any value in the `used` columns and name a pupil, with the UPN.

    Such a row whose UPN is blank, not in the Pupils tab or (unless `repeats_allowed`, as in
    Interventions, where a pupil may take part in several) repeated is an error and is left out.
    """
    if "UPN" not in table.columns:
        if table.body:
            problems.add(table.title, f"A{table.header_row}", "", "a UPN column")
        return []
    at = table.columns["UPN"]
    in_use = [PupilRow(row, clean_upn(row.values[at])) for row in table.body
              if (any(not is_blank(row.values[p]) for p in used) if used
                  else not is_blank(row.values[at]))]
    blank, unknown, repeated, kept = [], [], [], []
    seen: set[str] = set()
    for pupil in in_use:
        if not pupil.upn:
            blank.append(pupil)
        elif pupil.upn not in pupil_upns:
            unknown.append(pupil)
        elif pupil.upn in seen and not repeats_allowed:
            repeated.append(pupil)
        else:
            kept.append(pupil)
        seen.add(pupil.upn)
    for rows, expected in ((blank, "the pupil's UPN (this row is ignored)"),
                           (unknown, "a UPN from the Pupils tab (this row is ignored)"),
                           (repeated, "one row per pupil (this row is ignored)")):
        for pupil in rows:
            problems.add_cell(table.title, table.cell("UPN", pupil.row), pupil.row.values[at],
                              expected)
    return kept


def long_cells(table: Table, pupils: list[PupilRow], columns: dict[str, int]) -> list[LongCell]:
    """Every non-empty cell of `columns` (name -> position) in the rows of `pupils`, column by
    column; error values are reported as problems (`expected` says what belongs there) and
    left out."""
    cells = []
    for name, position in columns.items():
        letter = table.letter_at(position)
        for pupil in pupils:
            raw = pupil.row.values[position]
            if raw.strip() if type(raw) is str else not is_blank(raw):   # is_blank, text inline
                cells.append(LongCell(name, f"{letter}{pupil.row.number}", pupil.upn, raw))
    return cells


def without_errors(table: Table, cells: list[LongCell], expected: str,
                   problems: ProblemLog) -> list[LongCell]:
    """`cells` less those holding a spreadsheet error value, which are reported as problems."""
    kept = []
    for cell in cells:
        if is_error_value(cell.raw):
            problems.add_cell(table.title, cell.cell, cell.raw, expected)
        else:
            kept.append(cell)
    return kept


def read_marks(table: Table, tab: str, workbook: str, academic_year: str, subjects: list[str],
               windows: list[str], pupil_upns: set[str], problems: ProblemLog) -> list[tuple]:
    """CELLS rows (tuples in CELLS order) of a `Judgements` (windows plus Baseline) or `Tests`
    tab (`tab`, as CELLS names it); error values are problems."""
    known = mark_columns(subjects, windows)
    columns = {name: position for name, position in table.columns.items() if name in known}
    pupils = pupil_rows(table, pupil_upns, list(columns.values()), problems)
    cells = without_errors(table, long_cells(table, pupils, columns), "a value, not an error",
                           problems)
    return [(workbook, academic_year, tab, cell.cell, cell.upn, *known[cell.name], cell.raw)
            for cell in cells]
