"""A1 ranges as Sheets reads them: quoted titles, open-ended ranges, clamping to the grid."""
from __future__ import annotations

import re
from dataclasses import dataclass

from openpyxl.utils.cell import column_index_from_string, get_column_letter

_CELL = re.compile(r"^([A-Za-z]{0,3})(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}\d+$|^[Rr]\d*[Cc]\d*$")


class RangeError(ValueError):
    """Google answers 400 "Unable to parse range: ..." for these."""


@dataclass(frozen=True)
class Box:
    """Rows and columns 0-based, ends exclusive; None = open (to the grid's edge)."""

    row0: int | None
    col0: int | None
    row1: int | None
    col1: int | None


def quote_title(title: str) -> str:
    """How Google names a sheet in the ranges it answers with."""
    if _PLAIN_TITLE.match(title) and not _CELL_LIKE.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def split_range(text: str, titles: list[str]) -> tuple[str | None, str]:
    """'My sheet'!A1:B2 -> ("My sheet", "A1:B2"); a bare title -> (title, ""); A1 only -> (None, A1)."""
    if text.startswith("'"):
        end = 1
        while True:
            end = text.find("'", end)
            if end < 0:
                raise RangeError(text)
            if text[end + 1:end + 2] == "'":
                end += 2
                continue
            break
        title = text[1:end].replace("''", "'")
        rest = text[end + 1:]
        if rest and not rest.startswith("!"):
            raise RangeError(text)
        return title, rest[1:]
    if text in titles:
        return text, ""
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    return None, text


def parse_cells(cells: str) -> Box:
    """"A1:B2", "A:A", "2:5", "A5:A", "B3" -> a Box (None where open)."""
    if not cells:
        return Box(None, None, None, None)
    first, _, second = cells.partition(":")
    start = _corner(first, cells)
    end = _corner(second, cells) if second else start
    row1 = end[0] + 1 if end[0] is not None else None
    col1 = end[1] + 1 if end[1] is not None else None
    return Box(start[0], start[1], row1, col1)


def _corner(text: str, whole: str) -> tuple[int | None, int | None]:
    match = _CELL.match(text)
    if not match or not text:
        raise RangeError(whole)
    letters, digits = match.groups()
    if digits and int(digits) < 1:
        raise RangeError(whole)
    col = column_index_from_string(letters.upper()) - 1 if letters else None
    row = int(digits) - 1 if digits else None
    return row, col


def clamp(box: Box, rows: int, cols: int) -> tuple[int, int, int, int]:
    """Open ends go to the grid's edge; ends past it are cut back, as Google does for reads."""
    row0, col0 = box.row0 or 0, box.col0 or 0
    row1 = rows if box.row1 is None else min(box.row1, rows)
    col1 = cols if box.col1 is None else min(box.col1, cols)
    return row0, col0, max(row1, row0 + 1), max(col1, col0 + 1)


def a1(row0: int, col0: int, row1: int, col1: int) -> str:
    """0-based, ends exclusive -> "A1" or "A1:B2"."""
    first = f"{get_column_letter(col0 + 1)}{row0 + 1}"
    if row1 - row0 == 1 and col1 - col0 == 1:
        return first
    return f"{first}:{get_column_letter(col1)}{row1}"
