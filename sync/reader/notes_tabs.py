"""`Comments` (for parent reports) and `Interventions` (who takes part in what, from when)."""
from __future__ import annotations

import pandas as pd

from functions.frames import COMMENTS, INTERVENTIONS
from sync.reader.marks_tab import pupil_rows
from sync.reader.names import canonical_lookup, normalise
from sync.reader.problems import ProblemLog
from sync.reader.pupils_tab import parsed_column
from sync.reader.table import Table, is_blank
from sync.reader.values import parse_flag, parse_text

COMMENT_COLUMNS = ("UPN", "Name", "Comment", "Approved")
INTERVENTION_COLUMNS = ("UPN", "Subject", "Intervention", "From", "To", "Notes")


def read_comments(table: Table, workbook: str, pupil_upns: set[str],
                  problems: ProblemLog) -> pd.DataFrame:
    used = [table.columns[name] for name in ("Comment", "Approved") if name in table.columns]
    upns = pupil_rows(table, pupil_upns, used, problems)
    rows = _restricted(table, upns.index)
    return pd.DataFrame({
        "workbook": workbook, "upn": upns,
        "comment": parsed_column(rows, "Comment", parse_text, "text", problems, "").fillna(""),
        "approved": parsed_column(rows, "Approved", parse_flag, "Y or blank", problems, False)
        .fillna(False).astype(bool),
    }, columns=COMMENTS).reset_index(drop=True)


def read_interventions(table: Table, workbook: str, subjects: list[str], windows: list[str],
                       pupil_upns: set[str], problems: ProblemLog) -> pd.DataFrame:
    """One row per intervention; a row with an unknown subject or window, or no intervention
    name, is an error and is left out."""
    used = [position for name, position in table.columns.items() if name not in ("UPN", "Name")]
    upns = pupil_rows(table, pupil_upns, used, problems, repeats_allowed=True)
    rows = _restricted(table, upns.index)
    subject = _choice(rows, "Subject", subjects, problems, required=True)
    from_window = _choice(rows, "From", windows, problems, required=True)
    to_window = _choice(rows, "To", windows, problems, required=False)
    name = parsed_column(rows, "Intervention", parse_text, "text", problems, "")
    unnamed = name.eq("") & ("Intervention" in table.columns)
    if unnamed.any():
        problems.add_frame(pd.DataFrame({
            "tab": table.title, "cell": _cells(rows, "Intervention")[unnamed], "found": "",
            "expected": "the intervention's name", "severity": "error"}))
    frame = pd.DataFrame({
        "workbook": workbook, "upn": upns, "subject": subject, "intervention": name,
        "from_window": from_window, "to_window": to_window,
        "notes": parsed_column(rows, "Notes", parse_text, "text", problems, ""),
    }, columns=INTERVENTIONS)
    complete = frame[["subject", "intervention", "from_window", "to_window"]].notna().all(axis=1)
    return frame[complete & ~unnamed].fillna({"notes": ""}).reset_index(drop=True)


def _restricted(table: Table, index: pd.Index) -> Table:
    return Table(table.title, table.header_row, table.columns, table.extras, table.body.loc[index])


def _cells(table: Table, name: str) -> pd.Series:
    if name in table.columns:
        return table.cells(name)
    return pd.Series("", index=table.body.index, dtype=object)


def _choice(table: Table, name: str, allowed: list[str], problems: ProblemLog,
            required: bool) -> pd.Series:
    """The allowed name each cell matches; "" when blank and not required; None (an error) otherwise."""
    lookup = canonical_lookup(allowed)
    values = (table.values(name) if name in table.columns
              else pd.Series(None, index=table.body.index, dtype=object))
    chosen = values.map(lambda value: "" if is_blank(value) else lookup.get(normalise(value)))
    chosen = chosen.astype(object).where(chosen.ne("") | ~required, None)
    bad = chosen.isna()
    if bad.any():
        expected = "one of " + ", ".join(allowed) + ("" if required else " or blank")
        problems.add_frame(pd.DataFrame({"tab": table.title, "cell": _cells(table, name)[bad],
                                         "found": values[bad], "expected": expected,
                                         "severity": "error"}))
    return chosen
