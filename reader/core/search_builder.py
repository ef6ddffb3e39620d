"""From a parsed query to ranked Whoosh hits, and a "did you mean" when they are few.

Ranking is BM25F over text, section title and tab/document title; a word found in the section
title counts extra, so blocks of the section that is *about* the words come first. The word still
being typed is completed from the index's own words; a paragraph reference ("85(a)") puts that
paragraph first. Field names are those of :func:`reader.core.search_schema.make_schema`.
"""

from __future__ import annotations

import re

from whoosh import query as wq

from reader.core.search_query import (
    MIN_PREFIX_CHARS,
    AnyOf,
    Node,
    ParsedQuery,
    Phrase,
    Synonyms,
    Word,
    parse,
)
from reader.core.search_words import prefix_variants, word_forms

SECTION_BOOST = 1.6
TITLE_BOOST = 0.6
PREFIX_BOOST = 0.5  # completions of the word being typed count half a real match
MAX_COMPLETIONS = 40  # "co" may complete to hundreds of words: keep the commonest
PARAGRAPH_BOOST = 12.0  # a number in the query that is also a paragraph's own number
REF_BOOST = 100.0  # the whole query names a paragraph: that paragraph first
WEIGHTING = {"B": 0.75, "K1": 1.2, "text_B": 0.5, "section_B": 0.3, "title_B": 0.3}

FEW_HITS = 3  # below this, look for a "did you mean"
_NUMBER_RE = re.compile(r"^\d{1,4}[a-z]?$")


def run_query(
    searcher, parsed: ParsedQuery, ref: str | None, limit: int, source: str | None
) -> list[tuple[dict, float]]:
    """Stored fields and score of the best ``limit`` blocks, from ``source`` when given."""
    query = _QueryBuilder(searcher.reader()).build(parsed, ref)
    if query is None:
        return []
    filter_q = wq.Term("source", source) if source else None
    results = searcher.search(query, limit=limit, filter=filter_q)
    return [(hit.fields(), hit.score) for hit in results]


def suggest(
    searcher, parsed: ParsedQuery, synonyms: Synonyms, source: str | None, found: int
) -> str | None:
    """A "did you mean" from the index's own words, offered only if it finds more."""
    reader = searcher.reader()
    corrector = searcher.corrector("spell")
    synonym_words = {w for group in synonyms for m in group for w in m.key}
    text = parsed.text
    changed = False
    for start, end, word in sorted(parsed.spans, key=lambda s: s[0], reverse=True):
        forms = word.forms
        if len(forms.folded) < 3 or not forms.folded.isalpha():
            continue
        if forms.stem in synonym_words or reader.doc_frequency("text", forms.stem):
            continue
        if word.prefix and any(True for _ in reader.expand_prefix("words", forms.norm)):
            continue
        suggestions = corrector.suggest(forms.folded, limit=1, maxdist=2, prefix=1)
        if suggestions and suggestions[0] != forms.folded:
            text = text[:start] + suggestions[0] + text[end:]
            changed = True
    if not changed:
        return None
    suggestion = " ".join(text.split())
    again = parse(suggestion + " ", synonyms)
    if len(run_query(searcher, again, None, FEW_HITS, source)) <= found:
        return None
    return suggestion


class _QueryBuilder:
    """Turns a parsed query into a Whoosh query; needs the reader to expand half-typed words."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self.narrowed = False  # other words must match too (see _UnionOr)

    def build(self, parsed: ParsedQuery, ref: str | None) -> wq.Query | None:
        query: wq.Query | None = None
        if parsed.must:
            self.narrowed = len(parsed.must) > 1
            query = wq.And([self.node(n) for n in parsed.must])
            if parsed.must_not:
                query = wq.AndNot(query, wq.Or([_negative_query(n) for n in parsed.must_not]))
        if ref is not None:
            para = self.paragraph(ref)
            query = para if query is None else wq.Or([para, query])
        return query

    def node(self, node: Node) -> wq.Query:
        if isinstance(node, Word):
            return self.word(node)
        if isinstance(node, Phrase):
            return _phrase_query(node.words)
        if isinstance(node, AnyOf):
            return wq.Or([self.node(n) for n in node.options])
        return wq.And([self.node(n) for n in node.items])

    def word(self, word: Word) -> wq.Query:
        forms = word.forms
        clauses: list[wq.Query] = [
            wq.Term("text", forms.stem),
            wq.Term("section", forms.stem, boost=SECTION_BOOST),
            wq.Term("title", forms.stem, boost=TITLE_BOOST),
        ]
        if _NUMBER_RE.match(forms.folded):
            clauses.append(wq.Term("paragraph", forms.folded, boost=PARAGRAPH_BOOST))
        exact = _UnionOr(clauses)
        if not (word.prefix and len(forms.folded) >= MIN_PREFIX_CHARS):
            return exact
        words = self.completions(forms.folded)
        if not words:
            return exact
        completion_terms = [wq.Term("words", w, boost=PREFIX_BOOST) for w in words]
        completions = wq.Or(completion_terms)
        # The better of the two, not their sum: a block holding the typed word itself should
        # not also collect the completion score and overtake one that uses it more.
        return wq.DisjunctionMax([exact, completions])

    def completions(self, folded: str) -> list[str]:
        """Indexed words the half-typed word may become, the most common first (bounded)."""
        found: set[str] = set()
        for variant in prefix_variants(folded):
            found.update(b.decode("utf-8") for b in self.reader.expand_prefix("words", variant))
        if len(found) <= MAX_COMPLETIONS:
            return sorted(found)
        frequency = self.reader.doc_frequency
        return sorted(found, key=lambda w: (-frequency("words", w), w))[:MAX_COMPLETIONS]

    def paragraph(self, ref: str) -> wq.Query:
        """The paragraph itself first, then its parts (or parent), then text citing it."""
        number = ref.split("(", 1)[0]
        clauses: list[wq.Query] = [
            wq.Term("paragraph", ref, boost=REF_BOOST),
            wq.Phrase("text", ["paragraph", number], boost=2.0),
            wq.Term("text", number),
        ]
        if "(" in ref:
            clauses.append(wq.Term("paragraph", number, boost=REF_BOOST / 3))
        else:
            parts = self.reader.expand_prefix("paragraph", number + "(")
            clauses.extend(
                wq.Term("paragraph", b.decode("utf-8"), boost=REF_BOOST / 3) for b in parts
            )
        return wq.Or(clauses)


class _UnionOr(wq.Or):
    """An OR that walks its terms' postings side by side instead of reading them all first.

    Whoosh's default for a small index reads and scores every posting of every term up front.
    For one word's few fields, or for completions that another word of the query narrows down,
    walking them lets the AND skip what cannot match: the same scores, less work.
    """

    matcher_type = wq.Or.DEFAULT_MATCHER


def _phrase_query(words: tuple[str, ...], fieldnames=("text", "section")) -> wq.Query:
    terms = [word_forms(w).stem for w in words]
    boosts = {"text": 1.0, "section": SECTION_BOOST}
    return wq.Or([wq.Phrase(f, terms, slop=1, boost=boosts[f]) for f in fieldnames])


def _negative_query(node: Node) -> wq.Query:
    # Leaving out a word means: the block's own text does not say it.
    if isinstance(node, Word):
        return wq.Term("text", node.forms.stem)
    if isinstance(node, Phrase):
        return _phrase_query(node.words, ("text",))
    children = node.options if isinstance(node, AnyOf) else node.items
    combine = wq.Or if isinstance(node, AnyOf) else wq.And
    return combine([_negative_query(n) for n in children])
