"""Bench for printing: the whole bundled text plus a generated 44-page guidance's paragraphs,
with 200 notes in the margin, printed to PDF through the real renderer.

Run as ``python tests/bench/bench_print.py`` (Qt runs offscreen). The same HTML is also printed
by a bare ``QTextDocument.print_`` in the same run, so the cost of the renderer's own work (the
header and footer on every page, keeping headings with their text) shows on its own. Goal: the
whole job under 3 s here.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pymupdf  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from reader.core.content import load_pack  # noqa: E402
from reader.core.pdfparagraphs import extract_blocks  # noqa: E402
from reader.core.printing import (  # noqa: E402
    Furniture,
    PrintJob,
    PrintNote,
    PrintRequest,
    build_html,
    printed_date,
)
from reader.ui.print_renderer import bare_print, make_printer, print_to_pdf  # noqa: E402
from tests.factories import make_guidance_pdf  # noqa: E402

GOAL_S = 3.0
ROUNDS = 3


def _timed(func) -> tuple[float, object]:
    times, result = [], None
    for _ in range(ROUNDS):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> int:
    app = QApplication.instance() or QApplication([])
    pack = load_pack(ROOT / "content")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        spec = make_guidance_pdf(folder / "guidance.pdf", pages=44)
        with pymupdf.open(spec.path) as doc:
            pdf_blocks = extract_blocks(doc, "guidance-pdf", "guidance")
        blocks = pack.blocks() + pdf_blocks
        numbered = [b for b in blocks if b.kind != "heading"]
        notes = [
            PrintNote(
                numbered[i * 7 % len(numbered)].id,
                f"Note {i}: bring this to the <b>rota</b> meeting & the appraisal folder.",
            )
            for i in range(200)
        ]
        request = PrintRequest(notes="margin")

        build_s, built = _timed(lambda: build_html(blocks, request, notes))
        html, sections = built
        furniture = Furniture(pack.title, pack.edition, "Everything", printed_date())
        job = PrintJob(furniture, html=html, sections=sections)
        ours = folder / "ours.pdf"
        ours_s, pages = _timed(lambda: print_to_pdf(job, ours))
        bare = folder / "bare.pdf"
        bare_s, _ = _timed(lambda: bare_print(html, make_printer(job, bare)))
        with pymupdf.open(bare) as printed:
            bare_pages = printed.page_count  # print_ paginates a copy; count what it wrote
        size_kb = ours.stat().st_size // 1024

    total_s = build_s + ours_s
    print(f"blocks: {len(blocks)} ({len(pdf_blocks)} from the 44-page PDF), notes: {len(notes)}")
    print(f"{'step':<34}{'seconds':>9}{'pages':>7}{'pages/s':>9}")
    print(f"{'build_html (core)':<34}{build_s:>9.3f}{'':>7}{'':>9}")
    print(f"{'print_to_pdf (renderer)':<34}{ours_s:>9.3f}{pages:>7}{pages / ours_s:>9.1f}")
    print(
        f"{'bare QTextDocument.print_':<34}{bare_s:>9.3f}{bare_pages:>7}{bare_pages / bare_s:>9.1f}"
    )
    print(f"whole job {total_s:.2f} s (goal < {GOAL_S:g} s), PDF {size_kb} kB, median of {ROUNDS}")
    del app
    return 0 if total_s < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
