"""Control characters in what a store read: each cell that held one is a warning, and the
quick test of a whole tab finds a tab with one whenever CONTROL does."""
from hypothesis import given
from hypothesis import strategies as st

from sync.reader.characters import CONTROL, _has_control, without_control_characters


def test_each_cell_with_a_control_character_is_a_warning_and_its_text_is_cleaned():
    rows = [["UPN", "Name"], ["A1", "Ann\x0bMarie"], [7, "_x000B_Bob"], [None, "plain"]]
    cleaned, problems = without_control_characters("Oak.xlsx", {"Pupils": rows, "Class": [["Class", "Oak"]]})
    assert cleaned["Pupils"] == [["UPN", "Name"], ["A1", "AnnMarie"], [7, "Bob"], [None, "plain"]]
    assert cleaned["Class"] == [["Class", "Oak"]]
    assert [(tab, cell, severity) for _, tab, cell, _, _, severity in problems] == [
        ("Pupils", "B2", "warning"), ("Pupils", "B3", "warning")]


@given(st.text(alphabet=st.sampled_from(["_", "x", "0", "1", "B", "b", "F", "g", "\x0b", "\x07",
                                          "\t", "\n", "a", "\x1f", "\x7f"]), max_size=20))
def test_the_quick_test_agrees_with_control(text):
    assert _has_control(text) == (CONTROL.search(text) is not None)
