"""A Tab's cells as Sheets `RowData`: plain values, number formats, bold header, status colours.

Every value is written as a plain value (`stringValue`, `numberValue`, `boolValue`), never as
`formulaValue`: a pupil named `=IMPORTXML(...)` stays text. Dates become serial numbers with a date
format, as Sheets stores them.
"""
from __future__ import annotations

import math
import numbers
from datetime import date, datetime

import numpy as np
import pandas as pd

from sync.store import Tab

SHEETS_EPOCH = datetime(1899, 12, 30)
DEFAULT_DATE_FORMAT = "dd/mm/yyyy"


def serial(value: date) -> float:
    """A date or datetime as Sheets' serial number (days since 1899-12-30, time as a fraction)."""
    if isinstance(value, datetime):
        return (value.replace(tzinfo=None) - SHEETS_EPOCH).total_seconds() / 86400
    return float((value - SHEETS_EPOCH.date()).days)


def extended_value(value: object) -> dict | None:
    """The `ExtendedValue` for one Python value; None for an empty cell (None, NaN, NaT)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return {"boolValue": bool(value)}
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            return None
        return {"numberValue": int(value) if isinstance(value, numbers.Integral) else number}
    if isinstance(value, date):
        return {"numberValue": serial(value)}
    return {"stringValue": str(value)}


def canonical(value: object) -> object:
    """One form for a cell's value, written or read, to tell whether a row changed: an
    ExtendedValue dict (what we write) or a plain value (what a read gives) becomes a float, a
    string, a bool or None."""
    if isinstance(value, dict):
        if not value:
            return None
        value = next(iter(value.values()))
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    return str(value)


def number_format(pattern: str) -> dict:
    """A `NumberFormat` for one of Tab.formats' patterns ("0.0", "dd/mm/yyyy", "@")."""
    lowered = pattern.lower()
    if pattern == "@":
        kind = "TEXT"
    elif "yy" in lowered or "dd" in lowered:
        kind = "DATE_TIME" if "hh" in lowered else "DATE"
    else:
        kind = "NUMBER"
    return {"type": kind, "pattern": pattern}


def colour(hex_colour: str) -> dict:
    """"#FFC7CE" -> Sheets' Color (0..1 floats)."""
    digits = hex_colour.lstrip("#")
    red, green, blue = (int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": red, "green": green, "blue": blue}


def _cell(value: object, cell_format: dict) -> dict:
    cell: dict = {}
    extended = extended_value(value)
    if extended is not None:
        cell["userEnteredValue"] = extended
    if cell_format:
        cell["userEnteredFormat"] = cell_format
    return cell


def _data_format(tab: Tab, column: str, value: object) -> dict:
    pattern = tab.formats.get(column) or (DEFAULT_DATE_FORMAT if isinstance(value, date) else "")
    cell_format: dict = {"numberFormat": number_format(pattern)} if pattern else {}
    fill = tab.colour_by.get(column, {}).get(value) if isinstance(value, str) else None
    if fill:
        cell_format["backgroundColor"] = colour(fill)
    return cell_format


def row_data(tab: Tab) -> list[dict]:
    """The tab's rows as RowData: the note (if any), the bold header, then the data rows."""
    rows: list[dict] = []
    if tab.note:
        rows.append({"values": [_cell(tab.note, {})]})
    bold = {"textFormat": {"bold": True}}
    rows.append({"values": [_cell(name, bold) for name in tab.header]})
    for values in tab.rows:
        rows.append({"values": [_cell(value, _data_format(tab, column, value))
                                for column, value in zip(tab.header, values, strict=False)]})
    return rows
