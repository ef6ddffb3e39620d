"""The pack's Markdown reader: markdown-it-py configured for content packs, with fast paths.

:func:`markdown_parser` is CommonMark with the ``container`` plugin (``::: example``,
``::: copyright``); :func:`inline_text` gives the plain text and links of a block's inline
content. markdown-it-py spends most of a large pack's time trying every rule on every line
and every character, so both take the commonest shapes (plain paragraphs, ATX headings, text
with no inline syntax or only simple links) directly, to the result markdown-it would give,
and leave everything else to markdown-it's own rules. ``fast=False`` is the stock path the
tests compare the fast one with (issue 14).
"""

from __future__ import annotations

import functools
import importlib
import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from mdit_py_plugins.container import container_plugin

from reader.core.model import Link

CONTAINER_KINDS = ("example", "copyright")


@functools.cache
def markdown_parser(fast: bool = True) -> MarkdownIt:
    """The pack's Markdown parser: CommonMark with the two containers.

    Inline content is parsed per block by :func:`inline_text` rather than by markdown-it's
    core ``inline`` rule, so that text with no inline syntax (most of a pack) skips it. With
    ``fast``, :func:`_fast_block` takes the commonest lines first (see there); ``fast=False``
    is the stock rule chain, which the tests compare the fast one against.
    """
    md = MarkdownIt("commonmark")
    for kind in CONTAINER_KINDS:
        md.use(container_plugin, kind)
    md.core.ruler.disable(["inline", "text_join"])
    if fast and md.block.ruler.get_active_rules() == _STOCK_BLOCK_RULES:
        md.block.ruler.before("code", "fast_block", _fast_block)
    return md


# The block rules _fast_block was written against, in markdown-it's order; another set (a
# different markdown-it or plugin) turns the fast path off rather than risk a different result.
_STOCK_BLOCK_RULES = [
    "code",
    *(f"container_{kind}" for kind in CONTAINER_KINDS),
    *("fence", "blockquote", "hr", "list", "reference", "html_block", "heading", "lheading"),
    "paragraph",
]
# First characters (after the indent) that some block rule other than lheading and paragraph
# may act on, at the start of a block or as a line that ends a paragraph: fences, quotes, hr,
# lists, references, HTML, headings, containers, setext underlines, tables. A line starting
# with anything else can only start or continue a paragraph.
_NOT_PLAIN = frozenset("`~>*-_+[<#:=|0123456789")
_TRIM = getattr(importlib.import_module("markdown_it.rules_block.paragraph"), "mdTrim", str.strip)


def _fast_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's own result for the commonest lines, without trying every rule on them.

    markdown-it tries each block rule in turn on every block (and the terminating rules on
    every line of a paragraph), which is most of its time on a large pack. Each rule first
    looks at the line's first character, so a ``#`` line can only be an ATX heading (read as
    the heading rule reads it; one it would refuse goes to the stock chain), and a line that
    starts with a plain character can only start a paragraph, which goes on until an empty
    line or a line that a terminating rule takes. Anything less clear-cut returns False and
    the stock rules run as before. Each paragraph or heading is one token (see below).
    """
    indent = state.sCount[start] - state.blkIndent
    first = state.bMarks[start] + state.tShift[start]
    if indent >= 4 or first >= state.eMarks[start] or silent:
        return False
    src = state.src
    char = src[first]
    if char == "#":
        return _atx_heading(state, start, first)
    if char in _NOT_PLAIN:
        return False
    b_marks, e_marks, t_shift, s_count = state.bMarks, state.eMarks, state.tShift, state.sCount
    blk_indent = state.blkIndent
    terminators = None
    # As markdown-it's lheading rule (which must fail) and then its paragraph rule would, in
    # their order, but with the terminating rules run only on lines they could act on. The
    # paragraph rule reads up to lineMax, not end.
    line, last = start + 1, state.lineMax
    while line < last:
        pos = b_marks[line] + t_shift[line]
        if pos >= e_marks[line]:
            break  # an empty line ends the paragraph
        char = src[pos]
        if char not in _NOT_PLAIN or s_count[line] - blk_indent > 3:
            line += 1  # text, or a lazy continuation line
            continue
        if char in "-=" and s_count[line] >= blk_indent:
            after = state.skipSpaces(state.skipCharsStr(pos, char))
            if after >= e_marks[line]:
                return False  # a setext underline: the lheading rule's
        if s_count[line] >= 0:  # (< 0: a blockquote's lazy line, never a terminator)
            if terminators is None:
                terminators = state.md.block.ruler.getRules("paragraph")
            parent, state.parentType = state.parentType, "paragraph"
            ends = any(rule(state, line, last, True) for rule in terminators)
            state.parentType = parent
            if ends:
                break
        line += 1
    # One token standing for the paragraph_open, inline and paragraph_close that markdown-it's
    # paragraph rule would push (no block rule reads them back; only _build_tab does).
    token = state.push(PLAIN_PARAGRAPH, "p", 0)
    token.content = _TRIM(state.getLines(start, line, blk_indent, False))
    token.map = [start, line]
    state.line = line
    return True


PLAIN_PARAGRAPH = "plain_paragraph"
PLAIN_HEADING = "plain_heading"
_ATX_OPENING = re.compile(r"#{1,6}(?=[ \t]|\Z)")


def _atx_heading(state: StateBlock, line: int, first: int) -> bool:
    """markdown-it's heading rule, giving one token for its heading_open, inline and close."""
    end = state.eMarks[line]
    opening = _ATX_OPENING.match(state.src, first, end)
    if opening is None:
        return False  # seven #s, or "#word": the stock rules decide what it is
    text = state.src[opening.end() : end].rstrip(" \t")
    without_closing = text.rstrip("#")  # "## Title ##": the closing #s go, after a space
    if without_closing and without_closing[-1] in " \t":
        text = without_closing
    token = state.push(PLAIN_HEADING, f"h{len(opening.group())}", 0)
    token.content = _TRIM(text)
    token.map = [line, line + 1]
    state.line = line + 1
    return True


# Characters at which some inline rule of the pack's parser may act (escapes, code spans,
# emphasis, links and images, autolinks and HTML, entities). markdown-it's text rule stops at a
# few more ('-', ':', '!', …) but no enabled rule takes them, so they stay text.
_INLINE_SYNTAX = re.compile(r"[\\`*_\[<&]")
_LINE_BREAK = re.compile(r" *\n[ \t]*")  # what markdown-it's newline rule drops around a break


def inline_text(
    md: MarkdownIt, env: dict, content: str, fast: bool = True
) -> tuple[str, tuple[Link, ...]]:
    """Plain text of an inline token's content, with the positions of its links.

    With ``fast``, text with no inline syntax, or only simple links, is read without
    markdown-it's inline parser (to the same result); ``fast=False`` always runs it.
    """
    if fast:
        if _INLINE_SYNTAX.search(content) is None:
            # No inline syntax: markdown-it would give one text run, with a soft or hard break
            # (read as a space) for each line break, the spaces around it dropped.
            return (_LINE_BREAK.sub(" ", content) if "\n" in content else content), ()
        simple = _simple_links(md, content) if _ONLY_SIMPLE_LINKS.fullmatch(content) else None
        if simple is not None:
            return simple
    parts: list[str] = []
    links: list[Link] = []
    open_links: list[tuple[int, str]] = []
    length = 0
    for child in md.inline.parse(content, md, env, []):
        kind = child.type
        if kind in _TEXT_TOKENS:
            piece = child.content
        elif kind in ("softbreak", "hardbreak"):
            piece = " "
        elif kind == "link_open":
            open_links.append((length, str(child.attrs.get("href", ""))))
            continue
        elif kind == "link_close":
            start, href = open_links.pop()
            links.append(Link(start, length, href))
            continue
        else:
            continue
        parts.append(piece)
        length += len(piece)
    return "".join(parts), tuple(links)


# Text whose only syntax is links like [label](scheme:target), with nothing to unescape in
# either part, no image (a "!" before the "["), no title and no line break inside: the commonest
# syntax in a pack, and one whose result markdown-it makes plain (see _simple_links).
_LABEL = r"[^\\`*_\[\]<&\n]*"
_TARGET = r"[^\\`*_\[\]<&\s()\"'\x00-\x1f\x7f]+"
_SIMPLE_LINK = re.compile(rf"(?<!!)\[({_LABEL})\]\(({_TARGET})\)")
_ONLY_SIMPLE_LINKS = re.compile(rf"(?:[^\\`*_\[\]<&]|{_SIMPLE_LINK.pattern})*")


def _simple_links(md: MarkdownIt, content: str) -> tuple[str, tuple[Link, ...]] | None:
    """The text and links of content that _ONLY_SIMPLE_LINKS matches, as markdown-it gives
    them: the label is the link's text, the target goes through markdown-it's own
    normalizeLink; None (parse it fully) when markdown-it's validateLink refuses a target."""
    parts: list[str] = []
    links: list[Link] = []
    length = done = 0
    for match in _SIMPLE_LINK.finditer(content):
        href = _link_target(md, match.group(2))
        if href is None:
            return None
        before = content[done : match.start()]
        if "\n" in before:
            before = _LINE_BREAK.sub(" ", before)
        label = match.group(1)
        parts += (before, label)
        length += len(before)
        links.append(Link(length, length + len(label), href))
        length += len(label)
        done = match.end()
    rest = content[done:]
    parts.append(_LINE_BREAK.sub(" ", rest) if "\n" in rest else rest)
    return "".join(parts), tuple(links)


@functools.lru_cache(maxsize=4096)
def _link_target(md: MarkdownIt, target: str) -> str | None:
    """markdown-it's normalizeLink of a link target, or None where its validateLink refuses
    it. A pure function of the text, and a slow one (a URL parse): a pack links to the same
    few places again and again."""
    href = md.normalizeLink(target)
    return href if md.validateLink(href) else None


# text_special (an escaped character) is text; markdown-it's text_join rule, not run here,
# would only have renamed and merged it.
_TEXT_TOKENS = frozenset(("text", "text_special", "code_inline", "html_inline"))
