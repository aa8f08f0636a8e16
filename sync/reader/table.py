"""One tab as a header plus a body of rows, with its known columns found by name.

Class tabs are small (a class of thirty), so a tab is read in plain Python: a pandas step costs
more than the whole tab's work, and a school has a couple of hundred tabs.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

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
    if type(value) is str:   # most cells: asked first
        return not value.strip()
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return isinstance(value, str) and not value.strip()


def filled(value: object) -> bool:
    """Not `is_blank`; text first, without a call."""
    return bool(value.strip()) if type(value) is str else not is_blank(value)


def is_error_value(value: object) -> bool:
    # every error value has a "#": most text is let go without stripping and upper-casing it
    return isinstance(value, str) and "#" in value and value.strip().upper() in ERROR_VALUES


class ColumnLists:
    """A RAW frame gathered as plain lists, one per column, a tab at a time, and made a frame
    once for the whole school (`sync.reader.workbook.combine`): a pandas step per tab cost more
    than the tab's own work."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.lists: dict[str, list[object]] = {column: [] for column in columns}
        self.length = 0

    def add(self, length: int, **values: object) -> None:
        """`length` rows: a list holds each row's value of its column, anything else is every
        row's value."""
        for column, items in self.lists.items():
            value = values[column]
            items.extend(value if isinstance(value, list) else [value] * length)
        self.length += length

    def extend(self, other: ColumnLists) -> None:
        """`other`'s rows after these (the same columns)."""
        for items, more in zip(self.lists.values(), other.lists.values(), strict=True):
            items.extend(more)
        self.length += other.length

    def add_rows(self, rows: list[tuple]) -> None:
        """Rows as tuples in column order."""
        for items, values in zip(self.lists.values(), zip(*rows, strict=True) if rows else [], strict=False):
            items.extend(values)
        self.length += len(rows)

    def frame(self, dtypes: dict[str, type]) -> pd.DataFrame:
        """The frame of these rows: every column pandas' text but those of `dtypes`: int, bool
        or object (a cell's raw Python values as they are: text, number or date). No rows: every
        column `object`, as an empty frame has."""
        if not self.length:
            return pd.DataFrame(columns=list(self.lists))
        return pd.DataFrame({column: _column(items, dtypes.get(column, str))
                             for column, items in self.lists.items()}, copy=False)


def _column(items: list[object], dtype: type) -> pd.Series | np.ndarray | pd.api.extensions.ExtensionArray:
    """One column of `ColumnLists.frame`: the array a Series of `items` with `dtype` holds (a
    frame is made faster of arrays than of Series), but for `object`, a Series: pandas would
    make an object array of text a text column."""
    if dtype is str:
        return pd.array(items, dtype="str")  # type: ignore[call-overload]  # the stubs lack "str"
    if dtype is object:
        return pd.Series(items, dtype=object)
    return np.array(items, dtype=dtype)


class BodyRow(NamedTuple):
    """One row under the header: its 1-based sheet row number and its values (padded to the
    tab's width, so every position of the header exists)."""

    number: int
    values: list[object]


@dataclass(frozen=True)
class Table:
    """A tab read against the column names it should have.

    `body` holds the rows under the header that have any value, in sheet order. `columns` maps
    each known name found to its position; `extras` maps every other non-empty header (as
    written, stripped) to its own.
    """

    title: str
    header_row: int
    columns: dict[str, int]
    extras: dict[str, int]
    body: list[BodyRow]

    def letter(self, name: str) -> str:
        return self.letter_at(self.columns[name])

    @staticmethod
    def letter_at(position: int) -> str:
        return get_column_letter(position + 1)

    def cell(self, name: str, row: BodyRow) -> str:
        """The A1 address of `row`'s cell in column `name`."""
        return f"{self.letter(name)}{row.number}"

    def value(self, name: str, row: BodyRow) -> object:
        """`row`'s value in column `name`; None when the tab has no such column."""
        return row.values[self.columns[name]] if name in self.columns else None

    def with_body(self, body: list[BodyRow]) -> Table:
        return Table(self.title, self.header_row, self.columns, self.extras, body)


def read_table(title: str, rows: Rows, known: Iterable[str], problems: ProblemLog,
               report_typos: bool = True) -> Table:
    """Read a tab whose first non-empty row is its header; report duplicate and misspelt names.

    A header that looks like a typo of a known name (and is not one) is reported once as a
    warning and left out of both `columns` and `extras`.
    """
    known = list(known)
    lookup = canonical_lookup(known)
    width = max(map(len, rows), default=0)
    used = [BodyRow(number, row if len(row) == width else [*row, *[None] * (width - len(row))])
            for number, row in enumerate(rows, start=1)
            # most rows start with a value (a UPN), and are seen to be used without a loop
            if (row and type(row[0]) is str and row[0].strip())
            or any(filled(value) for value in row if value is not None)]
    if not used:
        return Table(title, 1, {}, {}, [])
    header, body = used[0], used[1:]
    columns: dict[str, int] = {}
    extras: dict[str, int] = {}
    for position, value in enumerate(header.values):
        if is_blank(value):
            continue
        address = f"{get_column_letter(position + 1)}{header.number}"
        name = lookup.get(normalise(value))
        if name is not None and name in columns:
            problems.add(title, address, value, f"one column named {name}", WARNING)
        elif name is not None:
            columns[name] = position
        elif report_typos and (guess := likely_typo(str(value), known)) is not None:
            problems.add(title, address, value, f"a column named {guess} (this one is ignored)",
                         WARNING)
        elif str(value).strip() in extras:
            # a copied column (a statement twice in a grid, a group twice in Pupils): the first is read
            problems.add(title, address, value, "one column with this heading (this one is ignored)",
                         WARNING)
        else:
            extras[str(value).strip()] = position
    return Table(title, header.number, columns, extras, body)
