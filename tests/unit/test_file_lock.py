"""The school-folder lock: one holder at a time, and released for the next."""
from __future__ import annotations

import os

from sync import file_lock


def test_a_second_holder_is_refused_until_the_first_lets_go(tmp_path):
    path = tmp_path / ".tracker.lock"
    with open(path, "a+") as first, open(path, "a+") as second:
        assert file_lock.lock_without_waiting(first)
        assert not file_lock.lock_without_waiting(second)
        file_lock.unlock(first)
        assert file_lock.lock_without_waiting(second)
        file_lock.unlock(second)


class FakeMsvcrt:
    """Windows' msvcrt.locking as far as the lock uses it: a byte range of a file, locked by one
    handle at a time; LK_NBLCK on a held range raises OSError at once."""

    LK_NBLCK, LK_UNLCK = "LK_NBLCK", "LK_UNLCK"

    def __init__(self) -> None:
        self.holder: dict[tuple[int, int], int] = {}   # (file id, offset) -> fd holding it

    def locking(self, fd: int, mode: str, nbytes: int) -> None:
        assert nbytes == 1
        key = (os.fstat(fd).st_ino, os.lseek(fd, 0, os.SEEK_CUR))
        if mode == self.LK_UNLCK:
            assert self.holder.pop(key) == fd
        elif self.holder.setdefault(key, fd) != fd:
            raise OSError(36, "Resource deadlock avoided")


def test_on_windows_the_first_byte_is_locked_without_waiting(tmp_path, monkeypatch):
    monkeypatch.setattr(file_lock, "fcntl", None)
    monkeypatch.setattr(file_lock, "msvcrt", FakeMsvcrt(), raising=False)
    path = tmp_path / ".tracker.lock"
    with open(path, "a+") as first, open(path, "a+") as second:
        first.write("x")            # an append handle stands at the end: the lock must seek to 0
        first.flush()
        assert file_lock.lock_without_waiting(first)
        assert not file_lock.lock_without_waiting(second)
        file_lock.unlock(first)
        assert file_lock.lock_without_waiting(second)
        file_lock.unlock(second)
