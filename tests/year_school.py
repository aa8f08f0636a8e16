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
