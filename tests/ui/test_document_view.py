"""The document tab: page box, find, numbered paragraphs in both views, Ctrl+G, broken files."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QPushButton

from reader.core.pdfdoc import open_pdf
from reader.core.pdfparagraphs import extract_blocks
from reader.core.render import Theme
from reader.ui.document_view import DocumentView
from reader.ui.goto_dialog import GotoDialog, parse_paragraph
from tests.factories import GuidanceSpec, make_encrypted_pdf, make_guidance_pdf, make_not_a_pdf


@pytest.fixture(scope="module")
def guidance(tmp_path_factory) -> GuidanceSpec:
    return make_guidance_pdf(tmp_path_factory.mktemp("pdf") / "guidance.pdf", pages=44)


@pytest.fixture(scope="module")
def blocks(guidance):
    doc = open_pdf(guidance.path)
    try:
        return extract_blocks(doc, "test", "test")
    finally:
        doc.close()


@pytest.fixture
def view(qtbot, guidance, blocks) -> DocumentView:
    widget = DocumentView(guidance.path, "test", "Test document", blocks, Theme(), 11)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _open_error_view(qtbot, path: Path) -> DocumentView:
    widget = DocumentView(path, "bad", "Bad file", [], Theme(), 11)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_page_box_jumps_to_a_page(qtbot, view) -> None:
    with qtbot.waitSignal(view.pageChanged) as signal:
        view.page_box.setText("10")
        qtbot.keyClick(view.page_box, Qt.Key.Key_Return)
    assert signal.args == [9]
    assert view.current_page() == 9
    assert view.pages.page_rect(9).top() == pytest.approx(0, abs=20)
    qtbot.waitUntil(lambda: view.pages.is_rendered(9), timeout=5000)


def test_outline_and_thumbnails_go_to_their_page(qtbot, view, guidance) -> None:
    assert not view.sidebar.isVisible()  # closed at first: the page gets the width
    view.sidebar_action.trigger()  # F4
    assert view.sidebar.isVisible()
    outline = view.sidebar.outline
    section = outline.topLevelItem(0).child(1)  # "Test section 2: ..."
    _level, _title, page = next(h for h in guidance.headings if h[1] == section.text(0))
    outline.itemClicked.emit(section, 0)
    assert view.current_page() == page
    view.sidebar.setCurrentWidget(view.sidebar.thumbnails)
    qtbot.waitUntil(lambda: view.sidebar.thumbnail_count() > 0, timeout=5000)
    view.sidebar.thumbnails.itemClicked.emit(view.sidebar.thumbnails.item(20))
    assert view.current_page() == 20


def _hits_in(path: Path, word: str) -> list[tuple[int, tuple]]:
    doc = pymupdf.open(path)
    try:
        return [(p.number, tuple(r)) for p in doc for r in p.search_for(word)]
    finally:
        doc.close()


def test_find_highlights_every_hit_and_counts_them(qtbot, view, guidance) -> None:
    expected = _hits_in(guidance.path, "resource")
    assert len(expected) > 2
    qtbot.keyClick(view.pages, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.find_bar.isVisible()
    qtbot.keyClicks(view.find_bar.edit, "resource")
    status = view.find_bar.status
    qtbot.waitUntil(lambda: status.text() == f"1 of {len(expected)}", timeout=5000)
    assert len(view.pages.hits()) == len(expected)
    assert view.current_page() == expected[0][0]
    following = next(
        b for b in view.find_bar.findChildren(QPushButton) if b.accessibleName() == "Find next"
    )
    qtbot.mouseClick(following, Qt.MouseButton.LeftButton)
    assert status.text() == f"2 of {len(expected)}"
    assert view.pages.current_hit() == 1
    assert view.current_page() == expected[1][0]
    view.find_bar.close_bar()
    assert view.pages.hits() == []


def test_find_says_when_nothing_is_found(qtbot, view) -> None:
    view.open_find()
    qtbot.keyClicks(view.find_bar.edit, "zebrafish")
    qtbot.waitUntil(lambda: view.find_bar.status.text() == "Not found", timeout=5000)


def test_show_paragraph_scrolls_both_views_and_outlines_it(qtbot, view, guidance) -> None:
    expected = guidance.paragraph("12")
    assert view.show_paragraph("12") is True
    assert view.current_page() == expected.page
    page, rect = view.pages.marked()
    assert page == expected.page
    assert view.pages.to_view(page, rect).intersects(view.pages.viewport().rect())
    assert view.paragraphs.top_block_id() == "test.para-12"
    qtbot.waitUntil(lambda: view.pages.is_rendered(expected.page), timeout=5000)


def test_goto_dialog_takes_a_sub_item(qtbot, view, guidance) -> None:
    number = next(n for n in guidance.numbers if n.endswith("(b)"))
    view.pages.setFocus()
    qtbot.keyClick(view.pages, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    dialog = view.findChild(GotoDialog)
    assert dialog is not None
    assert dialog.isVisible()
    qtbot.keyClicks(dialog.edit, f"para {number}")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert view.current_page() == guidance.paragraph(number).page
    assert view.paragraphs.top_block_id() == f"test.para-{number.replace('(', '').rstrip(')')}"


def test_unknown_paragraph_is_said_in_a_sentence(qtbot, view) -> None:
    with qtbot.waitSignal(view.statusMessage) as signal:
        assert view.show_paragraph("999") is False
    assert signal.args == ["There is no paragraph 999 in this document."]
    dialog = view.open_goto_dialog()
    qtbot.keyClicks(dialog.edit, "999")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.message.text() == "There is no paragraph 999 in this document."
    dialog.reject()


def test_missing_sub_item_offers_its_paragraph(qtbot, view, guidance) -> None:
    number = next(n for n in guidance.numbers if "(" not in n and f"{n}(z)" not in guidance.numbers)
    dialog = view.open_goto_dialog()
    qtbot.keyClicks(dialog.edit, f"{number}(z)")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert dialog.message.text() == f"Paragraph {number} has no item (z)."
    assert dialog.base_button.isVisible()
    assert dialog.base_button.text() == f"Go to paragraph {number}"
    dialog.base_button.click()
    assert not dialog.isVisible()
    assert view.current_page() == guidance.paragraph(number).page


def test_goto_error_sits_below_the_input_and_is_not_cut_off(qtbot, view) -> None:
    dialog = view.open_goto_dialog()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.edit, "para 9999")
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.height() >= dialog.message.sizeHint().height())
    label, edit = dialog.message.geometry(), dialog.edit.geometry()
    assert not label.intersects(edit)
    assert label.top() >= edit.bottom()
    # The whole sentence is shown: it fits on one line or wraps into the label's height.
    metrics = dialog.message.fontMetrics()
    needed = metrics.boundingRect(
        0, 0, label.width(), 10_000, Qt.TextFlag.TextWordWrap, dialog.message.text()
    )
    assert needed.height() <= label.height()
    assert needed.width() <= label.width()
    assert label.bottom() <= dialog.buttons.geometry().top()
    dialog.reject()


def test_clicking_a_paragraph_in_the_text_shows_it_in_the_pdf(qtbot, view, guidance) -> None:
    view.paragraphs.scroll_to_block("test.para-20")
    qtbot.mouseClick(view.paragraphs.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(120, 30))
    assert view.current_page() == guidance.paragraph("20").page
    assert view.pages.marked()[0] == guidance.paragraph("20").page


def test_show_block_marks_the_search_terms_on_its_page(qtbot, view, guidance) -> None:
    assert view.show_block("test.para-14", ["resource"])
    page = guidance.paragraph("14").page
    assert view.current_page() == page
    assert view.pages.term_rects(page)


def test_paragraphs_view_can_be_hidden_and_zoom_box_sets_zoom(qtbot, view) -> None:
    view.paragraphs_action.trigger()
    assert not view.paragraphs.isVisible()
    view.zoom_box.setCurrentIndex(view.zoom_box.findText("150%"))
    view.zoom_box.activated.emit(view.zoom_box.currentIndex())
    assert view.zoom() == 150


def test_every_control_has_an_accessible_name(view) -> None:
    for widget in [view.page_box, view.zoom_box, view.pages, view.paragraphs, view.sidebar]:
        assert widget.accessibleName()
    for action in view.toolbar.actions():
        button = view.toolbar.widgetForAction(action)
        if button is not None and not action.isSeparator():
            assert button.accessibleName(), action.text()


@pytest.mark.parametrize(
    ("maker", "words"),
    [(make_encrypted_pdf, "protected by a password"), (make_not_a_pdf, "is not a PDF file")],
)
def test_a_broken_file_shows_its_sentence(qtbot, tmp_path, maker, words) -> None:
    path = maker(tmp_path / "bad.pdf")
    widget = _open_error_view(qtbot, path)
    assert words in widget.error_label.text()
    assert widget.page_count() == 0
    assert widget.show_paragraph("1") is False


@pytest.mark.parametrize(
    ("typed", "number"),
    [("85", "85"), ("85(b)", "85(b)"), ("para 85", "85"), ("paragraph 85 (B)", "85(b)")],
)
def test_paragraph_numbers_are_read_as_people_write_them(typed, number) -> None:
    assert parse_paragraph(typed) == number
    assert parse_paragraph("ward round") is None


@pytest.mark.parametrize("width", [1024, 760])
def test_paragraphs_toggle_is_reachable_on_a_small_screen(qtbot, guidance, blocks, width) -> None:
    widget = DocumentView(guidance.path, "test", "Test document", blocks, Theme(), 11)
    qtbot.addWidget(widget)
    widget.resize(width, 600)
    widget.show()
    qtbot.waitExposed(widget)
    bar = widget.toolbar
    assert bar.width() <= width
    button = bar.widgetForAction(widget.paragraphs_action)
    assert button is not None
    assert button.isVisible()
    assert bar.rect().contains(button.geometry())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not widget.paragraphs.isVisible()
