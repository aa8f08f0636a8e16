"""The `Groups` tab: subject x pupil group, each compared with the pupils outside it.

Groups: pupil premium, SEN support (`K`), EHCP (`E`), SEN (`K` or `E`), EAL, one per gender value,
summer-born (born 1 April to 31 August; an unknown date of birth is not summer-born), and one per
custom column of the Pupils tab: a column holding only `Y` (or `Yes`) and blanks is one group named
after the column; any other column gives one group per value, "<column>: <value>". A group with no
pupils on roll at the window has no row.

`Gap` is the group's % expected or above minus that of the pupils outside it, in percentage points
(negative: the group is behind), taken from the two rounded figures shown beside it.
"""
from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from functions.aggregates._measures import MEASURED, average, counts, on_roll_at, percent, subject_order
from functions.frames import CUSTOM_GROUP_PREFIX
from functions.rounding import round_half_up

GROUPS_COLUMNS = ["Subject", "Group", "Pupils in group", "Pupils outside group",
                  "% expected or above in group", "% expected or above outside group", "Gap",
                  "Average progress in group", "Average progress outside group"]
SUMMER_BORN_MONTHS = (4, 5, 6, 7, 8)
YES_VALUES = {"Y", "YES"}
PUPIL_COLUMNS = ["sen", "pupil_premium", "eal", "gender", "date_of_birth"]  # membership() reads
_SUMMED = ["pupils", "assessed", "at_expected", "progress_sum", "progress_count"]


def membership(rows: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per group (named as the tab shows it), one row per school row."""
    sen_codes, sen_texts = _distinct_text(rows["sen"])
    sen = np.array([text.upper() for text in sen_texts], dtype=object)
    columns = {
        "Pupil premium": _flag(rows["pupil_premium"]),
        "SEN support (K)": (sen == "K")[sen_codes],
        "EHCP (E)": (sen == "E")[sen_codes],
        "SEN (K or E)": np.isin(sen, ["K", "E"])[sen_codes],
        "EAL": _flag(rows["eal"]),
    }
    columns.update(_categories("Gender", *_distinct_text(rows["gender"])))
    born = pd.to_datetime(rows["date_of_birth"])
    columns["Summer-born"] = born.dt.month.isin(SUMMER_BORN_MONTHS)
    for column in [c for c in rows.columns if c.startswith(CUSTOM_GROUP_PREFIX)]:
        columns.update(_custom(column.removeprefix(CUSTOM_GROUP_PREFIX), rows[column]))
    return pd.DataFrame(columns, index=rows.index)


def groups(school: pd.DataFrame, window: int, counted_marks: Collection[str]) -> pd.DataFrame:
    """Subject x group: % expected or above and average progress in and outside each group."""
    groups_of_pupils = [c for c in school.columns if c.startswith(CUSTOM_GROUP_PREFIX)]
    rows = on_roll_at(school, window, [*MEASURED, "subject", *PUPIL_COLUMNS, *groups_of_pupils])
    members = membership(rows)
    member_matrix = members.to_numpy(dtype=float)
    parts = counts(rows, counted_marks)[_SUMMED].to_numpy(dtype=float)
    subject, listed = rows["subject"].to_numpy(object), subject_order(rows["subject"])
    if not listed:
        return pd.DataFrame(columns=GROUPS_COLUMNS)
    inside_by_subject, total_by_subject = [], []
    for name in listed:
        in_subject = subject == name
        inside_by_subject.append(member_matrix[in_subject].T @ parts[in_subject])
        total_by_subject.append(np.broadcast_to(parts[in_subject].sum(axis=0), inside_by_subject[-1].shape))
    index = pd.MultiIndex.from_product([listed, members.columns], names=["Subject", "Group"])
    inside = pd.DataFrame(np.vstack(inside_by_subject), columns=_SUMMED, index=index)
    outside = pd.DataFrame(np.vstack(total_by_subject), columns=_SUMMED, index=index) - inside
    table = _compare(inside, outside)
    table = table[table["Pupils in group"] > 0].reset_index()
    subjects = {s: i for i, s in enumerate(subject_order(school["subject"]))}
    order = table["Subject"].map(subjects).sort_values(kind="stable").index
    return table.loc[order, GROUPS_COLUMNS].reset_index(drop=True)


def _compare(inside: pd.DataFrame, outside: pd.DataFrame) -> pd.DataFrame:
    in_pct = percent(inside["at_expected"], inside["assessed"])
    out_pct = percent(outside["at_expected"], outside["assessed"])
    return pd.DataFrame({
        "Pupils in group": inside["pupils"].astype(np.int64),
        "Pupils outside group": outside["pupils"].astype(np.int64),
        "% expected or above in group": in_pct,
        "% expected or above outside group": out_pct,
        "Gap": round_half_up(in_pct - out_pct),
        "Average progress in group": average(inside["progress_sum"], inside["progress_count"]),
        "Average progress outside group": average(outside["progress_sum"], outside["progress_count"]),
    })


def _flag(values: pd.Series) -> pd.Series:
    return values.fillna(False).astype(bool)


def _distinct_text(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(codes, texts): each row's value as stripped text ("" for blank) is texts[codes]; the text
    work runs once per distinct value, not once per row."""
    codes, distinct = pd.factorize(values.fillna("").astype(str).to_numpy(object))
    return codes, np.array([text.strip() for text in distinct], dtype=object)


def _categories(name: str, codes: np.ndarray, texts: np.ndarray) -> dict[str, np.ndarray]:
    return {f"{name}: {value}": (texts == value)[codes] for value in sorted(set(texts) - {""})}


def _custom(name: str, values: pd.Series) -> dict[str, np.ndarray]:
    codes, texts = _distinct_text(values)
    present = set(texts) - {""}
    if present and {value.upper() for value in present} <= YES_VALUES:
        return {name: (texts != "")[codes]}
    return _categories(name, codes, texts)
