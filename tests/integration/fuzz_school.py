"""A tiny school for the fuzz tests: `Tracker summary`, one good class workbook and one class
workbook that a test corrupts, built with the product's own templates (sync/templates.py)."""
from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pandas as pd

from functions.framework import Framework, load_framework
from functions.pupils import upn_check_letter
from sync.templates import TEMPLATES_DIR, judgement_labels, load_statements, new_class_workbook, new_tracker_summary

SUBJECTS = ["Reading", "Writing", "Maths"]
ACADEMIC_YEAR = "2026-27"
GOOD = "2026-27 Ash (Year 3).xlsx"
FUZZED = "2026-27 Oak (Year 4).xlsx"
FIRST = ["Amara", "Ben", "Chloe", "Dev", "Ella", "Finn"]
LAST = ["Adams", "Begum", "Clarke", "Davies", "Evans", "Fraser"]


def framework() -> Framework:
    with open(TEMPLATES_DIR / "frameworks" / "points.toml", "rb") as handle:
        return load_framework(tomllib.load(handle), "points.toml")


def upn(n: int) -> str:
    body = f"{801000000000 + n:011d}"[-11:] + "0"
    return upn_check_letter(body) + body


def _pupils(first_upn: int, count: int, first: list[str], last: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"UPN": [upn(first_upn + i) for i in range(count)],
                         "First name": first[:count], "Last name": last[:count],
                         "Date of birth": [date(2018, 1 + i, 3) for i in range(count)]})


def _judgements(pupils: pd.DataFrame, labels: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({"UPN": pupils["UPN"]})
    for k, subject in enumerate(SUBJECTS):
        frame[f"{subject} Autumn"] = [labels[(i + k) % len(labels)] for i in range(len(pupils))]
    return frame


def build_school(folder: Path, *, with_fuzzed: bool = True, first: list[str] = FIRST,
                 last: list[str] = LAST, comments: list[str] | None = None,
                 class_name: str = "Ash", teacher: str = "Ms Teacher") -> None:
    """Write the school: the good class (year 3, 4 pupils) and, unless told not to, the class the
    tests corrupt (year 4, 6 pupils with their own UPNs). `first`, `last`, `comments`,
    `class_name` and `teacher` change the good class's people and words."""
    fw = framework()
    statements = load_statements(TEMPLATES_DIR, fw, SUBJECTS)
    new_tracker_summary(folder / "Tracker summary.xlsx",
                        {"School name": "Fuzz Primary", "Academic year": ACADEMIC_YEAR,
                         "Current window": "Autumn"}, [("head@fuzz.sch.uk", "Head")])
    classes = [(GOOD, class_name, 3, _pupils(1, 4, first, last), comments or ["Works hard."] * 4)]
    if with_fuzzed:
        classes.append((FUZZED, "Oak", 4, _pupils(101, 6, FIRST, LAST), ["Works hard."] * 6))
    for name, class_name, year, pupils, words in classes:
        labels = [label for label in judgement_labels(fw, year) if label not in fw.marks][-6:]
        new_class_workbook(folder / "classes" / name, class_name=class_name, year_group=year,
                           teacher=teacher, academic_year=ACADEMIC_YEAR, fw=fw,
                           subjects=SUBJECTS, statements=statements, pupils=pupils,
                           judgements=_judgements(pupils, labels),
                           tests=pd.DataFrame({"UPN": pupils["UPN"], "Maths Autumn": [55] * len(pupils)}),
                           comments=pd.DataFrame({"UPN": pupils["UPN"], "Comment": words,
                                                  "Approved": "Y"}))
