"""Bench for the PDF room: rendering, paragraph extraction and memory on generated files.

Run as ``python tests/bench/bench_pdf.py``; it prints a table. Rendering through
``render_page`` is compared with a bare ``page.get_pixmap(dpi=...)`` in the same run, so the
cost of the wrapper (size cap, copying the samples to bytes) is visible on its own. Paragraph
extraction is timed on the 44- and 500-page generated guidance and on a 44-page booklet from
``tests/booklets.py`` (boxes, bullets, endnotes, front matter). Peak memory
while rendering a 500-page file end to end is measured in a fresh child process, so the figure is
not inflated by whatever this process did before.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

import pymupdf  # noqa: E402

from reader.core.pdfdoc import open_pdf, render_page  # noqa: E402
from reader.core.pdfparagraphs import extract_blocks  # noqa: E402
from reader.core.safeopen import probe_file  # noqa: E402
from tests.booklets import make_booklet  # noqa: E402
from tests.factories import make_guidance_pdf  # noqa: E402


def _per_page_ms(func, doc, rounds: int = 3) -> float:
    """Median over rounds of the mean time per page, in milliseconds."""
    means = []
    for _ in range(rounds):
        started = time.perf_counter()
        for index in range(doc.page_count):
            func(index)
        means.append((time.perf_counter() - started) * 1000 / doc.page_count)
    return statistics.median(means)


def _median_s(func, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _rss_child(path: str) -> None:
    """Render every page at 150 dpi and report peak RSS (kB) before and after."""
    doc = open_pdf(path)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    for index in range(doc.page_count):
        page = render_page(doc, index, 150)
        del page
    seconds = time.perf_counter() - started
    _, traced_peak = tracemalloc.get_traced_memory()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "before_kb": before,
                "after_kb": after,
                "traced_peak_kb": traced_peak // 1024,
                "seconds": seconds,
                "pages": doc.page_count,
            }
        )
    )


def main() -> None:
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        spec = make_guidance_pdf(folder / "g44.pdf", pages=44, paragraphs=90)
        doc = open_pdf(spec.path)
        for dpi in (96, 150):
            bare = _per_page_ms(lambda i, dpi=dpi: doc[i].get_pixmap(dpi=dpi), doc)
            ours = _per_page_ms(lambda i, dpi=dpi: render_page(doc, i, dpi), doc)
            rows.append((f"render A4 @ {dpi} dpi, bare get_pixmap", f"{bare:.2f} ms/page"))
            view = _per_page_ms(lambda i, dpi=dpi: render_page(doc, i, dpi, copy=False), doc)
            rows.append((f"render A4 @ {dpi} dpi, render_page", f"{ours:.2f} ms/page"))
            rows.append((f"render A4 @ {dpi} dpi, render_page copy=False", f"{view:.2f} ms/page"))

        seconds = _median_s(lambda: extract_blocks(doc, "g", "t"))
        rows.append((f"extract_blocks, {doc.page_count} pages", f"{seconds * 1000:.0f} ms"))
        book = make_booklet(folder / "booklet.pdf", sections=34)
        book_doc = open_pdf(book.path)
        seconds = _median_s(lambda: extract_blocks(book_doc, "b", "t"))
        rows.append(
            (f"extract_blocks, booklet of {book_doc.page_count} pages", f"{seconds * 1000:.0f} ms")
        )
        book_doc.close()
        seconds = _median_s(lambda: probe_file(spec.path), rounds=3)
        rows.append(("probe_file (child process), 44 pages", f"{seconds * 1000:.0f} ms"))

        started = time.perf_counter()
        big = make_guidance_pdf(folder / "g500.pdf", pages=500, paragraphs=1000)
        rows.append(("generate 500-page test PDF", f"{time.perf_counter() - started:.1f} s"))
        big_doc = open_pdf(big.path)
        seconds = _median_s(lambda: extract_blocks(big_doc, "g", "t"), rounds=3)
        rows.append((f"extract_blocks, {big_doc.page_count} pages", f"{seconds:.2f} s"))
        big_doc.close()

        done = subprocess.run(
            [sys.executable, __file__, "--rss-child", str(big.path)],
            capture_output=True,
            check=True,
            text=True,
        )
        rss = json.loads(done.stdout)
        rows.append((f"render {rss['pages']} pages @ 150 dpi, total", f"{rss['seconds']:.1f} s"))
        rows.append(("  peak RSS before rendering", f"{rss['before_kb'] / 1024:.0f} MB"))
        rows.append(("  peak RSS after rendering", f"{rss['after_kb'] / 1024:.0f} MB"))
        rows.append(("  tracemalloc peak (Python side)", f"{rss['traced_peak_kb'] / 1024:.1f} MB"))
        doc.close()

    width = max(len(name) for name, _ in rows)
    print(f"PyMuPDF {pymupdf.__version__}, Python {sys.version.split()[0]}")
    print(f"{'measure':<{width}}  value")
    print(f"{'-' * width}  {'-' * 14}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--rss-child":
        _rss_child(sys.argv[2])
    else:
        main()
