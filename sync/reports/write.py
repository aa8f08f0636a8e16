"""Write the parent reports of a school, a class or one pupil for one window.

Gather (select pupils on roll, build each context: pure, on whole frames) -> skip the reports
whose content hash says they are already drawn -> render (Typst, in worker processes when `jobs`
> 1) -> store (a `ReportSink`). Logs carry counts only.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, cast

import pandas as pd

from functions.framework import Framework
from functions.next_steps import next_groups, next_steps_table
from functions.report_context import has_teacher_decision, report_context_of_records
from sync.reports.local import HashKeepingSink, LocalFolderSink, ReportSink, ReportTarget
from sync.reports.names import pupil_key, report_stems
from sync.reports.render import content_hash, draw_one
from sync.words import plural

log = logging.getLogger(__name__)
REPORTS_PER_TASK = 8   # a worker draws this many reports per task: few round trips, even spread


def default_jobs() -> int:
    """Processes to draw reports with when nobody says: every core this process may use."""
    cores = os.process_cpu_count() if hasattr(os, "process_cpu_count") else None
    if cores is None and hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    return max(1, cores or os.cpu_count() or 1)


class WrittenReports(list):
    """The files written (a list of paths), and what the command tells the user about the rest:
    `drafts` (reports written but not yet approved: marked DRAFT) and `skipped` (pupils on roll
    with no teacher judgement or mark at the window, who get no report)."""

    def __init__(self, paths: list[Path], *, drafts: int = 0, skipped: int = 0,
                 window_name: str = "") -> None:
        super().__init__(paths)
        self.drafts, self.skipped, self.window_name = drafts, skipped, window_name

    def summary_line(self) -> str:
        """One plain sentence (two when pupils were skipped) for the command line."""
        final = len(self) - self.drafts
        line = f"Wrote {plural(len(self), 'parent report')}"
        if len(self):
            line += f": {final} approved, {plural(self.drafts, 'draft')}"
            if self.drafts:
                line += " (marked DRAFT: the teacher's comment is not yet approved)"
        line += "."
        if self.skipped:
            when = f" at {self.window_name}" if self.window_name else ""
            line += (f" Skipped {plural(self.skipped, 'pupil')} with no teacher judgement{when}: "
                     f"a report follows once a teacher records one.")
        return line


def write_reports(school: pd.DataFrame, statements: pd.DataFrame, ticks: pd.DataFrame,
                  comments: pd.DataFrame, *, school_name: str, academic_year: str,
                  window_names: list[str], window: int, fw: Framework, out_dir: Path,
                  class_name: str | None = None, upn: str | None = None, jobs: int | None = None,
                  templates_dir: Path, sink: ReportSink | None = None,
                  statutory: Mapping[str, list[str]] | None = None,
                  force: bool = False) -> WrittenReports:
    """Render one PDF per pupil on roll at `window` (1-based) with a teacher's judgement (or mark)
    there, and return the files written (with the drafts and the pupils skipped counted).

    `school` is the SCHOOL frame for every window of `academic_year`; `class_name` and `upn`
    narrow the run. `sink` defaults to PDFs under `out_dir`. `statutory` maps a UPN to the
    sentences about the pupil's statutory results. A report whose content hash (what it shows,
    the template, its fonts) matches the one the sink recorded when it last stored it is not
    drawn again, unless `force`; it is still among the files returned. `jobs` defaults to every
    core.
    """
    sink = sink or LocalFolderSink(out_dir)
    jobs = default_jobs() if jobs is None or jobs < 1 else jobs
    on_roll = school[(school["window"] == window) & school["on_roll"].astype(bool)]
    if class_name is not None:
        on_roll = on_roll[on_roll["class_name"] == class_name]
    stems = _stems(on_roll)
    chosen = [u for u in on_roll["upn"].unique() if upn is None or u == upn]
    mine = school[school["upn"].isin(chosen)]
    records_of: dict[str, list[dict]] = {}
    for record in mine.to_dict("records"):
        records_of.setdefault(record["upn"], []).append(record)
    # a pupil who moved class: the comment and grid of the class they are in now
    comments, ticks = _of_current_class(comments, on_roll), _of_current_class(ticks, on_roll)
    skipped = [u for u in chosen if not has_teacher_decision(records_of[u], window)]
    chosen = [u for u in chosen if u not in set(skipped)]
    mine = mine[mine["upn"].isin(chosen)]
    comment_of = _comments(comments)
    steps_of = _next_steps(mine[mine["window"] == window], statements, ticks, fw, academic_year)
    work = []
    for pupil in chosen:
        rows = records_of[pupil]
        text, approved = comment_of.get(pupil, ("", False))
        now = next(r for r in rows if r["window"] == window)
        next_steps = {str(r["subject"]): steps_of.get((str(pupil), str(r["subject"])), [])
                      for r in rows if r["window"] == window}
        context = report_context_of_records(
            rows, window=window, window_names=window_names, fw=fw, school_name=school_name,
            academic_year=academic_year, comment=text, approved=approved, next_steps=next_steps,
            statutory=(statutory or {}).get(pupil, []))
        target = ReportTarget(academic_year=academic_year, window_name=window_names[window - 1],
                              class_name=str(now["class_name"]), stem=stems[pupil],
                              key=pupil_key(pupil))
        work.append((context, target))
    sink.prepare([target for _, target in work])
    keeper = cast(HashKeepingSink, sink) if getattr(sink, "drawn", None) is not None else None
    drawn = keeper.drawn if keeper is not None else None   # a sink that keeps content hashes (local folders)
    hashes = [content_hash(context, templates_dir) for context, _ in work]
    fresh = [False if force or drawn is None else drawn(target, digest)
             for (_, target), digest in zip(work, hashes, strict=True)]
    todo = [item for item, ok in zip(work, fresh, strict=True) if not ok]
    if keeper is not None:   # until a report is drawn anew, its old hash no longer vouches for it
        keeper.forget([target for _, target in todo])
    written = _render_all(todo, sink, templates_dir, jobs)
    if (finish := getattr(sink, "finish", None)) is not None:
        finish([target for _, target in work])   # the manifest keeps only the new names
    if keeper is not None:
        keeper.remember([(target, digest) for (_, target), digest, ok in zip(work, hashes, fresh, strict=True)
                       if not ok])
    drafts = sum(1 for context, _ in work if context["draft"])
    log.info("drew %d parent reports for window %d; %d were already up to date; %d drafts; "
             "skipped %d pupils with no teacher judgement", len(written), window, sum(fresh),
             drafts, len(skipped))
    drawn_now = iter(written)
    return WrittenReports(
        [Path(keeper.path(target)) if ok and keeper is not None else Path(next(drawn_now))   # pupils' order
         for (_, target), ok in zip(work, fresh, strict=True)],
        drafts=drafts, skipped=len(skipped), window_name=window_names[window - 1])


def _stems(on_roll: pd.DataFrame) -> dict[str, str]:
    """Every on-roll pupil's file stem, decided per class over the whole class (so that a run for
    one pupil names their file as a run for the class would)."""
    pupils = on_roll.drop_duplicates("upn")
    if "first_name" in pupils.columns and "last_name" in pupils.columns:
        first, last = pupils["first_name"].astype(str), pupils["last_name"].astype(str)
    else:
        split = pupils["pupil"].astype(str).str.rpartition(" ")
        first = split[0].where(split[0] != "", split[2])
        last = split[2].where(split[0] != "", "")
    stems: dict[str, str] = {}
    people = pd.DataFrame({"upn": pupils["upn"].astype(str), "first": first, "last": last,
                           "class_name": pupils["class_name"],
                           "born": (pupils["date_of_birth"].map(_date_text)
                                    if "date_of_birth" in pupils.columns else "")})
    for _, rows in people.groupby("class_name"):
        stems.update(report_stems(zip(rows["upn"], rows["first"], rows["last"], rows["born"], strict=True)))
    return stems


def _of_current_class(frame: pd.DataFrame, on_roll: pd.DataFrame) -> pd.DataFrame:
    """The rows of `frame` from the workbook each pupil counts in at the report's window."""
    here = pd.MultiIndex.from_frame(on_roll[["workbook", "upn"]].astype(str))
    return frame[pd.MultiIndex.from_frame(frame[["workbook", "upn"]].astype(str)).isin(here)]


def _date_text(when: Any) -> str:
    """A date of birth as YYYY-MM-DD, "" when unknown."""
    day = pd.to_datetime(when, errors="coerce")
    return "" if pd.isna(day) else day.strftime("%Y-%m-%d")


def _comments(comments: pd.DataFrame) -> dict[str, tuple[str, bool]]:
    """UPN -> (comment, approved); where a pupil has rows in two workbooks, a written one wins."""
    filled = comments.assign(_has=comments["comment"].fillna("").astype(str).str.strip() != "")
    latest = filled.sort_values("_has", kind="stable").drop_duplicates("upn", keep="last")
    return {str(r.upn): (str(r.comment if pd.notna(r.comment) else ""), bool(r.approved))
            for r in cast(Iterable[Any], latest.itertuples(index=False))}


def _next_steps(now: pd.DataFrame, statements: pd.DataFrame, ticks: pd.DataFrame, fw: Framework,
                academic_year: str) -> dict[tuple[str, str], list[str]]:
    """(UPN, subject) -> next steps, for every pupil and subject of `now` (their rows at the
    window) at once."""
    groups = [next_groups(value if pd.notna(value) else None, int(year), fw)
              for value, year in zip(now["value"], now["year"], strict=True)]
    wanted = pd.DataFrame({"upn": now["upn"].astype(str).to_numpy(),
                           "subject": now["subject"].astype(str).to_numpy(),
                           "first_group": [g.start for g in groups],
                           "last_group": [g.stop - 1 for g in groups]})
    return next_steps_table(wanted, statements, ticks, academic_year=academic_year)


def _render_all(work: list[tuple[dict, ReportTarget]], sink: ReportSink, templates_dir: Path,
                jobs: int) -> list[str]:
    items = [(context, target, sink, templates_dir) for context, target in work]
    if jobs <= 1 or len(items) <= REPORTS_PER_TASK:
        return [draw_one(item) for item in items]
    # Workers start from a clean process (forkserver where there is one, else spawn), never a
    # fork of this one: Typst's compiler keeps threads, and a forked copy of a process in the
    # middle of using them can hang.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with ProcessPoolExecutor(max_workers=min(jobs, -(-len(items) // REPORTS_PER_TASK)),
                             mp_context=multiprocessing.get_context(method)) as pool:
        return list(pool.map(draw_one, items, chunksize=REPORTS_PER_TASK))
