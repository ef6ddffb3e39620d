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


@linux_only
def test_large_blocks_are_mapped_on_their_own_and_given_back_when_freed() -> None:
    assert heap.map_large_blocks()
    base = _resident_mb()
    for _ in range(20):  # a page's pixels, drawn and dropped, again and again
        block = bytearray(4 * 1024 * 1024)
        block[::4096] = b"\x01" * len(block[::4096])
        del block
    assert _resident_mb() < base + 8


def test_elsewhere_it_says_it_could_not(monkeypatch) -> None:
    monkeypatch.setattr(heap, "_looked", True)
    monkeypatch.setattr(heap, "_libc", None)
    assert heap.release_free_memory() is False
    assert heap.map_large_blocks() is False
