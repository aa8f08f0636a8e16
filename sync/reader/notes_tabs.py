"""`Comments` (for parent reports) and `Interventions` (who takes part in what, from when)."""
from __future__ import annotations

from sync.reader.marks_tab import pupil_rows
from sync.reader.names import canonical_lookup, normalise
from sync.reader.problems import ProblemLog
from sync.reader.pupils_tab import parsed_column
from sync.reader.table import ColumnLists, Table, is_blank
from sync.reader.values import parse_flag, parse_text

COMMENT_COLUMNS = ("UPN", "Name", "Comment", "Approved")
INTERVENTION_COLUMNS = ("UPN", "Subject", "Intervention", "From", "To", "Notes")


def read_comments(table: Table, workbook: str, pupil_upns: set[str], problems: ProblemLog,
                  comments: ColumnLists) -> None:
    """COMMENTS rows, added to `comments`."""
    used = [table.columns[name] for name in ("Comment", "Approved") if name in table.columns]
    pupils = pupil_rows(table, pupil_upns, used, problems)
    rows = table.with_body([pupil.row for pupil in pupils])
    texts = parsed_column(rows, "Comment", parse_text, "text", problems, "")
    approved = parsed_column(rows, "Approved", parse_flag, "Y or blank", problems, False)
    comments.add(len(pupils), workbook=workbook, upn=[pupil.upn for pupil in pupils],
                 comment=["" if text is None else text for text in texts],
                 approved=[bool(flag) for flag in approved])


def read_interventions(table: Table, workbook: str, subjects: list[str], windows: list[str],
                       pupil_upns: set[str], problems: ProblemLog, interventions: ColumnLists) -> None:
    """INTERVENTIONS rows, one per intervention, added to `interventions`; a row with an unknown
    subject or window, or no intervention name, is an error and is left out."""
    used = [position for name, position in table.columns.items() if name not in ("UPN", "Name")]
    pupils = pupil_rows(table, pupil_upns, used, problems, repeats_allowed=True)
    rows = table.with_body([pupil.row for pupil in pupils])
    subject = _choice(rows, "Subject", subjects, problems, required=True)
    from_window = _choice(rows, "From", windows, problems, required=True)
    to_window = _choice(rows, "To", windows, problems, required=False)
    name = parsed_column(rows, "Intervention", parse_text, "text", problems, "")
    unnamed = [text == "" and "Intervention" in table.columns for text in name]
    for row, missing in zip(rows.body, unnamed, strict=True):
        if missing:
            problems.add_cell(table.title, rows.cell("Intervention", row), "",
                              "the intervention's name")
    notes = parsed_column(rows, "Notes", parse_text, "text", problems, "")
    kept = [(workbook, pupil.upn, *values[:4], "" if values[4] is None else values[4])
            for pupil, missing, values in zip(pupils, unnamed,
                                              zip(subject, name, from_window, to_window, notes, strict=True), strict=True)
            if not missing and None not in values[:4]]
    interventions.add_rows(kept)


def _choice(table: Table, name: str, allowed: list[str], problems: ProblemLog,
            required: bool) -> list[str | None]:
    """The allowed name each cell matches; "" when blank and not required; None (an error) otherwise."""
    lookup = canonical_lookup(allowed)
    expected = "one of " + ", ".join(allowed) + ("" if required else " or blank")
    chosen = []
    for row in table.body:
        value = table.value(name, row)
        choice = ("" if not required else None) if is_blank(value) else lookup.get(normalise(value))
        if choice is None:
            cell = table.cell(name, row) if name in table.columns else ""
            problems.add_cell(table.title, cell, value, expected)
        chosen.append(choice)
    return chosen
