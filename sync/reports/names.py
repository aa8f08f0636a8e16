"""Safe, stable file and folder names for reports.

Names come from pupil data and settings, so nothing in them may act as a path: separators, `..`,
control characters and names Windows reserves are removed (pathvalidate does the platform rules).
Two pupils of a class with the same name get file names that tell them apart by something a
teacher can check: the date of birth ("Smith John (born 2019-03-04).pdf"), else the UPN's check
letter, its first character ("Smith John (UPN A).pdf"); never a number that depends on the order.
"""
from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from pathvalidate import sanitize_filename

MAX_NAME = 100
_INVISIBLE = {"Cf", "Co", "Cs", "Cn"}
"""Format (bidi overrides, zero-width joiners and spaces, the BOM), private-use and
unassigned characters: a file name must look like what it is."""
FALLBACK = "report"


@lru_cache(maxsize=4096)   # the same class and window names come up once per pupil
def safe_name(text: str) -> str:
    """`text` as one file or folder name: no path characters, no leading dots, never empty."""
    visible = "".join(ch for ch in str(text) if unicodedata.category(ch) not in _INVISIBLE)
    cleaned = sanitize_filename(" ".join(visible.split()), replacement_text="-",
                                platform="universal", max_len=MAX_NAME)
    return cleaned.strip(" .-") or FALLBACK


def report_stems(pupils: Iterable[tuple[str, ...]]) -> dict[str, str]:
    """UPN -> "<Last> <First>" made safe, among `pupils` (upn, first, last[, date of birth as
    YYYY-MM-DD or ""]). Namesakes (ignoring case) get " (born <date>)" when their dates of birth
    are known and differ, else " (UPN <check letter>)" when those differ, else both, else a short
    code of the UPN: never "(2)"."""
    by_base: dict[str, list[tuple[str, str, str]]] = {}
    for upn, first, last, *rest in pupils:
        base = safe_name(f"{last} {first}")
        by_base.setdefault(base.casefold(), []).append((upn, base, rest[0] if rest else ""))
    stems: dict[str, str] = {}
    for namesakes in by_base.values():
        if len(namesakes) == 1:
            upn, base, _ = namesakes[0]
            stems[upn] = base
            continue
        births = [born for _, _, born in namesakes]
        letters = [upn[:1].upper() for upn, _, _ in namesakes]
        if all(births) and len(set(births)) == len(births):
            tells = [f"born {born}" for born in births]
        elif len(set(letters)) == len(letters):
            tells = [f"UPN {letter}" for letter in letters]
        elif all(births) and len(set(zip(births, letters, strict=True))) == len(births):
            tells = [f"born {born}, UPN {letter}" for born, letter in zip(births, letters, strict=True)]
        else:
            tells = [f"ref {pupil_key(upn)[:6]}" for upn, _, _ in namesakes]
        for (upn, base, _), tell in zip(namesakes, tells, strict=True):
            stems[upn] = f"{base} ({safe_name(tell)})"
    return stems


def pupil_key(upn: str) -> str:
    """A stable identifier for a pupil's report that does not show the UPN itself."""
    return hashlib.sha256(upn.encode("utf-8")).hexdigest()[:20]
