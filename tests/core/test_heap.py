"""Freed memory goes back to the system where the C library allows it (issue 12)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from reader.core import heap
from tests.conftest import ROOT

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux") or heap._glibc() is None, reason="glibc only"
)


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@linux_only
def test_memory_freed_in_small_pieces_goes_back_when_released() -> None:
    # 60 MB in 2 KB pieces, every 50th kept: the heap cannot shrink from its top, so without a
    # trim the freed 59 MB stay counted against the process.
    pieces = [bytearray(2048) for _ in range(30_000)]
    kept = pieces[::50]
    del pieces
    before = _resident_mb()
    assert heap.release_free_memory()
    assert _resident_mb() < before - 30
    assert len(kept) == 600


def test_elsewhere_it_says_it_could_not(monkeypatch) -> None:
    monkeypatch.setattr(heap, "_looked", True)
    monkeypatch.setattr(heap, "_libc", None)
    assert heap.release_free_memory() is False


@linux_only
def test_releases_close_together_cost_one_trim(monkeypatch) -> None:
    calls = []
    real = heap._glibc()

    class Counting:
        def malloc_trim(self, pad: int) -> int:
            calls.append(pad)
            return real.malloc_trim(pad)

    monkeypatch.setattr(heap, "_libc", Counting())
    monkeypatch.setattr(heap, "_last_trim", 0.0)
    for _ in range(5):
        assert heap.release_free_memory(min_interval=60.0)
    assert calls == [0]


HEAPS = textwrap.dedent(
    """
    import ctypes, re, sys, tempfile, threading
    from reader.core import heap

    if sys.argv[1] == "share":
        assert heap.share_heaps()
    together = threading.Barrier(6)
    kept = []

    def work():
        together.wait()  # all alive at once: none can take over a heap another let go
        kept.append([bytearray(4096) for _ in range(100)])  # malloc'd by this thread
        together.wait()

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    libc = ctypes.CDLL(None)
    libc.fopen.restype = ctypes.c_void_p
    with tempfile.NamedTemporaryFile("r", suffix=".xml") as out:
        handle = ctypes.c_void_p(libc.fopen(out.name.encode(), b"w"))
        libc.malloc_info(0, handle)
        libc.fclose(handle)
        print(len(re.findall('<heap nr=', out.read())))
    """
)


def _heaps_after_six_threads(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", HEAPS, mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return int(done.stdout.split()[-1])


@linux_only
def test_threads_started_after_share_heaps_share_two() -> None:
    # Each in a fresh interpreter: the limit holds for the rest of a process.
    assert _heaps_after_six_threads("own") > 3  # glibc's way: a heap per thread
    assert _heaps_after_six_threads("share") <= heap.SHARED_HEAPS


def test_sharing_heaps_elsewhere_says_it_could_not(monkeypatch) -> None:
    monkeypatch.setattr(heap, "_looked", True)
    monkeypatch.setattr(heap, "_libc", None)
    assert heap.share_heaps() is False
