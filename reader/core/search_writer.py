"""Writing a whole index build quickly: Whoosh's segment writer without its per-posting overheads.

A full build writes every posting of every block once: about 170,000 for 2,400 blocks, so what
Whoosh does per posting dominates. Its pool estimates each posting's size as it arrives, and its
field writer reads each block's field length back from disk (a seek and a read) for each posting,
then checks the types of every posting it buffers. :class:`BuildWriter` pools postings as they
come (measured by count after each block), reads each length once, and buffers each term's
postings in one step. The index written is the same, byte for byte in its postings and lengths
(tests compare it with Whoosh's own writer); incremental edits still use Whoosh's writer.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from functools import partial
from itertools import groupby
from operator import itemgetter

from whoosh.codec.whoosh3 import W3FieldWriter, W3PostingsWriter
from whoosh.writing import PostingPool


def document_ends(blocks: list[dict]) -> dict[int, int]:
    """Where each document's last block is, given blocks' fields: {position: documents done}.

    A build's progress counts documents, as a reader thinks of the library: the bundled
    guidance is one, each added file one more, and all notes together one.
    """
    last: dict[str, int] = {}
    for at, fields in enumerate(blocks):
        last["notes" if fields.get("source") == "notes" else fields.get("document", "")] = at
    return {at: done for done, at in enumerate(sorted(last.values()), start=1)}


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Hold Python's cycle collector while a build makes its 170,000 posting tuples.

    None of them is part of a cycle, but each pass of the collector walks them all again: a
    tenth to a third of a build's time. It is turned on again after, if it was on before.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class BuildWriter:
    """Whoosh's writer for a whole build into an empty index, made lean (see the module)."""

    def __init__(self, ix, limitmb: int = 64) -> None:
        writer = self._writer = ix.writer(limitmb=limitmb)
        writer.pool = _LeanPool(writer._tempstorage, writer.newsegment, limitmb=limitmb)
        # Postings of the texts seen in this build: titles and headings repeat from block to
        # block, and so do boilerplate paragraphs of one publisher's documents.
        self._known: dict[tuple[str, object], tuple] = {}
        # Fields the lean path adds; anything else (boosts, vectors...) goes through Whoosh.
        self._plain = frozenset(
            name
            for name, field in writer.schema.items()
            if not field.vector and not field.separate_spelling()
        )
        fieldwriter = writer.fieldwriter
        if type(fieldwriter) is W3FieldWriter:  # the codec this module knows
            fieldwriter.add_postings = partial(_add_postings, fieldwriter)

    def add(self, fields: dict) -> None:
        """Add one block's fields, as ``add_document(**fields)`` would."""
        writer = self._writer
        if self._plain.issuperset(fields):
            self._add_plain(fields)
        else:
            writer.add_document(**fields)
        writer.pool.spill_if_full()

    def _add_plain(self, fields: dict) -> None:
        # Whoosh's SegmentWriter.add_document for fields without boosts, vectors or separate
        # spelling words, whose postings are put in the pool in one step per field.
        writer = self._writer
        writer._check_state()
        schema = writer.schema
        docnum = writer.docnum
        pool = writer.pool.current
        perdoc = writer.perdocwriter
        perdoc.start_doc(docnum)
        try:
            for name in sorted(fields):
                value = fields[name]
                if value is None:
                    continue
                field = schema[name]
                length = 0
                if field.indexed:
                    items = self._known.get((name, value))
                    if items is None:
                        items = tuple(field.index(value))
                        if len(self._known) < _KNOWN_TEXTS:
                            self._known[name, value] = items
                    if field.scorable:
                        length = sum(item[1] for item in items)
                    pool.extend([(name, tb, docnum, w * 1.0, vb) for tb, _, w, vb in items])
                perdoc.add_field(name, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdoc.add_column_value(name, column, field.to_column_value(value))
        except Exception:
            perdoc.cancel_doc()
            raise
        perdoc.finish_doc()
        writer._added = True
        writer.docnum += 1

    def commit(self, merge: bool = True) -> None:
        """Write the segment. ``merge=False`` leaves the index's other segments as they are
        (adding a document to a live index: only the new postings pass through this writer)."""
        self._known.clear()
        self._writer.commit(merge=merge)

    def cancel(self) -> None:
        self._known.clear()
        self._writer.cancel()


# At most this many texts' postings are remembered during a build (a few MB).
_KNOWN_TEXTS = 4096

# What one pooled posting costs in memory, about: a 5-tuple, the word and value bytes, a float.
_POSTING_BYTES = 200


class _LeanPool(PostingPool):
    """Whoosh's posting pool, appending without a size estimate per posting."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_items = max(1000, self.limit // _POSTING_BYTES)
        self.add = self.current.append  # no field-name set, no size sum: nobody reads them

    def spill_if_full(self) -> None:
        if len(self.current) >= self.max_items:
            self.save()

    def save(self) -> None:
        super().save()
        self.add = self.current.append

    def items(self, maxfiles: int = 128):
        if self.runs:
            self.spill_if_full()
            return super().items(maxfiles)
        self.current.sort()  # in place: Whoosh sorts a copy, doubling the pool at the end
        return iter(self.current)


def _field_lengths(lengths, schema, fieldname: str) -> list | None:
    """Every block's length in a scored field, read from the length column once; else None.

    Fields that are not scored have no length column: Whoosh would look for its file on disk
    for every posting of theirs only to find 0.
    """
    if lengths is None or not schema[fieldname].scorable:
        return None
    read = lengths.doc_field_length
    return [read(docnum, fieldname, 0) for docnum in range(lengths.doc_count_all())]


def _add_postings(fieldwriter: W3FieldWriter, schema, lengths, items) -> None:
    """:meth:`whoosh.codec.base.FieldWriter.add_postings` for sorted postings, a term at a time.

    Postings come sorted by field, term and block (the pool sorts them). Each term's postings
    go into the postings writer's block buffer in slices, with the block statistics Whoosh's
    ``add_posting`` keeps one posting at a time; whole blocks are written by Whoosh.
    """
    current_field = None
    field_lengths = None
    for (fieldname, btext), group in groupby(items, key=_FIELD_AND_TERM):
        # Postings numbered -1 are Whoosh's spelling words, not postings (none in our schema).
        postings = [p for p in group if p[2] != -1]
        if fieldname != current_field:
            if current_field is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            current_field = fieldname
            field_lengths = _field_lengths(lengths, schema, fieldname)
        if not postings:
            continue
        fieldwriter.start_term(btext)
        postwriter = fieldwriter._postwriter
        if type(postwriter) is not W3PostingsWriter or postwriter._byteids:
            for _, _, docnum, weight, value in postings:
                length = field_lengths[docnum] if field_lengths else 0
                fieldwriter.add(docnum, weight, value or b"", length)
        else:
            _buffer_postings(postwriter, postings, field_lengths)
        fieldwriter.finish_term()
    if current_field is not None:
        fieldwriter.finish_field()


_FIELD_AND_TERM = itemgetter(0, 1)


def _buffer_postings(postwriter: W3PostingsWriter, postings: list, lengths: list | None) -> None:
    """What ``add_posting`` does for each posting, a block's worth at a time."""
    limit = postwriter._blocklimit
    start = 0
    while start < len(postings):
        if len(postwriter._ids) >= limit:
            postwriter._write_block()
        chunk = postings[start : start + limit - len(postwriter._ids)]
        start += len(chunk)
        weights = [p[3] for p in chunk]
        postwriter._ids.extend(p[2] for p in chunk)
        postwriter._weights.extend(weights)
        postwriter._values.extend(p[4] for p in chunk if p[4])
        top = max(weights)
        if top > postwriter._maxweight:
            postwriter._maxweight = top
        if lengths is None:
            continue
        sized = [n for n in (lengths[p[2]] for p in chunk) if n]
        if sized:
            shortest, longest = min(sized), max(sized)
            if postwriter._minlength is None or shortest < postwriter._minlength:
                postwriter._minlength = shortest
            if longest > postwriter._maxlength:
                postwriter._maxlength = longest
