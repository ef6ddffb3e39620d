"""Keeps a PDF's page view and its paragraphs pane on the same paragraph, and marks it in both.

Scrolling the pages (by hand, by Find moving to a hit, by a page number) brings the paragraph at
the top of the page view to the top of the pane; scrolling the pane takes the pages to the
paragraph at its top. Each side's scroll moves the other, so a guard flag stops the echo. A
paragraph the reader asked for (Ctrl+G, a click, a search hit) is "pinned": while it is still in
view on the page it stays the current one, even if another paragraph's top is higher up.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPointF, QRect, QRectF, Slot
from PySide6.QtGui import QColor, QPainter

from reader.core.model import Block

FOLLOWED = ("heading", "pdf-paragraph", "pdf-text", "list-item", "box", "endnote")


class CurrentParagraph:
    """Overlay: a bar beside the current paragraph, on its page and in the pane."""

    def __init__(self, sync: ParagraphSync, colour: str) -> None:
        self.sync = sync
        self.colour = QColor(colour)

    def paint_page(self, view, painter: QPainter, page: int) -> None:
        block = self.sync.current_block()
        if block is None or block.page != page or block.bbox is None:
            return
        rect = view.to_view(page, block.bbox)
        painter.fillRect(QRectF(rect.left() - 8, rect.top(), 3, rect.height()), self.colour)

    def paint(self, view, painter: QPainter) -> None:
        block = self.sync.current_block()
        rect: QRect | None = view.block_rect(block.id) if block is not None else None
        if rect is not None:
            painter.fillRect(QRect(2, rect.top(), 4, rect.height()), self.colour)


class ParagraphSync(QObject):
    """Follows ``pages`` (a PdfView) with ``pane`` (a ParagraphsView) and back."""

    def __init__(self, pages, pane, blocks: list[Block], colour: str) -> None:
        super().__init__(pane)
        self.pages = pages
        self.pane = pane
        self._blocks = [
            b for b in blocks if b.kind in FOLLOWED and b.page is not None and b.bbox is not None
        ]
        self._by_id = {b.id: b for b in self._blocks}
        self._busy = False  # set while one side moves the other: their scroll is no request
        self._pinned: str | None = None
        self._current: str | None = None
        self.overlay = CurrentParagraph(self, colour)
        pages.add_overlay(self.overlay)
        pane.add_overlay(self.overlay)
        pages.verticalScrollBar().valueChanged.connect(self._on_pages_scrolled)
        pane.verticalScrollBar().valueChanged.connect(self._on_pane_scrolled)

    def current(self) -> str | None:
        """The id of the paragraph marked as being read."""
        return self._current

    def current_block(self) -> Block | None:
        return self._by_id.get(self._current) if self._current else None

    def pin(self, block_id: str) -> None:
        """The reader asked for this paragraph: it is current while it is in view."""
        if block_id in self._by_id:
            self._pinned = block_id
            self._set_current(block_id)

    def _set_current(self, block_id: str | None) -> None:
        if block_id != self._current:
            self._current = block_id
            self.pages.viewport().update()
            self.pane.viewport().update()

    def _in_view(self, block: Block) -> bool:
        rect = self.pages.to_view(block.page, block.bbox)
        return QRectF(self.pages.viewport().rect()).intersects(rect)

    def block_at_pages_top(self) -> Block | None:
        """The paragraph whose top is last at or above a line a quarter down the page view."""
        spot = QPointF(self.pages.viewport().width() / 2, self.pages.viewport().height() * 0.25)
        found = self.pages._point_at(spot)
        if found is None:
            return None
        page, (_x, y) = found
        best: Block | None = None
        for block in self._blocks:
            key = (block.page, block.bbox[1])
            if key <= (page, y) and (best is None or key >= (best.page, best.bbox[1])):
                best = block
        return best

    @Slot(int)
    def _on_pages_scrolled(self, _value: int) -> None:
        if self._busy:
            return
        pinned = self._by_id.get(self._pinned) if self._pinned else None
        if pinned is not None and self._in_view(pinned):
            return
        self._pinned = None
        block = self.block_at_pages_top()
        if block is None or block.id == self._current:
            return
        self._set_current(block.id)
        self._busy = True
        try:
            self.pane.scroll_to_block(block.id)
        finally:
            self._busy = False

    @Slot(int)
    def _on_pane_scrolled(self, _value: int) -> None:
        if self._busy:
            return
        block = self._by_id.get(self.pane.top_block_id() or "")
        if block is None or block.id == self._current:
            return
        self._pinned = block.id
        self._set_current(block.id)
        self._busy = True
        try:
            self.pages.go_to_page(block.page, (block.bbox[0], block.bbox[1]))
        finally:
            self._busy = False
