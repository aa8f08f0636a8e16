"""The forgotten-pupils list (functions.forgotten): what it keeps, and its tab form."""
from datetime import date

import pytest

from functions.forgotten import HEADER, Forgotten, forgotten_from_rows

KEY = bytes(range(32))
UPN = "A123456789012"


def test_a_upn_is_recognised_however_it_was_typed_and_nothing_of_it_is_kept():
    forgotten = Forgotten(KEY)
    forgotten.add([" a123 456789012 "], date(2027, 7, 23))
    assert forgotten.forgotten_on(UPN) == "2027-07-23"
    assert forgotten.forgotten_on("A123456789013") is None and forgotten.forgotten_on("") is None
    (kept,) = forgotten.pupils
    assert len(kept) == 64 and UPN not in kept and UPN.lower() not in kept


def test_forgetting_again_keeps_the_first_day_and_another_key_gives_other_marks():
    forgotten = Forgotten(KEY)
    forgotten.add([UPN], date(2027, 7, 23))
    forgotten.add([UPN], date(2028, 1, 5))
    assert forgotten.pupils == {forgotten.mark(UPN): "2027-07-23"}
    assert Forgotten(bytes(32)).mark(UPN) != forgotten.mark(UPN)


def test_the_tab_form_carries_the_key_in_its_note_and_reads_back_the_same():
    forgotten = Forgotten(KEY, {"b" * 64: "2027-07-23", "a" * 64: "2026-09-01"})
    rows = [[forgotten.note()], HEADER, *forgotten.rows()]
    assert KEY.hex() in rows[0][0]
    assert rows[2:] == [["a" * 64, "2026-09-01"], ["b" * 64, "2027-07-23"]]     # sorted by mark
    again = forgotten_from_rows(rows)
    assert again.key == KEY and again.pupils == forgotten.pupils


@pytest.mark.parametrize("note", ["", "Pupils erased with forget", "key 1234"])
def test_a_tab_whose_note_lost_its_key_is_refused(note):
    with pytest.raises(ValueError):
        forgotten_from_rows([[note], HEADER, ["a" * 64, "2026-09-01"]])
