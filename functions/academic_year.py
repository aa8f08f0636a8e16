"""The English academic year: 1 September to 31 August, written "2026-27" (the calendar year it
starts in, a hyphen, the last two digits of the year it ends in).

Every other module names years through these functions; none does the arithmetic itself. What a
person typed ("2026/27", "2026-2027") is read into this form by `sync.reader.values`, so here only
the written form is accepted: anything else is a ValueError, never a guess.
"""
from __future__ import annotations

import re
from datetime import date

_WRITTEN = re.compile(r"(\d{4})-(\d{2})")
FIRST_MONTH = 9
"""September: the month an academic year starts in."""


def academic_year_starting(start: int) -> str:
    """2026 -> "2026-27"; 1999 -> "1999-00"."""
    return f"{start}-{(start + 1) % 100:02d}"


def is_academic_year(text: object) -> bool:
    """True for text written like "2026-27" whose two years follow on ("2026-28" is not)."""
    match = _WRITTEN.fullmatch(text) if isinstance(text, str) else None
    return match is not None and (int(match[1]) + 1) % 100 == int(match[2])


def first_calendar_year(academic_year: str) -> int:
    """"2026-27" -> 2026; a ValueError for anything not written so."""
    if not is_academic_year(academic_year):
        raise ValueError(f"An academic year is written like 2026-27, not {academic_year!r}.")
    return int(academic_year[:4])


def shift_academic_year(academic_year: str, years: int) -> str:
    """"2026-27", -1 -> "2025-26"; +1 -> "2027-28"."""
    return academic_year_starting(first_calendar_year(academic_year) + years)


def previous_academic_year(academic_year: str) -> str:
    """"2026-27" -> "2025-26"."""
    return shift_academic_year(academic_year, -1)


def next_academic_year(academic_year: str) -> str:
    """"2026-27" -> "2027-28"."""
    return shift_academic_year(academic_year, 1)


def academic_year_of(day: date) -> str:
    """The academic year a day falls in: 31 August 2026 is in "2025-26", 1 September in "2026-27"."""
    return academic_year_starting(day.year if day.month >= FIRST_MONTH else day.year - 1)


def first_and_last_day(academic_year: str) -> tuple[date, date]:
    """"2026-27" -> (1 September 2026, 31 August 2027)."""
    start = first_calendar_year(academic_year)
    return date(start, FIRST_MONTH, 1), date(start + 1, FIRST_MONTH - 1, 31)


def date_in_year(month: int, day: int, academic_year: str) -> date:
    """A month and day inside the academic year: September to December fall in its first calendar
    year, January to August in its second ("2026-27", 12, 18 -> 18 December 2026)."""
    start = first_calendar_year(academic_year)
    return date(start if month >= FIRST_MONTH else start + 1, month, day)
