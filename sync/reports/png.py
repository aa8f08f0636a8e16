"""The ladder chart as a PNG, for the Google Doc of a report (Drive's HTML import drops SVG images).

`functions.ladder_chart` draws the chart as SVG; this module paints that same SVG with Pillow, so
the geometry lives in one place and the Doc shows the picture the PDF shows. Only the few SVG
elements the ladder uses are painted (line, polyline, rect, circle, text, g), with their stroke,
fill, dash and text attributes; anything else is a programming error, not school data, and raises.
The picture is drawn at SUPERSAMPLE times the output size and scaled down, which smooths edges
(Pillow does not anti-alias shapes itself).
"""
from __future__ import annotations

import base64
import io
import math
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from functools import lru_cache
from itertools import pairwise

from PIL import Image, ImageColor, ImageDraw, ImageFont

SVG_NS = "{http://www.w3.org/2000/svg}"
SCALE = 2          # output pixels per SVG unit: crisp on screen and when a Doc is printed
SUPERSAMPLE = 2    # drawn this many times larger again, then scaled down
FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}   # Pillow anchors on the text baseline


class UnsupportedSvg(ValueError):
    """The SVG uses an element this painter does not know (a change in functions.ladder_chart)."""


def ladder_png(svg: str) -> bytes:
    """PNG bytes of a ladder chart SVG, SCALE pixels per SVG unit, on white."""
    root = ElementTree.fromstring(svg)
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    factor = SCALE * SUPERSAMPLE
    image = Image.new("RGB", (round(width * factor), round(height * factor)), "white")
    painter = _Painter(ImageDraw.Draw(image), factor, float(root.get("font-size", "10")))
    for element in _shapes(root):
        painter.paint(element)
    image = image.resize((round(width * SCALE), round(height * SCALE)), Image.Resampling.BOX)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()


def png_data_uri(svg: str) -> str:
    """The ladder chart SVG painted as PNG, as a `data:` URI for an <img> in a Google Doc."""
    return "data:image/png;base64," + base64.b64encode(ladder_png(svg)).decode("ascii")


def _shapes(element: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """Every drawable element in document order (later ones paint over earlier ones)."""
    for child in element:
        if child.tag == f"{SVG_NS}g":
            yield from _shapes(child)
        else:
            yield child


@lru_cache(maxsize=16)
def _font(size: float, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_FILES[bold], size)
    except OSError:   # no DejaVu on this machine: Pillow's own scalable font
        return ImageFont.load_default(size)


def _colour(value: str | None) -> tuple[int, int, int] | None:
    return None if value in (None, "", "none") else ImageColor.getrgb(value)[:3]


class _Painter:
    def __init__(self, draw: ImageDraw.ImageDraw, factor: float, font_size: float) -> None:
        self.draw, self.factor, self.font_size = draw, factor, font_size

    def paint(self, element: ElementTree.Element) -> None:
        tag = element.tag.removeprefix(SVG_NS)
        painters = {"line": self._line, "polyline": self._polyline, "rect": self._rect,
                    "circle": self._circle, "text": self._text}
        if tag not in painters:
            raise UnsupportedSvg(f"The ladder PNG cannot paint <{tag}>.")
        painters[tag](element)

    def _xy(self, x: str | float, y: str | float) -> tuple[float, float]:
        return float(x) * self.factor, float(y) * self.factor

    def _width(self, element: ElementTree.Element) -> int:
        return max(1, round(float(element.get("stroke-width", "1")) * self.factor))

    def _dash(self, element: ElementTree.Element) -> tuple[float, float] | None:
        pattern = element.get("stroke-dasharray")
        if not pattern:
            return None
        on, off = (float(part) * self.factor for part in pattern.replace(" ", ",").split(",")[:2])
        return on, off

    def _stroke(self, points: list[tuple[float, float]], element: ElementTree.Element) -> None:
        colour = _colour(element.get("stroke"))
        if colour is None or len(points) < 2:
            return
        width, dash = self._width(element), self._dash(element)
        if dash is None:
            self.draw.line(points, fill=colour, width=width, joint="curve")
            return
        for start, end in _dashes(points, *dash):
            self.draw.line([start, end], fill=colour, width=width)

    def _line(self, element: ElementTree.Element) -> None:
        self._stroke([self._xy(element.get("x1", "0"), element.get("y1", "0")),
                      self._xy(element.get("x2", "0"), element.get("y2", "0"))], element)

    def _polyline(self, element: ElementTree.Element) -> None:
        pairs = [pair.split(",") for pair in element.get("points", "").split()]
        self._stroke([self._xy(x, y) for x, y in pairs], element)

    def _rect(self, element: ElementTree.Element) -> None:
        x, y = self._xy(element.get("x", "0"), element.get("y", "0"))
        right, bottom = (x + float(element.get("width", "0")) * self.factor,
                         y + float(element.get("height", "0")) * self.factor)
        self.draw.rectangle([x, y, right, bottom], fill=_colour(element.get("fill")))

    def _circle(self, element: ElementTree.Element) -> None:
        cx, cy = self._xy(element.get("cx", "0"), element.get("cy", "0"))
        r = float(element.get("r", "0")) * self.factor
        fill, stroke = _colour(element.get("fill")), _colour(element.get("stroke"))
        if fill is not None:
            self.draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
        if stroke is None:
            return
        width, dash = self._width(element), self._dash(element)
        if dash is None:
            self.draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=stroke, width=width)
            return
        steps = 48   # the ring as a polygon, dashed along its length
        ring = [(cx + r * math.cos(2 * math.pi * i / steps), cy + r * math.sin(2 * math.pi * i / steps))
                for i in range(steps + 1)]
        for start, end in _dashes(ring, *dash):
            self.draw.line([start, end], fill=stroke, width=width)

    def _text(self, element: ElementTree.Element) -> None:
        text = "".join(element.itertext())
        size = float(element.get("font-size", self.font_size)) * self.factor
        font = _font(size, element.get("font-weight") == "bold")
        stroke = _colour(element.get("stroke"))
        self.draw.text(self._xy(element.get("x", "0"), element.get("y", "0")), text,
                       fill=_colour(element.get("fill", "black")), font=font,
                       anchor=ANCHORS[element.get("text-anchor", "start")],
                       stroke_width=self._width(element) // 2 if stroke else 0, stroke_fill=stroke)


def _dashes(points: list[tuple[float, float]], on: float,
            off: float) -> Iterator[tuple[tuple[float, float], tuple[float, float]]]:
    """The drawn pieces of a dashed path through `points` (`on` drawn, `off` skipped, repeating;
    the pattern carries on round corners as SVG's does)."""
    drawing, left = True, on
    for (x1, y1), (x2, y2) in pairwise(points):
        length = math.hypot(x2 - x1, y2 - y1)
        done = 0.0
        while done < length:
            step = min(left, length - done)
            if drawing:
                a, b = done / length, (done + step) / length
                yield ((x1 + (x2 - x1) * a, y1 + (y2 - y1) * a),
                       (x1 + (x2 - x1) * b, y1 + (y2 - y1) * b))
            done += step
            left -= step
            if left <= 1e-9:
                drawing = not drawing
                left = on if drawing else off
