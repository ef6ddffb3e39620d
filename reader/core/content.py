"""Loading a content pack: parse it once, then read it from a cache while it is unchanged.

The data types (blocks, tabs, slots, the pack) live in :mod:`reader.core.model`; the Markdown
parsing in :mod:`reader.core.pack_parser`. A pack is a folder with ``manifest.toml`` and one
Markdown file per tab. Markdown is parsed by markdown-it-py (with the ``container`` plugin for
``::: example`` and ``::: copyright``), so the text stays editable by people who are not
programmers. Every heading, paragraph, list item,
example and copyright line becomes a :class:`Block` with an id that depends only on the pack's
structure, so it is the same on every run and every machine.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from reader.core.errors import ContentError
from reader.core.model import (
    PAGE_DOCUMENT,
    SCHEMA_VERSION,
    Block,
    ContentPack,
    Link,
    Reference,
    Section,
    Slot,
    Tab,
    block_from_dict,
    block_to_dict,
    slugify,
)

# Older import paths for the model's types; new code imports them from reader.core.model.
__all__ = [
    "PAGE_DOCUMENT",
    "SCHEMA_VERSION",
    "Block",
    "ContentError",
    "ContentPack",
    "Link",
    "Reference",
    "Section",
    "Slot",
    "Tab",
    "load_pack",
    "slugify",
]


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
    # Imported here: markdown-it costs start-up time that a cached pack does not need.
    from reader.core.pack_parser import parse_pack

    pack = parse_pack(root)
    if cache_file is not None:
        from reader.core.atomic import write_text_atomic

        # The pack is serialised once: the digest is of this very text (see _digest).
        text = _canonical(_pack_to_json(pack))
        payload = f'{{"key": {json.dumps(key)}, "digest": "{_sha256(text)}", "pack": {text}}}'
        with contextlib.suppress(OSError, ValueError):
            write_text_atomic(cache_file, payload)
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
    return _sha256(_canonical(data))


def _canonical(data: dict) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=True)


def _sha256(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _pack_to_json(pack: ContentPack) -> dict:
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
                "blocks": [block_to_dict(b) for b in t.blocks],
            }
            for t in pack.tabs
        ],
        "slots": [{k: getattr(s, k) for k in s.__dataclass_fields__} for s in pack.slots],
        "references": [{k: getattr(r, k) for k in r.__dataclass_fields__} for r in pack.references],
    }


def _pack_from_json(data: dict, root: Path) -> ContentPack:
    tabs = tuple(
        Tab(t["id"], t["title"], Path(t["source"]), tuple(block_from_dict(b) for b in t["blocks"]))
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
