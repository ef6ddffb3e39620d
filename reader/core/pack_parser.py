"""Parsing a content pack: TOML manifest and Markdown tabs → :class:`ContentPack`.

Markdown is parsed by markdown-it-py with the ``container`` plugin (``::: example``,
``::: copyright``). This module is imported only when the pack has changed since it was last
cached (see :func:`reader.core.content.load_pack`), which keeps the parser off start-up.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin

from reader.core.errors import ContentError
from reader.core.model import (
    PAGE_DOCUMENT,
    SCHEMA_VERSION,
    Block,
    ContentPack,
    Link,
    Reference,
    Slot,
    Tab,
    slugify,
)

CONTAINER_KINDS = ("example", "copyright")
LINK_SCHEMES = ("ref", "slot", "para", "tab", "http", "https")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark")
    for kind in CONTAINER_KINDS:
        md.use(container_plugin, kind)
    return md


def _inline_text(token: Token) -> tuple[str, tuple[Link, ...]]:
    """Plain text of an inline token, with the positions of its links."""
    parts: list[str] = []
    links: list[Link] = []
    open_links: list[tuple[int, str]] = []
    length = 0
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            piece = child.content
        elif child.type in ("softbreak", "hardbreak"):
            piece = " "
        elif child.type == "link_open":
            open_links.append((length, str(child.attrs.get("href", ""))))
            continue
        elif child.type == "link_close":
            start, href = open_links.pop()
            links.append(Link(start, length, href))
            continue
        else:
            continue
        parts.append(piece)
        length += len(piece)
    return "".join(parts), tuple(links)


_KIND_PREFIX = {
    "paragraph": "p",
    "list-item": "li",
    "example": "ex",
    "copyright": "c",
}


class _TabBuilder:
    """Walks markdown-it tokens of one tab and emits blocks with structural ids."""

    def __init__(self, tab_id: str, tab_title: str, source: Path, slot_ids: set[str]) -> None:
        self.tab_id = tab_id
        self.source = source
        self.slot_ids = slot_ids
        self.blocks: list[Block] = []
        self.section = tab_id
        self.section_title = tab_title
        self.counters: dict[str, int] = {}
        self.used_sections: set[str] = set()

    def _where(self, token: Token) -> str:
        line = token.map[0] + 1 if token.map else "?"
        return f"{self.source}, line {line}"

    def heading(self, token: Token, level: int) -> None:
        text, links = _inline_text(token)
        if not text.strip():
            raise ContentError(f"{self._where(token)}: a heading has no text.")
        slug = slugify(text)
        base, n = slug, 2
        while slug in self.used_sections:
            slug, n = f"{base}-{n}", n + 1
        self.used_sections.add(slug)
        self.section, self.section_title = slug, text
        self.counters = {}
        self._add(token, "heading", text, links, level=level, block_id=f"{self.tab_id}.{slug}")

    def text_block(self, token: Token, kind: str, level: int = 0, ordered: bool = False) -> None:
        text, links = _inline_text(token)
        if not text.strip():
            return
        prefix = _KIND_PREFIX[kind]
        self.counters[prefix] = self.counters.get(prefix, 0) + 1
        block_id = f"{self.tab_id}.{self.section}.{prefix}{self.counters[prefix]}"
        self._add(token, kind, text, links, level=level, ordered=ordered, block_id=block_id)

    def _add(self, token: Token, kind: str, text: str, links: tuple[Link, ...], **kw) -> None:
        for link in links:
            if link.scheme not in LINK_SCHEMES:
                raise ContentError(
                    f"{self._where(token)}: the link target '{link.target}' is not one of "
                    f"{', '.join(s + ':' for s in LINK_SCHEMES)}."
                )
            if link.scheme == "slot" and link.value not in self.slot_ids:
                raise ContentError(
                    f"{self._where(token)}: the document slot '{link.value}' is not declared "
                    "in manifest.toml."
                )
        block_id = kw.pop("block_id")
        self.blocks.append(
            Block(
                id=block_id,
                document=PAGE_DOCUMENT,
                tab=self.tab_id,
                section=self.section,
                section_title=self.section_title,
                kind=kind,
                text=text,
                links=links,
                source_line=token.map[0] + 1 if token.map else None,
                **kw,
            )
        )


def _check_containers(source: Path, lines: list[str]) -> None:
    """markdown-it closes an unclosed container silently; a pack author wants to be told."""
    open_line: int | None = None
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped.startswith(":::"):
            continue
        name = stripped[3:].strip()
        if open_line is None:
            if name not in CONTAINER_KINDS:
                raise ContentError(
                    f"{source}, line {number}: '::: {name}' is not a known block kind "
                    f"(use one of: {', '.join(CONTAINER_KINDS)})."
                )
            open_line = number
        elif name:
            raise ContentError(
                f"{source}, line {number}: a '::: {name}' block starts before the one "
                f"opened on line {open_line} is closed with ':::'."
            )
        else:
            open_line = None
    if open_line is not None:
        raise ContentError(f"{source}, line {open_line}: this '::: ' block is never closed.")


def parse_tab(
    tab_id: str, title: str, source: Path, text: str, slot_ids: set[str] | None = None
) -> Tab:
    """Turn one tab's Markdown into blocks."""
    lines = text.splitlines()
    _check_containers(source, lines)
    builder = _TabBuilder(tab_id, title, source, slot_ids or set())
    tokens = _parser().parse(text)
    container: str | None = None
    list_stack: list[bool] = []
    in_item = 0
    for token in tokens:
        kind = token.type
        if kind.startswith("container_") and kind.endswith("_open"):
            container = kind[len("container_") : -len("_open")]
        elif kind.startswith("container_") and kind.endswith("_close"):
            container = None
        elif kind in ("bullet_list_open", "ordered_list_open"):
            list_stack.append(kind == "ordered_list_open")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif kind == "list_item_open":
            in_item += 1
        elif kind == "list_item_close":
            in_item -= 1
        elif kind == "heading_open":
            level = int(token.tag[1:])
            heading_inline = tokens[tokens.index(token) + 1]
            builder.heading(heading_inline, level)
        elif kind == "inline" and _parent_is_paragraph(tokens, token):
            if in_item:
                builder.text_block(
                    token, "list-item", level=len(list_stack), ordered=list_stack[-1]
                )
            elif container:
                builder.text_block(token, container)
            else:
                builder.text_block(token, "paragraph")
        elif kind in ("html_block", "fence", "code_block", "table_open"):
            line = token.map[0] + 1 if token.map else "?"
            raise ContentError(
                f"{source}, line {line}: raw HTML, code and tables are not supported in a "
                "content pack; write plain Markdown text."
            )
    if not builder.blocks:
        raise ContentError(f"{source}: the file has no text.")
    return Tab(tab_id, title, source, tuple(builder.blocks))


def _parent_is_paragraph(tokens: list[Token], token: Token) -> bool:
    index = tokens.index(token)
    return index > 0 and tokens[index - 1].type == "paragraph_open"


def _require(table: dict, key: str, where: str, kind: type = str):
    value = table.get(key)
    if not isinstance(value, kind) or (kind is str and not value.strip()):
        raise ContentError(f"{where}: '{key}' is missing or is not a {kind.__name__}.")
    return value


def _load_synonyms(path: Path) -> tuple[tuple[str, ...], ...]:
    groups: list[tuple[str, ...]] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ContentError(
            f"{path}: the synonyms file named in manifest.toml is missing."
        ) from None
    except UnicodeDecodeError as exc:
        raise ContentError(f"{path}: the file is not UTF-8 text ({exc.reason}).") from None
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        terms = tuple(t.strip().lower() for t in line.split("|") if t.strip())
        if len(terms) < 2:
            raise ContentError(f"{path}, line {number}: a synonym line needs two or more terms.")
        groups.append(terms)
    return tuple(groups)


def parse_pack(root: Path) -> ContentPack:
    """Parse and check a content pack; raise :class:`ContentError` with one clear sentence."""
    root = Path(root)
    manifest_path = root / "manifest.toml"
    try:
        raw = manifest_path.read_bytes()
    except FileNotFoundError:
        raise ContentError(f"{manifest_path}: no content pack manifest was found there.") from None
    except OSError as exc:
        raise ContentError(
            f"{manifest_path}: the manifest cannot be read ({exc.strerror})."
        ) from None
    try:
        manifest = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ContentError(f"{manifest_path}: the file is not UTF-8 text ({exc.reason}).") from None
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(_toml_message(manifest_path, exc)) from None
    where = str(manifest_path)
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION:
        raise ContentError(
            f"{where}: schema_version is {version!r}; this app reads version {SCHEMA_VERSION}."
        )

    slots = []
    for entry in manifest.get("slots", []):
        slots.append(
            Slot(
                id=_require(entry, "id", f"{where} [[slots]]"),
                tab=_require(entry, "tab", f"{where} [[slots]]"),
                title=_require(entry, "title", f"{where} [[slots]]"),
                kind=_require(entry, "kind", f"{where} [[slots]]"),
                keywords=tuple(entry.get("keywords", ())),
                label=str(entry.get("label", "")),
            )
        )
    slot_ids = {s.id for s in slots}

    tabs = []
    tab_entries = _require(manifest, "tabs", where, list)
    for entry in tab_entries:
        tab_id = _require(entry, "id", f"{where} [[tabs]]")
        title = _require(entry, "title", f"{where} [[tabs]] '{tab_id}'")
        source = root / _require(entry, "source", f"{where} [[tabs]] '{tab_id}'")
        try:
            text = source.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ContentError(f"{source}: the file for tab '{tab_id}' is missing.") from None
        except UnicodeDecodeError as exc:
            raise ContentError(f"{source}: the file is not UTF-8 text ({exc.reason}).") from None
        tabs.append(parse_tab(tab_id, title, source, text, slot_ids))
    tab_ids = [t.id for t in tabs]
    if len(set(tab_ids)) != len(tab_ids):
        raise ContentError(f"{where}: two tabs share one id.")
    for slot in slots:
        if slot.tab not in tab_ids:
            raise ContentError(
                f"{where}: slot '{slot.id}' names tab '{slot.tab}', which is not declared."
            )

    references = tuple(
        Reference(
            id=_require(entry, "id", f"{where} [[references]]"),
            name=_require(entry, "name", f"{where} [[references]]"),
            url=entry.get("url"),
            note=entry.get("note"),
        )
        for entry in manifest.get("references", [])
    )
    ref_ids = {r.id for r in references}
    for tab in tabs:
        for block in tab.blocks:
            for link in block.links:
                if link.scheme == "ref" and link.value not in ref_ids:
                    raise ContentError(
                        f"{tab.source}, line {block.source_line}: the reference '{link.value}' "
                        "is not declared in manifest.toml."
                    )
                if link.scheme == "tab" and link.value not in tab_ids:
                    raise ContentError(
                        f"{tab.source}, line {block.source_line}: there is no tab '{link.value}'."
                    )

    synonyms: tuple[tuple[str, ...], ...] = ()
    if manifest.get("synonyms"):
        synonyms = _load_synonyms(root / manifest["synonyms"])

    return ContentPack(
        root=root,
        id=_require(manifest, "id", where),
        title=_require(manifest, "title", where),
        edition=str(manifest.get("edition", "")),
        publisher=_require(manifest, "publisher", where),
        publisher_tagline=str(manifest.get("publisher_tagline", "")),
        attribution=_require(manifest, "attribution", where),
        third_party_notices=tuple(manifest.get("third_party_notices", ())),
        navigation_lines=tuple(manifest.get("navigation_lines", ())),
        tabs=tuple(tabs),
        slots=tuple(slots),
        references=references,
        synonyms=synonyms,
    )


def _toml_message(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    # tomllib says e.g. "Expected '=' after a key in a key/value pair (at line 3, column 5)";
    # put the line first, as the rest of the app's messages do.
    match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    reason = re.sub(r"\s*\(at line.*\)$", "", str(exc)).rstrip(".")
    if match:
        return f"{path}, line {match.group(1)}: the TOML is malformed ({reason})."
    return f"{path}: the TOML is malformed ({reason})."
