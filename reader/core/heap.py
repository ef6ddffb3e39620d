"""Giving freed memory back to the system, where the C library allows it (glibc, Linux).

glibc keeps what Python, Qt and MuPDF free inside the process for reuse, and much of it stays
counted against the process: page pixels (a megabyte or more each) drawn on a worker thread
and freed on the GUI thread go back to that thread's heap, and a laid-out text let go leaves
megabytes of small holes. ``malloc_trim`` hands the unused pages of every heap back to the
system (issue 12: 3-4 MB off the peak of a 500-page scroll).

Threads: glibc gives each thread that allocates a heap ("arena") of its own, up to eight per core,
and freed memory goes back to the heap it came from, for the threads using that heap only. The
window's workers (adding a file, checking the index, drawing pages) each held one, partly empty;
:func:`share_heaps` makes threads started after it share two (issue 12: about 2 MB off the peak
of a 500-page scroll, 3 MB off the memory left after it; drawing measured no slower).

Measured and not taken: fixing glibc's mmap threshold (``mallopt(M_MMAP_THRESHOLD, 256 KB)``)
so each page's pixels are a mapping of their own saved 2-3 MB more, but every page then took
2.5 ms longer to draw (fresh memory is zero-filled by the kernel page by page).

Elsewhere (macOS, Windows, musl) :func:`release_free_memory` and :func:`share_heaps` do nothing
and return False.
"""

from __future__ import annotations

import sys
import time
from typing import Any

_libc: Any = None  # ctypes.CDLL, loaded on first use (ctypes is not imported at start-up)
_looked = False
_last_trim = 0.0
_shared = False

M_ARENA_MAX = -8  # mallopt's parameter for the most heaps (malloc.h)
SHARED_HEAPS = 2  # the main thread's and one more, shared by every thread started later


def _glibc() -> Any:
    """The C library when it is glibc (it has malloc_trim), else None."""
    global _libc, _looked
    if not _looked:
        _looked = True
        if sys.platform.startswith("linux"):
            import ctypes

            try:
                # The symbols already loaded into this process: the C library's among them.
                # (ctypes.util.find_library would run ldconfig in a subprocess to find it.)
                libc = ctypes.CDLL(None)
            except OSError:
                libc = None
            if libc is not None and hasattr(libc, "malloc_trim"):
                _libc = libc
    return _libc


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


def share_heaps(count: int = SHARED_HEAPS) -> bool:
    """Let threads that allocate for the first time from now on share at most ``count`` heaps
    (with those that exist already); True when the C library can. Call it before starting
    worker threads: the heaps that exist stay. Once per process; later calls do nothing."""
    global _shared
    libc = _glibc()
    if libc is None:
        return False
    if not _shared:
        _shared = True
        libc.mallopt(M_ARENA_MAX, count)
    return True
