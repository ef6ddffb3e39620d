"""The reading view: one tab of the guidance page, typeset from its blocks."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QUrl, Signal, Slot
from PySide6.QtGui import (
    QFont,
    QPaintEvent,
    QShowEvent,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QTextBrowser, QWidget

from reader.core.model import ContentPack, Tab
from reader.core.render import (
    BLOCK_ANCHOR_PREFIX,
    SlotState,
    Theme,
    anchor_for,
    blocks_html,
    references_html,
)
from reader.ui.block_text import BlockText

# Body text width in characters: long lines tire the eye on wide hospital monitors.


def block_id_at(browser: QTextBrowser, pos: QPoint) -> str | None:
    """The block under ``pos`` (viewport pixels): the nearest block anchor at or before it."""
    block = browser.cursorForPosition(pos).block()
    while block.isValid():
        for fmt in block.textFormats():
            for name in fmt.format.anchorNames():
                if name.startswith(BLOCK_ANCHOR_PREFIX):
                    return name[len(BLOCK_ANCHOR_PREFIX) :]
        block = block.previous()
    return None


class ReadingView(BlockText):
    """Shows one tab. Links are not followed here: they are handed to the window as requests."""

    linkRequested = Signal(str)  # a target such as "ref:nice", "slot:guidance-pdf", "para:85"
    linkHovered = Signal(str)
    firstPainted = Signal()

    def __init__(
        self,
        pack: ContentPack,
        tab: Tab,
        slot_state: Callable[[str], SlotState],
        theme: Theme,
        text_size: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.pack = pack
        self.tab = tab
        self._slot_state = slot_state
        self._theme = theme
        self._text_size = text_size
        self._highlight: dict[str, list[str]] = {}
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setObjectName(f"reading-{tab.id}")
        self.setAccessibleName(f"{tab.title} text")
        self.setAccessibleDescription(f"The {tab.title} part of the guidance page")
        self.anchorClicked.connect(self._on_anchor_clicked)
        self.highlighted.connect(self._on_highlighted)
        # Typeset on first show: at start-up only the visible tab costs anything.
        self._stale = True
        self._painted = False

    # -- public API ------------------------------------------------------------------------
    def set_text_size(self, points: int) -> None:
        if points != self._text_size:
            self._text_size = points
            self.render_tab(keep_position=True)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self.render_tab(keep_position=True)

    def refresh_slots(self) -> None:
        self.render_tab(keep_position=True)

    def scroll_to_block(self, block_id: str, terms: list[str] | None = None) -> None:
        """Bring a block to the top of the view, marking ``terms`` in it if given."""
        self._highlight = {block_id: list(terms)} if terms else {}
        self.render_tab(force=True)
        self.scrollToAnchor(anchor_for(block_id))
        # Leave a line or two of what comes before, so the block is seen in its place.
        bar = self.verticalScrollBar()
        if bar.value() < bar.maximum():
            bar.setValue(max(0, bar.value() - 3 * self.fontMetrics().lineSpacing()))

    def clear_highlights(self) -> None:
        """Drop the words a search marked (a new search, or Esc in the search box)."""
        if self._highlight:
            self._highlight = {}
            self.render_tab(keep_position=True)

    def find_text(self, text: str, backward: bool = False) -> bool:
        if self._stale:
            self.render_tab(force=True)
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if self.find(text, flags):
            return True
        # Wrap around once, as readers expect.
        cursor = self.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
        )
        self.setTextCursor(cursor)
        return self.find(text, flags)

    def block_position(self, block_id: str) -> int | None:
        if self._stale:
            self.render_tab(force=True)
        return super().block_position(block_id)

    def block_y(self, block_id: str) -> int | None:
        """Where a block starts, in viewport pixels (None if it is not in this tab)."""
        rect = self.block_rect(block_id)
        return None if rect is None else rect.top()

    def top_block_id(self) -> str | None:
        """The block nearest the top of the viewport, to remember where the reader is."""
        return block_id_at(self, self.viewport().rect().topLeft())

    # -- rendering -------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            self.firstPainted.emit()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.render_tab(force=True)
        super().showEvent(event)

    def render_tab(self, keep_position: bool = False, force: bool = False) -> None:
        """Typeset the tab now if it is on screen (or ``force``), else on its next show."""
        if not (force or self.isVisible()):
            self._stale = True
            return
        self._stale = False
        position = self.verticalScrollBar().value() if keep_position else 0
        theme = self._theme
        document = self.document()
        font = QFont(self.font())
        font.setPointSize(self._text_size)
        document.setDefaultFont(font)
        document.setDefaultStyleSheet(
            f"body {{ color:{theme.text}; }}"
            f"h1 {{ font-size:x-large; margin-bottom:12px; }}"
            f"h2 {{ font-size:large; margin-top:22px; margin-bottom:8px; }}"
            f"h3 {{ font-size:medium; margin-top:16px; margin-bottom:6px; }}"
            f"p, li {{ line-height:140%; }}"
            f"p {{ margin-bottom:10px; }}"
        )
        body = blocks_html(
            self.tab.blocks, theme, slot_state=self._slot_state, highlight=self._highlight
        )
        extra = self._navigation_html() + references_html(self.pack, self.tab.blocks, theme)
        self.set_block_html(f"<html><body>{body}{extra}</body></html>")
        self.verticalScrollBar().setValue(position)

    def _navigation_html(self) -> str:
        if self.tab.id != self.pack.tabs[0].id:
            return ""
        links = " · ".join(
            f'<a href="tab:{t.id}" style="color:{self._theme.link}">{t.title}</a>'
            for t in self.pack.tabs[1:]
        )
        return f'<p style="color:{self._theme.muted}">Explore: {links}</p>'

    # -- slots -----------------------------------------------------------------------------
    @Slot(QUrl)
    def _on_anchor_clicked(self, url: QUrl) -> None:
        self.linkRequested.emit(url.toString())

    @Slot(QUrl)
    def _on_highlighted(self, url: QUrl) -> None:
        self.linkHovered.emit(url.toString())
