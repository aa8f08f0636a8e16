"""Which engine draws parent reports fastest, measured side by side on the same pupils' reports.

    python bench/report_engines.py                       # 30 synthetic pupils, one class
    python bench/report_engines.py --school demo-school  # the first class of a local school

Candidates, each on one process, each on the same report contexts (functions.report_context):
  weasyprint             the HTML template and WeasyPrint 70 as the reports were drawn before
                         (it subsets DejaVu per report, with fontTools unless the system has
                         HarfBuzz's subsetter)
  weasyprint-small-font  the same with one small embedded font (DejaVu Sans cut to Latin with
                         fontTools, once, beforehand) and no per-report subsetting (full_fonts)
  weasyprint-per-class   one document for the whole class (fonts subset once), not split into
                         per-pupil files (the split would add to this)
  typst                  the Typst template through the `typst` binding, one PDF per pupil (what
                         the product uses)

The WeasyPrint candidates need `pip install weasyprint==70.0` (no longer a dependency of the
product) and its system libraries; without them only Typst is measured. Prints milliseconds per
report and each candidate's time as a multiple of Typst's.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.reports import TEMPLATES, school_inputs, synthetic_inputs  # noqa: E402

HTML_TEMPLATE = Path(__file__).resolve().parent / "weasyprint_report"   # the HTML template as it was
LATIN = "U+0000-024F,U+2000-206F,U+20AC,U+2190-21FF"


def contexts(inputs: dict, limit: int) -> list[dict]:
    """The report contexts `write_reports` would render, for the first `limit` pupils."""
    from bench.reports import contexts_of
    return contexts_of(inputs)[:limit]


def timed(function) -> float:
    began = time.perf_counter()
    function()
    return time.perf_counter() - began


def typst_candidate(items: list[dict]) -> float:
    from sync.reports.render import render_pdf
    render_pdf(items[0], TEMPLATES)   # warm: the compiler and its fonts, once per process
    return timed(lambda: [render_pdf(context, TEMPLATES) for context in items])


def weasyprint_candidates(items: list[dict]) -> dict[str, float]:
    try:
        import jinja2
        import weasyprint
        from fontTools import subset
    except (ImportError, OSError) as error:
        print(f"WeasyPrint not measured ({error.__class__.__name__}: {error})")
        return {}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HTML_TEMPLATE), autoescape=True)
    env.filters["svg_data_uri"] = _svg_data_uri
    template = env.get_template("parent_report.html.j2")
    pages = [template.render(**context, logo="") for context in items]
    base = str(HTML_TEMPLATE) + "/"
    weasyprint.HTML(string="<p>warm up</p>").write_pdf()
    results = {"weasyprint": timed(lambda: [weasyprint.HTML(string=p, base_url=base).write_pdf()
                                            for p in pages])}
    with tempfile.TemporaryDirectory() as fonts:
        faces = []
        for weight, name in (("normal", "DejaVuSans.ttf"), ("bold", "DejaVuSans-Bold.ttf")):
            source = _system_font(name)
            if source is None:
                print(f"weasyprint-small-font not measured: no {name} on this system")
                break
            out = Path(fonts) / name
            subset.main([str(source), f"--unicodes={LATIN}", f"--output-file={out}",
                         "--no-hinting", "--layout-features=kern,liga"])
            faces.append(f'@font-face {{ font-family: "Report Sans"; font-weight: {weight}; '
                         f'src: url("{out.as_uri()}"); }}')
        else:
            style = f"<style>{' '.join(faces)} html {{ font-family: 'Report Sans' !important; }}</style>"
            small = [template.render(**_in_font(context, "Report Sans"), logo="").replace(
                "</head>", style + "</head>") for context in items]
            css_fonts = weasyprint.text.fonts.FontConfiguration()
            results["weasyprint-small-font"] = timed(
                lambda small=small, css_fonts=css_fonts: [weasyprint.HTML(string=p, base_url=base).write_pdf(
                    full_fonts=True, font_config=css_fonts) for p in small])
    one = _one_document(pages)
    results["weasyprint-per-class"] = timed(
        lambda: weasyprint.HTML(string=one, base_url=base).write_pdf())
    return results


def _in_font(context: dict, family: str) -> dict:
    """The context with its charts set in `family` too (an SVG image does not see the page's CSS)."""
    subjects = [{**s, "chart_svg": re.sub(r'font-family="[^"]*"', f'font-family="{family}"',
                                          s["chart_svg"])} for s in context["subjects"]]
    return {**context, "subjects": subjects}


def _one_document(pages: list[str]) -> str:
    bodies = [p.split("<body>", 1)[1].rsplit("</body>", 1)[0] for p in pages]
    head = pages[0].split("<body>", 1)[0]
    return head + "<body>" + "".join(f'<div style="break-before: page">{b}</div>'
                                     for b in bodies) + "</body></html>"


def _svg_data_uri(svg: str) -> str:
    import base64
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _system_font(name: str) -> Path | None:
    for folder in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts"):
        found = next(folder.rglob(name), None) if folder.is_dir() else None
        if found:
            return found
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pupils", type=int, default=30)
    parser.add_argument("--school", type=Path, help="a local school folder (e.g. the demo school)")
    args = parser.parse_args()
    inputs = school_inputs(args.school) if args.school else synthetic_inputs(args.pupils)
    items = contexts(inputs, args.pupils)
    results = {"typst": typst_candidate(items), **weasyprint_candidates(items)}
    n = len(items)
    typst = results["typst"]
    print(f"{n} reports, one process")
    for name, seconds in results.items():
        print(f"  {name:24s} {seconds / n * 1000:8.1f} ms per report   {seconds / typst:6.1f}x Typst")
    print("RESULT " + json.dumps({"reports": n, **{f"{name} ms": round(s / n * 1000, 1)
                                                   for name, s in results.items()}}))


if __name__ == "__main__":
    main()
