"""Marks drawn over the text: pluggable overlay providers for the PDF pages and the reading view.

A view keeps a list of providers and asks each, on every paint, to draw its marks; a new kind of
mark (a note marker, say) is one more provider, never another branch in a ``paintEvent``.

PDF pages (:class:`~reader.ui.pdf_view.PdfView`): a :class:`PageOverlay` has
``paint_page(view, painter, page)``, called once per visible page after the page image is drawn.
It maps rectangles in PDF points to viewport pixels with ``view.to_view(page, rect)``; the
view's state it may read: ``view.hits()``, ``view.current_hit()``, ``view.term_rects(page)``,
``view.marked()``, ``view.selection()``, ``view.words(page)``. Add one with
``view.add_overlay(provider)`` (drawn after, so above, the built-in ones), remove it with
``view.remove_overlay(provider)``; call ``view.viewport().update()`` when its marks change.

Reading view (:class:`~reader.ui.reading_view.ReadingView`) and the reflowed paragraphs pane: a
:class:`TextOverlay` has ``paint(view, painter)``, called after the text is drawn. It finds a
block with ``view.block_rect(block_id)`` (viewport pixels; from the block id → position map the
view builds once per render). Add one with ``view.add_overlay(provider)``. Every text view has
a :class:`LinkFocusOverlay`, the focus ring around the link the keyboard is on.
"""

from __future__ import annotations

from typing import Any, Protocol

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTextCursor

HIT = QColor(255, 214, 0, 90)
CURRENT_HIT = QColor(255, 120, 0, 130)
TERM = QColor(255, 226, 80, 110)
SELECTION = QColor(40, 110, 230, 80)
MARK = QColor("#d0421b")


class PageOverlay(Protocol):
    """Draws marks on one PDF page; ``view`` is the PdfView (see the module docstring)."""

    def paint_page(self, view: Any, painter: QPainter, page: int) -> None: ...


class TextOverlay(Protocol):
    """Draws marks over a text view after its text; ``view`` offers ``block_rect(block_id)``."""

    def paint(self, view: Any, painter: QPainter) -> None: ...


class SearchTermsOverlay:
    """The app-wide search's words, wherever they occur on the page."""

    def paint_page(self, view: Any, painter: QPainter, page: int) -> None:
        for rect in view.term_rects(page):
            painter.fillRect(view.to_view(page, rect), TERM)


class FindHitsOverlay:
    """Find-in-document hits, the current one stronger."""

    def paint_page(self, view: Any, painter: QPainter, page: int) -> None:
        current = view.current_hit()
        for n, (hit_page, rect) in enumerate(view.hits()):
            if hit_page == page:
                painter.fillRect(view.to_view(page, rect), CURRENT_HIT if n == current else HIT)


class SelectionOverlay:
    """The words selected with the mouse."""

    def paint_page(self, view: Any, painter: QPainter, page: int) -> None:
        selection = view.selection()
        if selection is not None and selection[0] == page:
            _, first, last = selection
            for word in view.words(page)[first : last + 1]:
                painter.fillRect(view.to_view(page, word[:4]), SELECTION)


class ParagraphOutlineOverlay:
    """The outline around the paragraph the reader jumped to."""

    def paint_page(self, view: Any, painter: QPainter, page: int) -> None:
        marked = view.marked()
        if marked is not None and marked[0] == page:
            painter.setPen(QPen(MARK, 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(view.to_view(page, marked[1]).adjusted(-5, -4, 5, 4))


def default_page_overlays() -> list[PageOverlay]:
    """The PDF view's own marks, bottom to top."""
    return [SearchTermsOverlay(), FindHitsOverlay(), SelectionOverlay(), ParagraphOutlineOverlay()]


class LinkFocusOverlay:
    """A ring around the whole link that Tab / Shift+Tab selected in a text view (WCAG 2.2 "focus
    visible"): Qt's own mark is a dotted box that is hard to see. A link that wraps gets a ring
    on each of its lines."""

    PAD_X, PAD_Y = 3, 1

    def paint(self, view: Any, painter: QPainter) -> None:
        from reader.ui.theme import RING_WIDTH, focus_ring_color

        rects = focused_link_rects(view)
        if not rects:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(focus_ring_color(view.palette()), RING_WIDTH))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect in rects:
            box = QRectF(rect).adjusted(-self.PAD_X, -self.PAD_Y, self.PAD_X, self.PAD_Y)
            painter.drawRoundedRect(box, 3, 3)


def _href_at(document: Any, position: int) -> str:
    """The link target of the character at ``position`` ("" if none)."""
    if position < 0:
        return ""
    fragments = document.findBlock(position).begin()
    while not fragments.atEnd():
        fragment = fragments.fragment()
        if fragment.contains(position):
            return fragment.charFormat().anchorHref()
        fragments += 1
    return ""


def focused_link_rects(view: Any) -> list[QRect]:
    """Where the link the keyboard is on lies, one rectangle per line in viewport pixels; empty
    when the view has no focus or its selection is not exactly one link (a mouse selection)."""
    if not view.hasFocus():
        return []
    cursor = view.textCursor()
    start, end = cursor.selectionStart(), cursor.selectionEnd()
    if start == end:
        return []
    document = view.document()
    href = _href_at(document, start)
    if (
        not href
        or _href_at(document, end - 1) != href
        or _href_at(document, start - 1) == href
        or _href_at(document, end) == href
    ):
        return []
    lines: dict[int, QRect] = {}  # line top → the link's part on that line
    probe = QTextCursor(document)
    for position in range(start, end + 1):
        probe.setPosition(position)
        at = view.cursorRect(probe)
        line = lines.get(at.top())
        lines[at.top()] = at if line is None else line.united(at)
    return [rect for _, rect in sorted(lines.items()) if rect.width() > 1]
