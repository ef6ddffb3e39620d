"""A PowerPoint deck as reflowed text: each slide's title and text, then its speaker notes.

It implements the DocumentTab protocol (:mod:`reader.ui.document_tab`) as the PDF document view
does, so the window treats both kinds of document alike.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QInputDialog, QWidget

from reader.core.model import Block
from reader.core.render import Theme, anchor_for, boxed, text_html
from reader.ui.block_text import BlockText


class SlidesView(BlockText):
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

    def highlight_terms(self, terms: list[str]) -> None:
        if not terms and self._highlight:
            self._highlight = {}
            self._render()

    def show_paragraph(self, number: str) -> bool:
        self.statusMessage.emit("A slide deck has no numbered paragraphs.")
        return False

    def open_find(self) -> None:
        text, ok = QInputDialog.getText(self, "Find in the slides", "Find:")
        if ok and text and not self.find(text):
            self.statusMessage.emit(f"“{text}” is not in these slides.")

    def open_goto_dialog(self) -> None:
        self.show_paragraph("")

    # The rest of the DocumentTab protocol (reader.ui.document_tab).
    def go_to_page(self, index: int) -> None:
        """Show slide ``index`` (counted from 0)."""
        block = next((b for b in self._blocks if b.kind == "slide" and b.page == index), None)
        if block is not None:
            self.scrollToAnchor(anchor_for(block.id))

    def current_page(self) -> int:
        """The slide at the top of the view."""
        top = self.cursorForPosition(self.viewport().rect().topLeft()).position()
        current = 0
        for block in self._blocks:
            position = self.block_position(block.id)
            if block.kind == "slide" and position is not None and position <= top:
                current = block.page or 0
        return current

    def zoom(self) -> float:
        return 100.0  # slides reflow with the text size instead

    def set_zoom(self, mode_or_percent: str | float) -> None:
        pass

    def blocks(self) -> list[Block]:
        return list(self._blocks)

    def on_first_page(self, callback: Callable[[], None]) -> None:
        callback()  # typeset when built: nothing to wait for

    def close_document(self) -> None:
        pass

    def _render(self) -> None:
        theme = self._theme
        self.document().setDocumentMargin(24)
        self.document().setDefaultStyleSheet(
            f"body {{ color:{theme.text}; }} p, li {{ line-height:140%; }}"
            "h2 { font-size:large; margin-top:22px; margin-bottom:6px; }"
        )
        parts = [f"<h1>{html.escape(self._title)}</h1>"]
        for block in self._blocks:
            anchor = f'<a name="{html.escape(anchor_for(block.id))}"></a>'
            terms = self._highlight.get(block.id, ())
            if block.kind == "slide":
                title, _, rest = block.text.partition("\n")
                number = (block.page or 0) + 1
                parts.append(f"<h2>{anchor}Slide {number}: {html.escape(title)}</h2>")
                lines = [line for line in rest.splitlines() if line.strip()]
                if lines:
                    items = "".join(f"<li>{text_html(line, theme, terms)}</li>" for line in lines)
                    parts.append(f"<ul>{items}</ul>")
            else:  # speaker notes, set apart like the page's worked examples
                note = text_html(block.text, theme, terms).replace("\n", "<br/>")
                parts.append(
                    boxed(
                        f"{anchor}<b>Speaker notes</b><br/>{note}", theme.panel, theme.panel_border
                    )
                )
        self.set_block_html("".join(parts))
