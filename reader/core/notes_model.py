"""What a note is: its anchor (where it was written), its text and tags, and its placement.

Plain dataclasses with no storage: the store (:mod:`reader.core.notes`), re-attachment
(:mod:`reader.core.notes_anchor`) and export (:mod:`reader.core.notes_export`) share them, and
the UI receives them. :func:`anchor_for` turns a selection in a block into an anchor.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.core.content import PAGE_DOCUMENT, Block, ContentPack

if TYPE_CHECKING:
    from reader.core.library import Library

STATUSES = ("anchored", "moved", "changed", "unplaced")
COLOURS = ("yellow", "green", "blue", "pink", "purple")
DEFAULT_COLOUR = "yellow"
CONTEXT_CHARS = 32  # the TextQuoteSelector's prefix and suffix, as the W3C examples use

_TAG_RE = re.compile(r"(?<![\w&#])#([A-Za-z][\w-]{0,40})")


class NotesError(Exception):
    """Notes could not be read or saved; the message is one plain sentence for the user."""


@dataclass(frozen=True)
class Anchor:
    """Where a note was written: kept as written, whatever editions come later."""

    document: str
    edition: str
    block: str
    exact: str
    start: int
    end: int
    prefix: str = ""
    suffix: str = ""
    paragraph: str | None = None
    tab: str = ""
    section: str = ""
    section_title: str = ""
    ordinal: int = 0  # the block's place in its document, for "former position" scoring
    page: int | None = None
    boxes: tuple[tuple[float, float, float, float], ...] = ()


@dataclass(frozen=True)
class Note:
    id: str
    anchor: Anchor
    text: str = ""
    colour: str = DEFAULT_COLOUR
    tags: tuple[str, ...] = ()
    explicit_tags: tuple[str, ...] = ()
    created: str = ""
    modified: str = ""
    status: str = "anchored"
    # Where the note sits in the edition last looked at (None: where it was written).
    placed_edition: str | None = None
    placed_block: str | None = None
    placed_paragraph: str | None = None
    placed_start: int | None = None
    placed_end: int | None = None
    placed_quote: str | None = None

    @property
    def document(self) -> str:
        return self.anchor.document

    @property
    def block(self) -> str:
        """The block the note points at now (its placement, else where it was written)."""
        return self.placed_block or self.anchor.block

    @property
    def paragraph(self) -> str | None:
        return self.placed_paragraph if self.placed_block else self.anchor.paragraph

    @property
    def quote(self) -> str:
        return self.anchor.exact

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "document": self.document,
            "block": self.block,
            "paragraph": self.paragraph,
            "quote": self.quote,
            "text": self.text,
            "colour": self.colour,
            "tags": list(self.tags),
            "status": self.status,
            "created": self.created,
            "modified": self.modified,
            "edition": self.anchor.edition,
            "written_block": self.anchor.block,
        }


@dataclass
class Filter:
    """What the notes panel asks for; every field optional."""

    document: str | None = None
    colour: str | None = None
    tag: str | None = None
    status: str | None = None
    text: str | None = None  # words anywhere in the note text or its quote
    ids: tuple[str, ...] = field(default=())


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_tags(text: str, explicit: Iterable[str] = ()) -> tuple[str, ...]:
    """Tags written as ``#appraisal`` in the text, plus the explicit ones; lower case, sorted."""
    tags = {t.lower() for t in _TAG_RE.findall(text or "")}
    tags.update(t.strip().lstrip("#").lower() for t in explicit if t and t.strip().lstrip("#"))
    return tuple(sorted(tags))


def edition_key(pack: ContentPack, document: str, library: Library | None = None) -> str:
    """The edition a block belongs to: for the bundled page, the pack's id and edition
    (``gmc-leadership-management-2012@2012``); for an added document, its file's SHA-256, so a
    new file in a slot is a new edition. Unknown documents give ``""``."""
    if document == PAGE_DOCUMENT:
        return f"{pack.id}@{pack.edition}"
    if library is not None:
        doc = library.get(document)
        if doc is not None:
            return doc.sha256
    return ""


def anchor_for(
    block: Block,
    edition: str,
    quote: str | None = None,
    start: int | None = None,
    ordinal: int = 0,
    boxes: Iterable[tuple[float, float, float, float]] = (),
) -> Anchor:
    """The anchor of a note on ``block``: the whole block, or ``quote`` within it.

    ``start`` picks one occurrence when the words appear more than once. Raises ValueError
    (one sentence) when the quote is not in the block.
    """
    text = block.text
    if not quote:
        begin, end = 0, len(text)
    else:
        begin = text.find(quote, start or 0) if start is not None else text.find(quote)
        if begin < 0:
            raise ValueError(f"The words “{quote[:60]}” are not in block {block.id}.")
        end = begin + len(quote)
    boxes = tuple(tuple(float(v) for v in box) for box in boxes)
    if not boxes and block.bbox is not None and not quote:
        boxes = (tuple(block.bbox),)
    return Anchor(
        document=block.document,
        edition=edition,
        block=block.id,
        exact=text[begin:end],
        start=begin,
        end=end,
        prefix=text[max(0, begin - CONTEXT_CHARS) : begin],
        suffix=text[end : end + CONTEXT_CHARS],
        paragraph=block.paragraph,
        tab=block.tab,
        section=block.section,
        section_title=block.section_title,
        ordinal=ordinal,
        page=block.page,
        boxes=boxes,  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class Placement:
    note_id: str
    status: str  # anchored | moved | changed | unplaced
    block: str | None = None
    paragraph: str | None = None
    start: int | None = None
    end: int | None = None
    quote: str | None = None  # the words now at that place
    score: float = 0.0
