"""The core's data types: blocks, links, tabs, slots, packs, and the keys that name them.

Everything that reads a document (the pack parser, the PDF reader, the slides reader) builds
these, and everything that shows, searches, annotates or prints one takes them. Plain frozen
dataclasses with no behaviour beyond lookups, so this module imports nothing of the app.

Stable keys for notes: a block is named by ``BlockRef(document_key, block_id)``. The document
key names the slot and the edition (``guidance-pdf@sha256:…`` for an added file, ``page@<pack
edition>`` for the bundled text) so a note can say which edition it was written on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

PAGE_DOCUMENT = "page"
SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Link:
    """A link inside a block's text: characters ``start:end`` point at ``target``."""

    start: int
    end: int
    target: str

    @property
    def scheme(self) -> str:
        return self.target.split(":", 1)[0]

    @property
    def value(self) -> str:
        return self.target.split(":", 1)[1] if ":" in self.target else self.target


@dataclass(frozen=True)
class Block:
    """The unit that reading, search, notes and printing share."""

    id: str
    document: str
    tab: str
    section: str
    section_title: str
    kind: str  # heading | paragraph | list-item | example | copyright | pdf-paragraph | slide ...
    text: str
    paragraph: str | None = None
    level: int = 0  # heading level, or nesting depth of a list item
    ordered: bool = False
    links: tuple[Link, ...] = ()
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    source_line: int | None = None
    # A PDF box's own title (its first, bold line), which ``text`` begins with; else None.
    title: str | None = None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "document": self.document,
            "tab": self.tab,
            "section": self.section,
            "section_title": self.section_title,
            "paragraph": self.paragraph,
            "kind": self.kind,
            "text": self.text,
            "page": self.page,
        }


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    level: int
    block_id: str


@dataclass(frozen=True)
class Tab:
    id: str
    title: str
    source: Path
    blocks: tuple[Block, ...]

    @property
    def sections(self) -> list[Section]:
        return [
            Section(b.section, b.text, b.level, b.id) for b in self.blocks if b.kind == "heading"
        ]


@dataclass(frozen=True)
class Slot:
    """A place for a document the page offers (the GMC's own files are not bundled)."""

    id: str
    tab: str
    title: str
    kind: str  # pdf | pptx
    keywords: tuple[str, ...] = ()
    label: str = ""  # a short name for the document's tab

    @property
    def tab_label(self) -> str:
        return self.label or self.title


@dataclass(frozen=True)
class Reference:
    """An outside organisation or publication the page names."""

    id: str
    name: str
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ContentPack:
    root: Path
    id: str
    title: str
    edition: str
    publisher: str
    publisher_tagline: str
    attribution: str
    third_party_notices: tuple[str, ...]
    navigation_lines: tuple[str, ...]
    tabs: tuple[Tab, ...]
    slots: tuple[Slot, ...]
    references: tuple[Reference, ...]
    synonyms: tuple[tuple[str, ...], ...] = field(default=())

    @property
    def citation_title(self) -> str:
        return f"{self.title} ({self.edition})"

    def tab(self, tab_id: str) -> Tab:
        for tab in self.tabs:
            if tab.id == tab_id:
                return tab
        raise KeyError(tab_id)

    def slot(self, slot_id: str) -> Slot:
        for slot in self.slots:
            if slot.id == slot_id:
                return slot
        raise KeyError(slot_id)

    def reference(self, ref_id: str) -> Reference:
        for ref in self.references:
            if ref.id == ref_id:
                return ref
        raise KeyError(ref_id)

    def blocks(self) -> list[Block]:
        return [block for tab in self.tabs for block in tab.blocks]

    def block(self, block_id: str) -> Block:
        for block in self.blocks():
            if block.id == block_id:
                return block
        raise KeyError(block_id)


def slugify(text: str) -> str:
    """A lowercase ASCII id from a heading: 'What do we mean by leadership?' → 'what-do-we-...'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "section"


# --------------------------------------------------------------------------- stable keys

GUIDANCE_PDF_SLOT = "guidance-pdf"  # the slot that holds the GMC's own PDF of the guidance


def document_key(slot_or_document: str, edition: str) -> str:
    """The key of one edition of a document: ``"<slot or document id>@<edition>"``.

    ``edition`` is the file's checksum for an added file (``sha256:…``; see
    :func:`file_edition`) and the pack's edition for the bundled text (see :func:`pack_key`).
    """
    return f"{slot_or_document}@{edition}"


def file_edition(sha256: str) -> str:
    """The edition part of a document key for an added file, from its SHA-256 checksum."""
    return f"sha256:{sha256}"


def pack_key(pack: ContentPack) -> str:
    """The document key of the bundled text: the page document at the pack's edition."""
    return document_key(PAGE_DOCUMENT, f"{pack.id}:{pack.edition}")


@dataclass(frozen=True)
class BlockRef:
    """One block of one edition of one document: what a note or a bookmark points at."""

    document_key: str
    block_id: str

    def __str__(self) -> str:
        return f"{self.document_key}#{self.block_id}"

    @classmethod
    def parse(cls, text: str) -> BlockRef:
        """The reverse of ``str(ref)``; raises ``ValueError`` for text that is not a ref."""
        key, sep, block_id = text.rpartition("#")
        if not sep or not key or not block_id:
            raise ValueError(f"'{text}' is not a block reference.")
        return cls(key, block_id)


# --------------------------------------------------------------------------- block JSON


_BLOCK_FIELDS = tuple(f.name for f in fields(Block))
_LINK_FIELDS = tuple(f.name for f in fields(Link))


def block_to_dict(block: Block) -> dict:
    """Every field of a block as JSON-ready data: the one internal format (library files, the
    safe-open child's answer, the parsed-pack cache). ``Block.to_json`` is the public summary
    that ``reader blocks --json`` prints.

    Not ``dataclasses.asdict``: its deep copy of every value was most of the time of caching a
    large pack and of storing a long document's blocks (issue 14)."""
    data = {name: getattr(block, name) for name in _BLOCK_FIELDS}
    data["links"] = tuple(
        {name: getattr(link, name) for name in _LINK_FIELDS} for link in block.links
    )
    data["bbox"] = list(block.bbox) if block.bbox is not None else None
    return data


def blocks_json(blocks: Iterable[Block]) -> Iterator[str]:
    """``json.dumps([block_to_dict(b) for b in blocks]) + "\\n"``, the text of a blocks file, a
    block at a time (see :func:`reader.core.atomic.write_parts_atomic`)."""
    import json

    yield "["
    for n, block in enumerate(blocks):
        yield (", " if n else "") + json.dumps(block_to_dict(block))
    yield "]\n"


def block_from_dict(data: dict) -> Block:
    """The reverse of :func:`block_to_dict`; also reads links stored as ``[start, end, target]``."""
    data = dict(data)
    data["links"] = tuple(
        Link(**link) if isinstance(link, dict) else Link(*link) for link in data.get("links", ())
    )
    if data.get("bbox") is not None:
        data["bbox"] = tuple(data["bbox"])
    return Block(**data)


# --------------------------------------------------------------------------- what changed


@dataclass(frozen=True)
class Changed:
    """What a library operation changed, so one ``changed`` signal refreshes what shows it.

    ``documents``: ids of documents added, removed, moved or re-indexed; ``slots``: which
    document fills which slot changed (slot cards, tabs); ``message``: one sentence to show.
    """

    documents: tuple[str, ...] = ()
    slots: bool = False
    message: str = ""


def file_key(slot: str | None, document_id: str, sha256: str) -> str:
    """The document key of an added file: its slot (or its own id for an extra document) at
    its checksum, e.g. ``guidance-pdf@sha256:9e87…``."""
    return document_key(slot or document_id, file_edition(sha256))


def endnote_number(block: Block) -> int | None:
    """The number of an ``endnote`` block (it is in the id, not the text)."""
    if block.kind != "endnote":
        return None
    tail = block.id.rsplit("endnote-", 1)[-1].split("-", 1)[0]
    return int(tail) if tail.isdigit() else None
