"""Benchmark of content pack parsing (issue 14), as a printed table.

Run ``python tests/bench/bench_pack.py [--size BYTES] [--repeat N]``. Packs of several shapes
are generated (synthetic filler, not GMC text) at a tenth of the size and at the full size
(5 MB by default): the bundled pack's tabs repeated, many short paragraphs, long paragraphs,
a heading per paragraph, one heading repeated, nested lists, numbered items, dense links,
example boxes, and a mix of everything the format allows. Each row gives the best of
``--repeat`` runs, in CPU seconds (the machine may be shared), of:

- ``parse``: :func:`reader.core.pack_parser.parse_pack`, what the app runs;
- ``stock``: the same blocks through markdown-it's stock rule chain (``fast=False``);
- ``md-it``: the yardstick, a plain ``MarkdownIt().parse`` (default preset) of the same text,
  measured in the same run: markdown-it alone, before any block is built.

This is a script, not a timed test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from markdown_it import MarkdownIt  # noqa: E402

from reader.core.pack_parser import _build_tab, parse_pack  # noqa: E402

MANIFEST = """schema_version = 1
id = "bench"
title = "Bench"
publisher = "P"
attribution = "A"

[[tabs]]
id = "one"
title = "One"
source = "one.md"

[[slots]]
id = "doc"
tab = "one"
title = "Doc"
kind = "pdf"

[[references]]
id = "r"
name = "R"
url = "https://example.org"
"""

WORDS = [
    "doctors",
    "share",
    "leadership",
    "in",
    "the",
    "team",
    "and",
    "the",
    "wider",
    "organisation",
    "every",
    "day",
]

SHAPES: dict[str, Callable[[int], str]] = {
    "short paragraphs": lambda n: f"Paragraph number {n} says a short thing.\n\n",
    "long paragraphs": lambda n: (
        " ".join(WORDS[(n + i) % len(WORDS)] for i in range(400)) + ".\n\n"
    ),
    "heading each": lambda n: (
        f"## Part {n % 40}\n\nParagraph {n} says a rather longer thing about leadership and "
        "management for all doctors in the team.\n\n"
    ),
    "same heading": lambda n: "## Same heading\n\nText.\n\n",
    "nested lists": lambda n: (
        "".join(f"{'  ' * d}- item {n} at depth {d} with some text\n" for d in range(8)) + "\n"
    ),
    "numbered": lambda n: f"{n % 900 + 1}. Numbered paragraph {n} about management.\n\n",
    "links": lambda n: (
        f"See [the reference](ref:r), the [document](slot:doc), [para](para:{n}), "
        f"[tab](tab:one) and [web](https://example.org/{n}) for more.\n\n"
    ),
    "examples": lambda n: f"::: example\nDr {n} takes a role in the team.\n:::\n\n",
    "mixed": lambda n: [
        f"## Section {n}\n\n",
        f"Text with `code` and *emph* {n}\\* and <i>x</i>.\nSoft line.  \nHard line.\n\n",
        "- one\n- two [l](ref:r)\n  1. sub\n  2. sub two\n\n",
        f"> quoted {n}\n\n",
        f"Setext {n}\n---\n\n",
        f"::: example\nEx {n}\n:::\n\n",
        f"&amp; entity &copy; {n}, wrapped\nover two lines\n\n",
    ][n % 7],
}


def _write(folder: Path, shape: str, size: int) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    if shape == "bundled pack":  # the real tabs, each repeated to a fifth of the size
        shutil.copytree(ROOT / "content", folder)
        tabs = sorted((folder / "tabs").glob("*.md"))
        for path in tabs:
            body = path.read_text(encoding="utf-8")
            path.write_text(body * (size // len(tabs) // len(body) + 1), encoding="utf-8")
        return folder
    folder.mkdir(parents=True)
    (folder / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    unit, parts, length, n = SHAPES[shape], ["# One\n\n"], 7, 0
    while length < size:
        parts.append(unit(n))
        length += len(parts[-1])
        n += 1
    (folder / "one.md").write_text("".join(parts), encoding="utf-8")
    return folder


def _best(repeat: int, run: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def _row(folder: Path, repeat: int) -> tuple[int, int, float, float, float]:
    pack = parse_pack(folder)
    slots = {slot.id for slot in pack.slots}
    texts = [(tab, tab.source.read_text(encoding="utf-8")) for tab in pack.tabs]
    size = sum(len(text.encode()) for _tab, text in texts)
    blocks = sum(len(tab.blocks) for tab in pack.tabs)
    parse = _best(repeat, lambda: parse_pack(folder))

    def stock() -> None:
        for tab, text in texts:
            _build_tab(tab.id, tab.title, tab.source, text, slots, fast=False)

    def plain() -> None:
        md = MarkdownIt()
        for _tab, text in texts:
            md.parse(text)

    return size, blocks, parse, _best(repeat, stock), _best(repeat, plain)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=5_000_000, help="bytes (default 5 MB)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell (best is kept)")
    args = parser.parse_args()
    print(f"{'shape':18} {'MB':>5} {'blocks':>8} {'parse s':>8} {'stock s':>8} {'md-it s':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in ["bundled pack", *SHAPES]:
            for size in (args.size // 10, args.size):
                folder = _write(Path(tmp) / "pack", shape, size)
                size_bytes, blocks, parse, stock, plain = _row(folder, args.repeat)
                print(
                    f"{shape:18} {size_bytes / 1e6:5.2f} {blocks:8d} {parse:8.2f} {stock:8.2f} "
                    f"{plain:8.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
