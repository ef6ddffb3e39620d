"""Text views made of blocks: the block id → position map and the text overlays they share.

The reading view, the reflowed paragraphs pane and the slides view all typeset blocks as HTML
with one anchor per block. This base class builds, once per ``set_block_html``, the map from
block id to where the block starts, so marks (a note marker, a highlight) can find a block
without walking the document on every paint, and draws the :class:`TextOverlay` providers
added with :meth:`add_overlay` over the text.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import (
    QContextMenuEvent,
    QFocusEvent,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from reader.core.render import BLOCK_ANCHOR_PREFIX
from reader.ui.overlays import LinkFocusOverlay, TextOverlay


class BlockText(QTextBrowser):
    # Reflowed text keeps a comfortable line length (about 75 characters, Bringhurst's 45–75):
    # in a wide window it sits in a centred column. Margins are (least side, top, bottom).
    MEASURE_EM = 46
    MARGINS = (24, 20, 32)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._block_positions: dict[str, int] = {}  # block id → character position, per render
        self._overlays: list[TextOverlay] = [LinkFocusOverlay()]
        # The link focus ring reaches past the selection Qt repaints: repaint it all.
        # (A method of ours, not viewport().update: connecting to that overloaded C++ slot
        # builds PySide6's Python enums of some thirty classes before the first paint.)
        self.selectionChanged.connect(self._repaint_all)
        # Callables (view, menu, viewport pos) that add entries to the context menu (notes).
        self.menu_hooks: list = []

    def _repaint_all(self) -> None:
        self.viewport().update()

    def limit_measure(self) -> None:
        """Centre the text in a column of at most ``MEASURE_EM`` ems (after each typesetting)."""
        em = QFontMetrics(self.document().defaultFont()).horizontalAdvance("M")
        least, top, bottom = self.MARGINS
        side = max(least, (self.viewport().width() - int(em * self.MEASURE_EM)) // 2)
        root = self.document().rootFrame()
        fmt = root.frameFormat()
        if fmt.leftMargin() != side or fmt.topMargin() != top:
            fmt.setLeftMargin(side)
            fmt.setRightMargin(side)
            fmt.setTopMargin(top)
            fmt.setBottomMargin(bottom)
            root.setFrameFormat(fmt)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.limit_measure()

    def set_block_html(self, html: str) -> None:
        """Show ``html`` (blocks with their anchors) and map where each block starts."""
        self.setHtml(html)
        self.limit_measure()
        positions: dict[str, int] = {}
        broken_links: list[tuple[int, int]] = []
        block = self.document().begin()
        while block.isValid():
            for fmt in block.textFormats():
                for name in fmt.format.anchorNames():
                    if name.startswith(BLOCK_ANCHOR_PREFIX):
                        positions.setdefault(name[len(BLOCK_ANCHOR_PREFIX) :], block.position())
                if fmt.format.anchorHref() and not fmt.format.isAnchor():
                    broken_links.append((block.position() + fmt.start, fmt.length))
            block = block.next()
        self._block_positions = positions
        self._mend_links(broken_links)

    def _mend_links(self, ranges: list[tuple[int, int]]) -> None:
        """Qt's HTML reader ends a link after its first letter when a block's named anchor
        comes just before it, so Tab selected (and ringed) only that letter: mark the rest of
        the link as a link again."""
        if not ranges:
            return
        cursor = QTextCursor(self.document())
        mended = QTextCharFormat()
        mended.setAnchor(True)
        for start, length in ranges:
            cursor.setPosition(start)
            cursor.setPosition(start + length, QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(mended)

    def block_position(self, block_id: str) -> int | None:
        """Where a block starts in the typeset text (a character position), or ``None``."""
        return self._block_positions.get(block_id)

    def block_rect(self, block_id: str) -> QRect | None:
        """A block's first line in viewport pixels (``None`` if it is not shown here)."""
        position = self.block_position(block_id)
        if position is None:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        return self.cursorRect(cursor)

    def add_overlay(self, overlay: TextOverlay) -> None:
        """Draw ``overlay`` over the text on every paint (see :mod:`reader.ui.overlays`)."""
        self._overlays.append(overlay)
        self.viewport().update()

    def remove_overlay(self, overlay: TextOverlay) -> None:
        if overlay in self._overlays:
            self._overlays.remove(overlay)
            self.viewport().update()

    def run_menu_hooks(self, menu, event: QContextMenuEvent) -> None:
        for hook in self.menu_hooks:
            hook(self, menu, self.viewport().mapFrom(self, event.pos()))

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu(event.pos())
        self.run_menu_hooks(menu, event)
        menu.exec(event.globalPos())

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.viewport().update()  # the link focus ring shows only while the view has focus

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._overlays:
            painter = QPainter(self.viewport())
            for overlay in self._overlays:
                painter.save()
                overlay.paint(self, painter)
                painter.restore()
            painter.end()
