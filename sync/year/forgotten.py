"""Pupils the school erased with `forget`, kept only as keyed hashes, so that a later `import`
does not quietly bring them back (an old MIS export or CTF still lists them).

Why keep anything: erasing a leaver and then loading them again from an old file would undo the
erasure without anybody deciding to. The ICO's guidance on the right to erasure allows keeping
the least needed to make sure erased data is not processed again (a "suppression" record). What
is kept is the least that can recognise a UPN: HMAC-SHA256 of the UPN under a random key of the
school's own, and the day it was forgotten; no name, no date of birth, no class. A pupil who
really rejoins the school is imported with `--rejoined UPN`: the list only makes import ask.

The list is pseudonymised personal data, not anonymous: with the key (kept beside it) anyone
holding the school's files can test whether a given UPN was forgotten, and a school's UPNs are
few enough to try them all. It never shows a UPN to somebody who does not already have one.

Where: a school folder's `.tracker-forgotten.json` (a file of ours); on Google, a hidden tab of
ours in Tracker summary, `Forgotten pupils` (the key in its note).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sync.errors import SettingsError, StoreUnavailable
from sync.store import Store, Tab, Workbook

TITLE = "Forgotten pupils"
LOCAL_FILE = ".tracker-forgotten.json"
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


def read_forgotten(store: Store, summary: Workbook) -> Forgotten:
    """The school's list (`summary`: Tracker summary read whole); an empty one with a new key
    when there is none yet."""
    if store.folder is not None:
        path = store.folder / LOCAL_FILE
        if not path.is_file():
            return Forgotten(secrets.token_bytes(32))
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Forgotten(bytes.fromhex(data["key"]), {str(k): str(v) for k, v in data["pupils"].items()})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise SettingsError(f"{LOCAL_FILE} in the school folder cannot be read; restore it from a "
                                "backup (it lists the pupils the school erased, so that an import does "
                                "not bring them back), or delete it to start a new list.") from None
    rows = next((rows for title, rows in summary.items() if title == TITLE), None)
    if not rows:
        return Forgotten(secrets.token_bytes(32))
    found = _KEY.search(str(rows[0][0] if rows[0] else ""))
    if found is None:
        raise SettingsError(f"The hidden {TITLE} tab of Tracker summary has lost its key; delete the "
                            "tab to start a new list.")
    pupils = {str(row[0]): str(row[1]) for row in rows[2:] if len(row) > 1 and row[0]}
    return Forgotten(bytes.fromhex(found.group(1)), pupils)


def write_forgotten(store: Store, forgotten: Forgotten) -> None:
    """The whole list, written over the last (a file or tab of ours)."""
    if store.folder is not None:
        path = store.folder / LOCAL_FILE
        temporary = path.with_name(f"{LOCAL_FILE}.tmp")
        try:
            temporary.write_text(json.dumps({"key": forgotten.key.hex(), "pupils": forgotten.pupils},
                                            indent=1, sort_keys=True), encoding="utf-8")
            os.replace(temporary, path)
        except OSError as error:
            temporary.unlink(missing_ok=True)
            raise StoreUnavailable(f"Could not write {LOCAL_FILE} ({error.strerror}).") from error
        return
    store.write_summary([forgotten_tab(forgotten)])


def forgotten_tab(forgotten: Forgotten) -> Tab:
    """The list as a hidden tab of ours (Google) and as `export` writes it: the key in the note."""
    return Tab(title=TITLE, header=HEADER, rows=[[k, v] for k, v in sorted(forgotten.pupils.items())],
               note=(f"Pupils erased with forget, as keyed hashes of their UPNs, so that an import does "
                     f"not bring them back; key {forgotten.key.hex()}"),
               hidden=True, formats={"Forgotten on": "@"})
