"""`Judgements` and `Tests`: one row per pupil, one `<Subject> <Window>` column per cell kept."""
from __future__ import annotations

import numpy as np
import pandas as pd

from functions.frames import CELLS
from sync.reader.problems import ProblemLog
from sync.reader.table import Table, blank_mask, is_error_value
from sync.reader.values import clean_upn

BASELINE = "Baseline"


def mark_columns(subjects: list[str], windows: list[str]) -> dict[str, tuple[str, str]]:
    """`"Reading Autumn"` -> ("Reading", "Autumn") for every subject and window."""
    return {f"{subject} {window}": (subject, window) for subject in subjects for window in windows}


def pupil_rows(table: Table, pupil_upns: set[str], used: list[int], problems: ProblemLog,
               *, repeats_allowed: bool = False) -> pd.Series:
    """The UPN of each body row that has any value in the `used` columns and names a pupil.

    Such a row whose UPN is blank, not in the Pupils tab or (unless `repeats_allowed`, as in
    Interventions, where a pupil may take part in several) repeated is an error and is left out.
    """
    if "UPN" not in table.columns:
        if not table.body.empty:
            problems.add(table.title, f"A{table.header_row}", "", "a UPN column")
        return pd.Series(dtype=str)
    upns = table.values("UPN").map(clean_upn)
    has_values = ~blank_mask(table.body[used]).all(axis=1) if used else upns.ne("")
    in_use = upns[has_values]
    blank = in_use.eq("")
    unknown = ~blank & ~in_use.isin(pupil_upns)
    repeated = ~blank & ~unknown & in_use.duplicated() & (not repeats_allowed)
    for mask, expected in ((blank, "the pupil's UPN (this row is ignored)"),
                           (unknown, "a UPN from the Pupils tab (this row is ignored)"),
                           (repeated, "one row per pupil (this row is ignored)")):
        if mask.any():  # building a frame per check costs more than the check: only when needed
            problems.add_frame(pd.DataFrame({
                "tab": table.title, "cell": table.cells("UPN")[has_values][mask],
                "found": table.values("UPN")[has_values][mask].astype(object),
                "expected": expected, "severity": "error"}))
    return in_use[~(blank | unknown | repeated)]


def long_cells(table: Table, upns: pd.Series, columns: dict[str, int]) -> pd.DataFrame:
    """One row per non-empty cell of `columns` (name -> position) in the rows of `upns`, column
    by column: row, column name, cell (A1), upn and raw value."""
    if not columns or upns.empty:
        return pd.DataFrame(columns=["row", "name", "cell", "upn", "raw"])
    wide = table.body.loc[upns.index, list(columns.values())]
    # column-major flattening, as DataFrame.melt would give, without melt's per-call overhead
    filled = ~blank_mask(wide).to_numpy().T.reshape(-1)
    raw = wide.to_numpy(dtype=object).T.reshape(-1)[filled]
    rows = np.tile(upns.index.to_numpy(dtype=int), len(columns))[filled]
    names = np.repeat(np.array(list(columns), dtype=object), len(upns))[filled]
    letters = np.repeat(np.array([table.letter_at(p) for p in columns.values()], dtype=object),
                        len(upns))[filled]
    return pd.DataFrame({
        "row": rows, "name": names, "cell": letters + rows.astype(str).astype(object),
        "upn": np.tile(upns.to_numpy(dtype=object), len(columns))[filled], "raw": raw})


def read_marks(table: Table, tab: str, workbook: str, academic_year: str, subjects: list[str],
               windows: list[str], pupil_upns: set[str], problems: ProblemLog) -> pd.DataFrame:
    """CELLS rows of a `Judgements` (windows plus Baseline) or `Tests` tab (`tab`, as CELLS names
    it); error values are problems."""
    known = mark_columns(subjects, windows)
    columns = {name: position for name, position in table.columns.items() if name in known}
    upns = pupil_rows(table, pupil_upns, list(columns.values()), problems)
    long = long_cells(table, upns, columns)
    errors = long["raw"].map(is_error_value).astype(bool)
    if errors.any():
        problems.add_frame(pd.DataFrame({"tab": table.title, "cell": long["cell"][errors],
                                         "found": long["raw"][errors],
                                         "expected": "a value, not an error", "severity": "error"}))
    long = long[~errors]
    subject_window = long["name"].map(known)
    return pd.DataFrame({
        "workbook": workbook, "academic_year": academic_year, "tab": tab,
        "cell": long["cell"], "upn": long["upn"],
        "subject": subject_window.map(lambda pair: pair[0]),
        "window": subject_window.map(lambda pair: pair[1]), "raw": long["raw"].astype(object),
    }, columns=CELLS).reset_index(drop=True)
