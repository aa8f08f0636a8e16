"""Small pieces of English for the messages people read."""
from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """`1 workbook`, `2 workbooks`, `0 errors`: the number and the noun, agreeing."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
