"""What a search gives back: hits and results, with the matched words marked in a snippet.

:class:`Marker` finds the words of a block that a query matched (by the same tokens and stems the
index uses) and cuts a snippet around them; :class:`Hit` and :class:`SearchResult` carry that to
the UI and to ``reader search --json``. Plain data, no Whoosh.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from reader.core.search_query import (
    MIN_PREFIX_CHARS,
    STOP_WORDS,
    AnyOf,
    Node,
    ParsedQuery,
    Phrase,
    Word,
)
from reader.core.search_words import iter_tokens, prefix_variants, word_forms

SNIPPET_CHARS = 220
SNIPPET_LEAD = 50  # characters of context kept before the first marked word
Segments = tuple[tuple[str, bool], ...]


# --- marking matches and cutting snippets ----------------------------------------------------


class Marker:
    """Finds the words of a block that a query matched, and cuts a snippet around them."""

    def __init__(self, parsed: ParsedQuery) -> None:
        self.stems: set[str] = set()
        self.prefixes: list[str] = []
        self.phrases: list[tuple[str, ...]] = []
        for node in parsed.must:
            self._collect(node)

    def _collect(self, node: Node) -> None:
        if isinstance(node, Word):
            forms = node.forms
            self.stems.add(forms.stem)
            if node.prefix and len(forms.folded) >= MIN_PREFIX_CHARS:
                self.prefixes.extend(prefix_variants(forms.folded))
        elif isinstance(node, Phrase):
            stems = tuple(word_forms(w).stem for w in node.words)
            if len(stems) == 1:
                self.stems.add(stems[0])
            else:
                self.phrases.append(stems)
        else:
            for child in node.options if isinstance(node, AnyOf) else node.items:
                self._collect(child)

    def spans(self, text: str) -> list[tuple[int, int]]:
        tokens = list(iter_tokens(text))
        marked = [False] * len(tokens)
        prefixes = tuple(self.prefixes)
        for i, (_, _, forms) in enumerate(tokens):
            if forms.stem in self.stems or (prefixes and forms.norm.startswith(prefixes)):
                marked[i] = True
        if self.phrases:
            stem_list = [forms.stem for _, _, forms in tokens]
            for phrase in self.phrases:
                n = len(phrase)
                for i in range(len(tokens) - n + 1):
                    if tuple(stem_list[i : i + n]) == phrase:
                        marked[i : i + n] = [True] * n
        return [(s, e) for (s, e, _), m in zip(tokens, marked, strict=True) if m]

    def snippet(self, text: str) -> tuple[Segments, tuple[str, ...]]:
        spans = self.spans(text)
        # The views mark every occurrence of a term in the block, so "and" or "on" matched
        # inside the phrase "raising and acting on concerns" would light up the whole block.
        written = {text[s:e].lower(): text[s:e] for s, e in reversed(spans)}
        terms = tuple(w for w in written.values() if word_forms(w).folded not in STOP_WORDS)[::-1]
        start, end = _window(text, spans)
        segments: list[tuple[str, bool]] = []
        pos = start
        merged: list[list[int]] = []
        for s, e in spans:
            if s < start or e > end:
                continue
            if merged and not text[merged[-1][1] : s].strip():
                merged[-1][1] = e  # "open and honest" is one marked piece, not three
            else:
                merged.append([s, e])
        for s, e in merged:
            if s > pos:
                segments.append((text[pos:s], False))
            segments.append((text[s:e], True))
            pos = e
        if pos < end:
            segments.append((text[pos:end], False))
        if start > 0:
            segments.insert(0, ("…", False))
        if end < len(text):
            segments.append(("…", False))
        return tuple(segments), terms


def _window(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The stretch of text to show: the one holding the most different matched words."""
    if len(text) <= SNIPPET_CHARS:
        return 0, len(text)
    best_start, best_count = 0, -1
    for anchor, _ in spans[:50]:
        start = max(0, anchor - SNIPPET_LEAD)
        inside = {text[s:e].lower() for s, e in spans if s >= start and e <= start + SNIPPET_CHARS}
        if len(inside) > best_count:
            best_start, best_count = start, len(inside)
    start = best_start
    if start > 0:
        space = text.find(" ", start, start + SNIPPET_LEAD)
        start = space + 1 if space != -1 else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start + SNIPPET_CHARS // 2, end)
        end = space if space != -1 else end
    return start, end


# --- hits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    id: str
    source: str
    document: str
    tab: str
    kind: str
    title: str
    section: str
    paragraph: str | None
    page: int | None
    score: float
    snippet: Segments  # (text, is_match) pieces, in order
    terms: tuple[str, ...]  # the words of the block that matched, as written there

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)

    @property
    def snippet_html(self) -> str:
        return "".join(
            f"<b>{html.escape(text)}</b>" if matched else html.escape(text)
            for text, matched in self.snippet
        )

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "source": self.source,
            "document": self.document,
            "tab": self.tab,
            "title": self.title,
            "section": self.section,
            "paragraph": self.paragraph,
            "page": self.page,
            "score": round(self.score, 4),
            "snippet": self.snippet_text,
            "snippet_html": self.snippet_html,
            "terms": list(self.terms),
        }

    @classmethod
    def from_stored(cls, doc: dict, score: float, marker: Marker) -> Hit:
        """A hit from the fields the index stored for a block, its snippet cut by ``marker``."""
        text = doc.get("text", "")
        snippet, terms = marker.snippet(text)
        page = doc.get("page")
        return cls(
            id=doc["id"],
            source=doc.get("source", ""),
            document=doc.get("document", ""),
            tab=doc.get("tab", ""),
            kind=doc.get("kind", ""),
            title=doc.get("title", ""),
            section=doc.get("section", ""),
            paragraph=doc.get("paragraph") or None,
            page=page if isinstance(page, int) else None,
            score=float(score or 0.0),
            snippet=snippet,
            terms=terms,
        )


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    suggestion: str | None = None
    hint: str | None = None
    paragraph_ref: str | None = None

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "hits": [hit.to_json() for hit in self.hits],
            "suggestion": self.suggestion,
            "hint": self.hint,
            "paragraph_ref": self.paragraph_ref,
        }


def section_trail(blocks, block_id: str) -> list[str]:
    """The headings a block sits under, outermost first, read from its document's blocks.

    For the search panel's location line: a PDF paragraph's own section is its sub-heading
    ("Doctors with extra responsibilities"), and the reader also wants the section above it.
    """
    stack: list[tuple[int, str]] = []
    for block in blocks:
        if block.kind == "heading":
            level = block.level or 1
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, block.text.strip().rstrip(":")))
        if block.id == block_id:
            return [title for _, title in stack]
    return []
