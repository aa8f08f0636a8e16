"""What a parent report says about one pupil, as a plain dict the report template renders.

Input: the SCHOOL frame rows of one pupil (every window of this year, see functions/frames.py),
their comment, next steps and the school's settings. Output: strings, numbers and booleans only,
so the dict can cross to a worker process and into the report template as it is. The wording a parent reads for
each status lives in the template, where a school may change it; here are only the facts.

Only what a teacher decided reaches a parent: a position that is not the teacher's judgement (no
judgement, or a test or grid suggestion standing in for a blank cell) is "not yet assessed this
term", with no number and no picture; earlier windows show only the teacher's judgements.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from functions.framework import Framework
from functions.ladder_chart import ladder_svg

UNIT = {"points": ("point", "points"), "steps": ("step", "steps")}
TEACHER = "teacher"


def judged(record: Mapping) -> bool:
    """A teacher's judgement (a value whose source is the teacher), not a suggestion or a blank."""
    return record.get("source") == TEACHER and not pd.isna(record.get("value"))


def has_teacher_decision(rows: pd.DataFrame | Sequence[Mapping], window: int) -> bool:
    """Whether a teacher judged (or marked ABS / NA) any subject of this pupil at `window`: a pupil
    with nothing decided gets no report. `rows`: the pupil's SCHOOL rows, as a frame or records."""
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else rows
    return any(judged(r) or (isinstance(r.get("mark"), str) and r["mark"] != "")
               for r in records if r["window"] == window)


def pupil_names(rows: pd.DataFrame) -> tuple[str, str]:
    """(first, last) name of the pupil of `rows`.

    SCHOOL carries `first_name`/`last_name` when the job merges them from PUPILS; otherwise we fall
    back to `pupil` ("First Last") split at its last space.
    """
    return _names(rows.iloc[0].to_dict())


def _names(record: Mapping) -> tuple[str, str]:
    if "first_name" in record and "last_name" in record:
        return _text(record["first_name"]), _text(record["last_name"])
    given, _, family = _text(record["pupil"]).rpartition(" ")
    return (given, family) if given else (family, "")


def _text(value: object) -> str:
    """A name as text: "" for a missing one (never "None" or "nan")."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def report_context(rows: pd.DataFrame, *, window: int, window_names: Sequence[str], fw: Framework,
                   school_name: str, academic_year: str, comment: str, approved: bool,
                   next_steps: Mapping[str, list[str]], statutory: Sequence[str] = ()) -> dict:
    """The context of one pupil's report at `window` (1-based) from their SCHOOL rows.

    `statutory` holds the sentences about the pupil's own statutory results
    (`functions.statutory.report_lines`).
    """
    return report_context_of_records(
        rows.to_dict("records"), window=window, window_names=window_names, fw=fw,
        school_name=school_name, academic_year=academic_year, comment=comment, approved=approved,
        next_steps=next_steps, statutory=statutory)


def report_context_of_records(rows: list[dict], *, window: int, window_names: Sequence[str],
                              fw: Framework, school_name: str, academic_year: str, comment: str,
                              approved: bool, next_steps: Mapping[str, list[str]],
                              statutory: Sequence[str] = ()) -> dict:
    """`report_context` on the pupil's SCHOOL rows as records (dicts), as a whole school's frame
    gives them in one `to_dict("records")`: plain Python is quicker here than pandas operations on
    many tiny frames.
    """
    first, last = _names(rows[0])
    records = sorted(rows, key=lambda r: r["window"])
    by_subject: dict[str, list[dict]] = {}
    for record in records:
        by_subject.setdefault(str(record["subject"]), []).append(record)
    now = next(r for r in records if r["window"] == window)
    subjects = [_subject(history, window=window, window_names=window_names, fw=fw,
                         who=first or "Your child", next_steps=next_steps.get(subject, []))
                for subject, history in by_subject.items()
                if any(r["window"] == window for r in history)]
    return {
        "school_name": school_name,
        "academic_year": academic_year,
        "window_name": window_names[window - 1],
        "is_last_window": window == len(window_names),
        "first_name": first,
        "last_name": last,
        "class_name": str(now["class_name"]),
        "year_group": int(now["year"]),
        "framework": fw.kind,
        "unit": UNIT[fw.kind][1],
        "per_year": fw.per_year,
        "comment": comment.strip(),
        "draft": not approved,
        "subjects": subjects,
        "statutory": [str(line) for line in statutory],
    }


def _subject(history: list[dict], *, window: int, window_names: Sequence[str], fw: Framework,
             who: str, next_steps: list[str]) -> dict:
    """One subject's part of the report from its rows in window order."""
    now = next(r for r in history if r["window"] == window)
    value_at = {r["window"]: _float_or_none(r["value"]) if judged(r) else None
                for r in history if r["window"] <= window}
    gd_at = {r["window"]: bool(r["gd"]) for r in history if r["window"] <= window}
    windows = range(1, len(window_names) + 1)
    earlier = [r for r in history if r["window"] < window and value_at[r["window"]] is not None]
    assessed = value_at[window] is not None
    baseline_window = _int_or_none(now["baseline_window"])
    measurable = (assessed and pd.notna(now["progress"])
                  and baseline_window not in (None, window))
    start_value = _float_or_none(now["baseline"]) if baseline_window == 0 else None
    return {
        "name": str(now["subject"]),
        "assessed": assessed,
        "label": str(now["label"]) if assessed else "",
        "status": str(now["status"]) if assessed else "not assessed",
        "absent": fw.mark_meanings.get(str(now["mark"])) == "absent",
        "not_required": fw.mark_meanings.get(str(now["mark"])) == "not required",
        "source": str(now["source"]),
        "expected_label": str(now["expected_label"]),
        "last_label": str(earlier[-1]["label"]) if earlier else "",
        "last_window_name": window_names[int(earlier[-1]["window"]) - 1] if earlier else "",
        "progress_measurable": measurable,
        "progress": _signed(float(now["progress"]), fw) if measurable else "",
        "expected_progress": _amount(float(now["expected_progress"]), fw) if measurable else "",
        "progress_status": str(now["progress_status"]) if measurable else "",
        "progress_since": _since(baseline_window, window_names),
        "target_label": str(now["target_label"]) if assessed else "",
        "next_steps": list(next_steps),
        "chart_svg": ladder_svg(fw, year=int(now["year"]), window_names=window_names,
                                values=[value_at.get(w) for w in windows],
                                gd=[gd_at.get(w, False) for w in windows], start_value=start_value,
                                target=_float_or_none(now["target"]),
                                target_label=str(now["target_label"]), who=who) if assessed else "",
    }


def _since(baseline_window: int | None, window_names: Sequence[str]) -> str:
    if baseline_window is None:
        return ""
    if baseline_window == 0:
        return "since the start of the year"
    return f"since {window_names[baseline_window - 1]}"


def _amount(value: float, fw: Framework) -> str:
    number = f"{value:g}"
    one, many = UNIT[fw.kind]
    return f"{number} {one if abs(value) == 1 else many}"


def _signed(value: float, fw: Framework) -> str:
    return ("+" if value > 0 else "") + _amount(value, fw)


def _int_or_none(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def _float_or_none(value: Any) -> float | None:
    return None if pd.isna(value) else float(value)
