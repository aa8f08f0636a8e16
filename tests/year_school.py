"""A small school folder for the year commands' tests: Tracker summary and a few class workbooks
made with the product's own templates. Every pupil is invented."""
from __future__ import annotations

from pathlib import Path

from sync.new_class import create_class_workbook
from sync.templates import new_tracker_summary
from tests.ctf_files import upn

OAK = [  # Year 3 in 2026-27
    (upn("801241700001"), "Amira", "Hussain", "14/02/2018", "F", "Y", "", ""),
    (upn("801241700002"), "Tom", "Baker", "03/11/2017", "M", "", "K", ""),
    (upn("801241700003"), "Lena", "Novak", "", "", "", "", "Y"),
]
ASH = [  # Year 6 in 2026-27
    (upn("801241700011"), "Kofi", "Mensah", "09/09/2014", "M", "", "", ""),
    (upn("801241700012"), "Ruby", "Shah", "21/06/2015", "F", "", "E", ""),
]
COLUMNS = ["UPN", "First name", "Last name", "Date of birth", "Gender", "Pupil premium", "SEN", "EAL"]


def write_csv(path: Path, rows: list[tuple], columns: list[str] = COLUMNS) -> Path:
    lines = [",".join(columns)] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def make_school(folder: Path, *, settings: dict[str, str] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    new_tracker_summary(folder / "Tracker summary.xlsx",
                        {"School name": "Test Primary", "Academic year": "2026-27",
                         "DfE number": "8012417", **(settings or {})}, [])
    for name, year, rows in (("Oak", 3, OAK), ("Ash", 6, ASH)):
        csv = write_csv(folder / f"{name}.csv", rows)
        create_class_workbook(folder, name=name, year=year, teacher="Ms Test", pupils_csv=csv)
        csv.unlink()
    return folder


def follow_import_to_do(school: Path) -> Path:
    """Do what the newest import to-do list asks, as a teacher would in Excel: paste each block
    of New pupils into its class workbook's Pupils tab at the row named, type their UPN and Name
    in the other tabs named, and type each Fill blanks cell. Returns the to-do list."""
    from openpyxl import load_workbook

    from sync.mis.to_do import ALSO_PATTERN, BLOCK_PATTERN, FILLS, IMPORTS_FOLDER, NEW_PUPILS
    from sync.xlsx import read_values

    to_do = max((school / IMPORTS_FOLDER).glob("*.xlsx"))
    tabs = read_values(to_do)
    books: dict = {}

    def book(name: str):
        if name not in books:
            books[name] = load_workbook(school / "classes" / name)
        return books[name]

    rows = tabs[NEW_PUPILS]
    for i, row in enumerate(rows):
        block = BLOCK_PATTERN.fullmatch(str(row[0])) if row else None
        if block is None:
            continue
        count, target, at = int(block.group(1)), book(block.group(2)), int(block.group(3))
        pupils = rows[i + 2:i + 2 + count]                       # below the block line and headings
        for offset, values in enumerate(pupils):
            for column, value in enumerate(values, start=1):
                if value is not None:
                    target["Pupils"].cell(at + offset, column, value)
        also = ALSO_PATTERN.fullmatch(str(rows[i + 2 + count][0])) if i + 2 + count < len(rows) else None
        for part in also.group(1).split(", ") if also else []:
            title, start = part.rsplit(" from row ", 1)
            for offset, values in enumerate(pupils):
                target[title].cell(int(start) + offset, 1, values[0])
                target[title].cell(int(start) + offset, 2, f"{values[1]} {values[2]}")
    for name, tab, cell, value, *_ in tabs[FILLS][1:]:
        book(name)[tab][cell] = value
    for name, target in books.items():
        target.save(school / "classes" / name)
    return to_do
