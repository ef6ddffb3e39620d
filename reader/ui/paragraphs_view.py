"""The reflowed paragraphs pane of a PDF's tab: the document's blocks as text, with numbers.

A click on a paragraph asks the document view to show it on its page. Marks over a paragraph
(a note marker, say) are :class:`~reader.ui.overlays.TextOverlay` providers (see BlockText).
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QEvent, QPoint, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QContextMenuEvent, QFont, QHelpEvent, QHideEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import QToolTip, QWidget

from reader.core.heap import release_free_memory
from reader.core.model import Block, endnote_number
from reader.core.render import Theme, anchor_for, pdf_blocks_html
from reader.ui.block_text import BlockText
from reader.ui.reading_view import block_id_at

# Front matter (cover, contents rows) is left out: its numbers are pages and ranges.
SHOWN = ("heading", "pdf-paragraph", "pdf-text", "list-item", "box", "endnote")
# The most text laid out at once, about a dozen printed pages. A booklet is laid out in a
# stretch or a few; a 500-page report's 1.9 million characters took 25 MB laid out whole,
# so a long document shows a stretch of this size around where the reader is, moved on as they
# scroll or jump (issue 12). Measured on that report: a 200,000-character stretch held 14 MB
# more at peak than this one, and moving this one on takes 15-25 ms (a frame or so), the
# bigger one up to 90 ms.
WINDOW_CHARS = 50_000
EDGE_PX = 40  # scrolled this close to a stretch's end, the stretch moves on


class ParagraphsView(BlockText):
    MARGINS = (8, 8, 16)  # a side pane: the column is centred only when the pane is wide
    """The document's blocks reflowed as text; a click on a paragraph asks to show it in the PDF."""

    showInPdfRequested = Signal(str)  # block id

    def __init__(
        self, blocks: list[Block], theme: Theme, text_size: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._blocks = blocks
        self._theme = theme
        self._text_size = text_size
        self._highlight: dict[str, list[str]] = {}
        self._shown = [b for b in blocks if b.kind in SHOWN]
        self._index = {b.id: i for i, b in enumerate(self._shown)}
        self._window = self._window_around(0)  # [first, last) of _shown, laid out now
        self._moving = False  # set while the stretch moves: its scrolling is no request
        self.endnotes: dict[int, Block] = {}
        for block in blocks:
            number = endnote_number(block)
            if number is not None:
                self.endnotes[number] = block
        self.anchorClicked.connect(self._on_anchor)
        self._released: str | None = None  # the top block when the laid-out text was let go
        self.setObjectName("pdf-paragraphs")
        self.setAccessibleName("Numbered paragraphs")
        self.setAccessibleDescription("The document's text reflowed, with its paragraph numbers")
        self.setOpenLinks(False)
        self.document().setDocumentMargin(14)
        self.render_blocks()
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.render_blocks(keep_position=True)

    def set_text_size(self, points: int) -> None:
        self._text_size = points
        self.render_blocks(keep_position=True)

    def scroll_to_block(self, block_id: str, terms: list[str] | None = None) -> None:
        highlight = {block_id: list(terms)} if terms else {}
        if self._released is not None:
            self._highlight, self._released = highlight, block_id  # shown there when switched on
            return
        index = self._index.get(block_id)
        outside = index is not None and not self._window[0] <= index < self._window[1]
        if outside:
            self._window = self._window_around(index)
        moving, self._moving = self._moving, True
        try:
            if highlight != self._highlight or outside:
                self._highlight = highlight
                self.render_blocks()
            self.scrollToAnchor(anchor_for(block_id))
        finally:
            self._moving = moving

    def render_blocks(self, keep_position: bool = False) -> None:
        if self._released is not None:
            return  # switched off: laid out again when shown
        position = self.verticalScrollBar().value() if keep_position else 0
        font = QFont(self.font())
        font.setPointSize(self._text_size)
        self.document().setDefaultFont(font)
        self.document().setDefaultStyleSheet(
            f"body {{ color:{self._theme.text}; }} p {{ margin-bottom:8px; line-height:135%; }}"
            "h1 { font-size:large; } h2 { font-size:medium; margin-top:16px; }"
            "h3 { font-size:medium; margin-top:12px; }"
        )
        blocks = self._shown[self._window[0] : self._window[1]]
        if blocks:
            body = pdf_blocks_html(blocks, self._theme, self.endnotes, highlight=self._highlight)
        else:
            body = (
                f'<p style="color:{self._theme.muted}">The text of this document has not been '
                "read yet, or it has no numbered paragraphs.</p>"
            )
        moving, self._moving = self._moving, True  # a new text's scrolling is no request
        try:
            self.set_block_html(f"<html><body>{body}</body></html>")
            self.verticalScrollBar().setValue(position)
            # The stretch laid out before was let go in small pieces (see reader.core.heap).
            release_free_memory(min_interval=1.0)
        finally:
            self._moving = moving

    def laid_out_range(self) -> tuple[int, int]:
        """Which of the shown blocks are laid out now: [first, last)."""
        return self._window

    def _window_around(self, index: int) -> tuple[int, int]:
        """A stretch of about WINDOW_CHARS characters with block ``index`` in its middle."""
        shown = self._shown
        if not shown:
            return (0, 0)
        first = last = max(0, min(index, len(shown) - 1))
        last += 1
        size = len(shown[first].text)
        while size < WINDOW_CHARS and (first > 0 or last < len(shown)):
            if first > 0 and (last >= len(shown) or index - first <= last - index):
                first -= 1
                size += len(shown[first].text)
            else:
                size += len(shown[last].text)
                last += 1
        return (first, last)

    @Slot(int)
    def _on_scrolled(self, value: int) -> None:
        """Near either end of a stretch of a long document, move the stretch on."""
        if self._moving or self._released is not None:
            return
        bar = self.verticalScrollBar()
        first, last = self._window
        if value <= bar.minimum() + EDGE_PX and first > 0:
            self._move_to(first)
        elif value >= bar.maximum() - EDGE_PX and last < len(self._shown):
            self._move_to(last - 1)

    def _move_to(self, index: int) -> None:
        """Lay out the stretch around block ``index``, keeping the block at the top in place."""
        top = self.top_block_id()
        self._moving = True
        try:
            self._window = self._window_around(index)
            self.render_blocks()
            if top:
                self.scrollToAnchor(anchor_for(top))
        finally:
            self._moving = False

    def is_released(self) -> bool:
        """True while the pane is switched off and its laid-out text has been let go."""
        return self._released is not None

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        # Switched off by the reader (not merely a tab switch or a minimised window): the
        # laid-out document of a long PDF is megabytes; build it again when shown (#12).
        if self.isHidden() and self._released is None:
            self._released = self.top_block_id() or ""
            self.set_block_html("<html><body></body></html>")
            release_free_memory()  # the laid-out text was megabytes of small pieces

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._released is not None:
            top, self._released = self._released, None
            if top in self._index:
                self._window = self._window_around(self._index[top])
            self.render_blocks()
            if top:
                self.scrollToAnchor(anchor_for(top))

    def block_id_at(self, pos: QPoint) -> str | None:
        """The block under ``pos`` (viewport pixels)."""
        return block_id_at(self, pos)

    def top_block_id(self) -> str | None:
        return self.block_id_at(QPoint(8, 4))

    def endnote_at(self, pos: QPoint) -> Block | None:
        """The endnote whose raised marker is under ``pos`` (viewport pixels)."""
        target = self.anchorAt(pos)
        if not target.startswith("endnote:"):
            return None
        number = target.split(":", 1)[1]
        return self.endnotes.get(int(number)) if number.isdigit() else None

    @Slot(QUrl)
    def _on_anchor(self, url: QUrl) -> None:
        target = url.toString()
        if target.startswith("endnote:"):
            number = target.split(":", 1)[1]
            block = self.endnotes.get(int(number)) if number.isdigit() else None
            if block is not None:
                self.scroll_to_block(block.id)
                self.showInPdfRequested.emit(block.id)

    def viewportEvent(self, event: QEvent) -> bool:
        # QTextBrowser shows no tooltips of its own: the endnote's text on hover over its marker.
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            block = self.endnote_at(event.pos())
            if block is not None:
                number = endnote_number(block)
                QToolTip.showText(event.globalPos(), f"{number}. {block.text}", self.viewport())
                return True
            QToolTip.hideText()
        return super().viewportEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        on_marker = self.endnote_at(event.position().toPoint()) is not None
        super().mouseReleaseEvent(event)
        if on_marker:
            return  # the marker's link took the reader to the endnote
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            block_id = self.block_id_at(event.position().toPoint())
            if block_id:
                self.showInPdfRequested.emit(block_id)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        block_id = self.block_id_at(self.viewport().mapFrom(self, event.pos()))
        if block_id:
            menu.addSeparator()
            show = menu.addAction("Show in PDF")
            show.triggered.connect(partial(self.showInPdfRequested.emit, block_id))
        self.run_menu_hooks(menu, event)
        menu.exec(event.globalPos())
