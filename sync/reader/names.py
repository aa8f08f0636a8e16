"""Finding tabs and columns by name: case, surrounding spaces and inner runs of spaces ignored."""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache

TYPO_CUTOFF = 0.8
"""How close (difflib ratio) an unknown name must be to a known one to be reported as a likely typo."""
_SPACES = re.compile(r"\s+")


def normalise(name: object) -> str:
    """The form names are compared in: `"  Reading   AUTUMN "` -> `"reading autumn"`."""
    return _normalised(name) if type(name) is str else _normalised(str(name))


@lru_cache(maxsize=4096)
def _normalised(name: str) -> str:
    """`normalise` of a text: a school's workbooks repeat the same headings and tab titles in
    every class, so each is worked out once."""
    return _SPACES.sub(" ", name).strip().casefold()


def canonical_lookup(known: Iterable[str]) -> dict[str, str]:
    """normalised name -> the name as the contract spells it."""
    return dict(_lookup(tuple(known)))


@lru_cache(maxsize=256)
def _lookup(known: tuple[str, ...]) -> dict[str, str]:
    """`canonical_lookup`, worked out once for each list of names (each tab of each class asks
    for the same lists); callers get a copy."""
    return {normalise(name): name for name in known}


def likely_typo(name: str, known: Iterable[str]) -> str | None:
    """The known name `name` most looks like a misspelling of, or None.

    >>> likely_typo("Raeding Autumn", ["Reading Autumn", "Writing Autumn"])
    'Reading Autumn'
    """
    lookup = canonical_lookup(known)
    close = difflib.get_close_matches(normalise(name), list(lookup), n=1, cutoff=TYPO_CUTOFF)
    return lookup[close[0]] if close else None
