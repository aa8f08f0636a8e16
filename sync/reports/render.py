"""Report context -> PDF with Typst, through its Python binding (a Google Doc's .docx: sync/reports/docx.py).

The template (`parent_report.typ`) and the font it is set in live in `sheets_templates/reports/`,
so a school can restyle the report without code. The pupil's context goes in as JSON
(`sys.inputs.report`) and the template inserts every value as plain text, so nothing typed in a
spreadsheet is ever read as markup. Typst is one wheel with no system libraries: the same PDF on
Linux, macOS and Windows, in a few tens of milliseconds per report.

A compiler is made once per process (it keeps the template and the fonts) and reused for every
report that process draws.
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import cast

from sync.errors import ReportsUnavailable, SettingsError
from sync.reports.local import ReportSink, ReportTarget

try:
    import typst
except ImportError as error:   # pragma: no cover - a broken install, not a school's data
    raise ReportsUnavailable(
        "Parent reports need the typst package, which is not installed here; run "
        "pip install -r requirements.txt again (syncs do not need it).") from error

TEMPLATE_NAME = "parent_report.typ"
FONTS_FOLDER = "fonts"
LOGO_NAMES = ("logo.svg", "logo.png", "logo.jpg", "logo.jpeg")


def reports_dir(templates_dir: Path) -> Path:
    """The folder of the report template, its fonts and the school's logo."""
    return templates_dir / "reports"


@lru_cache(maxsize=4)
def _compiler(templates_dir: Path) -> typst.Compiler:
    folder = reports_dir(templates_dir)
    return typst.Compiler(str(folder / TEMPLATE_NAME), root=str(folder),
                          font_paths=[str(folder / FONTS_FOLDER)])


def _logo(templates_dir: Path) -> str:
    folder = reports_dir(templates_dir)
    return next((name for name in LOGO_NAMES if (folder / name).is_file()), "")


def _compile(context: dict, templates_dir: Path) -> bytes:
    inputs = {"report": json.dumps(context), "logo": _logo(templates_dir)}
    try:
        drawn = _compiler(templates_dir).compile(format="pdf", sys_inputs=inputs)
        return cast(bytes, drawn)   # one document (not one image per page, nor nothing)
    except typst.TypstError as error:   # a school's edit of the template, not pupil data
        raise SettingsError(f"The report template {TEMPLATE_NAME} could not be used: "
                            f"{error.message}.") from None


def render_pdf(context: dict, templates_dir: Path) -> bytes:
    """The PDF of one pupil's report (a context from functions.report_context)."""
    return _compile(context, templates_dir)


def draw_one(item: tuple[dict, ReportTarget, ReportSink, Path]) -> str:
    """Render and store one report: the unit of work of a worker process, which imports only
    light modules (no pandas)."""
    context, target, sink, templates_dir = item
    pdf = render_pdf(context, templates_dir)
    # e.g. Google Drive: the same report as a Word document, which Drive converts to a Google Doc
    doc = b""
    if getattr(sink, "wants_docx", False):
        from sync.reports.docx import render_docx
        doc = render_docx(context, templates_dir)
    return sink.write(target, pdf, doc)


@lru_cache(maxsize=4)
def template_fingerprint(templates_dir: Path) -> str:
    """A hash of everything in the report folder (template, fonts, logo) and of the Typst
    version: a report drawn under a different fingerprint may look different."""
    digest = hashlib.sha256(str(typst.__version__).encode())  # type: ignore[attr-defined]  # not in its stubs
    folder = reports_dir(templates_dir)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def content_hash(context: dict, templates_dir: Path) -> str:
    """What a report shows and how it is drawn, as one hash: equal hashes, equal reports."""
    digest = hashlib.sha256(template_fingerprint(templates_dir).encode())
    digest.update(json.dumps(context, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()
