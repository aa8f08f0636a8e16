"""The shapes of the DataFrames that flow through the product: the contract between modules.

Internal column names are snake_case; `sync/` maps them to the exact names the tabs show (README.md, docs/rules.md)
only when it writes a tab. Every frame below may be empty but always has its columns.

Flow: store -> sync.reader (RAW frames + problems) -> functions (POSITIONS -> ASSESSED) ->
functions.aggregates (summary frames) -> sync writers.

RAW frames (built by `sync.reader` from one or many class workbooks, then concatenated)
---------------------------------------------------------------------------------------
Every raw frame carries `workbook` (file name or spreadsheet title) and `academic_year` ("2026-27")
so that problems can name where a value came from, and earlier years' workbooks can be told apart.

CLASSES     workbook, academic_year, class_name, year_group (int), teacher
PUPILS      workbook, academic_year, class_name, row (int, sheet row), upn_cell (A1),
            upn, first_name, last_name, pupil ("First Last"), year (int, the pupil's year group:
            the `Year` column, else the class's year group), date_of_birth, joined_on, left_on
            (pandas Timestamps or NaT), gender (str, "" when blank), pupil_premium (bool),
            sen ("N" | "K" | "E"), eal (bool), and one column "group:<Name>" per custom column
            (str, "" when blank).
CELLS       workbook, academic_year, tab ("Judgements" | "Tests"), cell (A1), upn, subject,
            window (window name, or "Baseline" for `<Subject> Baseline` columns), raw (object: the
            cell's value as the store gave it: str, int, float, bool, datetime). Empty cells are
            not rows.
STATEMENTS  workbook, subject, statement_no (int, 1-based column order within the grid), column
            (letter), text, group (int: the point (points) or band (steps) from row 2), kpi (bool)
TICKS       workbook, academic_year, upn, subject, statement_no, cell (A1), raw (object). Empty
            cells are not rows.
COMMENTS    workbook, upn, comment (str), approved (bool)
INTERVENTIONS workbook, upn, subject, intervention, from_window, to_window ("" while running), notes
PROBLEMS    workbook, tab, cell, found, expected, severity ("error" | "warning")
STATUTORY   workbook, academic_year, cell (A1), upn, column (the `Statutory` tab's column name as
            the rules spell it), raw (object). Empty cells are not rows; functions/statutory.py
            reads them.

POSITIONS (engine input: one row per pupil x subject x window of one academic year)
-----------------------------------------------------------------------------------
upn, subject, year (int 1-6), window (int 1..W), label (str, "" when none), value (float, NaN when
no position), gd (bool), mark ("" | "ABS" | "NA"), source ("teacher" | "test" | "grid" | ""),
judgement (str: the teacher's cell as read, "" when empty or unreadable), test_label, grid_label
(str, "" when no suggestion), test_reason, grid_reason (str), on_roll (bool: on roll at the
window's end: joined on or before it, not left before it), workbook (the class workbook the pupil
counts in at that window: a pupil who moved class counts in the new one from the day they joined),
unreadable (str: "Judgements C5" when the teacher's cell could not be read, so there is no
position; "" otherwise). source is "teacher" for a judgement; "test" or "grid" only where the
framework lets a suggestion stand in for a blank cell (`[judgements] suggestions_fill_blanks`).

BASELINES (engine input: at most one row per pupil x subject)
-------------------------------------------------------------
upn, subject, label, value (float), gd (bool), window (int: 0 for a Baseline cell or an earlier
year's position, so expected progress counts from the start of the year), origin (str, in words:
"Baseline column", "Summer 2025-26", ...). Pupils without a row here get their first position of
this year as baseline (window = that position's window).

ASSESSED (engine output: the POSITIONS rows with these added)
-------------------------------------------------------------
expected (float), expected_label, status (one of STATUSES), baseline (float), baseline_label,
baseline_window (int), progress (float), expected_progress (float), progress_status (one of
PROGRESS_STATUSES, "" when no progress can be measured), target (float), target_label,
falling_behind (bool), excelling (bool), watchlist ("falling behind" | "excelling" | ""),
watchlist_reason (str), reasons (str: every reason of the row joined with "; "),
baseline_status (one of STATUSES: the baseline judged against the expectation at its own window,
i.e. the end of the previous year for window 0; "not assessed" when there is no baseline; the
Progress matrix needs it).

SCHOOL (what aggregates take: ASSESSED merged with the pupil's PUPILS columns on upn)
------------------------------------------------------------------------------------
ASSESSED + workbook, class_name, pupil, first_name, last_name, date_of_birth, gender,
pupil_premium, sen, eal, joined_on, left_on,
"group:*" columns, and window_name (str: the window's name, e.g. "Autumn").
"""
from __future__ import annotations

STATUSES = ("well below", "below", "expected", "above", "greater depth", "not assessed")
AT_EXPECTED_OR_ABOVE = ("expected", "above", "greater depth")
PROGRESS_STATUSES = ("less than expected", "expected", "more than expected")

PUPILS = ["workbook", "academic_year", "class_name", "row", "upn_cell", "upn", "first_name",
          "last_name", "pupil", "year", "date_of_birth", "joined_on", "left_on", "gender",
          "pupil_premium", "sen", "eal"]
CLASSES = ["workbook", "academic_year", "class_name", "year_group", "teacher"]
CELLS = ["workbook", "academic_year", "tab", "cell", "upn", "subject", "window", "raw"]
STATEMENTS = ["workbook", "subject", "statement_no", "column", "text", "group", "kpi"]
TICKS = ["workbook", "academic_year", "upn", "subject", "statement_no", "cell", "raw"]
COMMENTS = ["workbook", "upn", "comment", "approved"]
INTERVENTIONS = ["workbook", "upn", "subject", "intervention", "from_window", "to_window", "notes"]
PROBLEMS = ["workbook", "tab", "cell", "found", "expected", "severity"]
STATUTORY = ["workbook", "academic_year", "cell", "upn", "column", "raw"]
POSITIONS = ["upn", "subject", "year", "window", "label", "value", "gd", "mark", "source",
             "judgement", "test_label", "grid_label", "test_reason", "grid_reason", "on_roll",
             "workbook", "unreadable"]
BASELINES = ["upn", "subject", "label", "value", "gd", "window", "origin"]
ASSESSED_EXTRA = ["expected", "expected_label", "status", "baseline", "baseline_label",
                  "baseline_window", "progress", "expected_progress", "progress_status", "target",
                  "target_label", "falling_behind", "excelling", "watchlist", "watchlist_reason",
                  "reasons", "baseline_status"]
CUSTOM_GROUP_PREFIX = "group:"
