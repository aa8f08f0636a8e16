"""The academic year's arithmetic (functions.academic_year), with numbers worked out by hand."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.academic_year import (
    academic_year_of,
    academic_year_starting,
    date_in_year,
    first_and_last_day,
    first_calendar_year,
    is_academic_year,
    next_academic_year,
    previous_academic_year,
    shift_academic_year,
)
from functions.school import shift_year_ends


@pytest.mark.parametrize(("start", "written"), [
    (2026, "2026-27"),
    (2009, "2009-10"),   # the decade turns
    (1999, "1999-00"),   # the century turns: 1999 + 1 = 2000, written 00
    (2099, "2099-00"),
    (2100, "2100-01"),
])
def test_a_year_is_written_with_the_last_two_digits_of_the_year_it_ends_in(start: int, written: str) -> None:
    assert academic_year_starting(start) == written
    assert first_calendar_year(written) == start


@pytest.mark.parametrize(("year", "previous"), [
    ("2026-27", "2025-26"),
    ("2010-11", "2009-10"),   # the decade turns
    ("2000-01", "1999-00"),   # the century turns
    ("2100-01", "2099-00"),
])
def test_the_previous_academic_year_starts_a_year_earlier(year: str, previous: str) -> None:
    assert previous_academic_year(year) == previous
    assert next_academic_year(previous) == year


@pytest.mark.parametrize(("year", "years", "shifted"), [
    ("2026-27", 0, "2026-27"),
    ("2026-27", 1, "2027-28"),
    ("2026-27", -2, "2024-25"),   # the Statutory tab's third year shown
    ("2098-99", 1, "2099-00"),
    ("2099-00", 1, "2100-01"),
    ("2001-02", -3, "1998-99"),
])
def test_shifting_moves_both_halves(year: str, years: int, shifted: str) -> None:
    assert shift_academic_year(year, years) == shifted


@pytest.mark.parametrize("typed", [
    "2026-2027",    # the long form: sync.reader.values reads it into 2026-27 first
    "2026/27",      # another separator: likewise
    "2026-28",      # years that do not follow on
    "2026-26",
    "26-27",
    "2026-27 ",
    " 2026-27",
    "2026–27",      # an en dash
    "",
    "Year 2026",
])
def test_anything_not_written_like_2026_27_is_refused_not_guessed(typed: str) -> None:
    assert not is_academic_year(typed)
    with pytest.raises(ValueError, match="written like 2026-27"):
        previous_academic_year(typed)
    with pytest.raises(ValueError, match="written like 2026-27"):
        shift_academic_year(typed, 1)


def test_only_text_is_an_academic_year() -> None:
    assert is_academic_year("2026-27") and is_academic_year("1999-00")
    assert not is_academic_year(2026) and not is_academic_year(None)


@pytest.mark.parametrize(("day", "year"), [
    (date(2026, 8, 31), "2025-26"),   # the last day of the summer holiday
    (date(2026, 9, 1), "2026-27"),    # the first of September starts the year
    (date(2027, 1, 5), "2026-27"),
    (date(2099, 12, 31), "2099-00"),
    (date(2000, 2, 29), "1999-00"),
])
def test_the_year_a_day_falls_in(day: date, year: str) -> None:
    assert academic_year_of(day) == year


def test_a_year_runs_from_1_september_to_31_august() -> None:
    assert first_and_last_day("2026-27") == (date(2026, 9, 1), date(2027, 8, 31))
    assert first_and_last_day("1999-00") == (date(1999, 9, 1), date(2000, 8, 31))


def test_autumn_days_fall_in_the_first_calendar_year_and_the_rest_in_the_second() -> None:
    assert date_in_year(12, 18, "2026-27") == date(2026, 12, 18)
    assert date_in_year(9, 1, "2026-27") == date(2026, 9, 1)
    assert date_in_year(8, 31, "2026-27") == date(2027, 8, 31)
    assert date_in_year(3, 26, "2026-27") == date(2027, 3, 26)


@given(st.dates(min_value=date(1001, 1, 1), max_value=date(9998, 12, 31)))
def test_every_day_lies_inside_the_year_it_falls_in(day: date) -> None:
    first, last = first_and_last_day(academic_year_of(day))
    assert first <= day <= last
    assert academic_year_of(first) == academic_year_of(last) == academic_year_of(day)


def test_last_years_window_ends_are_this_years_a_year_earlier() -> None:
    ends = [date(2026, 12, 18), date(2027, 3, 26), date(2027, 7, 21)]
    assert shift_year_ends(ends, -1) == [date(2025, 12, 18), date(2026, 3, 26), date(2026, 7, 21)]
