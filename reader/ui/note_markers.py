"""Notes where they belong: margin markers beside noted blocks and highlight rectangles.

Two overlay providers (see :mod:`reader.ui.overlays`), both handed a lookup that says which
notes sit on a block (the notes controller keeps it current):

- :class:`PageNoteMarkers` (``paint_page``) for a PDF's pages: a marker in the page's left
  margin beside each noted block, and the highlighted words' boxes filled in the note's colour.
- :class:`TextNoteMarkers` (``paint``) for the reading view, the paragraphs pane and slides: a
  marker in the left margin beside each noted block and the quoted words highlighted.

Each provider remembers where it drew its markers in the last paint, so :meth:`markers_at`
answers "which notes are under the mouse" for the tooltip and the click without any search.
Everything a paint needs is precomputed per page or per block, so a noted 44-page PDF
scrolls as fast as a bare one (tests/bench/bench_notes_panel.py).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QTextCursor

from reader.core.model import Block
from reader.core.notes import Note

# Soft fills that keep black text readable, and stronger tones for the margin marker.
FILLS = {
    "yellow": QColor(255, 221, 0, 95),
    "green": QColor(70, 200, 90, 85),
    "blue": QColor(70, 150, 255, 80),
    "pink": QColor(255, 90, 170, 80),
    "purple": QColor(160, 100, 230, 80),
}
MARKS = {
    "yellow": QColor("#e0a800"),
    "green": QColor("#2f9e44"),
    "blue": QColor("#1c7ed6"),
    "pink": QColor("#d6336c"),
    "purple": QColor("#7048e8"),
}
MARKER_W = 9  # pixels: big enough to hit with a mouse, small enough not to crowd the margin
MARKER_H = 16

NotesOf = Callable[[str], Sequence[Note]]  # block id -> the notes placed on it


def fill_of(colour: str) -> QColor:
    return FILLS.get(colour, FILLS["yellow"])


def mark_of(colour: str) -> QColor:
    return MARKS.get(colour, MARKS["yellow"])


def is_highlight(note: Note) -> bool:
    """Whether the note's words are filled in its colour: a note on some words (text before or
    after them in the block), or a highlight without text. A note with text on a whole block
    shows as its margin marker only."""
    a = note.anchor
    return not note.text.strip() or a.start > 0 or bool(a.suffix)


def tooltip_for(notes: Sequence[Note]) -> str:
    """The notes' text for a tooltip, escaped so ``<b>`` shows as typed, not as bold."""
    parts = []
    for note in notes[:4]:
        text = note.text.strip() or f"Highlight: “{note.quote[:120]}”"
        body = html.escape(text[:400]).replace("\n", "<br>")
        parts.append(f"<p style='white-space:pre-wrap'>{body}</p>")
    if len(notes) > 4:
        parts.append(f"<p>… and {len(notes) - 4} more</p>")
    return "".join(parts) + "<p><i>Click to open</i></p>"


def _paint_marker(painter: QPainter, rect: QRectF, notes: Sequence[Note]) -> None:
    colour = mark_of(notes[0].colour)
    painter.fillRect(rect, colour.darker(125))
    painter.fillRect(rect.adjusted(1, 1, -1, -1), colour)
    if len(notes) > 1:  # a white stripe says "more than one note here"
        mid = rect.center().x()
        painter.fillRect(QRectF(mid - 0.5, rect.top() + 4, 1.2, rect.height() - 8), QColor("white"))


def _line_rects(boxes) -> list[QRectF]:
    """Word boxes joined into one band per line, so a highlight has no gaps between words."""
    lines: list[list[float]] = []
    for x0, y0, x1, y1 in boxes:
        last = lines[-1] if lines else None
        if last is not None and abs(last[1] - y0) < 2 and abs(last[3] - y1) < 2 and x0 >= last[0]:
            last[2] = max(last[2], x1)
        else:
            lines.append([x0, y0, x1, y1])
    return [QRectF(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1 in lines]


class _Markers:
    def __init__(self, notes_of: NotesOf) -> None:
        self.notes_of = notes_of
        self._drawn: dict[int, list[tuple[QRectF, list[Note]]]] = {}  # id(view) -> markers

    def markers_at(self, view: Any, pos: QPointF) -> list[Note]:
        """The notes whose marker (drawn in the last paint) is under ``pos`` (viewport)."""
        for rect, notes in self._drawn.get(id(view), []):
            if rect.adjusted(-3, -3, 3, 3).contains(pos):
                return notes
        return []

    def drawn(self, view: Any) -> list[tuple[QRectF, list[Note]]]:
        """Where markers were drawn in ``view``'s last paint (tests and the bench ask)."""
        return list(self._drawn.get(id(view), []))


class PageNoteMarkers(_Markers):
    """Markers and highlights on a PDF's pages; ``blocks`` are that document's blocks."""

    def __init__(self, notes_of: NotesOf, blocks: Sequence[Block]) -> None:
        super().__init__(notes_of)
        self._blocks = [b for b in blocks if b.page is not None and b.bbox is not None]
        self._pages: dict[int, tuple[list[tuple[tuple, list[Note]]], dict[str, list[QRectF]]]] = {}
        self._page_drawn: dict[int, dict[int, list[tuple[QRectF, list[Note]]]]] = {}
        self.refresh()

    def refresh(self) -> None:
        """Recompute, per page, where each noted block's marker and highlights go: the
        highlight boxes grouped by colour as ready-made rectangles in points, so a paint is
        one ``drawRects`` per colour under the page's transform."""
        pages: dict[int, tuple[list[tuple[tuple, list[Note]]], dict[str, list[QRectF]]]] = {}
        for block in self._blocks:
            notes = list(self.notes_of(block.id))
            if not notes:
                continue
            markers, fills = pages.setdefault(block.page, ([], {}))
            markers.append((tuple(block.bbox), notes))
            for n in notes:
                if is_highlight(n) and n.anchor.page == block.page:
                    fills.setdefault(n.colour, []).extend(_line_rects(n.anchor.boxes))
        self._pages = pages

    def noted_pages(self) -> list[int]:
        return sorted(self._pages)

    def paint_page(self, view: Any, painter: QPainter, page: int) -> None:
        entry = self._pages.get(page)
        per_page = self._page_drawn.setdefault(id(view), {})
        if not entry:
            per_page.pop(page, None)
            return
        markers, fills = entry
        # Points to pixels for this page, taken from the view's own mapping of a unit square.
        unit = view.to_view(page, (0.0, 0.0, 1.0, 1.0))
        painter.save()
        painter.translate(unit.topLeft())
        painter.scale(unit.width(), unit.height())
        painter.setPen(Qt.PenStyle.NoPen)
        for colour, rects in fills.items():
            painter.setBrush(fill_of(colour))
            painter.drawRects(rects)
        painter.restore()
        drawn: list[tuple[QRectF, list[Note]]] = []
        left = unit.left() + 6
        for bbox, notes in markers:
            rect = QRectF(left, unit.top() + bbox[1] * unit.height(), MARKER_W, MARKER_H)
            _paint_marker(painter, rect, notes)
            drawn.append((rect, notes))
        per_page[page] = drawn

    def markers_at(self, view: Any, pos: QPointF) -> list[Note]:
        # Only the pages on screen now: a page scrolled away keeps its old rectangles.
        per_page = self._page_drawn.get(id(view), {})
        for page in view.visible_pages():
            for rect, notes in per_page.get(page, []):
                if rect.adjusted(-3, -3, 3, 3).contains(pos):
                    return notes
        return []

    def drawn(self, view: Any) -> list[tuple[QRectF, list[Note]]]:
        per_page = self._page_drawn.get(id(view), {})
        return [d for page in view.visible_pages() for d in per_page.get(page, [])]


class TextNoteMarkers(_Markers):
    """Markers and highlights in a text view made of blocks (reading view, paragraphs, slides)."""

    def __init__(self, notes_of: NotesOf, block_ids: Callable[[Any], Sequence[str]]) -> None:
        super().__init__(notes_of)
        self._block_ids = block_ids  # view -> the ids of the blocks it shows

    def paint(self, view: Any, painter: QPainter) -> None:
        drawn: list[tuple[QRectF, list[Note]]] = []
        self._drawn[id(view)] = drawn
        height = view.viewport().height()
        margin = view.document().rootFrame().frameFormat().leftMargin()
        margin = max(margin, view.document().documentMargin())
        x = max(2.0, margin - MARKER_W - 8)
        for block_id in self._block_ids(view):
            notes = list(self.notes_of(block_id))
            if not notes:
                continue
            first = view.block_rect(block_id)
            if first is None or first.top() > height or first.bottom() < -2000:
                continue
            for note in notes:
                self._paint_highlight(view, painter, block_id, note)
            rect = QRectF(x, first.top() + 1, MARKER_W, max(MARKER_H, first.height() - 2))
            _paint_marker(painter, rect, notes)
            drawn.append((rect, notes))

    def _paint_highlight(self, view: Any, painter: QPainter, block_id: str, note: Note) -> None:
        quote = note.placed_quote or note.quote
        if not quote or not is_highlight(note):
            return
        start = view.block_position(block_id)
        document = view.document()
        found = document.find(" ".join(quote.split()[:8]), start)
        if found.isNull():
            return
        # From the quote's first words to its length: the rendered text may differ in spaces.
        begin = found.selectionStart()
        end = min(begin + len(quote), document.characterCount() - 1)
        self._fill_range(view, painter, begin, end, fill_of(note.colour))

    @staticmethod
    def _fill_range(view: Any, painter: QPainter, begin: int, end: int, colour: QColor) -> None:
        offset = QPointF(-view.horizontalScrollBar().value(), -view.verticalScrollBar().value())
        document = view.document()
        block = document.findBlock(begin)
        while block.isValid() and block.position() <= end:
            layout = block.layout()
            origin = layout.position() + offset
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                a = block.position() + line.textStart()
                b = a + line.textLength()
                lo, hi = max(a, begin), min(b, end)
                if lo >= hi:
                    continue
                x0, _ = line.cursorToX(lo - block.position())
                x1, _ = line.cursorToX(hi - block.position())
                rect = QRectF(x0, line.y(), x1 - x0, line.height()).translated(origin)
                painter.fillRect(rect, colour)
            block = block.next()


def text_cursor_block(view: Any, position: int) -> str | None:
    """The block a character position belongs to, from the view's block id -> position map."""
    best, best_pos = None, -1
    for block_id, pos in getattr(view, "_block_positions", {}).items():
        if best_pos < pos <= position:
            best, best_pos = block_id, pos
    return best


def selection_in_text(view: Any) -> tuple[str, str, int] | None:
    """(block id, selected words, offset of the selection from the block's start), or None."""
    cursor: QTextCursor = view.textCursor()
    if not cursor.hasSelection():
        return None
    block_id = text_cursor_block(view, cursor.selectionStart())
    if block_id is None:
        return None
    text = cursor.selectedText().replace("\u2029", " ").replace("\u2028", " ")
    return block_id, " ".join(text.split()), cursor.selectionStart()


__all__ = [
    "FILLS",
    "MARKS",
    "PageNoteMarkers",
    "TextNoteMarkers",
    "fill_of",
    "is_highlight",
    "mark_of",
    "selection_in_text",
    "text_cursor_block",
    "tooltip_for",
]
