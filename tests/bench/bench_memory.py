"""Whole-process memory of the reader against a bare PySide6 + PyMuPDF window, as a table.

Run: python tests/bench/bench_memory.py [--pages 500] [--runs 1]. Not a timed test. Every case
runs in a fresh child process (``QT_QPA_PLATFORM=offscreen``, a real window) and reports its
peak (``VmHWM``) and resident (``VmRSS``) memory from ``/proc/self/status`` at the end:

- bare: a QLabel showing page 1 of the test PDF, rendered by PyMuPDF (the baseline);
- bundled text only: the reader started as a user starts it, every default pane open and the
  search index ready;
- 500-page PDF, new / in library: ``reader FILE.pdf`` with a generated guidance-like PDF of
  numbered paragraphs (first as a new file, then as one already in the library); once its first
  page shows, it is scrolled page by page from the first page to the last (each page drawn
  before the next), then the paragraphs pane is hidden.

Issue #12's goals: at most 150 MB after scrolling the whole document, 120 MB with the bundled
text only. Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from first_paint import BARE_PAGE

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

GOALS_MB = {"bundled text only": 120.0, "500-page PDF, new file": 150.0}
GOALS_MB["500-page PDF, in library"] = 150.0

STATUS = r"""
def memory():
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                found[key] = int(value.split()[0]) / 1024
    return found
"""

BARE = (
    STATUS
    + BARE_PAGE
    + r"""
import json
label.show()
QTimer.singleShot(300, app.quit)  # painted and settled
app.exec()
print(json.dumps(memory()))
"""
)

APP = (
    STATUS
    + r"""
import json, sys
from pathlib import Path
import reader.ui  # as the app: Qt loads through the window package (reader/ui/__init__.py)
from PySide6.QtCore import QTimer
from reader.paths import UserDirs, bundled_content
from reader.ui.app import application, start_window

pdf = Path(sys.argv[1]) if sys.argv[1] != "-" else None
app = application()
window = start_window(bundled_content(), UserDirs.for_home(None), pdf)
state = {"page": 0, "view": None, "settle": 0, "pages": 0}


def view():
    views = list(window.documents.tabs.values())
    return views[0] if views else None


def step():
    try:
        poll()
    except Exception:  # a broken case ends its process instead of leaving it waiting
        import traceback

        traceback.print_exc()
        app.exit(1)


def poll():
    # Waits are polls on a 1 ms timer: the event loop runs between them, as for a user.
    if not (window.started and window.index_ready):
        return QTimer.singleShot(1, step)
    if pdf is None or state["page"] < 0:
        if state["settle"] < 30:  # let deferred work (panes, timers) finish
            state["settle"] += 1
            return QTimer.singleShot(10, step)
        print(json.dumps({**memory(), "pages": state["pages"]}))
        return app.quit()
    current = state["view"] or view()
    if current is None or not current.first_page_shown() or not current.page_count():
        return QTimer.singleShot(1, step)
    state["view"] = current
    page = state["page"]
    if page == 0 or current.pages.is_rendered(page - 1):
        if page == current.page_count():
            current.paragraphs_action.setChecked(False)  # the pane shown all along, now hidden
            state["pages"] = page
            state["page"] = -1
            return QTimer.singleShot(1, step)
        current.go_to_page(page)
        state["page"] = page + 1
    QTimer.singleShot(1, step)


step()
sys.exit(app.exec())
"""
)


def run(code: str, arg: str, home: Path) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", READER_HOME=str(home))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    out = subprocess.run(
        [sys.executable, "-c", code, arg],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=900,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def make_pdf(path: Path, pages: int) -> None:
    """Guidance-like pages: numbered paragraphs of filler text, about two to a page."""
    from tests.factories import make_guidance_pdf

    make_guidance_pdf(path, pages=pages, paragraphs=2 * pages - 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    rows: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pdf = tmp / "Leadership_and_management_for_all_doctors.pdf"
        start = time.perf_counter()
        make_pdf(pdf, args.pages)
        print(f"{args.pages}-page PDF made in {time.perf_counter() - start:.1f} s")
        name = f"{args.pages}-page PDF"
        for n in range(args.runs):
            rows.setdefault("bare PySide6 + PyMuPDF", []).append(run(BARE, str(pdf), tmp / "b"))
            rows.setdefault("bundled text only", []).append(run(APP, "-", tmp / f"t{n}"))
            home = tmp / f"p{n}"
            rows.setdefault(f"{name}, new file", []).append(run(APP, str(pdf), home))
            rows.setdefault(f"{name}, in library", []).append(run(APP, str(pdf), home))
    base = statistics.median(r["VmHWM"] for r in rows["bare PySide6 + PyMuPDF"])
    print(f"whole-process memory, median of {args.runs} run(s), MB")
    header = f"{'case':<28}{'VmHWM':>8}{'VmRSS end':>11}{'vs bare':>9}  goal"
    print(header)
    print("-" * len(header))
    failed = False
    for case, results in rows.items():
        hwm = statistics.median(r["VmHWM"] for r in results)
        rss = statistics.median(r["VmRSS"] for r in results)
        goal = GOALS_MB.get(case.replace(f"{args.pages}-page", "500-page"))
        verdict = ""
        if goal is not None:
            ok = hwm <= goal
            failed |= not ok
            verdict = f"≤{goal:.0f} {'ok' if ok else 'MISSED'}"
        scrolled = results[0].get("pages")
        note = f" (scrolled {scrolled} pages)" if scrolled else ""
        print(f"{case:<28}{hwm:>8.1f}{rss:>11.1f}{hwm / base:>8.2f}x  {verdict}{note}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
