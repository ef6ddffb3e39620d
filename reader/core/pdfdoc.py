"""The PDF room: open PDFs safely, render pages to raw pixels, and find numbered paragraphs.

Everything here is plain data for the rest of the app: pixels come back as bytes with a width,
height and stride (``reader/ui`` wraps them in a ``QImage``), links and outlines as tuples, and
text as :class:`~reader.core.content.Block` objects. The GMC guidance is cited by paragraph
("paragraph 85", "85(a)"), so :func:`extract_blocks` recovers those numbers from the layout:
numbers in the left margin or at the start of a paragraph, lettered sub-items, headings, running
headers and footers to skip, and paragraphs that continue across a page break.

No Qt here, and no exceptions that are not a :class:`DocumentError` with one plain sentence.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pymupdf

from reader.core.content import Block, slugify

# MuPDF prints repair notes and errors to stderr by itself; they mean nothing to a reader,
# and every failure that matters is turned into a DocumentError below.
pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)

# A hostile page can be 14400 pt square; at 150 dpi that is 900 megapixels (2.7 GB of RGB).
MAX_PIXELS = 40_000_000
MAX_SIDE = 32_000  # QImage and most GPUs cannot go further in one direction
DEFAULT_TIMEOUT = 60.0
_SAFE_SCHEMES = ("http", "https", "mailto")


class DocumentError(Exception):
    """A document cannot be used; the message is one plain sentence naming the file."""


class PasswordRequired(DocumentError):
    """The PDF is encrypted and needs a (correct) password to open."""


class ExtractionTimeout(DocumentError):
    """Reading the text took longer than allowed; ``blocks`` holds what was read so far."""

    def __init__(self, message: str, blocks: list[Block]) -> None:
        super().__init__(message)
        self.blocks = blocks


# --------------------------------------------------------------------------- opening


def _name(doc_or_path: pymupdf.Document | Path | str) -> str:
    raw = doc_or_path.name if isinstance(doc_or_path, pymupdf.Document) else doc_or_path
    return Path(str(raw)).name or "The document"


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
    read-only ``memoryview`` into MuPDF's own buffer, valid only while this object lives:
    the UI must keep the RenderedPage as long as a ``QImage`` built on it, or copy the image.
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


def find_text(
    doc: pymupdf.Document, query: str, *, max_hits: int = 2000, timeout: float | None = 20.0
) -> list[TextHit]:
    """Pages on which ``query`` occurs (case-insensitive), with the rectangles to highlight."""
    query = " ".join(query.split())
    if not query:
        return []
    stop = time.monotonic() + timeout if timeout else None
    hits: list[TextHit] = []
    found = 0
    for index in range(doc.page_count):
        if stop is not None and time.monotonic() > stop:
            break
        try:
            rects = doc.load_page(index).search_for(query)
        except Exception:
            continue
        if rects:
            hits.append(TextHit(index, tuple(tuple(r) for r in rects)))
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


# --------------------------------------------------------------------------- text lines

_DIGITS_ONLY = re.compile(r"^[\d,\-–*†‡]+$")
_PAGE_NUMBER = re.compile(r"^(page\s*)?(\d{1,4}|[ivxlc]{1,6})(\s*(of|/)\s*\d{1,4})?$", re.I)
_INLINE_NUMBER = re.compile(r"^(\d{1,3})\.?\s+([A-Z\"“‘'(].*)$")
_MARGIN_NUMBER = re.compile(r"^(\d{1,3})\.?$")
_SUB_ITEM = re.compile(r"^\(?([a-z])[.)]?\s+(\S.*)$")
_NOTES_HEADING = re.compile(r"^(end\s*notes?|notes|foot\s*notes?|references)$", re.I)
_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi")


@dataclass
class _Span:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool
    superscript: bool
    baseline: float

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class _Line:
    page: int
    spans: list[_Span]
    height: float  # page height, for header and footer bands

    @property
    def main(self) -> _Span:
        return max(self.spans, key=lambda s: len(s.text.strip()))

    @property
    def size(self) -> float:
        return self.main.size

    @property
    def x0(self) -> float:
        return min(s.x0 for s in self.spans)

    @property
    def y0(self) -> float:
        return min(s.y0 for s in self.spans)

    @property
    def y1(self) -> float:
        return max(s.y1 for s in self.spans)

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, max(s.x1 for s in self.spans), self.y1)

    @property
    def bold(self) -> bool:
        return all(s.bold for s in self.spans if any(c.isalnum() for c in s.text))

    def text_of(self, spans: list[_Span]) -> str:
        out = ""
        previous: _Span | None = None
        for span in spans:
            # Separate spans with a space when there is a visible gap between them.
            gap = span.x0 - previous.x1 if previous else 0.0
            if previous and gap > 0.15 * span.size and not out.endswith(" "):
                out += " "
            out += span.text
            previous = span
        return " ".join(out.split())

    @property
    def text(self) -> str:
        return self.text_of(self.spans)


def _page_lines(page: pymupdf.Page) -> list[_Line]:
    """Visual lines of a page: spans grouped by height on the page, endnote markers removed.

    Grouping by position rather than by MuPDF's own lines joins a margin number to the text
    beside it, and a raised endnote marker to the line it belongs to.
    """
    flags = (
        pymupdf.TEXT_PRESERVE_LIGATURES
        | pymupdf.TEXT_PRESERVE_WHITESPACE
        | pymupdf.TEXT_MEDIABOX_CLIP
    )
    spans: list[_Span] = []
    for block in page.get_text("dict", flags=flags)["blocks"]:
        for line in block.get("lines", ()):
            for s in line["spans"]:
                text = s["text"].replace("\u00ad", "-")  # soft hyphen at a line end
                if not text.strip():
                    continue
                font = s["font"].lower()
                x0, y0, x1, y1 = s["bbox"]
                spans.append(
                    _Span(
                        text=text,
                        x0=x0,
                        y0=y0,
                        x1=x1,
                        y1=y1,
                        size=round(s["size"], 1),
                        bold=bool(s["flags"] & pymupdf.TEXT_FONT_BOLD)
                        or any(b in font for b in _BOLD_NAMES),
                        superscript=bool(s["flags"] & pymupdf.TEXT_FONT_SUPERSCRIPT),
                        baseline=s["origin"][1],
                    )
                )
    spans.sort(key=lambda s: (round(s.cy, 1), s.x0))
    lines: list[list[_Span]] = []
    anchor = 0.0  # vertical middle of the current line's largest span
    anchor_size = 0.0
    for span in spans:
        if lines and abs(span.cy - anchor) < 0.5 * max(span.size, anchor_size):
            lines[-1].append(span)
            if span.size > anchor_size:
                anchor, anchor_size = span.cy, span.size
        else:
            lines.append([span])
            anchor, anchor_size = span.cy, span.size
    out = []
    height = page.rect.height
    for group in lines:
        group.sort(key=lambda s: s.x0)
        main = max(group, key=lambda s: len(s.text.strip()))
        kept = [
            s
            for s in group
            if not (
                s is not main
                and _DIGITS_ONLY.match(s.text.strip())
                and (s.superscript or s.size <= 0.8 * main.size)
                and s.baseline < main.baseline - 0.15 * main.size
            )
        ]
        if all(s.superscript and _DIGITS_ONLY.match(s.text.strip()) for s in kept):
            continue  # a marker left alone on its own line
        out.append(_Line(page.number, kept, height))
    return out


def _running_keys(pages: list[list[_Line]]) -> set[tuple]:
    """Lines repeated at the same place near the top or bottom of most pages."""
    if len(pages) < 3:
        return set()
    counts: Counter[tuple] = Counter()
    for lines in pages:
        keys = {_band_key(line) for line in lines}
        keys.discard(None)
        counts.update(keys)
    threshold = max(3, math.ceil(0.4 * len(pages)))
    return {key for key, n in counts.items() if n >= threshold}


def _band_key(line: _Line) -> tuple | None:
    band = _band(line)
    if band is None:
        return None
    shape = re.sub(r"\d+", "#", line.text.lower())
    return (band, round(line.y0 / 2), shape)


def _band(line: _Line) -> str | None:
    if line.y1 <= 0.075 * line.height:
        return "top"
    if line.y0 >= 0.925 * line.height:
        return "bottom"
    return None


def _is_furniture(line: _Line, running: set[tuple]) -> bool:
    """Running headers, footers and page numbers: print furniture, not text."""
    if _band(line) is None:
        return False
    return _band_key(line) in running or bool(_PAGE_NUMBER.match(line.text))


# --------------------------------------------------------------------------- blocks


@dataclass
class _Pending:
    """A block being gathered; it becomes a :class:`Block` when the document is done."""

    kind: str
    page: int
    section: str
    section_title: str
    parts: list[str] = field(default_factory=list)
    rect: list[float] | None = None
    number: int | None = None
    letter: str | None = None
    level: int = 0
    last_y1: float = 0.0
    last_page: int = 0
    parent: _Pending | None = None
    block_id: str | None = None

    def add(self, text: str, line: _Line) -> None:
        if text:
            self.parts.append(text)
        if line.page == self.page:
            r = line.rect
            if self.rect is None:
                self.rect = list(r)
            else:
                self.rect = [
                    min(self.rect[0], r[0]),
                    min(self.rect[1], r[1]),
                    max(self.rect[2], r[2]),
                    max(self.rect[3], r[3]),
                ]
        self.last_y1, self.last_page = line.y1, line.page


def join_lines(parts: list[str]) -> str:
    """Join line texts into one paragraph, undoing end-of-line hyphenation."""
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif len(out) > 1 and out.endswith("-") and out[-2].isalpha() and part[0].islower():
            out = out[:-1] + part
        else:
            out = f"{out} {part}"
    return out


class _Builder:
    """Turns classified lines into blocks, keeping the state a reader keeps: the current
    section, the paragraph being read, and the last paragraph number seen."""

    def __init__(self, document_id: str, tab_id: str, title: str, numbered: bool) -> None:
        self.document_id = document_id
        self.tab_id = tab_id
        self.numbered = numbered
        self.section = slugify(document_id)
        self.section_title = title
        self.items: list[_Pending] = []
        self.current: _Pending | None = None
        self.last_number: int | None = None
        self.in_notes = False
        self.heading_stack: list[tuple[int, str]] = []  # (level, slug)
        self.used_ids: set[str] = set()
        self.repeated_titles: set[str] = set()
        self.any_start = False

    def _new(self, kind: str, line: _Line, **kw) -> _Pending:
        pending = _Pending(kind, line.page, self.section, self.section_title, **kw)
        self.items.append(pending)
        return pending

    def _unique(self, block_id: str) -> str:
        base, n = block_id, 2
        while block_id in self.used_ids:
            block_id, n = f"{base}-{n}", n + 1
        self.used_ids.add(block_id)
        return block_id

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        per_page: Counter[int] = Counter()
        for p in self.items:
            text = join_lines(p.parts)
            paragraph = None
            if p.kind == "pdf-paragraph":
                paragraph = f"{p.number}({p.letter})" if p.letter else str(p.number)
                block_id = self._unique(f"{self.document_id}.para-{p.number}{p.letter or ''}")
            elif p.kind == "heading":
                block_id = p.block_id
            else:
                if not text:
                    continue
                per_page[p.page] += 1
                block_id = self._unique(f"{self.document_id}.p{p.page}-{per_page[p.page]}")
            out.append(
                Block(
                    id=block_id,
                    document=self.document_id,
                    tab=self.tab_id,
                    section=p.section,
                    section_title=p.section_title,
                    kind=p.kind,
                    text=text,
                    paragraph=paragraph,
                    level=p.level,
                    page=p.page,
                    bbox=tuple(p.rect) if p.rect else None,
                )
            )
        return out

    # -- line kinds

    def heading(self, text: str, level: int, line: _Line) -> None:
        self.current = None
        slug = slugify(text)
        while self.heading_stack and self.heading_stack[-1][0] >= level:
            self.heading_stack.pop()
        if text.lower() in self.repeated_titles and self.heading_stack:
            # "All doctors" heads a part of several sections; name it after its section.
            slug = f"{self.heading_stack[-1][1]}-{slug}"
        block_id = self._unique(f"{self.document_id}.{slug}")
        slug = block_id[len(self.document_id) + 1 :]
        self.heading_stack.append((level, slug))
        self.section, self.section_title = slug, text
        self.in_notes = bool(_NOTES_HEADING.match(text))
        self._new("heading", line, level=level, block_id=block_id).add(text, line)

    def paragraph(self, number: int, text: str, line: _Line) -> None:
        self.last_number = number
        self.current = self._new("pdf-paragraph", line, number=number)
        self.current.add(text, line)

    def sub_item(self, letter: str, text: str, line: _Line) -> None:
        parent = self.current.parent or self.current
        self.current = self._new(
            "pdf-paragraph", line, number=parent.number, letter=letter, level=1, parent=parent
        )
        self.current.add(text, line)

    def text(self, text: str, line: _Line, body_left: float) -> None:
        c = self.current
        if c is not None and c.kind == "pdf-paragraph" and not self.in_notes:
            if c.parent and line.x0 <= body_left + 3 and line.page == c.last_page:
                # Back at the margin after a list: the rest belongs to the parent paragraph.
                c = self.current = c.parent
            c.add(text, line)
            return
        close = (
            c is not None
            and c.kind == "pdf-text"
            and line.page == c.last_page
            and line.y0 - c.last_y1 < 0.8 * line.size
            and not _INLINE_NUMBER.match(text)
        )
        if not close:
            self.current = self._new("pdf-text", line)
        self.current.add(text, line)

    def expected_letter(self) -> str | None:
        c = self.current
        if c is None or c.kind != "pdf-paragraph" or self.in_notes:
            return None
        return chr(ord(c.letter) + 1) if c.letter else "a"

    def accepts_number(self, number: int) -> bool:
        if not self.numbered or self.in_notes:
            return False
        if self.last_number is None:
            # Guidance numbers from 1; a number further on is more likely a year or a count.
            return 1 <= number <= (999 if self.any_start else 10)
        return self.last_number < number <= self.last_number + 5


def _style_levels(lines: list[_Line], body_size: float) -> dict[float, int]:
    """Heading level by font size: the biggest heading size is level 1."""
    sizes = sorted({round(line.size) for line in lines if _heading_style(line, body_size)})
    sizes.reverse()
    return {size: min(i + 1, 6) for i, size in enumerate(sizes)}


def _heading_style(line: _Line, body_size: float) -> bool:
    text = line.text
    if not any(c.isalpha() for c in text) or len(text) > 160:
        return False
    return (line.bold and line.size >= body_size * 0.95) or line.size >= body_size * 1.15


def _mode(values: list[float]) -> float:
    return Counter(values).most_common(1)[0][0] if values else 0.0


def extract_blocks(
    doc: pymupdf.Document,
    document_id: str,
    tab_id: str,
    *,
    timeout: float | None = DEFAULT_TIMEOUT,
    max_pages: int | None = None,
) -> list[Block]:
    """Blocks of a PDF: numbered paragraphs and headings when the PDF is laid out that way,
    otherwise plain text blocks page by page.

    ``max_pages`` reads only the first pages; past ``timeout`` seconds it raises
    :class:`ExtractionTimeout` carrying the blocks of the pages read so far.
    """
    started = time.monotonic()
    count = doc.page_count if max_pages is None else min(doc.page_count, max_pages)
    pages: list[list[_Line]] = []
    timed_out = False
    for index in range(count):
        if timeout is not None and time.monotonic() - started > timeout:
            timed_out = True
            break
        try:
            pages.append(_page_lines(doc.load_page(index)))
        except Exception:
            pages.append([])  # a damaged page is skipped, not fatal
    blocks = _blocks_from_lines(pages, document_id, tab_id, _title(doc))
    if timed_out:
        raise ExtractionTimeout(
            f"Reading the text of {_name(doc)} stopped after {timeout:g} seconds, "
            f"at page {len(pages)} of {doc.page_count}.",
            blocks,
        )
    return blocks


def _title(doc: pymupdf.Document) -> str:
    title = ((doc.metadata or {}).get("title") or "").strip()
    return title or Path(str(doc.name or "document")).stem


def _blocks_from_lines(
    pages: list[list[_Line]], document_id: str, tab_id: str, title: str
) -> list[Block]:
    running = _running_keys(pages)
    lines = [line for page in pages for line in page if not _is_furniture(line, running)]
    if not lines:
        return []
    weights: Counter[float] = Counter()
    for line in lines:
        for s in line.spans:
            weights[round(s.size * 2) / 2] += len(s.text)
    body_size = weights.most_common(1)[0][0]
    body_left = _mode([round(line.x0) for line in lines if abs(line.size - body_size) <= 0.6])
    levels = _style_levels(lines, body_size)

    builder = _build(lines, document_id, tab_id, title, body_size, body_left, levels, True)
    top_level = {p.number for p in builder.items if p.kind == "pdf-paragraph"}
    if len(top_level) >= 3:
        return builder.blocks()
    # An extract of the guidance may start at, say, paragraph 40: accept any first number,
    # but ask for a longer run before believing it.
    builder = _build(
        lines, document_id, tab_id, title, body_size, body_left, levels, True, any_start=True
    )
    top_level = {p.number for p in builder.items if p.kind == "pdf-paragraph"}
    if len(top_level) >= 5:
        return builder.blocks()
    fallback = _build(lines, document_id, tab_id, title, body_size, body_left, levels, False)
    return fallback.blocks()


def _build(
    lines: list[_Line],
    document_id: str,
    tab_id: str,
    title: str,
    body_size: float,
    body_left: float,
    levels: dict[float, int],
    numbered: bool,
    any_start: bool = False,
) -> _Builder:
    b = _Builder(document_id, tab_id, title, numbered)
    b.any_start = any_start
    if numbered:
        titles = Counter(line.text.lower() for line in lines if _heading_style(line, body_size))
        b.repeated_titles = {t for t, n in titles.items() if n > 1}
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        if numbered:
            first = line.spans[0]
            margin = _MARGIN_NUMBER.match(first.text.strip())
            if margin and len(line.spans) > 1 and first.x1 <= body_left - 2:
                number = int(margin.group(1))
                if b.accepts_number(number):
                    b.paragraph(number, line.text_of(line.spans[1:]), line)
                    i += 1
                    continue
            inline = _INLINE_NUMBER.match(text)
            if inline and line.x0 <= body_left + 3:
                number = int(inline.group(1))
                if b.accepts_number(number):
                    b.paragraph(number, inline.group(2), line)
                    i += 1
                    continue
            letter = b.expected_letter()
            sub = _SUB_ITEM.match(text)
            if letter and sub and sub.group(1) == letter and line.x0 > body_left + 3:
                b.sub_item(letter, sub.group(2), line)
                i += 1
                continue
            if _heading_style(line, body_size):
                # A heading may wrap: take following lines of the same style close below.
                parts = [text]
                while (
                    i + 1 < len(lines)
                    and lines[i + 1].page == line.page
                    and _heading_style(lines[i + 1], body_size)
                    and round(lines[i + 1].size) == round(line.size)
                    and lines[i + 1].y0 - lines[i].y1 < 0.6 * line.size
                ):
                    i += 1
                    parts.append(lines[i].text)
                b.heading(join_lines(parts), levels.get(round(line.size), 6), line)
                i += 1
                continue
        b.text(text, line, body_left)
        i += 1
    return b


# --------------------------------------------------------------------------- inspection


def paragraph_summary(blocks: list[Block]) -> dict:
    """First, last and count of top-level paragraph numbers, and the numbers missing between."""
    numbers = sorted({int(b.paragraph) for b in blocks if b.paragraph and b.paragraph.isdigit()})
    if not numbers:
        return {"first": None, "last": None, "count": 0, "gaps": []}
    present = set(numbers)
    gaps = [n for n in range(numbers[0], numbers[-1] + 1) if n not in present]
    return {"first": numbers[0], "last": numbers[-1], "count": len(numbers), "gaps": gaps}


def inspect_pdf(
    path: Path | str,
    password: str | None = None,
    *,
    timeout: float | None = 20.0,
    max_pages: int | None = 2000,
) -> dict:
    """What a PDF holds, for ``reader inspect`` and before adding it to the library."""
    path = Path(path)
    doc = open_pdf(path, password)
    try:
        complete = True
        try:
            blocks = extract_blocks(doc, "inspect", "inspect", timeout=timeout, max_pages=max_pages)
        except ExtractionTimeout as exc:
            blocks, complete = exc.blocks, False
        if max_pages is not None and doc.page_count > max_pages:
            complete = False
        headings = [b.text for b in blocks if b.kind == "heading"]
        meta_title = ((doc.metadata or {}).get("title") or "").strip()
        return {
            "kind": "pdf",
            "file": path.name,
            "bytes": path.stat().st_size,
            "pages": doc.page_count,
            "title": meta_title or (headings[0] if headings else path.stem),
            "encrypted": bool(doc.is_encrypted or password),
            "repaired": bool(getattr(doc, "is_repaired", False)),
            "outline": len(outline(doc)),
            "paragraphs": paragraph_summary(blocks),
            "headings": len(headings),
            "blocks": len(blocks),
            "complete": complete,
        }
    finally:
        doc.close()
