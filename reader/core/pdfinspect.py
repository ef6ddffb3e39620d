"""What a PDF holds, in a few numbers: for ``reader inspect`` and before adding it to the library.

Sits above both :mod:`reader.core.pdfdoc` (opening) and :mod:`reader.core.pdfparagraphs` (reading
the numbered paragraphs), so neither has to import the other. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.errors import ExtractionTimeout
from reader.core.model import Block
from reader.core.pdfdoc import open_pdf, outline
from reader.core.pdfparagraphs import extract_blocks, kinds_summary, paragraph_summary

if TYPE_CHECKING:
    import pymupdf


def inspect_pdf(
    path: Path | str,
    password: str | None = None,
    *,
    timeout: float | None = 20.0,
    max_pages: int | None = 2000,
) -> dict:
    """What a PDF holds, for ``reader inspect`` and before adding it to the library."""
    return read_pdf(path, "inspect", password, timeout=timeout, max_pages=max_pages)[0]


def read_pdf(
    path: Path | str,
    document_id: str,
    password: str | None = None,
    *,
    timeout: float | None = None,
    max_pages: int | None = None,
    partial: bool = True,
    on_open: Callable[[pymupdf.Document], None] | None = None,
    parallel: bool = False,
) -> tuple[dict, list[Block]]:
    """The summary :func:`inspect_pdf` gives and the blocks, from ONE reading of the text.

    Adding a document needs both; reading a 350-page book's text is most of the cost, so it
    is done once and the summary counted from the same blocks. Past ``timeout`` the summary
    says ``complete: false`` and the blocks are those read so far, unless ``partial`` is false:
    then :class:`ExtractionTimeout` is raised. ``on_open(doc)`` is called once the document
    is open, before its text is read (the child sends page 1's pixels from there).
    ``parallel`` reads the pages on two cores (only in the checking child: it forks).
    """
    path = Path(path)
    doc = open_pdf(path, password)
    try:
        if on_open is not None:
            on_open(doc)
        complete = True
        try:
            blocks = extract_blocks(
                doc,
                document_id,
                document_id,
                timeout=timeout,
                max_pages=max_pages,
                parallel=parallel,
            )
        except ExtractionTimeout as exc:
            if not partial:
                raise
            blocks, complete = exc.blocks, False
        if max_pages is not None and doc.page_count > max_pages:
            complete = False
        headings = [b.text for b in blocks if b.kind == "heading"]
        meta_title = ((doc.metadata or {}).get("title") or "").strip()
        info = {
            "kind": "pdf",
            "file": path.name,
            "bytes": path.stat().st_size,
            "pages": doc.page_count,
            "title": meta_title or (headings[0] if headings else path.stem),
            "encrypted": bool(doc.is_encrypted or password),
            "repaired": bool(getattr(doc, "is_repaired", False)),
            "outline": len(outline(doc)),
            "paragraphs": paragraph_summary(blocks),
            "kinds": kinds_summary(blocks),
            "headings": len(headings),
            "blocks": len(blocks),
            "complete": complete,
        }
        return info, blocks
    finally:
        doc.close()
