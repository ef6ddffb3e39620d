"""The index's fingerprint as start-up checks it: block by block, and still exact.

Every start compares the fingerprint the blocks should give with the one the index keeps. For a
library with a 500-page PDF that is 1,500 blocks; the check reads them one at a time instead of
making every block's index fields first (issue 12), and must still see any change.
"""

from __future__ import annotations

import tracemalloc

import pytest

from reader.core.model import Block
from reader.core.search import MSG_BUILT, MSG_STALE, SearchIndex, fingerprint
from reader.core.search_entries import _entries, _fingerprint_of, tally
from reader.core.search_writer import document_ends
from tests.factories import doc_block

WORDS = ("patients", "leadership", "resources", "teams", "concerns", "consent", "records")
BLOCKS = 3000


def _text(n: int) -> str:
    return " ".join(WORDS[(n + i) % len(WORDS)] for i in range(40)) + f" item{n}."


@pytest.fixture(scope="module")
def library() -> list[tuple[Block, str]]:
    """A long added document, as the search sees it."""
    return [(doc_block(n, _text(n), page=n // 3 + 1), "documents") for n in range(BLOCKS)]


@pytest.fixture(scope="module")
def big_index(tmp_path_factory, library) -> SearchIndex:
    index = SearchIndex(tmp_path_factory.mktemp("index") / "index")
    assert index.ensure(library, {"guidance-pdf": "Leadership"}) == MSG_BUILT
    return index


def _peak(work) -> int:
    """Bytes traced at the peak of ``work()`` above what was traced before it."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        work()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def test_checking_a_current_index_does_not_hold_every_blocks_fields(big_index, library):
    titles = {"guidance-pdf": "Leadership"}
    opening = _peak(big_index._inspect)  # the index's own files, read to check them
    checking = _peak(lambda: big_index.ensure(library, titles))
    assert big_index.last_status is None  # it matched: nothing was built
    # A digest per block while the blocks are read; every block's fields at once were about
    # 800 bytes a block (2.4 MB here) on top of opening the index.
    assert checking < opening + 200 * BLOCKS


def test_the_streamed_fingerprint_is_the_one_the_index_keeps(library):
    # Duplicate ids count once (the index keeps one document per id), as an edit sums them.
    items = [*library[:50], (doc_block(7, "a later edition of paragraph 7"), "documents")]
    items.append((doc_block(1, "a note on it", document="note-1"), "notes"))
    titles = {"guidance-pdf": "Leadership"}
    entries = _entries(items, titles)
    expected = tally(items, titles)
    assert expected.fingerprint == _fingerprint_of(len(entries), sum(e.digest for e in entries))
    assert expected.documents == len(document_ends([e.fields for e in entries])) == 2
    assert fingerprint(iter(items), titles) == expected.fingerprint


@pytest.mark.parametrize(
    "change",
    ["text", "title", "added", "removed", "source"],
)
def test_any_change_to_the_blocks_still_rebuilds(tmp_path, change):
    blocks = [(doc_block(n, _text(n)), "documents") for n in range(60)]
    titles = {"guidance-pdf": "Leadership"}
    index = SearchIndex(tmp_path / "index")
    assert index.ensure(blocks, titles) == MSG_BUILT
    assert index.ensure(blocks, titles) is None
    if change == "text":
        blocks[30] = (doc_block(30, "a changed paragraph"), "documents")
    elif change == "title":
        titles = {"guidance-pdf": "Leadership and management"}
    elif change == "added":
        blocks.append((doc_block(60, "one more paragraph"), "documents"))
    elif change == "removed":
        del blocks[10]
    else:
        blocks[5] = (blocks[5][0], "notes")
    # A generator, as a provider may give: read once for the check and once for the build.
    assert index.ensure(lambda: (item for item in blocks), titles) == MSG_STALE
    assert index.stored_fingerprint() == fingerprint(blocks, titles)
    assert index.ensure(blocks, titles) is None
    assert index.doc_count() == len(blocks)
