"""Parsing a content pack: TOML manifest and Markdown tabs → :class:`ContentPack`.

Markdown is read by markdown-it-py with the ``container`` plugin (``::: example``,
``::: copyright``), configured in :mod:`reader.core.pack_markdown`; this module turns its
tokens into blocks with structural ids, in one pass. It is imported only when the pack has
changed since it was last cached (see :func:`reader.core.content.load_pack`), which keeps the
parser off start-up.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import stat
import tomllib
from collections.abc import Iterator
from pathlib import Path

from markdown_it.token import Token

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
from reader.core.pack_markdown import (
    CONTAINER_KINDS,
    PLAIN_HEADING,
    PLAIN_PARAGRAPH,
    inline_text,
    markdown_parser,
)

LINK_SCHEMES = ("ref", "slot", "para", "tab", "http", "https")
URL_SCHEMES = ("https", "http", "mailto")  # what a reference's address may be
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_SOURCE_BYTES = 16 * 1024 * 1024  # one tab's Markdown, or the synonyms file


_KIND_PREFIX = {
    "paragraph": "p",
    "list-item": "li",
    "example": "ex",
    "copyright": "c",
}


class _TabBuilder:
    """Walks markdown-it tokens of one tab and emits blocks with structural ids."""

    def __init__(
        self, tab_id: str, tab_title: str, source: Path, slot_ids: set[str], fast: bool
    ) -> None:
        self.tab_id = tab_id
        self.source = source
        self.slot_ids = slot_ids
        self.md = markdown_parser(fast)
        self.fast = fast
        self.env: dict = {}  # markdown-it's environment: the link reference definitions
        self.blocks: list[Block] = []
        self.section = tab_id
        self.section_title = tab_title
        self.counters: dict[str, int] = {}
        self.used_sections: set[str] = set()
        self.next_suffix: dict[str, int] = {}  # per slug: the next "-n" to try (keeps it linear)
        self.slugs: dict[str, str] = {}  # heading text → slugify(text), for repeated headings

    def _where(self, token: Token) -> str:
        line = token.map[0] + 1 if token.map else "?"
        return f"{self.source}, line {line}"

    def heading(self, token: Token, level: int) -> None:
        text, links = inline_text(self.md, self.env, token.content, self.fast)
        if not text.strip():
            raise ContentError(f"{self._where(token)}: a heading has no text.")
        slug = self.slugs.get(text) or self.slugs.setdefault(text, slugify(text))
        base = slug
        if slug in self.used_sections:
            n = self.next_suffix.get(base, 2)
            slug = f"{base}-{n}"
            while slug in self.used_sections:  # only when a heading's text itself ends in -n
                n += 1
                slug = f"{base}-{n}"
            self.next_suffix[base] = n + 1
        self.used_sections.add(slug)
        self.section, self.section_title = slug, text
        self.counters = {}
        self._add(token, "heading", text, links, level, False, f"{self.tab_id}.{slug}")

    def text_block(self, token: Token, kind: str, level: int = 0, ordered: bool = False) -> None:
        text, links = inline_text(self.md, self.env, token.content, self.fast)
        if not text.strip():
            return
        prefix = _KIND_PREFIX[kind]
        number = self.counters[prefix] = self.counters.get(prefix, 0) + 1
        block_id = f"{self.tab_id}.{self.section}.{prefix}{number}"
        self._add(token, kind, text, links, level, ordered, block_id)

    def _add(
        self,
        token: Token,
        kind: str,
        text: str,
        links: tuple[Link, ...],
        level: int,
        ordered: bool,
        block_id: str,
    ) -> None:
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
        self.blocks.append(
            Block(
                id=block_id,
                document=PAGE_DOCUMENT,
                tab=self.tab_id,
                section=self.section,
                section_title=self.section_title,
                kind=kind,
                text=text,
                level=level,
                ordered=ordered,
                links=links,
                source_line=token.map[0] + 1 if token.map else None,
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
    with _collector_paused():
        return _build_tab(tab_id, title, source, text, slot_ids or set(), fast=True)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector kept off while a tab is parsed.

    Parsing makes hundreds of thousands of tokens and blocks, none in a reference cycle (they
    are freed by reference counting as usual); the collector would only walk the growing heap
    again and again, a quarter to a third of a 5 MB pack's parse time (issue 14).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_CONTAINER_TOKENS = {
    f"container_{kind}_{end}": (kind if end == "open" else None)
    for kind in CONTAINER_KINDS
    for end in ("open", "close")
}
_UNSUPPORTED = frozenset(("html_block", "fence", "code_block", "table_open"))


def _build_tab(
    tab_id: str, title: str, source: Path, text: str, slot_ids: set[str], fast: bool
) -> Tab:
    if ":::" in text:  # no container line otherwise, and nothing to check
        _check_containers(source, text.splitlines())
    builder = _TabBuilder(tab_id, title, source, slot_ids, fast)
    tokens = builder.md.parse(text, builder.env)
    container: str | None = None
    list_stack: list[bool] = []
    in_item = 0
    previous = ""
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == PLAIN_PARAGRAPH or kind == "inline":
            if kind == PLAIN_PARAGRAPH or previous == "paragraph_open":
                if in_item:
                    builder.text_block(
                        token, "list-item", level=len(list_stack), ordered=list_stack[-1]
                    )
                elif container:
                    builder.text_block(token, container)
                else:
                    builder.text_block(token, "paragraph")
        elif kind == PLAIN_HEADING:
            builder.heading(token, int(token.tag[1:]))
        elif kind == "heading_open":
            builder.heading(tokens[index + 1], int(token.tag[1:]))
        elif kind in _CONTAINER_TOKENS:
            container = _CONTAINER_TOKENS[kind]
        elif kind in ("bullet_list_open", "ordered_list_open"):
            list_stack.append(kind == "ordered_list_open")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
        elif kind == "list_item_open":
            in_item += 1
        elif kind == "list_item_close":
            in_item -= 1
        elif kind in _UNSUPPORTED:
            line = token.map[0] + 1 if token.map else "?"
            raise ContentError(
                f"{source}, line {line}: raw HTML, code and tables are not supported in a "
                "content pack; write plain Markdown text."
            )
        previous = kind
    if not builder.blocks:
        raise ContentError(f"{source}, line 1: the file has no text.")
    return Tab(tab_id, title, source, tuple(builder.blocks))


class _Lines:
    """Where a manifest key is written, so a problem names its line (tomllib keeps no lines)."""

    _HEADER = re.compile(r"^\s*\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        self.headers: dict[str, list[int]] = {}  # table name → line of each [[name]]
        self.first_header = len(self.lines) + 1
        for number, line in enumerate(self.lines, start=1):
            match = self._HEADER.match(line)
            if match:
                self.headers.setdefault(match.group(1), []).append(number)
                self.first_header = min(self.first_header, number)
            elif line.lstrip().startswith("["):
                self.first_header = min(self.first_header, number)
        self.all_headers = sorted(n for found in self.headers.values() for n in found)

    def of(self, key: str, table: str | None = None, index: int = 0) -> int:
        start, end = 1, self.first_header
        if table is not None:
            starts = self.headers.get(table, [])
            if index < len(starts):
                start = starts[index]
                end = next((n for n in self.all_headers if n > start), len(self.lines) + 1)
            else:
                start, end = 1, len(self.lines) + 1
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start, min(end, len(self.lines) + 1)):
            if pattern.match(self.lines[number - 1]):
                return number
        return start

    def error(self, message: str, key: str, table: str | None = None, index: int = 0) -> str:
        return f"{self.path}, line {self.of(key, table, index)}: {message}"


def _text(
    lines: _Lines,
    table: dict,
    key: str,
    where: tuple[str | None, int] = (None, 0),
    required: bool = True,
) -> str:
    value = table.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        what = "is missing" if value is None else "is not a text value"
        raise ContentError(lines.error(f"'{key}' {what}.", key, *where))
    return value


def _texts(lines: _Lines, table: dict, key: str, where: tuple[str | None, int] = (None, 0)):
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ContentError(lines.error(f"'{key}' must be a list of texts.", key, *where))
    return tuple(value)


def _tables(lines: _Lines, manifest: dict, key: str, required: bool = False) -> list[dict]:
    value = manifest.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or not value or not all(isinstance(v, dict) for v in value):
        raise ContentError(
            lines.error(f"'{key}' must be one or more [[{key}]] tables.", key)
            if key not in lines.headers
            else f"{lines.path}, line {lines.headers[key][0]}: '{key}' must be one or more "
            f"[[{key}]] tables."
        )
    return value


def _read_inside(root: Path, name: str, limit: int) -> tuple[Path, str]:
    """The text of a pack file: a regular file inside the pack folder (links resolved), at most
    ``limit`` bytes, UTF-8. Raises ValueError with the reason, for the caller to place."""
    real_root = os.path.realpath(root)
    path = root / name
    real = os.path.realpath(path)
    if os.path.commonpath([real_root, real]) != real_root or real == real_root:
        raise ValueError("it must name a file inside the content pack folder")
    try:
        info = os.stat(real)
    except FileNotFoundError:
        raise ValueError("the file is missing") from None
    except OSError as exc:
        raise ValueError(f"the file cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("it is not a regular file")
    if info.st_size > limit:
        raise ValueError(f"the file is larger than {limit // 2**20} MB")
    try:
        with open(real, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ValueError(f"the file cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise ValueError(f"the file is larger than {limit // 2**20} MB")
    try:
        return path, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _NotUtf8(path, line, exc.reason) from None


class _NotUtf8(ValueError):
    def __init__(self, path: Path, line: int, reason: str) -> None:
        super().__init__(f"{path}, line {line}: the file is not UTF-8 text ({reason}).")


def _load_synonyms(path: Path, text: str) -> tuple[tuple[str, ...], ...]:
    groups: list[tuple[str, ...]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        terms = tuple(t.strip().lower() for t in line.split("|") if t.strip())
        if len(terms) < 2:
            raise ContentError(f"{path}, line {number}: a synonym line needs two or more terms.")
        groups.append(terms)
    return tuple(groups)


def _read_manifest(manifest_path: Path) -> str:
    try:
        info = manifest_path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_MANIFEST_BYTES:
            raise ContentError(
                f"{manifest_path}, line 1: the manifest must be a regular file under 1 MB."
            )
        with manifest_path.open("rb") as handle:
            raw = handle.read(MAX_MANIFEST_BYTES + 1)
    except FileNotFoundError:
        raise ContentError(f"{manifest_path}: no content pack manifest was found there.") from None
    except OSError as exc:
        raise ContentError(
            f"{manifest_path}: the manifest cannot be read ({exc.strerror})."
        ) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            f"{manifest_path}, line {line}: the file is not UTF-8 text ({exc.reason})."
        ) from None


def parse_pack(root: Path) -> ContentPack:
    """Parse and check a content pack; raise :class:`ContentError` with one clear sentence.

    The manifest's shape is checked (a small schema) and the first problem is reported with its
    line. Files the manifest names must be regular files inside the pack folder (after links
    are resolved) of bounded size: a pack is data, never a way to read other files.
    """
    root = Path(root)
    manifest_path = root / "manifest.toml"
    raw = _read_manifest(manifest_path)
    try:
        manifest = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(_toml_message(manifest_path, exc, raw)) from None
    except RecursionError:
        line = next((n for n, text in enumerate(raw.splitlines(), 1) if text.count("[") > 30), 1)
        raise ContentError(
            f"{manifest_path}, line {line}: the TOML nests too deeply to be a manifest."
        ) from None
    lines = _Lines(manifest_path, raw)
    version = manifest.get("schema_version")
    if version != SCHEMA_VERSION or isinstance(version, bool):
        raise ContentError(
            lines.error(
                f"schema_version is {version!r}; this app reads version {SCHEMA_VERSION}.",
                "schema_version",
            )
        )

    slots = []
    for n, entry in enumerate(_tables(lines, manifest, "slots")):
        at = ("slots", n)
        kind = _text(lines, entry, "kind", at)
        if kind not in ("pdf", "pptx"):
            raise ContentError(lines.error('\'kind\' must be "pdf" or "pptx".', "kind", *at))
        slots.append(
            Slot(
                id=_text(lines, entry, "id", at),
                tab=_text(lines, entry, "tab", at),
                title=_text(lines, entry, "title", at),
                kind=kind,
                keywords=_texts(lines, entry, "keywords", at),
                label=_text(lines, entry, "label", at, required=False),
            )
        )
    slot_ids = {s.id for s in slots}
    if len(slot_ids) != len(slots):
        raise ContentError(lines.error("two slots share one id.", "id", "slots", len(slots) - 1))

    tabs = []
    seen_tabs: set[str] = set()
    for n, entry in enumerate(_tables(lines, manifest, "tabs", required=True)):
        at = ("tabs", n)
        tab_id = _text(lines, entry, "id", at)
        if tab_id in seen_tabs:
            raise ContentError(lines.error("two tabs share one id.", "id", *at))
        seen_tabs.add(tab_id)
        title = _text(lines, entry, "title", at)
        name = _text(lines, entry, "source", at)
        try:
            source, text = _read_inside(root, name, MAX_SOURCE_BYTES)
        except _NotUtf8 as exc:
            raise ContentError(str(exc)) from None
        except ValueError as exc:
            raise ContentError(
                lines.error(
                    f"the source '{name}' of tab '{tab_id}' cannot be used: {exc}.", "source", *at
                )
            ) from None
        tabs.append(parse_tab(tab_id, title, source, text, slot_ids))
    tab_ids = [t.id for t in tabs]
    for n, slot in enumerate(slots):
        if slot.tab not in tab_ids:
            raise ContentError(
                lines.error(
                    f"slot '{slot.id}' names tab '{slot.tab}', which is not declared.",
                    "tab",
                    "slots",
                    n,
                )
            )

    references = []
    for n, entry in enumerate(_tables(lines, manifest, "references")):
        at = ("references", n)
        url = _text(lines, entry, "url", at, required=False) or None
        if url is not None and (":" not in url or url.split(":", 1)[0].lower() not in URL_SCHEMES):
            raise ContentError(
                lines.error(
                    f"the address '{url}' must start with https:, http: or mailto:.", "url", *at
                )
            )
        references.append(
            Reference(
                id=_text(lines, entry, "id", at),
                name=_text(lines, entry, "name", at),
                url=url,
                note=_text(lines, entry, "note", at, required=False) or None,
            )
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
    name = _text(lines, manifest, "synonyms", required=False)
    if name:
        try:
            path, text = _read_inside(root, name, MAX_SOURCE_BYTES)
        except _NotUtf8 as exc:
            raise ContentError(str(exc)) from None
        except ValueError as exc:
            raise ContentError(
                lines.error(f"the synonyms file '{name}' cannot be used: {exc}.", "synonyms")
            ) from None
        synonyms = _load_synonyms(path, text)

    edition = manifest.get("edition", "")
    if not isinstance(edition, str | int):
        raise ContentError(lines.error("'edition' must be a text such as \"2012\".", "edition"))
    return ContentPack(
        root=root,
        id=_text(lines, manifest, "id"),
        title=_text(lines, manifest, "title"),
        edition=str(edition),
        publisher=_text(lines, manifest, "publisher"),
        publisher_tagline=_text(lines, manifest, "publisher_tagline", required=False),
        attribution=_text(lines, manifest, "attribution"),
        third_party_notices=_texts(lines, manifest, "third_party_notices"),
        navigation_lines=_texts(lines, manifest, "navigation_lines"),
        tabs=tuple(tabs),
        slots=tuple(slots),
        references=tuple(references),
        synonyms=synonyms,
    )


def _toml_message(path: Path, exc: tomllib.TOMLDecodeError, raw: str = "") -> str:
    # tomllib says e.g. "Expected '=' after a key in a key/value pair (at line 3, column 5)";
    # put the line first, as the rest of the app's messages do.
    match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    reason = re.sub(r"\s*\(at line.*\)$", "", str(exc)).rstrip(".")
    if match:
        return f"{path}, line {match.group(1)}: the TOML is malformed ({reason})."
    last = max(1, len(raw.splitlines()))  # "at end of document"
    return f"{path}, line {last}: the TOML is malformed ({reason})."
