"""The ladder picture of a parent report: one subject's year on the framework's scale, as SVG.

The scale runs up the left (one rung per point or step, labelled as teachers write them); across
go the start of the year and each window. A dashed grey line climbs through the positions expected
at each window; the pupil's positions are dots joined by a solid line, so a parent sees at a glance
whether the line keeps up with the dashed one. A hollow ring at the end marks the year's target.

Pure: values in, an SVG string out. Every coordinate is derived from `_Scale`, so the picture puts
each mark exactly where its value says; the SVG carries width and height so that it renders the same
as an image in a PDF or, converted to PNG, in a Google Doc.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from functions.framework import Framework

WIDTH, HEIGHT = 380, 240
LEFT, RIGHT, TOP, BOTTOM = 58, 62, 18, 58
INSET = 24  # room between the scale labels and the first column
MAX_RUNG_LABELS = 14
PUPIL_COLOUR, EXPECTED_COLOUR, RUNG_COLOUR = "#1f5fa8", "#8a8a8a", "#e3e3e3"
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
START_COLUMN = "Start of year"


@dataclass(frozen=True)
class _Scale:
    """Maps a value to a y coordinate and a column (0 = start of year) to an x coordinate."""

    low: int
    high: int
    columns: int

    def y(self, value: float) -> float:
        span = max(self.high - self.low, 1)
        return round(TOP + (self.high - value) * (HEIGHT - TOP - BOTTOM) / span, 2)

    def x(self, column: int) -> float:
        step = (WIDTH - LEFT - RIGHT - 2 * INSET) / max(self.columns - 1, 1)
        return round(LEFT + INSET + column * step, 2)


def ladder_svg(fw: Framework, *, year: int, window_names: Sequence[str],
               values: Sequence[float | None], gd: Sequence[bool],
               start_value: float | None = None,
               target: float | None = None, target_label: str = "",
               who: str = "Your child") -> str:
    """SVG of year `year`'s ladder with the pupil's `values` (one per window, None or NaN where none).

    `start_value` is the pupil's position at the start of the year (a baseline from last year),
    drawn in the first column when known; `target` is the end-of-year target, shown as
    `target_label` (default: the framework's label for it).
    """
    windows = len(window_names)
    expected = [float(fw.end_of_year_value(year - 1))]
    expected += [fw.expected_value(year, w) for w in range(1, windows + 1)]
    pupil = [_or_nan(start_value)] + [_or_nan(v) for v in values]
    pupil_gd = [False] + list(gd)
    known = [v for v in pupil + expected + [_or_nan(target)] if not math.isnan(v)]
    scale = _Scale(low=max(math.floor(min(known)) - 1, fw.scale_min),
                   high=min(math.ceil(max(known)) + 1, fw.scale_max),
                   columns=windows + 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FONT}" font-size="10">']
    parts += _rungs(fw, scale)
    parts += _columns([START_COLUMN, *window_names], scale)
    parts.append(_line(expected, scale, EXPECTED_COLOUR, dashed=True, css="expected"))
    parts += [f'<rect class="expected" data-column="{i}" x="{scale.x(i) - 3}" '
              f'y="{scale.y(v) - 3}" width="6" height="6" fill="{EXPECTED_COLOUR}"/>'
              for i, v in enumerate(expected)]
    parts += _target(target_label or _label(fw, target), target, scale)
    parts.append(_line(pupil, scale, PUPIL_COLOUR, dashed=False, css="pupil-line"))
    parts += _pupil_marks(fw, pupil, pupil_gd, scale)
    parts += _legend(who)
    parts.append("</svg>")
    return "\n".join(parts)


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _rungs(fw: Framework, scale: _Scale) -> list[str]:
    every = math.ceil((scale.high - scale.low + 1) / MAX_RUNG_LABELS)
    rungs = []
    for value in range(scale.low, scale.high + 1):
        y = scale.y(value)
        label = (f'<text x="{LEFT - 6}" y="{y + 3.5}" text-anchor="end" fill="#555">'
                 f'{escape(fw.label_for(value))}</text>') if (value - scale.low) % every == 0 else ""
        rungs.append(f'<g class="rung" data-value="{value}"><line x1="{LEFT}" x2="{WIDTH - RIGHT}" '
                     f'y1="{y}" y2="{y}" stroke="{RUNG_COLOUR}" stroke-width="1"/>{label}</g>')
    return rungs


def _columns(names: Sequence[str], scale: _Scale) -> list[str]:
    size = 10 if len(names) <= 4 else 8
    return [f'<text class="column" x="{scale.x(i)}" y="{HEIGHT - BOTTOM + 16}" font-size="{size}" '
            f'text-anchor="middle" fill="#333">{escape(name)}</text>' for i, name in enumerate(names)]


def _line(values: Sequence[float], scale: _Scale, colour: str, *, dashed: bool, css: str) -> str:
    points = " ".join(f"{scale.x(i)},{scale.y(v)}" for i, v in enumerate(values) if not math.isnan(v))
    dash = ' stroke-dasharray="5,4"' if dashed else ""
    return (f'<polyline class="{css}" points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{dash}/>')


def _pupil_marks(fw: Framework, values: Sequence[float], gd: Sequence[bool],
                 scale: _Scale) -> list[str]:
    marks = []
    for column, (value, deeper) in enumerate(zip(values, gd, strict=False)):
        if math.isnan(value):
            continue
        x, y = scale.x(column), scale.y(value)
        label = fw.label_for(int(value), gd=bool(deeper))
        marks.append(f'<circle class="pupil" data-column="{column}" data-label={quoteattr(label)} '
                     f'cx="{x}" cy="{y}" r="4.5" fill="{PUPIL_COLOUR}"/>')
        # above left of the dot, on a white halo so that no line crossing it hides the label
        text = f'x="{x - 6}" y="{y - 6}" text-anchor="end" font-weight="bold"'
        marks.append(f'<text {text} fill="white" stroke="white" stroke-width="3">'
                     f'{escape(label)}</text>')
        marks.append(f'<text {text} fill="{PUPIL_COLOUR}">{escape(label)}</text>')
    return marks


def _label(fw: Framework, value: float | None) -> str:
    return "" if value is None or math.isnan(value) else fw.label_for(int(value))


def _target(label: str, target: float | None, scale: _Scale) -> list[str]:
    if target is None or math.isnan(target):
        return []
    x, y = scale.x(scale.columns - 1), scale.y(target)
    return [f'<circle class="target" cx="{x}" cy="{y}" r="7" fill="none" stroke="{PUPIL_COLOUR}" '
            f'stroke-width="1.5" stroke-dasharray="2,2"/>',
            f'<text x="{x + 10}" y="{y + 3.5}" fill="{PUPIL_COLOUR}" font-size="9">target '
            f'{escape(label)}</text>']


def _legend(who: str) -> list[str]:
    pupil_y, expected_y = HEIGHT - 24, HEIGHT - 9
    return [f'<line x1="{LEFT}" x2="{LEFT + 22}" y1="{pupil_y}" y2="{pupil_y}" '
            f'stroke="{PUPIL_COLOUR}" stroke-width="2"/>',
            f'<circle cx="{LEFT + 11}" cy="{pupil_y}" r="3.5" fill="{PUPIL_COLOUR}"/>',
            f'<text x="{LEFT + 28}" y="{pupil_y + 3.5}" fill="#333">{escape(who)}</text>',
            f'<line x1="{LEFT}" x2="{LEFT + 22}" y1="{expected_y}" y2="{expected_y}" '
            f'stroke="{EXPECTED_COLOUR}" stroke-width="2" stroke-dasharray="5,4"/>',
            f'<text x="{LEFT + 28}" y="{expected_y + 3.5}" fill="#333">'
            'expected for the time of year</text>']
