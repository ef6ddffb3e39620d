"""How the index stores a block: the Whoosh schema and the tokenizer its text fields use.

:class:`WordTokenizer` is Whoosh's view of :func:`~reader.core.search_words.iter_tokens`, so the
index reads words exactly as queries and snippets do. Changing anything here means bumping
:data:`reader.core.search.INDEX_VERSION`, so that old indexes are rebuilt.
"""

from __future__ import annotations

from whoosh import fields, formats
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
        spell=fields.FieldType(formats.Existence(), WordTokenizer("folded")),
        section_id=fields.STORED(),
        fp=fields.STORED(),
    )
