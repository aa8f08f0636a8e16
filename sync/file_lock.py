"""An exclusive lock on an open file, released by the operating system if the process dies.

Local mode runs where schools' computers are: `fcntl.flock` on Linux and macOS, and on Windows
(which has no fcntl) `msvcrt.locking` on the file's first byte. The standard library has no
portable call for this.
"""
from __future__ import annotations

from typing import IO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


def lock_without_waiting(handle: IO) -> bool:
    """Take the lock; False at once when another process holds it."""
    if fcntl is not None:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    handle.seek(0)
    try:
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:  # held by another process
        return False
    return True


def unlock(handle: IO) -> None:
    if fcntl is not None:
        fcntl.flock(handle, fcntl.LOCK_UN)
        return
    handle.seek(0)
    msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
