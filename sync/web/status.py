"""The add-on sidebar's answer: the last run from `Sync log`, the problems from `Problems`."""
from __future__ import annotations

from datetime import date, datetime

from sync.store import Rows, Workbook

MAX_PROBLEMS = 200
"""The sidebar lists at most this many problems; `problemCount` tells how many there are."""

PROBLEM_KEYS = ("workbook", "tab", "cell", "found", "expected", "severity")


def status_answer(summary: Workbook, *, running: bool, workbook: str = "") -> dict[str, object]:
    """What the sidebar shows; `workbook` (a class spreadsheet's title) keeps only its problems."""
    runs = _records(_tab(summary, "sync log"), ("started", "outcome"))
    problems = _records(_tab(summary, "problems"), ("workbook", "cell"))
    if workbook:
        wanted = workbook.strip().casefold()
        problems = [p for p in problems if str(p.get("workbook", "")).strip().casefold() == wanted]
    return {
        "running": running,
        "lastRun": _camel(runs[-1]) if runs else None,
        "problemCount": len(problems),
        "problems": [{key: problem.get(key, "") for key in PROBLEM_KEYS}
                     for problem in problems[:MAX_PROBLEMS]],
    }


def _tab(summary: Workbook, name: str) -> Rows:
    return next((rows for title, rows in summary.items()
                 if str(title).strip().casefold() == name), [])


def _records(rows: Rows, required: tuple[str, ...]) -> list[dict[str, object]]:
    """Rows under the first row that holds every `required` column name (an owned tab may have a
    note line above its header), keyed by the lower-case column names; blank rows skipped."""
    for at, row in enumerate(rows[:3]):
        header = [_text(cell).casefold() for cell in row]
        if all(name in header for name in required):
            return [{name: _text(value) for name, value in zip(header, body, strict=False) if name}
                    for body in rows[at + 1:] if any(_text(value) for value in body)]
    return []


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _camel(record: dict[str, object]) -> dict[str, object]:
    """`Workbooks read` -> `workbooksRead`: the JSON names the add-on reads."""
    def camel(name: str) -> str:
        first, *rest = name.split()
        return first + "".join(word.title() for word in rest)
    return {camel(name): value for name, value in record.items()}
