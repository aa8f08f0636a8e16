"""The `Moderation` tab: are teachers' judgements reliable and free from bias?

Two comparisons, per subject, for every class and every pupil group:

- *Tests*: the teacher's judgement against the test suggestion of the same window, for pupils who
  have both. Agreement is the share where both give the same position; the mean difference is
  judgement minus test in points or steps (negative: the teacher judges below the tests). For a
  group, the lean is its mean difference less that of the pupils outside it: the two are compared
  on the same test scores.
- *Statutory results* (Year 6 with key stage 2, Year 2 with key stage 1): of the pupils the teacher
  judged at expected or above in the Spring, the share who met the standard; and of those judged
  below, the share who met it anyway.

A lean is flagged, in a sentence a head can take to a moderation meeting, only when the group is
large enough and the lean larger than the noise (see `sheets_templates/statutory/moderation.toml`).
Judgements are the teacher's own: a position that came from a test or a grid is not a judgement.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from functions.aggregates.groups import PUPIL_COLUMNS, membership
from functions.distinct import rows_at
from functions.frames import AT_EXPECTED_OR_ABOVE, CUSTOM_GROUP_PREFIX
from functions.framework import Framework
from functions.rounding import round_half_up
from functions.statutory import COUNTED, MET, StatutoryError, StatutoryRules

MODERATION_COLUMNS = ["Compared with", "Academic year", "Window", "Subject", "Class or group",
                      "Pupils", "Agreement %", "Mean difference", "Difference from the others",
                      "Leans", "Judged expected or above", "% of them who met the standard",
                      "Judged below expected", "% of them who met it anyway", "Flag"]
TESTS = "Tests"
GROUP_WORDS = {
    "Gender: M": ("Boys", "girls"), "Gender: F": ("Girls", "boys"),
    "Pupil premium": ("Pupil premium pupils", "the other pupils"),
    "SEN support (K)": ("Pupils on SEN support", "the other pupils"),
    "EHCP (E)": ("Pupils with an EHCP", "the other pupils"),
    "SEN (K or E)": ("Pupils with SEN", "the other pupils"),
    "EAL": ("EAL pupils", "the other pupils"),
    "Summer-born": ("Summer-born pupils", "the other pupils"),
}


@dataclass(frozen=True)
class ModerationRules:
    min_pupils: int
    noise_z: float
    min_difference: float
    window: str
    generous_if_met_under: float
    cautious_if_met_over: float


def moderation_rules(data: Mapping[str, Any], kind: str,
                     source: str = "moderation.toml") -> ModerationRules:
    """`moderation.toml` (parsed) for a framework of `kind` ("points" | "steps"); a missing or
    non-numeric key is one StatutoryError sentence naming it."""
    def number(table: Any, key: str, where: str = "") -> float:
        value = table.get(key) if isinstance(table, Mapping) else None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise StatutoryError(f"{source}: key '{where}{key}' is missing or not a number.")
        return float(value)
    window = data.get("window")
    if not isinstance(window, str) or not window.strip():
        raise StatutoryError(f"{source}: key 'window' must name a window, e.g. \"Spring\".")
    return ModerationRules(
        min_pupils=int(number(data, "min_pupils")), noise_z=number(data, "noise_z"),
        min_difference=number(data.get("min_difference"), kind, "min_difference."),
        window=window.strip(), generous_if_met_under=number(data, "generous_if_met_under"),
        cautious_if_met_over=number(data, "cautious_if_met_over"))


def _value_of(labels: pd.Series, fw: Framework) -> pd.Series:
    """A label's position value; NaN for marks, blanks and anything the framework cannot read."""
    return labels.map({label: float(value) for label, (value, _) in fw.labels.items()}).astype(float)


def _values_of(labels: np.ndarray, fw: Framework) -> np.ndarray:
    """`_value_of` on an array of labels, each distinct label looked up once."""
    codes, distinct = pd.factorize(labels)
    return np.append(_value_of(pd.Series(distinct, dtype=object), fw).to_numpy(float), np.nan)[codes]


def _unit(fw: Framework, amount: float) -> str:
    word = "point" if fw.kind == "points" else "step"
    return f"{amount:g} {word}" + ("" if amount == 1 else "s")


def _lean(mean: float, se: float, n: int, rules: ModerationRules) -> bool:
    """Large enough (n), larger than `min_difference` and than `noise_z` standard errors."""
    if n < rules.min_pupils or np.isnan(mean) or abs(mean) < rules.min_difference:
        return False
    return bool(se == 0 or abs(mean) > rules.noise_z * se)


def _stats(diff: np.ndarray) -> tuple[int, float, float, float]:
    """(pupils, agreement %, mean difference, standard error of the mean)."""
    n = int(diff.size)
    if n == 0:
        return 0, np.nan, np.nan, np.nan
    se = float(diff.std(ddof=1) / np.sqrt(n)) if n > 1 else np.inf
    return n, float(100.0 * (diff == 0).mean()), float(diff.mean()), se


def _row(compared: str, year: str, window: str, subject: str, who: str, **values: Any) -> dict:
    row: dict[str, Any] = dict.fromkeys(MODERATION_COLUMNS, np.nan)
    row.update({"Compared with": compared, "Academic year": year, "Window": window,
                "Subject": subject, "Class or group": who, "Leans": "", "Flag": ""})
    row.update(values)
    return row


def _leans(mean: float) -> str:
    """Which way the judgements lean, at the precision the tab shows (one decimal)."""
    if np.isnan(mean):
        return ""
    shown = float(round_half_up(mean))
    return "below the tests" if shown < 0 else "above the tests" if shown > 0 else "in line"


def judgements_against_tests(school: pd.DataFrame, fw: Framework, window: int, academic_year: str,
                             rules: ModerationRules) -> list[dict]:
    """Rows of the Tests comparison at `window` (the SCHOOL frame of one year)."""
    groups = [c for c in school.columns if c.startswith(CUSTOM_GROUP_PREFIX)]
    at = np.flatnonzero((school["window"] == window).to_numpy() & school["on_roll"].to_numpy(bool))
    diff = (_values_of(school["judgement"].to_numpy(object)[at], fw)
            - _values_of(school["test_label"].to_numpy(object)[at], fw))
    both = ~np.isnan(diff)          # a judgement and a test suggestion
    if not both.any():
        return []
    rows = school[["subject", "class_name", *PUPIL_COLUMNS, *groups]].take(at[both])
    diff = diff[both]
    subjects, classes = rows["subject"].to_numpy(object), rows["class_name"].to_numpy(object)
    window_name = fw.windows[window - 1]
    members = membership(rows)
    member_matrix = members.to_numpy(bool)
    out: list[dict] = []
    for subject in pd.unique(subjects):
        in_subject = subjects == subject
        mine = diff[in_subject]
        n, agree, mean, _ = _stats(mine)
        out.append(_row(TESTS, academic_year, window_name, subject, "All pupils", Pupils=n,
                        **{"Agreement %": round_half_up(agree), "Mean difference": round_half_up(mean),
                           "Leans": _leans(mean)}))
        for name in _class_names(classes[in_subject]):
            n, agree, mean, se = _stats(diff[in_subject & (classes == name)])
            flag = ""
            if _lean(mean, se, n, rules):
                flag = (f"Class {name} judges {subject} {_unit(fw, float(round_half_up(abs(mean))))} "
                        f"{'below' if mean < 0 else 'above'} its tests ({n} pupils; "
                        f"{float(round_half_up(agree)):g}% agree).")
            out.append(_row(TESTS, academic_year, window_name, subject, f"Class {name}", Pupils=n,
                            **{"Agreement %": round_half_up(agree),
                               "Mean difference": round_half_up(mean), "Leans": _leans(mean),
                               "Flag": flag}))
        group_members = member_matrix[in_subject]
        genders = [c for i, c in enumerate(members.columns)
                   if c.startswith("Gender: ") and group_members[:, i].any()]
        for i, group in enumerate(members.columns):
            inside = group_members[:, i]
            if not inside.any():
                continue
            n, agree, mean, _ = _stats(mine[inside])
            m, _, other_mean, _ = _stats(mine[~inside])
            gap = mean - other_mean if m else np.nan
            se = (float(np.sqrt(mine[inside].var(ddof=1) / n + mine[~inside].var(ddof=1) / m))
                  if n > 1 and m > 1 else np.inf)
            flag = ""
            mirrored = group in genders and len(genders) == 2 and gap > 0   # said once, by the lower
            if m >= rules.min_pupils and _lean(gap, se, n, rules) and not mirrored:
                name, others = GROUP_WORDS.get(group, (f"Pupils in {group}", "the other pupils"))
                if group in genders and len(genders) != 2:
                    others = "the other pupils"
                flag = (f"{name} are judged {_unit(fw, float(round_half_up(abs(gap))))} "
                        f"{'below' if gap < 0 else 'above'} {others} in {subject} on the same test "
                        f"scores ({n} and {m} pupils).")
            out.append(_row(TESTS, academic_year, window_name, subject, group, Pupils=n,
                            **{"Agreement %": round_half_up(agree), "Mean difference": round_half_up(mean),
                               "Difference from the others": round_half_up(gap),
                               "Leans": _leans(mean), "Flag": flag}))
    return out


def _class_names(classes: np.ndarray) -> list:
    """The distinct class names, in order (as a groupby by class sorts them; none missing)."""
    return sorted(set(classes[pd.notna(classes)]))


def statutory_against_judgements(school: pd.DataFrame, results: pd.DataFrame, fw: Framework,
                                 academic_year: str, rules: ModerationRules,
                                 statutory: StatutoryRules) -> list[dict]:
    """Rows comparing the teacher's judgements in `rules.window` (else the window before the last)
    of Year 6 and Year 2 with their key stage 2 and key stage 1 results of the same year."""
    windows = list(fw.windows)
    window = windows.index(rules.window) + 1 if rules.window in windows else max(1, len(windows) - 1)
    window_name = windows[window - 1]
    out: list[dict] = []
    outcome = results["outcome"].to_numpy(object)
    counted = (results["academic_year"] == academic_year).to_numpy() & np.isin(outcome, list(COUNTED))
    checks = results["check"].to_numpy(object)
    judged_then = np.flatnonzero((school["window"] == window).to_numpy()
                                 & (school["source"] == "teacher").to_numpy())
    year = school["year"].to_numpy()[judged_then]
    for check in ("ks2", "ks1"):
        year_group = next((c.year_group for c in statutory.columns if c.check == check), None)
        stage = np.flatnonzero(counted & (checks == check))
        if year_group is None or not len(stage):
            continue
        judged = judged_then[year == year_group]
        result = rows_at([school["upn"].to_numpy(object)[judged],
                          _casefolded(school["subject"].to_numpy(object)[judged])],
                         [results["upn"].to_numpy(object)[stage],
                          _casefolded(results["subject"].to_numpy(object)[stage])])
        both = judged[result >= 0]      # with the pupil's last result in the subject
        if not len(both):
            continue
        expected = np.isin(school["status"].to_numpy(object)[both], list(AT_EXPECTED_OR_ABOVE))
        met = np.isin(outcome[stage[result[result >= 0]]], list(MET))
        subjects = school["subject"].to_numpy(object)[both]
        classes = school["class_name"].to_numpy(object)[both]
        name = statutory.check_names[check]
        name = name[:1].lower() + name[1:]      # "at key stage 2", in a sentence
        for subject in pd.unique(subjects):
            in_subject = subjects == subject
            parts = [("All pupils", in_subject)] + [(f"Class {c}", in_subject & (classes == c))
                                                    for c in _class_names(classes[in_subject])]
            for who, part in parts:
                out.append(_statutory_row(expected[part], met[part], name, academic_year, window_name,
                                          subject, who, rules))
    return out


def _casefolded(texts: np.ndarray) -> np.ndarray:
    """Each text casefolded (worked out once per distinct text); anything not a text is NaN, as
    pandas' `.str.casefold()` gives."""
    codes, distinct = pd.factorize(texts)
    folded = [text.casefold() if isinstance(text, str) else np.nan for text in distinct]
    return np.array([*folded, np.nan], dtype=object)[codes]


def _statutory_row(expected: np.ndarray, met: np.ndarray, check: str, year: str, window: str,
                   subject: str, who: str, rules: ModerationRules) -> dict:
    """One row of the statutory comparison: whether each pupil was judged at expected or above,
    and whether they met the standard."""
    above, below = met[expected], met[~expected]      # whether each met the standard
    met_above = 100.0 * above.mean() if len(above) else np.nan
    met_below = 100.0 * below.mean() if len(below) else np.nan
    flags = []
    whose = who if who != "All pupils" else "the school"
    if len(above) >= rules.min_pupils and met_above < rules.generous_if_met_under:
        flags.append(f"Of {len(above)} pupils {whose} judged at expected or above in {subject} in "
                     f"{window}, {float(round_half_up(met_above)):g}% met the standard at {check}: "
                     "those judgements were generous.")
    if len(below) >= rules.min_pupils and met_below > rules.cautious_if_met_over:
        flags.append(f"Of {len(below)} pupils {whose} judged below expected in {subject} in "
                     f"{window}, {float(round_half_up(met_below)):g}% met the standard at {check} "
                     "anyway: those judgements were cautious.")
    flag = " ".join(flags)
    agree = 100.0 * (expected == met).mean()
    return _row(check[0].upper() + check[1:], year, window, subject, who, Pupils=len(expected),
                **{"Agreement %": round_half_up(agree), "Judged expected or above": len(above),
                   "% of them who met the standard": round_half_up(met_above),
                   "Judged below expected": len(below),
                   "% of them who met it anyway": round_half_up(met_below), "Flag": flag})


def moderation_table(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=MODERATION_COLUMNS)
    numeric = ["Pupils", "Agreement %", "Mean difference", "Difference from the others",
               "Judged expected or above", "% of them who met the standard",
               "Judged below expected", "% of them who met it anyway"]
    return frame.astype({c: float for c in numeric} | {"Pupils": "Int64"})
