"""Collecting problems for one workbook as rows of the PROBLEMS frame (`functions.frames`)."""
from __future__ import annotations

ERROR = "error"
WARNING = "warning"
MAX_FOUND = 80
"""Longer values are cut in Problems: a pasted essay should not swamp the tab."""


def shown(value: object) -> str:
    """A cell's value as Problems shows it under `Found`."""
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_FOUND else text[: MAX_FOUND - 1] + "…"


class ProblemLog:
    """The problems of one workbook: those of the workbook's shape first (tabs, headers, keys),
    then those of its cells, each group in the order they were found."""

    def __init__(self, workbook: str) -> None:
        self.workbook = workbook
        self._shape: list[tuple[str, str, str, str, str, str]] = []
        self._cells: list[tuple[str, str, str, str, str, str]] = []

    def add(self, tab: str, cell: str, found: object, expected: str, severity: str = ERROR) -> None:
        """A problem with the workbook's shape: a tab, a header, a key of the Class tab."""
        self._shape.append((self.workbook, tab, cell, shown(found), expected, severity))

    def add_cell(self, tab: str, cell: str, found: object, expected: str,
                 severity: str = ERROR) -> None:
        """A problem with one cell's value (or one row's)."""
        self._cells.append((self.workbook, tab, cell, shown(found), expected, severity))

    def rows(self) -> list[tuple[str, str, str, str, str, str]]:
        """PROBLEMS rows as tuples, in their order."""
        return self._shape + self._cells
