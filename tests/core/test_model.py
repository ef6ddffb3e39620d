"""Stable keys for notes: (document key, block id), where the key names slot and edition."""

from __future__ import annotations

import json

import pytest

from reader.core.model import (
    BlockRef,
    block_from_dict,
    block_to_dict,
    document_key,
    file_key,
    pack_key,
)


def test_the_bundled_text_is_keyed_by_the_pack_edition(pack) -> None:
    key = pack_key(pack)
    assert key == document_key("page", f"{pack.id}:{pack.edition}")
    assert pack.edition in key


def test_an_added_file_is_keyed_by_slot_and_checksum() -> None:
    assert file_key("guidance-pdf", "guidance-pdf", "ab" * 32) == (
        "guidance-pdf@sha256:" + "ab" * 32
    )
    # An extra document has no slot: its own id stands in.
    assert file_key(None, "extra-1234", "cd" * 32).startswith("extra-1234@sha256:")
    # Another edition of the same slot is another key.
    assert file_key("guidance-pdf", "guidance-pdf", "ef" * 32) != file_key(
        "guidance-pdf", "guidance-pdf", "ab" * 32
    )


def test_a_block_ref_round_trips_as_text(pack) -> None:
    block = pack.blocks()[3]
    ref = BlockRef(pack_key(pack), block.id)
    assert BlockRef.parse(str(ref)) == ref
    with pytest.raises(ValueError, match="not a block reference"):
        BlockRef.parse("no-hash-here")


def test_one_block_format_reads_both_link_shapes(pack) -> None:
    block = next(b for b in pack.blocks() if b.links)
    data = json.loads(json.dumps(block_to_dict(block)))
    assert block_from_dict(data) == block
    data["links"] = [[link.start, link.end, link.target] for link in block.links]
    assert block_from_dict(data) == block
