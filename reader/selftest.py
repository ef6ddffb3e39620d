"""``reader --self-test``: hospital IT's one command to prove an installed copy works.

Each step exercises one real part the way the app uses it (the content pack, the Whoosh index,
search, PyMuPDF drawing a page, the safe-open child process, printing when it exists) and
prints one line with its result and time. Everything is written under a temporary home that is
deleted afterwards, so the self-test never touches the user's folders or the install folder.
Exit status 0 when every step passes, 1 naming the first step that failed (later steps that
depend on it are not run). The frozen build's smoke tests (packaging/build.py) run it too.

This module sits outside reader/core because the print step may use Qt; it imports Qt only
through ``reader.ui.print_renderer``, and only when that module exists.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from reader import APP_NAME, __version__

PRINT_MODULE = "reader.ui.print_renderer"
# The hook a print module offers the self-test: self_test_print(pack, out_pdf) -> str, which
# prints a few blocks of the pack to out_pdf through QPrinter and says what it printed.
PRINT_HOOK = "self_test_print"
SEARCH_WORD = "leadership"  # in every edition of the guidance; the app is named after it


class Skipped(Exception):
    """A step that does not apply to this build; reported as "skipped", not a failure."""


class StepFailed(Exception):
    """A step ran and found something wrong; the message is one plain sentence."""


@dataclass
class StepResult:
    name: str
    status: str  # "ok", "skipped" or "FAILED"
    seconds: float
    detail: str


@dataclass
class _State:
    """What the steps hand on to each other."""

    content_dir: Path
    home: Path
    pack: object = None
    services: object = None
    pdf: Path | None = None


def _make_pdf(path: Path) -> Path:
    """A two-page PDF with numbered paragraphs, drawn by the PyMuPDF this copy ships with."""
    import pymupdf

    doc = pymupdf.open()
    for page_number in range(2):
        page = doc.new_page()
        for n in range(1, 4):
            number = page_number * 3 + n
            text = f"{number} Self-test paragraph {number}: doctors share leadership."
            page.insert_text((72, 72 + 24 * n), text, fontsize=11)
    doc.set_metadata({"title": "Leadership Reader self-test"})
    doc.save(str(path))
    doc.close()
    return path


def _step_content(state: _State) -> str:
    from reader.core.content import load_pack

    if not (state.content_dir / "manifest.toml").is_file():
        raise StepFailed(f"there is no content pack in {state.content_dir} (manifest.toml).")
    state.pack = load_pack(state.content_dir, cache_dir=state.home / "cache")
    blocks = state.pack.blocks()
    if not blocks:
        raise StepFailed(f"the content pack in {state.content_dir} holds no text.")
    return f"{len(blocks)} blocks in {len(state.pack.tabs)} tabs from {state.content_dir}"


def _step_index(state: _State) -> str:
    from reader.core.services import Services
    from reader.paths import UserDirs

    state.services = Services.open(state.pack, UserDirs.for_home(state.home))
    status = state.services.ensure_index()
    return status or "the search index was already up to date"


def _step_search(state: _State) -> str:
    result = state.services.index.search(SEARCH_WORD, limit=5)
    if not result.hits:
        raise StepFailed(f"searching for '{SEARCH_WORD}' found nothing in the guidance.")
    first = result.hits[0]
    return f"'{SEARCH_WORD}' found; best hit in {first.title or first.id}"


def _step_render(state: _State) -> str:
    from reader.core.pdfdoc import open_pdf, render_page

    state.pdf = _make_pdf(state.home / "self-test.pdf")
    doc = open_pdf(state.pdf)
    try:
        page = render_page(doc, 0, dpi=96)
    finally:
        doc.close()
    # A page drawn blank would mean missing fonts: the text must have darkened some pixels.
    if page.width < 100 or min(page.samples) > 128:
        raise StepFailed("a generated PDF page was drawn blank.")
    return f"page 1 drawn at {page.width}x{page.height} pixels"


def _step_child(state: _State) -> str:
    from reader.core.services import examine

    info, blocks = examine(state.pdf)
    paragraphs = (info.get("paragraphs") or {}).get("count", 0)
    if info.get("pages") != 2 or not blocks:
        raise StepFailed("the safe-open child process did not read the generated PDF.")
    return f"child process read {info['pages']} pages, {paragraphs} numbered paragraphs"


def _step_print(state: _State) -> str:
    if importlib.util.find_spec(PRINT_MODULE) is None:
        raise Skipped("this build has no printing yet")
    module = importlib.import_module(PRINT_MODULE)
    hook = getattr(module, PRINT_HOOK, None)
    if hook is None:
        raise Skipped(f"{PRINT_MODULE} offers no {PRINT_HOOK}()")
    out = state.home / "self-test-print.pdf"
    detail = hook(state.pack, out)
    if not out.is_file() or not out.read_bytes().startswith(b"%PDF-"):
        raise StepFailed("printing to a PDF file wrote no PDF.")
    return str(detail or f"printed {out.stat().st_size // 1024} KB of PDF")


STEPS: list[tuple[str, Callable[[_State], str]]] = [
    ("content", _step_content),
    ("index", _step_index),
    ("search", _step_search),
    ("render", _step_render),
    ("safe-open", _step_child),
    ("print", _step_print),
]


def _one_sentence(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def run_steps(
    content_dir: Path, home: Path, report: Callable[[StepResult], None] | None = None
) -> list[StepResult]:
    """Run every step under ``home``, handing each result to ``report`` as it ends; stop at
    the first failure."""
    state = _State(Path(content_dir), Path(home))
    results: list[StepResult] = []
    for name, step in STEPS:
        started = time.perf_counter()
        try:
            detail, status = step(state), "ok"
        except Skipped as exc:
            detail, status = str(exc), "skipped"
        except Exception as exc:  # every failure is reported as the step's, not raised
            detail, status = _one_sentence(exc), "FAILED"
        results.append(StepResult(name, status, time.perf_counter() - started, detail))
        if report:
            report(results[-1])
        if status == "FAILED":
            break
    return results


def run_self_test(content_dir: Path, out: TextIO | None = None) -> int:
    """Run the self-test against ``content_dir``, print one line per step to ``out``.

    Returns 0 when every step passed (or was skipped), 1 when one failed; the last line names it.
    """
    out = out or sys.stdout
    started = time.perf_counter()
    print(f"{APP_NAME} {__version__} self-test", file=out, flush=True)

    def report(r: StepResult) -> None:
        # One line per step as it ends, so a step that hangs is the one after the last line.
        print(f"{r.name:<10} {r.status:<8} {r.seconds:6.2f} s  {r.detail}", file=out, flush=True)

    home = Path(tempfile.mkdtemp(prefix="reader-self-test-"))
    try:
        results = run_steps(Path(content_dir), home, report)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    total = time.perf_counter() - started
    failed = [r for r in results if r.status == "FAILED"]
    if failed:
        print(f"Self-test FAILED at step '{failed[0].name}' ({total:.1f} s).", file=out, flush=True)
        return 1
    print(f"Self-test passed: {len(results)} steps in {total:.1f} s.", file=out, flush=True)
    return 0
