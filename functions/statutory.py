"""Statutory assessments: what a typed result means, each pupil's measures and the school's figures.

Every threshold and code comes from `sheets_templates/statutory/checks.toml` (loaded here from the
parsed TOML by `load_statutory_rules`); the national figures from `sheets_templates/national/`
(`load_national`). The flow is the engine's own:

    STATUTORY cells (sync.reader: workbook, academic_year, cell, upn, column, raw)
      -> parse_statutory: RESULTS (one per pupil x result) + problems
      -> pupil_measures: MEASURES (one per pupil x measure: counted, met, score)
      -> statutory_table: the `Statutory` tab of Tracker summary (school, national, disadvantaged)

RESULTS   workbook, academic_year (the year the check was taken), cell, upn, check, subject,
          column, result (as shown: "35", "EXS", "A"), score (float, NaN for a code), code,
          outcome ("high" | "expected" | "not met" | "left out" | "" where there is no standard),
          meaning (the code's meaning, "" for a score)
MEASURES  academic_year, workbook, upn, measure, counted (bool: in the denominator), met (bool),
          score (float: the mean's value, NaN elsewhere), pupil_premium (bool)
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from functions import frames
from functions.academic_year import is_academic_year, shift_academic_year
from functions.aggregates.governors import GOVERNORS_COLUMNS, SMALL, SUPPRESSED
from functions.distinct import distinct_rows, labels_for, rows_at, rows_in
from functions.rounding import round_half_up

OUTCOMES = ("high", "expected", "not met", "left out")
COUNTED = ("high", "expected", "not met")
MET = ("high", "expected")
STATUTORY_CELLS = frames.STATUTORY
RESULTS = ["workbook", "academic_year", "cell", "upn", "check", "subject", "column", "result",
           "score", "code", "outcome", "meaning"]
MEASURES = ["academic_year", "workbook", "upn", "measure", "counted", "met", "score",
            "pupil_premium"]
STATUTORY_COLUMNS = ["Academic year", "Check", "Measure", "Pupils", "School", "National",
                     "Difference", "National figure of", "Disadvantaged pupils", "Disadvantaged",
                     "Others", "Gap", "National gap", "Note"]
TAB = "Statutory"


class StatutoryError(ValueError):
    """A rules or national-figures file that does not hold together: one sentence."""


@dataclass(frozen=True)
class Column:
    """One column of a class workbook's Statutory tab."""

    name: str
    check: str                       # eyfs | phonics | phonics_retake | mtc | ks2 | ks1
    subject: str                     # KS subject ("Reading"), EYFS goal's column, or ""
    kind: str                        # goal | mark | scaled | code
    year_group: int
    years_before: int = 0
    maximum: int = 0                 # marks: the highest mark
    codes: Mapping[str, tuple[str, str]] = field(default_factory=dict)   # code -> (outcome, meaning)
    values: tuple[str, ...] = ()     # goals: the words a cell may hold

    @property
    def choices(self) -> list[str]:
        """What the column's drop-down offers."""
        return list(self.values) + list(self.codes)


@dataclass(frozen=True)
class StatutoryRules:
    """`checks.toml` as values. Build with `load_statutory_rules`."""

    source: str
    columns: tuple[Column, ...]
    check_names: Mapping[str, str]
    subject_words: Mapping[tuple[str, str], str]
    eyfs_met: str
    gld_goals: tuple[str, ...]
    phonics_max: int
    phonics_standard: int
    mtc_max: int
    scaled: Mapping[str, int]        # min, max, expected, high
    rwm: Mapping[str, tuple[str, ...]]
    years_shown: int
    one_pupil_note_under: int
    words: Mapping[str, str]
    eyfs_baseline: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # subject -> goals
    eyfs_emerging: Mapping[str, int] = field(default_factory=dict)   # framework kind -> below by

    def columns_for_year(self, year_group: int) -> list[Column]:
        return [c for c in self.columns if c.year_group == year_group]

    def column(self, header: object) -> Column | None:
        """The column a header names, ignoring case and spacing."""
        return self._by_key.get(_key(header))

    @cached_property
    def _by_key(self) -> dict[str, Column]:
        return {_key(c.name): c for c in self.columns}

    def measures(self) -> list[tuple[str, str, str]]:
        """(measure id, check name, measure name) in the order the tab shows them."""
        out = [("eyfs_gld", self.check_names["eyfs"], "good level of development"),
               ("phonics_year1", self.check_names["phonics"], "Year 1: met the standard"),
               ("phonics_retake", self.check_names["phonics"], "Year 2 retake: met the standard"),
               ("phonics_year2", self.check_names["phonics"], "by the end of Year 2: met the standard"),
               ("mtc_mean", self.check_names["mtc"], f"mean score (out of {self.mtc_max})"),
               ("mtc_full", self.check_names["mtc"], f"full marks ({self.mtc_max})")]
        for check in ("ks2", "ks1"):
            for column in (c for c in self.columns if c.check == check):
                subject = column.subject
                out.append((measure_id(check, subject, "expected"), self.check_names[check],
                            f"{subject}: expected standard"))
                if _has_high(column):
                    out.append((measure_id(check, subject, "high"), self.check_names[check],
                                f"{subject}: {'high score' if column.kind == 'scaled' else 'greater depth'}"))
            out.append((measure_id(check, "RWM", "expected"), self.check_names[check],
                        "reading, writing and maths: expected standard"))
            out.append((measure_id(check, "RWM", "high"), self.check_names[check],
                        "reading, writing and maths: higher standard"))
        return out


def measure_id(check: str, subject: str, level: str) -> str:
    """"ks2", "Reading", "expected" -> "ks2_reading_expected" (the key national files use)."""
    return f"{check}_{subject.lower()}_{level}"


def _has_high(column: Column) -> bool:
    return column.kind == "scaled" or any(o == "high" for o, _ in column.codes.values())


def _key(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().casefold()


# ---------------------------------------------------------------------------------------------
# Loading the rules


def load_statutory_rules(data: Mapping[str, Any], source: str) -> StatutoryRules:
    """Check and turn the parsed `checks.toml` into rules; a mistake is one StatutoryError sentence."""
    def need(table: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
        value = table.get(key) if isinstance(table, Mapping) else None
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            raise StatutoryError(f"{source}: key '{where}{key}' is missing or not a "
                                 f"{getattr(kind, '__name__', 'value')}.")
        return value

    def codes(table: Any, where: str) -> dict[str, tuple[str, str]]:
        if not isinstance(table, Mapping) or not table:
            raise StatutoryError(f"{source}: key '{where}' must list codes.")
        out = {}
        for code, spec in table.items():
            if isinstance(spec, str):
                out[str(code).upper()] = ("", spec)
                continue
            outcome = spec.get("outcome") if isinstance(spec, Mapping) else None
            if outcome not in OUTCOMES:
                raise StatutoryError(f"{source}: code '{where}.{code}' needs an outcome, one of "
                                     f"{', '.join(OUTCOMES)}.")
            out[str(code).upper()] = (outcome, str(spec.get("meaning", code)))
        return out

    eyfs, phonics, mtc = (need(data, k, dict, "") for k in ("eyfs", "phonics", "mtc"))
    columns: list[Column] = []
    eyfs_year, eyfs_back = need(eyfs, "year_group", int, "eyfs."), need(eyfs, "years_before", int, "eyfs.")
    values = tuple(str(v) for v in need(eyfs, "values", list, "eyfs."))
    met = need(eyfs, "met", str, "eyfs.")
    if met not in values:
        raise StatutoryError(f"{source}: key 'eyfs.met' must be one of eyfs.values.")
    goals = need(eyfs, "goals", list, "eyfs.")
    for goal in goals:
        columns.append(Column(need(goal, "column", str, "eyfs.goals."), "eyfs",
                              need(goal, "column", str, "eyfs.goals."), "goal", eyfs_year, eyfs_back,
                              values=values))
    gld = tuple(g["column"] for g in goals if g.get("gld"))
    baseline = {str(subject): tuple(str(g) for g in listed)
                for subject, listed in eyfs.get("baseline", {}).items()}
    unknown_goals = {g for listed in baseline.values() for g in listed} - {g["column"] for g in goals}
    if unknown_goals:
        raise StatutoryError(f"{source}: key 'eyfs.baseline' names {', '.join(sorted(unknown_goals))}, "
                             "not a goal of eyfs.goals.")
    emerging = {str(k): int(v) for k, v in eyfs.get("baseline_emerging", {}).items()}
    standard, top = need(phonics, "standard", int, "phonics."), need(phonics, "max", int, "phonics.")
    if not 0 < standard <= top:
        raise StatutoryError(f"{source}: key 'phonics.standard' must lie between 1 and phonics.max.")
    phonics_codes = {c: ("not met", m) for c, (_, m) in codes(phonics.get("codes"), "phonics.codes").items()}
    columns.append(Column(need(phonics, "column", str, "phonics."), "phonics", "", "mark",
                          need(phonics, "year_group", int, "phonics."), maximum=top, codes=phonics_codes))
    columns.append(Column(need(phonics, "retake_column", str, "phonics."), "phonics_retake", "", "mark",
                          need(phonics, "retake_year_group", int, "phonics."), maximum=top,
                          codes=phonics_codes))
    mtc_max = need(mtc, "max", int, "mtc.")
    columns.append(Column(need(mtc, "column", str, "mtc."), "mtc", "", "mark",
                          need(mtc, "year_group", int, "mtc."), maximum=mtc_max,
                          codes={c: ("left out", m) for c, (_, m) in codes(mtc.get("codes"), "mtc.codes").items()}))
    names = {"eyfs": need(eyfs, "name", str, "eyfs."), "phonics": need(phonics, "name", str, "phonics."),
             "mtc": need(mtc, "name", str, "mtc.")}
    words: dict[tuple[str, str], str] = {}
    rwm: dict[str, tuple[str, ...]] = {}
    scaled: dict[str, int] = {}
    for check in ("ks2", "ks1"):
        stage = need(data, check, dict, "")
        names[check] = need(stage, "name", str, f"{check}.")
        year = need(stage, "year_group", int, f"{check}.")
        if "scaled" in stage:
            scaled = {k: need(stage["scaled"], k, int, f"{check}.scaled.") for k in ("min", "max", "expected", "high")}
            if not scaled["min"] <= scaled["expected"] <= scaled["high"] <= scaled["max"]:
                raise StatutoryError(f"{source}: key '{check}.scaled' needs min <= expected <= high <= max.")
        code_lists = need(stage, "codes", dict, f"{check}.")
        subjects = need(stage, "subjects", list, f"{check}.")
        for spec in subjects:
            subject = need(spec, "subject", str, f"{check}.subjects.")
            kind = need(spec, "kind", str, f"{check}.subjects.")
            if kind not in code_lists:
                raise StatutoryError(f"{source}: {check} subject {subject} has kind '{kind}' but "
                                     f"there is no [{check}.codes.{kind}].")
            is_test = kind == "test"
            if is_test and not scaled:
                raise StatutoryError(f"{source}: {check} has tests but no '{check}.scaled'.")
            columns.append(Column(need(spec, "column", str, f"{check}.subjects."), check, subject,
                                  "scaled" if is_test else "code", year,
                                  codes=codes(code_lists[kind], f"{check}.codes.{kind}")))
            words[(check, subject)] = str(spec.get("words", subject.lower()))
        rwm[check] = tuple(need(stage, "rwm", list, f"{check}."))
        unknown = set(rwm[check]) - {s["subject"] for s in subjects}
        if unknown:
            raise StatutoryError(f"{source}: key '{check}.rwm' names {', '.join(sorted(unknown))}, "
                                 f"not a subject of {check}.")
    seen: set[str] = set()
    for column in columns:
        if _key(column.name) in seen:
            raise StatutoryError(f"{source}: the column '{column.name}' is listed twice.")
        seen.add(_key(column.name))
    summary = need(data, "summary", dict, "")
    years_shown = need(summary, "years_shown", int, "summary.")
    note_under = need(summary, "one_pupil_note_under", int, "summary.")
    if years_shown < 1:
        raise StatutoryError(f"{source}: key 'summary.years_shown' must be 1 or more.")
    return StatutoryRules(
        source=source, columns=tuple(columns), check_names=names, subject_words=words,
        eyfs_met=met, gld_goals=gld, phonics_max=top, phonics_standard=standard, mtc_max=mtc_max,
        scaled=scaled, rwm=rwm, years_shown=years_shown, one_pupil_note_under=note_under,
        words={str(k): str(v) for k, v in data.get("words", {}).items()},
        eyfs_baseline=baseline, eyfs_emerging=emerging)


# ---------------------------------------------------------------------------------------------
# Cells -> results


def expected_text(column: Column, rules: StatutoryRules) -> str:
    """What Problems says belongs in a cell of `column`."""
    codes = ", ".join(f"{code} ({meaning})" if len(column.codes) <= 3 else code
                      for code, (_, meaning) in column.codes.items())
    if column.kind == "goal":
        return " or ".join(column.values)
    if column.kind == "mark":
        return f"a whole number from 0 to {column.maximum}, or {codes}"
    if column.kind == "scaled":
        return f"a scaled score from {rules.scaled['min']} to {rules.scaled['max']}, or one of {codes}"
    return f"one of {codes}"


def _number(raw: object, maximum: int | None = None) -> float | None:
    """A whole number typed as a number or text ("35", "35/40" when 40 is the maximum)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float, np.integer, np.floating)):
        value = float(raw)
    elif isinstance(raw, str):
        text = raw.strip()
        match = re.fullmatch(r"(\d+)\s*/\s*(\d+)", text)
        if match and maximum is not None and int(match.group(2)) == maximum:
            text = match.group(1)
        if not re.fullmatch(r"\d+(\.0*)?", text):
            return None
        value = float(text)
    else:
        return None
    return value if value == value and value.is_integer() else None


def parse_result(raw: object, column: Column, rules: StatutoryRules) -> tuple[str, float, str, str, str] | None:
    """(result, score, code, outcome, meaning) of one cell, or None when it cannot be read."""
    if isinstance(raw, str):
        code = re.sub(r"\s+", "", raw).upper()
        if code in column.codes:
            outcome, meaning = column.codes[code]
            return code, np.nan, code, outcome, meaning
        if column.kind == "goal":
            word = raw.strip().casefold()
            for value in column.values:
                if value.casefold() == word:
                    return value, np.nan, "", "expected" if value == rules.eyfs_met else "not met", ""
            return None
    if column.kind == "mark":
        score = _number(raw, column.maximum)
        if score is None or not 0 <= score <= column.maximum:
            return None
        outcome = ""
        if column.check in ("phonics", "phonics_retake"):
            outcome = "expected" if score >= rules.phonics_standard else "not met"
        return str(int(score)), score, "", outcome, ""
    if column.kind == "scaled":
        score = _number(raw)
        if score is None or not rules.scaled["min"] <= score <= rules.scaled["max"]:
            return None
        outcome = ("high" if score >= rules.scaled["high"] else
                   "expected" if score >= rules.scaled["expected"] else "not met")
        return str(int(score)), score, "", outcome, ""
    return None


def parse_statutory(cells: pd.DataFrame, rules: StatutoryRules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """RESULTS of the STATUTORY cells, and a PROBLEMS frame: an unreadable cell or a column the
    rules do not know is an error with its address; a pupil with only some of the goals of a good
    level of development is a warning (they are left out of GLD)."""
    # a school's cells repeat a few headers, years and values: each is worked out once
    header, headers = pd.factorize(cells["column"].to_numpy(object), use_na_sentinel=False)
    columns = [rules.column(h) for h in headers]
    raw = cells["raw"].to_numpy(object)
    kind = np.fromiter(map(type, raw), dtype=object, count=len(raw))    # 1, 1.0 and True are equal
    first, value = distinct_rows([header, kind, raw])
    parsed = [parse_result(raw[i], column, rules) if (column := columns[header[i]]) else None
              for i in first]
    read = np.array([result is not None for result in parsed], dtype=bool)[value]   # known and readable
    problems = [(row.workbook, TAB, row.cell, row.column,
                 "a column of the Statutory tab (see sheets_templates/statutory/checks.toml)", "warning")
                if (column := columns[h]) is None else
                (row.workbook, TAB, row.cell, _shown(row.raw), f"{column.name}: {expected_text(column, rules)}",
                 "error")
                for row, h in zip(cells[~read].itertuples(index=False), header[~read], strict=True)]
    kept = np.flatnonzero(read)
    of_column, of_value = header[kept], value[kept]

    def per_column(attribute: str) -> np.ndarray:
        return np.array([getattr(c, attribute) if c else None for c in columns], dtype=object)[of_column]

    def per_value(position: int) -> np.ndarray:
        return np.array([p[position] if p else None for p in parsed], dtype=object)[of_value]

    taken, years_before = cells["academic_year"].to_numpy(object)[kept], per_column("years_before")
    when, of_when = distinct_rows([taken, years_before])
    year = np.array([shift_academic_year(str(taken[i]), -years_before[i]) for i in when], dtype=object)
    results = pd.DataFrame({
        "workbook": cells["workbook"].to_numpy(object)[kept], "academic_year": year[of_when],
        "cell": cells["cell"].to_numpy(object)[kept], "upn": cells["upn"].to_numpy(object)[kept],
        "check": per_column("check"), "subject": per_column("subject"), "column": per_column("name"),
        **{name: per_value(i) for i, name in enumerate(("result", "score", "code", "outcome", "meaning"))},
    } if len(kept) else {}, columns=RESULTS).astype({"score": float})
    gld = results[(results["check"] == "eyfs") & results["subject"].isin(rules.gld_goals)]
    workbook, upn = gld["workbook"].to_numpy(object), gld["upn"].to_numpy(object)
    first, pupil = distinct_rows([workbook, upn])
    typed = np.bincount(pupil, minlength=len(first))
    by_pupil = np.lexsort((upn[first].astype(str), workbook[first].astype(str)))   # workbook, UPN
    for i in by_pupil[typed[by_pupil] < len(rules.gld_goals)]:
        problems.append((workbook[first[i]], TAB, gld["cell"].iloc[first[i]],
                         f"{typed[i]} of {len(rules.gld_goals)} goals",
                         f"all {len(rules.gld_goals)} goals of a good level of development "
                         "(this pupil is left out of GLD until they are there)", "warning"))
    return results, pd.DataFrame(problems, columns=frames.PROBLEMS, dtype=str)


def _shown(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


# ---------------------------------------------------------------------------------------------
# Results -> each pupil's measures


def pupil_measures(results: pd.DataFrame, pupils: pd.DataFrame, rules: StatutoryRules) -> pd.DataFrame:
    """MEASURES: one row per pupil x measure x academic year; a pupil whose result is typed twice
    in one year (a class move, a second row) counts once, with the last one read.

    `pupils` is the PUPILS frame (every year): it gives each pupil's pupil premium and tells which
    pupils were in Year 2 (for phonics by the end of Year 2)."""
    results = results.drop_duplicates(["academic_year", "check", "subject", "upn"], keep="last")
    year, workbook, upn, check, subject, outcome = (
        results[c].to_numpy(object) for c in ("academic_year", "workbook", "upn", "check", "subject", "outcome"))
    score = results["score"].to_numpy(float)
    counted, met, high = np.isin(outcome, COUNTED), np.isin(outcome, MET), outcome == "high"
    parts: list[dict[str, np.ndarray]] = []

    def add(rows: np.ndarray, measure: str, counts: np.ndarray, meets: np.ndarray,
            scores: np.ndarray | float = np.nan) -> None:
        """Rows (positions in `results`) of one measure; met only where counted."""
        parts.append({"academic_year": year[rows], "workbook": workbook[rows], "upn": upn[rows],
                      "measure": np.full(len(rows), measure, dtype=object), "counted": counts,
                      "met": meets & counts, "score": np.broadcast_to(scores, len(rows))})

    for taken in ("phonics", "phonics_retake"):
        rows = np.flatnonzero(check == taken)
        add(rows, "phonics_year1" if taken == "phonics" else "phonics_retake", counted[rows], met[rows])
    rows = np.flatnonzero((check == "mtc") & ~np.isnan(score))
    add(rows, "mtc_mean", np.ones(len(rows), bool), np.zeros(len(rows), bool), score[rows])
    add(rows, "mtc_full", np.ones(len(rows), bool), score[rows] >= rules.mtc_max)
    for stage in ("ks2", "ks1"):
        in_stage = check == stage
        for name in pd.unique(subject[in_stage]):
            rows = np.flatnonzero(in_stage & (subject == name))
            add(rows, measure_id(stage, str(name), "expected"), counted[rows], met[rows])
            add(rows, measure_id(stage, str(name), "high"), counted[rows], high[rows])
        _rwm(add, year, upn, subject, in_stage, counted, met, high, rules.rwm[stage], stage)
    for extra in (_gld(results, rules), _phonics_by_year2(results, pupils, rules)):
        parts.append({column: extra[column].to_numpy() for column in MEASURES[:-1]})
    parts = [part for part in parts if len(part["upn"])]
    if not parts:
        return pd.DataFrame(columns=MEASURES)
    measures = pd.DataFrame({column: np.concatenate([part[column] for part in parts])
                             for column in MEASURES[:-1]})
    pupil = rows_in(measures, pupils, ["workbook", "upn"])     # the pupil's last row
    premium = np.append(pupils["pupil_premium"].to_numpy(object), np.nan)[pupil]   # -1: NaN
    measures["pupil_premium"] = np.where(pd.notna(premium), premium, False).astype(bool)
    return measures


def _rwm(add: Callable[[np.ndarray, str, np.ndarray, np.ndarray], None], year: np.ndarray,
         upn: np.ndarray, subject: np.ndarray, in_stage: np.ndarray, counted: np.ndarray,
         met: np.ndarray, high: np.ndarray, rwm: tuple[str, ...], stage: str) -> None:
    """Reading, writing and maths together, for each pupil x academic year with a result in each
    (a subject missing: no RWM yet), in order of year then UPN, each from the pupil's last row of
    the key stage (`results` has one row per pupil, year and subject)."""
    staged = np.flatnonzero(in_stage)
    first, pupil = distinct_rows([year[staged], upn[staged]])
    last = np.zeros(len(first), np.int64)
    last[pupil] = staged                       # repeated indexes: the last write wins
    in_rwm = np.isin(subject[staged], rwm)
    subjects = np.bincount(pupil[in_rwm], minlength=len(first))
    complete = subjects == len(rwm)
    if not complete.any():
        return

    def every(flags: np.ndarray) -> np.ndarray:
        held = np.bincount(pupil[in_rwm], weights=flags[staged][in_rwm], minlength=len(first))
        return (held == subjects)[complete]

    chosen = last[complete]
    order = np.lexsort((upn[chosen].astype(str), year[chosen].astype(str)))
    counts = every(counted)
    add(chosen[order], measure_id(stage, "RWM", "expected"), counts[order], every(met)[order])
    add(chosen[order], measure_id(stage, "RWM", "high"), counts[order], every(high)[order])


def _gld(results: pd.DataFrame, rules: StatutoryRules) -> pd.DataFrame:
    """Good level of development: every GLD goal at `expected`; only complete profiles count."""
    goals = results[(results["check"] == "eyfs") & results["subject"].isin(rules.gld_goals)]
    if goals.empty:
        return pd.DataFrame(columns=MEASURES)
    year, upn = goals["academic_year"].to_numpy(object), goals["upn"].to_numpy(object)
    first, pupil = distinct_rows([year, upn])
    last = np.zeros(len(first), np.int64)
    last[pupil] = np.arange(len(pupil))               # repeated indexes: the last write wins
    one_each = distinct_rows([pupil, goals["subject"].to_numpy(object)])[0]
    typed = np.bincount(pupil[one_each], minlength=len(first))
    expected = np.bincount(pupil, weights=goals["outcome"].to_numpy(object) == "expected",
                           minlength=len(first))
    complete = typed == len(rules.gld_goals)
    return pd.DataFrame({"academic_year": year[first], "workbook": goals["workbook"].to_numpy(object)[last],
                         "upn": upn[first], "measure": "eyfs_gld", "counted": complete,
                         "met": complete & (expected == len(rules.gld_goals)), "score": np.nan})


def _phonics_by_year2(results: pd.DataFrame, pupils: pd.DataFrame, rules: StatutoryRules) -> pd.DataFrame:
    """Phonics by the end of Year 2: each pupil in Year 2 in year Y counted once: met if they met
    the standard in Year 1 (year Y-1) or at the retake. Pupils with neither result on record are
    left out. A year is shown only when some of its Year 2 pupils have a Year 1 mark on record
    (else the figure would be the retake's alone) and the retake has been typed (before June it
    would be the Year 1 figure again)."""
    retake_year = next(c.year_group for c in rules.columns if c.check == "phonics_retake")
    year2 = np.flatnonzero((pupils["year"] == retake_year).to_numpy())
    if not len(year2):
        return pd.DataFrame(columns=MEASURES)
    year, upn = (pupils[c].to_numpy(object)[year2] for c in ("academic_year", "upn"))
    last = _last_rows([year, upn])                  # a pupil's last row of the year
    year, upn, workbook = year[last], upn[last], pupils["workbook"].to_numpy(object)[year2[last]]
    check = results["check"].to_numpy(object)
    result_year, result_upn, outcome = (results[c].to_numpy(object)
                                        for c in ("academic_year", "upn", "outcome"))
    taken = {}           # each Year 2 pupil's Year 1 mark (a year earlier) and retake; NaN: none
    for name, shift in (("phonics", 1), ("phonics_retake", 0)):
        mine = np.flatnonzero(check == name)
        years = _shifted_years(result_year[mine], shift) if shift else result_year[mine]
        found = rows_at([year, upn], [years, result_upn[mine]])     # one result per pupil and year
        taken[name] = np.append(outcome[mine], np.nan)[found]
        if name == "phonics_retake":
            retaken_in = set(years)
    first, retake = taken["phonics"], taken["phonics_retake"]
    known = np.isin(first, COUNTED) | np.isin(retake, COUNTED)
    shown = (np.isin(year, list(set(year[pd.notna(first)]))) & np.isin(year, list(retaken_in)))
    keep = known & shown
    return pd.DataFrame({"academic_year": year[keep], "workbook": workbook[keep], "upn": upn[keep],
                         "measure": "phonics_year2", "counted": True,
                         "met": (np.isin(first, MET) | np.isin(retake, MET))[keep], "score": np.nan})


def _last_rows(columns: list[np.ndarray]) -> np.ndarray:
    """Positions of the last row of each distinct combination of `columns`, in row order (what
    `drop_duplicates(keep="last")` keeps)."""
    key = distinct_rows(columns)[1]
    last = np.empty(int(key.max(initial=-1)) + 1, np.int64)
    last[key] = np.arange(len(key))              # repeated indexes: the last write wins
    return np.sort(last)


def _shifted_years(years: np.ndarray, by: int) -> np.ndarray:
    """Each academic year `by` years later, worked out once per distinct year."""
    codes, distinct = pd.factorize(years)
    return np.array([*(shift_academic_year(y, by) for y in distinct), np.nan], dtype=object)[codes]


# ---------------------------------------------------------------------------------------------
# The EYFS Profile as Year 1's baseline


def eyfs_baselines(results: pd.DataFrame, rules: StatutoryRules, fw: Any, academic_year: str,
                   subjects: Sequence[str]) -> pd.DataFrame:
    """BASELINES rows (functions/frames.py) from the Profiles completed the year before
    `academic_year` (typed in this year's Year 1): per subject of `rules.eyfs_baseline` that the
    school has, a pupil with every listed goal typed gets the end-of-Reception expectation, less
    `eyfs_emerging[fw.kind]` when any of them is `emerging`."""
    year = shift_academic_year(academic_year, -1)
    goals = np.flatnonzero((results["check"] == "eyfs").to_numpy() & (results["academic_year"] == year).to_numpy())
    upn, subject, outcome = (results[c].to_numpy(object)[goals] for c in ("upn", "subject", "outcome"))
    if len(goals):
        last = _last_rows([upn, subject])          # a goal typed twice: the last one read
        upn, subject, outcome = upn[last], subject[last], outcome[last]
    school_subject = {s.casefold(): s for s in subjects}
    below = rules.eyfs_emerging.get(fw.kind, 0)
    parts: list[tuple[np.ndarray, str, np.ndarray]] = []
    for name, listed in rules.eyfs_baseline.items():
        if name.casefold() not in school_subject:
            continue
        mine = _is_in(subject, listed)
        upns, pupil = np.unique(upn[mine], return_inverse=True)
        typed = np.bincount(pupil, minlength=len(upns))
        emerging = np.bincount(pupil, weights=outcome[mine] != "expected", minlength=len(upns)) > 0
        complete = typed == len(listed)
        values = np.maximum(fw.end_of_year_value(0) - np.where(emerging[complete], below, 0),
                            fw.scale_min).astype(float)
        parts.append((upns[complete], school_subject[name.casefold()], values))
    count = sum(len(part[0]) for part in parts)
    if not count:
        return pd.DataFrame(columns=frames.BASELINES)
    values = np.concatenate([value for _, _, value in parts])
    return pd.DataFrame({
        "upn": np.concatenate([upns for upns, _, _ in parts]),
        "subject": np.concatenate([np.full(len(upns), name, dtype=object) for upns, name, _ in parts]),
        "label": labels_for(values, np.zeros(count, bool), fw), "value": values,
        "gd": np.zeros(count, bool), "window": np.zeros(count, np.int64),
        "origin": np.full(count, f"EYFS Profile {year}", dtype=object)}, columns=frames.BASELINES)


def _is_in(values: np.ndarray, allowed: Sequence[str]) -> np.ndarray:
    """Whether each value is one of `allowed` (as `Series.isin`), tested once per distinct value."""
    codes, distinct = pd.factorize(values)
    wanted = set(allowed)
    return np.array([value in wanted for value in distinct] + [False], dtype=bool)[codes]


def with_eyfs_baselines(baselines: pd.DataFrame, results: pd.DataFrame, rules: StatutoryRules,
                        fw: Any, academic_year: str, subjects: Sequence[str]) -> pd.DataFrame:
    """`baselines` plus an EYFS baseline for each Year 1 pupil x subject that has none."""
    extra = eyfs_baselines(results, rules, fw, academic_year, subjects)
    if extra.empty:
        return baselines
    both = pd.concat([baselines, extra], ignore_index=True)
    return both.drop_duplicates(["upn", "subject"], keep="first") \
        .astype({"value": float, "gd": bool, "window": int}).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# National figures


@dataclass(frozen=True)
class NationalFigures:
    """Academic year -> part ("all", "disadvantaged", "others") -> measure id -> figure."""

    years: Mapping[str, Mapping[str, Mapping[str, float]]]
    sources: Mapping[str, str]

    def lookup(self, academic_year: str, measure: str, part: str = "all") -> tuple[float, str]:
        """The figure of `academic_year`, else of the latest earlier year that has one
        (this year's are published after the school's own), and the year it is from."""
        for year in sorted((y for y in self.years if y <= academic_year), reverse=True):
            value = self.years[year].get(part, {}).get(measure)
            if value is not None:
                return float(value), year
        return np.nan, ""


def load_national(files: Sequence[tuple[str, Mapping[str, Any]]]) -> NationalFigures:
    """(file name, parsed TOML) of every national file -> NationalFigures; a mistake is one
    StatutoryError sentence naming the file."""
    years: dict[str, dict[str, dict[str, float]]] = {}
    sources: dict[str, str] = {}
    for name, data in files:
        written = data.get("academic_year")
        year = written if isinstance(written, str) else ""
        if not is_academic_year(year):
            raise StatutoryError(f"{name}: 'academic_year' must be written like 2024-25.")
        if year in years:
            raise StatutoryError(f"{name}: a second file for {year}.")
        if not str(data.get("source", "")).strip():
            raise StatutoryError(f"{name}: 'source' must say where the figures come from.")
        parts: dict[str, dict[str, float]] = {}
        for part in ("all", "disadvantaged", "others"):
            table = data.get(part, {})
            if not isinstance(table, Mapping):
                raise StatutoryError(f"{name}: [{part}] must be a table of figures.")
            for key, value in table.items():
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise StatutoryError(f"{name}: '{part}.{key}' must be a number.")
            parts[part] = {str(k): float(v) for k, v in table.items()}
        years[year] = parts
        sources[year] = str(data["source"]).strip()
    return NationalFigures(years, sources)


# ---------------------------------------------------------------------------------------------
# The Statutory tab


FIGURES = ["academic_year", "measure", "pupils", "value", "pp_pupils", "pp_value", "other_pupils",
           "other_value"]


def figures(measures: pd.DataFrame) -> pd.DataFrame:
    """Per academic year x measure: pupils, the figure (% met, or the mean for `mtc_mean`), and
    the same for pupil premium pupils and the others."""
    counted = measures[measures["counted"].astype(bool)]
    if counted.empty:
        return pd.DataFrame(columns=FIGURES)
    first, group = distinct_rows([counted["academic_year"].to_numpy(), counted["measure"].to_numpy()])
    measure = counted["measure"].to_numpy()[first]
    mean = measure == "mtc_mean"
    met, score = counted["met"].to_numpy(float), counted["score"].to_numpy(float)
    pp = counted["pupil_premium"].to_numpy(bool)
    out = {"academic_year": counted["academic_year"].to_numpy()[first], "measure": measure}
    for prefix, part in (("", np.ones(len(pp), bool)), ("pp_", pp), ("other_", ~pp)):
        pupils = np.bincount(group[part], minlength=len(first))
        with np.errstate(invalid="ignore", divide="ignore"):
            averages = np.bincount(group[part], weights=score[part], minlength=len(first)) / pupils
            shares = 100.0 * np.bincount(group[part], weights=met[part], minlength=len(first)) / pupils
        value = round_half_up(np.where(mean, averages, shares))
        out[f"{prefix}pupils"] = pupils
        out[f"{prefix}value" if prefix else "value"] = np.where(pupils > 0, value, np.nan)
    return pd.DataFrame(out, columns=FIGURES)


def one_pupil_note(pupils: int, rules: StatutoryRules) -> str:
    """"each pupil is 3.3%" under the note's cohort size; "" otherwise."""
    if pupils <= 0 or pupils >= rules.one_pupil_note_under:
        return ""
    return f"each pupil is {float(round_half_up(100.0 / pupils)):g}%"


def statutory_table(measures: pd.DataFrame, national: NationalFigures, rules: StatutoryRules,
                    academic_year: str) -> pd.DataFrame:
    """The `Statutory` tab: this year and the years before it (`years_shown`), one row per
    measure the school has results for; a year with none says so in one row."""
    table = figures(measures)
    rows = []
    order = rules.measures()
    years = [shift_academic_year(academic_year, -back) for back in range(rules.years_shown)]
    by_year: dict[str, dict[str, dict]] = {}       # year -> measure -> its figures (the last row)
    for row in table.to_dict("records"):
        by_year.setdefault(row["academic_year"], {})[row["measure"]] = row
    for year in years:
        mine = by_year.get(year, {})
        if not mine:
            rows.append([year, "", "no statutory results recorded", 0] + [np.nan] * 3 + [""]
                        + [np.nan] * 5 + [""])
            continue
        for measure, check, name in order:
            if measure not in mine:
                continue
            row = mine[measure]
            national_value, national_year = national.lookup(year, measure)
            disadvantaged, _ = national.lookup(year, measure, "disadvantaged")
            others, _ = national.lookup(year, measure, "others")
            is_mean = measure == "mtc_mean"
            pp_value = row["pp_value"] if row["pp_pupils"] else np.nan
            other_value = row["other_value"] if row["other_pupils"] else np.nan
            rows.append([
                year, check, name, int(row["pupils"]), row["value"], national_value,
                round_half_up(row["value"] - national_value), _from(national_year, year),
                int(row["pp_pupils"]), pp_value, other_value,
                round_half_up(pp_value - other_value) if not is_mean else np.nan,
                round_half_up(disadvantaged - others),
                "" if is_mean else one_pupil_note(int(row["pupils"]), rules)])
    frame = pd.DataFrame(rows, columns=STATUTORY_COLUMNS)
    return frame.astype({c: float for c in ("School", "National", "Difference", "Disadvantaged",
                                            "Others", "Gap", "National gap")})


def _from(national_year: str, year: str) -> str:
    if not national_year:
        return ""
    return national_year if national_year == year else f"{national_year} (latest published)"


# ---------------------------------------------------------------------------------------------
# Governors: the same, small groups suppressed

GOVERNORS_EXTRA = ["Statutory figure", "National figure", "Difference from national", "National gap"]


def governors_statutory(table: pd.DataFrame) -> pd.DataFrame:
    """The Statutory tab as Governors rows (Section "Statutory"): per year and measure one row
    for all pupils and one for pupil premium pupils (their gap to the others and the national
    figure for disadvantaged pupils beside). A row of fewer than 5 pupils shows "fewer than 5";
    a gap is suppressed when fewer than 5 are on either side."""
    rows = table[table["Pupils"] > 0]
    columns = GOVERNORS_COLUMNS + GOVERNORS_EXTRA
    if rows.empty:
        return pd.DataFrame(columns=columns)
    out = []
    for row in rows.to_dict("records"):
        subject = f"{row['Check']}: {row['Measure']}"
        year, pupils = row["Academic year"], int(row["Pupils"])
        pp = int(row["Disadvantaged pupils"])
        out.append(_gov(subject, year, pupils, row["School"], row["National"], row["Difference"],
                        np.nan, np.nan, pupils < SMALL, False))
        if pp and not np.isnan(row["Disadvantaged"]):
            out.append(_gov(subject, f"{year}: pupil premium", pp, row["Disadvantaged"], np.nan,
                            np.nan, row["Gap"], row["National gap"], pp < SMALL,
                            pp < SMALL or pupils - pp < SMALL))
    return pd.DataFrame(out, columns=columns)


def _gov(subject: str, who: str, pupils: int, figure: float, national: float, difference: float,
         gap: float, national_gap: float, small: bool, hide_gap: bool) -> list:
    """One Governors row: Section, Subject, Year or group, Pupils, four tracking figures (blank
    here), Gap, then GOVERNORS_EXTRA."""
    return ["Statutory", subject, who, SUPPRESSED if small else pupils, np.nan, np.nan, np.nan,
            np.nan, SUPPRESSED if hide_gap else gap, SUPPRESSED if small else figure, national,
            SUPPRESSED if small else difference, national_gap]


# ---------------------------------------------------------------------------------------------
# A parent report's sentences


def pupil_lines(results: pd.DataFrame, rules: StatutoryRules, first_name: str) -> list[str]:
    """One plain sentence per statutory result of one pupil (their RESULTS rows), in the order
    the checks come in a school career; EYFS as one sentence."""
    words = rules.words
    who = first_name or "Your child"
    names = {check: name[:1].lower() + name[1:] for check, name in rules.check_names.items()}
    lines: list[str] = []
    results = results.drop_duplicates(["academic_year", "check", "subject"], keep="last")
    goals = results[results["check"] == "eyfs"]
    if len(goals):
        expected = int((goals["outcome"] == "expected").sum())
        gld = goals[goals["subject"].isin(rules.gld_goals)]
        good = len(gld) == len(rules.gld_goals) and bool((gld["outcome"] == "expected").all())
        lines.append(_say(words, "eyfs", first=who, expected=expected,
                          goals=sum(c.check == "eyfs" for c in rules.columns),
                          gld=words.get("eyfs_gld", "") if good else ""))
    for check in ("phonics", "phonics_retake", "mtc"):
        for row in results[results["check"] == check].itertuples(index=False):
            kind = "phonics" if check != "mtc" else "mtc"
            if row.code:
                lines.append(_say(words, f"{kind}_code", first=who, meaning=row.meaning))
            else:
                lines.append(_say(words, check, first=who, mark=row.result,
                                  max=rules.phonics_max if kind == "phonics" else rules.mtc_max,
                                  standard=rules.phonics_standard))
    for check in ("ks1", "ks2"):
        for column in (c for c in rules.columns if c.check == check):
            found = results[(results["check"] == check) & (results["subject"] == column.subject)]
            for row in found.itertuples(index=False):
                subject = rules.subject_words.get((check, column.subject), column.subject.lower())
                if column.kind == "scaled" and not row.code:
                    lines.append(_say(words, "test", first=who, check=names[check],
                                      subject=subject, score=row.result,
                                      expected=rules.scaled["expected"], high=rules.scaled["high"]))
                elif column.kind == "scaled":
                    lines.append(_say(words, "test_code", first=who, check=names[check],
                                      subject=subject, meaning=row.meaning))
                else:
                    lines.append(_say(words, "ta", first=who, check=names[check],
                                      subject=subject, meaning=row.meaning or row.result))
    return [line for line in lines if line]


def report_lines(results: pd.DataFrame, rules: StatutoryRules, first_names: Mapping[str, str],
                 years: Sequence[str]) -> dict[str, list[str]]:
    """UPN -> the sentences of `pupil_lines` for the results of `years` (a parent report shows this
    year's and last year's: last June's check is news in the autumn)."""
    chosen = results[results["academic_year"].isin(list(years)) & results["upn"].isin(list(first_names))]
    return {str(upn): pupil_lines(rows, rules, first_names[str(upn)])
            for upn, rows in chosen.groupby("upn", sort=False)}


def _say(words: Mapping[str, str], key: str, **values: object) -> str:
    template = words.get(key, "")
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return ""
