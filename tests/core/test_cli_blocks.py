"""``reader blocks`` with added documents: every document's blocks, or one slot's, by slot id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.booklets import make_booklet
from tests.core.test_cli import reader


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("blocks")
    pdf = folder / "Leadership_and_management_for_all_doctors.pdf"
    make_booklet(pdf)
    added = reader("add", str(pdf), home=folder / "home")
    assert added.returncode == 0, added.stderr
    return folder / "home"


def test_blocks_json_lists_bundled_and_added_blocks(home: Path) -> None:
    result = reader("blocks", "--json", home=home)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    bundled = [r for r in rows if r["document"] == "page"]
    pdf = [r for r in rows if r["document"] == "guidance-pdf"]
    assert bundled
    assert "bbox" not in bundled[0]
    assert {"box", "endnote", "list-item", "pdf-paragraph", "front-matter"} <= {
        r["kind"] for r in pdf
    }
    para = next(r for r in pdf if r["kind"] == "pdf-paragraph")
    assert isinstance(para["page"], int)
    assert len(para["bbox"]) == 4


def test_blocks_of_one_document(home: Path) -> None:
    result = reader("blocks", "--document", "guidance-pdf", "--json", home=home)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows
    assert {r["document"] for r in rows} == {"guidance-pdf"}


@pytest.mark.parametrize(
    ("slot", "says"),
    [("nope", "There is no document slot named 'nope'"), ("presentation", "No document")],
)
def test_unknown_or_empty_slot_is_one_sentence(home: Path, slot: str, says: str) -> None:
    result = reader("blocks", "--document", slot, "--json", home=home)
    assert result.returncode == 2
    assert result.stdout == ""
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
