"""Pupil rows: UPN rules (the DfE check letter) and the checks that keep one row per pupil.

The DfE rule (Unique Pupil Numbers guidance; Government Data Standards Catalogue): a UPN is a
check letter followed by 12 characters — 11 digits and a final digit, or a final letter for a
temporary UPN. Characters 2-13 are weighted 2..13 (a final letter counts as its index in
`CHECK_LETTERS`), the sum is taken mod 23, and the remainder picks the check letter.
"""
from __future__ import annotations

import re

CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
"""Remainder 0..22 -> check letter: the alphabet without I, O and S."""

_BODY = re.compile(rf"\d{{11}}[\d{CHECK_LETTERS}]")


def upn_check_letter(upn12: str) -> str:
    """The check letter that goes in front of the 12 characters `upn12`.

    >>> upn_check_letter("801200005001")
    'B'
    """
    body = upn12.upper()
    if not _BODY.fullmatch(body):
        raise ValueError("a UPN body is 11 digits then a digit or a letter other than I, O, S")
    values = [int(ch) if ch.isdigit() else CHECK_LETTERS.index(ch) for ch in body]
    total = sum(weight * value for weight, value in zip(range(2, 14), values))
    return CHECK_LETTERS[total % 23]
