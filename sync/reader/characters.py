"""Characters no spreadsheet cell may hold: the control characters a paste from Word or a web
page brings along (a vertical tab, a bell), raw or in the `_x000B_` escape Excel writes them in.

They are taken out of every value read, and each cell that held one is a warning naming its
address. The value is never shown: it is usually a pupil's name or a comment.
"""
from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from sync.reader.problems import WARNING
from sync.store import Workbook

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]|_x00(?:0[0-8BbCcEeFf]|1[0-9A-Fa-f])_")
"""The C0 controls but tab, line feed and carriage return; and their `_xHHHH_` escapes."""
_RAW = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""CONTROL's first half: a text without any, and without "_x00", has no CONTROL match (each
searched faster than CONTROL is)."""


def _has_control(text: str) -> bool:
    return _RAW.search(text) is not None or ("_x00" in text and CONTROL.search(text) is not None)


def without_control_characters(name: str, workbook: Workbook) -> tuple[Workbook, list[tuple]]:
    """The workbook with control characters removed from its text, and a PROBLEMS row (as a
    tuple) for each cell that had any. Tabs without any are returned as they were (no copy)."""
    problems: list[tuple] = []
    cleaned: Workbook = {}
    for title, rows in workbook.items():
        # one search over the tab's text first: most tabs have no control character, and then
        # there is nothing to look for cell by cell (no match spans the line feeds joining them)
        if not _has_control("\n".join([value for row in rows for value in row if isinstance(value, str)])):
            cleaned[title] = rows
            continue
        new_rows = None
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and CONTROL.search(value):
                    if new_rows is None:
                        new_rows = [list(each) for each in rows]
                    new_rows[r][c] = CONTROL.sub("", value)
                    problems.append((name, title, f"{get_column_letter(c + 1)}{r + 1}",
                                     "text with a control character (an invisible character "
                                     "pasted from another program)",
                                     "plain text; the character was left out of everything the "
                                     "sync wrote", WARNING))
        cleaned[title] = rows if new_rows is None else new_rows
    return cleaned, problems
