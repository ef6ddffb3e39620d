"""Marks are pluggable: a new kind (a note marker, say) is one more overlay provider.

A provider that marks one block is added to a PDF tab, to the reading view and to a slides tab
through the same ``add_overlay`` call, and the pixels it draws appear where the block is.
"""

from __future__ import annotations

import inspect

from PySide6.QtGui import QColor, QPainter

from reader.core.errors import DocumentError
from reader.core.model import GUIDANCE_PDF_SLOT
from reader.core.pdfdoc import open_pdf
from reader.core.pdfparagraphs import extract_blocks
from reader.core.render import SlotState, Theme
from reader.ui.document_tab import DocumentTab, FailedView
from reader.ui.document_view import DocumentView
from reader.ui.reading_view import ReadingView
from reader.ui.slides_view import SlidesView
from tests.factories import make_guidance_pdf

MARKER = QColor(0, 200, 0)


class BlockMarker:
    """A stand-in for the note markers to come: a green square at one block."""

    def __init__(self, block) -> None:
        self.block = block
        self.painted = 0

    def paint_page(self, view, painter: QPainter, page: int) -> None:
        if self.block.page == page and self.block.bbox is not None:
            rect = view.to_view(page, self.block.bbox)
            painter.fillRect(rect.left() - 14, rect.top(), 10, 10, MARKER)
            self.painted += 1

    def paint(self, view, painter: QPainter) -> None:
        rect = view.block_rect(self.block.id)
        if rect is not None:
            painter.fillRect(2, rect.top(), 10, 10, MARKER)
            self.painted += 1


def _has_marker(widget) -> bool:
    image = widget.grab().toImage()
    return any(
        image.pixelColor(x, y) == MARKER
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
    )


def test_a_marker_provider_draws_on_a_pdf_page_and_its_paragraphs(qtbot, tmp_path) -> None:
    spec = make_guidance_pdf(tmp_path / "guidance.pdf", pages=6, paragraphs=12)
    doc = open_pdf(spec.path)
    blocks = extract_blocks(doc, GUIDANCE_PDF_SLOT, "guidance")
    doc.close()
    view = DocumentView(spec.path, GUIDANCE_PDF_SLOT, "Guidance", blocks, Theme(), 11)
    qtbot.addWidget(view)
    view.resize(1100, 800)
    view.show()
    qtbot.waitExposed(view)
    block = next(b for b in view.blocks() if b.kind == "pdf-paragraph" and b.bbox)
    marker = BlockMarker(block)
    view.add_overlay(marker)
    assert view.show_block(block.id)
    qtbot.waitUntil(lambda: view.first_page_shown(), timeout=20000)
    qtbot.waitUntil(lambda: _has_marker(view.pages.viewport()), timeout=20000)
    assert _has_marker(view.paragraphs.viewport())


def test_the_reading_view_maps_blocks_once_and_draws_providers(qtbot, pack) -> None:
    tab = pack.tabs[2]
    view = ReadingView(pack, tab, lambda slot: SlotState(slot, False, ""), Theme(), 11)
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    qtbot.waitExposed(view)
    first = tab.blocks[1]
    assert view.block_position(first.id) is not None
    assert view.block_position("no-such-block") is None
    marker = BlockMarker(first)
    view.add_overlay(marker)
    qtbot.waitUntil(lambda: _has_marker(view.viewport()))
    view.remove_overlay(marker)
    qtbot.waitUntil(lambda: not _has_marker(view.viewport()))


def test_every_document_tab_offers_the_whole_protocol(qtbot, pack) -> None:
    wanted = {
        name
        for name, member in inspect.getmembers(DocumentTab)
        if inspect.isfunction(member) and not name.startswith("_")
    }
    assert {"go_to_page", "current_page", "show_block", "add_overlay", "blocks"} <= wanted
    for cls in (DocumentView, SlidesView, FailedView):
        missing = {name for name in wanted if not callable(getattr(cls, name, None))}
        assert not missing, (cls.__name__, missing)
    failed = FailedView("A file", str(DocumentError("a.pdf is not a PDF file.")))
    qtbot.addWidget(failed)
    said: list[str] = []
    failed.statusMessage.connect(said.append)
    assert failed.show_paragraph("85") is False
    assert said == ["a.pdf is not a PDF file."]
