"""What every document tab offers the window: the DocumentTab protocol, and the failed view.

:class:`~reader.ui.document_view.DocumentView` (a PDF), :class:`~reader.ui.slides_view.SlidesView`
(a deck) and :class:`FailedView` (a document that will not open) implement it, so the window and
the documents controller ask the protocol, never the class.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from reader.core.model import Block
from reader.core.render import Theme


class DocumentTab(Protocol):
    """A document shown in a tab. Also a QWidget with the signals ``statusMessage(str)`` and
    ``externalLinkRequested(str)``."""

    def go_to_page(self, index: int) -> None:
        """Open at a place: page ``index`` of a PDF, slide ``index`` of a deck."""

    def current_page(self) -> int:
        """The place shown now (the page or slide index), to open there next time."""

    def show_block(self, block_id: str, terms: list[str] | None = None) -> bool:
        """Show one block (marking ``terms``); false if it is not in this document."""

    def highlight_terms(self, terms: list[str]) -> None:
        """Mark ``terms`` where they are shown; an empty list clears the marks of a search."""

    def show_paragraph(self, number: str) -> bool:
        """Show a numbered paragraph ("85", "85(b)"); false (with a status message) if none."""

    def open_find(self) -> None:
        """Open this document's own find."""

    def open_goto_dialog(self) -> Any:
        """Ask for a paragraph number to go to."""

    def set_text_size(self, points: int) -> None: ...

    def set_theme(self, theme: Theme) -> None: ...

    def zoom(self) -> float:
        """The zoom in percent (100 for a view that does not zoom)."""

    def set_zoom(self, mode_or_percent: str | float) -> None: ...

    def blocks(self) -> list[Block]:
        """The blocks this tab shows, in reading order."""

    def add_overlay(self, overlay: Any) -> None:
        """Draw marks over blocks: an overlay with ``paint_page`` is drawn on PDF pages, one with
        ``paint`` over reflowed text (see :mod:`reader.ui.overlays`); a note-marker provider
        implements both."""

    def on_first_page(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once, when the first page is on screen (at once if it already is)."""

    def close_document(self) -> None:
        """Let go of the file; called before the tab goes away."""


def error_label(message: str) -> QLabel:
    """Why a document cannot be shown, in one plain sentence the reader can select and copy."""
    label = QLabel(message)
    label.setObjectName("document-error")
    label.setAccessibleName("Document error")
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMargin(24)
    return label


class FailedView(QWidget):
    """A document that will not open: its one plain sentence, and nothing else to do."""

    statusMessage = Signal(str)
    externalLinkRequested = Signal(str)

    def __init__(self, title: str, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.error = message
        self.setObjectName("document-failed")
        self.setAccessibleName(title)
        label = error_label(message)
        layout = QVBoxLayout(self)
        layout.addWidget(label, 1)
        self.error_label = label

    def go_to_page(self, index: int) -> None:
        pass

    def current_page(self) -> int:
        return 0

    def show_block(self, block_id: str, terms: list[str] | None = None) -> bool:
        self.statusMessage.emit(self.error)
        return False

    def highlight_terms(self, terms: list[str]) -> None:
        pass

    def show_paragraph(self, number: str) -> bool:
        self.statusMessage.emit(self.error)
        return False

    def open_find(self) -> None:
        self.statusMessage.emit(self.error)

    def open_goto_dialog(self) -> None:
        self.statusMessage.emit(self.error)

    def set_text_size(self, points: int) -> None:
        pass

    def set_theme(self, theme: Theme) -> None:
        pass

    def zoom(self) -> float:
        return 100.0

    def set_zoom(self, mode_or_percent: str | float) -> None:
        pass

    def blocks(self) -> list[Block]:
        return []

    def add_overlay(self, overlay: Any) -> None:
        pass

    def on_first_page(self, callback: Callable[[], None]) -> None:
        callback()

    def close_document(self) -> None:
        pass
