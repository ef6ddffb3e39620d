"""Notes as a clinician makes them: from selected words in the reading view and on a PDF page,
the marker beside the paragraph, the panel listing them, delete and Ctrl+Z, tags, markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextCursor

from reader.core.notes import NotesError
from reader.ui.note_markers import tooltip_for
from reader.ui.notes_controller import NotesController
from tests.factories import make_guidance_pdf


def _select_words(view, block_id: str, words: int = 4) -> str:
    """Select the first ``words`` words of a block's paragraph text, as a mouse drag would."""
    position = view.block_position(block_id)
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    cursor.movePosition(QTextCursor.MoveOperation.NextWord, QTextCursor.MoveMode.KeepAnchor, words)
    view.setTextCursor(cursor)
    return cursor.selectedText()


def _first_paragraph(window):
    view = window.views[window.pack.tabs[1].id]
    window.tabs.setCurrentWidget(view)
    block = next(b for b in window.pack.tabs[1].blocks if b.kind == "paragraph")
    return view, block


def _save(controller: NotesController, text: str) -> None:
    controller.panel.editor.text.setPlainText(text)
    controller.panel.editor.save.click()


def test_a_note_from_selected_words_shows_its_marker_and_is_listed(window, qtbot) -> None:
    notes = window.notes
    assert isinstance(notes, NotesController)
    view, block = _first_paragraph(window)
    _select_words(view, block.id)
    notes.add_note_action.trigger()
    assert notes.panel.editor.isVisible()
    _save(notes, "Use with the team #teaching")
    assert notes.store.count() == 1
    note = notes.store.list()[0]
    assert note.block == block.id
    assert note.tags == ("teaching",)
    assert note.anchor.start == 0
    assert note.anchor.suffix
    view.viewport().grab()  # paint: the provider remembers where it drew
    drawn = notes.text_markers.drawn(view)
    assert [n.id for n in drawn[0][1]] == [note.id]
    rect = drawn[0][0]
    assert notes.text_markers.markers_at(view, rect.center()) == drawn[0][1]
    # The marker's colour is on screen, left of the text.
    image = view.viewport().grab().toImage()
    colour = image.pixelColor(int(rect.center().x()), int(rect.center().y()))
    assert colour.red() > 180
    assert colour.blue() < 80
    listed = [notes.panel.model.data(notes.panel.model.index(r)) for r in range(3)]
    assert any("Use with the team" in (text or "") for text in listed)
    # A click on the marker opens the note in the panel's editor.
    notes.panel.editor.hide()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert notes.panel.editor.isVisible()
    assert notes.panel.editor.note.id == note.id


def test_markup_in_a_note_shows_as_typed(window, qtbot) -> None:
    notes = window.notes
    view, block = _first_paragraph(window)
    _select_words(view, block.id)
    notes.add_note_action.trigger()
    _save(notes, "<b>bold?</b> <script>x</script>")
    model = notes.panel.model
    row = model.row_of(notes.store.list()[0].id)
    assert "<b>bold?</b> <script>x</script>" in model.data(model.index(row))
    assert "&lt;b&gt;" in tooltip_for(notes.store.list())
    assert "<b>bold?" not in tooltip_for(notes.store.list())


def test_delete_then_ctrl_z_restores_the_note(window, qtbot) -> None:
    notes = window.notes
    _view, block = _first_paragraph(window)
    notes.begin_note(notes.make_anchor(block))
    _save(notes, "keep me")
    note = notes.store.list()[0]
    notes.dock.show()
    notes.panel.select_note(note.id, edit=False)
    notes.panel.list.setFocus()
    qtbot.keyClick(notes.panel.list, Qt.Key.Key_Delete)
    assert notes.store.count() == 0
    assert notes.panel.model.notes() == []
    qtbot.keyClick(notes.panel.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [n.text for n in notes.store.list()] == ["keep me"]
    assert notes.panel.model.notes()[0].id == note.id


def test_notes_filter_by_tag_colour_and_words(window, qtbot) -> None:
    notes = window.notes
    _view, block = _first_paragraph(window)
    notes.store.add(notes.make_anchor(block), "for appraisal #appraisal", "green")
    notes.store.add(notes.make_anchor(block), "for the team #teaching", "yellow")
    notes.reload()
    panel = notes.panel
    assert len(panel.model.notes()) == 2
    panel.tag.setCurrentIndex(panel.tag.findData("appraisal"))
    assert [n.text for n in panel.model.notes()] == ["for appraisal #appraisal"]
    assert panel.count.text() == "1 of 2 notes shown"
    panel.tag.setCurrentIndex(0)
    panel.colour.setCurrentIndex(panel.colour.findData("yellow"))
    assert [n.colour for n in panel.model.notes()] == ["yellow"]
    panel.colour.setCurrentIndex(0)
    panel.box.setText("appraisal")
    assert len(panel.model.notes()) == 1


def test_a_full_disk_keeps_the_text_in_the_editor(window, qtbot, monkeypatch) -> None:
    notes = window.notes
    _view, block = _first_paragraph(window)

    def full(*_args, **_kwargs):
        raise NotesError("The note could not be saved because the disk is full; your text is kept.")

    monkeypatch.setattr(notes.store, "add", full)
    notes.begin_note(notes.make_anchor(block))
    _save(notes, "a long reflection")
    assert notes.panel.editor.error.isVisible()
    assert "disk is full" in notes.panel.editor.error.text()
    assert notes.panel.editor.text.toPlainText() == "a long reflection"


def test_privacy_warning_is_shown_calmly(window, qtbot) -> None:
    notes = window.notes
    _view, block = _first_paragraph(window)
    notes.begin_note(notes.make_anchor(block))
    notes.panel.editor.text.setPlainText("Seen with patient NHS 943 476 5919 today")
    assert notes.panel.editor.privacy.isVisible()
    _save(notes, notes.panel.editor.text.toPlainText())
    assert notes.store.count() == 1  # a reminder, never a block


def test_search_dock_offers_notes(window) -> None:
    sources = [
        window.search_panel.source.itemData(i) for i in range(window.search_panel.source.count())
    ]
    assert "notes" in sources


@pytest.fixture
def guidance_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "incoming" / "Leadership_and_management_for_all_doctors.pdf"
    path.parent.mkdir()
    make_guidance_pdf(path, pages=6, paragraphs=12)
    return path


def test_a_note_on_a_pdf_page_draws_its_marker_and_highlight(window, qtbot, guidance_pdf) -> None:
    window.documents.add_files([guidance_pdf])
    qtbot.waitUntil(
        lambda: window.services.library.for_slot("guidance-pdf") is not None, timeout=30000
    )
    doc = window.services.library.for_slot("guidance-pdf")
    qtbot.waitUntil(lambda: doc.id in window.documents.tabs, timeout=30000)
    view = window.documents.tabs[doc.id]
    notes = window.notes
    qtbot.waitUntil(lambda: id(view) in notes._attached)
    block = next(b for b in view.blocks() if b.kind == "pdf-paragraph")
    pages = view.pages
    pages.go_to_page(block.page)
    words = pages.words(block.page)
    inside = [
        i
        for i, w in enumerate(words)
        if block.bbox[1] - 1 <= (w.y0 + w.y1) / 2 <= block.bbox[3] + 1 and w.x0 >= block.bbox[0] - 1
    ]
    pages._set_selection((block.page, inside[1], inside[4]))
    notes.add_note_action.trigger()
    _save(notes, "")  # a highlight without words of its own
    note = notes.store.list()[0]
    assert note.block == block.id
    assert len(note.anchor.boxes) == 4
    qtbot.waitUntil(lambda: pages.is_rendered(block.page), timeout=10000)
    image = pages.viewport().grab().toImage()
    drawn = notes._page_markers[id(view)].drawn(pages)
    assert drawn
    assert drawn[0][1][0].id == note.id
    centre = drawn[0][0].center()
    assert image.pixelColor(int(centre.x()), int(centre.y())).blue() < 80
    box = pages.to_view(block.page, note.anchor.boxes[0])
    fill = image.pixelColor(int(box.left() + 1), int(box.top() + 1))
    assert fill.blue() < fill.red()  # yellow over white paper
    assert notes._page_markers[id(view)].markers_at(pages, QPointF(centre)) == drawn[0][1]


def test_a_long_list_is_filled_as_it_scrolls(window) -> None:
    notes = window.notes
    _view, block = _first_paragraph(window)
    anchor = notes.make_anchor(block)
    for i in range(400):
        notes.store.add(anchor, f"note {i:03d}")
    notes.reload()
    model = notes.panel.model
    assert model.rowCount() < 400  # not every row is made up front
    assert notes.panel.count.text() == "400 notes"
    last = notes.store.list()[-1]
    assert notes.panel.select_note(last.id, edit=False)
    assert notes.panel.current_note().id == last.id


def test_editing_a_note_inline_changes_its_text_and_tags(window) -> None:
    notes = window.notes
    _view, block = _first_paragraph(window)
    note = notes.store.add(notes.make_anchor(block), "first thought #teaching")
    notes.reload()
    notes.open_note(note)
    _save(notes, "second thought #appraisal")
    again = notes.store.get(note.id)
    assert again.text == "second thought #appraisal"
    assert again.tags == ("appraisal",)
    assert [t for t, _ in notes.store.tags()] == ["appraisal"]
