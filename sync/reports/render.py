"""Report context -> HTML (Jinja2, autoescaped) -> PDF (WeasyPrint).

The template and its stylesheet live in `sheets_templates/reports/`, so a school can restyle the
report without code. `render_html` is pure apart from loading the template; `html_to_pdf` is the
only place WeasyPrint runs.
"""
from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path

import jinja2

from sync.errors import ReportsUnavailable
from sync.reports.png import png_data_uri

try:
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
except OSError as error:  # WeasyPrint loads Pango as it is imported
    raise ReportsUnavailable(
        "Parent reports need the Pango text library, which WeasyPrint could not find on this "
        "computer; see https://doc.courtbouillon.org/weasyprint/stable/first_steps.html "
        "(syncs do not need it).") from error

TEMPLATE_NAME = "parent_report.html.j2"
LOGO_NAMES = ("logo.svg", "logo.png", "logo.jpg", "logo.jpeg")


def reports_dir(templates_dir: Path) -> Path:
    """The folder of the report template, its stylesheet and the school's logo."""
    return templates_dir / "reports"


@lru_cache(maxsize=4)
def environment(templates_dir: Path) -> jinja2.Environment:
    """A Jinja2 environment over the report templates, autoescaping every value."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(reports_dir(templates_dir)),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["svg_data_uri"] = svg_data_uri
    env.filters["png_data_uri"] = png_data_uri   # the chart in a Google Doc (the `doc` variant)
    return env


def svg_data_uri(svg: str) -> str:
    """An SVG document as a `data:` URI for an <img>: drawn as vectors, and never parsed as HTML."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def render_html(context: dict, templates_dir: Path) -> str:
    """The report's HTML for one pupil's context (see functions.report_context)."""
    folder = reports_dir(templates_dir)
    logo = next((name for name in LOGO_NAMES if (folder / name).is_file()), "")
    return environment(templates_dir).get_template(TEMPLATE_NAME).render(**context, logo=logo)


@lru_cache(maxsize=1)
def _fonts() -> FontConfiguration:
    return FontConfiguration()


def html_to_pdf(html: str, templates_dir: Path) -> bytes:
    """The PDF of `html`, with relative links (stylesheet, logo) resolved in the template folder."""
    document = weasyprint.HTML(string=html, base_url=str(reports_dir(templates_dir)) + "/")
    return document.write_pdf(font_config=_fonts())
