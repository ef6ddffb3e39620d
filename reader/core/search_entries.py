"""What goes into the search index for a block: its Whoosh fields and a digest of them.

The index's fingerprint is the sum of its blocks' digests (and their count), so an edit that adds
or removes blocks keeps it current without re-reading the others; :func:`fingerprint` gives the
fingerprint the index should have for a set of blocks. No Whoosh here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from reader.core.model import PAGE_DOCUMENT, Block

#: Bump when the schema or the way words are analysed changes: old indexes are then rebuilt.
INDEX_VERSION = 1
_MOD = 1 << 256


def source_of(block: Block) -> str:
    """Where a block comes from: the bundled page's tabs, an added document, or a note."""
    if block.kind == "note" or block.document.startswith("note"):
        return "notes"
    return "tabs" if block.document == PAGE_DOCUMENT else "documents"


@dataclass(frozen=True)
class _Entry:
    fields: dict
    digest: int


def _entry(block: Block, source: str | None, titles: Mapping[str, str] | None) -> _Entry:
    source = source or source_of(block)
    titles = titles or {}
    key = block.tab if block.document == PAGE_DOCUMENT else block.document
    title = titles.get(key) or titles.get(block.document) or titles.get(block.tab) or ""
    values = {
        "id": block.id,
        "source": source,
        "document": block.document,
        "tab": block.tab,
        "kind": block.kind,
        "paragraph": (block.paragraph or "").strip().lower().replace(" ", ""),
        "page": block.page,
        "title": title,
        "section": block.section_title,
        "section_id": block.section,
        "text": block.text,
    }
    raw = json.dumps([INDEX_VERSION, values], sort_keys=True, ensure_ascii=False)
    digest = int.from_bytes(hashlib.sha256(raw.encode("utf-8")).digest(), "big")
    doc = {k: v for k, v in values.items() if v not in (None, "")}
    doc["words"] = doc["spell"] = block.text
    doc["fp"] = f"{digest:064x}"
    return _Entry(doc, digest)


def _entries(
    items: Iterable[Block | tuple[Block, str]], titles: Mapping[str, str] | None
) -> list[_Entry]:
    by_id: dict[str, _Entry] = {}
    for item in items:
        block, source = item if isinstance(item, tuple) else (item, None)
        entry = _entry(block, source, titles)
        by_id[block.id] = entry  # the index keeps one document per id: so does the fingerprint
    return list(by_id.values())


def _fingerprint_of(count: int, total: int) -> str:
    return f"v{INDEX_VERSION}-{count}-{total % _MOD:064x}"


def fingerprint(
    blocks: Iterable[Block | tuple[Block, str]], titles: Mapping[str, str] | None = None
) -> str:
    """A hash of the blocks (ids, texts, titles...) and the index version.

    It is a sum of per-block hashes, so adding or removing one block updates it without
    re-reading the rest: the index keeps its own fingerprint current through incremental edits.
    """
    entries = _entries(blocks, titles)
    return _fingerprint_of(len(entries), sum(e.digest for e in entries))
