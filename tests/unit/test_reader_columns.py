"""`ColumnLists`: a RAW frame gathered a tab at a time as plain lists, made a frame once."""
import datetime

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from sync.reader.table import ColumnLists


def test_rows_added_by_column_by_row_and_from_another_gathering_keep_their_order():
    first = ColumnLists(["workbook", "cell", "statement_no", "raw"])
    first.add(2, workbook="Oak.xlsx", cell=["C2", "C3"], statement_no=4, raw=["A", 16])
    first.add_rows([("Oak.xlsx", "D2", 5, None)])
    second = ColumnLists(["workbook", "cell", "statement_no", "raw"])
    second.add(1, workbook="Ash.xlsx", cell=["B7"], statement_no=1, raw=[datetime.date(2027, 1, 4)])
    first.extend(second)
    frame = first.frame({"statement_no": int, "raw": object})
    assert first.length == 4
    assert frame.values.tolist() == [["Oak.xlsx", "C2", 4, "A"], ["Oak.xlsx", "C3", 4, 16],
                                     ["Oak.xlsx", "D2", 5, None],
                                     ["Ash.xlsx", "B7", 1, datetime.date(2027, 1, 4)]]
    assert [str(dtype) for dtype in frame.dtypes] == ["str", "str", "int64", "object"]
    assert frame.index.equals(pd.RangeIndex(4))


def test_no_rows_make_a_frame_of_object_columns_as_an_empty_frame_has():
    frame = ColumnLists(["workbook", "raw"]).frame({"raw": object})
    assert frame.empty and list(frame.columns) == ["workbook", "raw"]
    assert frame.dtypes.tolist() == [object, object]


raw_values = st.one_of(st.text(max_size=5), st.integers(-5, 5), st.booleans(), st.none(),
                       st.floats(allow_nan=True), st.dates())


@given(st.lists(st.tuples(st.text(max_size=5), st.integers(0, 9), st.booleans(), raw_values,
                          st.text(max_size=5)), min_size=1, max_size=20))
def test_the_frame_is_the_frame_of_its_rows_with_the_dtypes_set(rows):
    """As a frame of the row tuples with those columns' dtypes set (what each tab's frame was
    before the school's rows were gathered): text columns are pandas' text."""
    columns = ["workbook", "statement_no", "kpi", "raw", "text"]
    dtypes = {"statement_no": int, "kpi": bool, "raw": object}
    gathered = ColumnLists(columns)
    gathered.add_rows(rows)
    expected = pd.DataFrame(rows, columns=columns)
    for column, dtype in dtypes.items():
        expected[column] = pd.Series([row[columns.index(column)] for row in rows], dtype=dtype)
    pd.testing.assert_frame_equal(gathered.frame(dtypes), expected)
