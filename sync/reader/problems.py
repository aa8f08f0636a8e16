"""Collecting problems for one workbook as rows of the PROBLEMS frame."""
from __future__ import annotations

import pandas as pd

from functions.frames import PROBLEMS

ERROR = "error"
WARNING = "warning"
MAX_FOUND = 80
"""Longer values are cut in Problems: a pasted essay should not swamp the tab."""


def shown(value: object) -> str:
    """A cell's value as Problems shows it under `Found`."""
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_FOUND else text[: MAX_FOUND - 1] + "…"


class ProblemLog:
    """The problems of one workbook, in the order they were found."""

    def __init__(self, workbook: str) -> None:
        self.workbook = workbook
        self._rows: list[dict[str, str]] = []
        self._frames: list[pd.DataFrame] = []

    def add(self, tab: str, cell: str, found: object, expected: str, severity: str = ERROR) -> None:
        self._rows.append({"workbook": self.workbook, "tab": tab, "cell": cell,
                           "found": shown(found), "expected": expected, "severity": severity})

    def add_frame(self, problems: pd.DataFrame) -> None:
        """Problems found column-wise: a frame with tab, cell, found, expected, severity."""
        if not problems.empty:
            frame = problems.assign(workbook=self.workbook, found=problems["found"].map(shown))
            self._frames.append(frame[PROBLEMS])

    def frame(self) -> pd.DataFrame:
        parts = [pd.DataFrame(self._rows, columns=PROBLEMS), *self._frames]
        return pd.concat(parts, ignore_index=True).astype(str)
