"""The ladder SVG: well-formed, and every mark sits on the rung of its value."""
from __future__ import annotations

import math
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

from functions.framework import load_framework
from functions.ladder_chart import ladder_svg

FRAMEWORKS = Path(__file__).resolve().parents[2] / "sheets_templates" / "frameworks"
SVG = "{http://www.w3.org/2000/svg}"
NAN = math.nan


def framework(name: str):
    return load_framework(tomllib.loads((FRAMEWORKS / f"{name}.toml").read_text()), f"{name}.toml")


def rung_y(root: ET.Element) -> dict[str, float]:
    """Rung label text -> the rung's y, for labelled rungs."""
    found = {}
    for rung in root.iter(f"{SVG}g"):
        label = rung.find(f"{SVG}text")
        if rung.get("class") == "rung" and label is not None:
            found[label.text] = float(rung.find(f"{SVG}line").get("y1"))
    return found


def pupil_marks(root: ET.Element) -> dict[int, float]:
    return {int(c.get("data-column")): float(c.get("cy"))
            for c in root.iter(f"{SVG}circle") if c.get("class") == "pupil"}


def year3_points(**overrides) -> ET.Element:
    args = dict(year=3, window_names=["Autumn", "Spring", "Summer"], values=[16.0, 15.0, NAN],
                gd=[False, False, False], start_value=15.0, target=18.0)
    args.update(overrides)
    return ET.fromstring(ladder_svg(framework("points"), **args))


def test_the_svg_is_well_formed_with_a_size():
    root = year3_points()
    assert root.tag == f"{SVG}svg"
    assert float(root.get("width")) > 0 and float(root.get("height")) > 0


def test_the_pupils_marks_sit_on_the_rungs_their_values_name():
    root = year3_points()
    rungs = rung_y(root)
    # start of year 15 (column 0), Autumn 16 (column 1), Spring 15 (column 2), nothing for Summer
    assert pupil_marks(root) == {0: rungs["15"], 1: rungs["16"], 2: rungs["15"]}
    assert rungs["16"] < rungs["15"]                     # higher points are higher up


def test_the_expected_path_climbs_through_the_years_expectations():
    root = year3_points()
    rungs = rung_y(root)
    # year 3 points: 15 at the start, then 16, 17, 18 at Autumn, Spring, Summer
    centres = {int(r.get("data-column")): float(r.get("y")) + float(r.get("height")) / 2
               for r in root.iter(f"{SVG}rect") if r.get("class") == "expected"}
    assert centres == {0: rungs["15"], 1: rungs["16"], 2: rungs["17"], 3: rungs["18"]}


def test_the_scale_stretches_to_a_pupil_far_below_and_labels_greater_depth():
    root = year3_points(values=[11.0, 19.0, NAN], gd=[False, True, False], start_value=None)
    rungs = rung_y(root)
    marks = pupil_marks(root)
    assert marks == {1: rungs["11"], 2: rungs["19"]}
    labels = [c.get("data-label") for c in root.iter(f"{SVG}circle") if c.get("class") == "pupil"]
    assert labels == ["11", "19 GD"]


def test_steps_rungs_are_labelled_as_teachers_write_them():
    root = ET.fromstring(ladder_svg(framework("steps"), year=3,
                                    window_names=["Autumn", "Spring", "Summer"],
                                    values=[14.0, 16.0, 17.0], gd=[False] * 3, target=17.0))
    rungs = rung_y(root)
    # value 6(B - 1) + k + 1: 14 = 3b+, 16 = 3w+, 17 = 3s
    assert pupil_marks(root) == {1: rungs["3b+"], 2: rungs["3w+"], 3: rungs["3s"]}


def test_a_pupil_with_no_positions_gets_the_expected_path_only():
    root = year3_points(values=[NAN, NAN, NAN], start_value=None, target=None)
    assert pupil_marks(root) == {}
    assert len([r for r in root.iter(f"{SVG}rect") if r.get("class") == "expected"]) == 4


def test_text_from_settings_and_names_is_escaped():
    svg = ladder_svg(framework("points"), year=3, window_names=["<b>Autumn</b>", "Spring", "Summer"],
                     values=[16.0, NAN, NAN], gd=[False] * 3, who="<script>x</script>")
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<script>x</script>" in texts and "<b>Autumn</b>" in texts
    assert "<script>" not in svg
