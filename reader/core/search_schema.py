"""How the index stores a block: the Whoosh schema and the tokenizer its text fields use.

:class:`WordTokenizer` is Whoosh's view of :func:`~reader.core.search_words.iter_tokens`, so the
index reads words exactly as queries and snippets do. :class:`CachedBM25F` is the ranking, with
each block's field lengths remembered by the searcher. Changing anything here means bumping
:data:`reader.core.search.INDEX_VERSION`, so that old indexes are rebuilt.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from itertools import pairwise
from operator import attrgetter

from whoosh import fields, formats, scoring
from whoosh.analysis import IDTokenizer, Token, Tokenizer
from whoosh.compat import dumps as _dumps
from whoosh.system import pack_uint as _pack_uint

from reader.core.search_words import iter_tokens, tokens


class WordTokenizer(Tokenizer):
    """Whoosh's view of :func:`~reader.core.search_words.iter_tokens`, yielding one form.

    ``form`` is ``"stem"`` (ranked search), ``"norm"`` (completing the word being typed) or
    ``"folded"`` (the vocabulary for "did you mean", in the text's own spelling).
    """

    def __init__(self, form: str = "stem") -> None:
        self.form = form

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordTokenizer) and other.form == self.form

    def __hash__(self) -> int:
        return hash(self.form)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        form = self.form
        for pos, (start, end, forms) in enumerate(iter_tokens(value)):
            token.text = getattr(forms, form)
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class _WordPostings:
    """Mixin for our text fields: postings straight from the shared tokens, remembered per text.

    Whoosh's own path makes a token object per word and per field, then counts and encodes
    them through generic formats: most of an index build. The postings made here are the same
    bytes, counts and weights (a test compares them with Whoosh's); a block's title and section
    heading, shared by many blocks, are worked out once.
    """

    def index(self, value, **kwargs):
        analyzer = self.analyzer
        if not isinstance(value, str) or not isinstance(analyzer, WordTokenizer) or kwargs:
            return super().index(value, **kwargs)
        fmt = self.format
        kind = type(fmt)
        if kind not in _KINDS:
            return super().index(value, **kwargs)
        return _postings(_KINDS[kind], analyzer.form, fmt.field_boost, value)


class WordText(_WordPostings, fields.TEXT):
    """A ranked text field read by :class:`WordTokenizer` (positions or frequencies)."""


class WordSet(_WordPostings, fields.FieldType):
    """A field whose words only need to exist (the vocabulary for "did you mean")."""


class WordID(fields.ID):
    """A field indexed as one whole term (ids, sources, paragraph numbers), posted directly."""

    def index(self, value, **kwargs):
        fmt = self.format
        if (
            isinstance(value, str)
            and value
            and not kwargs
            and type(fmt) is formats.Existence
            and type(self.analyzer) is IDTokenizer
        ):
            return ((value.encode("utf-8"), 1, fmt.field_boost, b""),)
        return super().index(value, **kwargs)


_KINDS = {formats.Positions: "positions", formats.Frequency: "frequency", formats.Existence: "set"}


# Small: what repeats from block to block is a document's title and a section's heading.
@lru_cache(maxsize=64)
def _postings(kind: str, form: str, boost: float, text: str) -> tuple:
    """``(word bytes, frequency, weight, value bytes)`` per distinct word, as Whoosh makes them.

    Positions are encoded as :meth:`whoosh.formats.Positions.encode` does (a count, then the
    pickled gaps), frequencies as ``pack_uint``; each token weighs 1.0.
    """
    words = list(map(_FORM[form], [t[2] for t in tokens(text)]))
    if kind == "set":
        return tuple((w.encode("utf-8"), 1, boost, b"") for w in dict.fromkeys(words))
    if kind == "frequency":
        return tuple(
            (w.encode("utf-8"), n, n * 1.0 * boost, _pack_uint(n))
            for w, n in Counter(words).items()
        )
    where: dict[str, list[int]] = {}
    for pos, word in enumerate(words):
        places = where.get(word)
        if places is None:
            where[word] = [pos]
        else:
            places.append(pos)
    out = []
    once = _ONCE_AT
    for word, places in where.items():
        if len(places) == 1:  # most words of a paragraph: their values repeat across blocks
            value = once.get(places[0])
            if value is None:
                value = _pack_uint(1) + _dumps(places, 2)
                if places[0] < _ONCE_MAX:
                    once[places[0]] = value
        else:
            gaps = [places[0], *(b - a for a, b in pairwise(places))]
            value = _pack_uint(len(gaps)) + _dumps(gaps, 2)
        out.append((word.encode("utf-8"), len(places), len(places) * 1.0 * boost, value))
    return tuple(out)


# The encoded value of a word found once, by its position (at most a few hundred kB).
_ONCE_AT: dict[int, bytes] = {}
_ONCE_MAX = 4096


_FORM = {form: attrgetter(form) for form in ("stem", "norm", "folded")}


def make_schema() -> fields.Schema:
    stem = WordTokenizer("stem")
    return fields.Schema(
        id=WordID(unique=True, stored=True),
        source=WordID(stored=True),
        document=WordID(stored=True),
        tab=WordID(stored=True),
        kind=WordID(stored=True),
        paragraph=WordID(stored=True),
        page=fields.STORED(),
        title=WordText(analyzer=stem, stored=True, phrase=False),
        section=WordText(analyzer=stem, stored=True),
        text=WordText(analyzer=stem, stored=True),
        words=WordText(analyzer=WordTokenizer("norm"), phrase=False),
        # Only the vocabulary matters for "did you mean": no frequencies, no lengths to keep.
        # Scorable only so that Whoosh keeps a (tiny) length column for it: without one it
        # looks for the column file on disk for every posting it writes, a third of a build.
        spell=WordSet(formats.Existence(), WordTokenizer("folded"), scorable=True),
        section_id=fields.STORED(),
        fp=fields.STORED(),
    )


class CachedBM25F(scoring.BM25F):
    """BM25F with the same scores, but each block's field length is read from the index once.

    Whoosh reads a block's length from the segment's length column for every term it scores:
    a two-letter prefix completing to 40 words asked for it over 500 times per search, a
    sixth of the search time. The lengths live in the searcher, so they go with it when the
    index changes and the searcher is reopened.
    """

    def scorer(self, searcher, fieldname, text, qf=1):
        if not searcher.schema[fieldname].scorable:
            return scoring.WeightScorer.for_(searcher, fieldname, text)
        B = self._field_B.get(fieldname, self.B)
        scorer = scoring.BM25FScorer(searcher, fieldname, text, B, self.K1, qf=qf)
        caches = searcher.__dict__.setdefault("_reader_field_lengths", {})
        lengths = caches.setdefault(fieldname, {})
        lookup = searcher.doc_field_length

        def field_length(docnum: int, _get=lengths.get) -> int:
            length = _get(docnum)
            if length is None:
                length = lengths[docnum] = lookup(docnum, fieldname, 1)
            return length

        scorer.dfl = field_length
        return scorer
