"""Copy with citation: the clipboard holds the words and their source, as text and as HTML."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCursor

from reader.core.printing import citation_for
from reader.ui.citation_clipboard import copy_with_citation


def test_selection_and_citation_as_text_and_html(qapp, pack) -> None:
    block = next(b for b in pack.blocks() if b.kind == "paragraph")
    copy_with_citation(block, "sets out the wider", pack)
    data = QGuiApplication.clipboard().mimeData()
    plain, rich = citation_for(block, pack)
    assert rich in data.html()
    assert data.text() == f"“sets out the wider” {plain}"
    assert "GMC" in data.text()
    assert pack.edition in data.text()
    assert data.hasHtml()
    assert f"<i>{pack.title}</i>" in data.html()
    assert "sets out the wider" in data.html()


def test_whole_block_and_markup_escaped(qapp, pack) -> None:
    block = next(b for b in pack.blocks() if b.kind == "paragraph")
    tricky = dataclasses.replace(block, text="Staff <b>must</b> & should")
    copy_with_citation(tricky, None, pack)
    data = QGuiApplication.clipboard().mimeData()
    assert data.text().startswith("“Staff <b>must</b> & should”")
    assert "&lt;b&gt;must&lt;/b&gt; &amp; should" in data.html()
    assert "<b>must" not in data.html()


def test_ctrl_shift_c_copies_the_selection_with_its_blocks_citation(qtbot, make_window) -> None:
    window = make_window()
    view = window.current_view()
    block = next(b for b in view.tab.blocks if b.kind == "paragraph" and len(b.text) > 40)
    start = view.block_position(block.id)
    assert start is not None
    cursor = QTextCursor(view.document())
    cursor.setPosition(start + 5)
    cursor.setPosition(start + 30, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    selected = cursor.selectedText()
    view.setFocus()
    qtbot.keyClick(
        view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    data = QGuiApplication.clipboard().mimeData()
    assert data.text() == f"“{' '.join(selected.split())}” {citation_for(block, window.pack)[0]}"


def test_words_selected_on_a_pdf_page_are_copied_with_their_paragraph(
    qtbot, make_window, tmp_path
) -> None:
    from tests.factories import make_guidance_pdf

    window = make_window()
    path = tmp_path / "Leadership_and_management_for_all_doctors.pdf"
    make_guidance_pdf(path, pages=4, paragraphs=8)
    window.documents.add_files([path])
    qtbot.waitUntil(lambda: window.services.library.for_slot("guidance-pdf") is not None)
    doc = window.services.library.for_slot("guidance-pdf")
    qtbot.waitUntil(lambda: doc.id in window.documents.tabs, timeout=30000)
    view = window.documents.tabs[doc.id]
    block = next(b for b in view.blocks() if b.kind == "pdf-paragraph" and b.paragraph == "5")
    pages = view.pages
    words = pages.words(block.page)
    inside = [
        i
        for i, w in enumerate(words)
        if block.bbox[1] - 1 <= (w.y0 + w.y1) / 2 <= block.bbox[3] + 1 and w.x0 >= block.bbox[0] - 1
    ]
    pages._set_selection((block.page, inside[2], inside[6]))
    pages.setFocus()
    qtbot.keyClick(
        pages, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    text = QGuiApplication.clipboard().mimeData().text()
    quote = " ".join(w.text for w in words[inside[2] : inside[6] + 1])
    assert text.startswith(f"“{quote}”")
    assert text.endswith("para 5)")
    assert "Leadership and management for all doctors" in text
    assert window.statusBar().currentMessage() == "Copied with its citation."


def test_copy_with_citation_without_a_selection_says_what_to_do(qtbot, make_window) -> None:
    window = make_window()
    window.menu_actions.copy_citation.trigger()
    assert window.statusBar().currentMessage() == (
        "Select some words to copy them with their citation."
    )
