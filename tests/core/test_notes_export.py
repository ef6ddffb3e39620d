"""Exports a clinician can hand on: Markdown and reflective notes with the right citations,
W3C Web Annotation JSON-LD that other tools read, and an import that merges without doubling."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from markdown_it import MarkdownIt

from reader.core.content import Block, ContentPack
from reader.core.notes import NotesStore, anchor_for, edition_key
from reader.core.notes_export import (
    W3C_CONTEXT,
    citation,
    parse_w3c,
    sources_for,
    to_markdown,
    to_reflective,
    to_w3c,
)

PARA_85B = Block(
    id="guidance-pdf.para-85b",
    document="guidance-pdf",
    tab="guidance",
    section="s",
    section_title="Managing resources",
    kind="pdf-paragraph",
    text="Synthetic test words: teams agree how resources are shared and review it together.",
    paragraph="85(b)",
    page=30,
    bbox=(72.0, 300.0, 520.0, 340.0),
)
TRICKY = "# not a heading\n<script>alert(1)</script> <b>bold?</b> *stars* ```fence``` \\ done"
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def _notes(store: NotesStore, pack: ContentPack):
    page_block = next(b for b in pack.blocks() if b.kind == "paragraph")
    on_page = store.add(
        anchor_for(page_block, edition_key(pack, "page"), quote=page_block.text[:40]),
        "Bring to the team meeting #teaching",
        colour="green",
        tags=["appraisal"],
    )
    on_pdf = store.add(
        anchor_for(PARA_85B, "sha256-of-the-file", quote="resources are shared"),
        TRICKY + "\nSo what? I share budgets more openly.\nNow what? Ask finance for a session.",
    )
    return on_page, on_pdf


def _validate_annotation(a: dict) -> None:
    """The Web Annotation Data Model's MUSTs for what we write."""
    assert a["@context"] == W3C_CONTEXT
    assert a["type"] == "Annotation"
    assert isinstance(a["id"], str)
    assert ":" in a["id"]
    assert ISO.match(a["created"])
    assert ISO.match(a["modified"])
    assert a["body"], "a commenting note has a body"
    for body in a["body"]:
        assert body["type"] == "TextualBody"
        assert isinstance(body["value"], str)
        assert body["format"] == "text/plain"
        assert body["purpose"] in ("commenting", "tagging")
    target = a["target"]
    assert ":" in target["source"]
    kinds = {s["type"]: s for s in target["selector"]}
    assert set(kinds) == {"TextQuoteSelector", "TextPositionSelector"}
    assert isinstance(kinds["TextQuoteSelector"]["exact"], str)
    pos = kinds["TextPositionSelector"]
    assert isinstance(pos["start"], int)
    assert isinstance(pos["end"], int)
    assert 0 <= pos["start"] <= pos["end"]
    assert pos["end"] - pos["start"] == len(kinds["TextQuoteSelector"]["exact"])


def test_w3c_export_has_the_models_required_fields(tmp_path: Path, pack: ContentPack) -> None:
    with NotesStore(tmp_path / "a.sqlite3") as store:
        on_page, on_pdf = _notes(store, pack)
        data = json.loads(json.dumps(to_w3c(store.list())))
    assert data["@context"] == W3C_CONTEXT
    assert data["type"] == "AnnotationCollection"
    items = data["first"]["items"]
    assert data["total"] == len(items) == 2
    for a in items:
        _validate_annotation(a)
    by_id = {a["id"]: a for a in items}
    pdf = by_id[f"urn:uuid:{on_pdf.id}"]
    assert pdf["body"][0]["value"] == on_pdf.text  # exactly as typed
    page = by_id[f"urn:uuid:{on_page.id}"]
    assert {b["value"] for b in page["body"] if b["purpose"] == "tagging"} == {
        "appraisal",
        "teaching",
    }


def test_import_merges_and_importing_twice_adds_nothing(tmp_path: Path, pack) -> None:
    with NotesStore(tmp_path / "a.sqlite3") as store:
        _notes(store, pack)
        originals = store.list()
        exported = json.dumps(to_w3c(originals))
        notes, skipped = parse_w3c(exported)
        assert (len(notes), skipped) == (2, 0)
        assert store.merge(notes) == 0  # into the store it came from: nothing new
    with NotesStore(tmp_path / "b.sqlite3") as other:
        assert other.merge(parse_w3c(exported)[0]) == 2
        assert other.merge(parse_w3c(exported)[0]) == 0
        copied = other.list()
    assert [(n.id, n.anchor, n.text, n.colour, n.tags) for n in copied] == [
        (n.id, n.anchor, n.text, n.colour, n.tags) for n in originals
    ]


def test_import_reads_plain_annotations_and_skips_foreign_ones(tmp_path: Path) -> None:
    ours = {
        "@context": W3C_CONTEXT,
        "id": "https://example.org/anno/1",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "from another tool"},
        "target": {
            "source": "urn:leadership-reader:page:e:shared-leadership.x.p1",
            "selector": [{"type": "TextQuoteSelector", "exact": "lead"}],
        },
    }
    foreign = dict(ours, id="https://example.org/anno/2", target="https://example.org/page")
    notes, skipped = parse_w3c(json.dumps([ours, foreign]))
    assert skipped == 1
    (note,) = notes
    assert (note.document, note.anchor.block, note.text) == (
        "page",
        "shared-leadership.x.p1",
        "from another tool",
    )
    with NotesStore(tmp_path / "c.sqlite3") as store:
        assert store.merge(notes) == 1
        assert store.merge(parse_w3c(json.dumps([ours]))[0]) == 0  # stable id: no double


def test_markdown_groups_by_document_and_cites_each_quote(tmp_path: Path, pack) -> None:
    with NotesStore(tmp_path / "a.sqlite3") as store:
        _on_page, on_pdf = _notes(store, pack)
        notes = store.list()
    sources = sources_for(pack)
    assert citation(on_pdf, sources) == (
        "GMC, *Leadership and management for all doctors* (2012), para 85(b)"
    )
    text = to_markdown(notes, sources, today=dt.date(2026, 11, 28))
    assert "GMC, *Leadership and management for all doctors* (2012), para 85(b)" in text
    assert "> resources are shared" in text
    tokens = MarkdownIt().parse(text)
    headings = [t for t in tokens if t.type == "heading_open"]
    # One title, a heading per document and per section: the note's "# ..." line is not one.
    assert [h.tag for h in headings] == ["h1", "h2", "h3", "h2", "h3"]
    fences = [t.content.rstrip("\n") for t in tokens if t.type == "fence"]
    assert on_pdf.text in fences  # shown literally, <script> and all
    assert not [t for t in tokens if t.type in ("html_block", "html_inline")]


def test_reflective_note_lays_out_what_so_what_now_what(tmp_path: Path, pack) -> None:
    with NotesStore(tmp_path / "a.sqlite3") as store:
        _, _on_pdf = _notes(store, pack)
        notes = store.list()
    text = to_reflective(notes, sources_for(pack), today=dt.date(2026, 11, 28))
    tokens = MarkdownIt().parse(text)
    titles = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert titles == ["Reflective note", "What?", "So what?", "Now what?"]
    what, so_what = text.split("## So what?")
    so_what, now_what = so_what.split("## Now what?")
    assert "para 85(b)" in what
    assert "I share budgets more openly." in so_what
    assert "Ask finance for a session." in now_what
    assert "On GMC, *Leadership and management for all doctors* (2012), para 85(b):" in now_what
