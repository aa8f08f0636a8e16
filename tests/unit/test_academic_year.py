"""The previous academic year's arithmetic (functions.school), with numbers worked out by hand."""
from __future__ import annotations

from datetime import date

import pytest

from functions.school import previous_academic_year, shift_year_ends


@pytest.mark.parametrize(("year", "previous"), [
    ("2026-27", "2025-26"),
    ("2010-11", "2009-10"),   # the decade turns
    ("2000-01", "1999-00"),   # the century turns: 1999 + 1 = 2000, written 00
    ("2100-01", "2099-00"),
])
def test_the_previous_academic_year_starts_a_year_earlier(year: str, previous: str) -> None:
    assert previous_academic_year(year) == previous


def test_last_years_window_ends_are_this_years_a_year_earlier() -> None:
    ends = [date(2026, 12, 18), date(2027, 3, 26), date(2027, 7, 21)]
    assert shift_year_ends(ends, -1) == [date(2025, 12, 18), date(2026, 3, 26), date(2026, 7, 21)]
