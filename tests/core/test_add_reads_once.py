"""Issue 12: adding a document reads its text once and adds it to the index, not a rebuild."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from reader.core import pdfinspect, safeopen
from reader.core.library import Library
from reader.core.services import Services
from reader.paths import UserDirs
from tests.cli import run_python, run_reader
from tests.factories import filler, make_deck, make_guidance_pdf


def _paper(path: Path, number: int, pages: int = 2) -> Path:
    """A short report of its own, with one word no other paper holds."""
    doc = pymupdf.open()
    for p in range(pages):
        page = doc.new_page()
        text = f"Report {number} on ward rota zq{number}marker. " + filler(number * 5 + p, 4)
        page.insert_textbox(pymupdf.Rect(72, 72, 520, 760), text, fontsize=11)
    doc.set_metadata({"title": f"Ward audit report {number}"})
    doc.save(path)
    doc.close()
    return path


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """Every reading of a PDF's text in this process, by document id."""
    calls: list[str] = []
    real = pdfinspect.extract_blocks

    def counting(doc, document_id, *args, **kwargs):
        calls.append(document_id)
        return real(doc, document_id, *args, **kwargs)

    monkeypatch.setattr(pdfinspect, "extract_blocks", counting)
    return calls


def test_examining_a_pdf_reads_its_text_once(tmp_path, counted, capsys) -> None:
    import json

    path = make_guidance_pdf(tmp_path / "guidance.pdf", pages=6, paragraphs=14).path
    answer = safeopen._answer({"op": "examine", "path": str(path)})
    # the child's blocks go out one line each, before its answer
    lines = capsys.readouterr().out.splitlines()
    blocks = [json.loads(line)["block"] for line in lines]
    info = answer["result"]["info"]
    assert answer["result"]["blocks"] == len(blocks)
    assert counted == [safeopen.EXAMINED]
    # the summary is counted from the same blocks the library stores
    assert info["blocks"] == len(blocks)
    assert info["pages"] == 6
    assert info["complete"] is True
    numbered = [b for b in blocks if b["kind"] == "pdf-paragraph" and b["level"] == 0]
    assert len(numbered) == 14


def test_examining_a_deck_gives_the_summary_and_every_slide(tmp_path) -> None:
    path = make_deck(tmp_path / "deck.pptx", slides=4, notes=True, title="Team talk")
    info, blocks = safeopen.examine_file(path)
    kinds = [b.kind for b in blocks]
    assert info["kind"] == "pptx"
    assert info["slides"] == 4 == kinds.count("slide")
    assert info["notes"] == kinds.count("speaker-note") > 0
    assert all(b.document == safeopen.EXAMINED for b in blocks)


def test_adding_to_a_library_of_twenty_adds_to_the_index_without_rebuilding(tmp_path, pack) -> None:
    home = tmp_path / "home"
    dirs = UserDirs.for_home(home)
    # Twenty documents already there (read in this process: these files are our own).
    library = Library(dirs.library, dirs.documents, pack, safeopen.examine_file)
    for n in range(20):
        library.add(_paper(tmp_path / f"report-{n}.pdf", n))
    services = Services(pack, dirs, library)
    assert services.ensure_index() is not None  # built once
    generation = (dirs.index_dir / "CURRENT").read_text()
    services.index.close()

    new = _paper(tmp_path / "Report twenty.pdf", 20)
    done = run_reader("add", str(new), home=home)
    assert done.returncode == 0, done.stderr
    assert "was added" in done.stdout
    assert "could not" not in done.stdout

    # the same index generation, edited in place: no rebuild
    assert (dirs.index_dir / "CURRENT").read_text() == generation
    found = run_reader("search", "zq20marker", home=home)
    assert "Ward audit report 20" in found.stdout or "Report twenty" in found.stdout
    # and the index matches the library exactly: the next start has nothing to rebuild
    again = Services.open(pack, dirs)
    assert again.ensure_index() is None
    assert (dirs.index_dir / "CURRENT").read_text() == generation


def test_adding_when_there_is_no_index_yet_builds_it(tmp_path, pack) -> None:
    # In a new home the bundled text is indexed while the child checks the file, and the
    # document is then added to that index (issue 12): both are found, and the index matches
    # the library and the pack exactly, so the next start rebuilds nothing.
    home = tmp_path / "home"
    done = run_reader("add", str(_paper(tmp_path / "first.pdf", 1)), home=home)
    assert done.returncode == 0, done.stderr
    assert "could not" not in done.stdout
    found = run_reader("search", "zq1marker", home=home)
    assert found.returncode == 0
    assert "zq1marker" in found.stdout.lower()
    bundled = run_reader("search", "shared leadership", home=home)
    assert "Shared leadership" in bundled.stdout
    dirs = UserDirs.for_home(home)
    generation = (dirs.index_dir / "CURRENT").read_text()
    assert Services.open(pack, dirs).ensure_index() is None
    assert (dirs.index_dir / "CURRENT").read_text() == generation


def test_the_apps_own_process_never_loads_the_pdf_library_to_check_a_file(tmp_path) -> None:
    # The file is parsed in the child only; the parent importing PyMuPDF as well cost `reader
    # add` a quarter of a second before the child was even asked (issue 12).

    path = make_guidance_pdf(tmp_path / "guidance.pdf", pages=3, paragraphs=6).path
    code = (
        "import sys\n"
        "from reader.core.safeopen import examine_in_subprocess\n"
        f"info, blocks = examine_in_subprocess({str(path)!r})\n"
        "assert info['pages'] == 3 and blocks, info\n"
        "assert 'pymupdf' not in sys.modules and 'fitz' not in sys.modules, 'PyMuPDF loaded'\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr


def test_a_long_pdf_read_on_two_cores_gives_the_same_blocks(tmp_path) -> None:
    # In the checking child, a long document's second half is read by a forked copy (issue 12).
    from reader.core import pdf_lines
    from reader.core.pdfdoc import open_pdf
    from reader.core.pdfparagraphs import extract_blocks

    path = make_guidance_pdf(tmp_path / "book.pdf", pages=48, paragraphs=120).path
    doc = open_pdf(path)
    try:
        alone = extract_blocks(doc, "book", "book")
        both = extract_blocks(doc, "book", "book", parallel=True)
        pages, stopped = pdf_lines.read_pages(doc, doc.page_count, None, parallel=True)
    finally:
        doc.close()
    assert both == alone
    assert len(pages) == 48
    assert not stopped
    assert sum(1 for b in alone if b.kind == "pdf-paragraph" and b.level == 0) == 120


def test_a_copy_that_cannot_read_leaves_the_pages_to_the_child(tmp_path, monkeypatch) -> None:
    from reader.core import pdf_lines
    from reader.core.pdfdoc import open_pdf
    from reader.core.pdfparagraphs import extract_blocks

    path = make_guidance_pdf(tmp_path / "book.pdf", pages=44, paragraphs=90).path
    doc = open_pdf(path)
    try:
        alone = extract_blocks(doc, "book", "book")
        # The copy opens the file by name: gone, it fails, and the child reads the pages.
        monkeypatch.setattr(pdf_lines.pymupdf, "open", _refuse)
        both = extract_blocks(doc, "book", "book", parallel=True)
    finally:
        doc.close()
    assert both == alone


def _refuse(*args, **kwargs):
    raise RuntimeError("no file")


def test_a_refused_file_in_a_new_home_leaves_the_index_whole(tmp_path, pack) -> None:
    # The bundled text is indexed while the child checks the file; when the file is refused,
    # that index is finished before the command ends, not cut off half written.
    from tests.factories import make_not_a_pdf

    home = tmp_path / "home"
    done = run_reader("add", str(make_not_a_pdf(tmp_path / "broken.pdf")), home=home)
    assert done.returncode == 2
    assert done.stderr.startswith("reader: ")
    assert done.stderr.count("\n") == 1
    assert Services.open(pack, UserDirs.for_home(home)).ensure_index() is None
