"""Booklets laid out like the printed GMC guidance, with the truth of what extraction must give.

:func:`make_booklet` writes an A4 PDF with PyMuPDF (plain ``insert_text`` and ``draw_rect``; no
tables or Story API, which are far too slow) holding every feature of the 2012 booklet: a cover,
a shaded "duties" page with ZapfDingbats bullets, a contents page with paragraph ranges and page
numbers, numbered paragraphs with the number in the margin, lettered sub-items in one of four
forms, dingbat bullet lists, endnote markers set small and raised mid-line, shaded boxes (one
split over a page break, one interrupting a paragraph at a page break), running headers,
footers that alternate sides, ligatures, soft hyphens and words hyphenated across lines, and an
endnotes section. It returns a :class:`Booklet` whose ``blocks`` list, in order, what a correct
extraction gives. All prose is placeholder text written for these tests; none is GMC guidance.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

PAGE_W, PAGE_H = 595.0, 842.0
NUMBER_X, BODY_X, RIGHT_X = 50.0, 90.0, 523.0
TOP_Y, BOTTOM_Y = 80.0, 770.0
SIZE, LEADING = 10.5, 14.0
NOTE_SIZE = 9.0
BOX_FILL = (0.86, 0.9, 0.96)
HEADER = "Leadership for test readers: running header"
FOOTER = "General Medical Council"
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

# Where the letter and the item's text start, relative to the body's left edge.
LETTERS = {
    "hanging": ("{}", 0.0, 18.0),  # "a" at the body's edge, text indented
    "indented": ("{}", 12.0, 28.0),  # the letter itself indented
    "paren": ("({})", 0.0, 22.0),  # "(a)"
    "close": ("{})", 12.0, 30.0),  # "a)"
}
BULLETS = {"zadb-n": ("zadb", "n"), "zadb-l": ("zadb", "l"), "symb": ("symb", "\u00b7")}
VARIANTS = {
    "hanging-n": {"letters": "hanging", "bullets": "zadb-n"},
    "indented-l": {"letters": "indented", "bullets": "zadb-l"},
    "paren-symb": {"letters": "paren", "bullets": "symb"},
    "close-n": {"letters": "close", "bullets": "zadb-n", "duties_shaded": False},
}
DINGBAT_LETTERS = ("n", "l", "q", "u", "\u00b7")

_NOUNS = ("rota", "budget", "ward", "audit", "handover", "roster", "clinic", "panel", "review")
_VERBS = ("checks", "plans", "records", "shares", "weighs", "agrees", "reviews", "explains")
_ADJ = ("shared", "local", "fair", "clear", "timely", "open", "careful", "steady")


def prose(seed: int, words: int) -> list[str]:
    """Placeholder words: short made-up sentences, the same for the same seed."""
    out: list[str] = []
    k = seed * 11
    while len(out) < words:
        k += 1
        sentence = (
            f"Each {_ADJ[k % 8]} test {_NOUNS[k % 9]} {_VERBS[(k * 3) % 8]} a "
            f"{_NOUNS[(k * 5) % 9]} with the {_ADJ[(k * 7) % 8]} team."
        ).split()
        out.extend(sentence)
    out = out[:words]
    out[-1] = out[-1].rstrip(".") + "."
    return out


@dataclass(frozen=True)
class Expected:
    """One block a correct extraction gives."""

    kind: str
    paragraph: str | None
    text: str
    endnotes: tuple[int, ...] = ()  # endnote markers taken out of the text, in order
    note: int | None = None  # an endnote's own number


@dataclass
class Booklet:
    path: Path
    variant: str
    page_count: int = 0
    blocks: list[Expected] = field(default_factory=list)
    ligatures: bool = False  # drawn with a TrueType font, so ligature glyphs are real

    def of_kind(self, kind: str) -> list[Expected]:
        return [b for b in self.blocks if b.kind == kind]


@dataclass
class _Word:
    text: str
    marker: int | None = None  # endnote marker drawn right after the word
    split: str | None = None  # "hyphen" / "soft" / "compound": break this word at its "|"


@functools.lru_cache(maxsize=8192)
def _length(text: str, font: str, size: float) -> float:
    if font == "dejavu":
        return _dejavu().text_length(text, fontsize=size)
    return pymupdf.get_text_length(text, fontname=font, fontsize=size)


@functools.lru_cache(maxsize=1)
def _dejavu() -> pymupdf.Font:
    return pymupdf.Font(fontfile=str(DEJAVU))


class _Writer:
    """Flows lines down A4 pages, drawing boxes behind text and breaking pages as needed."""

    def __init__(self, doc: pymupdf.Document, font: str = "helv") -> None:
        self.doc = doc
        self.font = font
        self.page = doc.new_page(width=PAGE_W, height=PAGE_H)
        self.y = TOP_Y
        self.pending_box: tuple[str, list[str]] | None = None

    def new_page(self) -> None:
        self.page = self.doc.new_page(width=PAGE_W, height=PAGE_H)
        self.y = TOP_Y
        if self.pending_box is not None:  # a box floated to the top of the next page
            title, words = self.pending_box
            self.pending_box = None
            self.box(title, words)

    def room(self, lines: int = 1) -> None:
        if self.y + (lines - 1) * LEADING > BOTTOM_Y:
            self.new_page()

    def put(self, x: float, text: str, size: float = SIZE, font: str | None = None) -> None:
        font = font or self.font
        kw = {"fontfile": str(DEJAVU)} if font == "dejavu" else {}
        if font == "dejavu":
            text = text.replace("fi", "\ufb01").replace("fl", "\ufb02")
        self.page.insert_text((x, self.y), text, fontname=font, fontsize=size, **kw)

    def wrap(self, words: list[_Word], width: float, size: float = SIZE) -> list[list[_Word]]:
        """Greedy lines; a word marked ``split`` is broken across the line end at its "|"."""
        lines: list[list[_Word]] = [[]]
        used = 0.0
        space = _length(" ", self.font, size)
        for word in words:
            if word.split:
                head, tail = word.text.split("|")
                mark = "\u00ad" if word.split == "soft" else ("" if "-" in head[-1:] else "-")
                lines[-1].append(_Word(head + mark))
                lines.append([_Word(tail, word.marker)])
                used = _length(tail, self.font, size)
                continue
            w = _length(word.text, self.font, size) + (4 if word.marker else 0)
            if lines[-1] and used + space + w > width:
                lines.append([])
                used = 0.0
            used += (space if lines[-1] else 0) + w
            lines[-1].append(word)
        return lines

    def line(self, x: float, words: list[_Word], size: float = SIZE) -> None:
        """One line of words, with raised endnote markers drawn small after their words."""
        segment: list[str] = []
        for word in words:
            segment.append(word.text)
            if word.marker is not None:
                text = " ".join(segment)
                self.put(x, text, size)
                x += _length(text, self.font, size) + 0.6
                mark = str(word.marker)
                self.page.insert_text((x, self.y - 4.0), mark, fontname="helv", fontsize=6.5)
                x += _length(mark, "helv", 6.5) + _length(" ", self.font, size)
                segment = []
        if segment:
            self.put(x, " ".join(segment), size)

    def flow(self, x: float, words: list[_Word], size: float = SIZE, first: str = "") -> None:
        """A run of wrapped lines at ``x``; ``first`` is drawn in the margin on the first."""
        for k, words_of_line in enumerate(self.wrap(words, RIGHT_X - x, size)):
            self.room()
            if k == 0 and first:
                self.put(NUMBER_X, first, size, font="hebo")
            self.line(x, words_of_line, size)
            self.y += LEADING if size >= SIZE else 12

    def box(self, title: str, words: list[str]) -> None:
        """A shaded box; when it meets the page bottom it goes on, shaded, on the next page."""
        lines = [[_Word(title)], *self.wrap([_Word(w) for w in words], RIGHT_X - BODY_X - 24)]
        self.y += 6
        while lines:
            fit = max(1, int((BOTTOM_Y - self.y) // LEADING) + 1)
            part, lines = lines[:fit], lines[fit:]
            top = self.y - SIZE - 4
            rect = pymupdf.Rect(BODY_X - 6, top, RIGHT_X + 6, top + len(part) * LEADING + 8)
            self.page.draw_rect(rect, color=None, fill=BOX_FILL)
            for k, words_of_line in enumerate(part):
                font = "hebo" if k == 0 and words_of_line[0].text == title else None
                self.put(BODY_X + 12, " ".join(w.text for w in words_of_line), font=font)
                self.y += LEADING
            if lines:
                self.new_page()
        self.y += 14


def make_booklet(
    path: Path | str,
    letters: str = "hanging",
    bullets: str = "zadb-n",
    *,
    sections: int = 3,
    variant: str = "",
    duties_shaded: bool = True,
) -> Booklet:
    """A booklet like the printed guidance; see the module docstring for what it holds.

    ``letters`` picks the form of lettered items (:data:`LETTERS`), ``bullets`` the dingbat
    (:data:`BULLETS`); ``duties_shaded=False`` draws the duties page's box as an outline only,
    so its title is a heading and its text plain text rather than a shaded box.
    """
    path = Path(path)
    glyph_font, glyph = BULLETS[bullets]
    letter_form, letter_dx, text_dx = LETTERS[letters]
    font = "dejavu" if DEJAVU.exists() else "helv"
    book = Booklet(path, variant or f"{letters}-{bullets}", ligatures=font == "dejavu")
    truth = book.blocks
    doc = pymupdf.open()
    w = _Writer(doc, font)

    # Cover: no prose, only display lines, all front matter.
    for text, size, gap in (
        ("Leadership test booklet", 26, 60),
        ("Placeholder guidance for test readers", 14, 30),
        ("Published for tests in 2026", 10, 20),
    ):
        w.y += gap
        w.put(BODY_X, text, size, font="hebo" if size > 20 else None)
        truth.append(Expected("front-matter", None, text))

    # Duties page: a shaded box with a title, a line of text and dingbat bullets.
    w.new_page()
    duties = [prose(900 + k, 9 + k % 3) for k in range(4)]
    rect = pymupdf.Rect(BODY_X - 10, TOP_Y - 20, RIGHT_X + 10, TOP_Y + 40 + 2 * LEADING * 4)
    if duties_shaded:
        w.page.draw_rect(rect, color=None, fill=BOX_FILL)
    else:
        w.page.draw_rect(rect, color=(0.2, 0.3, 0.5), width=1.5)
    w.put(BODY_X, "The duties of a test doctor", 14, font="hebo")
    w.y += 24
    intro = " ".join(prose(899, 8))
    w.put(BODY_X, intro)
    if duties_shaded:
        truth.append(Expected("box", None, f"The duties of a test doctor {intro}"))
    else:
        truth.append(Expected("heading", None, "The duties of a test doctor"))
        truth.append(Expected("pdf-text", None, intro))
    w.y += LEADING + 4
    for words in duties:
        w.page.insert_text((BODY_X + 4, w.y), "n", fontname="zadb", fontsize=7)
        w.flow(BODY_X + 18, [_Word(x) for x in words])
        truth.append(Expected("list-item", None, " ".join(words)))

    # Contents: rows with paragraph ranges and page numbers, front matter too.
    w.new_page()
    w.put(BODY_X, "Contents", 16, font="hebo")
    truth.append(Expected("front-matter", None, "Contents"))
    w.y += 30
    w.put(360, "Paragraph(s)", 9)
    w.put(480, "Page", 9)
    truth.append(Expected("front-matter", None, "Paragraph(s) Page"))
    w.y += 18
    per = 4
    for s in range(sections):
        title = f"Test section {s + 1}: {_NOUNS[s % 9]} planning"
        w.put(BODY_X, title)
        w.put(360, f"{s * per + 1}\u2013{s * per + per}")
        w.put(480, f"{4 + s:02d}")
        truth.append(
            Expected("front-matter", None, f"{title} {s * per + 1}–{s * per + per} {4 + s:02d}")
        )
        w.y += LEADING + 4

    # Body: numbered paragraphs with every feature, ``per`` to a section.
    w.new_page()
    marker = 0
    notes: list[list[str]] = []
    n = 0
    for s in range(sections):
        w.room(4)
        title = f"Test section {s + 1}: {_NOUNS[s % 9]} planning"
        w.put(BODY_X, title, 15, font="hebo")
        truth.append(Expected("heading", None, title))
        w.y += 26
        for k in range(per):
            n += 1
            label = str(n)
            words = [_Word(x) for x in prose(n, 34 + 9 * (n % 3))]
            marks: list[int] = []
            if n % 3 == 1:  # an endnote marker in the middle of a line
                marker += 1
                words[9].marker = marker
                marks.append(marker)
                notes.append(prose(500 + marker, 12 + 14 * (marker % 2)))
            if n == 2:
                words[5] = _Word("organi|sation", split="hyphen")
            if n == 3:
                words[2] = _Word("well-being")  # the compound, written mid-line
            if n == 5:
                words[6] = _Word("well-|being", split="compound")
            if n == 6:
                words[4] = _Word("recon|ciliation", split="soft" if font == "dejavu" else "hyphen")
            if n == 7:
                words[3] = _Word("fine")
                words[8] = _Word("workflow")
            text = " ".join(
                x.text.replace("|", "") for x in words
            )  # the words as a reader types them
            if k == 3 and s == 1:
                # The paragraph breaks at the page bottom; a box floats to the next page's top.
                w.y = BOTTOM_Y - LEADING
                w.pending_box = ("Case study: a test ward", prose(700, 40))
            w.room(2)
            w.flow(BODY_X, words, first=label)
            truth.append(Expected("pdf-paragraph", label, text, tuple(marks)))
            if k == 3 and s == 1:
                box_words = prose(700, 40)
                truth.append(
                    Expected("box", None, "Case study: a test ward " + " ".join(box_words))
                )
            if k == 1:  # lettered sub-items, one split over a page break, one with bullets
                for j, letter in enumerate("abc"):
                    item = prose(100 * n + j, 20 + 8 * j)
                    if j == 1:
                        w.y = max(w.y, BOTTOM_Y - LEADING)  # item (b) runs over a page break
                    w.room(2)
                    w.put(BODY_X + letter_dx, letter_form.format(letter))
                    w.flow(BODY_X + text_dx, [_Word(x) for x in item])
                    truth.append(Expected("pdf-paragraph", f"{label}({letter})", " ".join(item)))
                    if j == 2:
                        for b in range(2):
                            bullet = prose(300 * n + b, 10)
                            _bullet(w, BODY_X + text_dx, glyph_font, glyph, bullet)
                            truth.append(
                                Expected("list-item", f"{label}({letter})", " ".join(bullet))
                            )
            if k == 2:  # a bullet list inside the paragraph, then the paragraph goes on
                for b in range(3):
                    bullet = prose(400 * n + b, 8 + 5 * b)
                    _bullet(w, BODY_X, glyph_font, glyph, bullet)
                    truth.append(Expected("list-item", label, " ".join(bullet)))
                tail = prose(600 + n, 16)
                w.flow(BODY_X, [_Word(x) for x in tail])
                para = truth[-4]
                truth[-4] = Expected(
                    para.kind, para.paragraph, f"{para.text} {' '.join(tail)}", para.endnotes
                )
            w.y += 6
        if s == 0:  # a long box between sections, split over a page break
            w.y = max(w.y, BOTTOM_Y - 3 * LEADING)
            box_words = prose(800, 90)
            w.box("Quotation from a test panel", box_words)
            truth.append(
                Expected("box", None, "Quotation from a test panel " + " ".join(box_words))
            )

    # Endnotes, numbered in the margin like paragraphs.
    w.new_page()
    w.put(BODY_X, "Endnotes", 15, font="hebo")
    truth.append(Expected("heading", None, "Endnotes"))
    w.y += 26
    for k, words in enumerate(notes, start=1):
        w.flow(BODY_X, [_Word(x) for x in words], size=NOTE_SIZE, first=str(k))
        truth.append(Expected("endnote", None, " ".join(words), note=k))
        w.y += 4

    _furniture(doc)
    doc.set_metadata({"title": "Leadership test booklet", "author": "tests/booklets.py"})
    doc.save(path, garbage=1, deflate=True)
    book.page_count = doc.page_count
    doc.close()
    return book


def _bullet(w: _Writer, x: float, font: str, glyph: str, words: list[str]) -> None:
    w.room()
    w.page.insert_text((x + 4, w.y), glyph, fontname=font, fontsize=7 if font == "zadb" else 10)
    w.flow(x + 18, [_Word(t) for t in words])


def _furniture(doc: pymupdf.Document) -> None:
    """A running header and footers that alternate sides, on every page but the cover."""
    for page in doc:
        if page.number == 0:
            continue
        page.insert_text((BODY_X, 40), HEADER, fontname="helv", fontsize=8)
        number = f"{page.number + 1:02d}"
        if (page.number + 1) % 2:  # odd pages: on the right
            text = f"{FOOTER} | {number}"
            x = RIGHT_X - pymupdf.get_text_length(text, fontname="helv", fontsize=8)
        else:
            text, x = f"{number} | {FOOTER}", BODY_X
        page.insert_text((x, 812), text, fontname="helv", fontsize=8)
