"""The log of what went wrong: tracebacks for the developers, kept out of the user's sight.

Users see one plain sentence; the details (the exception and its traceback) go to
``reader.log`` in the cache folder, where a support request can point. Appends only; a log that
cannot be written is not worth a second error.
"""

from __future__ import annotations

import contextlib
import time
import traceback
from pathlib import Path

from reader.paths import UserDirs

LOG_NAME = "reader.log"


def log_path() -> Path:
    """The log file: ``reader.log`` in the cache folder (under ``--home`` in portable mode)."""
    return UserDirs.for_home().cache / LOG_NAME


def log_exception(exc: BaseException, context: str = "", text: str | None = None) -> Path:
    """Append ``exc`` with its traceback (or the already formatted ``text``) to the log."""
    path = log_path()
    details = text or "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {stamp} {context}\n{details}\n")
    return path
