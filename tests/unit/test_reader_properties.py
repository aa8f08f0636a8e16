"""Arbitrary cell values never crash the reader, and nothing typed under a known column is lost
silently: every non-empty cell is a CELLS row, a problem, or in a row whose UPN cell is a problem."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.reader import check_pupils, read_class_workbook
from sync.reader.table import is_blank
from sync.reader.values import clean_upn
from tests.unit.reader_workbooks import ANN, BOB, SUBJECTS, WINDOWS, class_tab

cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["#REF!", "#N/A", "=A1+1", "16", "18 GD", "3w+", "ABS",
                                           " ", "😀", "x" * 5000, ANN, BOB, "03/04/2019"]),
    st.dates(), st.datetimes())
rows = st.lists(st.lists(cell_values, max_size=8), max_size=8)
JUDGEMENT_HEADER = ["UPN", "Name", "Reading Autumn", "maths  SPRING", "Writing Baseline", "Other"]


def workbook(pupil_rows, judgement_rows):
    return {"Class": class_tab(), "Pupils": [["UPN", "First name", "Date of birth", "Year", "Group"],
                                             [ANN, "Ann"], [BOB, "Bob"], *pupil_rows],
            "Judgements": [JUDGEMENT_HEADER, *judgement_rows]}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows, rows)
def test_arbitrary_values_never_crash(pupil_rows, judgement_rows):
    data = read_class_workbook("Oak.xlsx", workbook(pupil_rows, judgement_rows), SUBJECTS, WINDOWS)
    check_pupils(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from([ANN, BOB, None, "", "bad"]),
                          st.lists(cell_values, min_size=4, max_size=4)), max_size=8))
def test_every_judgement_cell_is_a_cell_row_or_a_problem(judgements):
    judgement_rows = [[upn, "name", *values] for upn, values in judgements]
    data = read_class_workbook("Oak.xlsx", workbook([], judgement_rows), SUBJECTS, WINDOWS)
    kept = set(data.cells["cell"])
    problems = set(data.problems.loc[data.problems["tab"] == "Judgements", "cell"])
    for number, (_, values) in enumerate(judgements, start=2):
        for letter, value in zip("CDEF", values, strict=False):
            if letter == "F" or is_blank(value):      # F is the school's own column
                continue
            cell = f"{letter}{number}"
            assert cell in kept or cell in problems or f"A{number}" in problems, cell


UPN_TEXT = st.from_regex(r"[A-Za-z][0-9]{12}", fullmatch=True)
INVISIBLE = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u200e", "\u2060", "\ufeff", "\u00ad"])


@given(UPN_TEXT, st.lists(st.tuples(st.integers(0, 13), INVISIBLE), max_size=3))
def test_a_upn_pasted_with_invisible_characters_is_the_same_upn(upn, inserts):
    pasted = upn
    for at, character in inserts:
        pasted = pasted[:at] + character + pasted[at:]
    assert clean_upn(pasted) == upn.upper()


@given(UPN_TEXT)
def test_a_upn_in_full_width_characters_is_the_same_upn(upn):
    wide = "".join(chr(ord(c) + 0xFEE0) for c in upn)     # "Ａ１２…": what some input methods type
    assert clean_upn(f" {wide}\u00a0") == upn.upper()


def test_a_upn_is_upper_case_without_spaces():
    assert clean_upn(" a123 456 789 012 ") == "A123456789012"
    assert clean_upn("\ufeffA123456789012\u200b") == "A123456789012"
    assert clean_upn(None) == "" and clean_upn("") == ""
