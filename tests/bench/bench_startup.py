"""Start-up benchmark: process start to first text painted, the app against a bare Qt window.

Run: python tests/bench/bench_startup.py [--runs N]. Prints a table; not a timed test.
The baseline is measured in the same run: a bare PySide6 QMainWindow holding a QTabWidget with
five QTextBrowser tabs of the same page text. The reader runs as a user starts it, through
``reader.cli.main`` (the command line, the single-instance check, the pack's cache).
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

from first_paint import FIRST_PAINT

ROOT = Path(__file__).resolve().parents[2]

# Each child prints the wall-clock time at which its text was first painted on screen, then
# quits. Both windows are measured the same way: a Paint event reaching the visible text view.
BARE = (
    FIRST_PAINT
    + r"""
import time, sys
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTabWidget, QTextBrowser
app = QApplication(sys.argv[:1])
window = QMainWindow()
tabs = QTabWidget()
for md in sorted(Path("content/tabs").glob("*.md")):
    view = QTextBrowser()
    view.setPlainText(md.read_text(encoding="utf-8"))
    tabs.addTab(view, md.stem)
tabs.widget(0).viewport().installEventFilter(watch)
window.setCentralWidget(tabs)
window.resize(1100, 760)
window.show()
app.exec()
print(watch.t)
print("")
"""
)

APP = (
    # The app loads Qt through its window package, which first turns off PySide6's reading of
    # every later module's source (reader/ui/__init__.py); the watcher below needs Qt too.
    "import reader.ui\n"
    + FIRST_PAINT
    + r"""
import sys
from reader.ui.main_window import MainWindow

# The app as a user starts it (`reader`: the command line, the single-instance check, the
# content pack and its cache, the window); the only addition is the watcher on its text.
launch = MainWindow.launch

def watched_launch(self, open_file=None):
    self.current_view().viewport().installEventFilter(watch)
    launch(self, open_file)

MainWindow.launch = watched_launch
from reader.cli import main
main([])
print(watch.t)
print(",".join(m for m in ("pymupdf", "fitz", "whoosh") if m in watch.loaded))
"""
)


def run_once(code: str, home: str) -> tuple[float, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", READER_HOME=home)
    # An installed app runs from compiled bytecode (pip and PyInstaller write it); a shell with
    # PYTHONDONTWRITEBYTECODE would make every run recompile the reader's modules (~25 ms).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split("\n")
    return float(out[0]) - start, (out[1] if len(out) > 1 else "")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    results: dict[str, list[float]] = {"bare PySide6 window": [], "Leadership Reader": []}
    heavy = ""
    with tempfile.TemporaryDirectory() as home:
        for code in (BARE, APP):  # warm the file cache once
            run_once(code, home)
        for _ in range(args.runs):  # interleave so both see the same machine load
            results["bare PySide6 window"].append(run_once(BARE, home)[0])
            elapsed, heavy = run_once(APP, home)
            results["Leadership Reader"].append(elapsed)
    base = statistics.median(results["bare PySide6 window"])
    print(f"Time from process start to the first text painted ({args.runs} runs each)")
    print(f"{'program':<24}{'median ms':>11}{'p90 ms':>9}{'vs bare':>9}")
    for name, times in results.items():
        times.sort()
        p90 = times[int(0.9 * (len(times) - 1))]
        med = statistics.median(times)
        print(f"{name:<24}{med * 1000:>11.0f}{p90 * 1000:>9.0f}{med / base:>8.2f}x")
    print(f"heavy modules imported at start-up: {heavy or 'none'}")


if __name__ == "__main__":
    main()
