import datetime

import pandas as pd
import pytest

from sync.reader.dates import parse_date


@pytest.mark.parametrize("value, day", [
    ("03/04/2019", (2019, 4, 3)),            # day first
    ("3/4/19", (2019, 4, 3)),
    ("3 Apr 2019", (2019, 4, 3)),
    ("2019-04-03", (2019, 4, 3)),            # ISO is year, month, day
    (45000, (2023, 3, 15)),                  # serial: 45000 days after 30/12/1899
    (45000.75, (2023, 3, 15)),               # time of day dropped
    (1, (1899, 12, 31)),
    (datetime.date(2019, 4, 3), (2019, 4, 3)),
    (datetime.datetime(2019, 4, 3, 14, 30), (2019, 4, 3)),
])
def test_dates_in_every_form_a_store_gives(value, day):
    expected = pd.Timestamp(*day) if day[0] >= 1900 else None
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2019", "April 2019", "43000", "soon", "", True, None,
                                   float("nan"), float("inf"), 1e300, -5, "#REF!"])
def test_anything_else_is_not_a_date(value):
    assert parse_date(value) is None
