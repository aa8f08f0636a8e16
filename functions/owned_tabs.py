"""Our tabs beside people's: the sync never writes over a tab it does not own.

Where a person already has a tab with the title of one of ours ("History"), ours is written beside
it as "History (tracker)", and Problems says so. Every module that writes, reads or recognises our
tabs takes the suffix from here.
"""
from __future__ import annotations

from functions.frames import PROBLEMS

BESIDE = " (tracker)"
SUMMARY_NAME = "Tracker summary"
"""The school's own spreadsheet (Settings, Staff): `Tracker summary.xlsx` locally, a Google
spreadsheet of that title on Drive; Problems names it so."""


def titles_beside(titles: list[str], foreign: set[str], workbook: str) -> tuple[list[str], list[dict]]:
    """The title each of our tabs is written under in `workbook` (`<title> (tracker)` where a
    person's tab has the title), and one PROBLEMS warning for each tab so renamed."""
    written, problems = [], []
    for title in titles:
        if title in foreign:
            problems.append(dict(zip(PROBLEMS, [
                workbook, title, "", f"a tab named '{title}' that a person made",
                f"the sync's own tab; it wrote '{title}{BESIDE}' instead", "warning"], strict=True)))
            title = f"{title}{BESIDE}"
        written.append(title)
    return written, problems
