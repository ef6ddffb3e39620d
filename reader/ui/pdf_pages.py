"""Page pixels for the PDF view: a worker that draws and searches off the GUI thread, and a cache.

PyMuPDF documents are not thread-safe (and MuPDF shares one context between them), so the worker
opens its own copies of the file (one for drawing, one for searching) and every PyMuPDF call in
the UI, on any thread, holds :data:`PDF_LOCK`. A search takes the lock one page at a time, so a
long search never holds up the pages for long. Requests the view no longer wants (the reader
scrolled past) are dropped when their turn comes instead of being drawn. Results arrive on the
GUI thread through :func:`reader.ui.jobs.start_job`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

import pymupdf
from PySide6.QtCore import QObject, QThreadPool, Signal, Slot
from PySide6.QtGui import QImage

from reader.core.errors import DocumentError
from reader.core.pdfdoc import MAX_HITS, RenderedPage, TextHit, find_text, open_pdf, render_page
from reader.ui.jobs import start_job

# Page pixels kept, in bytes: the pages in view and one either side always stay; beyond them,
# the most recently drawn up to CACHE_SCREENS screens of pixels (set by the view from its size,
# see PageCache.set_budget), never past CACHE_BYTES. A 500-page scroll kept 12 pages (11 MB in
# a small window, 40+ MB on a large screen) where the pages near the view are what is seen
# again; a page further back is drawn anew in a few milliseconds when scrolled back to (#12).
CACHE_SCREENS = 4
CACHE_BYTES = 64 * 1024 * 1024
# MuPDF keeps every page it has loaded parsed inside the document (about 7 KB a page for a plain
# text page, 3-4 MB over a 500-page scroll). Each lane opens its copy afresh after so many uses
# (4 ms); shrinking MuPDF's store instead measured worse (fonts reloaded, +2 MB).
REOPEN_EVERY = 64

PDF_LOCK = threading.RLock()


def to_qimage(page: RenderedPage, device_ratio: float = 1.0) -> QImage:
    """A QImage on the page's own pixels, not a copy: the buffer it is built on keeps them
    alive until the last copy of the image is gone, so the RenderedPage can be freed.

    A copy held a second page of pixels while it was made (2.7 MB for an A4 page 800 pixels
    wide) and left that much free inside the drawing thread's heap afterwards (issue 12)."""
    fmt = (
        QImage.Format.Format_RGB888
        if page.format == "RGB888"
        else QImage.Format.Format_RGBA8888_Premultiplied
    )
    image = QImage(page.pixels(), page.width, page.height, page.stride, fmt)
    image.setDevicePixelRatio(device_ratio)
    return image


class PageImage(NamedTuple):
    """A drawn page: ``key`` is the device pixels per point it was asked for."""

    page: int
    key: float
    image: QImage | None  # None when the page could not be drawn
    error: str = ""


class PageCache:
    """Least-recently-used page images, bounded by bytes; pages asked to be kept always stay."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[int, PageImage] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, page: int) -> bool:
        return page in self._items

    @property
    def nbytes(self) -> int:
        return self._bytes

    def pages(self) -> list[int]:
        """The pages held, least recently used first."""
        return list(self._items)

    def get(self, page: int) -> PageImage | None:
        item = self._items.get(page)
        if item is not None:
            self._items.move_to_end(page)
        return item

    def put(self, item: PageImage, keep: Iterable[int] = ()) -> int:
        """Store ``item``, evicting the least recently used pages not in ``keep``; returns how
        many pages were evicted."""
        self._drop(item.page)
        self._items[item.page] = item
        self._bytes += _size(item)
        return self._evict(set(keep) | {item.page})

    def set_budget(self, max_bytes: int, keep: Iterable[int] = ()) -> None:
        """Bound the pixels to ``max_bytes`` (at most CACHE_BYTES), evicting at once."""
        self.max_bytes = max(0, min(int(max_bytes), CACHE_BYTES))
        self._evict(set(keep))

    def drop_stale(self, key: float, keep: Iterable[int] = ()) -> None:
        """Let go of pages drawn at another zoom than ``key``, except those in ``keep``.

        Off-screen, an old zoom's pixels are never shown again (the page is drawn anew at the
        new zoom before it comes into view); in view they stand in until it is."""
        keep = set(keep)
        for page in [p for p, item in self._items.items() if item.key != key and p not in keep]:
            self._drop(page)

    def stale_pages(self, key: float) -> set[int]:
        """The pages held at another zoom than ``key`` (standing in until drawn anew)."""
        return {page for page, item in self._items.items() if item.key != key}

    def clear(self) -> None:
        self._items.clear()
        self._bytes = 0

    def _evict(self, keep: set[int]) -> int:
        evicted = 0
        for page in list(self._items):
            if self._bytes <= self.max_bytes:
                break
            if page not in keep:
                self._drop(page)
                evicted += 1
        return evicted

    def _drop(self, page: int) -> None:
        old = self._items.pop(page, None)
        if old is not None:
            self._bytes -= _size(old)


def _size(item: PageImage) -> int:
    return item.image.sizeInBytes() if item.image is not None else 0


class _Lane:
    """One private copy of the document, used by one pooled thread at a time."""

    def __init__(self, path: Path, parent: QObject, password: str | None = None) -> None:
        self.path = path
        self.password = password  # in memory only, for a protected file the user unlocked
        self.pool = QThreadPool(parent)
        self.pool.setMaxThreadCount(1)
        self.doc: pymupdf.Document | None = None
        self.calls = 0

    def run(self, fn: Callable[[pymupdf.Document], Any]) -> Any:
        with PDF_LOCK:
            if self.doc is None:
                self.doc = open_pdf(self.path, self.password)
            elif self.calls and self.calls % REOPEN_EVERY == 0:
                # Let MuPDF drop the pages parsed so far; see REOPEN_EVERY.
                self.doc.close()
                self.doc = None
                self.doc = open_pdf(self.path, self.password)
            self.calls += 1
            return fn(self.doc)

    def close(self) -> None:
        self.pool.clear()
        self.pool.waitForDone()
        with PDF_LOCK:
            if self.doc is not None:
                self.doc.close()
                self.doc = None


class PageWorker(QObject):
    """Draws pages and thumbnails and runs searches, each off the GUI thread."""

    pageRendered = Signal(object)  # PageImage
    thumbnailRendered = Signal(object)  # PageImage
    searchFinished = Signal(int, object)  # generation, list[TextHit]

    def __init__(
        self, path: Path, parent: QObject | None = None, password: str | None = None
    ) -> None:
        super().__init__(parent)
        self._draw = _Lane(Path(path), self, password)
        self._find = _Lane(Path(path), self, password)
        self._wanted: set[tuple[str, int, float]] = set()
        self._pending: set[tuple[str, int, float]] = set()
        self._closed = False
        self._generation = 0

    # -- requests --------------------------------------------------------------------------
    def want_pages(self, wanted: Iterable[tuple[int, float]]) -> None:
        """Replace the pages still worth drawing; queued requests for others are dropped."""
        self._wanted = {w for w in self._wanted if w[0] == "thumb"} | {
            ("page", p, k) for p, k in wanted
        }

    def request_page(self, page: int, key: float, device_ratio: float) -> None:
        self._request("page", page, key, device_ratio)

    def request_thumbnail(self, page: int, key: float, device_ratio: float) -> None:
        self._request("thumb", page, key, device_ratio)

    def search(self, generation: int, query: str) -> None:
        """Find ``query`` in every page; ``searchFinished`` brings the TextHits back.

        :func:`reader.core.pdfdoc.find_text` with the page view's lock."""

        def work(_progress: Callable[[int, int], None]) -> tuple[int, list[TextHit]]:
            def stale() -> bool:
                return self._closed or generation != self._generation

            # A page per lock hold, so rendering goes on between the pages of a long search.
            hits = find_text(
                None, query, max_hits=MAX_HITS, timeout=None, stop=stale, with_doc=self._find.run
            )
            return generation, [] if stale() else hits

        self._generation = generation

        job = start_job("search", work, self._find.pool)
        job.finished.connect(self._on_search_done)

    def close(self) -> None:
        """Stop and wait for the worker threads; call before the widget goes away."""
        self._closed = True
        self._wanted.clear()
        self._draw.close()
        self._find.close()

    # -- work ------------------------------------------------------------------------------
    def _request(self, kind: str, page: int, key: float, device_ratio: float) -> None:
        token = (kind, page, key)
        if self._closed or token in self._pending:
            return
        self._pending.add(token)
        self._wanted.add(token)

        def work(_progress: Callable[[int, int], None]) -> tuple[tuple, PageImage | None]:
            if self._closed or token not in self._wanted:
                return token, None  # scrolled past before its turn came
            try:
                # copy=False: the image is built on MuPDF's own pixels (see to_qimage); reading
                # the samples out of MuPDF first cost 5 ms more per A4 page at 150 dpi.
                rendered = self._draw.run(
                    lambda doc: render_page(doc, page, key * 72.0, copy=False)
                )
            except DocumentError as exc:
                return token, PageImage(page, key, None, str(exc))
            except Exception:  # never leave a page pending forever
                return token, PageImage(page, key, None, f"Page {page + 1} could not be drawn.")
            return token, PageImage(page, key, to_qimage(rendered, device_ratio))

        job = start_job(kind, work, self._draw.pool)
        job.finished.connect(self._on_render_done)

    @Slot(object)
    def _on_render_done(self, result: tuple[tuple, PageImage | None]) -> None:
        token, item = result
        self._pending.discard(token)
        self._wanted.discard(token)
        if item is None or self._closed:
            return
        (self.pageRendered if token[0] == "page" else self.thumbnailRendered).emit(item)

    @Slot(object)
    def _on_search_done(self, result: tuple[int, list]) -> None:
        if not self._closed:
            self.searchFinished.emit(*result)
