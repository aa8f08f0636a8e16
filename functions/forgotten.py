"""The list of pupils a school erased with `forget`, as keyed hashes of their UPNs (why we keep
it, and its limits: `sync.year.forgotten`). Pure: the key is given; making one is the shell's."""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

TITLE = "Forgotten pupils"
HEADER = ["Pupil key", "Forgotten on"]
_KEY = re.compile(r"\bkey ([0-9a-f]{64})\b")


@dataclass
class Forgotten:
    key: bytes
    pupils: dict[str, str] = field(default_factory=dict)     # keyed hash -> the day it was forgotten

    def mark(self, upn: str) -> str:
        return hmac.new(self.key, "".join(upn.split()).upper().encode("ascii", "replace"),
                        hashlib.sha256).hexdigest()

    def forgotten_on(self, upn: str) -> str | None:
        """The day the pupil with this UPN was forgotten, None when they were not."""
        return self.pupils.get(self.mark(upn)) if upn else None

    def add(self, upns: Iterable[str], day: date) -> None:
        for upn in upns:
            self.pupils.setdefault(self.mark(upn), day.isoformat())

    def note(self) -> str:
        """The line above the list as a tab: what it is, and the key."""
        return ("Pupils erased with forget, as keyed hashes of their UPNs, so that an import does "
                f"not bring them back; key {self.key.hex()}")

    def rows(self) -> list[list[object]]:
        return [[k, v] for k, v in sorted(self.pupils.items())]


def forgotten_from_rows(rows: list[list[object]]) -> Forgotten:
    """The list from its tab as `Forgotten.note` and `rows` wrote it (note, header, rows);
    ValueError when the note has lost its key."""
    found = _KEY.search(str(rows[0][0] if rows and rows[0] else ""))
    if found is None:
        raise ValueError("no key")
    return Forgotten(bytes.fromhex(found.group(1)),
                     {str(row[0]): str(row[1]) for row in rows[2:] if len(row) > 1 and row[0]})
