"""An assessment framework as data: the scale, expectations, windows and thresholds of one scheme.

`load_framework(data, source)` turns a parsed framework file (`sheets_templates/frameworks/*.toml`)
into an immutable `Framework`, or refuses it with a `FrameworkError` whose message is one sentence
naming the file, the key and what is wrong. Every number a school may change lives in the file
(docs/rules.md explains them); this module only holds the model's own rules, such as the expected
position E = end_of_year(Y-1) + w * per_year / W (`Framework.expected_values`).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import pairwise
from types import MappingProxyType
from typing import Any

import numpy as np

MARK_MEANINGS = ("absent", "not required")
GREATER_DEPTH_RULES = ("gd", "ahead", "ceiling")
TARGET_POLICIES = ("continue", "deepen")
_WINDOW_END = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class FrameworkError(ValueError):
    """A framework file (or a Settings override of it) that cannot be used; the message says why."""


@dataclass(frozen=True)
class BenchmarkRow:
    """Test percentage from `from_percent` (inclusive) suggests expected + `offset` (GD if `gd`)."""

    from_percent: float
    offset: int
    gd: bool = False
    flag: str = ""


@dataclass(frozen=True)
class StepThreshold:
    """Steps grid: a share of statements achieved from `from_share` (inclusive) suggests `step`."""

    from_share: float
    step: str


@dataclass(frozen=True)
class GridRule:
    """How statement-grid ticks become a suggestion (see functions.grids)."""

    rule: str                                   # "points" | "steps"
    achieved: float = 0.0                       # points: share achieved that secures a point
    gd_mastered: float = 0.0                    # points: share mastered of the milestone for GD
    thresholds: tuple[StepThreshold, ...] = ()  # steps: highest from_share first
    top_step: str = ""                          # steps: the step for (near) full mastery
    top_achieved: float = 1.0
    top_mastered: float = 0.0


@dataclass(frozen=True)
class WatchRules:
    """When a pupil is on the watchlist in a subject ([watchlist] of a framework file).

    d = value - expected, p = progress - expected progress. Falling behind: d <= far_behind; or
    d <= behind and not catching up (p < 0, or no progress measured yet); or p <= slower; or (if
    `stalled`) no progress at two windows in a row. Excelling (when not falling behind): d >= ahead,
    or p >= faster. Greater depth alone is neither.
    """

    behind: float = -2
    far_behind: float = -3
    slower: float = -2
    stalled: bool = True
    ahead: float = 2
    faster: float = 1


@dataclass(frozen=True)
class Framework:
    """One assessment scheme. Build it with `load_framework`; never mutate it."""

    name: str
    kind: str                                   # "points" | "steps"
    source: str
    per_year: int
    end_of_year: tuple[int, ...]                # index 0 = EYFS, then years 1..6
    windows: tuple[str, ...]
    window_ends: tuple[str, ...]                # "MM-DD", one per window
    windows_by_count: Mapping[int, tuple[tuple[str, ...], tuple[str, ...]]] = field(hash=False)
    marks: tuple[str, ...]                      # e.g. ("ABS", "NA")
    marks_in_percentages: tuple[str, ...]       # marks counted as "not at expected" in percentages
    mark_meanings: Mapping[str, str] = field(hash=False)   # mark -> "absent" | "not required"
    scale_min: int
    scale_max: int
    gd_suffix: str                              # points: "GD"; steps: "" (no GD marking)
    steps: tuple[str, ...]                      # steps: step names of a band, lowest first
    early: Mapping[str, int] = field(hash=False)  # steps: early-years label -> value
    well_below: float
    below: float
    expected: float
    greater_depth: str                          # "gd" | "ahead" | "ceiling"
    gd_from: float
    progress_less_than: float
    progress_more_than: float
    target_policy: str                          # "continue" | "deepen"
    ceiling_offset: int | None
    deepen_offset: int
    deepen_gd: bool
    benchmark: tuple[BenchmarkRow, ...]         # highest from_percent first; may be empty
    grid: GridRule
    # Opt-in: where the teacher left a judgement cell blank, a test (else grid) suggestion stands
    # in as the position (Source `test` / `grid`). Never for an unreadable cell or a mark.
    suggestions_fill_blanks: bool = False
    watchlist: WatchRules = field(default_factory=lambda: WatchRules())

    def with_windows(self, names: list[str], ends: list[str] | None = None) -> Framework:
        """This framework with a school's own window names (and optionally end dates "MM-DD")."""
        count = len(names)
        if count == 0 or self.per_year % count:
            raise FrameworkError(f"{self.source}: the window count {count} does not divide the "
                                 f"year's expected progress of {self.per_year}.")
        if count not in self.windows_by_count and ends is None:
            raise FrameworkError(f"{self.source}: key 'windows.by_count' has no default window ends "
                                 f"for {count} windows, so Settings must give them.")
        chosen_ends = tuple(ends) if ends is not None else self.windows_by_count[count][1]
        if len(chosen_ends) != count or not all(_WINDOW_END.match(e) for e in chosen_ends):
            raise FrameworkError(f"{self.source}: window ends must be {count} dates written MM-DD.")
        return replace(self, windows=tuple(str(n) for n in names), window_ends=chosen_ends)

    def end_of_year_value(self, year: int) -> int:
        """The end-of-year expectation of year group `year` (0 = EYFS/Reception)."""
        return self.end_of_year[year]

    @property
    def per_window(self) -> float:
        """The progress expected in one window: per_year / W (a whole number: `with_windows`
        refuses a window count that does not divide per_year)."""
        return self.per_year / len(self.windows)

    def expected_values(self, years: np.ndarray, windows: np.ndarray) -> np.ndarray:
        """The expected position E(Y, w) = end_of_year(Y - 1) + w * per_year / W, where Y is the
        year group and w the window (1..W; 0 is the end of the year before). The one place this
        rule is written: every expected position, status, test suggestion and report uses it."""
        return (np.array(self.end_of_year, dtype=float)[np.asarray(years, dtype=int) - 1]
                + np.asarray(windows, dtype=float) * self.per_window)

    def expected_value(self, year: int, window: int) -> float:
        """E(Y, w) for one pupil (`expected_values`)."""
        return float(self.expected_values(np.array([year]), np.array([window]))[0])

    def ceiling_value(self, year: int) -> float | None:
        """The highest target for year `year`, or None where the framework has no ceiling."""
        if self.ceiling_offset is None:
            return None
        return self.end_of_year[year] + self.ceiling_offset

    def band_of(self, value: float) -> int:
        """Steps: the band a value lies in (0 for the early-years steps)."""
        return int((value - 1) // len(self.steps)) + 1

    def label_for(self, value: float, gd: bool = False) -> str:
        """The canonical label of a value: points "16" / "18 GD", steps "3w+" / "40-60s"."""
        whole = int(value)
        if self.kind == "points":
            return f"{whole} {self.gd_suffix}" if gd else str(whole)
        if whole < 1:
            return {v: label for label, v in self.early.items()}.get(whole, str(whole))
        return f"{self.band_of(whole)}{self.steps[(whole - 1) % len(self.steps)]}"

    def step_value(self, band: int, step: str) -> int:
        """Steps: the value of `step` in `band` (band 0 = early years)."""
        return len(self.steps) * (band - 1) + self.steps.index(step) + 1

    @cached_property
    def labels(self) -> Mapping[str, tuple[int, bool]]:
        """Every canonical label this framework accepts -> (value, gd)."""
        return _labels(self)


def _labels(fw: Framework) -> Mapping[str, tuple[int, bool]]:
    if fw.kind == "points":
        found: dict[str, tuple[int, bool]] = {}
        for v in range(fw.scale_min, fw.scale_max + 1):
            found[str(v)] = (v, False)
            found[f"{v} {fw.gd_suffix}"] = (v, True)
        return MappingProxyType(found)
    found = {label: (v, False) for label, v in fw.early.items()}
    bands = range(1, fw.band_of(fw.scale_max) + 1)
    found.update({f"{b}{s}": (fw.step_value(b, s), False) for b in bands for s in fw.steps})
    return MappingProxyType(found)


class _Reader:
    """Typed access to the parsed file; every failure names the file and the key."""

    def __init__(self, data: Mapping[str, Any], source: str) -> None:
        self.data, self.source = data, source

    def fail(self, key: str, problem: str) -> FrameworkError:
        return FrameworkError(f"{self.source}: key '{key}' {problem}.")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                if default is not ...:
                    return default
                raise self.fail(key, "is missing")
            node = node[part]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(node, bool) and bool not in kinds or not isinstance(node, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise self.fail(key, f"must be of type {names}, not {node!r}")
        return node

    def number(self, key: str, default: Any = ...) -> float:
        return self.get(key, (int, float), default)

    def choice(self, key: str, options: tuple[str, ...], default: Any = ...) -> str:
        value = self.get(key, str, default)
        if value not in options:
            raise self.fail(key, f"must be one of {', '.join(options)}, not {value!r}")
        return value

    def list_of(self, key: str, kind: type) -> list[Any]:
        items = self.get(key, list)
        if not items or not all(isinstance(i, kind) and not isinstance(i, bool) for i in items):
            raise self.fail(key, f"must be a non-empty list of {kind.__name__} values")
        return items


def load_framework(data: Mapping[str, Any], source: str) -> Framework:
    """Build a Framework from a parsed framework file; `source` names the file in messages."""
    r = _Reader(data, source)
    kind = r.choice("kind", ("points", "steps"))
    per_year = r.get("years.per_year", int)
    if per_year <= 0:
        raise r.fail("years.per_year", "must be a positive whole number")
    end_of_year = tuple(r.list_of("years.end_of_year", int))
    if len(end_of_year) != 7:
        raise r.fail("years.end_of_year", f"must list 7 values (EYFS, then years 1 to 6), "
                                          f"not {len(end_of_year)}")
    for before, after in pairwise(end_of_year):
        if after - before != per_year:
            raise r.fail("years.end_of_year", f"must rise by per_year ({per_year}) each year, "
                                              f"but goes from {before} to {after}")
    by_count = _windows_by_count(r, per_year)
    default_count = r.get("windows.default_count", int)
    if default_count not in by_count:
        raise r.fail("windows.default_count", f"must be one of the counts in windows.by_count "
                                              f"({', '.join(map(str, by_count))})")
    marks, in_percentages, meanings = _marks(r)
    scale = _scale(r, kind, end_of_year)
    status: dict[str, Any] = dict(well_below=r.number("status.well_below"), below=r.number("status.below"),
                  expected=r.number("status.expected"))
    if not status["well_below"] < status["below"] < status["expected"]:
        raise r.fail("status", "must have well_below < below < expected")
    less, more = r.number("progress.less_than"), r.number("progress.more_than")
    if not less < more:
        raise r.fail("progress", "must have less_than < more_than")
    ceiling = r.get("targets.ceiling_offset", int, None)
    fw = Framework(
        name=r.get("name", str), kind=kind, source=source, per_year=per_year,
        end_of_year=end_of_year, windows=by_count[default_count][0],
        window_ends=by_count[default_count][1], windows_by_count=MappingProxyType(by_count),
        marks=marks, marks_in_percentages=in_percentages, mark_meanings=meanings, **scale, **status,
        greater_depth=r.choice("status.greater_depth", GREATER_DEPTH_RULES),
        gd_from=r.number("status.gd_from", 0), progress_less_than=less, progress_more_than=more,
        target_policy=r.choice("targets.policy", TARGET_POLICIES), ceiling_offset=ceiling,
        deepen_offset=r.get("targets.deepen_offset", int, 0),
        deepen_gd=r.get("targets.deepen_gd", bool, False),
        benchmark=_benchmark(r), grid=_grid(r, kind, scale["steps"]),
        suggestions_fill_blanks=r.get("judgements.suggestions_fill_blanks", bool, False),
        watchlist=_watch_rules(r, status["well_below"], less, more))
    if fw.greater_depth == "ceiling" and ceiling is None:
        raise r.fail("targets.ceiling_offset", "is needed when status.greater_depth is \"ceiling\"")
    if fw.greater_depth == "gd" and not fw.gd_suffix:
        raise r.fail("status.greater_depth", "cannot be \"gd\" for a framework without GD labels")
    return fw


def _watch_rules(r: _Reader, well_below: float, less: float, more: float) -> WatchRules:
    """[watchlist]; a file without it falls back to the status and progress thresholds."""
    behind = r.number("watchlist.behind", well_below)
    rules = WatchRules(behind=behind, far_behind=r.number("watchlist.far_behind", behind),
                       slower=r.number("watchlist.slower", less),
                       stalled=r.get("watchlist.stalled", bool, True),
                       ahead=r.number("watchlist.ahead", WatchRules.ahead),
                       faster=r.number("watchlist.faster", more))
    if not (rules.far_behind <= rules.behind < 0 < rules.ahead and rules.slower < 0 < rules.faster):
        raise r.fail("watchlist", "must have far_behind <= behind < 0, slower below 0, and ahead "
                                  "and faster above 0")
    return rules


def _windows_by_count(r: _Reader, per_year: int) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    table = r.get("windows.by_count", Mapping)
    found = {}
    for count_text in table:
        key = f"windows.by_count.{count_text}"
        if not str(count_text).isdigit() or int(count_text) == 0 or per_year % int(count_text):
            raise r.fail(key, f"must be a window count that divides per_year ({per_year})")
        count = int(count_text)
        names, ends = r.list_of(f"{key}.names", str), r.list_of(f"{key}.ends", str)
        if len(names) != count or len(ends) != count:
            raise r.fail(key, f"must give {count} names and {count} ends")
        if not all(_WINDOW_END.match(e) for e in ends):
            raise r.fail(f"{key}.ends", "must hold dates written MM-DD, such as 12-20")
        found[count] = (tuple(names), tuple(ends))
    if not found:
        raise r.fail("windows.by_count", "must give at least one window count")
    return dict(sorted(found.items()))


def _marks(r: _Reader) -> tuple[tuple[str, ...], tuple[str, ...], Mapping[str, str]]:
    """The marks, those counted in percentages (`in_percentages = true`: in the denominator, as
    not at expected; false: left out, like a pupil with no position), and what each means."""
    table = r.get("marks", Mapping)
    if not table:
        raise r.fail("marks", "must name at least one mark")
    meanings = {}
    for mark in table:
        meanings[mark] = r.choice(f"marks.{mark}.meaning", MARK_MEANINGS)
        if not re.fullmatch(r"[A-Z]+", mark):
            raise r.fail(f"marks.{mark}", "must be a mark written in capital letters, such as ABS")
    counted = tuple(m for m in table if r.get(f"marks.{m}.in_percentages", bool))
    return tuple(table), counted, MappingProxyType(meanings)


def _scale(r: _Reader, kind: str, end_of_year: tuple[int, ...]) -> dict[str, Any]:
    if kind == "points":
        low, high = r.get("scale.min", int), r.get("scale.max", int)
        if not 0 <= low < high:
            raise r.fail("scale", "must have 0 <= min < max")
        gd_suffix = r.get("scale.gd_suffix", str)
        if not re.fullmatch(r"[A-Za-z]+", gd_suffix):
            raise r.fail("scale.gd_suffix", "must be letters only, such as GD")
        return dict(scale_min=low, scale_max=high, gd_suffix=gd_suffix, steps=(),
                    early=MappingProxyType({}))
    steps = tuple(r.list_of("scale.steps", str))
    if len(set(steps)) != len(steps):
        raise r.fail("scale.steps", "must not repeat a step")
    early = dict(r.get("scale.early", Mapping, {}))
    if any(isinstance(v, bool) or not isinstance(v, int) or v > 0 for v in early.values()):
        raise r.fail("scale.early", "must give each early-years label a whole value of 0 or less")
    bands = r.get("scale.bands", int)
    high = len(steps) * bands
    if not all(min(early.values(), default=1) - 1 <= v <= high for v in end_of_year):
        raise r.fail("years.end_of_year", "must lie on the scale")
    return dict(scale_min=min(early.values(), default=1), scale_max=high, gd_suffix="",
                steps=steps, early=MappingProxyType(early))


def _benchmark(r: _Reader) -> tuple[BenchmarkRow, ...]:
    rows = r.get("tests.benchmark", list, [])
    found = []
    for i, _ in enumerate(rows):
        key = f"tests.benchmark[{i + 1}]"
        sub = _Reader({"row": rows[i]}, r.source)
        try:
            found.append(BenchmarkRow(sub.number("row.from"), sub.get("row.offset", int),
                                      sub.get("row.gd", bool, False), sub.get("row.flag", str, "")))
        except FrameworkError:
            raise r.fail(key, "must have a number 'from', a whole 'offset' and optionally "
                              "'gd' (true/false) and 'flag' (text)") from None
    found.sort(key=lambda row: -row.from_percent)
    if found and found[-1].from_percent != 0:
        raise r.fail("tests.benchmark", "must have a row from 0 so that every score has a suggestion")
    if len({row.from_percent for row in found}) != len(found):
        raise r.fail("tests.benchmark", "must not repeat a 'from' value")
    return tuple(found)


def _grid(r: _Reader, kind: str, steps: tuple[str, ...]) -> GridRule:
    rule = r.choice("grid.rule", (kind,))
    if rule == "points":
        achieved, mastered = r.number("grid.achieved"), r.number("grid.gd_mastered")
        if not (0 < achieved <= 1 and 0 <= mastered <= 1):
            raise r.fail("grid", "must give achieved and gd_mastered as shares from 0 to 1")
        return GridRule(rule, achieved=achieved, gd_mastered=mastered)
    rows = r.get("grid.thresholds", list)
    try:
        thresholds = tuple(sorted((StepThreshold(float(t["from"]), str(t["step"])) for t in rows),
                                  key=lambda t: -t.from_share))
    except (TypeError, KeyError, ValueError):
        raise r.fail("grid.thresholds", "must be a list of { from = share, step = name }") from None
    top = r.choice("grid.top_step", steps)
    if not thresholds or thresholds[-1].from_share != 0 or any(t.step not in steps for t in thresholds):
        raise r.fail("grid.thresholds", "must name steps of scale.steps and include one from 0")
    return GridRule(rule, thresholds=thresholds, top_step=top,
                    top_achieved=r.number("grid.top_achieved"),
                    top_mastered=r.number("grid.top_mastered"))
