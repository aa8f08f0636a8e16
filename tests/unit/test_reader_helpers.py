"""Small helpers of the reader that work a value out once and reuse it: names, parsed columns,
the cells of several columns at once."""
from hypothesis import given
from hypothesis import strategies as st

from sync.reader.marks_tab import ColumnCells
from sync.reader.names import _SPACES, canonical_lookup, normalise
from sync.reader.problems import ProblemLog
from sync.reader.pupils_tab import parsed_column
from sync.reader.table import BodyRow, Table
from sync.reader.values import parse_flag


def test_normalise_reads_names_as_the_contract_compares_them_whatever_their_type():
    assert normalise("  Reading   AUTUMN ") == "reading autumn"
    assert normalise("Reading Autumn") == "reading autumn"      # asked again: the same answer
    assert normalise(True) == "true" and normalise(1) == "1" and normalise(1.0) == "1.0"


@given(st.one_of(st.text(max_size=12), st.integers(), st.floats(allow_nan=False), st.booleans()))
def test_normalise_is_the_spaces_collapsed_stripped_and_casefolded_text(name):
    assert normalise(name) == _SPACES.sub(" ", str(name)).strip().casefold()


def test_canonical_lookup_gives_each_caller_its_own_dictionary():
    lookup = canonical_lookup(["UPN", "First name"])
    assert lookup == {"upn": "UPN", "first name": "First name"}
    lookup["upn"] = "changed"
    assert canonical_lookup(("UPN", "First name")) == {"upn": "UPN", "first name": "First name"}


def test_a_value_met_again_in_a_column_is_a_problem_again_at_its_own_cell():
    rows = [BodyRow(2, ["A1", "Y"]), BodyRow(3, ["A2", "maybe"]), BodyRow(4, ["A3", None]),
            BodyRow(5, ["A4", "maybe"]), BodyRow(6, ["A5", "  "]), BodyRow(7, ["A6", 1]),
            BodyRow(8, ["A7", True])]
    table = Table("Pupils", 1, {"UPN": 0, "EAL": 1}, {}, rows)
    problems = ProblemLog("Oak.xlsx")
    flags = parsed_column(table, "EAL", parse_flag, "Y or blank", problems, False)
    assert flags == [True, None, False, None, False, True, True]
    assert problems.rows() == [("Oak.xlsx", "Pupils", "B3", "maybe", "Y or blank", "error"),
                               ("Oak.xlsx", "Pupils", "B5", "maybe", "Y or blank", "error")]


def test_per_cell_repeats_each_columns_value_for_each_of_its_cells():
    found = ColumnCells(names=["Reading Autumn", "Maths Autumn", "Maths Spring"], counts=[2, 0, 3],
                        cells=["C2", "C3", "E2", "E3", "E4"], upns=["A", "B", "A", "B", "C"],
                        raws=[1, 2, 3, 4, 5])
    assert found.per_cell(["Reading", "Maths", "Maths"]) == ["Reading", "Reading", "Maths", "Maths", "Maths"]
    assert found.per_cell([1, 2, 3]) == [1, 1, 3, 3, 3]


def test_a_statement_heading_loses_its_kpi_mark_and_says_it_had_one():
    from sync.reader.grid_tab import statement_heading
    assert statement_heading("* Counts to 100 ") == ("Counts to 100", True)
    assert statement_heading("★Counts to 100") == ("Counts to 100", True)
    assert statement_heading("Counts to 100 (KPI)") == ("Counts to 100", True)
    assert statement_heading("Counts to 100 kpi") == ("Counts to 100", True)
    assert statement_heading("  Counts to 100  ") == ("Counts to 100", False)
    assert statement_heading("Uses KPIs in context") == ("Uses KPIs in context", False)
    assert statement_heading("Counts to 100 (KPI)") == ("Counts to 100", True)   # asked again
