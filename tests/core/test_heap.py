"""Freed memory goes back to the system where the C library allows it (issue 12)."""

from __future__ import annotations

import os
import sys

import pytest

from reader.core import heap

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
