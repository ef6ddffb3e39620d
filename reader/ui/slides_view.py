"""A PowerPoint deck as reflowed text: each slide's title and text, then its speaker notes.

It offers the same calls as the PDF document view (show a block, find, text size, colours),
so the window treats both kinds of document alike.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QInputDialog, QTextBrowser, QWidget

from reader.core.content import Block
from reader.core.render import Theme, anchor_for, blocks_html


class SlidesView(QTextBrowser):
    statusMessage = Signal(str)
    externalLinkRequested = Signal(str)

    def __init__(
        self,
        title: str,
        blocks: list[Block],
        theme: Theme,
        text_size: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("slides")
        self.setAccessibleName(f"{title}: slides and speaker notes")
        self._title = title
        self._blocks = blocks
        self._theme = theme
        self._highlight: dict[str, list[str]] = {}
        self.set_text_size(text_size)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        self._render()

    def set_text_size(self, points: int) -> None:
        font = self.document().defaultFont()
        font.setPointSize(points)
        self.document().setDefaultFont(font)
        self._render()

    def show_block(self, block_id: str, terms: list[str] | None = None) -> bool:
        if not any(b.id == block_id for b in self._blocks):
            return False
        self._highlight = {block_id: list(terms or [])}
        self._render()
        self.scrollToAnchor(anchor_for(block_id))
        return True

    def show_paragraph(self, number: str) -> bool:
        self.statusMessage.emit("A slide deck has no numbered paragraphs.")
        return False

    def open_find(self) -> None:
        text, ok = QInputDialog.getText(self, "Find in the slides", "Find:")
        if ok and text and not self.find(text):
            self.statusMessage.emit(f"“{text}” is not in these slides.")

    def open_goto_dialog(self) -> None:
        self.show_paragraph("")

    def _render(self) -> None:
        body = blocks_html(self._blocks, self._theme, highlight=self._highlight)
        self.setHtml(f"<h1>{html.escape(self._title)}</h1>{body}")
