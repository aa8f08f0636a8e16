"""Next steps: unachieved statements of the next point or band, in grid order, at most three."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from functions.framework import load_framework
from functions.next_steps import next_groups, next_steps

FRAMEWORKS = Path(__file__).resolve().parents[2] / "sheets_templates" / "frameworks"


def framework(name: str):
    return load_framework(tomllib.loads((FRAMEWORKS / f"{name}.toml").read_text()), f"{name}.toml")


def statements(rows: list[tuple[int, int, str]], workbook: str = "Oak.xlsx") -> pd.DataFrame:
    """(statement_no, group, text) rows of one Maths grid."""
    return pd.DataFrame([{"workbook": workbook, "subject": "Maths", "statement_no": n, "column": "",
                          "text": text, "group": group, "kpi": False} for n, group, text in rows])


def ticks(codes: dict[int, str], *, upn: str = "A1", year: str = "2026-27",
          workbook: str = "Oak.xlsx") -> pd.DataFrame:
    return pd.DataFrame([{"workbook": workbook, "academic_year": year, "upn": upn, "subject": "Maths",
                          "statement_no": n, "cell": "", "raw": raw} for n, raw in codes.items()],
                        columns=["workbook", "academic_year", "upn", "subject", "statement_no",
                                 "cell", "raw"])


GRID = statements([(1, 15, "Fifteen one"), (2, 16, "Sixteen one"), (3, 16, "Sixteen two"),
                   (4, 16, "Sixteen three"), (5, 16, "Sixteen four"), (6, 17, "Seventeen one")])


def test_picks_unachieved_statements_of_the_next_point_in_grid_order():
    done = ticks({1: "A", 2: "A", 3: "WT", 4: "M"})
    assert next_steps(GRID, done, upn="A1", subject="Maths", academic_year="2026-27",
                      groups=range(16, 31)) == ["Sixteen two", "Sixteen four", "Seventeen one"]


def test_gives_at_most_three():
    assert next_steps(GRID, ticks({}), upn="A1", subject="Maths", academic_year="2026-27",
                      groups=range(16, 31)) == ["Sixteen one", "Sixteen two", "Sixteen three"]


def test_grid_order_is_statement_order_not_frame_order():
    shuffled = GRID.iloc[::-1]
    assert next_steps(shuffled, ticks({2: "A"}), upn="A1", subject="Maths",
                      academic_year="2026-27", groups=range(16, 31), limit=2) == \
        ["Sixteen two", "Sixteen three"]


def test_codes_are_read_loosely_and_working_towards_is_not_achieved():
    done = ticks({2: " a ", 3: "m", 4: "wt"})
    assert next_steps(GRID, done, upn="A1", subject="Maths", academic_year="2026-27",
                      groups=range(16, 31)) == ["Sixteen three", "Sixteen four", "Seventeen one"]


def test_ticks_of_other_years_and_pupils_do_not_count():
    others = pd.concat([ticks({2: "A", 3: "A"}, year="2025-26"), ticks({2: "A", 3: "A"}, upn="B2")])
    assert next_steps(GRID, others, upn="A1", subject="Maths", academic_year="2026-27",
                      groups=range(16, 31))[:2] == ["Sixteen one", "Sixteen two"]


def test_uses_the_grid_of_the_pupils_own_workbook():
    two_grids = pd.concat([statements([(1, 16, "Birch wording")], workbook="Birch.xlsx"), GRID])
    assert next_steps(two_grids, ticks({3: "A"}), upn="A1", subject="Maths",
                      academic_year="2026-27", groups=range(16, 31), limit=1) == ["Sixteen one"]


def test_a_pupil_with_everything_achieved_or_no_grid_gets_none():
    everything = ticks({n: "A" for n in range(1, 7)})
    points = range(16, 31)
    assert next_steps(GRID, everything, upn="A1", subject="Maths", academic_year="2026-27",
                      groups=points) == []
    assert next_steps(GRID, ticks({}), upn="A1", subject="Reading", academic_year="2026-27",
                      groups=points) == []


def test_only_the_groups_asked_for():
    assert next_steps(GRID, ticks({}), upn="A1", subject="Maths", academic_year="2026-27",
                      groups=range(15, 16)) == ["Fifteen one"]


def test_many_pupils_at_once_each_get_their_own_steps():
    from functions.next_steps import next_steps_table

    both = pd.concat([ticks({2: "A", 3: "A"}), ticks({1: "A"}, upn="B2"),
                      ticks({2: "A"}, upn="C3", year="2025-26")])
    pupils = pd.DataFrame({"upn": ["A1", "B2", "C3", "A1"], "subject": ["Maths"] * 3 + ["Reading"],
                           "first_group": [16, 15, 17, 16], "last_group": [30, 15, 30, 30]})
    assert next_steps_table(pupils, GRID, both, academic_year="2026-27", limit=2) == {
        ("A1", "Maths"): ["Sixteen three", "Sixteen four"],
        ("C3", "Maths"): ["Seventeen one"],     # B2 has done all of point 15; Reading has no grid
    }


@pytest.mark.parametrize(("kind", "value", "year", "groups"), [
    ("points", 15.0, 3, range(16, 31)),      # at 15 the next point is 16; scale up to 30
    ("points", None, 3, range(16, 31)),      # no position: the first point of year 3 (after 15)
    ("points", float("nan"), 1, range(10, 31)),
    ("points", 19.0, 3, range(20, 31)),      # above the year band is allowed on points
    ("steps", 16.0, 3, range(3, 4)),         # 3w+ -> next step 3s, band 3
    ("steps", 18.0, 3, range(3, 4)),         # 3s+ -> 4b, but a year 3 pupil deepens within band 3
    ("steps", 12.0, 4, range(3, 5)),         # 2s+ -> 3b: band 3, then the year band 4
    ("steps", 0.0, 1, range(1, 2)),          # 40-60s+ -> 1b
    ("steps", None, 4, range(4, 5)),
])
def test_next_groups_start_at_the_point_or_band_of_the_next_step(kind, value, year, groups):
    assert next_groups(value, year, framework(kind)) == groups
