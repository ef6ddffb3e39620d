"""The paragraphs pane shows a booklet as it is printed: sub-items, bullets, boxes, endnotes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
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
    assert box.text[:30] in text
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
