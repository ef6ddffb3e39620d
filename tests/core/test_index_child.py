"""A new document is added to the search index by a child process, and the window's searcher
sees it; a child that fails says so in a sentence and leaves the index as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core.index_child import IndexChildError, add_in_child
from reader.core.model import Block, block_to_dict
from reader.core.search import SearchIndex
from tests.factories import doc_block


def _report(document: str, paragraphs: int) -> list[Block]:
    text = "Paragraph {n} of the audit: rota gaps in the xylophone ward, item {n}."
    return [doc_block(n, text.format(n=n), document, page=n) for n in range(1, paragraphs + 1)]


def _blocks_file(tmp_path: Path, blocks: list[Block]) -> Path:
    path = tmp_path / "report.pdf.blocks.json"
    path.write_text(json.dumps([block_to_dict(b) for b in blocks]), encoding="utf-8")
    return path


def test_a_document_added_by_the_child_is_found_by_the_open_index(pack, tmp_path) -> None:
    index = SearchIndex(tmp_path / "index", pack.synonyms)
    index.ensure(pack.blocks())
    assert not index.search("xylophone").hits  # a searcher is open before the child writes
    blocks = _report("audit-report", 60)  # enough for the lean segment writer
    written = add_in_child(
        index.index_dir,
        pack.synonyms,
        _blocks_file(tmp_path, blocks),
        "audit-report",
        "background",
        "An audit report",
    )
    assert written == 60
    hits = index.search("xylophone ward item 37").hits
    assert hits[0].id == "audit-report.p37"
    assert hits[0].title == "An audit report"
    assert index.search("leadership").hits  # the page's own text is still there


def test_a_child_that_fails_says_why_and_changes_nothing(pack, tmp_path) -> None:
    index = SearchIndex(tmp_path / "index", pack.synonyms)
    index.ensure(pack.blocks())
    before = [h.id for h in index.search("leadership").hits]
    with pytest.raises(IndexChildError, match="could not be edited"):
        add_in_child(
            index.index_dir,
            pack.synonyms,
            tmp_path / "missing.blocks.json",
            "audit-report",
            "background",
            "An audit report",
        )
    assert [h.id for h in index.search("leadership").hits] == before
