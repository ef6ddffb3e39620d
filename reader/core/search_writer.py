"""Writing a whole index build quickly: Whoosh's segment writer without its per-posting overheads.

A full build writes every posting of every block once: about 170,000 for 2,400 blocks, so what
Whoosh does per posting dominates. Its pool estimates each posting's size as it arrives, and its
field writer reads each block's field length back from disk (a seek and a read) for each posting,
then checks the types of every posting it buffers; it pools one tuple per posting and sorts
them all, and each term passes through several layers of calls to be written. :class:`BuildWriter`
keeps postings grouped by field and term as they come (already in block order, measured by count
after each block), reads each length once, and writes a term whose postings fit in one block
directly. The index written holds the same terms, postings and statistics as Whoosh's own
writer's, byte for byte except that a posting block too short for zlib to shrink is stored
uncompressed (as Whoosh meant to: its own check for that is overwritten on the next line);
tests compare the two. Incremental edits of single blocks still use Whoosh's writer.
"""

from __future__ import annotations

import contextlib
import gc
import zlib
from array import array
from collections.abc import Iterator
from functools import partial
from itertools import groupby, pairwise
from operator import itemgetter

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3FieldWriter, W3PostingsWriter, W3TermInfo
from whoosh.compat import dumps
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util.numeric import length_to_byte
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
        pool = writer.pool
        grouped = pool.grouped
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
                        if len(value) <= _KNOWN_CHARS and len(self._known) < _KNOWN_TEXTS:
                            self._known[name, value] = items
                    if field.scorable:
                        length = sum(item[1] for item in items)
                    terms = grouped.get(name)
                    if terms is None:
                        terms = grouped[name] = {}
                    for tb, _, w, vb in items:
                        postings = terms.get(tb)
                        if postings is None:
                            terms[tb] = [docnum, w * 1.0, vb]
                        else:
                            postings += (docnum, w * 1.0, vb)
                    pool.count += len(items)
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


# At most this many texts' postings are remembered during a build, and only short texts (the
# titles, headings and notices that repeat): remembering every paragraph of a 500-page
# document kept 8 MB of postings to the end of its add, for texts that never came again.
_KNOWN_TEXTS = 4096
_KNOWN_CHARS = 300

# What one pooled posting costs in memory, about: a 5-tuple, the word and value bytes, a float.
_POSTING_BYTES = 200


class _LeanPool(PostingPool):
    """Whoosh's posting pool, holding the lean path's postings grouped by field and term.

    Whoosh pools one ``(field, term, block, weight, value)`` tuple per posting and sorts them
    all at the end: about a fifth of a build. Blocks are added in order, so each term's
    postings are already in block order once grouped; only the terms need sorting. Postings
    that come another way (Whoosh's own ``add_document``, a merge) go to Whoosh's list, and
    then everything goes through Whoosh's sort, as does a pool too big to keep in memory.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_items = max(1000, self.limit // _POSTING_BYTES)
        # {field: {term bytes: [block, weight, value, block, weight, value, ...]}}
        self.grouped: dict[str, dict[bytes, list]] = {}
        self.count = 0  # postings in ``grouped``
        self.add = self.current.append  # no field-name set, no size sum: nobody reads them

    def spill_if_full(self) -> None:
        if self.count + len(self.current) >= self.max_items:
            self._ungroup()
            self.save()

    def _ungroup(self) -> None:
        """Move the grouped postings into Whoosh's list, as tuples."""
        add = self.current.append
        for name, terms in self.grouped.items():
            for term, flat in terms.items():
                for at in range(0, len(flat), 3):
                    add((name, term, flat[at], flat[at + 1], flat[at + 2]))
        self.grouped = {}
        self.count = 0

    def save(self) -> None:
        super().save()
        self.add = self.current.append

    def items(self, maxfiles: int = 128):
        if self.runs or self.current:
            self._ungroup()
            if self.runs:
                self.spill_if_full()
                return super().items(maxfiles)
            self.current.sort()  # in place: Whoosh sorts a copy, doubling the pool at the end
            return iter(self.current)
        return _Grouped(self.grouped)


class _Grouped(dict):
    """The pool's postings grouped by field and term (see :class:`_LeanPool`)."""

    def __iter__(self):  # as Whoosh's sorted tuples, for any code that reads them so
        for name in sorted(self.keys()):
            terms = self[name]
            for term in sorted(terms):
                flat = terms[term]
                for at in range(0, len(flat), 3):
                    yield (name, term, flat[at], flat[at + 1], flat[at + 2])


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

    Postings come sorted by field, term and block (the pool sorts them), or grouped by field
    and term (:class:`_Grouped`). Each term's postings go into the postings writer's block
    buffer in slices, with the block statistics Whoosh's ``add_posting`` keeps one posting at
    a time; whole blocks are written by Whoosh.
    """
    if isinstance(items, _Grouped):
        terms_by_field = ((name, sorted(items[name].items())) for name in sorted(items.keys()))
    else:
        terms_by_field = _from_sorted(items)
    for fieldname, terms in terms_by_field:
        fieldwriter.start_field(fieldname, schema[fieldname])
        field_lengths = _field_lengths(lengths, schema, fieldname)
        postwriter = fieldwriter._postwriter
        lean = type(postwriter) is W3PostingsWriter and not postwriter._byteids
        small = 3 * postwriter._blocklimit if lean and postwriter._inlinelimit <= 1 else 0
        for btext, flat in terms:
            if len(flat) <= small:
                _write_small_term(fieldwriter, postwriter, btext, flat, field_lengths)
                continue
            fieldwriter.start_term(btext)
            postwriter = fieldwriter._postwriter
            if not lean:
                for at in range(0, len(flat), 3):
                    docnum, weight, value = flat[at : at + 3]
                    length = field_lengths[docnum] if field_lengths else 0
                    fieldwriter.add(docnum, weight, value or b"", length)
            else:
                _buffer_postings(postwriter, flat, field_lengths)
            fieldwriter.finish_term()
        fieldwriter.finish_field()


def _from_sorted(items) -> Iterator[tuple[str, Iterator[tuple[bytes, list]]]]:
    """Sorted posting tuples as ``(field, ((term, [block, weight, value, ...]), ...))``."""
    for fieldname, group in groupby(items, key=itemgetter(0)):
        yield fieldname, _terms_of(group)


def _terms_of(group) -> Iterator[tuple[bytes, list]]:
    for btext, postings in groupby(group, key=itemgetter(1)):
        flat = []
        for p in postings:
            # Postings numbered -1 are Whoosh's spelling words, not postings (none in our
            # schema); a term of nothing else is still started, as Whoosh does.
            if p[2] != -1:
                flat += p[2:5]
        if flat:
            yield btext, flat


def _buffer_postings(postwriter: W3PostingsWriter, flat: list, lengths: list | None) -> None:
    """What ``add_posting`` does for each posting, a block's worth at a time.

    ``flat`` holds a term's postings as ``[block, weight, value, block, weight, ...]``.
    """
    limit = postwriter._blocklimit
    start = 0
    end = len(flat)
    while start < end:
        if len(postwriter._ids) >= limit:
            postwriter._write_block()
        stop = min(end, start + 3 * (limit - len(postwriter._ids)))
        ids = flat[start:stop:3]
        weights = flat[start + 1 : stop : 3]
        values = flat[start + 2 : stop : 3]
        start = stop
        postwriter._ids.extend(ids)
        postwriter._weights.extend(weights)
        if any(values):
            postwriter._values.extend(v for v in values if v)
        top = max(weights)
        if top > postwriter._maxweight:
            postwriter._maxweight = top
        if lengths is None:
            continue
        sized = [n for n in map(lengths.__getitem__, ids) if n]
        if sized:
            shortest, longest = min(sized), max(sized)
            if postwriter._minlength is None or shortest < postwriter._minlength:
                postwriter._minlength = shortest
            if longest > postwriter._maxlength:
                postwriter._maxlength = longest


_TERMINFO = W3TermInfo._struct

# A posting block's pickle shorter than this is stored as it is: measured on a 352-page book's
# terms, zlib made every block under 64 bytes longer (4,998 of 7,784 terms).
_COMPRESS_MIN = 64


def _write_small_term(
    fieldwriter: W3FieldWriter,
    postwriter: W3PostingsWriter,
    btext: bytes,
    flat: list,
    lengths: list | None,
) -> None:
    """One term whose postings fit in one block, written as Whoosh's start_term, add_posting
    for each posting and finish_term would write it, without their layers (and without zlib
    for a block it cannot shrink).

    Most terms of a build are such (every block's id, most words): Whoosh's per-term work,
    not the postings, was most of the writing.
    """
    ids = flat[0::3]
    py_weights = flat[1::3]
    weights = array("f", py_weights)  # Whoosh buffers weights as 32-bit floats
    values = [v for v in flat[2::3] if v]
    maxweight = max(py_weights)
    if not maxweight > 0:
        maxweight = 0
    minlength, maxlength = None, 0
    if lengths is not None:
        sized = [n for n in map(lengths.__getitem__, ids) if n]
        if sized:
            minlength, maxlength = min(sized), max(sized)
    # W3PostingsWriter._write_block(last=True), with its _mini_* encodings.
    deltas = [ids[0], *(b - a for a, b in pairwise(ids))]
    if all(w == 1.0 for w in weights):
        mini_weights = None
    elif all(w == weights[0] for w in weights):
        mini_weights = weights[0]
    else:
        mini_weights = tuple(weights)
    fixedsize = fieldwriter._format.fixed_value_size()
    if fixedsize is None or fixedsize < 0:
        mini_values = tuple(values)
    elif fixedsize == 0:
        mini_values = None
    else:
        mini_values = b"".join(values)
    databytes = dumps((tuple(deltas), mini_weights, mini_values), 2)
    # Whoosh compresses every block; below _COMPRESS_MIN bytes zlib only adds its header and
    # checksum (most terms: one block's id, a rare word). The block says which it is.
    comp = postwriter._compression if len(databytes) >= _COMPRESS_MIN else 0
    if comp:
        databytes = zlib.compress(databytes, comp)
    minbyte, maxbyte = length_to_byte(minlength), length_to_byte(maxlength)
    infobytes = dumps((len(ids), ids[-1], maxweight, comp, minbyte, maxbyte), 2)
    postfile = fieldwriter._postfile
    start = postfile.tell()
    postfile.write(WHOOSH3_HEADER_MAGIC)
    postfile.write(pack_int(-(len(infobytes) + len(databytes))))
    postfile.write(infobytes)
    postfile.write(databytes)
    extent = postfile.tell() - start
    # W3FieldWriter.finish_term: the term's W3TermInfo, as to_bytes() packs it.
    terminfo = _TERMINFO.pack(
        0,
        sum(weights),
        len(ids),
        0 if minlength is None else minbyte,
        maxbyte,
        maxweight,
        ids[0],
        ids[-1],
    )
    terminfo += pack_long(start) + pack_int(extent)
    fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + btext, terminfo)
