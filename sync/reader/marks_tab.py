"""`Judgements` and `Tests`: one row per pupil, one `<Subject> <Window>` column per cell kept."""
from __future__ import annotations

from collections.abc import Sequence
from itertools import chain, compress, repeat
from typing import NamedTuple

from sync.reader.problems import ProblemLog
from sync.reader.table import BodyRow, ColumnLists, Table, filled, is_blank, is_error_value
from sync.reader.values import clean_upn

BASELINE = "Baseline"


class PupilRow(NamedTuple):
    row: BodyRow
    upn: str


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
    first = used[0] if used else at
    in_use = [PupilRow(row, clean_upn(row.values[at])) for row in table.body
              # most rows have a value in the first column (one without a loop)
              if (type(value := row.values[first]) is str and value.strip())
              or (any(filled(row.values[p]) for p in used) if used else filled(value))]
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


class ColumnCells(NamedTuple):
    """The non-empty cells of some columns in the rows of some pupils, column after column: one
    entry a cell in `cells`, `upns` and `raws`; one entry a column in `names` and `counts` (how
    many of the cells are that column's)."""

    names: list[str]
    counts: list[int]
    cells: list[str]
    upns: list[str]
    raws: list[object]

    def per_cell(self, values: Sequence[object]) -> list[object]:
        """`values`, one per column, each repeated for every cell of its column."""
        return list(chain.from_iterable(map(repeat, values, self.counts)))


def column_cells(table: Table, pupils: list[PupilRow], columns: dict[str, int], expected: str,
                 problems: ProblemLog) -> ColumnCells:
    """Every non-empty cell of `columns` (name -> position) in the rows of `pupils`, column by
    column; error values are reported as problems (`expected` says what belongs there) and
    left out."""
    numbers = [str(pupil.row.number) for pupil in pupils]
    upns = [pupil.upn for pupil in pupils]
    by_column = list(zip(*(pupil.row.values for pupil in pupils), strict=True))
    found = ColumnCells(list(columns), [], [], [], [])
    for position in columns.values():
        letter = table.letter_at(position)
        raws = by_column[position] if pupils else ()
        # which cells are kept: `filled`, inline (most cells are text or None)
        kept = [raw.strip() if type(raw) is str else raw is not None and not is_blank(raw) for raw in raws]
        if "#" in "".join([raw for raw in raws if type(raw) is str]):   # every error value has one
            errors = [bool(keep) and is_error_value(raw) for keep, raw in zip(kept, raws, strict=True)]
            for raw, number in compress(zip(raws, numbers, strict=True), errors):
                problems.add_cell(table.title, letter + number, raw, expected)
            kept = [bool(keep) and not error for keep, error in zip(kept, errors, strict=True)]
        # each list by `compress` (no Python step per cell)
        cells = list(map(letter.__add__, compress(numbers, kept)))
        found.counts.append(len(cells))
        found.cells.extend(cells)
        found.upns.extend(compress(upns, kept))
        found.raws.extend(compress(raws, kept))
    return found


def read_marks(table: Table, tab: str, workbook: str, academic_year: str, subjects: list[str],
               windows: list[str], pupil_upns: set[str], problems: ProblemLog,
               cells: ColumnLists) -> None:
    """CELLS rows of a `Judgements` (windows plus Baseline) or `Tests` tab (`tab`, as CELLS
    names it), added to `cells`; error values are problems."""
    known = mark_columns(subjects, windows)
    columns = {name: position for name, position in table.columns.items() if name in known}
    pupils = pupil_rows(table, pupil_upns, list(columns.values()), problems)
    found = column_cells(table, pupils, columns, "a value, not an error", problems)
    cells.add(len(found.cells), workbook=workbook, academic_year=academic_year, tab=tab,
              cell=found.cells, upn=found.upns,
              subject=found.per_cell([known[name][0] for name in found.names]),
              window=found.per_cell([known[name][1] for name in found.names]), raw=found.raws)
