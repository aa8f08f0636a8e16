"""Makes `sheets_templates/reports/parent_report.docx`, the Word template of a report's Google Doc.

    python -m sync.reports.docx_template        # writes the template afresh

The template is the school's to edit afterwards, in Word or in Google Docs (download as .docx): the
`{{ ... }}` fields and `{% ... %}` lines are docxtpl's (Jinja), filled from the same report context
as the PDF's Typst template (functions/report_context.py). This script only makes the first version;
the wording follows parent_report.typ.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from sync.templates import TEMPLATES_DIR

TARGET = TEMPLATES_DIR / "reports" / "parent_report.docx"
ACCENT, INK, MUTED, RED = RGBColor(0x1F, 0x5F, 0xA8), RGBColor(0x22, 0x22, 0x22), RGBColor(0x66, 0x66, 0x66), \
    RGBColor(0xB3, 0x26, 0x1E)

STATUS_WORDS = {
    "expected": "working at the expected standard for the time of year",
    "below": "working just below the expected standard for the time of year",
    "well below": "working below the expected standard for the time of year and needs extra support to reach it",
    "above": "working ahead of the expected standard for the time of year",
    "greater depth": "working at greater depth: secure in this year's learning, with a deeper understanding",
}
PROGRESS_WORDS = {
    "more than expected": "more progress than expected",
    "expected": "the progress expected",
    "less than expected": "less progress than expected so far",
}


def _chain(variable: str, words: dict[str, str]) -> str:
    """`{% if v == "a" %}A{% elif ... %}...{% endif %}`: the words for each value, in the template."""
    parts = [f'{"if" if at == 0 else "elif"} {variable} == "{key}" %}}{text}'
             for at, (key, text) in enumerate(words.items())]
    return "{% " + "{% ".join(parts) + "{% endif %}"


def _run(paragraph, text: str, *, size: float | None = None, colour: RGBColor | None = None,
         bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour


def _line(document, text: str, **style) -> None:
    paragraph = document.add_paragraph()
    _run(paragraph, text, **style)


def _tag(document, text: str) -> None:
    """A paragraph holding only a `{%p ... %}` tag: docxtpl removes the paragraph itself."""
    document.add_paragraph(text)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table, widths: tuple) -> None:
    """Column widths as Word and LibreOffice read them: the grid and every cell."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _rule(paragraph) -> None:
    """A line in the accent colour under the paragraph (the PDF's rule under the title block)."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "6"), ("w:color", "1F5FA8")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def make(target: Path = TARGET) -> Path:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(14)
    section.top_margin, section.bottom_margin = Mm(14), Mm(16)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size, normal.font.color.rgb = "Arial", Pt(9.5), INK
    normal.paragraph_format.space_after = Pt(4)
    for level, size, colour in ((1, 17, ACCENT), (2, 12, ACCENT), (3, 10, INK)):
        style = document.styles[f"Heading {level}"]
        style.font.name, style.font.size, style.font.color.rgb, style.font.bold = "Arial", Pt(size), colour, True
        style.paragraph_format.space_before, style.paragraph_format.space_after = Pt(8 if level > 1 else 2), Pt(3)

    _line(document, "{{ school_name }}", size=10, colour=MUTED)
    document.add_heading("{{ first_name }} {{ last_name }}", level=1)
    _line(document, "Class {{ class_name }} · Year {{ year_group }} · {{ window_name }} {{ academic_year }}", size=10)
    _rule(document.paragraphs[-1])
    _tag(document, "{%p if draft %}")
    document.add_heading("DRAFT", level=1).runs[0].font.color.rgb = RED
    _line(document, "Draft: this report has not yet been approved by the school.", colour=RED, bold=True)
    _tag(document, "{%p endif %}")
    _line(document, "This report shows how {{ first_name }} is doing in each subject at this point of the year, "
          "compared with what is expected of a Year {{ year_group }} pupil by {{ window_name }}. We measure "
          "learning in {{ unit }}{% if framework == \"points\" %}: a pupil is expected to move up {{ per_year }} "
          "points each year{% else %}: bands 1 to 6, one for each year group, each with six steps from b "
          "(beginning) through w (working within) to s (secure){% endif %}.", colour=MUTED)

    _tag(document, "{%p for s in subjects %}")
    document.add_heading("{{ s.name }}", level=2)
    _tag(document, "{%p if not s.assessed %}")
    _line(document, "{% if s.absent %}Not yet assessed this term: {{ first_name }} was away when the assessments "
          "took place.{% elif s.not_required %}Not assessed this term: this assessment was not needed for "
          "{{ first_name }}.{% else %}Not yet assessed this term: there will be a judgement at the next "
          "assessment point.{% endif %}")
    _tag(document, "{%p else %}")
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    _no_borders(table)
    facts, chart = table.rows[0].cells
    _widths(table, (Mm(112), Mm(70)))
    rows = (("Now", [("{{ s.label }}", True), (" {{ first_name }} is " + _chain("s.status", STATUS_WORDS) + ".", False)]),
            ("Expected by {{ window_name }}", [("{{ s.expected_label }}", True)]),
            ("Progress", [("{% if s.progress_measurable %}", False), ("{{ s.progress }}", True),
                          (" {{ s.progress_since }}: " + _chain("s.progress_status", PROGRESS_WORDS)
                           + " (expected by now: {{ s.expected_progress }}).{% else %}Progress is shown once "
                           "{{ first_name }} has been assessed twice this year.{% endif %}", False)]),
            ("{% if is_last_window %}Target for this year{% else %}Target for the end of the year{% endif %}",
             [("{% if s.target_label %}", False), ("{{ s.target_label }}", True),
              ("{% else %}To be set after the first assessment.{% endif %}", False)]))
    inner = facts.add_table(rows=len(rows), cols=2)
    facts._tc.remove(facts.paragraphs[0]._p)     # the cell's empty first paragraph, above the facts
    _no_borders(inner)
    _widths(inner, (Mm(27), Mm(83)))
    for (head, runs), row in zip(rows, inner.rows, strict=True):
        _run(row.cells[0].paragraphs[0], head, colour=MUTED)
        for text, bold in runs:
            _run(row.cells[1].paragraphs[0], text, bold=bold, colour=ACCENT if bold else None)
    chart.paragraphs[0].add_run("{{ s.chart }}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if s.next_steps %}")
    document.add_heading("Next steps", level=3)
    _tag(document, "{%p for step in s.next_steps %}")
    document.add_paragraph("{{ step }}", style="List Bullet")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p endfor %}")

    _tag(document, "{%p if statutory %}")
    document.add_heading("National assessments", level=2)
    _tag(document, "{%p for line in statutory %}")
    document.add_paragraph("{{ line }}")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endif %}")

    document.add_heading("From {{ first_name }}'s teacher", level=2)
    _tag(document, "{%p for paragraph in comment_paragraphs %}")
    document.add_paragraph("{{ paragraph }}")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p if not comment_paragraphs %}")
    _line(document, "No comment has been written yet.", colour=MUTED)
    _tag(document, "{%p endif %}")
    _line(document, "Attendance and the other parts of your child's report come separately from the school.",
          size=8, colour=MUTED)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.core_properties.title = "Parent report"
    document.save(str(target))
    return target


if __name__ == "__main__":
    print(make())
