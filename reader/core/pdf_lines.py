"""Page geometry for paragraph extraction: visual lines, boxes, bullets, markers, furniture.

:mod:`reader.core.pdfparagraphs` builds blocks from what this room gives it: each page read as
visual lines (spans grouped by height, so a margin number joins the text beside it), each line
knowing whether it sits in a shaded box, starts with a dingbat bullet, and where raised endnote
markers were taken out of it. Running headers and footers are recognised here too, and words
are normalised as a reader would type them (ligatures split, soft hyphens dropped).

Endnote markers travel inside line text as ``MARK_OPEN + "3" + MARK_CLOSE`` so that the line
joining below cannot lose them; :func:`split_markers` turns them into positions at the end.
No Qt here.
"""

from __future__ import annotations

import math
import os
import pickle
import re
import signal
import time
from collections import Counter
from dataclasses import dataclass, field

import pymupdf

MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
SOFT_HYPHEN = "\u00ad"

_DIGITS_ONLY = re.compile(r"^[\d,\-–*†‡]+$")
_MARKER_DIGITS = re.compile(r"^\d{1,3}$")
_PAGE_NUMBER = re.compile(r"^(page\s*)?(\d{1,4}|[ivxlc]{1,6})(\s*(of|/)\s*\d{1,4})?$", re.I)
# A folio beside the publisher's name, "Council | 05" or "06 | Council": furniture even in a
# file too short for repeated lines to show it.
_FOLIO = re.compile(r"^(\d{1,3}\s*\|\s*\D.*|.*\D\s*\|\s*\d{1,3})$")
_BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi")
# Fonts whose glyphs are pictures: their "letters" ("n", "l", "q") are bullets, not words.
_DINGBAT_FONTS = ("dingbat", "zapf", "wingding", "webding", "symbol", "marlett")
_BULLET_CHARS = set("•▪■●◆◦‣○□►➢✓✔–-·\uf06e\uf06c\uf0a7\uf0b7")
_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
     "\ufb05": "st", "\ufb06": "st"}
)  # fmt: skip
_COMPOUND = re.compile(r"\b([a-z]{2,})-([a-z]{2,})\b")
_MARKER = re.compile(f"{MARK_OPEN}(\\d+){MARK_CLOSE}")


class _cached:
    """``functools.cached_property`` without its lock (Python 3.11 takes one on every first
    read): a book's thousands of lines read a dozen such values each, from one thread."""

    def __init__(self, func) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


@dataclass(slots=True)
class Span:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    bold: bool
    superscript: bool
    baseline: float
    dingbat: bool = False

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Line:
    """One visual line of a page: its spans left to right, minus endnote markers."""

    page: int
    spans: list[Span]
    height: float  # page height, for header and footer bands
    markers: list[Span] = field(default_factory=list)
    box: tuple[int, int] | None = None  # (page, index) of the shaded box it sits in
    box_rect: tuple[float, float, float, float] | None = None
    heading_like: bool | None = None  # set once by the block builder, which knows the body size

    @_cached
    def main(self) -> Span:
        return max(self.spans, key=lambda s: len(s.text.strip()))

    @_cached
    def size(self) -> float:
        return self.main.size

    @property
    def x0(self) -> float:
        return self.spans[0].x0

    @_cached
    def y0(self) -> float:
        return min(s.y0 for s in self.spans)

    @_cached
    def y1(self) -> float:
        return max(s.y1 for s in self.spans)

    @_cached
    def rect(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, max(s.x1 for s in self.spans), self.y1)

    @_cached
    def bold(self) -> bool:
        return all(s.bold for s in self.spans if any(c.isalnum() for c in s.text))

    @property
    def bullet(self) -> bool:
        """True when the line opens with a bullet glyph standing apart from its text."""
        first = self.spans[0]
        glyph = first.text.strip()
        if len(self.spans) < 2 or len(glyph) != 1:
            return False
        return first.dingbat or glyph in _BULLET_CHARS

    def text_of(self, spans: list[Span]) -> str:
        """Text of ``spans`` with the markers that fall among them, as sentinels."""
        if not spans:
            return ""
        left = spans[0].x0
        items = sorted(spans + [m for m in self.markers if m.x0 >= left], key=lambda s: s.x0)
        out = ""
        previous: Span | None = None
        for span in items:
            marker = any(span is m for m in self.markers)
            # Separate spans with a space when there is a visible gap between them.
            gap = span.x0 - previous.x1 if previous else 0.0
            if previous and not marker and gap > 0.15 * span.size and not out.endswith(" "):
                out += " "
            out += f"{MARK_OPEN}{span.text.strip()}{MARK_CLOSE}" if marker else span.text
            previous = span
        out = " ".join(out.split())
        if SOFT_HYPHEN in out[:-1]:  # only a soft hyphen ending the line marks a break
            out = out[:-1].replace(SOFT_HYPHEN, "") + out[-1]
        return out

    @_cached
    def text(self) -> str:
        return self.text_of(self.spans)


def normalise(text: str) -> str:
    """Words as typed: ligatures split, soft hyphens dropped except one ending the line."""
    text = text.translate(_LIGATURES)
    if SOFT_HYPHEN in text:
        stripped = text.rstrip()
        end = stripped.endswith(SOFT_HYPHEN)
        text = stripped.replace(SOFT_HYPHEN, "") + (SOFT_HYPHEN if end else "")
    return text


# MuPDF can hand over vector paths with the text in one pass (PyMuPDF 1.24.2+): much cheaper
# than a second pass through page.get_drawings(), which costs about half a text extraction.
_VECTORS = getattr(pymupdf, "TEXT_COLLECT_VECTORS", 0)


def _boxes(page: pymupdf.Page, blocks: list[dict]) -> list[tuple[float, float, float, float]]:
    """Shaded rectangles drawn behind text: case studies, quotations, the duties box."""
    rects = []
    if _VECTORS:
        for b in blocks:
            # Filled (not stroked) paths whose paint is not white.
            if b.get("type") != 3 or b.get("stroked"):
                continue
            color = int(b.get("color") or 0)
            if min(color >> 16, (color >> 8) & 255, color & 255) <= 247:
                rects.append(b["bbox"])
    else:  # pragma: no cover - older PyMuPDF
        try:
            drawings = page.get_drawings()
        except Exception:
            return []
        for d in drawings:
            fill = d.get("fill")
            if fill is not None and min(fill) <= 0.97:
                rects.append(tuple(d["rect"]))
    page_w, page_h = page.rect.width, page.rect.height
    out = []
    for x0, y0, x1, y1 in rects:
        w, h = x1 - x0, y1 - y0
        # Thin rules and full-page backgrounds are not boxes around text.
        if w < 0.25 * page_w or h < 12 or w * h > 0.8 * page_w * page_h:
            continue
        out.append((x0, y0, x1, y1))
    return out


def page_lines(page: pymupdf.Page) -> list[Line]:
    """Visual lines of a page: spans grouped by height on the page, endnote markers set aside.

    Grouping by position rather than by MuPDF's own lines joins a margin number to the text
    beside it, and a raised endnote marker to the line it belongs to.
    """
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP | _VECTORS
    spans: list[Span] = []
    blocks = page.get_text("dict", flags=flags)["blocks"]
    for block in blocks:
        for line in block.get("lines", ()):
            for s in line["spans"]:
                text = normalise(s["text"])
                if not text.strip():
                    continue
                font = s["font"].lower()
                x0, y0, x1, y1 = s["bbox"]
                spans.append(
                    Span(
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
                        dingbat=any(n in font for n in _DINGBAT_FONTS),
                    )
                )
    spans.sort(key=lambda s: (round(s.cy, 1), s.x0))
    groups: list[list[Span]] = []
    anchor = 0.0  # vertical middle of the current line's largest span
    anchor_size = 0.0
    for span in spans:
        if groups and abs(span.cy - anchor) < 0.5 * max(span.size, anchor_size):
            groups[-1].append(span)
            if span.size > anchor_size:
                anchor, anchor_size = span.cy, span.size
        else:
            groups.append([span])
            anchor, anchor_size = span.cy, span.size
    boxes = _boxes(page, blocks) if groups else []
    out = []
    height = page.rect.height
    for group in groups:
        group.sort(key=lambda s: s.x0)
        main = max(group, key=lambda s: len(s.text.strip()))
        kept, markers = [], []
        for s in group:
            raised = (
                s is not main
                and s is not group[0]
                and _DIGITS_ONLY.match(s.text.strip())
                and (s.superscript or s.size <= 0.8 * main.size)
                and s.baseline < main.baseline - 0.15 * main.size
            )
            (markers if raised else kept).append(s)
        if not kept or all(s.superscript and _DIGITS_ONLY.match(s.text.strip()) for s in kept):
            continue  # a marker left alone on its own line
        line = Line(page.number, kept, height, [m for m in markers if _marker_ok(m)])
        if boxes:
            x0, y0, x1, y1 = line.rect
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            for k, (bx0, by0, bx1, by1) in enumerate(boxes):
                if bx0 - 1 <= cx <= bx1 + 1 and by0 - 1 <= cy <= by1 + 1:
                    line.box, line.box_rect = (page.number, k), (bx0, by0, bx1, by1)
                    break
        out.append(line)
    return out


def read_pages(
    doc: pymupdf.Document, count: int, deadline: float | None, parallel: bool = False
) -> tuple[list[list[Line]], bool]:
    """:func:`page_lines` of the first ``count`` pages, and whether ``deadline`` (a
    ``time.monotonic()`` value) stopped the reading first. A damaged page reads as no lines.

    With ``parallel`` (only ever in the checking child, which has no threads) a long document's
    second half is read by a forked copy of this process while this one reads the first half:
    the app itself sits idle meanwhile, so the machine's second core does the work. Anything
    wrong with the copy (it died, answered garbage) and this process reads those pages itself.
    """
    half = count // 2
    if (
        not parallel
        or count < PARALLEL_MIN_PAGES
        or not hasattr(os, "fork")
        or not doc.name
        or doc.needs_pass
        or doc.is_encrypted
    ):
        return _read_range(doc, 0, count, deadline)
    try:
        source = doc.name
        read_end, write_end = os.pipe()
        pid = os.fork()
    except OSError:
        return _read_range(doc, 0, count, deadline)
    if pid == 0:  # the copy: its own handle on the file (a shared one would share its offset)
        code = 1
        try:
            os.close(read_end)
            # Not the app's pipe: the app waits for its end, which this copy must not hold.
            os.dup2(os.open(os.devnull, os.O_RDWR), 0)
            os.dup2(os.open(os.devnull, os.O_RDWR), 1)
            # A copy stuck inside MuPDF ends by itself; the checking child is timed by the app.
            left = 120.0 if deadline is None else deadline - time.monotonic()
            signal.alarm(max(1, int(left) + 5))
            mine = pymupdf.open(source, filetype="pdf")
            if mine.needs_pass or mine.page_count < count:
                raise ValueError("not the same document")
            data = pickle.dumps(_read_range(mine, half, count, deadline), pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    first, stopped = _read_range(doc, 0, half, deadline)
    with os.fdopen(read_end, "rb") as answer:
        data = answer.read()
    _, status = os.waitpid(pid, 0)
    if stopped:
        return first, True
    try:
        if status != 0:
            raise ValueError("the copy failed")
        second, stopped = pickle.loads(data)  # our own process's output, never the file's bytes
    except Exception:
        second, stopped = _read_range(doc, half, count, deadline)
    return first + second, stopped


PARALLEL_MIN_PAGES = 40  # below this, starting the copy costs more than it saves


def _read_range(
    doc: pymupdf.Document, start: int, end: int, deadline: float | None
) -> tuple[list[list[Line]], bool]:
    pages: list[list[Line]] = []
    for index in range(start, end):
        if deadline is not None and time.monotonic() > deadline:
            return pages, True
        try:
            pages.append(page_lines(doc.load_page(index)))
        except Exception:
            pages.append([])  # a damaged page is skipped, not fatal
    return pages, False


def _marker_ok(span: Span) -> bool:
    return bool(_MARKER_DIGITS.match(span.text.strip()))


# --------------------------------------------------------------------------- furniture


def running_keys(pages: list[list[Line]]) -> set[tuple]:
    """Lines repeated at the same place near the top or bottom of many pages."""
    if len(pages) < 3:
        return set()
    counts: Counter[tuple] = Counter()
    for lines in pages:
        keys = {_band_key(line) for line in lines}
        keys.discard(None)
        counts.update(keys)
    threshold = max(3, math.ceil(0.4 * len(pages)))
    return {key for key, n in counts.items() if n >= threshold}


def _band_key(line: Line) -> tuple | None:
    band = _band(line)
    if band is None:
        return None
    # Digits and separators out, so "Council | 05" on odd pages and "06 | Council" on even
    # pages count as one running footer.
    shape = " ".join(re.sub(r"[\d|•·–\-/]+", " ", line.text.lower()).split())
    return (band, round(line.y0 / 2), shape)


def _band(line: Line) -> str | None:
    if line.box is not None:
        return None
    if line.y1 <= 0.075 * line.height:
        return "top"
    if line.y0 >= 0.925 * line.height:
        return "bottom"
    return None


def is_furniture(line: Line, running: set[tuple]) -> bool:
    """Running headers, footers and page numbers: print furniture, not text."""
    if _band(line) is None:
        return False
    text = line.text
    return _band_key(line) in running or bool(_PAGE_NUMBER.match(text) or _FOLIO.match(text))


# --------------------------------------------------------------------------- words


def compounds(lines: list[Line]) -> frozenset[str]:
    """Hyphenated words the document writes mid-line ("well-being"): when one of them is
    broken at its hyphen at a line end, the hyphen is the word's own and stays."""
    found: set[str] = set()
    for line in lines:
        text = line.text
        if "-" in text:
            found.update(f"{a}-{b}" for a, b in _COMPOUND.findall(text.lower()))
    return frozenset(found)


def join_lines(parts: list[str], known: frozenset[str] = frozenset()) -> str:
    """Join line texts into one paragraph, undoing end-of-line hyphenation.

    A soft hyphen at a line end always joins. A hard hyphen after a letter joins when the next
    line goes on in lower case ("organi-" + "sation"), unless the document writes that word
    with its hyphen elsewhere (``known``, from :func:`compounds`): then it stays ("well-being").
    """
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith(SOFT_HYPHEN):
            out = out[:-1] + part
        elif len(out) > 1 and out.endswith("-") and out[-2].isalpha() and part[0].islower():
            head = re.search(r"([A-Za-z]+)-$", out)
            tail = re.match(r"[a-z]+", part)
            word = f"{head.group(1).lower()}-{tail.group(0)}" if head and tail else ""
            out = out + part if word in known else out[:-1] + part
        else:
            out = f"{out} {part}"
    return out.replace(SOFT_HYPHEN, "")


def split_markers(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Text without marker sentinels, and (position, number) of each marker taken out."""
    if MARK_OPEN not in text:
        return text, []
    found: list[tuple[int, str]] = []
    out: list[str] = []
    length = 0
    last = 0
    for m in _MARKER.finditer(text):
        piece = text[last : m.start()]
        out.append(piece)
        length += len(piece)
        found.append((length, m.group(1)))
        last = m.end()
    out.append(text[last:])
    clean = "".join(out).replace(MARK_OPEN, "").replace(MARK_CLOSE, "")
    return clean, found


def strip_markers(text: str) -> str:
    return split_markers(text)[0]
