"""The PDF room: open PDFs safely, render pages to raw pixels, links, find, words, inspect.

Everything here is plain data for the rest of the app: pixels come back as bytes with a width,
height and stride (``reader/ui`` wraps them in a ``QImage``), links and outlines as tuples.
Recovering the guidance's numbered paragraphs from the text is its own room,
:mod:`reader.core.pdfparagraphs` (with the page geometry it reads in
:mod:`reader.core.pdf_lines`), and what ``reader inspect`` says of a PDF is
:mod:`reader.core.pdfinspect`; both build on this module, which imports neither.

No Qt here, and no exceptions that are not a :class:`~reader.core.errors.DocumentError` with
one plain sentence.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import pymupdf

from reader.core.errors import (
    DEFAULT_TIMEOUT,
    DocumentError,
    ExtractionTimeout,
    PasswordRequired,
)
from reader.core.errors import document_name as _name

# The errors are raised here; importing them from this module still works.
__all__ = ["DEFAULT_TIMEOUT", "DocumentError", "ExtractionTimeout", "PasswordRequired"]

# MuPDF prints repair notes and errors to stderr by itself; they mean nothing to a reader,
# and every failure that matters is turned into a DocumentError below.
pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

# A hostile page can be 14400 pt square; at 150 dpi that is 900 megapixels (2.7 GB of RGB).
MAX_PIXELS = 40_000_000
MAX_SIDE = 32_000  # QImage and most GPUs cannot go further in one direction
_SAFE_SCHEMES = ("http", "https", "mailto")


# --------------------------------------------------------------------------- opening


def open_pdf(path: Path | str, password: str | None = None) -> pymupdf.Document:
    """Open a PDF, or raise :class:`DocumentError` saying in one sentence why it cannot be."""
    path = Path(path)
    name = path.name
    try:
        if path.is_dir():
            raise DocumentError(f"{name} is a folder, not a PDF file.")
        with path.open("rb") as handle:
            head = handle.read(1024)
    except FileNotFoundError:
        raise DocumentError(f"{name} could not be found.") from None
    except OSError as exc:
        raise DocumentError(f"{name} could not be read ({exc.strerror or exc}).") from None
    if not head:
        raise DocumentError(f"{name} is empty (zero bytes), so it is not a PDF.")
    # The PDF standard allows junk before the header, and readers accept up to 1 KB of it.
    if b"%PDF-" not in head:
        raise DocumentError(f"{name} is not a PDF file.")
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception:
        raise DocumentError(f"{name} is damaged and could not be read as a PDF.") from None
    try:
        if doc.needs_pass:
            if password is None:
                raise PasswordRequired(f"{name} is protected by a password.")
            if not doc.authenticate(password):
                raise PasswordRequired(f"The password for {name} is not correct.")
        if doc.page_count == 0:
            raise DocumentError(f"{name} has no pages.")
    except DocumentError:
        doc.close()
        raise
    except Exception:
        doc.close()
        raise DocumentError(f"{name} is damaged and could not be read as a PDF.") from None
    return doc


def _page(doc: pymupdf.Document, index: int) -> pymupdf.Page:
    if not 0 <= index < doc.page_count:
        raise DocumentError(f"{_name(doc)} has no page {index + 1}.")
    try:
        return doc.load_page(index)
    except Exception:
        raise DocumentError(f"Page {index + 1} of {_name(doc)} is damaged.") from None


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class RenderedPage:
    """Raw pixels of one page; ``format`` names the matching ``QImage.Format``.

    ``samples`` is ``bytes`` by default. With ``render_page(..., copy=False)`` it is a
    read-only ``memoryview`` into MuPDF's own buffer, valid only while this object lives: an
    image that outlives it is built on :meth:`pixels` instead, which keeps the buffer alive.
    """

    samples: bytes | memoryview
    width: int
    height: int
    stride: int
    format: str  # "RGB888" or "RGBA8888_Premultiplied" (MuPDF premultiplies alpha)
    zoom: float  # pixels per point actually used
    capped: bool  # True when the page was drawn smaller than asked, to bound memory
    _owner: object = field(default=None, repr=False, compare=False)  # keeps a view's buffer

    @property
    def dpi(self) -> float:
        return self.zoom * 72.0

    def pixels(self) -> object:
        """The pixels as a buffer that keeps them alive for as long as it lives, without a copy.

        For something that outlives this object and holds a reference to its buffer (PySide's
        ``QImage(buffer, ...)`` does, until the last copy of the image is gone). A view's
        memoryview cannot keep MuPDF's pixmap alive; a ctypes array over the same bytes can.
        """
        if self._owner is None:
            return self.samples
        import ctypes  # not at import: the checking child and the CLI never need it

        buffer = (ctypes.c_ubyte * len(self.samples)).from_address(self._owner.samples_ptr)
        buffer.owner = self._owner  # the pixmap whose memory this is
        return buffer


def fit_zoom(
    width_pt: float, height_pt: float, dpi: float, max_pixels: int = MAX_PIXELS
) -> tuple[float, bool]:
    """The zoom for ``dpi``, reduced when the image would pass ``max_pixels`` or ``MAX_SIDE``."""
    zoom = max(dpi, 1.0) / 72.0
    w, h = max(width_pt, 1.0), max(height_pt, 1.0)
    limit = min(math.sqrt(max_pixels / (w * h)), MAX_SIDE / w, MAX_SIDE / h)
    if zoom > limit:
        return limit * 0.999, True  # a hair under, so rounding up cannot cross the limit
    return zoom, False


def render_page(
    doc: pymupdf.Document,
    page_index: int,
    dpi: float = 96.0,
    *,
    alpha: bool = False,
    clip: tuple[float, float, float, float] | None = None,
    max_pixels: int = MAX_PIXELS,
    copy: bool = True,
) -> RenderedPage:
    """Draw one page (or the ``clip`` part of it, in points) at ``dpi``, capped in size.

    ``copy=False`` skips copying the pixels out of MuPDF (about 4-8 ms for an A4 page at
    150 dpi here, more than drawing it); see :class:`RenderedPage` for what that asks.
    """
    page = _page(doc, page_index)
    area = pymupdf.Rect(clip) & page.rect if clip else page.rect
    if area.is_empty:
        raise DocumentError(f"Nothing of page {page_index + 1} of {_name(doc)} is in view.")
    zoom, capped = fit_zoom(area.width, area.height, dpi, max_pixels)
    try:
        pix = page.get_pixmap(
            matrix=pymupdf.Matrix(zoom, zoom), alpha=alpha, clip=area if clip else None
        )
    except Exception:
        raise DocumentError(f"Page {page_index + 1} of {_name(doc)} could not be drawn.") from None
    return RenderedPage(
        samples=pix.samples if copy else pix.samples_mv.toreadonly(),
        width=pix.width,
        height=pix.height,
        stride=pix.stride,
        format="RGBA8888_Premultiplied" if pix.alpha else "RGB888",
        zoom=zoom,
        capped=capped,
        _owner=None if copy else pix,
    )


def page_sizes(doc: pymupdf.Document) -> list[tuple[float, float]]:
    """Width and height in points of every page, as displayed (rotation applied)."""
    sizes = []
    for index in range(doc.page_count):
        try:
            rect = doc.load_page(index).rect
            sizes.append((rect.width, rect.height))
        except Exception:
            sizes.append((595.0, 842.0))  # a damaged page still needs a place in the scroll
    return sizes


# --------------------------------------------------------------------------- navigation


class OutlineEntry(NamedTuple):
    level: int
    title: str
    page_index: int | None  # None when the entry points outside this file


class PageLink(NamedTuple):
    kind: str  # "internal" or "external"
    rect: tuple[float, float, float, float]
    page: int | None = None
    uri: str | None = None
    point: tuple[float, float] | None = None  # where on the target page, when known


class TextHit(NamedTuple):
    page: int
    rects: tuple[tuple[float, float, float, float], ...]


class Word(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    block: int
    line: int
    word: int


def outline(doc: pymupdf.Document) -> list[OutlineEntry]:
    """The PDF's own table of contents."""
    try:
        toc = doc.get_toc(simple=True)
    except Exception:
        return []  # a broken outline should not stop the document from opening
    entries = []
    for level, title, page in toc:
        target = page - 1 if 1 <= page <= doc.page_count else None
        entries.append(OutlineEntry(int(level), str(title).strip(), target))
    return entries


def page_links(doc: pymupdf.Document, index: int) -> list[PageLink]:
    """Links on a page, as data. Launch, JavaScript, form and remote-file actions are left out:
    a document must never run anything or reach outside the app except by a plain web link."""
    page = _page(doc, index)
    links = []
    try:
        raw_links = page.get_links()
    except Exception:
        return []
    for raw in raw_links:
        rect = tuple(pymupdf.Rect(raw["from"]))
        kind = raw.get("kind")
        if kind in (pymupdf.LINK_GOTO, pymupdf.LINK_NAMED):
            target = raw.get("page", -1)
            if isinstance(target, int) and 0 <= target < doc.page_count:
                to = raw.get("to")
                point = (float(to.x), float(to.y)) if to is not None else None
                links.append(PageLink("internal", rect, page=target, point=point))
        elif kind == pymupdf.LINK_URI:
            uri = str(raw.get("uri", "")).strip()
            if uri.split(":", 1)[0].lower() in _SAFE_SCHEMES:
                links.append(PageLink("external", rect, uri=uri))
    return links


MAX_HITS = 2000  # more than anyone reads; stops a one-letter search on 3000 pages early


def find_on_page(
    doc: pymupdf.Document, index: int, query: str
) -> tuple[tuple[float, float, float, float], ...]:
    """Rectangles of ``query`` (case-insensitive, spaces normalised) on one page."""
    query = " ".join(query.split())
    if not query:
        return ()
    try:
        return tuple(tuple(r) for r in doc.load_page(index).search_for(query))
    except Exception:
        return ()  # a damaged page has no hits; the rest of the search goes on


def find_text(
    doc: pymupdf.Document | None,
    query: str,
    *,
    max_hits: int = MAX_HITS,
    timeout: float | None = 20.0,
    stop: Callable[[], bool] | None = None,
    with_doc: Callable[[Callable[[pymupdf.Document], Any]], Any] | None = None,
) -> list[TextHit]:
    """Pages on which ``query`` occurs (case-insensitive), with the rectangles to highlight.

    The one find-in-PDF. ``with_doc(fn)`` runs ``fn(doc)`` (the page view passes one that holds
    the PDF lock a page at a time); ``stop()`` returning true ends the search early.
    """
    run = with_doc or (lambda fn: fn(doc))
    if not " ".join(query.split()):
        return []
    deadline = time.monotonic() + timeout if timeout else None
    hits: list[TextHit] = []
    found = 0
    for index in range(run(lambda d: d.page_count)):
        if (deadline is not None and time.monotonic() > deadline) or (stop and stop()):
            break
        rects = run(lambda d, i=index: find_on_page(d, i, query))
        if rects:
            hits.append(TextHit(index, rects))
            found += len(rects)
            if found >= max_hits:
                break
    return hits


def page_words(doc: pymupdf.Document, index: int) -> list[Word]:
    """Word boxes of a page in reading order, for selecting text with the mouse."""
    page = _page(doc, index)
    try:
        return [Word(*w[:8]) for w in page.get_text("words", sort=True)]
    except Exception:
        return []


def page_text_in_rect(
    doc: pymupdf.Document, index: int, rect: tuple[float, float, float, float]
) -> str:
    """Text of the words whose middle lies in ``rect`` (points), one line per text line."""
    area = pymupdf.Rect(rect)
    lines: dict[tuple[int, int], list[str]] = {}
    for w in page_words(doc, index):
        if area.contains(pymupdf.Point((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2)):
            lines.setdefault((w.block, w.line), []).append(w.text)
    return "\n".join(" ".join(words) for words in lines.values())
