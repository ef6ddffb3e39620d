"""Locks between copies of the app, held by the kernel so that they die with their process.

``flock`` on POSIX, ``msvcrt.locking`` on Windows, from the standard library: the same calls
:mod:`filelock` makes underneath, without its import (about 20 ms and 2 MB, most of it
:mod:`asyncio`), which every start and every search paid. A lock file left by a killed copy
never blocks anyone: the file stays, the lock does not.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Iterator
from pathlib import Path

_POLL_S = 0.02


class LockTimeout(TimeoutError):
    """Another process held the lock for longer than the caller would wait."""


class OsLock:
    """An exclusive lock on a file that the kernel holds for this process, taken without
    waiting: ``flock`` on POSIX, ``msvcrt.locking`` on Windows. Released by :meth:`release`
    or when the process ends, however it ends."""

    _HELD_ELSEWHERE = frozenset((errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, errno.EDEADLK))

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock now; False when another process (or another guard) holds it."""
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.name == "nt":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in self._HELD_ELSEWHERE:
                return False
            raise  # no locks on this file system: the caller goes on without a guard
        self._fd = fd
        return True

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            if os.name == "nt":
                import msvcrt

                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def acquire(path: Path | str, timeout: float) -> OsLock:
    """Take the lock on ``path``, waiting at most ``timeout`` seconds for another process to let
    go (:class:`LockTimeout`); the caller releases it. Not re-entrant: a second lock on the same
    path in the same process waits for the first, as another process would."""
    lock = OsLock(Path(path))
    deadline = time.monotonic() + timeout
    while not lock.try_acquire():
        if time.monotonic() >= deadline:
            raise LockTimeout(f"{path} is locked by another process")
        time.sleep(_POLL_S)
    return lock


@contextlib.contextmanager
def held(path: Path | str, timeout: float) -> Iterator[None]:
    """:func:`acquire` for the length of a ``with`` block."""
    lock = acquire(path, timeout)
    try:
        yield
    finally:
        lock.release()
