"""Incremental sync: which workbooks must be read again, worked out by hand from Drive's listing."""
from __future__ import annotations

import pandas as pd
import pytest

from functions.changes import STATE_HEADER, changed_workbooks, next_state, parse_state, state_rows

US = "tracker@school-sync.iam.gserviceaccount.com"
TEACHER = "j.smith@school.org"


def frame(*rows: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["id", "modified", "modified_by"])


STATE = frame(("oak", "2026-10-01T20:00:00.000Z", US), ("ash", "2026-10-01T20:00:05.000Z", US),
              ("elm", "2026-10-01T20:00:09.000Z", TEACHER))


@pytest.mark.parametrize(("listed", "expected"), [
    (("oak", "2026-10-01T20:00:00.000Z", US), False),        # untouched since we recorded it
    (("oak", "2026-10-01T20:00:00Z", US), False),            # same instant, other spelling
    (("oak", "2026-10-02T08:15:00.000Z", TEACHER), True),    # a teacher edited it
    (("oak", "2026-10-02T08:15:00.000Z", US.upper()), False),  # only our own write moved it
    (("elm", "2026-10-01T20:00:09.000Z", TEACHER), False),   # the teacher's edit we already read
    (("yew", "2026-09-01T08:00:00.000Z", TEACHER), True),    # a new workbook
    (("ash", "", ""), True),                                 # no time known: read to be safe
])
def test_a_workbook_is_read_again_only_when_someone_else_changed_it(listed, expected):
    assert changed_workbooks(frame(listed), STATE, US).tolist() == [expected]


def test_a_full_sync_reads_everything():
    listing = frame(("oak", "2026-10-01T20:00:00.000Z", US))
    assert changed_workbooks(listing, STATE, US, full=True).tolist() == [True]


def test_an_empty_state_reads_everything_and_keeps_the_listings_index():
    listing = frame(("oak", "2026-10-01T20:00:00.000Z", US), ("ash", "2026-10-01T20:00:05.000Z", US))
    listing.index = [7, 9]
    result = changed_workbooks(listing, parse_state([]), US)
    assert result.to_dict() == {7: True, 9: True}


def test_state_round_trips_through_the_sync_state_tab():
    rows = [STATE_HEADER, *state_rows(next_state(STATE))]
    pd.testing.assert_frame_equal(parse_state(rows), STATE)
