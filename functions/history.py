"""The `History` tab: every judgement ever recorded, one row per change, never lost.

Rows are about (Academic year, Window, UPN, Subject). A merge appends a row for each key seen for
the first time, and a new row for each key whose Label, Value or Source differs from its latest
row: the old row stays as it was (its label and when it was recorded), the new one follows with
this sync's time. So a judgement revised after a pupil progress meeting shows both. The latest row
of a key (the last one in the tab) is the one that counts. Existing rows are never changed, moved
or removed, and merging the same rows twice changes nothing. A corrected pupil name or class alone
adds no row.

`locked_windows` are the Settings' `Locked windows` (window names): once a window's data drop is
closed its rows are frozen in every academic year. A later change to a frozen row is not recorded
and becomes a warning; a row that appears for the first time in a locked window is recorded, with
a warning, so the record is complete and the head knows it came late. Rows of `new` with neither a
label nor a value are ignored: clearing a cell never erases what was recorded.

Existing rows keep their order (so a problem's cell address stays right); new rows follow, sorted.
"""
from __future__ import annotations

from collections.abc import Collection
from string import ascii_uppercase

import numpy as np
import pandas as pd

from functions.distinct import combined_key
from functions.frames import PROBLEMS
from functions.owned_tabs import SUMMARY_NAME

HISTORY_COLUMNS = ["Academic year", "Window", "UPN", "Pupil", "Year", "Class", "Subject", "Label",
                   "Value", "Source", "Recorded at"]
KEY = ["Academic year", "Window", "UPN", "Subject"]
TEXT = ["Academic year", "Window", "UPN", "Pupil", "Class", "Subject", "Label", "Source",
        "Recorded at"]
WORKBOOK, TAB = SUMMARY_NAME, "History"
LABEL_COLUMN = ascii_uppercase[HISTORY_COLUMNS.index("Label")]


def merge_history(existing: pd.DataFrame, new: pd.DataFrame, locked_windows: Collection[str],
                  now: str, header_row: int = 1,
                  workbook: str = WORKBOOK) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Merge this sync's rows into the History tab as read; return (History, PROBLEMS frame).

    `existing` and `new` use HISTORY_COLUMNS (`new` may leave out `Recorded at`); `header_row` is
    the sheet row of the tab's header, to name a frozen row's cell in a warning. `existing`'s index
    is each row's 0-based place under the header (a RangeIndex when the tab was read whole), and
    `existing.attrs["rows"]`, when given, how many rows the tab has (new rows go after them): so
    `existing` may be only the rows a merge needs (`open_rows`), and addresses stay right.
    `workbook` is where History lives, as a Problems row names it (local mode: Tracker results).
    """
    old, incoming = _Coded.pair(existing, new, now)
    key = old.row_keys(incoming, KEY)
    old_key, new_key = key[:old.size], key[old.size:]

    recorded = np.flatnonzero(~incoming.is_blank("Label") | ~np.isnan(incoming.value))
    taken = recorded[~pd.Series(new_key[recorded]).duplicated(keep="last").to_numpy()]
    latest = np.flatnonzero(~pd.Series(old_key).duplicated(keep="last").to_numpy())
    at = pd.Index(old_key[latest]).get_indexer(new_key[taken])
    matched = at >= 0
    before = latest[np.where(matched, at, 0)] if len(latest) else np.zeros(len(taken), np.int64)
    if len(latest):
        same = matched & ((old.codes["Label"][before] == incoming.codes["Label"][taken])
                          & (old.codes["Source"][before] == incoming.codes["Source"][taken])
                          & _same_number(old.value[before], incoming.value[taken]))
    else:
        same = np.zeros(len(taken), bool)
    locked = incoming.is_in("Window", locked_windows)[taken]
    changed = matched & ~same
    added = taken[~matched | (changed & ~locked)]
    added = added[np.lexsort([incoming.rank(c)[added] for c in reversed(KEY)])]

    now_code = old.code_of("Recorded at", now)
    merged_codes = {column: np.concatenate([old.codes[column], incoming.codes[column][added]])
                    for column in TEXT}
    merged_codes["Recorded at"][old.size:] = now_code
    history = pd.DataFrame({
        **{c: old.texts(c, merged_codes[c]) for c in TEXT},
        "Year": pd.Series(np.concatenate([old.year, incoming.year[added]]), dtype=object),
        "Value": np.concatenate([old.value, incoming.value[added]]),
    }, index=pd.RangeIndex(old.size + len(added)))[HISTORY_COLUMNS]

    frozen = changed & locked
    late = old.size + np.flatnonzero(incoming.is_in("Window", locked_windows)[added])
    problems = []
    if frozen.any():
        frozen_at = before[frozen]
        places = existing.index.to_numpy()
        frozen_rows = pd.DataFrame({
            **{c: old.texts(c, old.codes[c][frozen_at]) for c in ["Academic year", "Window", "Subject",
                                                                  "Label"]},
            "Label_new": old.texts("Label", incoming.codes["Label"][taken[frozen]]),
        }, index=places[frozen_at])
        problems.append(_frozen_changes(frozen_rows, header_row, workbook))
    if len(late):
        late_rows = history.iloc[late]
        late_rows.index = late_rows.index - old.size + int(existing.attrs.get("rows", old.size))
        problems.append(_late_additions(late_rows, header_row, workbook))
    return history, (pd.concat(problems, ignore_index=True) if problems
                     else pd.DataFrame(columns=PROBLEMS))


def open_rows(history: pd.DataFrame, years: int = 2) -> pd.DataFrame:
    """The rows a later merge can still build on: the latest row of each key of the `years` most
    recent academic years in `history`, in History's order, indexed by their place in it. A sync
    adds rows for this academic year and the last only (and a new year's first rows come after
    last year's), so merging into these rows gives the same new rows as merging into all of History."""
    if history.empty:
        return history.iloc[0:0]
    recent = sorted(set(history["Academic year"].astype(str).str.strip()))[-years:]
    rows = history[history["Academic year"].astype(str).str.strip().isin(recent)]
    keys = rows[KEY].astype(str).apply(lambda column: column.str.strip())
    return rows[~keys.duplicated(keep="last")]


class _Coded:
    """Two History frames (as read, and this sync's) normalised as integer codes into shared texts.

    Normalising text (str, stripped, "" for blank) and comparing or joining on it runs once per
    distinct value of a column, not once per row: a History of a million rows repeats a few
    windows, subjects, labels and classes, and each UPN a dozen times.
    """

    def __init__(self, size: int, codes: dict[str, np.ndarray], shared: dict[str, np.ndarray],
                 year: np.ndarray, value: np.ndarray) -> None:
        self.size, self.codes, self._shared, self.year, self.value = size, codes, shared, year, value

    @classmethod
    def pair(cls, existing: pd.DataFrame, new: pd.DataFrame, now: str) -> tuple[_Coded, _Coded]:
        """Both frames, their codes into the same texts per column (`now` among `Recorded at`'s)."""
        codes_old, codes_new, shared = {}, {}, {}
        for column in TEXT:
            old_codes, old_texts = _text_codes(existing, column)
            new_codes, new_texts = _text_codes(new, column)
            extra = np.array([now] if column == "Recorded at" else [], dtype=object)
            joined, texts = pd.factorize(np.concatenate([old_texts, new_texts, extra]))
            codes_old[column] = joined[:len(old_texts)][old_codes]
            codes_new[column] = joined[len(old_texts):len(old_texts) + len(new_texts)][new_codes]
            shared[column] = np.asarray(texts, dtype=object)
        return (cls(len(existing), codes_old, shared, _years(existing), _values(existing)),
                cls(len(new), codes_new, shared, _years(new), _values(new)))

    def row_keys(self, other: _Coded, columns: list[str]) -> np.ndarray:
        """One int64 per row of self then other, equal where the rows agree on `columns`."""
        return combined_key([(np.concatenate([self.codes[column], other.codes[column]]),
                              len(self._shared[column])) for column in columns],
                             self.size + other.size)

    def texts(self, column: str, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
        return pd.array(self._shared[column][codes], dtype=str)

    def is_blank(self, column: str) -> np.ndarray:
        return (self._shared[column] == "")[self.codes[column]]

    def is_in(self, column: str, values: Collection[str]) -> np.ndarray:
        return np.isin(self._shared[column], list(values))[self.codes[column]]

    def code_of(self, column: str, text: str) -> int:
        return int(np.flatnonzero(self._shared[column] == text)[0])

    def rank(self, column: str) -> np.ndarray:
        """Each row's place in the sorted order of the column's texts."""
        order = np.argsort(self._shared[column], kind="stable")
        rank = np.empty(len(order), np.int64)
        rank[order] = np.arange(len(order))
        return rank[self.codes[column]]


def _text_codes(rows: pd.DataFrame, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(codes, texts) of a column as stripped str, "" for blank (and for a missing column)."""
    if column not in rows:
        return np.zeros(len(rows), np.int64), np.array([""], dtype=object)
    values = rows[column]
    if not isinstance(values.dtype, pd.StringDtype):
        values = values.astype(object).where(values.notna(), "").astype(str)
    codes, distinct = pd.factorize(values.to_numpy(object))  # NaN (blank) -> -1
    texts = np.array([text.strip() for text in distinct] + [""], dtype=object)
    return codes, texts  # code -1 picks the last text: ""


def _values(rows: pd.DataFrame) -> np.ndarray:
    if "Value" not in rows:
        return np.full(len(rows), np.nan)
    return pd.to_numeric(rows["Value"].replace("", np.nan), errors="coerce").to_numpy(float)


def _years(rows: pd.DataFrame) -> np.ndarray:
    """Whole numbers as int objects, "" for blank, as a sheet shows them."""
    if "Year" not in rows:
        return np.full(len(rows), "", dtype=object)
    years = pd.to_numeric(rows["Year"], errors="coerce")
    return years.astype("Int64").astype(object).where(years.notna(), "").to_numpy(object)


def _same_number(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a == b) | (np.isnan(a) & np.isnan(b))


def _cells(rows: pd.DataFrame, header_row: int) -> list[str]:
    """The Label cell of each row, rows indexed by their 0-based position under the header."""
    return [f"{LABEL_COLUMN}{header_row + 1 + int(position)}" for position in rows.index]


def _frozen_changes(rows: pd.DataFrame, header_row: int, workbook: str) -> pd.DataFrame:
    return pd.DataFrame({
        "workbook": workbook, "tab": TAB, "cell": _cells(rows, header_row),
        "found": (rows["Subject"] + " " + rows["Window"] + " " + rows["Academic year"]
                  + " changed from " + _shown(rows["Label"]) + " to " + _shown(rows["Label_new"])
                  + " after the window was locked"),
        "expected": "no change to a locked window (the change is not recorded)",
        "severity": "warning",
    }, columns=PROBLEMS)


def _late_additions(rows: pd.DataFrame, header_row: int, workbook: str) -> pd.DataFrame:
    return pd.DataFrame({
        "workbook": workbook, "tab": TAB, "cell": _cells(rows, header_row),
        "found": (rows["Subject"] + " " + rows["Window"] + " " + rows["Academic year"] + " "
                  + _shown(rows["Label"]) + " entered after the window was locked"),
        "expected": "judgements entered before the window is locked (recorded anyway)",
        "severity": "warning",
    }, columns=PROBLEMS)


def _shown(labels: pd.Series) -> pd.Series:
    return labels.where(labels != "", "blank")
