"""Atomic file writes: a temp file in the same folder, flushed, fsynced, then renamed over.

A crash or a full disk part-way through leaves the old file as it was, never half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def _replacing(path: Path) -> Iterator[BinaryIO]:
    """A temp file beside ``path`` to write; on leaving, flushed, fsynced and renamed over."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` at once; on failure raise OSError and leave ``path`` alone."""
    with _replacing(path) as handle:
        handle.write(data)


def write_parts_atomic(path: Path, parts: Iterable[str]) -> None:
    """:func:`write_text_atomic` for a text made a part at a time, each written (UTF-8) and let
    go before the next is made: a long document's blocks file (4 MB of JSON for 500 pages,
    twice over as text and bytes) is never whole in memory (issue 12)."""
    with _replacing(path) as handle:
        for part in parts:
            handle.write(part.encode("utf-8"))


def write_text_atomic(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows has no directory handles for this.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
