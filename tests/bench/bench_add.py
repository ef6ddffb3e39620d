"""`reader add` of a long book, against a bare PyMuPDF read of its text with positions.

Run: python tests/bench/bench_add.py [--runs N] [--pages P] [--before DIR]. Prints a table; not
a timed test. ``--before DIR`` times another checkout's `reader add` (say, main before a change)
in the same runs, so that a before/after comparison shares the machine's load.
Each case is a fresh process, so Python start-up and imports count on both sides:
- baseline: a bare script that opens the PDF with PyMuPDF and reads every page's text with
  positions (``get_text("dict")``), which is the least any paragraph reader must do;
- `reader add` into an empty home (the child checks and reads the file once; the index is built);
- `reader add` into a home that already holds twenty documents and an up-to-date index (the new
  document's blocks are added to the index; nothing is rebuilt).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

BARE = r"""
import sys
import pymupdf
doc = pymupdf.open(sys.argv[1])
chars = 0
for page in doc:
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", ()):
            chars += sum(len(span["text"]) for span in line["spans"])
print(chars)
"""


def _timed(command: list[str], root: Path = ROOT) -> float:
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed app has its bytecode
    start = time.perf_counter()
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command[2:4]} failed: {done.stderr.strip()}")
    return elapsed


def _reader(home: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "reader", "--home", str(home), *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", type=int, default=352)
    parser.add_argument("--before", type=Path, help="another checkout, timed in the same runs")
    options = parser.parse_args()
    roots = {"": ROOT}
    if options.before:
        roots = {" (before)": options.before.resolve(), "": ROOT}

    from tests.core.test_add_reads_once import _paper
    from tests.factories import make_guidance_pdf

    work = Path(tempfile.mkdtemp(prefix="bench-add-"))
    try:
        book = make_guidance_pdf(
            work / "book.pdf", pages=options.pages, paragraphs=options.pages * 3
        ).path
        papers = [_paper(work / f"paper-{n}.pdf", n) for n in range(20)]
        full = work / "full-home"
        for paper in papers:
            _timed(_reader(full, "add", str(paper)))

        names = {"bare": "bare PyMuPDF text with positions (baseline)"}
        for tag in roots:
            names["empty" + tag] = f"reader add{tag}, empty home (index built)"
            names["twenty" + tag] = f"reader add{tag}, home with 20 documents (index edited)"
        rows: dict[str, list[float]] = {key: [] for key in names}
        for run in range(options.runs):
            rows["bare"].append(_timed([sys.executable, "-c", BARE, str(book)]))
            for tag, root in roots.items():
                empty = work / f"empty-{run}{tag.strip(' ()')}"
                rows["empty" + tag].append(_timed(_reader(empty, "add", str(book)), root))
                home = work / f"twenty-{run}{tag.strip(' ()')}"
                shutil.copytree(full, home)
                rows["twenty" + tag].append(_timed(_reader(home, "add", str(book)), root))

        bare = statistics.median(rows["bare"])
        print(f"\n`reader add` of a {options.pages}-page book, median of {options.runs} runs\n")
        print("| case | seconds | ratio to bare read |\n|---|---|---|")
        for key, label in names.items():
            median = statistics.median(rows[key])
            print(f"| {label} | {median:.2f} | {median / bare:.2f}× |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
