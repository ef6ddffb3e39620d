"""The content model: a pack's tabs as blocks, its document slots and references.

A pack is a folder with ``manifest.toml`` and one Markdown file per tab. Markdown is parsed by
markdown-it-py (with the ``container`` plugin for ``::: example`` and ``::: copyright``), so the
text stays editable by people who are not programmers. Every heading, paragraph, list item,
example and copyright line becomes a :class:`Block` with an id that depends only on the pack's
structure, so it is the same on every run and every machine.
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

PAGE_DOCUMENT = "page"
SCHEMA_VERSION = 1


class ContentError(Exception):
    """The pack cannot be loaded; the message is one plain sentence naming the file and line."""


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


def load_pack(root: Path, cache_dir: Path | None = None) -> ContentPack:
    """Load a content pack, from a parsed copy in ``cache_dir`` when the pack is unchanged.

    Raises :class:`ContentError` (one sentence naming the file and line) for a malformed pack.
    The cache is only an optimisation: unreadable or unwritable, it is ignored.
    """
    root = Path(root)
    key = _pack_key(root)
    cache_file = Path(cache_dir) / "content-pack.json" if cache_dir and key else None
    if cache_file is not None:
        cached = _read_cache(cache_file, key, root)
        if cached is not None:
            return cached
    from reader.core.pack_parser import parse_pack

    pack = parse_pack(root)
    if cache_file is not None:
        from reader.core.atomic import write_text_atomic

        data = _pack_to_json(pack)
        payload = {"key": key, "digest": _digest(data), "pack": data}
        with contextlib.suppress(OSError, ValueError):
            write_text_atomic(cache_file, json.dumps(payload))
    return pack


def _pack_key(root: Path) -> str | None:
    """A fingerprint of every file in the pack (name, size, modification time) and this code."""
    from reader import __version__

    try:
        parts = [__version__, str(SCHEMA_VERSION), str(root.resolve())]
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            stat = path.stat()
            parts.append(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}")
    except (OSError, RuntimeError, ValueError):  # RuntimeError: a symlink loop
        return None
    return "|".join(parts)


MAX_CACHE_BYTES = 64 * 1024 * 1024


def _read_cache(path: Path, key: str, root: Path) -> ContentPack | None:
    """The cached pack, or None for any kind of damage: the cache folder is documented as safe
    to delete, so nothing in it may stop the app (a miss re-parses the pack)."""
    import stat

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_CACHE_BYTES:
            return None  # a folder, a FIFO (reading it would block) or something absurd
        data = json.loads(path.read_bytes().decode("utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        if data.get("digest") != _digest(data["pack"]):
            return None  # edited or half-written: its content no longer matches its digest
        return _pack_from_json(data["pack"], root)
    except Exception:  # any damage at all is a miss
        return None


def _digest(data: dict) -> str:
    import hashlib

    text = json.dumps(data, sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _pack_to_json(pack: ContentPack) -> dict:
    def block(b: Block) -> dict:
        d = {k: getattr(b, k) for k in b.__dataclass_fields__}
        d["links"] = [[link.start, link.end, link.target] for link in b.links]
        return d

    return {
        **{
            k: getattr(pack, k)
            for k in pack.__dataclass_fields__
            if k not in ("root", "tabs", "slots", "references")
        },
        "tabs": [
            {
                "id": t.id,
                "title": t.title,
                "source": str(t.source),
                "blocks": [block(b) for b in t.blocks],
            }
            for t in pack.tabs
        ],
        "slots": [{k: getattr(s, k) for k in s.__dataclass_fields__} for s in pack.slots],
        "references": [{k: getattr(r, k) for k in r.__dataclass_fields__} for r in pack.references],
    }


def _pack_from_json(data: dict, root: Path) -> ContentPack:
    def block(d: dict) -> Block:
        d = dict(d)
        d["links"] = tuple(Link(*link) for link in d["links"])
        if d.get("bbox") is not None:
            d["bbox"] = tuple(d["bbox"])
        return Block(**d)

    tabs = tuple(
        Tab(t["id"], t["title"], Path(t["source"]), tuple(block(b) for b in t["blocks"]))
        for t in data["tabs"]
    )
    return ContentPack(
        root=root,
        id=data["id"],
        title=data["title"],
        edition=data["edition"],
        publisher=data["publisher"],
        publisher_tagline=data["publisher_tagline"],
        attribution=data["attribution"],
        third_party_notices=tuple(data["third_party_notices"]),
        navigation_lines=tuple(data["navigation_lines"]),
        tabs=tabs,
        slots=tuple(Slot(**{**s, "keywords": tuple(s["keywords"])}) for s in data["slots"]),
        references=tuple(Reference(**r) for r in data["references"]),
        synonyms=tuple(tuple(group) for group in data["synonyms"]),
    )


OPENABLE_URL_SCHEMES = ("https", "http", "mailto")


def is_openable_url(url: str) -> bool:
    """Whether an address may be handed to the system to open: only web pages and e-mail,
    never ``file:``, ``smb:``, ``javascript:`` or other schemes a pack might carry."""
    scheme, sep, rest = str(url).strip().partition(":")
    return bool(sep and rest) and scheme.lower() in OPENABLE_URL_SCHEMES
