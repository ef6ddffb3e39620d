"""The text layer of a document's pages for the page view: words (for selecting and copying),
links (to follow) and where the search terms sit, read from PyMuPDF on demand and kept for a
few recent pages. Every PyMuPDF call holds :data:`reader.ui.pdf_pages.PDF_LOCK`."""

from __future__ import annotations

from collections import OrderedDict

import pymupdf

from reader.core.pdfdoc import PageLink, Word, find_on_page, page_links, page_words
from reader.ui.pdf_pages import PDF_LOCK

Rect = tuple[float, float, float, float]
Point = tuple[float, float]

WORD_PAGES_KEPT = 16
LINK_PAGES_KEPT = 32


class PageText:
    def __init__(self, doc: pymupdf.Document) -> None:
        self._doc = doc
        self._words: OrderedDict[int, list[Word]] = OrderedDict()
        self._links: OrderedDict[int, list[PageLink]] = OrderedDict()
        self._terms: list[str] = []
        self._term_rects: dict[int, list[Rect]] = {}

    def words(self, page: int) -> list[Word]:
        if page not in self._words:
            with PDF_LOCK:
                self._words[page] = page_words(self._doc, page)
            while len(self._words) > WORD_PAGES_KEPT:
                self._words.popitem(last=False)
        return self._words[page]

    def links(self, page: int) -> list[PageLink]:
        if page not in self._links:
            with PDF_LOCK:
                self._links[page] = page_links(self._doc, page)
            while len(self._links) > LINK_PAGES_KEPT:
                self._links.popitem(last=False)
        return self._links[page]

    def link_at(self, page: int, point: Point) -> PageLink | None:
        x, y = point
        for link in self.links(page):
            x0, y0, x1, y1 = link.rect
            if x0 <= x <= x1 and y0 <= y <= y1:
                return link
        return None

    def word_near(self, page: int, point: Point) -> Word | None:
        """The word under ``point``, or the nearest one (vertical distance counts more)."""
        x, y = point

        def distance(w: Word) -> float:
            dx = max(w.x0 - x, 0.0, x - w.x1)
            dy = max(w.y0 - y, 0.0, y - w.y1)
            return dy * 4 + dx

        return min(self.words(page), key=distance, default=None)

    def text_of(self, page: int, first: int, last: int) -> str:
        """The words ``first``..``last`` of a page, one line of text per line on the page."""
        lines: dict[tuple[int, int], list[str]] = {}
        for word in self.words(page)[first : last + 1]:
            lines.setdefault((word.block, word.line), []).append(word.text)
        return "\n".join(" ".join(words) for words in lines.values())

    def set_terms(self, terms: list[str]) -> None:
        self._terms = [t for t in (" ".join(t.split()) for t in terms) if t]
        self._term_rects.clear()

    def term_rects(self, page: int) -> list[Rect]:
        if page not in self._term_rects:
            rects: list[Rect] = []
            with PDF_LOCK:
                for term in self._terms:
                    rects.extend(find_on_page(self._doc, page, term))
            self._term_rects[page] = rects
        return self._term_rects[page]
