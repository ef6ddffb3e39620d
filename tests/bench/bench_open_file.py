"""`reader FILE.pdf`: time from process start to the file's first page painted.

Run: python tests/bench/bench_open_file.py [--runs N]. Prints a table; not a timed test.
The reader runs as a user starts it, through ``reader.cli.main`` (the command line, the
single-instance check and all); the benchmark only adds a handler on its first-page signal.
Three cases, measured in the same run:
- baseline: a bare PySide6 window showing page 1 rendered by PyMuPDF in-process;
- the reader opening a file already in its library (checksum known: opened at once);
- the reader opening a new file (first inspected and extracted in a child process, so a file
  that crashes MuPDF cannot take the app down; the child sends a picture of page 1 before it
  reads the text, and that picture's paint is the first page painted);
- the same for a 352-page book, whose text takes about a second to read.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from first_paint import BARE_PAGE, FIRST_PAINT

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

BARE = (
    FIRST_PAINT
    + BARE_PAGE
    + r"""
label.installEventFilter(watch)
label.show()
app.exec()
print(watch.t)
"""
)

APP = r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from reader.ui.main_window import MainWindow

# `reader FILE.pdf` as a user runs it (the command line, the single-instance check, the early
# checking child for a file not in the library, the window); the only addition is a handler
# on the signal of the file's first page painted (PdfView.firstPagePainted).
state = {}

def painted():
    state.setdefault("t", time.time())
    QTimer.singleShot(0, QApplication.instance().quit)

launch = MainWindow.launch

def watched_launch(self, open_file=None):
    self.documents.firstPageShown.connect(painted)
    launch(self, open_file)

MainWindow.launch = watched_launch
from reader.cli import main
main([sys.argv[1]])
print(state["t"])
"""


def run(code: str, pdf: Path, home: Path) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", READER_HOME=str(home))
    # An installed app runs from compiled bytecode (pip and PyInstaller write it); a shell with
    # PYTHONDONTWRITEBYTECODE would make every run recompile the reader's modules (~25 ms).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, str(pdf)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]) - start


def main() -> None:
    from tests.factories import make_guidance_pdf

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pdf = tmp / "Leadership_and_management_for_all_doctors.pdf"
        make_guidance_pdf(pdf)
        book = tmp / "A long book.pdf"
        make_guidance_pdf(book, pages=352, paragraphs=1056)
        known_home = tmp / "known"
        run(APP, pdf, known_home)  # adds it once: later runs find it in the library
        rows: dict[str, list[float]] = {
            "bare PySide6 + PyMuPDF": [],
            "reader, known file": [],
            "reader, new file": [],
            "reader, new 352-page book": [],
        }
        for i in range(args.runs):
            rows["bare PySide6 + PyMuPDF"].append(run(BARE, pdf, tmp / "bare"))
            rows["reader, known file"].append(run(APP, pdf, known_home))
            rows["reader, new file"].append(run(APP, pdf, tmp / f"new{i}"))
            rows["reader, new 352-page book"].append(run(APP, book, tmp / f"book{i}"))
    base = statistics.median(rows["bare PySide6 + PyMuPDF"])
    print(f"reader FILE.pdf (44 pages): process start to first page painted, {args.runs} runs")
    print(f"{'program':<28}{'median ms':>10}{'max ms':>8}{'vs bare':>9}")
    for name, times in rows.items():
        med = statistics.median(times)
        print(f"{name:<28}{med * 1000:>10.0f}{max(times) * 1000:>8.0f}{med / base:>8.2f}x")


if __name__ == "__main__":
    main()
