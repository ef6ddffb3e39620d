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


def _values(block: Block, source: str | None, titles: Mapping[str, str] | None) -> dict:
    source = source or source_of(block)
    titles = titles or {}
    key = block.tab if block.document == PAGE_DOCUMENT else block.document
    title = titles.get(key) or titles.get(block.document) or titles.get(block.tab) or ""
    return {
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


def _digest(values: dict) -> int:
    raw = json.dumps([INDEX_VERSION, values], sort_keys=True, ensure_ascii=False)
    return int.from_bytes(hashlib.sha256(raw.encode("utf-8")).digest(), "big")


def _entry(block: Block, source: str | None, titles: Mapping[str, str] | None) -> _Entry:
    values = _values(block, source, titles)
    digest = _digest(values)
    doc = {k: v for k, v in values.items() if v not in (None, "")}
    doc["words"] = doc["spell"] = block.text
    doc["fp"] = f"{digest:064x}"
    return _Entry(doc, digest)


def _split(item: Block | tuple[Block, str]) -> tuple[Block, str | None]:
    return item if isinstance(item, tuple) else (item, None)


def _entries(
    items: Iterable[Block | tuple[Block, str]], titles: Mapping[str, str] | None
) -> list[_Entry]:
    by_id: dict[str, _Entry] = {}
    for item in items:
        block, source = _split(item)
        entry = _entry(block, source, titles)
        by_id[block.id] = entry  # the index keeps one document per id: so does the fingerprint
    return list(by_id.values())


def _fingerprint_of(count: int, total: int) -> str:
    return f"v{INDEX_VERSION}-{count}-{total % _MOD:064x}"


@dataclass(frozen=True)
class Tally:
    """What the index should hold, in brief: its fingerprint, and how many documents (as a
    build's progress counts them, see :func:`~reader.core.search_writer.document_ends`)."""

    fingerprint: str
    documents: int


def tally(items: Iterable[Block | tuple[Block, str]], titles: Mapping[str, str] | None) -> Tally:
    """The fingerprint of ``items`` read one block at a time: each block's fields and JSON go
    before the next is read, so a start-up check of a 500-page library holds a digest per
    block, not every block's fields at once (3 MB at the peak; issue 12)."""
    digests: dict[str, tuple[int, str]] = {}
    for item in items:
        block, source = _split(item)
        values = _values(block, source, titles)
        group = "notes" if values["source"] == "notes" else block.document
        digests[block.id] = (_digest(values), group)  # one per id, as the index keeps
    total = sum(digest for digest, _ in digests.values())
    groups = {group for _, group in digests.values()}
    return Tally(_fingerprint_of(len(digests), total), len(groups))


def fingerprint(
    blocks: Iterable[Block | tuple[Block, str]], titles: Mapping[str, str] | None = None
) -> str:
    """A hash of the blocks (ids, texts, titles...) and the index version.

    It is a sum of per-block hashes, so adding or removing one block updates it without
    re-reading the rest: the index keeps its own fingerprint current through incremental edits.
    """
    return tally(blocks, titles).fingerprint
