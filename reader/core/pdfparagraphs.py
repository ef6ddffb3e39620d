"""Numbered paragraphs: recover the guidance's own paragraph numbers from a PDF's layout.

The GMC guidance is cited by paragraph ("paragraph 85", "85(a)"), so :func:`extract_blocks` reads
each page as visual lines and turns them into :class:`~reader.core.content.Block` objects:
numbers in the left margin or at the start of a paragraph, lettered sub-items, headings, running
headers and footers to skip, and paragraphs that continue across a page break. When a PDF is not
laid out that way, it falls back to plain text blocks page by page.

Opening the PDF and its errors live in :mod:`reader.core.pdfdoc`; this room only reads text.
No Qt here.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from reader.core.errors import DEFAULT_TIMEOUT, ExtractionTimeout
from reader.core.errors import document_name as _name
from reader.core.model import Block, slugify

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


# --------------------------------------------------------------------------- summary


def paragraph_summary(blocks: list[Block]) -> dict:
    """First, last and count of top-level paragraph numbers, and the numbers missing between."""
    numbers = sorted({int(b.paragraph) for b in blocks if b.paragraph and b.paragraph.isdigit()})
    if not numbers:
        return {"first": None, "last": None, "count": 0, "gaps": []}
    present = set(numbers)
    gaps = [n for n in range(numbers[0], numbers[-1] + 1) if n not in present]
    return {"first": numbers[0], "last": numbers[-1], "count": len(numbers), "gaps": gaps}
