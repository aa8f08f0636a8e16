"""A real .xlsx written with openpyxl and read back by the local store (`sync.xlsx.read_values`)
gives the same frames as the in-memory workbook."""
from openpyxl import Workbook as XlsxWorkbook

from sync.reader import read_class_workbook
from sync.xlsx import read_values
from tests.unit.reader_workbooks import SUBJECTS, WINDOWS, messy_workbook


def round_trip(workbook, path):
    book = XlsxWorkbook()
    book.remove(book.active)
    for title, rows in workbook.items():
        sheet = book.create_sheet(title.strip())
        for row in rows:
            sheet.append(row if row else [None])
    sheet = book["judgements"]
    sheet["G2"] = "=1/0"                       # a formula without a cached value reads as None
    sheet.merge_cells("A3:A4")                 # merged cells: the top-left keeps the value
    book.save(path)
    return read_values(path)                   # as the local store reads it


def test_a_saved_workbook_gives_the_same_frames(tmp_path):
    in_memory = read_class_workbook("Oak.xlsx", messy_workbook(), SUBJECTS, WINDOWS)
    from_file = read_class_workbook("Oak.xlsx", round_trip(messy_workbook(), tmp_path / "Oak.xlsx"),
                                    SUBJECTS, WINDOWS)
    assert from_file.pupils.drop(columns=["date_of_birth"]).equals(
        in_memory.pupils.drop(columns=["date_of_birth"]))
    # openpyxl gives the datetime back; the text date stays text: both read as the same day
    assert (from_file.pupils["date_of_birth"] == in_memory.pupils["date_of_birth"]).all()
    assert from_file.cells.drop(columns="raw").equals(in_memory.cells.drop(columns="raw"))
    assert from_file.cells["raw"].tolist() == in_memory.cells["raw"].tolist()
    problems = from_file.problems.drop(columns="tab")
    assert problems.equals(in_memory.problems.drop(columns="tab"))
