"""Benchmark of the notes store and re-attachment, as a printed table against same-run baselines.

Run ``python tests/bench/bench_notes.py``. Two editions of a library: the bundled pack plus a
synthetic 400-paragraph guidance-like document (test filler, not GMC text). The second edition
inserts paragraphs (renumbering the rest), rewords one paragraph in five and deletes one in
twenty. Measured:

* re-attaching 1,000 notes to the second edition (goal: under 2 s), against a baseline that
  only looks for each quote in its own block (the least any re-attachment must do);
* recording the statuses in the store (``place_notes``: re-attach and write what changed);
* listing and filtering 5,000 notes through :class:`NotesStore`, against bare SQLite running
  the same query without building note objects.

This is a script, not a timed test: timings depend on the machine.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from reader.core.content import Block, load_pack  # noqa: E402
from reader.core.notes import Filter, NotesStore, anchor_for  # noqa: E402
from reader.core.notes_anchor import ordinals, place_notes, reattach  # noqa: E402
from tests.factories import filler  # noqa: E402

DOC = "guidance-pdf"


def _doc_blocks(texts: list[str]) -> list[Block]:
    return [
        Block(
            id=f"{DOC}.para-{i + 1}",
            document=DOC,
            tab="guidance",
            section=f"s{i // 20}",
            section_title=f"Section {i // 20}",
            kind="pdf-paragraph",
            text=text,
            paragraph=str(i + 1),
            page=i // 9,
        )
        for i, text in enumerate(texts)
    ]


def _editions(rng: random.Random) -> tuple[list[Block], list[Block]]:
    pack = load_pack(ROOT / "content")
    texts = [filler(n, 4) for n in range(400)]
    second: list[str] = []
    for i, text in enumerate(texts):
        if i % 20 == 7:
            continue  # deleted
        if i % 50 == 3:
            second.append(filler(1000 + i, 3))  # inserted: renumbers what follows
        if i % 5 == 1:
            text = text.replace("doctors", "medical professionals").replace("Test", "Trial")
        second.append(text)
    return pack.blocks() + _doc_blocks(texts), pack.blocks() + _doc_blocks(second)


def _timed(fn, repeat: int = 5) -> tuple[float, object]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def _fill(store: NotesStore, blocks: list[Block], count: int, rng: random.Random) -> None:
    ords = ordinals(blocks)
    candidates = [b for b in blocks if len(b.text) > 60]
    colours = ("yellow", "green", "blue", "pink")
    tags = ("appraisal", "teaching", "team", "")
    anchors = []
    for _ in range(count):
        block = rng.choice(candidates)
        start = rng.randrange(0, len(block.text) - 40)
        quote = block.text[start : start + rng.randint(20, 40)]
        anchor = anchor_for(block, "e1", quote=quote, start=start, ordinal=ords[block.id])
        anchors.append((anchor, f"note {rng.random():.6f} #{rng.choice(tags) or 'x'}"))
    # One transaction per note, as the app saves them.
    for anchor, text in anchors:
        store.add(anchor, text, colour=rng.choice(colours))


def main() -> None:
    rng = random.Random(2012)
    first, second = _editions(rng)
    rows: list[tuple[str, float, float | None, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = NotesStore(Path(tmp) / "notes.sqlite3", backup=False)
        _fill(store, first, 1000, rng)
        notes = store.list()
        by_id = {b.id: b.text for b in second}

        def baseline():
            return [n.quote in by_id.get(n.anchor.block, "") for n in notes]

        ours_ms, placements = _timed(lambda: reattach(notes, second), repeat=3)
        base_ms, _ = _timed(baseline)
        counts: dict[str, int] = {}
        for p in placements:
            counts[p.status] = counts.get(p.status, 0) + 1
        rows.append(("re-attach 1,000 notes (goal < 2000 ms)", ours_ms, base_ms, str(counts)))
        start = time.perf_counter()
        place_notes(store, second, {"page": "e2", DOC: "e2"})
        rows.append(
            ("place_notes: re-attach + record", (time.perf_counter() - start) * 1000, None, "")
        )
        back_ms, back = _timed(lambda: reattach(notes, first), repeat=3)
        anchored = sum(p.status == "anchored" for p in back)
        rows.append(("re-attach back to edition 1", back_ms, base_ms, f"{anchored} anchored"))

        _fill(store, first, 4000, rng)
        assert store.count() == 5000
        raw = sqlite3.connect(Path(tmp) / "notes.sqlite3")
        for label, where, sql, params in (
            ("list all 5,000", Filter(), "SELECT * FROM notes ORDER BY document, ordinal", ()),
            (
                "filter by tag #appraisal",
                Filter(tag="appraisal"),
                "SELECT * FROM notes WHERE id IN (SELECT note_id FROM note_tags WHERE tag = ?) "
                "ORDER BY document, ordinal",
                ("appraisal",),
            ),
            (
                "filter by colour + document",
                Filter(colour="green", document=DOC),
                "SELECT * FROM notes WHERE colour = ? AND document = ? ORDER BY ordinal",
                ("green", DOC),
            ),
            (
                "filter by words in the text",
                Filter(text="note 0.5"),
                "SELECT * FROM notes WHERE instr(lower(text), ?) > 0 AND instr(lower(text), ?) > 0",
                ("note", "0.5"),
            ),
        ):
            ours, found = _timed(lambda where=where: store.list(where))
            base, _ = _timed(lambda sql=sql, params=params: raw.execute(sql, params).fetchall())
            rows.append((label + " (goal < 100 ms)", ours, base, f"{len(found)} notes"))
        raw.close()
        store.close()

    print(f"{'operation':48} {'ours ms':>9} {'baseline':>9} {'ratio':>6}  notes")
    for label, ours, base, note in rows:
        base_text = f"{base:9.1f}" if base is not None else f"{'':>9}"
        ratio = f"{ours / base:6.1f}" if base else f"{'':>6}"
        print(f"{label:48} {ours:9.1f} {base_text} {ratio}  {note}")


if __name__ == "__main__":
    main()
