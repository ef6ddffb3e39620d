"""One window per user folder: a second launch hands its file to the copy already running.

No sockets: the running copy holds an operating-system file lock on ``DATA/instance.lock``
(:class:`reader.core.file_lock.OsLock`) and reads requests from the folder
``DATA/inbox/``. A second launch that finds the lock held writes one small request file there
(atomically: temp, fsync, rename) naming the file to open, or none for "come to the front",
and waits a few seconds for the running copy to take it (taking it deletes it). Taken: the
second launch ends. Not taken (the running copy hangs): it starts a window of its own.

The lock is the kernel's (``flock`` on POSIX, ``msvcrt.locking`` on Windows), so it dies with its
process: a lock file left by a killed copy never stops the next start. Everything lives under
the data folder, so two ``--home`` folders are two independent copies.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from reader.core.atomic import write_text_atomic
from reader.core.file_lock import OsLock

LOCK_NAME = "instance.lock"
INBOX_NAME = "inbox"
REQUEST_SUFFIX = ".request"
HANDOFF_TIMEOUT_S = 3.0
_POLL_S = 0.05


@dataclass(frozen=True)
class Request:
    """What a second launch asked for: a file to open, or ``None`` to bring the window up."""

    open_file: Path | None


class InstanceGuard:
    """The running copy's claim on a data folder; held until :meth:`release` or process exit."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.inbox = self.data_dir / INBOX_NAME
        # Only the kernel's lock, never a plain file that would outlive a killed copy: a folder
        # whose file system has no locks simply gets no single-instance guard.
        self._lock = OsLock(self.data_dir / LOCK_NAME)

    @property
    def held(self) -> bool:
        return self._lock.held

    def try_claim(self) -> bool:
        """Take the lock if no other copy holds it (never waits). ``False`` when another copy
        holds it; ``OSError`` (or ``NotImplementedError``) when locks cannot be had here."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self._lock.try_acquire():
            return False
        try:
            self.inbox.mkdir(exist_ok=True)
        except OSError:
            self._lock.release()  # no inbox, no guard: a second launch starts on its own
            raise
        # Requests left by a launch that gave up (or died) before this copy started are stale.
        for leftover in self.inbox.glob("*" + REQUEST_SUFFIX):
            with contextlib.suppress(OSError):
                leftover.unlink()
        return True

    def release(self) -> None:
        self._lock.release()

    def take_requests(self) -> list[Request]:
        """The requests waiting in the inbox, oldest first; taking one deletes it, which is the
        acknowledgement the second launch waits for. A malformed request is dropped."""
        requests: list[Request] = []
        try:
            names = sorted(p for p in self.inbox.iterdir() if _is_request(p))
        except OSError:
            return requests
        for path in names:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            with contextlib.suppress(OSError):
                path.unlink()
            if isinstance(data, dict):
                target = data.get("open")
                requests.append(Request(Path(target) if isinstance(target, str) else None))
        return requests


@dataclass
class Launch:
    """How a GUI start should go: ``handed_off`` (end now, status 0), or start a window,
    holding ``guard`` (``None`` when another copy holds the folder but did not answer)."""

    handed_off: bool
    guard: InstanceGuard | None


def _is_request(path: Path) -> bool:
    # Temp files of an atomic write start with a dot: never read half a request.
    return path.name.endswith(REQUEST_SUFFIX) and not path.name.startswith(".")


def write_request(inbox: Path, open_file: Path | None) -> Path:
    """Drop a request in ``inbox`` (atomically) and return its path."""
    target = str(Path(open_file).expanduser().resolve()) if open_file is not None else None
    path = inbox / f"{time.time_ns():020d}-{os.getpid()}{REQUEST_SUFFIX}"
    write_text_atomic(path, json.dumps({"open": target}))
    return path


def wait_taken(request: Path, timeout_s: float) -> bool:
    """Whether the running copy took ``request`` within ``timeout_s``; if not, withdraw it so
    a copy that wakes up later does not open the file a second time."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not request.exists():
            return True
        time.sleep(_POLL_S)
    try:
        request.unlink()
    except FileNotFoundError:
        return True  # taken at the last moment
    except OSError:
        pass
    return False


def _let_the_running_copy_come_forward() -> None:
    # Windows lets only the program the user just started bring a window to the front; this
    # launch hands that right on, or the running window would only flash in the taskbar.
    if os.name == "nt":
        import ctypes

        with contextlib.suppress(Exception):
            ctypes.windll.user32.AllowSetForegroundWindow(-1)  # ASFW_ANY


def hand_off(
    data_dir: Path, open_file: Path | None = None, timeout_s: float = HANDOFF_TIMEOUT_S
) -> Launch:
    """Claim ``data_dir`` for this copy, or hand ``open_file`` to the copy that holds it."""
    guard = InstanceGuard(data_dir)
    try:
        if guard.try_claim():
            return Launch(handed_off=False, guard=guard)
    except (OSError, NotImplementedError):
        return Launch(handed_off=False, guard=None)  # no locks here (or no folder): just start
    _let_the_running_copy_come_forward()
    try:
        request = write_request(guard.inbox, open_file)
    except OSError:
        return Launch(handed_off=False, guard=None)  # a read-only folder: just start
    if wait_taken(request, timeout_s):
        return Launch(handed_off=True, guard=None)
    return Launch(handed_off=False, guard=None)
