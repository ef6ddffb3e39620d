"""The window's notes: the store, making notes from a selection, markers, the panel, the menus.

:class:`NotesController` is built by the main window once the first paint is on screen
(``MainWindow.finish_startup``), so opening the database never delays the text. It

- owns the :class:`~reader.core.notes.NotesStore` (a damaged database restored from backup is
  reported in the window's notice bar);
- re-attaches notes (:func:`reader.core.notes_anchor.place_notes`) to the bundled pack at
  start and to each document when its view is first shown, so a new edition's notes land where
  they now belong, with their status;
- attaches marker providers (:mod:`reader.ui.note_markers`) to the reading views, the
  paragraphs pane, the PDF pages and slides, and a context-menu hook and a mouse filter to each
  (tooltip on hover, a click opens the note);
- creates notes from the selection (Highlight, Add note: Ctrl+Shift+N) or a whole paragraph;
- keeps the notes dock (:mod:`reader.ui.notes_panel`) and the search index entry of each note
  current, and looks again when the window regains focus, so a second copy's notes show.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QToolTip, QWidget

from reader.core.model import Block
from reader.core.notes import (
    COLOURS,
    Anchor,
    Filter,
    Note,
    NotesError,
    NotesStore,
    anchor_for,
    edition_key,
)
from reader.core.notes_anchor import ordinals, place_notes
from reader.core.notes_export import citation, sources_for
from reader.ui.block_text import BlockText
from reader.ui.note_index import NoteIndexer
from reader.ui.note_markers import (
    PageNoteMarkers,
    TextNoteMarkers,
    selection_in_text,
    tooltip_for,
)
from reader.ui.notes_panel import NotesPanel
from reader.ui.reading_view import block_id_at

PAGE = "page"
STATUS_MS = 6000


def _find_quote(text: str, quote: str) -> tuple[int, str] | None:
    """Where ``quote`` sits in ``text`` though spaces or line breaks differ, and its exact words."""
    words = quote.split()
    if not words:
        return None
    found = text.find(quote)
    if found >= 0:
        return found, quote
    pattern = r"[\s\u00ad-]*".join(re.escape(w) for w in words)
    match = re.search(pattern, text)
    if match is None:
        return None
    return match.start(), match.group(0)


class NotesController(QObject):
    def __init__(self, window: Any, store: NotesStore | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.pack = window.pack
        self.library = window.services.library
        self.store = store if store is not None else NotesStore.open(window.dirs)
        self.indexer = NoteIndexer(lambda: window.services.index, self)
        if self.store.recovery:
            window.notices.add(self.store.recovery)
        self._by_block: dict[str, list[Note]] = {}
        self._page_blocks = {b.id: b for b in self.pack.blocks()}
        self._page_ordinals = ordinals(self.pack.blocks())
        self._doc_blocks: dict[str, dict[str, Block]] = {}
        self._attached: set[int] = set()
        self._page_markers: dict[int, PageNoteMarkers] = {}
        self._placed_docs: dict[str, str] = {}  # document -> edition placed against
        self._deleted: list[Note] = []
        self.text_markers = TextNoteMarkers(self.notes_of, self._block_ids_of)
        self.sources = sources_for(self.pack, self.library)
        self.panel = NotesPanel(self.cite, self._title_of)
        self.dock = QDockWidget("Notes", window)
        self.dock.setObjectName("notes-dock")
        self.dock.setWidget(self.panel)
        self.dock.setFeatures(window.contents_dock.features())
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        window.tabifyDockWidget(window.search_dock or window.contents_dock, self.dock)
        window.contents_dock.raise_()
        self._build_actions()
        self._connect()
        self._place(PAGE, self.pack.blocks())
        self.reload()
        for view in window.views.values():
            self.attach(view)
        self._on_tab_changed(window.tabs.currentIndex())
        self._data_version = self._version()

    # -- set-up ----------------------------------------------------------------------------
    def _build_actions(self) -> None:
        w = self.window
        self.add_note_action = QAction("Add &note…", w)
        self.add_note_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.add_note_action.setToolTip("Add a note to the selected words or paragraph")
        self.export_action = QAction("&Export notes…", w)
        self.import_action = QAction("&Import notes…", w)
        self.review_action = QAction("&Review notes after update…", w)
        self.show_action = self.dock.toggleViewAction()
        self.show_action.setText("&Notes")
        w.addAction(self.add_note_action)
        bar = w.menuBar()
        menus = {m.objectName() or m.title().replace("&", ""): m for m in bar.findChildren(QMenu)}
        file_menu, view_menu = menus.get("menu-file"), menus.get("menu-view")
        edit_menu = menus.get("Edit")
        if file_menu is not None:
            quit_action = w.menu_actions.quit
            file_menu.insertAction(quit_action, self.export_action)
            file_menu.insertAction(quit_action, self.import_action)
            file_menu.insertSeparator(quit_action)
        if edit_menu is not None:
            edit_menu.addSeparator()
            edit_menu.addAction(self.add_note_action)
            edit_menu.addAction(self.review_action)
        if view_menu is not None:
            view_menu.addAction(self.show_action)

    def _connect(self) -> None:
        self.add_note_action.triggered.connect(self.add_note_from_selection)
        self.export_action.triggered.connect(self.export_notes)
        self.import_action.triggered.connect(self.import_notes)
        self.review_action.triggered.connect(self.open_review)
        self.panel.filterChanged.connect(self.refresh_panel)
        self.panel.jumpRequested.connect(self.show_note)
        self.panel.saveRequested.connect(self._on_save)
        self.panel.deleteRequested.connect(self.delete_note)
        self.panel.undoRequested.connect(self.undo_delete)
        self.window.tabs.currentChanged.connect(self._on_tab_changed)
        self.window.documents.changed.connect(self._on_documents_changed)
        self.window.installEventFilter(self)

    # -- what the window and the tests call ------------------------------------------------
    def notes_of(self, block_id: str) -> list[Note]:
        return self._by_block.get(block_id, [])

    def cite(self, note: Note) -> str:
        return citation(note, self.sources)

    def reload(self) -> None:
        """Read the notes again: markers, panel and filters."""
        by_block: dict[str, list[Note]] = {}
        for note in self.store.list():
            if note.status != "unplaced":
                by_block.setdefault(note.block, []).append(note)
        self._by_block = by_block
        for markers in self._page_markers.values():
            markers.refresh()
        self._repaint_views()
        self.refresh_panel()
        documents = sorted({n.document for notes in by_block.values() for n in notes})
        self.panel.set_choices(
            [(self._title_of(d), d) for d in documents], [t for t, _ in self.store.tags()]
        )

    @Slot()
    def refresh_panel(self) -> None:
        ids = self.store.ids(self.panel.current_filter())
        self.panel.set_ids(ids, self._load_notes, self.store.count())

    def _load_notes(self, ids) -> list[Note]:
        return self.store.list(Filter(ids=tuple(ids)))

    def attach(self, view: Any) -> None:
        """Give a reading view or document tab its markers, context menu and mouse filter."""
        # A flag on the view itself: a closed view's id() may be reused by a new one.
        if getattr(view, "_notes_attached", False):
            return
        view._notes_attached = True
        self._attached.add(id(view))
        pages = getattr(view, "pages", None)
        if pages is not None and hasattr(view, "paragraphs"):  # a PDF's document view
            doc_id = view.document_id
            blocks = view.blocks()
            self._doc_blocks[doc_id] = {b.id: b for b in blocks}
            if self._place(doc_id, blocks):
                self.reload()
            markers = PageNoteMarkers(self.notes_of, blocks)
            self._page_markers[id(view)] = markers
            pages.add_overlay(markers)
            self._hook(pages, markers)
            view.paragraphs.add_overlay(self.text_markers)
            self._hook(view.paragraphs, self.text_markers)
        elif isinstance(view, BlockText):
            if hasattr(view, "blocks") and not hasattr(view, "tab"):  # slides
                doc_id = self._document_of(view)
                blocks = view.blocks()
                self._doc_blocks[doc_id] = {b.id: b for b in blocks}
                if self._place(doc_id, blocks):
                    self.reload()
            view.add_overlay(self.text_markers)
            self._hook(view, self.text_markers)

    def _hook(self, view: Any, markers: Any) -> None:
        # One small filter per view, owned by the view, so it knows its view and markers
        # without a lookup that a reused object address could confuse.
        view.viewport().installEventFilter(_MarkerMouse(self, view, markers))
        hooks = getattr(view, "menu_hooks", None)
        if hooks is not None:
            hooks.append(self._extend_menu)

    def _document_of(self, view: Any) -> str:
        doc = self.window.documents.document_of(view)
        return doc.id if doc is not None else ""

    def _place(self, document: str, blocks: list[Block]) -> bool:
        """Re-attach ``document``'s notes to ``blocks``; True when any note's place changed."""
        edition = edition_key(self.pack, document, self.library)
        if self._placed_docs.get(document) == edition:
            return False
        self._placed_docs[document] = edition
        before = {n.id: (n.status, n.block) for n in self.store.list(Filter(document=document))}
        if not before:
            return False
        placed = place_notes(self.store, blocks, {document: edition}, Filter(document=document))
        moved = [n for n in placed if n.status != "anchored"]
        if moved and any(before.get(n.id) != (n.status, n.block) for n in moved):
            self.window.statusBar().showMessage(
                f"{len(moved)} notes moved or changed with this edition: "
                "Edit ▸ Review notes after update.",
                STATUS_MS,
            )
        return any(before.get(n.id) != (n.status, n.block) for n in placed)

    # -- making notes ----------------------------------------------------------------------
    def _block(self, block_id: str) -> Block | None:
        block = self._page_blocks.get(block_id)
        if block is not None:
            return block
        for blocks in self._doc_blocks.values():
            if block_id in blocks:
                return blocks[block_id]
        return None

    def _ordinal(self, block: Block) -> int:
        if block.document == PAGE:
            return self._page_ordinals.get(block.id, 0)
        blocks = list(self._doc_blocks.get(block.document, {}))
        return blocks.index(block.id) if block.id in blocks else 0

    def make_anchor(
        self, block: Block, quote: str | None = None, boxes: tuple = (), near: int | None = None
    ) -> Anchor:
        """An anchor on ``block`` (or the words ``quote`` in it), tolerant of spacing."""
        edition = edition_key(self.pack, block.document, self.library)
        ordinal = self._ordinal(block)
        if quote:
            found = _find_quote(block.text, quote)
            if found is not None:
                start, exact = found
                return anchor_for(block, edition, exact, start, ordinal, boxes)
        return anchor_for(block, edition, None, None, ordinal, boxes)

    def current_selection(self) -> tuple[Block, str | None, tuple] | None:
        """The block and words selected in the current tab (PDF page or text), or None."""
        widget = self.window.tabs.currentWidget()
        pages = getattr(widget, "pages", None)
        if pages is not None and pages.selection() is not None:
            page, first, last = pages.selection()
            words = pages.words(page)[first : last + 1]
            block = self._pdf_block_at(widget, page, words[0][:4]) if words else None
            if block is not None:
                quote = " ".join(w.text for w in words)
                return block, quote, tuple(tuple(w[:4]) for w in words)
        for view in (getattr(widget, "paragraphs", None), widget):
            if isinstance(view, BlockText):
                found = selection_in_text(view)
                if found is not None:
                    block = self._block(found[0])
                    if block is not None:
                        return block, found[1], ()
        return None

    def _pdf_block_at(self, doc_view: Any, page: int, box: tuple) -> Block | None:
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        best = None
        for block in self._doc_blocks.get(doc_view.document_id, {}).values():
            if block.page != page or block.bbox is None:
                continue
            x0, y0, x1, y1 = block.bbox
            if x0 - 2 <= x <= x1 + 2 and y0 - 2 <= y <= y1 + 2:
                return block
            distance = abs((y0 + y1) / 2 - y)
            if best is None or distance < best[0]:
                best = (distance, block)
        return best[1] if best else None

    @Slot()
    def add_note_from_selection(self) -> None:
        """Ctrl+Shift+N: a note on the selected words, else on the paragraph at the top."""
        found = self.current_selection()
        if found is None:
            self.window.statusBar().showMessage(
                "Select some words first, or right-click a paragraph.", STATUS_MS
            )
            return
        block, quote, boxes = found
        self.begin_note(self.make_anchor(block, quote, boxes))

    def begin_note(self, anchor: Anchor, colour: str = "yellow") -> None:
        """Open the editor on a new note; it is stored when the clinician saves it."""
        pending = Note(id="", anchor=anchor, colour=colour)
        self.dock.show()
        self.dock.raise_()
        self.panel.editor.edit(pending, self._heading(pending))
        self.panel.editor.show()
        self.panel.editor.text.setFocus()

    def highlight(self, anchor: Anchor, colour: str) -> Note | None:
        return self._write(lambda: self.store.add(anchor, "", colour))

    def _write(self, change) -> Note | None:
        try:
            note = change()
        except NotesError as exc:
            self.panel.editor.show_error(str(exc))
            self.window.statusBar().showMessage(str(exc), STATUS_MS)
            return None
        self._data_version = self._version()
        self.reload()
        if note is not None:
            self._index(note)
        return note

    @Slot(object, str, str)
    def _on_save(self, note: Note, text: str, colour: str) -> None:
        if not note.id:
            saved = self._write(lambda: self.store.add(note.anchor, text, colour))
        else:
            # #tags in the text follow the text; the explicit ones (CLI --tag) are kept.
            saved = self._write(lambda: self.store.update(note.id, text=text, colour=colour))
        if saved is not None:
            self.panel.editor.saved(saved)
            self.panel.select_note(saved.id, edit=False)
            self.window.statusBar().showMessage("Note saved.", 3000)

    @Slot(object)
    def delete_note(self, note: Note) -> None:
        try:
            gone = self.store.delete(note.id)
        except NotesError as exc:
            self.window.statusBar().showMessage(str(exc), STATUS_MS)
            return
        self._deleted.append(gone)
        self._data_version = self._version()
        self._unindex(gone.id)
        self.reload()
        self.window.statusBar().showMessage("Note deleted. Ctrl+Z in the notes panel undoes.", 0)

    @Slot()
    def undo_delete(self) -> None:
        if not self._deleted:
            return
        note = self._deleted.pop()
        if self._write(lambda: self.store.restore(note)) is not None:
            self.panel.select_note(note.id, edit=False)
            self.window.statusBar().showMessage("Note restored.", 3000)

    # -- going to a note -------------------------------------------------------------------
    @Slot(object)
    def show_note(self, note: Note) -> None:
        """Bring the note's place on screen."""
        block = note.block
        if note.document == PAGE:
            tab = next((t.id for t in self.pack.tabs if any(b.id == block for b in t.blocks)), "")
            from reader.core.history import Place

            self.window.show_place(Place(tab or note.anchor.tab, block))
        else:
            self.window.documents.show_block(note.document, block, [])

    def show_note_id(self, note_id: str) -> None:
        """A search hit on a note (``note:<id>``): go to its place and open it."""
        note = self.store.get(note_id.removeprefix("note:"))
        if note is None:
            return
        self.show_note(note)
        self.open_note(note)

    def open_note(self, note: Note) -> None:
        self.dock.show()
        self.dock.raise_()
        self.panel.box.clear()
        if not self.panel.select_note(note.id):
            self.panel.editor.edit(note, self._heading(note))
            self.panel.editor.show()

    def _heading(self, note: Note) -> str:
        return f"{self.cite(note).replace('*', '')}\n“{' '.join(note.quote.split())[:200]}”"

    def _title_of(self, key: str) -> str:
        if key in self.sources.tabs:
            return self.sources.tabs[key]
        return self.sources.source(key).title or key

    # -- search index (reader/ui/note_index.py: on a worker thread, in order) -----------------
    def _index(self, note: Note) -> None:
        if self.window.index_ready:  # else the index is built with every note when ready
            self.indexer.update(note, self._title_of(note.document))

    def _unindex(self, note_id: str) -> None:
        if self.window.index_ready:
            self.indexer.remove(note_id)

    # -- views -----------------------------------------------------------------------------
    def _block_ids_of(self, view: Any) -> list[str]:
        return list(getattr(view, "_block_positions", {}))

    def _repaint_views(self) -> None:
        for tab in range(self.window.tabs.count()):
            widget = self.window.tabs.widget(tab)
            for view in (
                widget,
                getattr(widget, "pages", None),
                getattr(widget, "paragraphs", None),
            ):
                if view is not None and hasattr(view, "viewport"):
                    view.viewport().update()

    @Slot(object)
    def _on_documents_changed(self, changed: Any) -> None:
        """A document added, replaced by a new edition or removed: its notes are placed
        again when its view next opens, and the citations learn its title."""
        self.sources = sources_for(self.pack, self.library)
        for document in getattr(changed, "documents", ()) or ():
            self._placed_docs.pop(document, None)
        self.reload()

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        widget = self.window.tabs.widget(index)
        if widget is not None:
            self.attach(widget)

    def _extend_menu(self, view: Any, menu: QMenu, pos: QPoint) -> None:
        """Notes entries for a view's context menu (``pos`` in viewport pixels)."""
        block = self._block_at(view, pos)
        if block is None:
            return
        menu.addSeparator()
        found = self.current_selection()
        if found is not None and found[0].id == block.id:
            _b, quote, boxes = found
            anchor = self.make_anchor(block, quote, boxes)
            menu.addAction("Add note to selection…\tCtrl+Shift+N").triggered.connect(
                partial(self.begin_note, anchor)
            )
        else:
            anchor = self.make_anchor(block)
        menu.addAction("Add note to paragraph…").triggered.connect(
            partial(self.begin_note, self.make_anchor(block))
        )
        colours = menu.addMenu("Highlight")
        for name in COLOURS:
            colours.addAction(name.capitalize()).triggered.connect(
                partial(self.highlight, anchor, name)
            )
        try:
            from reader.ui import citation_clipboard  # written by the print work; may be absent
        except ImportError:
            return
        text = found[1] if found is not None and found[0].id == block.id else None
        menu.addAction("Copy citation").triggered.connect(
            partial(citation_clipboard.copy_with_citation, block, text, self.pack)
        )

    def _block_at(self, view: Any, pos: QPoint) -> Block | None:
        if hasattr(view, "page_layout"):  # PDF pages
            point = QPointF(pos)
            for page in view.visible_pages():
                rect = view.page_rect(page)
                if rect.contains(point):
                    x, y = view.page_layout.to_points(rect, point.x(), point.y())
                    doc_view = next(
                        (w for w in self._doc_views() if getattr(w, "pages", None) is view), None
                    )
                    if doc_view is None:
                        return None
                    return self._pdf_block_at(doc_view, page, (x, y, x, y))
            return None
        block_id = block_id_at(view, pos)
        return self._block(block_id) if block_id else None

    def _doc_views(self) -> list[QWidget]:
        return list(self.window.documents.tabs.values())

    # -- events ----------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self.window:
            if kind == QEvent.Type.WindowActivate:
                self.look_again()
            return False
        return False

    def marker_event(self, view: Any, markers: Any, watched: QObject, event: QEvent) -> bool:
        """A tooltip or a click on a note marker (from the view's :class:`_MarkerMouse`)."""
        kind = event.type()
        if kind == QEvent.Type.ToolTip:
            notes = markers.markers_at(view, QPointF(event.pos()))
            if notes:
                QToolTip.showText(event.globalPos(), tooltip_for(notes), watched)
                return True
        elif kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            notes = markers.markers_at(view, event.position())
            if notes:
                self.open_note(notes[0])
                return True
        return False

    def _version(self) -> int:
        # PRAGMA data_version changes only when another connection (a second copy of the app,
        # the CLI) commits, which is exactly when the panel must look again.
        try:
            return self.store._db.execute("PRAGMA data_version").fetchone()[0]
        except Exception:
            return -1

    def look_again(self) -> None:
        """Show notes another copy of the reader (or the CLI) wrote since we last looked."""
        version = self._version()
        if version != self._data_version:
            self._data_version = version
            self.reload()

    # -- export, import, review ------------------------------------------------------------
    @Slot()
    def export_notes(self) -> None:
        from reader.ui.notes_files import export_notes

        export_notes(self, self.store.list(self.panel.current_filter()))

    @Slot()
    def import_notes(self) -> None:
        from reader.ui.notes_files import import_notes

        if import_notes(self):
            self._data_version = self._version()
            self.reload()

    @Slot()
    def open_review(self) -> None:
        from reader.ui.notes_review import NotesReview

        self.review = NotesReview(self, self.window)
        self.review.show()

    def close(self) -> None:
        self.indexer.finish()
        self.store.close()


class _MarkerMouse(QObject):
    """Watches one view's viewport for the mouse over its note markers."""

    def __init__(self, controller: NotesController, view: Any, markers: Any) -> None:
        super().__init__(view)
        self._controller = controller
        self._view = view
        self._markers = markers

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ToolTip, QEvent.Type.MouseButtonPress):
            return self._controller.marker_event(self._view, self._markers, watched, event)
        return False
