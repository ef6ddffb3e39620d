"""The app's services in one place: the content pack, the user's folders, the document
library and the search index. The window and the command line are both handed one of these.

Heavy parts (PyMuPDF, Whoosh) are imported on first use, not here, to keep start-up quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.library import Document, Library
from reader.core.model import Block, ContentPack
from reader.core.render import SlotState
from reader.paths import UserDirs


def examine(
    path: Path, password: str | None = None, on_first_page: Callable | None = None
) -> tuple[dict, list[Block]]:
    """Inspect an untrusted file and extract its blocks in a child process, so that a file
    that crashes the PDF library cannot take the app down (see reader.core.safeopen).
    ``on_first_page`` receives page 1's picture from the child before the text is read."""
    from reader.core.safeopen import examine_in_subprocess

    return examine_in_subprocess(path, password=password, on_first_page=on_first_page)


def index_document(index, library: Library, doc: Document) -> int:
    """Put one added document's blocks in the index (replacing an earlier edition's), without
    rebuilding the rest; returns how many blocks were written."""
    index.remove_document(doc.id)
    if not doc.indexed:
        return 0
    return index.add_blocks(
        library.blocks_of(doc), "documents", {doc.id: library.display_title(doc)}
    )


def index_document_in_child(index, library: Library, doc: Document, synonyms=()) -> int:
    """:func:`index_document` done by a child process (:mod:`reader.core.index_child`), so the
    postings never pass through this one; raises ``IndexChildError`` when the child fails."""
    from reader.core.index_child import add_in_child

    if not doc.indexed:
        index.remove_document(doc.id)
        return 0
    blocks_file, tab = library.blocks_source(doc)
    title = library.display_title(doc)
    return add_in_child(index.index_dir, synonyms, blocks_file, doc.id, tab, title)


@dataclass
class Services:
    pack: ContentPack
    dirs: UserDirs
    library: Library
    _index: object | None = field(default=None, repr=False)

    @classmethod
    def open(cls, pack: ContentPack, dirs: UserDirs) -> Services:
        library = Library(dirs.library, dirs.documents, pack, examine)
        return cls(pack, dirs, library)

    @property
    def index(self):  # -> reader.core.search.SearchIndex, imported on first use
        if self._index is None:
            from reader.core.search import SearchIndex

            self._index = SearchIndex(self.dirs.index_dir, self.pack.synonyms)
        return self._index

    def searchable(self) -> tuple[list[tuple[Block, str]], dict[str, str]]:
        """Every block the search covers, with its source, and display titles by document."""
        titles = {tab.id: tab.title for tab in self.pack.tabs}
        items: list[tuple[Block, str]] = [(b, "tabs") for b in self.pack.blocks()]
        doc_blocks, doc_titles = self.library.searchable()
        items.extend((b, "documents") for b in doc_blocks)
        titles.update(doc_titles)
        from reader.core.notes import DB_NAME, notes_as_search_items

        items.extend((b, "notes") for b in notes_as_search_items(self.dirs.data / DB_NAME))
        return items, titles

    def index_document(self, doc: Document) -> str | None:
        """Add one new document to the index; build the whole index only when there is none
        (or it cannot be edited). Returns what :meth:`ensure_index` says, or ``None``.

        The rest of the index is not re-checked here (0.2 s of reading every block again):
        every search and every start runs :meth:`ensure_index`, which rebuilds an index that
        was already out of date before this document came."""
        if self.index.stored_fingerprint() is not None:
            try:
                index_document(self.index, self.library, doc)
                return None
            except OSError:
                pass  # a read-only index folder: ensure_index words it
        return self.ensure_index()

    def ensure_index(self, progress=None) -> str | None:
        """Open or (re)build the index to match the content and documents; say what was done."""
        items, titles = self.searchable()
        return self.index.ensure(items, titles, progress)

    def slot_state(self, slot_id: str) -> SlotState:
        """What the reading views say about a document slot: installed (and what), or how to
        add it."""
        slot = self.pack.slot(slot_id)
        doc = self.library.for_slot(slot_id)
        if doc is not None:
            size = f"{doc.pages} {'slides' if doc.kind == 'pptx' else 'pages'}"
            # The app's own words, beside the GMC's text (which says the notes need a download).
            shown = " Its speaker notes are shown beside each slide." if doc.kind == "pptx" else ""
            return SlotState(
                title=slot.title,
                installed=True,
                detail=f"{doc.kind.upper()}, {size}, from {doc.original_name}.{shown} "
                "Click to open.",
            )
        return SlotState(
            title=slot.title,
            installed=False,
            detail=(
                f"To add it, use File ▸ Add document… or copy the {slot.kind.upper()} file "
                f"into the documents folder: {self.dirs.documents}"
            ),
        )
