"""A report as a Word document, for its Google Doc: `parent_report.docx` (a Word template a school can
edit in Word or Google Docs, fields as `{{ first_name }}`) filled with docxtpl from the same context as
the PDF. Drive converts an uploaded .docx into a Google Doc and keeps its embedded pictures, table and
styles, so the Doc shows the report as the PDF does: headings, the facts beside each chart, next steps.

docxtpl escapes every value (autoescape), so nothing typed in a spreadsheet becomes Word markup or a
template field. Each chart is the ladder painted as a PNG (sync/reports/png.py) and embedded in the
file: no picture of a pupil's data is ever put at a public address.
"""
from __future__ import annotations

import io
from pathlib import Path

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from sync.errors import SettingsError
from sync.reports.png import ladder_png

DOCX_TEMPLATE = "parent_report.docx"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHART_WIDTH = Mm(66)


def render_docx(context: dict, templates_dir: Path) -> bytes:
    """The .docx of one pupil's report."""
    path = templates_dir / "reports" / DOCX_TEMPLATE
    try:
        template = DocxTemplate(str(path))
        subjects = [{**s, "chart": InlineImage(template, io.BytesIO(ladder_png(s["chart_svg"])), width=CHART_WIDTH)
                     if s.get("chart_svg") else ""} for s in context["subjects"]]
        paragraphs = [line for line in str(context.get("comment") or "").split("\n") if line.strip()]
        template.render({**context, "subjects": subjects, "comment_paragraphs": paragraphs}, autoescape=True)
    except Exception as error:  # noqa: BLE001 - a school's edit of the template, never pupil data
        raise SettingsError(f"The report template {DOCX_TEMPLATE} could not be used "
                            f"({type(error).__name__}); fix it in Word, or delete it to use the built-in one "
                            "again.") from None
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
