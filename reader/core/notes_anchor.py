"""Re-attachment: where each note belongs in the edition now open.

In order, for each note: its own block with the exact quoted words (``anchored``, or ``moved``
when the paragraph number changed); the exact words anywhere in the document, the occurrence
whose context and position best fit (``moved``); a fuzzy match of the words (rapidfuzz), scored
with their context and the note's former position (``changed``); else ``unplaced``. Nothing here
writes: the store records the results (:meth:`NotesStore.apply_placements`) and never deletes.
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from rapidfuzz import fuzz, process

from reader.core.content import Block
from reader.core.notes import Filter, Note, NotesError, NotesStore
from reader.core.notes_model import Placement

# A fuzzy match is kept only above these (0-100): tuned on reworded, split and deleted
# paragraphs in tests/core/test_notes_anchor.py.
MIN_QUOTE_SCORE = 72.0
MIN_TOTAL_SCORE = 68.0
SAME_PLACE_CONTEXT = 60.0  # below this, the words around the quote are another paragraph's
MIN_FUZZY_CHARS = 12  # shorter quotes match almost anything loosely: exact or nothing
_SEP = "\x00\n"  # never in text: a found quote cannot straddle two blocks


class _Document:
    """One document's blocks in the new edition, joined for fast exact search."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = list(blocks)
        self.by_id = {b.id: i for i, b in enumerate(self.blocks)}
        self.starts: list[int] = []
        pos = 0
        for b in self.blocks:
            self.starts.append(pos)
            pos += len(b.text) + len(_SEP)
        self.joined = _SEP.join(b.text for b in self.blocks)
        self.texts = [b.text for b in self.blocks]

    def occurrences(self, exact: str) -> list[tuple[int, int]]:
        """(block index, start in block) of every exact occurrence."""
        found: list[tuple[int, int]] = []
        at = self.joined.find(exact)
        while at >= 0:
            i = bisect.bisect_right(self.starts, at) - 1
            found.append((i, at - self.starts[i]))
            at = self.joined.find(exact, at + 1)
        return found


def _context_score(note: Note, text: str, start: int, end: int) -> float:
    """0-100: how well the words around a candidate match the note's prefix and suffix."""
    a = note.anchor
    before = text[max(0, start - len(a.prefix)) : start]
    after = text[end : end + len(a.suffix)]
    pre = 100.0 if not a.prefix and not before else fuzz.ratio(a.prefix, before)
    post = 100.0 if not a.suffix and not after else fuzz.ratio(a.suffix, after)
    return (pre + post) / 2


def _proximity(note: Note, index: int, total: int) -> float:
    """0-100: 100 at the note's former place in the document, falling off with distance."""
    if total <= 1:
        return 100.0
    return 100.0 * max(0.0, 1.0 - abs(index - note.anchor.ordinal) / total)


def _place(note: Note, doc: _Document, status: str, i: int, start: int, end: int, score: float):
    block = doc.blocks[i]
    return Placement(
        note.id, status, block.id, block.paragraph, start, end, block.text[start:end], score
    )


def _exact(note: Note, doc: _Document) -> Placement | None:
    a = note.anchor
    if not a.exact:
        return None
    own = doc.by_id.get(a.block)
    total = len(doc.blocks)

    def context(item: tuple[int, int]) -> float:
        i, s = item
        return _context_score(note, doc.texts[i], s, s + len(a.exact))

    if own is not None:
        text = doc.texts[own]
        mine = []
        at = text.find(a.exact)
        while at >= 0:
            mine.append((own, at))
            at = text.find(a.exact, at + 1)
        if mine:
            i, start = min(mine, key=lambda item: (abs(item[1] - a.start), item[1]))
            # Block ids of the page are positional: the same id with other words around the
            # quote is another paragraph now (a split, or a deletion before it): look further.
            if context((i, start)) >= SAME_PLACE_CONTEXT:
                same_number = (doc.blocks[i].paragraph or None) == (a.paragraph or None)
                status = "anchored" if same_number else "moved"
                return _place(note, doc, status, i, start, start + len(a.exact), 100.0)
    found = doc.occurrences(a.exact)
    if not found:
        return None

    def fit(item: tuple[int, int]) -> float:
        return 0.7 * context(item) + 0.3 * _proximity(note, item[0], total)

    i, start = max(found, key=fit)
    return _place(note, doc, "moved", i, start, start + len(a.exact), 100.0)


def _fuzzy(note: Note, doc: _Document) -> Placement | None:
    a = note.anchor
    if len(a.exact) < MIN_FUZZY_CHARS or not doc.blocks:
        return None
    # rapidfuzz compares the quote with every block in C++; only the best few are scored fully.
    candidates = process.extract(
        a.exact, doc.texts, scorer=fuzz.partial_ratio, limit=6, score_cutoff=MIN_QUOTE_SCORE - 10
    )
    best: tuple[float, int, int, int] | None = None
    total = len(doc.blocks)
    for _, _, i in candidates:
        text = doc.texts[i]
        if len(text) < len(a.exact):
            # A block shorter than the quote (a heading inside a long quote) must match whole.
            quote_score = fuzz.ratio(a.exact, text)
            start, end = 0, len(text)
        else:
            align = fuzz.partial_ratio_alignment(a.exact, text)
            quote_score = align.score
            start, end = align.dest_start, align.dest_end
        if quote_score < MIN_QUOTE_SCORE:
            continue
        score = (
            0.7 * quote_score
            + 0.2 * _context_score(note, text, start, end)
            + 0.1 * _proximity(note, i, total)
        )
        if best is None or score > best[0]:
            best = (score, i, start, end)
    if best is None or best[0] < MIN_TOTAL_SCORE:
        return None
    score, i, start, end = best
    return _place(note, doc, "changed", i, start, end, round(score, 1))


def reattach(notes: Iterable[Note], blocks: Iterable[Block]) -> list[Placement]:
    """Where each note belongs among ``blocks`` (every block of the edition now open).

    Notes on a document with no blocks here (a document not added on this machine) come back
    ``unplaced``; they stay in the store under the edition they were written on.
    """
    by_document: dict[str, list[Block]] = {}
    for block in blocks:
        by_document.setdefault(block.document, []).append(block)
    docs = {key: _Document(value) for key, value in by_document.items()}
    results: list[Placement] = []
    for note in notes:
        doc = docs.get(note.document)
        found = None
        if doc is not None:
            found = _exact(note, doc) or _fuzzy(note, doc)
        results.append(found or Placement(note.id, "unplaced"))
    return results


def ordinals(blocks: Iterable[Block]) -> dict[str, int]:
    """Each block's place within its own document, for :func:`reader.core.notes.anchor_for`."""
    counters: dict[str, int] = {}
    result: dict[str, int] = {}
    for block in blocks:
        n = counters.get(block.document, 0)
        result[block.id] = n
        counters[block.document] = n + 1
    return result


def apply_to(notes: Iterable[Note], placements: Iterable[Placement]) -> list[Note]:
    """The notes as they sit now: each with its placement's status, block and quote."""
    by_id = {p.note_id: p for p in placements}
    placed: list[Note] = []
    for note in notes:
        p = by_id.get(note.id)
        if p is not None:
            note = replace(
                note,
                status=p.status,
                placed_block=p.block,
                placed_paragraph=p.paragraph,
                placed_start=p.start,
                placed_end=p.end,
                placed_quote=p.quote,
            )
        placed.append(note)
    return placed


def place_notes(
    store: NotesStore,
    blocks: Iterable[Block],
    editions: Mapping[str, str],
    where: Filter | None = None,
) -> list[Note]:
    """Re-attach the store's notes to ``blocks`` (the edition now open), record the statuses,
    and return the notes as placed. A store that cannot be written (read-only folder) still
    gives the right statuses; they are just not remembered."""
    blocks = list(blocks)
    notes = store.list(where)
    placements = reattach(notes, blocks)
    with contextlib.suppress(NotesError):
        store.apply_placements(placements, editions)
    return apply_to(notes, placements)
