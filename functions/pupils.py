"""Pupil rows: UPN rules (the DfE check letter) and the checks that keep one row per pupil.

The DfE rule (Unique Pupil Numbers guidance; Government Data Standards Catalogue): a UPN is a
check letter followed by 12 characters — 11 digits and a final digit, or a final letter for a
temporary UPN. Characters 2-13 are weighted 2..13 (a final letter counts as its index in
`CHECK_LETTERS`), the sum is taken mod 23, and the remainder picks the check letter.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from functions.frames import PROBLEMS

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
"""Remainder 0..22 -> check letter: the alphabet without I, O and S."""

_BODY = re.compile(rf"\d{{11}}[\d{CHECK_LETTERS}]")


def upn_check_letter(upn12: str) -> str:
    """The check letter that goes in front of the 12 characters `upn12`.

    >>> upn_check_letter("801200005001")
    'B'
    """
    body = upn12.upper()
    if not _BODY.fullmatch(body):
        raise ValueError("a UPN body is 11 digits then a digit or a letter other than I, O, S")
    values = [int(ch) if ch.isdigit() else CHECK_LETTERS.index(ch) for ch in body]
    total = sum(weight * value for weight, value in zip(range(2, 14), values, strict=True))
    return CHECK_LETTERS[total % 23]


def upn_error(upn: str) -> str | None:
    """Why `upn` (spaces removed, upper case) is not a UPN, in words; None when it is one.

    The same rules as `validate_pupils`, for one value arriving from outside (an MIS file).

    >>> upn_error("B801200005001") is None, upn_error("C801200005001")
    (True, 'its check letter is wrong')
    """
    if not _shape_ok(pd.Series([upn])).iloc[0]:
        return "it is not a letter, 11 digits, then a digit or a letter"
    return None if upn[0] == upn_check_letter(upn[1:]) else "its check letter is wrong"


def _shape_ok(upns: pd.Series) -> pd.Series:
    return upns.str.fullmatch(rf"[A-Z]\d{{11}}[\d{CHECK_LETTERS}]").fillna(False).astype(bool)


def _check_letters(upns: pd.Series) -> pd.Series:
    """The check letter each well-formed UPN should start with (a map over unique values)."""
    unique = upns.drop_duplicates()
    letters = dict(zip(unique, unique.str[1:].map(upn_check_letter), strict=True))
    return upns.map(letters)


def validate_pupils(pupils: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Keep the PUPILS rows that identify one pupil; return them and the PROBLEMS found.

    Errors (row left out): blank UPN; a UPN that is not a letter, 11 digits and a digit or
    letter; the same UPN twice in one workbook (the later row); the same UPN on roll in two
    workbooks of one academic year — rows with `left_on` are moves and always kept, of the rest
    the first (in frame order) is kept. Warning (row kept): a wrong check letter.
    """
    upns = pupils["upn"].astype(str)
    blank = upns.eq("")
    malformed = ~blank & ~_shape_ok(upns)
    well_formed = ~blank & ~malformed
    expected_letter = pd.Series("", index=pupils.index, dtype=object)
    expected_letter[well_formed] = _check_letters(upns[well_formed])
    wrong_letter = well_formed & upns.str[0].ne(expected_letter)
    repeated = well_formed & pupils.duplicated(["workbook", "upn"])
    on_roll = well_formed & ~repeated & pupils["left_on"].isna()
    rolls = pupils.loc[on_roll, ["academic_year", "upn", "workbook"]]
    first_workbook = rolls.groupby(["academic_year", "upn"])["workbook"].transform("first")
    in_two = pd.Series(False, index=pupils.index)
    in_two[on_roll] = rolls.duplicated(["academic_year", "upn"])
    problems = _joined([
        _problems(pupils, blank, "", "the pupil's UPN (this pupil is left out)", "error"),
        _problems(pupils, malformed, upns, "a UPN: a letter, 11 digits, then a digit or a letter "
                  "(this pupil is left out)", "error"),
        _problems(pupils, wrong_letter, upns, "check letter " + expected_letter, "warning"),
        _problems(pupils, repeated, "a UPN already in this tab",
                  "each pupil once (this row is left out)", "error"),
        _problems(pupils, in_two, "the same UPN on roll in " + first_workbook.reindex(pupils.index),
                  "one class at a time: a Left on date in the class the pupil moved from "
                  "(this row is left out)", "error"),
    ])
    keep = well_formed & ~repeated & ~in_two
    return pupils[keep].reset_index(drop=True), problems


def _problems(pupils: pd.DataFrame, mask: pd.Series, found: object, expected: object,
              severity: str) -> pd.DataFrame | None:
    """The PROBLEMS rows of the pupils of `mask`, all text; None when there are none."""
    if not mask.any():
        return None
    rows = pupils.loc[mask, ["workbook", "upn_cell"]]
    frame = pd.DataFrame({"workbook": rows["workbook"], "tab": "Pupils", "cell": rows["upn_cell"],
                          "found": found, "expected": expected, "severity": severity},
                         index=rows.index)
    return frame[PROBLEMS].astype(str)


def _joined(problems: list[pd.DataFrame | None]) -> pd.DataFrame:
    """The PROBLEMS rows of each kind, one kind after another, numbered from 0 (text columns,
    also when there are none)."""
    found = [frame for frame in problems if frame is not None]
    if not found:
        return pd.DataFrame({column: pd.Series([], dtype="str") for column in PROBLEMS})
    return pd.concat(found, ignore_index=True)


def class_at_windows(pupils: pd.DataFrame, window_ends: list) -> pd.DataFrame:
    """Which class workbook each pupil counts in at each window: upn, window (1-based), workbook,
    year, on_roll (on roll at the window's end: joined on or before it, not left before it).

    A pupil in two workbooks of one year (`Left on` in the class they left, `Joined on` in the
    one they joined) counts, at each window's end, in the class they are on roll in. Where both
    have them on roll (the new class has no `Joined on`), the later `Joined on` wins, then the
    class they have not yet left (a blank `Joined on` counts as the earliest). Where neither has
    them on roll, the row is kept (not on roll) in the class they joined last.
    """
    end = pd.to_datetime(pd.Series(window_ends, dtype=object)).to_numpy()[None, :]
    joined = pd.to_datetime(pupils["joined_on"]).to_numpy()[:, None]
    left = pd.to_datetime(pupils["left_on"]).to_numpy()[:, None]
    shape = (len(pupils), len(window_ends))
    on_roll = ((np.isnat(joined) | (joined <= end)) & (np.isnat(left) | (left >= end))).ravel()
    row = np.repeat(np.arange(len(pupils)), len(window_ends))     # each pupil row x window
    window = np.tile(np.arange(1, len(window_ends) + 1), len(pupils))
    joined_day = np.broadcast_to(_days(joined[:, 0], -np.inf)[:, None], shape).ravel()   # blank: earliest
    left_day = np.broadcast_to(_days(left[:, 0], np.inf)[:, None], shape).ravel()         # blank: not left
    upn = pupils["upn"].to_numpy(object)[row]
    order = np.lexsort((left_day, -joined_day, ~on_roll, window, upn.astype(str)))
    upn, window, row, on_roll = upn[order], window[order], row[order], on_roll[order]
    first = np.ones(len(order), bool)
    first[1:] = (upn[1:] != upn[:-1]) | (window[1:] != window[:-1])
    return pd.DataFrame({"upn": upn[first], "window": window[first],
                         "workbook": pupils["workbook"].to_numpy(object)[row[first]],
                         "year": pupils["year"].to_numpy()[row[first]].astype(int),
                         "on_roll": on_roll[first]})


def _days(dates: np.ndarray, blank: float) -> np.ndarray:
    """Whole days since 1970-01-01 (`blank` for a missing date)."""
    days = dates.astype("datetime64[D]").astype(np.int64).astype(float)
    return np.where(np.isnat(dates), blank, days)
