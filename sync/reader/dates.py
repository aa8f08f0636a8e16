"""Dates as teachers and stores give them: date values, spreadsheet serial numbers, day-first text."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from dateutil import parser as dateutil_parser

SERIAL_EPOCH = datetime(1899, 12, 30)
"""Day 0 of spreadsheet serial numbers (Google's UNFORMATTED_VALUE, Excel after 1 March 1900)."""
EARLIEST = datetime(1900, 1, 1)
LATEST = datetime(2100, 12, 31)
_PROBES = (datetime(1, 1, 1), datetime(2, 2, 2))


def parse_date(value: object) -> pd.Timestamp | None:
    """The day `value` names, or None when it does not name one day between 1900 and 2100.

    Text is read day first (`03/04/2019` is 3 April; `3 Apr 2019` and ISO `2019-04-03` too);
    numbers are serial numbers (45000 is 15 March 2023); a time of day is dropped.
    """
    if isinstance(value, bool):
        return None
    day: datetime | None
    if isinstance(value, datetime):
        day = value
    elif isinstance(value, date):
        day = datetime(value.year, value.month, value.day)
    elif isinstance(value, int | float):
        day = _from_serial(value)
    elif isinstance(value, str):
        day = _from_text(value.strip())
    else:
        return None
    if day is None:
        return None
    day = day.replace(tzinfo=None)
    if not EARLIEST <= day <= LATEST:
        return None
    return pd.Timestamp(day).normalize()


def _from_serial(serial: float) -> datetime | None:
    try:
        return SERIAL_EPOCH + timedelta(days=float(serial))
    except (OverflowError, ValueError):  # inf, nan, or beyond what a datetime holds
        return None


def _from_text(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    # A text that leaves the day, month or year out parses differently with two defaults.
    try:
        first, second = (dateutil_parser.parse(text, dayfirst=True, default=d) for d in _PROBES)
    except (ValueError, OverflowError):
        return None
    return first if first == second else None
