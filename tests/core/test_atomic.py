"""Atomic writes, and a long document's blocks file written a block at a time (issue 12)."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from reader.core.atomic import write_parts_atomic, write_text_atomic
from reader.core.model import Block, Link, block_to_dict, blocks_json
from tests.factories import doc_block


def _long_document(blocks: int = 1500) -> list[Block]:
    text = "Doctors should raise concerns about patient safety promptly. " * 20
    return [doc_block(n, f"{n}. {text}", page=n // 3 + 1) for n in range(blocks)]


def test_parts_are_written_as_one_text(tmp_path) -> None:
    target = tmp_path / "out.txt"
    write_parts_atomic(target, iter(["café ", "and ", "tea\n"]))
    assert target.read_text(encoding="utf-8") == "café and tea\n"


def test_a_failure_part_way_leaves_the_old_file(tmp_path) -> None:
    target = tmp_path / "out.txt"
    write_text_atomic(target, "the old text\n")

    def parts():
        yield "the new "
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_parts_atomic(target, parts())
    assert target.read_text(encoding="utf-8") == "the old text\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]  # no temp file left


def test_the_blocks_file_text_is_unchanged() -> None:
    # Readers of existing files (and of new ones) see the same JSON as before.
    blocks = _long_document(3)
    blocks.append(
        Block(
            id="guidance-pdf.p9",
            document="guidance-pdf",
            tab="guidance",
            section="s1",
            section_title="Équipe — “quoted”",
            kind="pdf-paragraph",
            text="See paragraph 85(a).",
            paragraph="9",
            page=4,
            bbox=(10.0, 20.5, 300.0, 40.25),
            links=(Link(4, 19, "para:85a"),),
        )
    )
    whole = json.dumps([block_to_dict(b) for b in blocks]) + "\n"
    assert "".join(blocks_json(blocks)) == whole
    assert "".join(blocks_json([])) == json.dumps([]) + "\n"


def test_a_long_documents_blocks_are_never_one_text_in_memory(tmp_path) -> None:
    blocks = _long_document()
    target = tmp_path / "doc.pdf.blocks.json"
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        write_parts_atomic(target, blocks_json(blocks))
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    size = target.stat().st_size
    assert size > 1_500_000
    # As one text it was the JSON twice (text, then bytes) and every block's dict besides.
    assert peak < size / 10
    assert [b["id"] for b in json.loads(target.read_text(encoding="utf-8"))][-1] == blocks[-1].id
