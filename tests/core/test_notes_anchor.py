"""Notes follow a new edition: reworded, renumbered, moved, split, merged and deleted paragraphs
get the statuses a clinician would expect, and going back to the first edition finds every note
where it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.core.content import Block, ContentPack, load_pack
from reader.core.notes import NotesStore, anchor_for, edition_key
from reader.core.notes_anchor import ordinals, place_notes, reattach

SL = "shared-leadership"
WHAT = f"{SL}.what-do-we-mean-by-leadership"

P1 = "Being a good doctor means more than simply being a good clinician."
C_OLD = "some doctors are formal leaders who are accountable for the performance of their team"
C_NEW = "some medical professionals are formal leaders who answer for the performance of their team"
SPLIT_AT = "This is what we mean by shared leadership."


def _edited_pack(content_dir: Path, tmp_path: Path) -> ContentPack:
    """The bundled pack with a second edition's kinds of edits to the Shared leadership tab."""
    root = tmp_path / "edition-2"
    shutil.copytree(content_dir, root)
    manifest = root / "manifest.toml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace('edition = "2012"', 'edition = "2030"'),
        encoding="utf-8",
    )
    tab = root / "tabs" / "shared-leadership.md"
    text = tab.read_text(encoding="utf-8")
    paragraphs = text.split("\n\n")
    first = next(i for i, p in enumerate(paragraphs) if p.startswith(P1[:30]))
    # Deleted: the first paragraph of "What do we mean by leadership?" (ids after it shift).
    del paragraphs[first]
    text = "\n\n".join(paragraphs)
    assert C_OLD in text
    text = text.replace(C_OLD, C_NEW)  # reworded
    # Split: the last sentence of the third paragraph becomes a paragraph of its own, and
    # merged: the fourth paragraph joins it.
    fourth_start = "On this page you can see"
    head, tail = text.split(f" {SPLIT_AT}\n\n{fourth_start}", 1)
    text = f"{head}\n\n{SPLIT_AT} {fourth_start}{tail}"
    # Moved: the undergraduate example goes after the postgraduate one.
    under = text.index("### Undergraduate stage:")
    post = text.index("### Postgraduate stage:")
    cont = text.index("### Continuing practice stage:")
    example_under = text[text.index("::: example", under) : post]
    text = (
        text[:under]
        + "### Undergraduate stage:\n\n"
        + text[post:cont]
        + example_under
        + text[cont:]
    )
    tab.write_text(text, encoding="utf-8")
    return load_pack(root)


@pytest.fixture
def editions(pack: ContentPack, content_dir: Path, tmp_path: Path):
    return pack, _edited_pack(content_dir, tmp_path)


def _block(pack: ContentPack, block_id: str) -> Block:
    return pack.block(block_id)


@pytest.fixture
def store(tmp_path: Path):
    with NotesStore(tmp_path / "notes.sqlite3") as store:
        yield store


def _add(store, pack, block_id, quote=None, text="note"):
    blocks = pack.blocks()
    block = pack.block(block_id)
    anchor = anchor_for(
        block, edition_key(pack, block.document), quote=quote, ordinal=ordinals(blocks)[block.id]
    )
    return store.add(anchor, text)


def test_statuses_after_a_new_edition_and_back(editions, store) -> None:
    first, second = editions
    deleted = _add(store, first, f"{WHAT}.p1", P1)
    reworded = _add(store, first, f"{WHAT}.p2", C_OLD)
    shifted = _add(store, first, f"{WHAT}.p3", "responsibility for identifying problems")
    split = _add(store, first, f"{WHAT}.p3", SPLIT_AT)
    merged = _add(store, first, f"{WHAT}.p4")  # the whole paragraph
    moved_example = _add(store, first, f"{SL}.undergraduate-stage.ex1", "played a vital role")
    untouched = _add(store, first, f"{SL}.postgraduate-stage.ex1", "informal chairing role")
    other_tab = (
        _add(store, first, "guidance.guidance.p1")
        if any(b.id == "guidance.guidance.p1" for b in first.blocks())
        else None
    )

    results = {p.note_id: p for p in reattach(store.list(), second.blocks())}
    assert results[deleted.id].status == "unplaced"
    assert results[reworded.id].status == "changed"
    assert "medical professionals" in results[reworded.id].quote
    assert results[reworded.id].block == f"{WHAT}.p1"
    assert results[shifted.id].status == "moved"
    assert results[shifted.id].block == f"{WHAT}.p2"
    assert results[split.id].status == "moved"
    assert results[split.id].block == f"{WHAT}.p3"
    assert second.block(f"{WHAT}.p3").text.startswith(SPLIT_AT)
    assert results[merged.id].status == "moved"
    assert results[merged.id].block == f"{WHAT}.p3"
    assert results[moved_example.id].status == "moved"
    assert results[moved_example.id].block.startswith(f"{SL}.postgraduate-stage.")
    assert results[untouched.id].status == "anchored"
    if other_tab is not None:
        assert results[other_tab.id].status == "anchored"

    # The statuses are remembered for the new edition; nothing is deleted.
    editions_now = {"page": edition_key(second, "page")}
    placed = {n.id: n for n in place_notes(store, second.blocks(), editions_now)}
    assert store.count() == len(placed)
    assert store.get(deleted.id).status == "unplaced"
    assert placed[shifted.id].paragraph is None
    assert store.get(shifted.id).placed_block == f"{WHAT}.p2"

    # Back to the first edition: every note exactly where it was written.
    back = place_notes(store, first.blocks(), {"page": edition_key(first, "page")})
    for note in back:
        assert note.status == "anchored", note
        assert note.block == note.anchor.block
        assert (note.placed_start, note.placed_end) == (note.anchor.start, note.anchor.end)
    assert all(n.status == "anchored" for n in store.list())


def _pdf_blocks(numbers_and_texts, page_of=lambda i: i // 3) -> list[Block]:
    return [
        Block(
            id=f"guidance-pdf.para-{number}",
            document="guidance-pdf",
            tab="guidance",
            section="s",
            section_title="Leadership",
            kind="pdf-paragraph",
            text=text,
            paragraph=number,
            page=page_of(i),
            bbox=(72.0, 100.0 + 50 * (i % 3), 520.0, 140.0 + 50 * (i % 3)),
        )
        for i, (number, text) in enumerate(numbers_and_texts)
    ]


TEXTS = [
    "Alpha paragraph: teams plan the rota together and review it every quarter in the open.",
    "Bravo paragraph: every clinician raises concerns about safety through the agreed route.",
    "Charlie paragraph: budgets are set with the people who will spend them each year.",
    "Delta paragraph: audit findings are shared with the whole department within a month.",
]


def test_renumbered_and_relaid_out_pdf_paragraphs() -> None:
    old = _pdf_blocks([(str(i + 1), t) for i, t in enumerate(TEXTS)])
    ords = ordinals(old)
    notes = []
    from reader.core.notes import Note

    for block in old:
        anchor = anchor_for(block, "sha-old", quote=block.text[20:60], ordinal=ords[block.id])
        notes.append(Note(id=block.id, anchor=anchor, text="n"))
    # New edition: a paragraph inserted as 2 renumbers the rest, on a new page layout.
    inserted = "A new paragraph about physician associates and anaesthesia associates joining."
    new_texts = [TEXTS[0], inserted, *TEXTS[1:]]
    new = _pdf_blocks([(str(i + 1), t) for i, t in enumerate(new_texts)], page_of=lambda i: i)
    results = {p.note_id: p for p in reattach(notes, new)}
    assert results["guidance-pdf.para-1"].status == "anchored"
    for old_number in (2, 3, 4):
        placed = results[f"guidance-pdf.para-{old_number}"]
        assert placed.status == "moved"
        assert placed.paragraph == str(old_number + 1)
    # Re-laid out only (same numbers, other pages and boxes): every note anchored.
    relaid = _pdf_blocks([(str(i + 1), t) for i, t in enumerate(TEXTS)], page_of=lambda i: 10 + i)
    assert {p.status for p in reattach(notes, relaid)} == {"anchored"}


def test_repeated_words_pick_the_occurrence_with_the_same_context() -> None:
    text = "We lead the team. Then review the plan with care. Later, we lead the team again."
    (block,) = _pdf_blocks([("1", text)])
    anchor = anchor_for(block, "e", quote="lead the team", start=20)
    from reader.core.notes import Note

    note = Note(id="n", anchor=anchor)
    moved_text = "Preface added here. " + text
    (new,) = _pdf_blocks([("1", moved_text)])
    (placed,) = reattach([note], [new])
    assert placed.status == "anchored"
    assert placed.start == moved_text.index("lead the team", 30)


def test_a_document_not_present_leaves_its_notes_unplaced_but_kept(store, pack) -> None:
    (block,) = _pdf_blocks([("1", TEXTS[0])])
    store.add(anchor_for(block, "sha"), "on the PDF")
    placed = place_notes(store, pack.blocks(), {"page": edition_key(pack, "page")})
    assert [n.status for n in placed] == ["unplaced"]
    assert store.count() == 1


@pytest.mark.parametrize("layout", ["inline", "spanning"])
def test_notes_on_a_real_pdf_stay_anchored_when_it_is_laid_out_again(
    tmp_path: Path, layout: str
) -> None:
    from reader.core.notes import Note
    from reader.core.safeopen import extract_file
    from tests.factories import make_guidance_pdf

    make_guidance_pdf(tmp_path / "first.pdf", pages=6, paragraphs=14, layout="margin")
    make_guidance_pdf(tmp_path / "again.pdf", pages=6, paragraphs=14, layout=layout)
    first = extract_file(tmp_path / "first.pdf", "guidance-pdf", "guidance")
    again = extract_file(tmp_path / "again.pdf", "guidance-pdf", "guidance")
    ords = ordinals(first)
    notes = [
        Note(id=b.id, anchor=anchor_for(b, "sha-1", quote=b.text[10:50], ordinal=ords[b.id]))
        for b in first
        if b.kind == "pdf-paragraph" and len(b.text) > 50
    ]
    assert len(notes) >= 10
    placed = reattach(notes, again)
    assert {p.status for p in placed} == {"anchored"}
    assert [p.block for p in placed] == [n.anchor.block for n in notes]
