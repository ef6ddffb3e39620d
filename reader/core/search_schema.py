"""How the index stores a block: the Whoosh schema and the tokenizer its text fields use.

:class:`WordTokenizer` is Whoosh's view of :func:`~reader.core.search_words.iter_tokens`, so the
index reads words exactly as queries and snippets do. :class:`CachedBM25F` is the ranking, with
each block's field lengths remembered by the searcher. Changing anything here means bumping
:data:`reader.core.search.INDEX_VERSION`, so that old indexes are rebuilt.
"""

from __future__ import annotations

from whoosh import fields, formats, scoring
from whoosh.analysis import Token, Tokenizer

from reader.core.search_words import iter_tokens


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


def make_schema() -> fields.Schema:
    stem = WordTokenizer("stem")
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        source=fields.ID(stored=True),
        document=fields.ID(stored=True),
        tab=fields.ID(stored=True),
        kind=fields.ID(stored=True),
        paragraph=fields.ID(stored=True),
        page=fields.STORED(),
        title=fields.TEXT(analyzer=stem, stored=True, phrase=False),
        section=fields.TEXT(analyzer=stem, stored=True),
        text=fields.TEXT(analyzer=stem, stored=True),
        words=fields.TEXT(analyzer=WordTokenizer("norm"), phrase=False),
        # Only the vocabulary matters for "did you mean": no frequencies, no lengths to keep.
        # Scorable only so that Whoosh keeps a (tiny) length column for it: without one it
        # looks for the column file on disk for every posting it writes, a third of a build.
        spell=fields.FieldType(formats.Existence(), WordTokenizer("folded"), scorable=True),
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
