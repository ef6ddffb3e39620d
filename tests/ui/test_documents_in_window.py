"""Documents as a clinician adds and uses them: add, open beside the slot, jump, search, remove."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from reader.core.services import Services
from reader.core.settings import SettingsStore
from reader.ui.document_view import DocumentView
from reader.ui.main_window import MainWindow
from tests.factories import (
    GuidanceSpec,
    make_deck,
    make_encrypted_pdf,
    make_guidance_pdf,
    make_not_a_pdf,
)


@pytest.fixture
def guidance(tmp_path: Path) -> tuple[Path, GuidanceSpec]:
    path = tmp_path / "incoming" / "Leadership_and_management_for_all_doctors.pdf"
    path.parent.mkdir()
    spec = make_guidance_pdf(path, pages=8, paragraphs=16)
    return path, spec


def _added(window, qtbot, slot: str = "guidance-pdf") -> DocumentView:
    qtbot.waitUntil(lambda: window.services.library.for_slot(slot) is not None, timeout=30000)
    doc = window.services.library.for_slot(slot)
    qtbot.waitUntil(lambda: doc.id in window.documents.tabs, timeout=30000)
    return window.documents.tabs[doc.id]


def test_added_pdf_opens_in_a_tab_beside_its_slot(window, qtbot, guidance) -> None:
    path, _spec = guidance
    window.documents.add_files([path])
    view = _added(window, qtbot)
    assert isinstance(view, DocumentView)
    assert window.tabs.currentWidget() is view
    index = window.tabs.indexOf(view)
    assert window.tabs.tabText(index - 1) == "Guidance"
    assert window.tabs.tabText(index) == "Guidance PDF"
    assert window.tabs.tabToolTip(index).startswith("Leadership and management for all doctors")
    assert view.page_count() == 8
    guidance_text = window.views["guidance"]
    window.menu_actions.tab_actions[0].trigger()
    assert "Installed. PDF, 8 pages" in guidance_text.toPlainText()


def test_paragraph_link_and_go_to_paragraph_land_on_its_page(window, qtbot, guidance) -> None:
    path, spec = guidance
    window.documents.add_files([path])
    view = _added(window, qtbot)
    window.menu_actions.tab_actions[2].trigger()  # Discussion tools, which cites paragraph 85
    window.views["discussion-tools"].linkRequested.emit("para:12")
    assert window.tabs.currentWidget() is view
    expected = next(p.page for p in spec.paragraphs if p.number == "12")
    qtbot.waitUntil(lambda: view.current_page() == expected)
    window.views["discussion-tools"].linkRequested.emit("para:85")
    assert "There is no paragraph 85" in window.statusBar().currentMessage()


def test_search_hit_in_the_pdf_opens_it_and_marks_the_words(window, qtbot, guidance) -> None:
    path, spec = guidance
    window.documents.add_files([path])
    view = _added(window, qtbot)
    qtbot.waitUntil(lambda: window.index_ready and not window.documents.indexing, timeout=30000)
    window.menu_actions.tab_actions[0].trigger()
    panel = window.search_panel
    panel.source.setCurrentIndex(panel.source.findData("documents"))
    panel.box.setText("para 14")
    panel.run_now()
    assert panel.hit_of(panel.results.item(0)).id == "guidance-pdf.para-14"
    qtbot.keyClick(panel.box, Qt.Key.Key_Return)
    assert window.tabs.currentWidget() is view
    expected = next(p.page for p in spec.paragraphs if p.number == "14")
    qtbot.waitUntil(lambda: view.current_page() == expected)


def test_contents_sidebar_lists_the_documents_headings(window, qtbot, guidance) -> None:
    path, spec = guidance
    window.documents.add_files([path])
    _added(window, qtbot)
    titles = window.contents.titles()
    assert spec.headings[0][1] in titles


def test_a_bad_file_is_refused_in_plain_words(window, qtbot, tmp_path, no_modal_boxes) -> None:
    bad = make_not_a_pdf(tmp_path / "scan.pdf")
    window.documents.add_files([bad])
    qtbot.waitUntil(lambda: any(kind == "warning" for kind, _ in no_modal_boxes), timeout=30000)
    message = next(text for kind, text in no_modal_boxes if kind == "warning")
    assert message == "scan.pdf is not a PDF file."
    assert window.services.library.documents == []


def test_dropping_a_file_on_the_window_adds_it(window, qtbot, guidance) -> None:
    path, _ = guidance
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    point = QPoint(200, 200)
    enter = QDragEnterEvent(
        point,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        point,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(window, drop)
    assert isinstance(_added(window, qtbot), DocumentView)


def test_remove_asks_first_and_keeps_the_page_text(
    window, qtbot, guidance, monkeypatch, no_modal_boxes
) -> None:
    path, _ = guidance
    window.documents.add_files([path])
    view = _added(window, qtbot)
    window.menu_actions.remove_document.trigger()  # answered No by the fixture
    assert window.documents.tabs
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.tabs.setCurrentWidget(view)
    window.menu_actions.remove_document.trigger()
    assert window.documents.tabs == {}
    assert window.services.library.for_slot("guidance-pdf") is None
    assert path.is_file()
    window.menu_actions.tab_actions[0].trigger()
    assert "Not installed yet" in window.views["guidance"].toPlainText()


def test_files_in_the_documents_folder_are_added_at_start(make_window, qtbot, dirs, guidance):
    path, _ = guidance
    dirs.documents.mkdir(parents=True)
    (dirs.documents / path.name).write_bytes(path.read_bytes())
    window = make_window()
    window.documents.scan_drop_folder()
    qtbot.waitUntil(
        lambda: window.services.library.for_slot("guidance-pdf") is not None, timeout=30000
    )
    qtbot.waitUntil(lambda: "Installed" in _guidance_text(window))


def _guidance_text(window) -> str:
    window.menu_actions.tab_actions[0].trigger()
    return window.views["guidance"].toPlainText()


def test_changing_what_a_document_is_moves_it_to_its_tab(
    window, qtbot, guidance, monkeypatch
) -> None:
    path, _ = guidance
    window.documents.add_files([path])
    _added(window, qtbot)
    monkeypatch.setattr(
        QInputDialog, "getItem", lambda *a, **k: ("The development of the guidance", True)
    )
    window.menu_actions.change_slot.trigger()
    view = _added(window, qtbot, slot="development-report")
    index = window.tabs.indexOf(view)
    assert window.tabs.tabText(index) == "Development report"
    assert window.tabs.tabText(index - 1) == "Background"
    window.menu_actions.tab_actions[0].trigger()
    assert "Not installed yet" in window.views["guidance"].toPlainText()


def test_a_deck_shows_its_slides_and_speaker_notes(window, qtbot, tmp_path) -> None:
    deck = make_deck(tmp_path / "presentation.pptx", slides=3)
    window.documents.add_files([deck])
    view = _added(window, qtbot, slot="presentation")
    assert window.tabs.tabText(window.tabs.indexOf(view)) == "Slides"
    blocks = window.services.library.blocks_of(window.services.library.for_slot("presentation"))
    slide = next(b for b in blocks if b.kind == "slide")
    notes = next(b for b in blocks if b.kind == "speaker-note")
    text = view.toPlainText()
    assert f"Slide 1: {slide.text.splitlines()[0]}" in text
    assert f"Speaker notes\n{notes.text.splitlines()[0]}" in text
    assert window.contents.titles() == [
        b.section_title for b in blocks if b.kind == "slide"
    ]  # the sidebar lists the slides


def test_a_search_hit_in_speaker_notes_opens_the_deck_there(window, qtbot, tmp_path) -> None:
    deck = make_deck(tmp_path / "presentation.pptx", slides=4)
    window.documents.add_files([deck])
    view = _added(window, qtbot, slot="presentation")
    qtbot.waitUntil(lambda: window.index_ready and not window.documents.indexing, timeout=30000)
    blocks = window.services.library.blocks_of(window.services.library.for_slot("presentation"))
    note = [b for b in blocks if b.kind == "speaker-note"][-1]
    window.menu_actions.tab_actions[0].trigger()
    window.documents.show_block(note.document, note.id, ["note"])
    assert window.tabs.currentWidget() is view
    assert "background-color" in view.toHtml()  # the words are marked in the deck's text


def test_indexing_a_new_document_is_shown_then_cleared(
    window, qtbot, guidance, monkeypatch
) -> None:
    path, _ = guidance
    said: list[str | None] = []
    original = window.set_activity
    monkeypatch.setattr(window, "set_activity", lambda text: (said.append(text), original(text)))
    window.documents.add_files([path])
    _added(window, qtbot)
    qtbot.waitUntil(lambda: not window.documents.indexing, timeout=30000)
    start = said.index(f"Adding {path.name} to search…")
    assert None in said[start:]
    assert not window.activity.isVisible() or window.activity.text().startswith("Preparing")


def test_documents_left_open_are_open_again_next_time(make_window, qtbot, guidance) -> None:
    path, _ = guidance
    window = make_window()
    window.documents.add_files([path])
    view = _added(window, qtbot)
    view.go_to_page(3)
    window.close()
    again = make_window()
    assert list(again.documents.tabs) == ["guidance-pdf"]
    assert again.documents.current_document_view() is again.documents.tabs["guidance-pdf"]
    assert again.documents.tabs["guidance-pdf"].current_page() == 3


def test_a_protected_pdf_asks_for_its_password_and_opens(
    window, qtbot, tmp_path, monkeypatch, no_modal_boxes
) -> None:
    pdf = make_encrypted_pdf(tmp_path / "protected.pdf", user_pw="s3cret")
    answers = iter([("wrong", True), ("s3cret", True)])
    asked: list[str] = []

    def answer(parent, title, label, *args, **kwargs):
        asked.append(label)
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", answer)
    window.documents.add_files([pdf], slot_id="consultation-audit")
    view = _added(window, qtbot, slot="consultation-audit")
    assert asked[0].startswith("protected.pdf is protected by a password.")
    assert asked[1].startswith("The password for protected.pdf is not correct.")
    assert view.error is None
    assert view.page_count() == 1
    doc = window.services.library.for_slot("consultation-audit")
    assert doc.protected
    record = (window.services.library.folder / "library.json").read_text(encoding="utf-8")
    assert "s3cret" not in record  # the password is never written down
    assert not [kind for kind, _ in no_modal_boxes if kind == "warning"]


def test_a_protected_pdf_added_without_its_password_is_not_added(
    window, qtbot, tmp_path, monkeypatch
) -> None:
    pdf = make_encrypted_pdf(tmp_path / "protected.pdf", user_pw="s3cret")
    asked: list[str] = []
    monkeypatch.setattr(
        QInputDialog, "getText", lambda *a, **k: (asked.append(a[2]), ("", False))[1]
    )
    window.documents.add_files([pdf])
    qtbot.waitUntil(lambda: bool(asked), timeout=30000)
    assert window.services.library.documents == []


def test_a_paragraph_link_without_the_pdf_says_how_to_add_it_in_one_sentence(window) -> None:
    window.views["discussion-tools"].linkRequested.emit("para:85")
    message = window.statusBar().currentMessage()
    assert "not installed yet" in message
    assert "Add document…" in message
    assert "…." not in message
    assert ".." not in message.replace("…", "")


def test_with_a_deck_installed_its_card_says_speaker_notes_are_beside_each_slide(
    window, qtbot, tmp_path
) -> None:
    presentation = window.views["presentation"]
    window.documents.add_files([make_deck(tmp_path / "presentation.pptx", slides=2)])
    _added(window, qtbot, slot="presentation")
    window.menu_actions.tab_actions[3].trigger()
    text = presentation.toPlainText()
    assert "Installed. PPTX, 2 slides" in text
    assert "speaker notes are shown beside each slide" in text


def test_switching_to_a_document_puts_the_keyboard_in_its_pages(window, qtbot, guidance) -> None:
    path, _spec = guidance
    window.documents.add_files([path])
    view = _added(window, qtbot)
    window.menu_actions.tab_actions[1].trigger()  # away to Shared leadership...
    window.tabs.setCurrentWidget(view)  # ...and back, as a click on its tab does
    qtbot.waitUntil(lambda: window.focusWidget() is view.pages)
    bar = view.pages.verticalScrollBar()
    before = bar.value()
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: bar.value() > before)


def test_launching_with_a_file_brings_its_tab_to_the_front(
    make_window, qtbot, guidance, tmp_path, pack, dirs
) -> None:
    # The last run left a deck's tab in front; `reader FILE.pdf` must show FILE.pdf.
    first = make_window()
    first.documents.add_files([make_deck(tmp_path / "presentation.pptx", slides=2)])
    deck = _added(first, qtbot, slot="presentation")
    assert first.tabs.currentWidget() is deck
    first.save_settings()
    first.close()

    store = SettingsStore(dirs.settings_file)
    window = MainWindow(Services.open(pack, dirs), store, store.load())
    qtbot.addWidget(window)
    path, _spec = guidance
    window.launch(path)
    view = _added(window, qtbot)
    qtbot.waitUntil(lambda: window.started, timeout=30000)
    qtbot.waitUntil(lambda: len(window.documents.tabs) == 2, timeout=30000)  # the deck is back
    assert window.tabs.currentWidget() is view


def test_back_from_a_paragraph_link_into_the_pdf_returns_to_the_tab_it_came_from(
    window, qtbot, guidance
) -> None:
    # Issue 11, item 6: Alt+Left once skipped Discussion tools and went to Guidance.
    path, _spec = guidance
    window.documents.add_files([path])
    view = _added(window, qtbot)
    window.menu_actions.tab_actions[0].trigger()  # Guidance
    window.menu_actions.tab_actions[2].trigger()  # Discussion tools
    window.views["discussion-tools"].linkRequested.emit("para:12")
    assert window.tabs.currentWidget() is view
    window.menu_actions.back.trigger()
    assert window.current_tab_id() == "discussion-tools"
    assert window.tabs.currentWidget() is window.views["discussion-tools"]
    window.menu_actions.forward.trigger()
    assert window.tabs.currentWidget() is view
    window.menu_actions.back.trigger()
    window.menu_actions.back.trigger()
    assert window.tabs.currentWidget() is window.views["guidance"]


def test_jumps_inside_the_pdf_are_steps_of_history_back_and_forward(
    window, qtbot, guidance
) -> None:
    # Issue 11, item 6: Go to paragraph, a search hit and the contents inside a document are
    # each one step; Back returns to the page the reader left, Forward to the jump again.
    path, _spec = guidance
    window.documents.add_files([path])
    view = _added(window, qtbot)
    paragraphs = {b.paragraph: b for b in view.blocks() if b.kind == "pdf-paragraph"}
    late = max((b for b in paragraphs.values() if b.level == 0), key=lambda b: b.page)
    early = paragraphs["3"]
    assert late.page > early.page + 1
    # A reader's first key press comes after the tab's arrival is handled. Without this wait
    # the test could press Ctrl+G in the same turn of the event loop (the tab came at the end of
    # a wait), and that jump then counts as part of bringing the tab up: one step, not two.
    qtbot.waitUntil(lambda: not window.navigator.entering_document())
    view.go_to_page(1)  # reading on by scrolling is not a step
    qtbot.waitUntil(lambda: view.current_page() == 1)

    assert view.show_paragraph(late.paragraph)  # Ctrl+G
    qtbot.waitUntil(lambda: view.current_page() == late.page)
    assert view.show_block(early.id)  # a search hit in the same document
    qtbot.waitUntil(lambda: view.current_page() == early.page)

    window.menu_actions.back.trigger()
    qtbot.waitUntil(lambda: view.current_page() == late.page)
    window.menu_actions.back.trigger()
    qtbot.waitUntil(lambda: view.current_page() == 1)  # where Ctrl+G was pressed
    assert window.tabs.currentWidget() is view
    window.menu_actions.forward.trigger()
    qtbot.waitUntil(lambda: view.current_page() == late.page)
    window.menu_actions.forward.trigger()
    qtbot.waitUntil(lambda: view.current_page() == early.page)
    assert not window.menu_actions.forward.isEnabled()

    # and from the document back out to the page tab it was opened from
    window.menu_actions.tab_actions[3].trigger()  # Presentation
    window.menu_actions.back.trigger()
    assert window.tabs.currentWidget() is view


def test_a_new_documents_index_entries_are_written_by_a_child(
    window, qtbot, guidance, monkeypatch
) -> None:
    """Its postings never pass through the window's process (issue 12: memory); when the child
    cannot do it, the window indexes the document itself and search still finds it."""
    import reader.core.index_child as index_child

    real = index_child.add_in_child
    written: list[int] = []
    monkeypatch.setattr(
        index_child, "add_in_child", lambda *args: written.append(real(*args)) or written[-1]
    )
    path, _ = guidance
    window.documents.add_files([path])
    _added(window, qtbot)
    qtbot.waitUntil(lambda: window.index_ready and not window.documents.indexing, timeout=30000)
    assert written
    assert written[0] > 0
    hits = window.services.index.search("para 14", source="documents").hits
    assert hits[0].id == "guidance-pdf.para-14"


def test_a_document_is_still_searchable_when_the_indexing_child_fails(
    window, qtbot, guidance, monkeypatch
) -> None:
    import reader.core.index_child as index_child

    def broken(*_args):
        raise index_child.IndexChildError("The search index could not be edited in a child.")

    monkeypatch.setattr(index_child, "add_in_child", broken)
    path, _ = guidance
    window.documents.add_files([path])
    _added(window, qtbot)
    qtbot.waitUntil(lambda: window.index_ready and not window.documents.indexing, timeout=30000)
    hits = window.services.index.search("para 14", source="documents").hits
    assert hits[0].id == "guidance-pdf.para-14"
