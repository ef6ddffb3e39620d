"""The search index folder's ``meta.json``: what the index holds and how each file should read.

Written after every build and edit; :meth:`reader.core.search.SearchIndex.ensure` compares its
fingerprint with the content's to tell a stale index, and the files' checksums to tell a
damaged one.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

from reader.core.atomic import write_text_atomic
from reader.core.search_entries import _MOD, INDEX_VERSION, _fingerprint_of


def file_checksum(path: Path) -> tuple[int, int]:
    """Size and CRC-32 of an index file, read into one 256 KB buffer (a whole postings file
    read at once was 4 MB on the start-up peak; a new megabyte per read, two at a time)."""
    size, crc = 0, 0
    buffer = bytearray(1 << 18)
    view = memoryview(buffer)
    with path.open("rb") as handle:
        while read := handle.readinto(buffer):
            size += read
            crc = zlib.crc32(view[:read], crc)
    return size, crc


def write_meta(folder: Path, count: int, total: int) -> None:
    """meta.json for the index in ``folder``: its fingerprint (``count`` blocks whose digests sum
    to ``total``) and each file's size and checksum, written atomically after every change."""
    files = {
        p.name: list(file_checksum(p))
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != "meta.json" and not p.name.endswith("LOCK")
    }
    meta = {
        "version": INDEX_VERSION,
        "count": count,
        "sum": f"{total % _MOD:064x}",
        "fingerprint": _fingerprint_of(count, total),
        "files": files,
    }
    write_text_atomic(folder / "meta.json", json.dumps(meta, indent=1))
