"""Turn result DataFrames into `Tab`s to write, styled by sheets_templates/layouts/owned_tabs.toml."""
from __future__ import annotations

import math
import tomllib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from sync.store import Chart, Tab

LAYOUT_FILE = Path(__file__).resolve().parent.parent / "sheets_templates" / "layouts" / "owned_tabs.toml"


@lru_cache(maxsize=4)
def load_layout(path: Path = LAYOUT_FILE) -> dict:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


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


def _text(value: object) -> object:
    """A cell of a column shown as text: whole numbers without ".0", blanks stay blank."""
    value = plain_value(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if value is None else str(value)


def frame_to_tab(title: str, frame: pd.DataFrame, *, note: str = "", chart: Chart | None = None,
                 layout: dict | None = None) -> Tab:
    """One tab from one frame: its columns are the header, its rows the data."""
    layout = layout or load_layout()
    header = [str(column) for column in frame.columns]
    as_text = set(layout.get("text_columns", {}).get(title, []))
    frame = frame.assign(**{c: frame[c].map(_text) for c in as_text if c in frame.columns})
    # column by column: iterating rows of pandas' text columns costs a call per value
    columns = [[plain_value(value) for value in frame.iloc[:, at].tolist()]
               for at in range(frame.shape[1])]
    rows = [list(row) for row in zip(*columns)] if columns else [[] for _ in range(len(frame))]
    colours = layout.get("colours", {})
    colour_by = {
        column: colours[palette]
        for column, palette in layout.get("colour_columns", {}).items()
        if column in header and palette in colours
    }
    return Tab(
        title=title,
        header=header,
        rows=rows,
        widths={c: w for c, w in layout.get("widths", {}).items() if c in header},
        formats={c: f for c, f in layout.get("formats", {}).items() if c in header},
        colour_by=colour_by,
        freeze_rows=1,
        freeze_cols=layout.get("freeze_columns", {}).get(title, 0),
        chart=chart,
        note=note,
    )
