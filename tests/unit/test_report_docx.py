"""A report's Google Doc is made from the Word template: every value as typed (escaped, never a
field or a template tag), the charts embedded as PNGs, a broken template one sentence without data."""
from __future__ import annotations

import io
import shutil
from pathlib import Path
from zipfile import ZipFile

import pytest
from docx import Document

from sync.errors import SettingsError
from sync.reports.docx import render_docx
from sync.templates import TEMPLATES_DIR
from tests.doc_html import parsed

CONTEXT = {
    "school_name": "Hill & Dale <Primary>", "academic_year": "2026-27", "window_name": "Spring",
    "is_last_window": False, "first_name": "{{ 7*7 }}", "last_name": "O'Neil", "class_name": "Oak",
    "year_group": 4, "framework": "points", "unit": "points", "per_year": 3, "draft": True,
    "comment": "Great term!\n{% for x in range(3) %}loop{% endfor %}", "statutory": [],
    "subjects": [{"name": "Maths", "assessed": True, "label": "14", "status": "expected", "absent": False,
                  "not_required": False, "source": "teacher", "expected_label": "14", "last_label": "",
                  "last_window_name": "", "progress_measurable": True, "progress": "+2 points",
                  "expected_progress": "2 points", "progress_status": "expected",
                  "progress_since": "since the start of the year", "target_label": "15",
                  "next_steps": ["<b>Count</b> in 3s"],
                  "chart_svg": '<svg xmlns="http://www.w3.org/2000/svg" width="190" height="120" font-size="10">'
                               '<line x1="0" y1="0" x2="10" y2="10" stroke="#000"/></svg>'},
                 {"name": "Reading", "assessed": False, "label": "", "status": "", "absent": True,
                  "not_required": False, "source": "", "expected_label": "14", "last_label": "",
                  "last_window_name": "", "progress_measurable": False, "progress": "",
                  "expected_progress": "", "progress_status": "", "progress_since": "", "target_label": "",
                  "next_steps": [], "chart_svg": ""}],
}


def test_values_are_text_as_typed_and_the_chart_is_an_embedded_png():
    docx = render_docx(CONTEXT, TEMPLATES_DIR)
    page = parsed(docx)
    assert "{{ 7*7 }} O'Neil" in page.text and "49" not in page.text.split("\n")[1]
    assert "Hill & Dale <Primary>" in page.text and "<b>Count</b> in 3s" in page.text
    assert "{% for x in range(3) %}loop{% endfor %}" in page.text
    assert "Not yet assessed this term: {{ 7*7 }} was away" in page.text
    assert "DRAFT" in page.text.split("\n")
    assert not {"fldSimple", "instrText", "fldChar"} & page.tags
    with ZipFile(io.BytesIO(docx)) as archive:
        pictures = [name for name in archive.namelist() if name.startswith("word/media/")]
    assert len(pictures) == 1 and pictures[0].endswith(".png")      # Maths only: Reading not assessed
    headings = [p.text for p in Document(io.BytesIO(docx)).paragraphs if p.style.name.startswith("Heading")]
    assert headings[:4] == ["{{ 7*7 }} O'Neil", "DRAFT", "Maths", "Next steps"]


def test_a_broken_template_is_one_sentence_naming_no_pupil(tmp_path: Path):
    shutil.copytree(TEMPLATES_DIR / "reports", tmp_path / "reports")
    template = tmp_path / "reports" / "parent_report.docx"
    word = Document(str(template))
    word.add_paragraph("{% if %}")
    word.save(str(template))
    with pytest.raises(SettingsError) as error:
        render_docx(CONTEXT, tmp_path)
    assert "parent_report.docx could not be used" in str(error.value)
    assert "O'Neil" not in str(error.value)
