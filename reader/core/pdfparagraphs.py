"""Numbered paragraphs: recover the guidance's own paragraphs, items, boxes and notes from a PDF.

The GMC guidance is cited by paragraph ("paragraph 85", "85(a)"), so :func:`extract_blocks`
reads the visual lines that :mod:`reader.core.pdf_lines` gathers and turns them into
:class:`~reader.core.content.Block` objects, keeping the state a reader keeps: the section, the
paragraph being read, its lettered sub-items and bullets, the box being read, the endnotes.

Kinds and conventions (the UI and search rely on them):

- ``heading`` (``level`` 1-6); ``pdf-paragraph``: ``paragraph`` "85", id ``DOC.para-85``;
  a lettered sub-item is also ``pdf-paragraph``, ``paragraph`` "85(a)", ``level`` 1, id
  ``DOC.para-85a``.
- ``list-item``: a bulleted line with its glyph removed; ``paragraph`` is the paragraph or
  sub-item it sits in ("85", "85(a)") or None, ``level`` 1 under a paragraph, 2 under a
  sub-item, 0 elsewhere; id ``DOC.para-85-li1`` (or ``DOC.p3-li1`` outside paragraphs).
- ``box``: the text of a shaded box (one block per box, joined across a page break), id
  ``DOC.box-p7-1``, ``paragraph`` None. Bullets inside a box are ``list-item`` blocks.
- ``endnote``: id ``DOC.endnote-3``, the text without its number, ``paragraph`` None; see
  :func:`endnote_number`. An endnote marker in any block's text is removed and recorded as a
  zero-width :class:`~reader.core.content.Link` at the marker's place, target ``endnote:3``.
- ``front-matter``: one block per line of the cover and the contents pages, id ``DOC.front-p1-4``.
- ``pdf-text``: any other text (introductions, PDFs without paragraph numbers), id ``DOC.p0-1``.

When a PDF is not laid out with numbers it falls back to plain text blocks page by page.
Opening the PDF and its errors live in :mod:`reader.core.pdfdoc`. No Qt here.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from reader.core.errors import DEFAULT_TIMEOUT, ExtractionTimeout
from reader.core.errors import document_name as _name
from reader.core.model import Block, Link, endnote_number, slugify
from reader.core.pdf_lines import (
    Line,
    compounds,
    is_furniture,
    join_lines,
    read_pages,
    running_keys,
    split_markers,
    strip_markers,
)

__all__ = ["endnote_number", "extract_blocks", "join_lines", "kinds_summary", "paragraph_summary"]

_INLINE_NUMBER = re.compile(r"^(\d{1,3})\.?\s+([A-Z\"“‘'(].*)$")
_MARGIN_NUMBER = re.compile(r"^(\d{1,3})\.?$")
_NOTE_START = re.compile(r"^(\d{1,3})\.?\s+(\S.*)$")
_SUB_ITEM = re.compile(r"^(\(?)([a-z])([.)]?)\s+(\S.*)$")
_LETTER_ALONE = re.compile(r"^(\(?)([a-z])([.)]?)$")
_NOTES_HEADING = re.compile(r"^(end\s*notes?|notes|foot\s*notes?|references)$", re.I)
_CONTENTS = re.compile(r"^(table of )?contents$", re.I)


@dataclass(eq=False)
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
    parent: _Pending | None = None  # the paragraph of a sub-item, the owner of a list item
    block_id: str | None = None
    indent: float = 0.0  # where an item's own text starts: lines left of it end the item
    last_letter: str | None = None
    items: int = 0  # list items counted under this block, for their ids
    title_parts: int = 0  # a box: how many of its first parts are its bold title

    def add(self, text: str, line: Line) -> None:
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

    @property
    def label(self) -> str | None:
        if self.kind != "pdf-paragraph":
            return None
        return f"{self.number}({self.letter})" if self.letter else str(self.number)


class _Builder:
    """Turns classified lines into blocks, keeping the state a reader keeps: the current
    section, the paragraph being read, the box being read, and the last numbers seen."""

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
        self.last_note = 0
        self.heading_stack: list[tuple[int, str]] = []  # (level, slug)
        self.used_ids: set[str] = set()
        self.repeated_titles: set[str] = set()
        self.any_start = False
        self.known: frozenset[str] = frozenset()
        # The box being read; boxes never change ``current``, so a paragraph interrupted
        # by a box (a page break, a floated case study) goes on after it.
        self.box_key: tuple[int, int] | None = None
        self.box_rect: tuple[float, float, float, float] | None = None
        self.box_block: _Pending | None = None
        self.box_item: _Pending | None = None
        self.last_was_box = False

    def _new(self, kind: str, line: Line, **kw) -> _Pending:
        pending = _Pending(kind, line.page, self.section, self.section_title, **kw)
        self.items.append(pending)
        return pending

    def _unique(self, block_id: str) -> str:
        base, n = block_id, 2
        while block_id in self.used_ids:
            block_id, n = f"{base}-{n}", n + 1
        self.used_ids.add(block_id)
        return block_id

    def _id(self, p: _Pending, per_page: Counter[tuple[str, int]]) -> str:
        doc = self.document_id
        if p.kind == "pdf-paragraph":
            return self._unique(f"{doc}.para-{p.number}{p.letter or ''}")
        if p.kind == "heading":
            return p.block_id or self._unique(f"{doc}.{slugify(' '.join(p.parts))}")
        if p.kind == "endnote":
            return self._unique(f"{doc}.endnote-{p.number}")
        if p.kind == "list-item" and p.parent is not None and p.parent.label:
            p.parent.items += 1
            owner = p.parent
            return self._unique(f"{doc}.para-{owner.number}{owner.letter or ''}-li{owner.items}")
        prefix = {"list-item": "li", "box": "box-p", "front-matter": "front-p"}.get(p.kind, "p")
        per_page[(prefix, p.page)] += 1
        n = per_page[(prefix, p.page)]
        if prefix == "li":
            return self._unique(f"{doc}.p{p.page}-li{n}")
        return self._unique(f"{doc}.{prefix}{p.page}-{n}")

    def blocks(self) -> list[Block]:
        out: list[Block] = []
        per_page: Counter[tuple[str, int]] = Counter()
        for p in self.items:
            text, marks = split_markers(join_lines(p.parts, self.known))
            if p.kind == "heading":
                marks = []
            if not text and p.kind not in ("pdf-paragraph", "heading"):
                continue
            links = tuple(Link(at, at, f"endnote:{n}") for at, n in marks)
            paragraph = p.label
            if p.kind == "list-item" and p.parent is not None:
                paragraph = p.parent.label
            title = None
            if p.kind == "box" and 0 < p.title_parts < len(p.parts):
                title = strip_markers(join_lines(p.parts[: p.title_parts], self.known))
                if not text.startswith(title):
                    title = None
            out.append(
                Block(
                    id=self._id(p, per_page),
                    document=self.document_id,
                    tab=self.tab_id,
                    section=p.section,
                    section_title=p.section_title,
                    kind=p.kind,
                    text=text,
                    paragraph=paragraph,
                    level=p.level,
                    links=links,
                    page=p.page,
                    bbox=tuple(p.rect) if p.rect else None,
                    title=title,
                )
            )
        return out

    # -- line kinds

    def front(self, line: Line) -> None:
        self._new("front-matter", line).add(strip_markers(line.text), line)

    def heading(self, text: str, level: int, line: Line) -> None:
        self.current = None
        text = strip_markers(text)
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

    def paragraph(self, number: int, text: str, line: Line) -> None:
        self.last_number = number
        self.current = self._new("pdf-paragraph", line, number=number)
        self.current.add(text, line)

    def _paragraph_owner(self) -> _Pending | None:
        c = self.current
        if c is not None and c.kind == "list-item":
            c = c.parent
        return c if c is not None and c.kind == "pdf-paragraph" else None

    def sub_item(self, letter: str, text: str, line: Line, indent: float) -> None:
        owner = self._paragraph_owner()
        parent = owner.parent or owner
        parent.last_letter = letter
        self.current = self._new(
            "pdf-paragraph",
            line,
            number=parent.number,
            letter=letter,
            level=1,
            parent=parent,
            indent=indent,
        )
        self.current.add(text, line)

    def expected_letter(self) -> str | None:
        owner = self._paragraph_owner()
        if owner is None or self.in_notes:
            return None
        parent = owner.parent or owner
        return chr(ord(parent.last_letter) + 1) if parent.last_letter else "a"

    def bullet(self, line: Line) -> None:
        text = line.text_of(line.spans[1:])
        indent = line.spans[1].x0
        owner = self._paragraph_owner()
        # A bullet left of a sub-item's text belongs to the paragraph, not the item.
        while owner is not None and owner.parent is not None and line.x0 < owner.indent - 3:
            owner = owner.parent
        level = 0 if owner is None else owner.level + 1
        self.current = self._new("list-item", line, level=level, parent=owner, indent=indent)
        self.current.add(text, line)

    def boxed(self, line: Line) -> None:
        key, rect = line.box, line.box_rect
        continued = (
            self.last_was_box
            and self.box_key is not None
            and key[0] == self.box_key[0] + 1
            and self.box_rect[3] > 0.8 * line.height
            and rect[1] < 0.3 * line.height
        )
        if key != self.box_key and not continued:
            self.box_block = self.box_item = None
        self.box_key, self.box_rect, self.last_was_box = key, rect, True
        if line.bullet:
            self.box_block = None  # text after the bullets is a new block, in reading order
            self.box_item = self._new("list-item", line, indent=line.spans[1].x0)
            self.box_item.add(line.text_of(line.spans[1:]), line)
        elif self.box_item is not None and line.x0 >= self.box_item.indent - 3:
            self.box_item.add(line.text, line)
        else:
            self.box_item = None
            if self.box_block is None:
                self.box_block = self._new("box", line)
            box = self.box_block
            if line.bold and box.title_parts == len(box.parts):
                box.title_parts += 1  # the box opens with bold lines: its title
            box.add(line.text, line)

    def endnote(self, number: int, text: str, line: Line) -> None:
        self.last_note = number
        self.current = self._new("endnote", line, number=number)
        self.current.add(text, line)

    def text(self, text: str, line: Line) -> None:
        c = self.current
        if c is not None and c.kind == "endnote":
            c.add(text, line)
            return
        # Out of a list item or a sub-item when the line starts left of its text.
        while c is not None and c.parent is not None and line.x0 < c.indent - 3:
            c = c.parent
        if c is not None and c.kind in ("pdf-paragraph", "list-item") and not self.in_notes:
            self.current = c
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
            c = self._new("pdf-text", line)
        self.current = c
        c.add(text, line)

    def accepts_number(self, number: int) -> bool:
        if not self.numbered or self.in_notes:
            return False
        if self.last_number is None:
            # Guidance numbers from 1; a number further on is more likely a year or a count.
            return 1 <= number <= (999 if self.any_start else 10)
        return self.last_number < number <= self.last_number + 5


def _sub_item(
    line: Line, letter: str, body_left: float, running_x: float | None
) -> tuple[str, float] | None:
    """The text and the text's left edge when ``line`` opens lettered item ``letter``.

    The forms met in print: "a" hanging at the body's left edge with the text indented, the
    letter indented itself, "(a)" and "a)". A bare letter at the body's edge counts only with
    a visible gap after it, since "a number of..." may open any wrapped line; nor does one
    at ``running_x``, the left edge of the item being read, for the same reason.
    """
    first = line.spans[0]
    alone = _LETTER_ALONE.match(first.text.strip())
    if alone and alone.group(2) == letter and len(line.spans) > 1:
        marked = bool(alone.group(1) or alone.group(3))
        gap = line.spans[1].x0 - first.x1
        if marked or line.x0 > body_left + 3 or gap > 0.6 * first.size:
            return line.text_of(line.spans[1:]), line.spans[1].x0
        return None
    sub = _SUB_ITEM.match(line.text)
    if sub and sub.group(2) == letter:
        marked = bool(sub.group(1) or sub.group(3))
        wrapped = running_x is not None and abs(line.x0 - running_x) < 3
        if marked or (line.x0 > body_left + 3 and not wrapped):
            return sub.group(4), line.x0
    return None


def _style_levels(lines: list[Line], body_size: float) -> dict[float, int]:
    """Heading level by font size: the biggest heading size is level 1."""
    sizes = sorted({round(line.size) for line in lines if _heading_style(line, body_size)})
    sizes.reverse()
    return {size: min(i + 1, 6) for i, size in enumerate(sizes)}


def _heading_style(line: Line, body_size: float) -> bool:
    # Asked several times a line (levels, repeated titles, the build): remember the answer.
    known = line.heading_like
    if known is not None:
        return known
    line.heading_like = _looks_like_heading(line, body_size)
    return line.heading_like


def _looks_like_heading(line: Line, body_size: float) -> bool:
    text = line.text
    if not any(c.isalpha() for c in text) or len(text) > 160 or line.box is not None:
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
    parallel: bool = False,
) -> list[Block]:
    """Blocks of a PDF: numbered paragraphs and headings when the PDF is laid out that way,
    otherwise plain text blocks page by page.

    ``max_pages`` reads only the first pages; past ``timeout`` seconds it raises
    :class:`ExtractionTimeout` carrying the blocks of the pages read so far. ``parallel``
    reads a long document's pages on two cores (see :func:`~reader.core.pdf_lines.read_pages`;
    only for the checking child).
    """
    count = doc.page_count if max_pages is None else min(doc.page_count, max_pages)
    deadline = None if timeout is None else time.monotonic() + timeout
    pages, timed_out = read_pages(doc, count, deadline, parallel)
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


def _front_pages(pages: list[list[Line]], body_size: float) -> set[int]:
    """The cover (a first page with hardly any prose) and contents pages: front matter."""
    front: set[int] = set()
    if len(pages) > 2 and pages[0]:
        prose = sum(
            1
            for line in pages[0]
            if abs(line.size - body_size) <= 0.6 and len(line.text.split()) >= 6
        )
        if prose < 2:
            front.add(pages[0][0].page)
    for lines in pages[:8]:  # contents come early; a "Contents" later is a heading
        if any(_CONTENTS.match(line.text) for line in lines[:4]):
            front.add(lines[0].page)
    return front


def _blocks_from_lines(
    pages: list[list[Line]], document_id: str, tab_id: str, title: str
) -> list[Block]:
    running = running_keys(pages)
    pages = [[line for line in page if not is_furniture(line, running)] for page in pages]
    lines = [line for page in pages for line in page]
    if not lines:
        return []
    weights: Counter[float] = Counter()
    for line in lines:
        for s in line.spans:
            weights[round(s.size * 2) / 2] += len(s.text)
    body_size = weights.most_common(1)[0][0]
    front = _front_pages([p for p in pages if p], body_size)
    body_left = _mode(
        [
            round(line.x0)
            for line in lines
            if abs(line.size - body_size) <= 0.6 and line.page not in front and line.box is None
        ]
    )
    levels = _style_levels([line for line in lines if line.page not in front], body_size)
    known = compounds(lines)

    def build(numbered: bool, any_start: bool = False) -> _Builder:
        b = _Builder(document_id, tab_id, title, numbered)
        b.any_start, b.known = any_start, known
        _build(b, lines, front, body_size, body_left, levels)
        return b

    builder = build(True)
    top_level = {p.number for p in builder.items if p.kind == "pdf-paragraph"}
    if len(top_level) >= 3:
        return builder.blocks()
    # An extract of the guidance may start at, say, paragraph 40: accept any first number,
    # but ask for a longer run before believing it.
    builder = build(True, any_start=True)
    top_level = {p.number for p in builder.items if p.kind == "pdf-paragraph"}
    if len(top_level) >= 5:
        return builder.blocks()
    return build(False).blocks()


def _note_start(b: _Builder, line: Line, body_left: float) -> tuple[int, str] | None:
    """An endnote's number (in the margin or at the line start) and its text."""
    first = line.spans[0]
    margin = _MARGIN_NUMBER.match(first.text.strip())
    if margin and len(line.spans) > 1 and first.x1 <= body_left - 2:
        number, text = int(margin.group(1)), line.text_of(line.spans[1:])
    else:
        inline = _NOTE_START.match(line.text)
        if not inline or line.x0 > body_left + 3:
            return None
        number, text = int(inline.group(1)), inline.group(2)
    if number == b.last_note + 1 or (b.last_note == 0 and number >= 1):
        return number, text
    return None


def _build(
    b: _Builder,
    lines: list[Line],
    front: set[int],
    body_size: float,
    body_left: float,
    levels: dict[float, int],
) -> None:
    numbered = b.numbered
    if numbered:
        titles = Counter(line.text.lower() for line in lines if _heading_style(line, body_size))
        b.repeated_titles = {t for t, n in titles.items() if n > 1}
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.page in front:
            b.front(line)
            continue
        if line.box is not None:
            b.boxed(line)
            continue
        b.last_was_box = False
        text = line.text
        if numbered and b.in_notes:
            note = _note_start(b, line, body_left)
            if note is not None:
                b.endnote(*note, line)
                continue
        elif numbered:
            first = line.spans[0]
            margin = _MARGIN_NUMBER.match(first.text.strip())
            if margin and len(line.spans) > 1 and first.x1 <= body_left - 2:
                number = int(margin.group(1))
                if b.accepts_number(number):
                    b.paragraph(number, line.text_of(line.spans[1:]), line)
                    continue
            inline = _INLINE_NUMBER.match(text)
            if inline and line.x0 <= body_left + 3:
                number = int(inline.group(1))
                if b.accepts_number(number):
                    b.paragraph(number, inline.group(2), line)
                    continue
        if line.bullet:
            b.bullet(line)
            continue
        if numbered and not b.in_notes:
            letter = b.expected_letter()
            c = b.current
            running_x = c.indent if c is not None and c.parent is not None else None
            sub = _sub_item(line, letter, body_left, running_x) if letter else None
            if sub is not None:
                b.sub_item(letter, sub[0], line, sub[1])
                continue
        if numbered and _heading_style(line, body_size):
            # A heading may wrap: take following lines of the same style close below.
            parts = [text]
            while (
                i < len(lines)
                and lines[i].page == line.page
                and lines[i].page not in front
                and _heading_style(lines[i], body_size)
                and round(lines[i].size) == round(line.size)
                and lines[i].y0 - lines[i - 1].y1 < 0.6 * line.size
            ):
                parts.append(lines[i].text)
                i += 1
            b.heading(join_lines(parts), levels.get(round(line.size), 6), line)
            continue
        b.text(text, line)


# --------------------------------------------------------------------------- summary


def paragraph_summary(blocks: list[Block]) -> dict:
    """First, last and count of top-level paragraph numbers, and the numbers missing between."""
    numbers = sorted({int(b.paragraph) for b in blocks if b.paragraph and b.paragraph.isdigit()})
    if not numbers:
        return {"first": None, "last": None, "count": 0, "gaps": []}
    present = set(numbers)
    gaps = [n for n in range(numbers[0], numbers[-1] + 1) if n not in present]
    return {"first": numbers[0], "last": numbers[-1], "count": len(numbers), "gaps": gaps}


def kinds_summary(blocks: list[Block]) -> dict[str, int]:
    """How many blocks of each kind, for ``reader inspect``."""
    return dict(sorted(Counter(b.kind for b in blocks).items()))
