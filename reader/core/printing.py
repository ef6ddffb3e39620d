"""The print room, without Qt: what to print, and the printable HTML with its page furniture.

A :class:`PrintRequest` says what the user chose (a tab, sections, a paragraph range of an added
document, pages of a PDF, slides as handouts, search results) and how (notes in the margin or as
endnotes, highlights, paragraph numbers, paper). :func:`build_print_job` turns it into a
:class:`PrintJob`: reflowed HTML, or the PDF pages to print as they are, plus the header and
footer every page carries. ``reader.ui.print_renderer`` paginates the job onto a ``QPrinter``;
the print dialog, its preview and ``reader print`` all go through the same two steps.

The user's notes are always set apart and labelled "Your note", and every piece of text is
escaped, so a note containing ``<b>`` or ``<script>`` prints as those characters.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.content import Block, ContentPack

NOTICE = "Check the GMC website for the current version"
PAPERS = ("a4", "letter")
NOTE_MODES = ("none", "margin", "endnotes")
GUIDANCE_SLOT = "guidance-pdf"  # the added document whose paragraphs carry the GMC's numbers
_DASHES = "-–—"  # hyphen, en dash, em dash: people type all three in "84–87"
_LABEL = re.compile(r"^(\d+)\s*(?:\(?\s*([a-z]{1,3})\s*\)?)?$", re.IGNORECASE)


class PrintError(Exception):
    """The request cannot be printed; the message is one plain sentence."""


@dataclass(frozen=True)
class PrintNote:
    """A user's note (or a bare highlight when ``text`` is empty) on one block."""

    block_id: str
    text: str = ""
    quote: str = ""
    colour: str = ""  # a CSS colour for the highlight, e.g. "#fff3a0"; empty: no highlight


@dataclass(frozen=True)
class PrintRequest:
    """What to print and how. Empty selectors mean "the whole of it"."""

    tab: str | None = None
    sections: tuple[str, ...] = ()
    document: str | None = None  # a document slot, e.g. "guidance-pdf" or "presentation"
    paragraphs: str | None = None  # "84–87", "85(b)", "12, 14–16"
    pages: str | None = None  # "3–7", "all" (PDF documents, printed as they are)
    block_ids: tuple[str, ...] = ()  # an explicit selection, e.g. the current search results
    handouts: int = 0  # 2 or 3 slides to a page; 0 prints a deck's text as reflowed text
    notes: str = "none"  # none | margin | endnotes
    highlights: bool = False
    paragraph_numbers: bool = True
    paper: str = "a4"  # a4 | letter
    landscape: bool = False


@dataclass(frozen=True)
class Furniture:
    """The header and footer printed on every page."""

    title: str
    edition: str
    section: str
    printed: str  # the date printed, e.g. "28 November 2026"
    notice: str = NOTICE

    @property
    def header_left(self) -> str:
        return f"{self.title} ({self.edition})"

    def footer_left(self) -> str:
        return f"Printed {self.printed}. {self.notice}."

    @staticmethod
    def page_label(page: int, total: int) -> str:
        return f"page {page} of {total}"


@dataclass
class PrintJob:
    """A built request: either ``html`` to reflow, or ``pdf_path`` + ``pdf_pages`` to print as
    they are. ``sections`` maps HTML anchor names to section titles for the running header."""

    furniture: Furniture
    paper: str = "a4"
    landscape: bool = False
    html: str = ""
    blocks: list[Block] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)
    pdf_path: Path | None = None
    pdf_pages: list[int] = field(default_factory=list)  # 0-based
    kind: str = "text"  # text | pdf-pages | handouts


# ----------------------------------------------------------------------------- parsing


def _label(token: str) -> str:
    match = _LABEL.match(token.strip())
    if not match:
        raise PrintError(f"'{token.strip()}' is not a paragraph number like 85 or 85(b).")
    number, letter = match.groups()
    return f"{int(number)}({letter.lower()})" if letter else str(int(number))


def _top(label: str) -> int:
    return int(label.split("(")[0])


def _split_range(token: str) -> tuple[str, str] | None:
    for dash in _DASHES:
        if dash in token:
            start, _, end = token.partition(dash)
            return start.strip(), end.strip()
    return None


def parse_paragraph_list(text: str, available: Sequence[str]) -> list[str]:
    """The paragraph labels ``text`` names, in document order, from those ``available``.

    "85" includes its sub-items 85(a), 85(b)...; "85(b)" is that item alone; "84–87" runs from
    84 to the last sub-item of 87. Raises :class:`PrintError` for a number the document lacks.
    """
    order = list(available)
    if not order:
        raise PrintError("This document has no numbered paragraphs to choose from.")
    position = {label: i for i, label in enumerate(order)}
    last = max(_top(label) for label in order)
    span = f"{order[0]}–{order[-1]}"
    chosen: set[int] = set()

    def locate(label: str, end: bool) -> int:
        if label in position and not (end and "(" not in label):
            return position[label]
        if "(" not in label:
            indices = [i for i, lab in enumerate(order) if _top(lab) == int(label)]
            if indices:
                return indices[-1] if end else indices[0]
        if _top(label) > last:
            raise PrintError(f"Paragraph {label} is past the end; the paragraphs run {span}.")
        raise PrintError(f"There is no paragraph {label}; the paragraphs run {span}.")

    tokens = [t for t in re.split(r"[,;]", text) if t.strip()]
    if not tokens:
        raise PrintError("Give the paragraphs to print, for example 84–87 or 85(b).")
    for token in tokens:
        bounds = _split_range(token)
        if bounds is None:
            label = _label(token)
            chosen.update(range(locate(label, False), locate(label, True) + 1))
            continue
        start, end = (_label(part) for part in bounds)
        first, final = locate(start, False), locate(end, True)
        if first > final:
            raise PrintError(f"The range {start}–{end} runs backwards; write it as {end}–{start}.")
        chosen.update(range(first, final + 1))
    return [order[i] for i in sorted(chosen)]


def parse_page_list(text: str, page_count: int) -> list[int]:
    """0-based page indices from "all", "3", "3–7" or "1, 3–5" (pages counted from 1)."""
    text = (text or "all").strip().lower()
    if text == "all":
        return list(range(page_count))
    chosen: set[int] = set()
    for token in (t.strip() for t in re.split(r"[,;]", text)):
        if not token:
            continue
        bounds = _split_range(token) or (token, token)
        if not all(part.isdigit() for part in bounds):
            raise PrintError(f"'{token}' is not a page range like 3–7, or all.")
        first, final = int(bounds[0]), int(bounds[1])
        if first < 1 or first > final:
            raise PrintError(f"The page range {token} is not a range of pages from 1 upwards.")
        if final > page_count:
            raise PrintError(f"Page {final} is past the end; the document has {page_count} pages.")
        chosen.update(range(first - 1, final))
    if not chosen:
        raise PrintError("Give the pages to print, for example 3–7, or all.")
    return sorted(chosen)


# ----------------------------------------------------------------------------- selection


def _section_blocks(blocks: Sequence[Block], section: str) -> list[Block] | None:
    """The blocks of a section: from its heading to the next heading at its level or above."""
    start = next(
        (i for i, b in enumerate(blocks) if b.kind == "heading" and b.section == section), None
    )
    if start is None:
        found = [b for b in blocks if b.section == section]
        return found or None
    level = blocks[start].level
    out = [blocks[start]]
    for block in blocks[start + 1 :]:
        if block.kind == "heading" and block.level <= level:
            break
        out.append(block)
    return out


def _document_blocks(request: PrintRequest, pack: ContentPack, library) -> list[Block]:
    doc = _document(request.document or GUIDANCE_SLOT, pack, library)
    return library.blocks_of(doc)


def _document(slot: str, pack: ContentPack, library):
    try:
        title = pack.slot(slot).title
    except KeyError:
        known = ", ".join(s.id for s in pack.slots)
        raise PrintError(f"There is no document '{slot}'; the documents are {known}.") from None
    doc = library.for_slot(slot) if library is not None else None
    if doc is None:
        raise PrintError(f"“{title}” has not been added yet, so it cannot be printed.")
    return doc


def select_blocks(
    request: PrintRequest, pack: ContentPack, library=None
) -> tuple[list[Block], str]:
    """The blocks a text request prints, and a label for the header's section field."""
    if request.block_ids:
        pool = pack.blocks()
        if library is not None:
            pool += library.searchable()[0]
        by_id = {b.id: b for b in pool}
        missing = [i for i in request.block_ids if i not in by_id]
        if missing:
            raise PrintError(f"There is no block '{missing[0]}' to print.")
        return [by_id[i] for i in request.block_ids], "Selected passages"
    if request.document or request.paragraphs:
        pool = _document_blocks(request, pack, library)
        label = pack.slot(request.document or GUIDANCE_SLOT).title
    elif request.tab:
        try:
            tab = pack.tab(request.tab)
        except KeyError:
            known = ", ".join(t.id for t in pack.tabs)
            raise PrintError(f"There is no tab '{request.tab}'; the tabs are {known}.") from None
        pool, label = list(tab.blocks), tab.title
    else:
        pool, label = pack.blocks(), "The whole guidance page"
    if request.paragraphs:
        labels = [b.paragraph for b in pool if b.paragraph]
        wanted = set(parse_paragraph_list(request.paragraphs, labels))
        pool = [b for b in pool if b.paragraph in wanted]
        label = f"{label}, paragraphs {request.paragraphs.strip()}"
    if request.sections:
        chosen: list[Block] = []
        for section in request.sections:
            found = _section_blocks(pool, section)
            if found is None:
                where = f"the tab '{request.tab}'" if request.tab else "what is being printed"
                raise PrintError(f"There is no section '{section}' in {where}.")
            chosen.extend(b for b in found if b not in chosen)
        pool = chosen
        if len(request.sections) == 1:
            label = pool[0].section_title or label
    if not pool:
        raise PrintError("Nothing was chosen to print.")
    return pool, label


# ----------------------------------------------------------------------------- HTML
# Qt's rich text reads margins and padding only in px (1/96 inch, scaled to the printer);
# font sizes in pt.

_CSS = """
body { font-family: 'DejaVu Serif', Georgia, serif; font-size: 11pt; color: #000; }
h1 { font-size: 17pt; margin-top: 13px; margin-bottom: 8px; }
h2 { font-size: 14pt; margin-top: 13px; margin-bottom: 5px; }
h3 { font-size: 12pt; margin-top: 11px; margin-bottom: 4px; }
p { margin-top: 0px; margin-bottom: 8px; }
.num { font-weight: bold; }
.example { margin-left: 19px; font-style: italic; }
.speaker { margin-left: 19px; color: #333; }
.small { font-size: 9pt; color: #444; }
.mynote { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9pt; color: #123a6b; }
.marker { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8pt; color: #123a6b; }
"""


def _esc(text: str) -> str:
    """Literal text: markup characters escaped, line breaks kept."""
    return html.escape(text, quote=True).replace("\n", "<br>")


def _block_html(block: Block, options: PrintRequest, highlight: str) -> str:
    text = _esc(block.text)
    if highlight:
        text = f'<span style="background-color: {_esc(highlight)}">{text}</span>'
    if block.kind == "heading":
        level = min(max(block.level, 1), 3)
        return f"<h{level}>{text}</h{level}>"
    number = ""
    if options.paragraph_numbers and block.paragraph:
        number = f'<span class="num">{_esc(block.paragraph)}</span>&nbsp;&nbsp;'
    indent = 24 * (block.level or (1 if block.paragraph and "(" in block.paragraph else 0))
    style = f' style="margin-left: {indent}px"' if indent else ""
    if block.kind == "list-item":
        return f"<p{style}>&bull;&nbsp;{number}{text}</p>"
    if block.kind == "example":
        return f'<p class="example">{number}{text}</p>'
    if block.kind == "speaker-note":
        return f'<p class="speaker"><span class="small">Speaker notes:</span> {text}</p>'
    if block.kind == "slide":
        title, _, body = block.text.partition("\n")
        body_html = f"<p>{_esc(body)}</p>" if body else ""
        return f"<h3>Slide {(block.page or 0) + 1}: {_esc(title)}</h3>{body_html}"
    if block.kind == "copyright":
        return f'<p class="small">{text}</p>'
    return f"<p{style}>{number}{text}</p>"


def _note_html(number: int | None, note: PrintNote) -> str:
    label = f"Your note {number}" if number is not None else "Your note"
    quote = f"<br><i>“{_esc(note.quote)}”</i>" if note.quote else ""
    return f'<span class="mynote"><b>{label}:</b> {_esc(note.text)}{quote}</span>'


def build_html(
    blocks: Sequence[Block],
    options: PrintRequest,
    notes: Iterable[PrintNote] = (),
    title: str = "",
) -> tuple[str, dict[str, str]]:
    """Printable HTML for ``blocks``, and the anchor → section title map for running headers.

    Notes print only when ``options.notes`` asks, each in its own box labelled "Your note"
    (margin: a column beside its paragraph, in the same table row so the two stay together;
    endnotes: a numbered marker after the paragraph and the notes at the end).
    """
    by_block: dict[str, list[PrintNote]] = {}
    for note in notes:
        by_block.setdefault(note.block_id, []).append(note)
    out = [f"<html><head><style>{_CSS}</style></head><body>"]
    if title:
        out.append(f"<h1>{_esc(title)}</h1>")
    sections: dict[str, str] = {}
    endnotes: list[tuple[int, Block, PrintNote]] = []
    current_section = None
    for block in blocks:
        attached = by_block.get(block.id, [])
        highlight = ""
        if options.highlights:
            highlight = next((n.colour for n in attached if n.colour), "")
        body = _block_html(block, options, highlight)
        if block.section != current_section:
            # the anchor sits inside the block, where Qt keeps it, to name the running header
            current_section = block.section
            anchor = f"sec{len(sections)}"
            sections[anchor] = block.section_title
            body = body.replace(">", f'><a name="{anchor}"></a>', 1)
        texts = [n for n in attached if n.text.strip()] if options.notes != "none" else []
        if not texts:
            out.append(body)
        elif options.notes == "margin":
            side = "<br>".join(_note_html(None, n) for n in texts)
            out.append(
                '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
                f'<td width="68%" valign="top">{body}</td><td width="2%"></td>'
                '<td width="30%" valign="top" style="background-color: #eef3fa; '
                f'padding: 4px">{side}</td></tr></table>'
            )
        else:
            marks = []
            for note in texts:
                endnotes.append((len(endnotes) + 1, block, note))
                marks.append(f"[Your note {len(endnotes)}]")
            out.append(body)
            out.append(f'<p class="marker">{" ".join(marks)}</p>')
    if endnotes:
        out.append('<h2><a name="endnotes"></a>Your notes</h2>')
        sections["endnotes"] = "Your notes"
        for number, block, note in endnotes:
            where = f"para {block.paragraph}" if block.paragraph else block.section_title
            out.append(
                f'<p>{_note_html(number, note)}<br><span class="small">on {_esc(where)}</span></p>'
            )
    out.append("</body></html>")
    return "".join(out), sections


def handouts_html(blocks: Sequence[Block], per_page: int) -> tuple[str, dict[str, str]]:
    """Slides as handouts: each slide boxed with its speaker notes, ``per_page`` to a page."""
    if per_page not in (2, 3):
        raise PrintError("Handouts print 2 or 3 slides to a page.")
    slides = [b for b in blocks if b.kind == "slide"]
    if not slides:
        raise PrintError("There are no slides to print as handouts.")
    notes = {b.page: b.text for b in blocks if b.kind == "speaker-note"}
    out = [f"<html><head><style>{_CSS}</style></head><body>"]
    sections: dict[str, str] = {}
    for i, slide in enumerate(slides):
        anchor = f"sec{i}"
        sections[anchor] = f"Slide {(slide.page or 0) + 1}"
        title, _, body = slide.text.partition("\n")
        note = notes.get(slide.page, "")
        breaking = "page-break-before: always; " if i and i % per_page == 0 else ""
        out.append(
            f'<table width="100%" border="1" cellspacing="0" cellpadding="6" '
            f'style="{breaking}border-color: #888; margin-bottom: 14px"><tr>'
            f'<td width="55%" valign="top"><a name="{anchor}"></a>'
            f"<b>Slide {(slide.page or 0) + 1}: {_esc(title)}</b>"
            f"<br>{_esc(body)}</td>"
            '<td width="45%" valign="top"><span class="small">Speaker notes</span><br>'
            f"{_esc(note) if note else '<i>(none)</i>'}</td></tr></table>"
        )
    out.append("</body></html>")
    return "".join(out), sections


# ----------------------------------------------------------------------------- the job


def printed_date(today: _dt.date | None = None) -> str:
    today = today or _dt.date.today()
    return f"{today.day} {today.strftime('%B %Y')}"


def build_print_job(
    request: PrintRequest,
    pack: ContentPack,
    library=None,
    notes: Iterable[PrintNote] = (),
    today: _dt.date | None = None,
) -> PrintJob:
    """Turn a request into a job for the renderer, or raise :class:`PrintError`."""
    if request.paper not in PAPERS:
        raise PrintError(f"The paper must be a4 or letter, not '{request.paper}'.")
    if request.notes not in NOTE_MODES:
        raise PrintError(f"Notes print in the margin or as endnotes, not '{request.notes}'.")
    furniture = Furniture(pack.title, pack.edition, "", printed_date(today))
    job = PrintJob(furniture, paper=request.paper, landscape=request.landscape)
    slot = pack.slot(request.document) if request.document in {s.id for s in pack.slots} else None
    if slot is not None and not request.paragraphs and not request.sections:
        doc = _document(slot.id, pack, library)
        job.furniture = Furniture(pack.title, pack.edition, slot.title, furniture.printed)
        if doc.kind == "pdf":
            if request.handouts:
                raise PrintError("Handouts are for slides; a PDF prints its pages as they are.")
            job.kind = "pdf-pages"
            job.pdf_path = library.path_of(doc)
            job.pdf_pages = parse_page_list(request.pages or "all", doc.pages)
            return job
        if request.pages:
            raise PrintError("Pages can be chosen only for a PDF; a deck prints its slides.")
        blocks = library.blocks_of(doc)
        job.kind = "handouts"
        job.blocks = blocks
        job.html, job.sections = handouts_html(blocks, request.handouts or 3)
        return job
    if request.pages:
        raise PrintError("Pages can be chosen only with --document naming an added PDF.")
    if request.handouts:
        raise PrintError("Handouts need --document naming an added slide deck.")
    blocks, label = select_blocks(request, pack, library)
    job.blocks = blocks
    job.furniture = Furniture(pack.title, pack.edition, label, furniture.printed)
    job.html, job.sections = build_html(blocks, request, notes)
    return job


# ----------------------------------------------------------------------------- citation


def citation_for(block: Block, pack: ContentPack) -> tuple[str, str]:
    """The citation for a block, as plain text and as HTML (the title in italics), e.g.
    "(GMC, Leadership and management for all doctors, 2012, para 85)"."""
    if block.paragraph:
        where = f"para {block.paragraph}"
    elif block.kind in ("slide", "speaker-note") and block.page is not None:
        where = f"slide {block.page + 1}"
    elif block.page is not None:
        where = f"page {block.page + 1}"
    else:
        where = block.section_title
    title = pack.title
    if block.document not in ("page", GUIDANCE_SLOT):
        # a document outside every slot is cited as the guidance it sits beside
        with contextlib.suppress(KeyError):
            title = pack.slot(block.document).title
    tail = f", {where}" if where else ""
    plain = f"(GMC, {title}, {pack.edition}{tail})"
    rich = f"(GMC, <i>{_esc(title)}</i>, {_esc(pack.edition)}{_esc(tail)})"
    return plain, rich


# ----------------------------------------------------------------------------- PDF stamping


def stamp_pdf_pages(
    out_pdf: Path,
    source_pdf: Path,
    pages: Sequence[int],
    rects: Sequence[tuple[float, float, float, float]],
) -> None:
    """Place source ``pages`` as vectors into the body ``rects`` (points) of ``out_pdf``'s pages,
    so a PDF printout keeps the original's sharp text; the file is replaced atomically."""
    import os

    import pymupdf

    out_pdf = Path(out_pdf)
    tmp = out_pdf.with_name(out_pdf.name + ".tmp")
    with pymupdf.open(str(out_pdf)) as out, pymupdf.open(str(source_pdf)) as src:
        for target, (page, rect) in enumerate(zip(pages, rects, strict=True)):
            out[target].show_pdf_page(pymupdf.Rect(rect), src, page)
        out.save(str(tmp), garbage=1, deflate=True)
    with tmp.open("rb") as handle:
        os.fsync(handle.fileno())
    tmp.replace(out_pdf)
