"""The paragraphs pane shows a booklet as it is printed: sub-items, bullets, boxes, endnotes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QToolTip

from reader.core.pdfdoc import open_pdf
from reader.core.pdfparagraphs import extract_blocks
from reader.core.render import Theme
from reader.ui.document_view import DocumentView
from tests.booklets import make_booklet


@pytest.fixture(scope="module")
def booklet(tmp_path_factory):
    book = make_booklet(tmp_path_factory.mktemp("pane") / "booklet.pdf")
    doc = open_pdf(book.path)
    try:
        blocks = extract_blocks(doc, "bk", "bk")
    finally:
        doc.close()
    return book, blocks


@pytest.fixture
def view(qtbot, booklet) -> DocumentView:
    book, blocks = booklet
    widget = DocumentView(book.path, "bk", "Booklet", blocks, Theme(), 11)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _text(view: DocumentView) -> str:
    return view.paragraphs.toPlainText().replace("\u00a0", " ")


def test_pane_lays_out_sub_items_bullets_boxes_and_endnotes(view, booklet) -> None:
    _, blocks = booklet
    text = _text(view)
    sub = next(b for b in blocks if b.kind == "pdf-paragraph" and b.level == 1)
    letter = sub.paragraph[sub.paragraph.index("(") :]
    assert f"{letter}  {sub.text[:30]}" in text
    item = next(b for b in blocks if b.kind == "list-item")
    assert f"•  {item.text[:30]}" in text
    box = next(b for b in blocks if b.kind == "box")
    # its bold title on a line of its own, then its text
    assert box.title is not None
    assert f"{box.title}\n{box.text[len(box.title) :].strip()[:30]}" in text
    # Boxes are shaded tables; endnotes come after the last paragraph, under their own heading.
    assert view.paragraphs.toHtml().count("<table") >= len([b for b in blocks if b.kind == "box"])
    last_para = [b for b in blocks if b.kind == "pdf-paragraph"][-1]
    endnote = next(b for b in blocks if b.kind == "endnote")
    assert text.index("Endnotes") > text.index(last_para.text)
    assert text.rindex(endnote.text) > text.index("Endnotes")
    for front in (b for b in blocks if b.kind == "front-matter"):
        if len(front.text) > 12 and front.text not in box.text:
            assert front.text not in text


def _marker_position(view: DocumentView) -> QPoint:
    pane = view.paragraphs
    block = next(b for b in view.blocks() if any(link.scheme == "endnote" for link in b.links))
    pane.scroll_to_block(block.id)
    # Find the marker by walking the visible viewport for an endnote anchor.
    for y in range(0, pane.viewport().height(), 3):
        for x in range(0, pane.viewport().width(), 3):
            if pane.anchorAt(QPoint(x, y)).startswith("endnote:"):
                return QPoint(x + 1, y + 1)
    raise AssertionError("no endnote marker drawn in the pane")


def test_endnote_marker_shows_its_text_and_goes_there(qtbot, view) -> None:
    pane = view.paragraphs
    pos = _marker_position(view)
    endnote = pane.endnote_at(pos)
    assert endnote is not None
    event = QHelpEvent(QEvent.Type.ToolTip, pos, pane.viewport().mapToGlobal(pos))
    pane.viewportEvent(event)
    qtbot.waitUntil(QToolTip.isVisible)
    assert endnote.text[:20] in QToolTip.text()
    QToolTip.hideText()
    qtbot.mouseClick(pane.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert pane.viewport().rect().intersects(pane.block_rect(endnote.id))
    assert view.current_page() == endnote.page


def test_pane_follows_the_pages_and_the_pages_follow_the_pane(qtbot, view, booklet) -> None:
    _, blocks = booklet
    pages, pane = view.pages, view.paragraphs
    paras = [b for b in blocks if b.kind == "pdf-paragraph" and b.page and b.page >= 3]
    target = paras[0]
    # Scroll the pages by hand (the scroll bar, as the wheel does) to a later page.
    pages.verticalScrollBar().setValue(round(pages.page_layout.page_top(target.page) + 40))
    current = view.sync.current_block()
    assert current is not None
    assert current.page == target.page or current.page == target.page - 1
    rect = pane.block_rect(current.id)
    assert rect is not None
    assert pane.viewport().rect().intersects(rect)
    # Scroll the pane back to the start: the pages go back with it, with no echo.
    pane.verticalScrollBar().setValue(0)
    first = view.sync.current_block()
    assert first is not None
    assert pages.current_page() == first.page
    settled = (pages.verticalScrollBar().value(), pane.verticalScrollBar().value())
    for _ in range(5):  # let any queued echo run: none may move either view
        QCoreApplication.processEvents()
    assert (pages.verticalScrollBar().value(), pane.verticalScrollBar().value()) == settled


def test_find_moves_the_pane_to_the_hit(qtbot, view, booklet) -> None:
    _, blocks = booklet
    last = [b for b in blocks if b.kind == "pdf-paragraph"][-1]
    word = last.text.split()[-1].strip(".,;")
    view.open_find()
    view.find_bar.edit.setText(word)
    view.find_bar.findRequested.emit(word, False)
    qtbot.waitUntil(lambda: bool(view.pages.hits()), timeout=5000)
    view.pages.set_current_hit(len(view.pages.hits()) - 1)
    page = view.pages.hits()[-1][0]
    qtbot.waitUntil(lambda: view.sync.current_block() is not None)
    assert view.sync.current_block().page in (page, page - 1)
    assert pane_shows(view, view.sync.current())


def pane_shows(view: DocumentView, block_id: str) -> bool:
    rect = view.paragraphs.block_rect(block_id)
    return rect is not None and view.paragraphs.viewport().rect().intersects(rect)


def test_hidden_pane_lets_its_text_go_and_comes_back_where_it_was(qtbot, view, booklet) -> None:
    _, blocks = booklet
    pane = view.paragraphs
    target = [b for b in blocks if b.kind == "pdf-paragraph"][5]
    pane.scroll_to_block(target.id)
    full = pane.document().characterCount()
    view.paragraphs_action.setChecked(False)
    assert not pane.isVisible()
    assert pane.is_released()
    assert pane.document().characterCount() < full / 10
    view.paragraphs_action.setChecked(True)
    qtbot.waitUntil(pane.isVisible)
    assert pane.document().characterCount() == full
    assert pane_shows(view, target.id)


@pytest.fixture(scope="module")
def long_report(tmp_path_factory):
    from tests.factories import make_many_pages_pdf

    path = make_many_pages_pdf(tmp_path_factory.mktemp("long") / "report.pdf", pages=1500)
    doc = open_pdf(path)
    try:
        blocks = extract_blocks(doc, "rep", "rep", timeout=None)
    finally:
        doc.close()
    return path, blocks


def test_a_long_documents_pane_lays_out_a_stretch_and_moves_it_with_the_reader(
    qtbot, long_report
) -> None:
    # Issue 12: a 1,500-page report's whole text laid out at once took tens of megabytes.
    from reader.ui.paragraphs_view import WINDOW_CHARS

    path, blocks = long_report
    total = sum(len(b.text) for b in blocks)
    assert total > 5 * WINDOW_CHARS
    view = DocumentView(path, "rep", "Report", blocks, Theme(), 11)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    pane = view.paragraphs
    assert pane.document().characterCount() < 1.2 * WINDOW_CHARS
    first, _last = pane.laid_out_range()
    assert first == 0

    # A jump far down (a search hit, Go to paragraph) lays out the stretch around it.
    target = blocks[-3]
    assert view.show_block(target.id)
    assert pane.block_position(target.id) is not None
    assert pane.block_position(blocks[0].id) is None  # the start is let go
    assert pane.document().characterCount() < 1.2 * WINDOW_CHARS

    # Scrolling the pane to the top of its stretch brings the text before it, keeping the
    # paragraph the reader was at in place, so reading on upwards never meets an end.
    view.show_block(blocks[len(blocks) // 2].id)
    before = pane.laid_out_range()
    pane.verticalScrollBar().setValue(0)  # the first paragraph of the stretch is at the top
    qtbot.waitUntil(lambda: pane.laid_out_range()[0] < before[0])
    assert pane.top_block_id() == blocks[before[0]].id
    # and to its end, the text after it
    middle = pane.laid_out_range()
    pane.verticalScrollBar().setValue(pane.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: pane.laid_out_range()[1] > middle[1])


def test_after_a_long_scroll_of_the_pages_the_pane_shows_the_paragraph_in_view(
    qtbot, long_report
) -> None:
    # The pane lays out a stretch at a time (#12); scrolled page by page from the first to the
    # last, the pages always have their paragraph beside them, marked, and the stretch stays
    # a stretch.
    from reader.ui.paragraphs_view import WINDOW_CHARS

    path, blocks = long_report
    view = DocumentView(path, "rep", "Report", blocks, Theme(), 11)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    pages, pane = view.pages, view.paragraphs
    for page in [*range(0, pages.page_count(), 37), pages.page_count() - 1]:
        pages.verticalScrollBar().setValue(round(pages.page_layout.page_top(page)) + 20)
        current = view.sync.current_block()
        assert current is not None
        assert page - 1 <= current.page <= page
        assert pane_shows(view, current.id)
        assert pane.document().characterCount() < 1.2 * WINDOW_CHARS
    # and back to the start, as a reader going back to the contents does
    pages.verticalScrollBar().setValue(0)
    first = view.sync.current_block()
    assert first is not None
    assert first.page == 0
    assert pane_shows(view, first.id)
