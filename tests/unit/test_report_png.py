"""The ladder chart painted as PNG for a Google Doc: the same geometry as the SVG, at twice the size.

The chart below: points, year 3, windows Autumn/Spring/Summer, pupil at 15 (start), 16, 17 and not
yet assessed in Summer, target 18. By hand from functions/ladder_chart.py: the expected path is
15 (end of year 2), 16, 17, 18, so the scale runs 14..19 (one rung beyond the values);
y(v) = 18 + (19 - v) * (240 - 18 - 58) / 5 = 18 + (19 - v) * 32.8 and
x(column) = 58 + 24 + column * (380 - 58 - 62 - 48) / 3 = 82 + column * 70.667 (SVG units).
"""
from __future__ import annotations

import base64
import io
import tomllib
from pathlib import Path

import pytest
from PIL import Image

from functions.framework import load_framework
from functions.ladder_chart import ladder_svg
from sync.reports.png import UnsupportedSvg, ladder_png, png_data_uri

ROOT = Path(__file__).resolve().parents[2]
FW = load_framework(tomllib.loads((ROOT / "sheets_templates" / "frameworks" / "points.toml").read_text()),
                    "points.toml")
PUPIL_BLUE = (0x1F, 0x5F, 0xA8)
EXPECTED_GREY = (0x8A, 0x8A, 0x8A)
RUNG_GREY = (0xE3, 0xE3, 0xE3)
WHITE = (255, 255, 255)


def y(value: float) -> float:
    return 18 + (19 - value) * 32.8


def x(column: int) -> float:
    return 82 + column * 212 / 3


@pytest.fixture(scope="module")
def chart() -> Image.Image:
    svg = ladder_svg(FW, year=3, window_names=list(FW.windows), values=[16, 17, None],
                     gd=[False, True, False], start_value=15, target=18, who="Amara")
    return Image.open(io.BytesIO(ladder_png(svg))).convert("RGB")


def pixel(image: Image.Image, sx: float, sy: float) -> tuple[int, int, int]:
    return image.getpixel((round(sx * 2), round(sy * 2)))


def close(colour: tuple[int, int, int], wanted: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, wanted, strict=False))


def test_the_png_is_twice_the_svg_size(chart):
    assert chart.size == (760, 480)


def test_the_pupils_dots_sit_where_their_values_say(chart):
    for column, value in ((0, 15), (1, 16), (2, 17)):
        assert close(pixel(chart, x(column), y(value)), PUPIL_BLUE)
    assert close(pixel(chart, x(3), y(18)), EXPECTED_GREY)      # Summer: only the expected mark
    assert pixel(chart, x(3), y(16)) == RUNG_GREY               # Summer at 16: only the rung
    assert pixel(chart, x(3), y(15.5)) == WHITE                 # and nothing between rungs


def test_the_expected_line_is_dashed_where_the_pupils_line_does_not_cover_it(chart):
    samples = [pixel(chart, x(2) + (x(3) - x(2)) * t, y(17) + (y(18) - y(17)) * t)
               for t in (i / 100 for i in range(20, 70))]
    assert any(close(c, EXPECTED_GREY, 30) for c in samples)
    assert any(c == WHITE for c in samples)


def test_empty_space_stays_white(chart):
    assert pixel(chart, 200, 30) == WHITE                        # between the rungs at 19 and 18


def test_a_data_uri_holds_the_same_png():
    svg = ladder_svg(FW, year=1, window_names=list(FW.windows), values=[None, None, None],
                     gd=[False] * 3)
    prefix, data = png_data_uri(svg).split(",", 1)
    assert prefix == "data:image/png;base64"
    assert base64.b64decode(data) == ladder_png(svg)


def test_an_element_the_painter_does_not_know_is_an_error_not_a_silent_gap():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><path d="M0 0L5 5"/></svg>'
    with pytest.raises(UnsupportedSvg, match="path"):
        ladder_png(svg)
