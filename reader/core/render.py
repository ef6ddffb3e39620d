"""Blocks → HTML, in the subset of HTML that Qt's rich text engine understands.

The reading view and the print layout share this, so what is read and what is printed agree.
No Qt here: colours come in as plain strings chosen by the caller from the active palette.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import pairwise

from reader.core.model import Block, ContentPack, Link

BLOCK_ANCHOR_PREFIX = "b:"


@dataclass(frozen=True)
class Theme:
    """Colours for the rendered text; the UI derives them from the palette (light or dark)."""

    text: str = "#1b1b1b"
    muted: str = "#5a5a5a"
    link: str = "#0b5cad"
    panel: str = "#f1f4f8"
    panel_border: str = "#c5cfdb"
    example: str = "#f6f3ea"
    example_border: str = "#b59f62"
    highlight: str = "#ffe36e"
    highlight_text: str = "#000000"


@dataclass(frozen=True)
class SlotState:
    """What the reading view says about a document slot."""

    title: str
    installed: bool
    detail: str  # e.g. "Not installed yet. To add it: ..." or "PDF, 44 pages"


def anchor_for(block_id: str) -> str:
    return BLOCK_ANCHOR_PREFIX + block_id


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def inline_html(block: Block, theme: Theme, highlight_terms: Iterable[str] = ()) -> str:
    """The block's text as HTML with its links, and with search terms marked."""
    return text_html(block.text, theme, highlight_terms, block.links)


def text_html(
    text: str, theme: Theme, highlight_terms: Iterable[str] = (), links: tuple[Link, ...] = ()
) -> str:
    """Plain text as HTML, with ``links`` made links and search terms marked."""
    marks = _match_spans(text, highlight_terms)
    # Split the text at every link and highlight boundary so both can nest safely.
    cuts = {0, len(text)}
    for link in links:
        cuts.update((link.start, link.end))
    for start, end in marks:
        cuts.update((start, end))
    points = sorted(cuts)
    out: list[str] = []
    for start, end in pairwise(points):
        piece = _esc(text[start:end])
        if any(s <= start and end <= e for s, e in marks):
            piece = (
                f'<span style="background-color:{theme.highlight};'
                f'color:{theme.highlight_text}">{piece}</span>'
            )
        link = _link_at(links, start, end)
        if link is not None:
            piece = f'<a href="{_esc(link.target)}" style="color:{theme.link}">{piece}</a>'
        out.append(piece)
    return "".join(out)


def _link_at(links: tuple[Link, ...], start: int, end: int) -> Link | None:
    for link in links:
        if link.start <= start and end <= link.end:
            return link
    return None


def _match_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Character spans of whole-word-prefix matches of ``terms`` (case-insensitive)."""
    spans: list[tuple[int, int]] = []
    words = [t for t in {t.strip().lower() for t in terms} if t]
    if not words:
        return spans
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\w*",
        re.IGNORECASE,
    )
    for match in pattern.finditer(text):
        spans.append((match.start(), match.end()))
    return spans


def blocks_html(
    blocks: Iterable[Block],
    theme: Theme,
    *,
    slot_state: Callable[[str], SlotState] | None = None,
    highlight: dict[str, list[str]] | None = None,
    notes: dict[str, list[str]] | None = None,
) -> str:
    """HTML for a run of blocks: headings, paragraphs, lists, examples, copyright lines.

    ``slot_state`` describes each document slot a block links to; a card for it follows the block.
    ``highlight`` maps block ids to search terms to mark. ``notes`` maps block ids to note texts
    shown under the block (for printing with notes).
    """
    highlight = highlight or {}
    notes = notes or {}
    out: list[str] = []
    open_list: str | None = None
    for block in blocks:
        if block.kind != "list-item" and open_list:
            out.append(f"</{open_list}>")
            open_list = None
        anchor = f'<a name="{_esc(anchor_for(block.id))}"></a>'
        body = inline_html(block, theme, highlight.get(block.id, ()))
        if block.kind == "heading":
            level = min(max(block.level, 1), 4)
            out.append(f"<h{level}>{anchor}{body}</h{level}>")
        elif block.kind == "list-item":
            tag = "ol" if block.ordered else "ul"
            if open_list != tag:
                if open_list:
                    out.append(f"</{open_list}>")
                out.append(f"<{tag}>")
                open_list = tag
            out.append(f"<li>{anchor}{body}</li>")
        elif block.kind == "example":
            # Qt's table cells ignore the document's paragraph spacing: set it on the text.
            text = f'<p style="line-height:140%">{anchor}{body}</p>'
            out.append(boxed(text, theme.example, theme.example_border))
        elif block.kind == "copyright":
            out.append(f'<p style="color:{theme.muted}; font-size:small">{anchor}{body}</p>')
        else:
            number = ""
            if block.paragraph:
                number = f"<b>{_esc(block.paragraph)}</b>&nbsp;&nbsp;"
            out.append(f"<p>{anchor}{number}{body}</p>")
        for note in notes.get(block.id, ()):
            out.append(boxed("<i>My note:</i> " + _esc(note), theme.panel, theme.panel_border))
        if slot_state is not None:
            for link in block.links:
                if link.scheme == "slot":
                    out.append(slot_card(link.value, slot_state(link.value), theme))
    if open_list:
        out.append(f"</{open_list}>")
    return "\n".join(out)


def boxed(inner: str, background: str, border: str) -> str:
    # Qt's rich text draws borders and padding on tables, not on divs.
    return (
        f'<table width="100%" cellspacing="0" cellpadding="10" border="1" '
        f'style="border-color:{border}; border-style:solid; margin-top:6px; margin-bottom:10px" '
        f'bgcolor="{background}"><tr><td>{inner}</td></tr></table>'
    )


def slot_card(slot_id: str, state: SlotState, theme: Theme) -> str:
    status = "Installed" if state.installed else "Not installed yet"
    action = f'<a href="slot:{_esc(slot_id)}" style="color:{theme.link}">{_esc(state.title)}</a>'
    inner = (
        f'<a name="{_esc("slot-card:" + slot_id)}"></a>'
        f"<b>Document:</b> {action}<br/>"
        f'<span style="color:{theme.muted}">{status}. {_esc(state.detail)}</span>'
    )
    return boxed(inner, theme.panel, theme.panel_border)


def references_html(pack: ContentPack, blocks: Iterable[Block], theme: Theme) -> str:
    """A list of the outside organisations a run of blocks names, with their addresses."""
    seen: list[str] = []
    for block in blocks:
        for link in block.links:
            if link.scheme == "ref" and link.value not in seen:
                seen.append(link.value)
    if not seen:
        return ""
    items = []
    for ref_id in seen:
        ref = pack.reference(ref_id)
        line = f'<a href="ref:{_esc(ref.id)}" style="color:{theme.link}">{_esc(ref.name)}</a>'
        if ref.url:
            line += f' <span style="color:{theme.muted}">— {_esc(ref.url)}</span>'
        elif ref.note:
            line += f' <span style="color:{theme.muted}">— {_esc(ref.note)}</span>'
        else:
            line += f' <span style="color:{theme.muted}">— no public address recorded</span>'
        items.append(f"<li>{line}</li>")
    return (
        '<a name="references"></a><h3>Organisations named on this page</h3>'
        f"<ul>{''.join(items)}</ul>"
    )


def _with_markers(block: Block, theme: Theme, terms: Iterable[str], notes: dict[int, str]) -> str:
    """The block's text with each zero-width ``endnote:N`` link drawn as a raised number."""
    markers = sorted(
        (link.start, link.value)
        for link in block.links
        if link.scheme == "endnote" and link.start == link.end
    )
    others = tuple(link for link in block.links if link.start != link.end)
    out: list[str] = []
    start = 0
    for at, number in [*markers, (len(block.text), "")]:
        inside = tuple(
            Link(link.start - start, link.end - start, link.target)
            for link in others
            if start <= link.start and link.end <= at
        )
        out.append(text_html(block.text[start:at], theme, terms, inside))
        if number:
            tip = _esc(notes.get(int(number), "")) if number.isdigit() else ""
            out.append(
                f'<a href="endnote:{_esc(number)}" title="{tip}" '
                f'style="color:{theme.link}; text-decoration:none"><sup>{_esc(number)}</sup></a>'
            )
        start = at
    return "".join(out)


def _titled(block: Block, theme: Theme, terms: Iterable[str], notes: dict[int, str]) -> str:
    """A box's text with its own title set bold on a line of its own, as the booklet sets it."""
    cut = len(block.title or "")
    rest_at = cut + (len(block.text[cut:]) - len(block.text[cut:].lstrip()))

    def part(start: int, end: int) -> Block:
        links = tuple(
            Link(link.start - start, link.end - start, link.target)
            for link in block.links
            if start <= link.start and link.end <= end
        )
        return replace(block, text=block.text[start:end], links=links)

    title = _with_markers(part(0, cut), theme, terms, notes)
    rest = _with_markers(part(rest_at, len(block.text)), theme, terms, notes)
    return f"<b>{title}</b><br>{rest}"


def pdf_blocks_html(
    blocks: Iterable[Block],
    theme: Theme,
    endnotes: dict[int, Block],
    *,
    highlight: dict[str, list[str]] | None = None,
    current: str | None = None,
) -> str:
    """HTML for a PDF's reflowed paragraphs, laid out as the booklet sets them.

    Numbered paragraphs carry their number; lettered sub-items are indented with their letter;
    list items are bullets indented under their paragraph; boxes are shaded and bordered;
    endnotes come last, each linked from its raised marker in the text (the marker's tooltip
    is the endnote). Front matter (cover, contents) is left out: its numbers are page numbers
    and paragraph ranges, not paragraphs. ``current`` is the paragraph marked as being read.
    """
    highlight = highlight or {}
    tips = {number: block.text for number, block in endnotes.items()}
    out: list[str] = []
    notes: list[str] = []
    for block in blocks:
        if block.kind == "front-matter":
            continue
        anchor = f'<a name="{_esc(anchor_for(block.id))}"></a>'
        body = _with_markers(block, theme, highlight.get(block.id, ()), tips)
        mark = ""
        if block.id == current:
            mark = f"background-color:{theme.panel};"
        if block.kind == "heading":
            level = min(max(block.level, 1), 4)
            out.append(f"<h{level}>{anchor}{body}</h{level}>")
        elif block.kind == "endnote":
            number = next((n for n, b in endnotes.items() if b.id == block.id), None)
            label = f"<sup>{number}</sup>&nbsp;" if number is not None else ""
            notes.append(
                f'<p style="font-size:small; margin-left:18px; {mark}">{anchor}{label}{body}</p>'
            )
        elif block.kind == "box":
            if block.title and block.text.startswith(block.title):
                body = _titled(block, theme, highlight.get(block.id, ()), tips)
            text = f'<p style="line-height:140%">{anchor}{body}</p>'
            out.append(boxed(text, theme.example, theme.example_border))
        elif block.kind == "list-item":
            indent = 24 * max(block.level, 1)
            out.append(
                f'<p style="margin-left:{indent}px; margin-bottom:4px; {mark}">'
                f"{anchor}•&nbsp;&nbsp;{body}</p>"
            )
        elif block.kind == "pdf-paragraph" and block.level >= 1 and block.paragraph:
            letter = block.paragraph[len(block.paragraph.split("(", 1)[0]) :]
            out.append(
                f'<p style="margin-left:24px; {mark}">{anchor}'
                f"<b>{_esc(letter)}</b>&nbsp;&nbsp;{body}</p>"
            )
        else:
            number = f"<b>{_esc(block.paragraph)}</b>&nbsp;&nbsp;" if block.paragraph else ""
            out.append(f'<p style="{mark}">{anchor}{number}{body}</p>')
    if notes:
        out.append(f'<h2 style="color:{theme.muted}">Endnotes</h2>')
        out.extend(notes)
    return "\n".join(out)
