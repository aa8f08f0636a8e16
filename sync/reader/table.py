"""One tab as a header plus a body of cells, with its known columns found by name."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils import get_column_letter

from sync.reader.names import canonical_lookup, likely_typo, normalise
from sync.reader.problems import WARNING, ProblemLog
from sync.store import Rows

ERROR_VALUES = frozenset({*ERROR_CODES, "#ERROR!", "#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!",
                          "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
"""Spreadsheet error values (Excel's and Google's) as a store delivers them: text."""


def is_blank(value: object) -> bool:
    """An empty cell: None, a NaN, or text of spaces only."""
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return isinstance(value, str) and not value.strip()


_BLANK = np.frompyfunc(is_blank, 1, 1)


def blank_mask(frame: pd.DataFrame) -> pd.DataFrame:
    """`is_blank` of every cell, in one pass over the values (DataFrame.map costs a call per column)."""
    return pd.DataFrame(_BLANK(frame.to_numpy(dtype=object)).astype(bool) if frame.size else
                        np.ones(frame.shape, dtype=bool), index=frame.index, columns=frame.columns)


def is_error_value(value: object) -> bool:
    return isinstance(value, str) and value.strip().upper() in ERROR_VALUES


@dataclass(frozen=True)
class Table:
    """A tab read against the column names it should have.

    `body` holds the rows under the header (object values; index = 1-based sheet row; rows with
    no value at all left out), positional columns 0..width-1. `columns` maps each known name found
    to its position; `extras` maps every other non-empty header (as written, stripped) to its own.
    """

    title: str
    header_row: int
    columns: dict[str, int]
    extras: dict[str, int]
    body: pd.DataFrame

    def letter(self, name: str) -> str:
        return self.letter_at(self.columns[name])

    @staticmethod
    def letter_at(position: int) -> str:
        return get_column_letter(position + 1)

    def cells(self, name: str) -> pd.Series:
        """The A1 address of every body row's cell in column `name`."""
        return pd.Series(self.letter(name) + self.body.index.astype(str), index=self.body.index)

    def values(self, name: str) -> pd.Series:
        return self.body[self.columns[name]]


def read_table(title: str, rows: Rows, known: Iterable[str], problems: ProblemLog,
               report_typos: bool = True) -> Table:
    """Read a tab whose first non-empty row is its header; report duplicate and misspelt names.

    A header that looks like a typo of a known name (and is not one) is reported once as a
    warning and left out of both `columns` and `extras`.
    """
    known = list(known)
    lookup = canonical_lookup(known)
    width = max((len(row) for row in rows), default=0)
    grid = pd.DataFrame([list(row) + [None] * (width - len(row)) for row in rows],
                        columns=range(width), dtype=object)
    grid.index = pd.RangeIndex(1, len(grid) + 1)
    filled = ~blank_mask(grid)
    used_rows = grid.index[filled.any(axis=1)]
    if used_rows.empty:
        return Table(title, 1, {}, {}, grid.iloc[0:0])
    header_row = int(used_rows[0])
    columns: dict[str, int] = {}
    extras: dict[str, int] = {}
    for position, value in enumerate(grid.loc[header_row]):
        if is_blank(value):
            continue
        address = f"{get_column_letter(position + 1)}{header_row}"
        name = lookup.get(normalise(value))
        if name is not None and name in columns:
            problems.add(title, address, value, f"one column named {name}", WARNING)
        elif name is not None:
            columns[name] = position
        elif report_typos and (guess := likely_typo(str(value), known)) is not None:
            problems.add(title, address, value, f"a column named {guess} (this one is ignored)",
                         WARNING)
        else:
            extras[str(value).strip()] = position
    body_rows = used_rows[used_rows > header_row]
    return Table(title, header_row, columns, extras, grid.loc[body_rows])
