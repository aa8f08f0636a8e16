"""Reading single values typed by people: academic years, year groups, Y/blank flags, SEN codes, text."""
from __future__ import annotations

import re
import unicodedata

from functions.academic_year import academic_year_starting
from sync.reader.table import is_blank, is_error_value

_ACADEMIC_YEAR = re.compile(r"(\d{4})\s*[-/–]\s*(\d{2}|\d{4})")
_YEAR_GROUP = re.compile(r"(?:y(?:ear)?\s*)?([1-6])(?:\.0+)?", re.IGNORECASE)
_TRUE = frozenset({"y", "yes", "true", "x", "1"})
_FALSE = frozenset({"n", "no", "false", "0"})
_SEN = {"n": "N", "none": "N", "k": "K", "sen support": "K", "e": "E", "ehcp": "E", "ehc plan": "E"}


def parse_academic_year(value: object) -> str | None:
    """`2026-27` (also `2026/27`, `2026-2027`) as `"2026-27"`; None unless the years follow on."""
    match = _ACADEMIC_YEAR.fullmatch(str(value).strip()) if isinstance(value, str) else None
    if match is None:
        return None
    start, end = int(match[1]), int(match[2])
    if end != (start + 1 if end >= 100 else (start + 1) % 100):
        return None
    return academic_year_starting(start)


def parse_year_group(value: object) -> int | None:
    """A year group 1-6 from `3`, `3.0`, `"3"`, `"Y3"` or `"Year 3"`."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    match = _YEAR_GROUP.fullmatch(str(value).strip())
    return int(match[1]) if match else None


def parse_flag(value: object) -> bool | None:
    """Y/blank columns: True for Y, Yes, TRUE, x; False for blank, N, No, FALSE; None otherwise."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    return True if text in _TRUE else False if text in _FALSE else None


def parse_sen(value: object) -> str | None:
    """SEN as N (none, also blank), K (SEN support) or E (EHCP); None for anything else."""
    return "N" if is_blank(value) else _SEN.get(str(value).strip().casefold())


def parse_text(value: object) -> str | None:
    """A text cell as text ("" when blank); numbers as typed (3.0 as "3"); None for error values."""
    if is_blank(value):
        return ""
    if is_error_value(value):
        return None
    if isinstance(value, bool):
        return "Y" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def clean_upn(value: object) -> str:
    """A UPN as compared everywhere: spaces removed, upper case; "" for a blank cell. A UPN
    pasted from a web page or another program may carry characters nobody sees (a zero-width
    space, a byte-order mark) or full-width digits: those are taken out or made plain."""
    if type(value) is str and value.isascii():   # most cells: without a call
        return "".join(value.split()).upper()
    if is_blank(value):
        return ""
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", str(value)))
    return "".join(text.split()).upper()


_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
"""Format characters that show as nothing: soft hyphen, zero-width spaces and joiners, direction
marks and embeddings, word joiner, byte-order mark."""
