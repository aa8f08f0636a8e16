"""`owned_table`: one of our tabs as we wrote it last time, read back as a frame."""
from sync.sync_log import owned_table


def test_rows_under_a_note_and_header_keep_their_places_and_the_header_width():
    rows = [["Points gained since the baseline", None, None],
            ["UPN", "Subject", "Value"],
            ["A1", "Maths", 16],
            [None, None, None],                      # a blank row: left out, its place kept
            ("B2", "Reading"),                       # short (and a tuple): padded
            ["C3", "Writing", 15.5, "extra"],        # long: cut to the header
            ["", "", ""]]
    frame = owned_table({"History": rows}, "History")
    assert list(frame.columns) == ["UPN", "Subject", "Value"]
    assert frame.index.tolist() == [0, 2, 3]
    assert frame[["UPN", "Subject"]].values.tolist() == [["A1", "Maths"], ["B2", "Reading"], ["C3", "Writing"]]
    assert frame["Value"].fillna(-1).tolist() == [16.0, -1, 15.5]
    assert frame.attrs["rows"] == 5


def test_a_tab_with_nothing_in_it_is_an_empty_frame():
    assert owned_table({"History": [[None], []]}, "History").empty
    assert owned_table({}, "History").empty
