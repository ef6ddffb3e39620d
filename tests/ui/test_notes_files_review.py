"""Export and import through File ▸, the context menu's entries, a second copy's notes,
a damaged database's notice, a search hit on a note, and the review of moved notes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMenu

from reader.core.notes import DB_NAME, NotesStore
from reader.core.search_results import Hit
from reader.ui.notes_files import MARKDOWN, W3C
from reader.ui.notes_review import NotesReview


def _block(window):
    return next(b for b in window.pack.tabs[1].blocks if b.kind == "paragraph")


def test_export_markdown_and_w3c_then_import_twice_adds_nothing(
    window, tmp_path: Path, monkeypatch
) -> None:
    notes = window.notes
    notes.store.add(notes.make_anchor(_block(window)), "<b>as typed</b> #appraisal", "green")
    notes.reload()
    md, w3c = tmp_path / "notes.md", tmp_path / "notes.jsonld"
    answers = iter([(str(md), MARKDOWN), (str(w3c), W3C)])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: next(answers))
    notes.export_action.trigger()
    notes.export_action.trigger()
    assert "<b>as typed</b>" in md.read_text(encoding="utf-8")
    assert "GMC" in md.read_text(encoding="utf-8")
    data = json.loads(w3c.read_text(encoding="utf-8"))
    assert "http://www.w3.org/ns/anno.jsonld" in json.dumps(data["@context"])

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(w3c), W3C))
    notes.store.delete(notes.store.list()[0].id)
    notes.import_action.trigger()
    assert notes.store.count() == 1
    notes.import_action.trigger()
    assert notes.store.count() == 1
    assert "already here" in window.statusBar().currentMessage()


def test_paragraph_context_menu_offers_note_and_highlight(window, qtbot, monkeypatch) -> None:
    notes = window.notes
    view = window.views[window.pack.tabs[1].id]
    window.tabs.setCurrentWidget(view)
    block = _block(window)
    rect = view.block_rect(block.id)
    menu = QMenu()
    notes._extend_menu(view, menu, rect.center())
    labels = [a.text() for a in menu.actions()]
    assert "Add note to paragraph…" in labels
    highlight = next(a for a in menu.actions() if a.text() == "Highlight").menu()
    next(a for a in highlight.actions() if a.text() == "Green").trigger()
    assert [(n.block, n.colour) for n in notes.store.list()] == [(block.id, "green")]


def test_notes_written_by_another_copy_show_on_focus(window, dirs) -> None:
    notes = window.notes
    other = NotesStore(dirs.data / DB_NAME)
    other.add(notes.make_anchor(_block(window)), "from the command line")
    other.close()
    notes.look_again()
    assert [n.text for n in notes.panel.model.notes()] == ["from the command line"]


def test_a_search_hit_on_a_note_opens_it(window) -> None:
    notes = window.notes
    note = notes.store.add(notes.make_anchor(_block(window)), "find me")
    notes.reload()
    hit = Hit(
        id=f"note:{note.id}", source="notes", document="page", tab=note.anchor.tab, kind="note",
        title="", section="", paragraph=None, page=None, score=1.0, snippet=(), terms=(),
    )  # fmt: skip
    window._on_search_result(hit)
    assert window.tabs.currentWidget() is window.views[note.anchor.tab]
    assert notes.panel.editor.note.id == note.id


def test_a_damaged_database_is_told_in_the_notice_bar(make_window, dirs) -> None:
    dirs.data.mkdir(parents=True, exist_ok=True)
    store = NotesStore(dirs.data / DB_NAME)
    store.close()
    (dirs.data / DB_NAME).write_bytes(b"this is not a database" * 100)
    window = make_window()
    assert window.notes is not None
    assert any("notes" in m.lower() for m in window.notices.messages())


def test_review_lists_a_moved_note_and_accept_anchors_it(window) -> None:
    notes = window.notes
    block = _block(window)
    other = next(b for b in window.pack.tabs[2].blocks if b.kind == "paragraph")
    note = notes.store.add(notes.make_anchor(block), "moved with the new edition")
    # As re-attachment records it when a new edition moved the words to another paragraph.
    placed = replace(note, status="moved", placed_block=other.id, placed_quote=other.text[:40])
    notes.store.delete(note.id)
    notes.store.restore(placed)
    review = NotesReview(notes, window)
    assert [n.id for n in review.notes()] == [note.id]
    assert note.quote[:20] in review.old.toPlainText()
    assert review.new.toPlainText() == other.text
    review.accept_button.click()
    again = notes.store.get(note.id)
    assert again.status == "anchored"
    assert again.block == other.id
    assert review.list.count() == 0


def test_a_saved_note_is_found_by_search_in_notes(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.index_ready, timeout=60000)
    notes = window.notes
    notes.begin_note(notes.make_anchor(_block(window)))
    notes.panel.editor.text.setPlainText("zebrafish handover idea")
    notes.panel.editor.save.click()
    assert notes.store.list()[0].text == "zebrafish handover idea"  # saved at once

    def found() -> list[str]:
        return [h.id for h in window.services.index.search("zebrafish", source="notes").hits]

    # the index follows on a worker thread, so the window never waits for it
    qtbot.waitUntil(lambda: found() == [f"note:{notes.store.list()[0].id}"], timeout=10000)
