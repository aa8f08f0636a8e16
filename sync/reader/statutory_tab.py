"""`Statutory`: one row per pupil, one column per statutory result of the class's year group.

The cells are read as they are (`functions.statutory.parse_statutory` decides what each means);
a heading the rules do not know is a warning with its address, and its cells are not read.
"""
from __future__ import annotations

from sync.reader.marks_tab import column_cells, pupil_rows
from sync.reader.problems import WARNING, ProblemLog
from sync.reader.table import ColumnLists, Table

TAB = "Statutory"


def read_statutory(table: Table, workbook: str, academic_year: str, pupil_upns: set[str],
                   problems: ProblemLog, statutory: ColumnLists) -> None:
    """STATUTORY rows of one tab read with `read_table` against UPN, Name and the rules' column
    names, added to `statutory`."""
    for heading, position in table.extras.items():
        problems.add(table.title, f"{table.letter_at(position)}{table.header_row}", heading,
                     "a statutory result's column (see sheets_templates/statutory/checks.toml); "
                     "this one is not read", WARNING)
    columns = {name: at for name, at in table.columns.items() if name not in ("UPN", "Name")}
    pupils = pupil_rows(table, pupil_upns, list(columns.values()), problems)
    found = column_cells(table, pupils, columns, "a result, not an error", problems)
    statutory.add(len(found.cells), workbook=workbook, academic_year=academic_year,
                  cell=found.cells, upn=found.upns, column=found.per_cell(found.names), raw=found.raws)
