"""Bench for the page view: time to the first painted page, and memory over a long scroll.

Run as ``python tests/bench/bench_pdf_view.py``; it prints a table. Each measurement runs in a
fresh child process so one does not inflate the other. The baseline, in the same run, is a bare
QLabel showing a raw PyMuPDF pixmap of page 1: what the simplest possible viewer costs.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _wait(app, done, timeout: float = 10.0) -> None:
    stop = time.perf_counter() + timeout
    while not done() and time.perf_counter() < stop:
        app.processEvents()
        time.sleep(0.001)


def child_first_page(path: str) -> dict:
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from reader.core.render import Theme
    from reader.ui.document_view import DocumentView

    started = time.perf_counter()
    view = DocumentView(Path(path), "bench", "Bench", [], Theme(), 11)
    view.resize(1200, 850)
    view.show()
    _wait(app, lambda: view.pages.is_rendered(0))
    view.pages.viewport().repaint()
    elapsed = time.perf_counter() - started
    view.close_document()
    return {"ms": elapsed * 1000}


def child_baseline(path: str) -> dict:
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    import pymupdf
    from PySide6.QtGui import QImage, QPixmap
    from PySide6.QtWidgets import QLabel

    started = time.perf_counter()
    doc = pymupdf.open(path)
    pix = doc[0].get_pixmap(dpi=96)
    image = QImage(pix.samples, pix.width, pix.height, pix.stride, QImage.Format.Format_RGB888)
    label = QLabel()
    label.setPixmap(QPixmap.fromImage(image))
    label.show()
    label.repaint()
    app.processEvents()
    return {"ms": (time.perf_counter() - started) * 1000}


def child_scroll(path: str) -> dict:
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from reader.core.render import Theme
    from reader.ui.document_view import DocumentView

    before_open = _rss_mb()  # Qt, PyMuPDF and the app's modules loaded, no document yet
    view = DocumentView(Path(path), "bench", "Bench", [], Theme(), 11)
    view.resize(1200, 850)
    view.show()
    pages = view.pages
    count = pages.page_count()
    samples = []
    started = time.perf_counter()
    for index in range(count):
        pages.go_to_page(index)
        _wait(app, lambda i=index: pages.is_rendered(i))
        pages.viewport().repaint()
        if index in (10, count // 2, count - 1):
            samples.append(_rss_mb())
    elapsed = time.perf_counter() - started
    result = {
        "pages": count,
        "before_open": before_open,
        "after_first_screens": samples[0],
        "middle": samples[1],
        "end": samples[2],
        "peak": _peak_mb(),
        "cache_pages": len(pages.cache),
        "cache_mb": pages.cache.nbytes / 2**20,
        "ms_per_page": elapsed * 1000 / count,
    }
    view.close_document()
    return result


def _run_child(kind: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from tests.factories import make_guidance_pdf

    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "guidance44.pdf"
        make_guidance_pdf(small, pages=44)
        long = Path(tmp) / "guidance500.pdf"
        make_guidance_pdf(long, pages=500, paragraphs=1000)
        first = [_run_child("first", small)["ms"] for _ in range(3)]
        base = [_run_child("baseline", small)["ms"] for _ in range(3)]
        scroll = _run_child("scroll", long)
    rows = [
        ("DocumentView: create -> page 1 painted (median of 3)", f"{sorted(first)[1]:.0f} ms"),
        ("baseline: QLabel + raw pixmap of page 1 (median of 3)", f"{sorted(base)[1]:.0f} ms"),
        ("scroll 500 pages: time per page (draw + paint)", f"{scroll['ms_per_page']:.1f} ms"),
        ("scroll 500 pages: RSS before opening (Qt + PyMuPDF)", f"{scroll['before_open']:.0f} MB"),
        ("scroll 500 pages: RSS after first screens", f"{scroll['after_first_screens']:.0f} MB"),
        ("scroll 500 pages: RSS half way", f"{scroll['middle']:.0f} MB"),
        ("scroll 500 pages: RSS at the end", f"{scroll['end']:.0f} MB"),
        ("scroll 500 pages: peak RSS", f"{scroll['peak']:.0f} MB"),
        ("page cache at the end", f"{scroll['cache_pages']} pages, {scroll['cache_mb']:.0f} MB"),
    ]
    print(f"{'measure':<56} {'value':>18}")
    print("-" * 75)
    for name, value in rows:
        print(f"{name:<56} {value:>18}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        kind, path = sys.argv[2], sys.argv[3]
        run = {"first": child_first_page, "baseline": child_baseline, "scroll": child_scroll}[kind]
        print(json.dumps(run(path)))
    else:
        main()
