"""Safe, stable file and folder names for reports.

Names come from pupil data and settings, so nothing in them may act as a path: separators, `..`,
control characters and names Windows reserves are removed (pathvalidate does the platform rules).
Two pupils of a class with the same name get "Smith John.pdf" and "Smith John (2).pdf", numbered in
(last name, first name, UPN) order so that a re-run gives every pupil the same file as before.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache

from pathvalidate import sanitize_filename

MAX_NAME = 100
FALLBACK = "report"


@lru_cache(maxsize=4096)   # the same class and window names come up once per pupil
def safe_name(text: str) -> str:
    """`text` as one file or folder name: no path characters, no leading dots, never empty."""
    cleaned = sanitize_filename(" ".join(str(text).split()), replacement_text="-",
                                platform="universal", max_len=MAX_NAME)
    return cleaned.strip(" .-") or FALLBACK


def report_stems(pupils: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """UPN -> "<Last> <First>" made safe and unique (ignoring case) among `pupils` (upn, first, last)."""
    stems: dict[str, str] = {}
    taken: set[str] = set()
    for upn, first, last in sorted(pupils, key=lambda p: (p[2].casefold(), p[1].casefold(), p[0])):
        base = safe_name(f"{last} {first}")
        stem, n = base, 1
        while stem.casefold() in taken:
            n += 1
            stem = f"{base} ({n})"
        taken.add(stem.casefold())
        stems[upn] = stem
    return stems


def pupil_key(upn: str) -> str:
    """A stable identifier for a pupil's report that does not show the UPN itself."""
    return hashlib.sha256(upn.encode("utf-8")).hexdigest()[:20]
