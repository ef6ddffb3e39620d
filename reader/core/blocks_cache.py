"""The last few documents' blocks, kept while their blocks file is unchanged.

Opening a long PDF asks the library for its blocks three times (its tab, the contents, the
section trail), about 30 ms each for a 500-page document read from its file. A document's
blocks are immutable, so one list can serve them all: each caller gets a list of its own
holding the same blocks. The key names the file as it is on disk (size and modification time),
so a rewritten file is read again.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reader.core.model import Block

KEPT = 4  # documents whose blocks are kept (open tabs are few)


class BlocksCache:
    """Blocks by ``(document id, tab, file, mtime, size)``; safe to share between threads."""

    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._lists: dict[tuple, list[Block]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def key(document_id: str, tab: str, path: Path) -> tuple | None:
        """The key of ``path`` as it is now; ``None`` when it cannot be read."""
        try:
            stat = path.stat()
        except OSError:
            return None
        return (document_id, tab, str(path), stat.st_mtime_ns, stat.st_size)

    def get(self, key: tuple) -> list[Block] | None:
        """A new list of the blocks kept under ``key``, or ``None``."""
        with self._lock:
            blocks = self._lists.pop(key, None)
            if blocks is None:
                return None
            self._lists[key] = blocks  # most recently used last
            return list(blocks)

    def put(self, key: tuple | None, blocks: list[Block]) -> None:
        if key is None:
            return
        with self._lock:
            self._lists[key] = list(blocks)
            while len(self._lists) > self._kept:
                del self._lists[next(iter(self._lists))]
