"""Benchmark of notes in the window, as a printed table against same-run baselines.

Run ``python tests/bench/bench_notes_panel.py`` (offscreen is set here). Measured:

* **the notes panel with 5,000 notes**: building the panel, listing every note and showing it
  (goal: under 100 ms), then filtering by a tag and by words (each under 100 ms); the
  baseline is the store's own query for the same notes, without any widget;
* **scrolling a noted 44-page PDF** (a generated guidance-like booklet, filler text): the
  median time to paint one frame while stepping through the whole document, with two notes on
  every paragraph (a highlight with its word boxes and a note with its margin marker), against
  the same view with no notes, alternating runs (goal: within 1.1x).

A script, not a timed test: timings depend on the machine.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from reader.core.content import load_pack  # noqa: E402
from reader.core.notes import Filter, Note, NotesStore, anchor_for  # noqa: E402
from reader.core.notes_export import citation, sources_for  # noqa: E402
from reader.core.pdfdoc import open_pdf  # noqa: E402
from reader.core.pdfparagraphs import extract_blocks  # noqa: E402
from reader.core.render import Theme  # noqa: E402
from reader.ui.note_markers import PageNoteMarkers  # noqa: E402
from reader.ui.notes_panel import NotesPanel  # noqa: E402
from tests.factories import make_guidance_pdf  # noqa: E402

TAGS = ("appraisal", "teaching", "audit", "rota", "handover")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def _notes(blocks, count: int, rng: random.Random) -> list[Note]:
    notes = []
    for i in range(count):
        block = blocks[i % len(blocks)]
        words = block.text.split()
        quote = " ".join(words[: rng.randint(2, min(8, len(words)))]) if words else None
        anchor = anchor_for(block, "bench@1", quote, 0 if quote else None, i % len(blocks))
        tag = TAGS[i % len(TAGS)]
        notes.append(
            Note(
                id=f"bench-{i:05d}",
                anchor=anchor,
                text=f"Bench note {i} about {tag} #{tag}",
                colour=("yellow", "green", "blue", "pink", "purple")[i % 5],
                tags=(tag,),
                created=f"2026-01-01T00:00:{i % 60:02d}Z",
                modified=f"2026-01-01T00:00:{i % 60:02d}Z",
            )
        )
    return notes


def bench_panel(app: QApplication, folder: Path) -> list[tuple[str, float, float]]:
    pack = load_pack(ROOT / "content")
    blocks = [b for b in pack.blocks() if len(b.text.split()) >= 8]
    store = NotesStore(folder / "notes.sqlite3", backup=False)
    store.merge(_notes(blocks, 5000, random.Random(9)))
    sources = sources_for(pack)
    titles = {t.id: t.title for t in pack.tabs}

    def cite(note: Note) -> str:
        return citation(note, sources)

    def title_of(key: str) -> str:
        return titles.get(key) or sources.source(key).title

    def load(ids) -> list[Note]:
        return store.list(Filter(ids=tuple(ids)))

    def show(panel: NotesPanel) -> None:  # what NotesController.refresh_panel does
        panel.set_ids(store.ids(panel.current_filter()), load, store.count())

    rows = []
    open_times, base_open = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        store.list()
        base_open.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        panel = NotesPanel(cite, title_of)
        panel.resize(360, 800)
        show(panel)
        panel.show()
        panel.repaint()
        app.processEvents()
        open_times.append(time.perf_counter() - t0)
        panel.close()
        panel.deleteLater()
        app.processEvents()
    rows.append(("panel open, 5,000 notes", statistics.median(open_times), min(base_open)))

    panel = NotesPanel(cite, title_of)
    panel.resize(360, 800)
    show(panel)
    panel.set_choices([], list(TAGS))
    panel.filterChanged.connect(lambda: show(panel))
    panel.show()
    app.processEvents()
    for label, apply, query in (
        ("filter by tag (1,000 shown)", lambda: panel.tag.setCurrentIndex(2), Filter(tag=TAGS[1])),
        (
            "filter by words (one note)",
            lambda: panel.box.setText("note 4321 "),
            Filter(text="note 4321"),
        ),
    ):
        times, base = [], []
        for _ in range(5):
            panel.tag.setCurrentIndex(0)
            panel.box.clear()
            app.processEvents()
            t0 = time.perf_counter()
            store.list(query)
            base.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            apply()
            panel.repaint()
            app.processEvents()
            times.append(time.perf_counter() - t0)
        rows.append((label, statistics.median(times), min(base)))
    panel.close()
    store.close()
    return rows


def bench_scroll(app: QApplication, folder: Path) -> tuple[float, float, int]:
    from reader.ui.document_view import DocumentView

    spec = make_guidance_pdf(folder / "guidance.pdf", pages=44)
    doc = open_pdf(spec.path)
    try:
        blocks = extract_blocks(doc, "guidance-pdf", "guidance")
    finally:
        doc.close()
    view = DocumentView(spec.path, "guidance-pdf", "Bench", blocks, Theme(), 11)
    view.resize(1300, 900)
    view.show()
    pages = view.pages
    stop = time.perf_counter() + 60
    for page in range(pages.page_count()):  # every page rendered and cached, as when re-read
        pages.go_to_page(page)
        while not pages.is_rendered(page) and time.perf_counter() < stop:
            app.processEvents()
            time.sleep(0.001)
    by_block: dict[str, list[Note]] = {}
    for block in blocks:
        if block.page is None or block.bbox is None:
            continue
        x0, y0, _x1, _y1 = block.bbox
        words = tuple((x0 + 20 * k, y0, x0 + 20 * k + 18, y0 + 11) for k in range(6))
        highlight = Note(
            id=f"h-{block.id}",
            anchor=replace(anchor_for(block, "e"), start=4, boxes=words),
        )
        note = Note(id=f"n-{block.id}", anchor=anchor_for(block, "e"), text="a note")
        by_block[block.id] = [highlight, note]
    markers = PageNoteMarkers(lambda block_id: by_block.get(block_id, ()), blocks)
    bar = pages.verticalScrollBar()
    steps = list(range(0, bar.maximum(), max(1, bar.maximum() // 300)))

    def frame_times() -> list[float]:
        times = []
        for value in steps:
            bar.setValue(value)
            t0 = time.perf_counter()
            pages.viewport().repaint()
            times.append(time.perf_counter() - t0)
        return times

    plain, noted = [], []
    for _ in range(3):
        plain.extend(frame_times())
        pages.add_overlay(markers)
        noted.extend(frame_times())
        pages.remove_overlay(markers)
    view.close_document()
    view.close()
    return statistics.median(noted), statistics.median(plain), len(by_block)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rows = bench_panel(app, folder)
        noted, plain, noted_blocks = bench_scroll(app, folder)
    print(f"{'measure':34} {'notes panel':>11} {'store only':>11}")
    for label, value, base in rows:
        print(f"{label:34} {_ms(value)} {_ms(base)}")
    print()
    print(f"44-page PDF, one frame while scrolling ({noted_blocks} noted paragraphs, 2 notes each)")
    print(f"{'with notes':34} {_ms(noted)}")
    print(f"{'no notes (baseline)':34} {_ms(plain)}")
    print(f"{'ratio':34} {noted / plain:8.2f} x   (goal: 1.10 x or less)")


if __name__ == "__main__":
    main()
