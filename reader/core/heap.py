"""How the C heap gives memory back to the system, where the C library allows it (glibc, Linux).

glibc keeps what Python, Qt and MuPDF free inside the process for reuse. Two habits of it cost
a reader that draws page after page (issue 12):

- After the first large block is freed, glibc raises its "map large blocks separately"
  threshold to that block's size, so from then on page-sized pixel buffers (a megabyte or more
  each, drawn on a worker thread) are carved out of the heaps, where freed space mostly stays
  with the process. :func:`map_large_blocks` fixes the threshold, so every such buffer is its
  own mapping and goes back to the system the moment it is freed.
- Free space inside a heap is kept. :func:`release_free_memory` (``malloc_trim``) hands its
  unused pages back after a big release, such as a laid-out text being let go.

Elsewhere (macOS, Windows, musl) both do nothing and say so by returning False.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import time

M_MMAP_THRESHOLD = -3  # mallopt parameter number, from glibc's malloc.h
LARGE_BLOCK = 256 * 1024  # glibc's default threshold, made fixed

_libc: ctypes.CDLL | None = None
_looked = False
_last_trim = 0.0


def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (it has malloc_trim), else None."""
    global _libc, _looked
    if not _looked:
        _looked = True
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            except OSError:
                libc = None
            if libc is not None and hasattr(libc, "malloc_trim") and hasattr(libc, "mallopt"):
                _libc = libc
    return _libc


def map_large_blocks(threshold: int = LARGE_BLOCK) -> bool:
    """Serve every allocation of ``threshold`` bytes or more from its own mapping, for good.

    Safe to call more than once; True when the C library took the setting.
    """
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, int(threshold)))


def release_free_memory(min_interval: float = 0.0) -> bool:
    """Give the heaps' unused pages back to the system; True when the C library can.

    A trim walks the heaps (a millisecond or two for a hundred megabytes), so a call within
    ``min_interval`` seconds of the last one is skipped: bursts of releases cost one trim.
    """
    global _last_trim
    libc = _glibc()
    if libc is None:
        return False
    now = time.monotonic()
    if min_interval and now - _last_trim < min_interval:
        return True
    _last_trim = now
    libc.malloc_trim(0)
    return True
