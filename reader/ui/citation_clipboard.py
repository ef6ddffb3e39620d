"""Edit ▸ Copy with citation: the words a reader selected, with where they come from.

A clinician pasting a sentence of the guidance into a reflection or a policy needs its source
with it. The clipboard gets both plain text (for a text box or an e-mail) and HTML (for a word
processor, where the title is set in italics); every piece of text is escaped in the HTML, so
a passage containing ``<`` pastes as that character.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTextBrowser

from reader.core.content import Block, ContentPack
from reader.core.printing import citation_for


def citation_mime(block: Block, text: str | None, pack: ContentPack) -> QMimeData:
    """The clipboard contents for ``text`` (or the whole block when None) and its citation."""
    words = " ".join((text if text and text.strip() else block.text).split())
    plain_cite, html_cite = citation_for(block, pack)
    data = QMimeData()
    data.setText(f"“{words}” {plain_cite}")
    data.setHtml(f"<p>“{html.escape(words, quote=False)}” {html_cite}</p>")
    return data


def copy_with_citation(block: Block, text: str | None, pack: ContentPack) -> None:
    """Put ``text`` (the selection, or the whole block when None) and its citation on the
    clipboard, as plain text and as HTML."""
    QGuiApplication.clipboard().setMimeData(citation_mime(block, text, pack))


def block_under_selection(view: QTextBrowser, blocks: Iterable[Block]) -> Block | None:
    """The block the selection of ``view`` starts in, found through the view's block map
    (``view.block_position``): the last block that starts at or before the selection."""
    start = view.textCursor().selectionStart()
    best: tuple[int, Block] | None = None
    for block in blocks:
        position = view.block_position(block.id)
        if position is not None and position <= start and (best is None or position >= best[0]):
            best = (position, block)
    return best[1] if best else None


def copy_selection_with_citation(view: QTextBrowser, blocks: Iterable[Block], pack) -> bool:
    """Copy the selection of a block view with its block's citation; False if nothing is
    selected or the selection is not in a block."""
    cursor = view.textCursor()
    if not cursor.hasSelection():
        return False
    block = block_under_selection(view, blocks)
    if block is None:
        return False
    # Qt marks paragraph breaks in a selection with U+2029; readers expect spaces.
    copy_with_citation(block, cursor.selectedText().replace("\u2029", " "), pack)
    return True


def copy_current_with_citation(notes, page_view: QTextBrowser | None, pack) -> bool:
    """The words selected in the current tab, with their paragraph's citation: found by the
    notes controller's ``current_selection()`` (a PDF page, its paragraphs pane, a slide or a
    guidance page: the block a note would attach to), else in ``page_view``, a guidance page.
    False when nothing is selected."""
    found = notes.current_selection() if notes is not None else None
    if found is not None:
        block, quote, _boxes = found
        copy_with_citation(block, quote, pack)
        return True
    return page_view is not None and copy_selection_with_citation(
        page_view, page_view.tab.blocks, pack
    )
