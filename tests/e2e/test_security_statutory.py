"""Formula and HTML injection through the statutory parts: a Statutory tab holding formulas, a
pupil group named like a formula (it becomes a row of the Moderation tab) and a pupil whose name
is a script (it goes into the statutory sentence of their parent report)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from sync.google.batch import plan_write
from sync.google.spreadsheet import Layout
from sync.job import run_sync
from sync.templates import TEMPLATES_DIR, load_statements, new_class_workbook
from sync.xlsx import read_values
from tests.doc_html import parsed, reports_with_doc_html
from tests.e2e.test_security import FORMULA_START, NOW, SCRIPT, RecordingStore
from tests.integration.fuzz_school import ACADEMIC_YEAR, SUBJECTS, build_school, framework, upn

GROUP = '=HYPERLINK("http://x","group")'
VALUES = ['=IMPORTXML("http://x","//a")', "+1", "@SUM(1)"]
CLASS_FILE = "2026-27 Yew (Year 6).xlsx"


@pytest.fixture(scope="module")
def school(tmp_path_factory) -> tuple[Path, RecordingStore]:
    folder = tmp_path_factory.mktemp("statutory-hostile")
    build_school(folder, with_fuzzed=False)
    fw = framework()
    count = 12
    upns = [upn(300 + i) for i in range(count)]
    pupils = pd.DataFrame({"UPN": upns, "First name": [SCRIPT] + [f"Pupil{i}" for i in range(1, count)],
                           "Last name": "Hostile", "Gender": ["F", "M"] * (count // 2),
                           GROUP: ["Y"] * (count // 2) + [""] * (count // 2)})
    labels = ["26", "27", "25"]
    new_class_workbook(
        folder / "classes" / CLASS_FILE, class_name="Yew", year_group=6, teacher="Ms T",
        academic_year=ACADEMIC_YEAR, fw=fw, subjects=SUBJECTS,
        statements=load_statements(TEMPLATES_DIR, fw, SUBJECTS), pupils=pupils,
        judgements=pd.DataFrame({"UPN": upns, "Reading Autumn": [labels[i % 3] for i in range(count)]}),
        tests=pd.DataFrame({"UPN": upns, "Reading Autumn": [65] * count}),
        statutory=pd.DataFrame({"UPN": upns,
                                "KS2 Reading": [104] + VALUES + [100 + i for i in range(count - 4)],
                                "KS2 Writing": ["EXS"] * count}))
    store = RecordingStore(folder)
    run_sync(store, now=NOW)
    return folder, store


def test_statutory_and_moderation_cells_stay_text(school):
    folder, _ = school
    book = load_workbook(folder / "Tracker results.xlsx")
    assert {"Statutory", "Moderation"} <= set(book.sheetnames)
    hostile = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    assert cell.data_type == "s"
                    hostile += sheet.title in ("Problems", "Moderation")
    assert hostile >= len(VALUES) + 1
    problems = read_values(folder / "Tracker results.xlsx")["Problems"]
    assert {value for value in VALUES} <= {row[3] for row in problems}
    moderation = read_values(folder / "Tracker results.xlsx")["Moderation"]
    assert GROUP in {row[4] for row in moderation}
    statutory = read_values(folder / "Tracker results.xlsx")["Statutory"]
    assert any(row[0] == ACADEMIC_YEAR and row[2] == "Reading: expected standard" for row in statutory)


def test_google_writes_the_new_tabs_hostile_text_as_strings(school):
    _, store = school
    tabs = [tab for tab in store.tabs if tab.title in ("Statutory", "Moderation", "Problems")]
    assert {tab.title for tab in tabs} == {"Statutory", "Moderation", "Problems"}
    plan = plan_write(tabs, Layout(title="Tracker summary", sheets=()))
    values = [cell["userEnteredValue"] for request in plan.requests if "updateCells" in request
              for row in request["updateCells"].get("rows", []) for cell in row.get("values", [])
              if "userEnteredValue" in cell]
    hostile = [value for value in values if any(str(v).startswith(FORMULA_START) for v in value.values())]
    assert len(hostile) >= len(VALUES) + 1
    assert all(set(value) == {"stringValue"} for value in hostile)


def test_a_script_name_in_a_statutory_sentence_is_escaped(school):
    folder, _ = school
    _, html = reports_with_doc_html(folder, class_name="Yew", upn=upn(300))
    (text,) = html.values()
    page = parsed(text)
    assert "script" not in page.tags                    # what a browser or Drive would parse
    assert ("In the key stage 2 reading test <script>alert(1)</script> scored 104; "
            "the expected standard is 100") in page.text


