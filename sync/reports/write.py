"""Write the parent reports of a school, a class or one pupil for one window.

Gather (select pupils on roll, build each context: pure) -> render (Jinja2 + WeasyPrint, in
worker processes when `jobs` > 1) -> store (a `ReportSink`). Logs carry counts only.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

from functions.frames import STATEMENTS
from functions.framework import Framework
from functions.next_steps import next_groups, next_steps
from functions.report_context import pupil_names, report_context
from sync.reports.local import LocalFolderSink, ReportSink, ReportTarget
from sync.reports.names import pupil_key, report_stems
from sync.reports.render import html_to_pdf, render_html

log = logging.getLogger(__name__)
_NO_STATEMENTS = pd.DataFrame(columns=STATEMENTS)


def write_reports(school: pd.DataFrame, statements: pd.DataFrame, ticks: pd.DataFrame,
                  comments: pd.DataFrame, *, school_name: str, academic_year: str,
                  window_names: list[str], window: int, fw: Framework, out_dir: Path,
                  class_name: str | None = None, upn: str | None = None, jobs: int = 1,
                  templates_dir: Path, sink: ReportSink | None = None,
                  statutory: Mapping[str, list[str]] | None = None) -> list[Path]:
    """Render one PDF per pupil on roll at `window` (1-based) and return the files written.

    `school` is the SCHOOL frame for every window of `academic_year`; `class_name` and `upn`
    narrow the run. `sink` defaults to PDFs under `out_dir`. `statutory` maps a UPN to the
    sentences about the pupil's statutory results.
    """
    sink = sink or LocalFolderSink(out_dir)
    on_roll = school[(school["window"] == window) & school["on_roll"].astype(bool)]
    if class_name is not None:
        on_roll = on_roll[on_roll["class_name"] == class_name]
    stems = _stems(on_roll)
    chosen = [u for u in on_roll["upn"].unique() if upn is None or u == upn]
    rows_by_pupil = dict(tuple(school[school["upn"].isin(chosen)].groupby("upn", sort=False)))
    comment_of = _comments(comments)
    ticks_of = dict(tuple(ticks[ticks["upn"].isin(chosen)].groupby("upn", sort=False)))
    statements_of = {str(subject): group for subject, group in statements.groupby("subject")}
    no_ticks = ticks.iloc[0:0]
    work = []
    for pupil in chosen:
        rows = rows_by_pupil[pupil]
        text, approved = comment_of.get(pupil, ("", False))
        context = report_context(
            rows, window=window, window_names=window_names, fw=fw, school_name=school_name,
            academic_year=academic_year, comment=text, approved=approved,
            next_steps=_next_steps(rows[rows["window"] == window], statements_of,
                                   ticks_of.get(pupil, no_ticks), fw, academic_year),
            statutory=(statutory or {}).get(pupil, []))
        now = rows[rows["window"] == window].iloc[0]
        target = ReportTarget(academic_year=academic_year, window_name=window_names[window - 1],
                              class_name=str(now["class_name"]), stem=stems[pupil],
                              key=pupil_key(pupil))
        work.append((context, target))
    sink.prepare([target for _, target in work])
    written = _render_all(work, sink, templates_dir, jobs)
    log.info("wrote %d parent reports for window %d", len(written), window)
    return [Path(p) for p in written]


def _stems(on_roll: pd.DataFrame) -> dict[str, str]:
    """Every on-roll pupil's file stem, decided per class over the whole class (so that a run for
    one pupil names their file as a run for the class would)."""
    stems: dict[str, str] = {}
    for _, rows in on_roll.drop_duplicates("upn").groupby("class_name"):
        stems.update(report_stems(
            (str(upn), *pupil_names(rows[rows["upn"] == upn])) for upn in rows["upn"]))
    return stems


def _comments(comments: pd.DataFrame) -> dict[str, tuple[str, bool]]:
    """UPN -> (comment, approved); where a pupil has rows in two workbooks, a written one wins."""
    filled = comments.assign(_has=comments["comment"].fillna("").astype(str).str.strip() != "")
    latest = filled.sort_values("_has", kind="stable").drop_duplicates("upn", keep="last")
    return {str(r.upn): (str(r.comment if pd.notna(r.comment) else ""), bool(r.approved))
            for r in latest.itertuples(index=False)}


def _next_steps(now: pd.DataFrame, statements: dict[str, pd.DataFrame], ticks: pd.DataFrame,
                fw: Framework, academic_year: str) -> dict[str, list[str]]:
    """Subject -> next steps for one pupil (`statements` split by subject, `ticks` the pupil's)."""
    return {str(row.subject): next_steps(
                statements.get(str(row.subject), _NO_STATEMENTS), ticks, upn=str(row.upn),
                subject=str(row.subject),
                academic_year=academic_year,
                groups=next_groups(row.value if pd.notna(row.value) else None, int(row.year), fw))
            for row in now.itertuples(index=False)}


def _render_all(work: list[tuple[dict, ReportTarget]], sink: ReportSink, templates_dir: Path,
                jobs: int) -> list[str]:
    items = [(context, target, sink, templates_dir) for context, target in work]
    if jobs <= 1 or len(items) <= 1:
        return [render_one(item) for item in items]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(render_one, items, chunksize=max(1, len(items) // (jobs * 4))))


def render_one(item: tuple[dict, ReportTarget, ReportSink, Path]) -> str:
    """Render and store one report (the unit of work of a worker process)."""
    context, target, sink, templates_dir = item
    html = render_html(context, templates_dir)
    pdf = html_to_pdf(html, templates_dir)
    if getattr(sink, "wants_doc_html", False):   # e.g. Google Drive: the HTML it converts to a Doc
        html = render_html({**context, "doc": True}, templates_dir)
    return sink.write(target, pdf, html)
