"""Turn result DataFrames into `Tab`s to write, styled by sheets_templates/layouts/owned_tabs.toml."""
from __future__ import annotations

import math
from contextlib import suppress
from datetime import date, datetime
from functools import lru_cache
from itertools import repeat
from typing import Any, cast

import numpy as np
import pandas as pd

from functions.forgotten import HEADER as FORGOTTEN_HEADER
from functions.forgotten import TITLE as FORGOTTEN_TITLE
from functions.forgotten import Forgotten
from sync.store import Chart, Tab
from sync.templates import load_layout


@lru_cache(maxsize=1)
def owned_tabs_layout() -> dict:
    """`layouts/owned_tabs.toml`: how our tabs look (read once per process)."""
    return load_layout("owned_tabs")


def plain_value(value: object) -> object:
    """A cell value a store can write: Python scalars, None for missing, dates as dates."""
    if type(value) is str:  # most cells: checked first, as a whole school's tabs pass through here
        return value
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime().date() if value == value.normalize() else value.to_pydatetime()
    if isinstance(value, (date, datetime, int, str)):
        return value
    return str(value)


def plain_values(column: pd.Series) -> list[object]:
    """`plain_value` of every value of a column, with the per-value call left out where the
    column's type already gives plain values: whole numbers and booleans as they are, a float
    column's missing values (NaN) as None, text as it is."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.na_value is np.nan:
        # pandas' text: each value is a text or NaN (missing), which plain_value makes None
        return cast(Any, column).to_numpy(dtype=object, na_value=None).tolist()   # stubs: no None
    values = column.tolist()
    kind = dtype.kind if isinstance(dtype, np.dtype) else "O"   # not pandas' nullable
    if kind in "iub":    # numpy ints and bools: tolist() gives Python's, as plain_value would
        return values
    if kind == "f":
        if not np.isnan(column.to_numpy()).any():
            return values
        return [None if value != value else value for value in values]   # NaN is not itself
    return [value if type(value) in _PLAIN_TYPES else plain_value(value) for value in values]


_PLAIN_TYPES = frozenset({str, int, date, datetime})
"""Types whose values `plain_value` gives back as they are (a bool, a float and pandas' or
numpy's own types are not among them: each is converted)."""


def _text(value: object) -> object:
    """A cell of a column shown as text: whole numbers without ".0", blanks stay blank."""
    value = plain_value(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if value is None else str(value)


def frame_to_tab(title: str, frame: pd.DataFrame, *, note: str = "", chart: Chart | None = None,
                 layout: dict | None = None) -> Tab:
    """One tab from one frame: its columns are the header, its rows the data."""
    layout = layout or owned_tabs_layout()
    header, columns = plain_columns(title, frame, layout)
    return columns_to_tab(title, header, columns, len(frame), note=note, chart=chart, layout=layout)


def plain_columns(title: str, frame: pd.DataFrame, layout: dict) -> tuple[list[str], list[list[object]]]:
    """A frame's header and its columns of plain values (`plain_values`), the layout's text
    columns for this tab (`[text_columns]`) shown as text."""
    header = [str(column) for column in frame.columns]
    as_text = set(layout.get("text_columns", {}).get(title, []))
    frame = frame.assign(**{c: frame[c].map(_text) for c in as_text if c in frame.columns})
    # column by column: iterating rows of pandas' text columns costs a call per value
    return header, [plain_values(column) for _, column in frame.items()]   # by place: a name may repeat


def columns_to_tab(title: str, header: list[str], columns: list[list[object]], length: int, *,
                   note: str = "", chart: Chart | None = None, layout: dict | None = None) -> Tab:
    """One tab of `length` rows from its header and its columns of plain values
    (`plain_columns`), styled by the layout: widths fitted to these values, wrapped columns,
    print settings, formats, colours."""
    layout = layout or owned_tabs_layout()
    rows = [list(row) for row in zip(*columns, strict=True)] if columns else [[] for _ in range(length)]
    colours = layout.get("colours", {})
    colour_by = {
        column: colours[palette]
        for column, palette in layout.get("colour_columns", {}).items()
        if column in header and palette in colours
    }
    wrap = [c for c in layout.get("wrap", {}).get(title, []) if c in header]
    return Tab(
        title=title,
        header=header,
        rows=rows,
        widths=column_widths(title, header, columns, layout),
        wrap=wrap,
        printing=print_settings(title, layout),
        formats={c: f for c, f in layout.get("formats", {}).items() if c in header},
        colour_by=colour_by,
        freeze_rows=1,
        freeze_cols=layout.get("freeze_columns", {}).get(title, 0),
        chart=chart,
        note=note,
    )


def column_widths(title: str, header: list[str], columns: list[list[object]], layout: dict) -> dict[str, float]:
    """Each column's width in characters: the layout's width for this tab or any tab where it
    gives one (`[tab_widths.<tab>]`, then `[widths]`), else fitted to the column's contents.

    Fitted: the longest value as shown (a date as dd/mm/yyyy, a number with its format's
    decimals) or the header's longest word (headers wrap onto two lines at most; bold, so one
    character more), whichever is wider, plus `[fit].padding`, kept between `[fit].min` and
    `[fit].max`.
    """
    fit = layout.get("fit", {})
    low, high, padding = fit.get("min", 6), fit.get("max", 40), fit.get("padding", 2)
    fixed = {**layout.get("widths", {}), **layout.get("tab_widths", {}).get(title, {})}
    formats = layout.get("formats", {})
    widths: dict[str, float] = {}
    for name, values in zip(header, columns or [[] for _ in header], strict=False):
        if name in fixed:
            widths[name] = float(fixed[name])
            continue
        words = max((len(word) for word in name.split()), default=0)
        heading = max(words, math.ceil(len(name) / 2)) + 1     # bold: a little wider
        longest = _longest(values, formats.get(name))
        widths[name] = float(min(high, max(low, heading, longest) + padding))
    return widths


def _longest(values: list[object], number_format: str | None) -> int:
    """The most characters any of the values shows (`_shown_length` of each), counted with
    str.format and len over whole lists for texts, whole numbers and decimals (the most cells),
    each distinct number once."""
    with suppress(TypeError):     # a plain value other than text has no length: not all texts
        return max(map(len, cast(list[str], values)), default=0)
    texts = [value for value in values if type(value) is str]
    longest = max(map(len, texts), default=0)
    decimals = [value for value in values if type(value) is float]
    if decimals:
        spec = f".{len(number_format.partition('.')[2])}f" if number_format and number_format.startswith("0") else ""
        # equal decimals show alike, but for 0.0 and -0.0 ("-0.0"), which a set takes for one
        distinct = set(decimals)
        longest = max(longest, max(map(len, map(format, distinct, repeat(spec)))))   # "": as str()
        if 0.0 in distinct and any(value == 0.0 and str(value)[0] == "-" for value in decimals):
            longest = max(longest, len(format(-0.0, spec)))
    whole = [value for value in values if type(value) is int]
    if whole:
        longest = max(longest, max(map(len, map(str, set(whole)))))
    if len(texts) + len(decimals) + len(whole) < len(values):
        longest = max(longest, max((_shown_length(value, number_format) for value in values
                                    if type(value) not in _COUNTED_TYPES), default=0))
    return longest


_COUNTED_TYPES = frozenset({str, float, int})
"""What `_longest` counts over whole lists (exact types: a bool or a numpy number is not)."""


def _shown_length(value: object, number_format: str | None) -> int:
    """How many characters a cell shows."""
    if value is None:
        return 0
    if isinstance(value, (date, datetime)):
        return 16 if isinstance(value, datetime) and (value.hour or value.minute) else 10
    if isinstance(value, float) and number_format and number_format.startswith("0"):
        decimals = len(number_format.partition(".")[2])
        return len(f"{value:.{decimals}f}")
    return len(str(value))


def print_settings(title: str, layout: dict) -> dict:
    """The page setup of one tab: `[print]` of the layout, with `[print.tabs.<tab>]` over it."""
    settings = {key: value for key, value in layout.get("print", {}).items() if key != "tabs"}
    return {**settings, **layout.get("print", {}).get("tabs", {}).get(title, {})}


def forgotten_tab(forgotten: Forgotten) -> Tab:
    """The forgotten-pupils list as a hidden tab of ours (Google) and as `export` writes it: the
    key in the note, then keyed hashes and days."""
    return Tab(title=FORGOTTEN_TITLE, header=FORGOTTEN_HEADER, rows=forgotten.rows(), note=forgotten.note(),
               hidden=True, formats={"Forgotten on": "@"})
