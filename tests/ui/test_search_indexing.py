"""Building the search index in the window: off the GUI thread, saying how far it has got.

A library of twenty added documents is set up before the window starts (with the core's own
PyMuPDF extraction run in this process, to keep the test short); the window then rebuilds the
index after it is found missing, as it does when the cache folder was cleared.
"""

from __future__ import annotations

import re
import shutil

import pymupdf
from PySide6.QtCore import QTimer

from reader.core.library import Library
from reader.core.safeopen import EXAMINED, extract_file, inspect_file
from tests.factories import make_plain_pdf

DOCUMENTS = 20


def _examine_here(path, password=None):
    return inspect_file(path, password), extract_file(path, EXAMINED, EXAMINED, password)


def _library_of_twenty(pack, dirs, tmp_path) -> int:
    library = Library(dirs.library, dirs.documents, pack, _examine_here)
    # Twenty different files cut from one long one: each a different run of its pages.
    whole = make_plain_pdf(tmp_path / "all-papers.pdf", pages=DOCUMENTS + 15)
    for n in range(DOCUMENTS):
        path = tmp_path / f"committee-papers-{n:02d}.pdf"
        doc = pymupdf.open(whole)
        doc.select(range(n, n + 15))
        doc.save(path)
        doc.close()
        library.add(path)
    blocks, _ = library.searchable()
    assert len({b.document for b in blocks}) == DOCUMENTS
    return len(blocks)


def test_rebuild_in_the_window_counts_documents_and_the_window_keeps_responding(
    qtbot, make_window, pack, dirs, tmp_path
):
    added = _library_of_twenty(pack, dirs, tmp_path)
    assert added > 800
    window = make_window()
    qtbot.waitUntil(lambda: window.index_ready, timeout=60000)

    # The cache folder is cleared while the app runs; the window builds the index again.
    window.services.index.close()
    shutil.rmtree(dirs.index_dir)
    said: list[str] = []
    ticks = QTimer(window)
    ticks.setInterval(10)
    ticks.timeout.connect(lambda: said.append(window.activity.text()))
    ticks.start()
    window.start_indexing()
    assert not window.index_ready
    qtbot.waitUntil(lambda: window.index_ready, timeout=60000)
    ticks.stop()

    # The GUI thread kept running its timer all through the build: the window responded.
    assert len(said) >= 5, said
    counts = {
        (int(m[1]), int(m[2]))
        for text in said
        if (m := re.search(r"Indexing for search… (\d+) of (\d+) documents", text))
    }
    assert counts, set(said)
    assert {total for _, total in counts} == {DOCUMENTS + 1}  # the guidance and twenty files
    assert all(done < total for done, total in counts)
    assert not window.activity.isVisible()
    items, _ = window.services.searchable()
    assert window.services.index.doc_count() == len(items) > added
