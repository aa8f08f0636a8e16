"""Incremental sync: which workbooks must be read again, worked out by hand from Drive's listing."""
from __future__ import annotations

import pandas as pd
import pytest

from functions.changes import (
    SETTINGS_ROW_ID,
    STATE_HEADER,
    changed_workbooks,
    next_state,
    nothing_changed,
    parse_state,
    settings_fingerprint,
    state_rows,
)

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
    rows = [STATE_HEADER, *state_rows(next_state(STATE, "1a2b"))]
    assert rows[-1] == [SETTINGS_ROW_ID, "1a2b", ""]
    pd.testing.assert_frame_equal(parse_state(rows), next_state(STATE, "1a2b"))


RECORDED = next_state(STATE, "digest")
LISTED = frame(("oak", "2026-10-02T08:00:00.000Z", US), ("ash", "2026-10-01T20:00:05.000Z", US),
               ("elm", "2026-10-01T20:00:09.000Z", TEACHER))   # oak: only our own write since


@pytest.mark.parametrize(("listing", "fingerprint", "account", "expected"), [
    (LISTED, "digest", US, True),                     # nothing but our own writes
    (LISTED, "other", US, False),                     # Settings or Staff changed
    (LISTED, "digest", "", False),                    # the store cannot tell who changed what
    (LISTED.iloc[:2], "digest", US, False),           # elm left the folder
    (frame(("oak", "2026-10-02T08:00:00.000Z", TEACHER), *LISTED.iloc[1:].itertuples(index=False)),
     "digest", US, False),                            # a teacher changed oak
    (frame(), "digest", US, False),                   # no workbooks: nothing to skip
])
def test_a_sync_is_skipped_only_when_nothing_but_our_writes_changed(listing, fingerprint, account, expected):
    assert nothing_changed(listing, RECORDED, fingerprint, account) is expected


def test_nothing_is_skipped_without_a_recorded_state():
    assert nothing_changed(LISTED, parse_state([]), "digest", US) is False


def test_the_settings_digest_changes_with_settings_and_staff_only():
    summary = {"Settings": [["School name", "Oak"]], "Staff": [["Email", "Role"]], "Notes": [["x"]]}
    same = settings_fingerprint(summary)
    assert settings_fingerprint({**summary, "Notes": [["y"]]}) == same
    assert settings_fingerprint({**summary, "Settings": [["School name", "Elm"]]}) != same
    assert len(same) == 16
