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

Where it is kept is the store's (`Store.read_forgotten`/`write_forgotten`): a school folder's
`.tracker-forgotten.json`, or a hidden tab of ours in a Google Tracker summary, `Forgotten pupils`
(the key in its note). The list itself, and the keyed hash, are `functions.forgotten`.
"""
from __future__ import annotations

import secrets

from functions.forgotten import Forgotten
from sync.store import Store, Workbook


def read_forgotten(store: Store, summary: Workbook) -> Forgotten:
    """The school's list (`summary`: Tracker summary read whole); an empty one with a new key
    when there is none yet."""
    found = store.read_forgotten(summary)
    return Forgotten(secrets.token_bytes(32)) if found is None else found
