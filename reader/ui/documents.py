"""Documents in the window: adding (menu, drag and drop, drop folder), opening, removing.

The controller is handed what it needs (the tab widget and the page tabs in it, the library, the
search index, the text size) and talks back with signals: ``statusMessage``, ``activityChanged``,
``changed`` (a :class:`~reader.core.model.Changed` record: refresh what shows the slots),
``externalLinkRequested``, ``notInstalled`` and ``firstPageShown``. It owns the document tabs,
each a :class:`~reader.ui.document_tab.DocumentTab`, and runs the slow parts (copying, probing,
extracting, indexing, re-indexing after a removal or a move) off the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QTabBar,
    QTabWidget,
    QWidget,
)

from reader.core.errorlog import log_exception
from reader.core.errors import PasswordRequired
from reader.core.heap import share_heaps
from reader.core.library import SUPPORTED, AddResult, Document, Library, LibraryError
from reader.core.model import GUIDANCE_PDF_SLOT, Changed, Section
from reader.core.services import index_document, index_document_in_child
from reader.ui.document_tab import DocumentTab, FailedView
from reader.ui.jobs import JobError, start_job
from reader.ui.slides_view import SlidesView
from reader.ui.theme import theme_from_palette

STATUS_MS = 8000


def _load_pdf_support() -> None:
    import reader.core.pdfdoc  # noqa: F401


class DocumentsController(QObject):
    statusMessage = Signal(str, int)  # text, milliseconds to show it (0: until replaced)
    activityChanged = Signal(object)  # what is being done in the background, or None
    changed = Signal(object)  # Changed
    externalLinkRequested = Signal(str)
    notInstalled = Signal(str)  # slot id: the reader asked for a document not added yet
    firstPageShown = Signal()  # a newly opened document has its first page on screen
    documentJumped = Signal(str, int, str)  # document id, page left, block id or "page:N"
    _firstPageArrived = Signal(object, object)  # path, FirstPage: from the add's worker thread

    def __init__(
        self,
        tabs: QTabWidget,
        page_tabs: Mapping[str, QWidget],
        library: Library,
        index: Callable[[], object],
        text_size: Callable[[], int],
        drop_target: QWidget | None = None,
    ) -> None:
        super().__init__(tabs)
        self._tab_widget = tabs
        self._page_tabs = page_tabs  # the guidance page's own tabs, by tab id
        self.library = library
        self._index = index  # the search index is opened on first use (Whoosh is slow to load)
        self._text_size = text_size
        self._drop_target = drop_target
        self.tabs: dict[str, DocumentTab] = {}  # document id → its tab's widget
        tabs.setTabsClosable(False)
        tabs.tabCloseRequested.connect(self._on_tab_close_requested)
        if drop_target is not None:
            drop_target.setAcceptDrops(True)
            drop_target.installEventFilter(self)
        self.indexing: set[str] = set()  # documents being added to the search index
        self._passwords: dict[str, str] = {}  # protected documents unlocked this session
        self._previews: dict[Path, QWidget] = {}  # page 1 of files being checked, by path
        self._firstPageArrived.connect(self._on_first_page_arrived)

    def _parent_widget(self) -> QWidget:
        return self._tab_widget.window()

    def _say(self, message: str, ms: int = STATUS_MS) -> None:
        self.statusMessage.emit(message, ms)

    # -- queries ---------------------------------------------------------------------------
    def document_of(self, widget: QWidget | None) -> Document | None:
        """The document shown by ``widget`` (a tab), if it shows one: the one place to ask."""
        for doc_id, tab_widget in self.tabs.items():
            if tab_widget is widget:
                return self.library.get(doc_id)
        return None

    def tab_id_of(self, widget: QWidget | None) -> str | None:
        doc = self.document_of(widget)
        return self.library.pack.slot(doc.slot).tab if doc is not None and doc.slot else None

    def current_document_view(self) -> DocumentTab | None:
        """The document tab in front, if the current tab shows a document."""
        current = self._tab_widget.currentWidget()
        return current if current in self.tabs.values() else None

    def current_document_id(self) -> str:
        current = self.current_document_view()
        return next((d for d, view in self.tabs.items() if view is current), "")

    def pages_read(self) -> dict[str, int]:
        """The page each open PDF is showing, to open it there next time."""
        docs = {doc_id: self.library.get(doc_id) for doc_id in self.tabs}
        return {
            doc_id: view.current_page()
            for doc_id, view in self.tabs.items()
            if (doc := docs[doc_id]) is not None and doc.kind == "pdf"
        }

    def current_sections(self) -> list[Section]:
        """The current document's headings, for the contents sidebar."""
        doc = self.document_of(self._tab_widget.currentWidget())
        if doc is None:
            return []
        return [
            Section(b.section, b.section_title, 1, b.id)
            if b.kind == "slide"
            else Section(b.section, b.text, max(1, b.level), b.id)
            for b in self.library.blocks_of(doc)
            if b.kind in ("heading", "slide")
        ]

    # -- adding ----------------------------------------------------------------------------
    def add_files(
        self,
        paths: list[Path],
        slot_id: str | None = None,
        password: str | None = None,
        index_protected: bool = False,
    ) -> None:
        # Before the first worker starts: the threads started from here on (the add's, the
        # index's, the tab's page drawing) share heaps instead of keeping one each, 1.5 MB a
        # heap after a long scroll (reader/core/heap.py). 2 ms, loading ctypes, the first time.
        share_heaps()
        for path in paths:
            self._say(f"Adding {path.name}…", 0)
            work = partial(self._add_in_worker, path, slot_id, password, index_protected)
            job = start_job("add", work)
            job.finished.connect(partial(self._on_add_done, path, password))
            job.failed.connect(partial(self._on_add_failed, path, slot_id))

    def scan_drop_folder(self) -> None:
        job = start_job("scan", lambda _progress: self.library.scan_drop_folder())
        job.finished.connect(self._on_scanned)

    def _add_in_worker(
        self, path: Path, slot_id: str | None, password: str | None, index_protected, _progress
    ) -> AddResult:
        if path.suffix.lower() == ".pdf":
            # Load PyMuPDF for the document's tab (about 90 ms) beside the add, not before it:
            # a new file is checked by the child meanwhile, on the other core, and a known
            # file's tab is built on the GUI thread, which would otherwise import it there.
            threading.Thread(target=_load_pdf_support, name="load-pymupdf", daemon=True).start()
        return self.library.add(
            path,
            slot_id=slot_id,
            password=password,
            index_protected=index_protected,
            on_first_page=partial(self._firstPageArrived.emit, path),
        )

    @Slot(object, object)
    def _on_first_page_arrived(self, path: Path, first_page: object) -> None:
        """Page 1 drawn by the checking child: show it in a tab until the document is ready."""
        from reader.core.safeopen import display_name
        from reader.ui.page_preview import PagePreview

        if path in self._previews:
            return
        name = display_name(path)
        preview = PagePreview(name, first_page)
        preview.firstPainted.connect(self.firstPageShown.emit)
        self._previews[path] = preview
        label = name if len(name) <= 28 else name[:26] + "…"
        index = self._tab_widget.addTab(preview, label)
        self._tab_widget.setTabToolTip(index, f"{name}: being checked")
        self._hide_close_buttons_on_page_tabs()
        self._tab_widget.setCurrentWidget(preview)

    def _close_preview(self, path: Path) -> None:
        preview = self._previews.pop(path, None)
        if preview is not None:
            index = self._tab_widget.indexOf(preview)
            if index >= 0:
                self._tab_widget.removeTab(index)
            preview.deleteLater()

    def _on_add_done(self, path: Path, password: str | None, result: AddResult) -> None:
        self._close_preview(path)
        self._on_added(password, result)

    def _index_in_background(self, doc: Document) -> None:
        """Index a new document after its tab is open: the first page need not wait for it."""
        self.indexing.add(doc.id)
        self.activityChanged.emit(f"Adding {doc.original_name} to search…")
        job = start_job("index-document", lambda _progress: self._index_document(doc))
        job.finished.connect(partial(self._on_indexed, doc.id))
        job.failed.connect(partial(self._on_index_failed, doc.id))

    def _on_indexed(self, doc_id: str, _result: object) -> None:
        self.indexing.discard(doc_id)
        if not self.indexing:
            self.activityChanged.emit(None)

    def _on_index_failed(self, doc_id: str, error: JobError) -> None:
        self._on_indexed(doc_id, None)
        self._say(f"The document could not be added to search: {error.message}")

    def _index_document(self, doc: Document) -> None:
        # In a child, so a long document's postings never swell this process (see
        # reader/core/index_child.py); here, as before, if the child cannot do it.
        from reader.core.index_child import IndexChildError

        try:
            index_document_in_child(self._index(), self.library, doc, self.library.pack.synonyms)
        except IndexChildError as exc:
            log_exception(exc, "adding a document to the search index in a child process")
            index_document(self._index(), self.library, doc)

    @Slot(object)
    def _on_added(self, password: str | None, result: AddResult) -> None:
        if password is not None and result.document.protected:
            self._passwords[result.document.id] = password
        self._say(result.message)
        if result.status == "new-edition" and result.document.id in self.tabs:
            self._close_tab(result.document.id)
        self.open_document(result.document)
        self.changed.emit(Changed((result.document.id,), slots=True, message=result.message))
        if result.status != "already-present":
            self._index_in_background(result.document)

    def _on_add_failed(self, path: Path, slot_id: str | None, error: JobError) -> None:
        self._close_preview(path)
        self.firstPageShown.emit()  # nothing to wait for: let start-up go on
        self._say("", 1)
        if issubclass(error.kind, PasswordRequired):
            password = self.ask_password(error.message)
            if password is not None:
                # The index is not encrypted: searching inside is the user's choice (default no).
                searchable = QMessageBox.question(
                    self._parent_widget(),
                    "Search inside this document?",
                    "Its text would be kept unprotected in the search index on this computer.",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No,
                )
                index_protected = searchable == QMessageBox.StandardButton.Yes
                self.add_files([path], slot_id, password, index_protected)
            return
        QMessageBox.warning(self._parent_widget(), "The document was not added", error.message)

    def ask_password(self, reason: str) -> str | None:
        """Ask for a protected file's password; ``None`` if the user would rather not."""
        password, ok = QInputDialog.getText(
            self._parent_widget(),
            "Password needed",
            f"{reason}\nType its password to open it. The reader keeps the password only "
            "until you close it, never on disk.",
            QLineEdit.EchoMode.Password,
        )
        return password if ok and password else None

    @Slot(object)
    def _on_scanned(self, results: list) -> None:
        added = [r for r in results if isinstance(r, AddResult)]
        problems = [r for r in results if isinstance(r, str)]
        for result in added:
            self._index_in_background(result.document)
        if added:
            names = ", ".join(r.document.original_name for r in added)
            message = f"Added from the documents folder: {names}."
            self.changed.emit(Changed(tuple(r.document.id for r in added), True, message))
            self._say(message, 0)
        if problems:
            QMessageBox.warning(
                self._parent_widget(),
                "Some files in the documents folder were not added",
                "\n".join(problems),
            )

    # -- opening ---------------------------------------------------------------------------
    def open_slot(self, slot_id: str) -> None:
        doc = self.library.for_slot(slot_id)
        if doc is not None:
            self.open_document(doc)
        else:
            self.notInstalled.emit(slot_id)

    def reopen(self, document_ids: list[str], current: str, pages: dict) -> None:
        """Open again the documents that were open when the app was last closed, each at the
        place where the reader left it."""
        before = self._tab_widget.currentWidget()
        for doc_id in document_ids:
            doc = self.library.get(doc_id) if isinstance(doc_id, str) else None
            if doc is not None and doc.current:
                view = self.open_document(doc)
                page = pages.get(doc_id)
                if isinstance(page, int) and 0 < page < doc.pages and doc.kind == "pdf":
                    view.go_to_page(page)
        front = self.tabs.get(current)
        self._tab_widget.setCurrentWidget(front if front is not None else before)

    def open_document(self, doc: Document) -> DocumentTab:
        """Show the document in its own tab, next to the tab of its slot."""
        widget = self.tabs.get(doc.id)
        if widget is None:
            widget = self._make_view(doc)
            widget.on_first_page(self.firstPageShown.emit)
            self.tabs[doc.id] = widget
            after = 0
            if doc.slot:
                page_tab = self._page_tabs[self.library.pack.slot(doc.slot).tab]
                after = self._tab_widget.indexOf(page_tab)
            slot = self.library.pack.slot(doc.slot) if doc.slot else None
            title = slot.title if slot else doc.title
            label = slot.tab_label if slot else (title if len(title) <= 28 else title[:26] + "…")
            index = self._tab_widget.insertTab(after + 1, widget, label)
            self._tab_widget.setTabToolTip(index, f"{title} ({doc.original_name})")
            self._tab_widget.setTabsClosable(True)
            self._hide_close_buttons_on_page_tabs()
        self._tab_widget.setCurrentWidget(widget)
        return widget

    def open_document_id(self, doc_id: str) -> DocumentTab | None:
        """:meth:`open_document` by the document's id; ``None`` if it is no longer installed."""
        doc = self.library.get(doc_id)
        return self.open_document(doc) if doc is not None else None

    def _make_view(self, doc: Document) -> DocumentTab:
        share_heaps()  # before the tab's threads start, if no file was added (see add_files)
        blocks = self.library.blocks_of(doc)
        title = self.library.pack.slot(doc.slot).title if doc.slot else doc.title
        text_size = self._text_size()
        theme = theme_from_palette()
        if doc.kind != "pdf":
            view: DocumentTab = SlidesView(title, blocks, theme, text_size)
        else:
            # Imported on first use: it brings in PyMuPDF, which start-up does without.
            from reader.ui.document_view import DocumentView

            password = None
            if doc.protected:
                password = self._passwords.get(doc.id) or self.ask_password(
                    f"“{title}” is protected by a password."
                )
            pdf = DocumentView(
                self.library.path_of(doc),
                doc.id,
                title,
                blocks,
                theme,
                text_size,
                password=password,
            )
            if pdf.error is not None:
                pdf.deleteLater()
                view = FailedView(title, pdf.error)
            else:
                view = pdf
                if password is not None:
                    self._passwords[doc.id] = password
        view.externalLinkRequested.connect(self.externalLinkRequested)
        view.statusMessage.connect(self._on_status)
        if hasattr(view, "jumped"):
            view.jumped.connect(partial(self.documentJumped.emit, doc.id))
        return view

    def _hide_close_buttons_on_page_tabs(self) -> None:
        """The page's own tabs, and a file's page 1 while it is checked, cannot be closed."""
        bar = self._tab_widget.tabBar()
        for view in (*self._page_tabs.values(), *self._previews.values()):
            index = self._tab_widget.indexOf(view)
            for side in (QTabBar.ButtonPosition.RightSide, QTabBar.ButtonPosition.LeftSide):
                button = bar.tabButton(index, side)
                if button is not None:
                    button.resize(0, 0)
                    button.hide()

    def show_paragraph(self, number: str) -> None:
        doc = self.library.for_slot(GUIDANCE_PDF_SLOT)
        if doc is None:
            which = f"Paragraph {number} is" if number else "Numbered paragraphs are"
            self._say(
                f"{which} in the guidance PDF, which is not installed yet. "
                "Add it with File ▸ Add document… (Ctrl+O)."
            )
            return
        view = self.open_document(doc)
        if not view.show_paragraph(number):
            self._say(f"There is no paragraph {number} in this document.")

    def show_block(self, document_id: str, block_id: str, terms: list[str]) -> None:
        doc = self.library.get(document_id)
        if doc is None:
            self._say("That document is no longer installed.")
            return
        self.open_document(doc).show_block(block_id, terms)

    # -- removing and moving ---------------------------------------------------------------
    def remove(self, doc: Document) -> None:
        answer = QMessageBox.question(
            self._parent_widget(),
            "Remove document?",
            f"Remove “{doc.title}” ({doc.original_name}) from your library?\n\n"
            "Your notes on it are kept. The original file you added is not touched.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            # A quick write under the library's file lock; the slow part (the search index,
            # which another copy of the app may hold) goes to a worker below.
            removed = self.library.remove(doc.id)
        except (LibraryError, OSError, TimeoutError) as exc:
            QMessageBox.warning(self._parent_widget(), "The document was not removed", str(exc))
            return
        self._close_tab(doc.id)
        back = self.library.for_slot(removed.slot) if removed.slot else None
        self._reindex(removed.id, back)
        ids = (removed.id,) if back is None else (removed.id, back.id)
        self._on_changed(Changed(ids, slots=True, message=f"{doc.original_name} was removed."))

    def change_slot(self, doc: Document, slot_id: str | None) -> None:
        """Put a document in another slot (the guess from its title was wrong)."""
        try:
            moved = self.library.move(doc.id, slot_id)
        except (LibraryError, OSError, TimeoutError) as exc:
            QMessageBox.warning(self._parent_widget(), "The document was not moved", str(exc))
            return
        self._close_tab(doc.id)
        back = self.library.for_slot(doc.slot) if doc.slot else None
        self._reindex(doc.id, back)
        self._index_in_background(moved)
        where = f"“{self.library.pack.slot(slot_id).title}”" if slot_id else "an extra document"
        self.changed.emit(Changed((moved.id,), slots=True))
        self.open_document(moved)
        self._say(f"{doc.original_name} is now {where}.")

    def _reindex(self, gone: str, back: Document | None) -> None:
        """Take ``gone`` out of the search index and put ``back`` (an earlier edition) in."""
        job = start_job("unindex", lambda _progress: self._index().remove_document(gone))
        job.failed.connect(partial(self._on_index_failed, gone))
        if back is not None:
            job.finished.connect(lambda _result: self._index_in_background(back))

    @Slot(object)
    def _on_changed(self, changed: Changed) -> None:
        self.changed.emit(changed)
        if changed.message:
            self._say(changed.message)

    def _current_document(self) -> Document | None:
        return self.document_of(self._tab_widget.currentWidget())

    def _close_tab(self, doc_id: str) -> None:
        widget = self.tabs.pop(doc_id, None)
        if widget is not None:
            widget.close_document()
            self._tab_widget.removeTab(self._tab_widget.indexOf(widget))
            widget.deleteLater()

    # -- requests from the menus -----------------------------------------------------------
    @Slot()
    def request_add(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self._parent_widget(),
            "Add document",
            str(Path.home()),
            "Guidance documents (*.pdf *.pptx);;PDF files (*.pdf);;PowerPoint (*.pptx)",
        )
        self.add_files([Path(n) for n in names])

    @Slot()
    def request_change_slot(self) -> None:
        doc = self._current_document()
        parent = self._parent_widget()
        if doc is None:
            QMessageBox.information(
                parent, "Change what a document is", "First open the document's tab."
            )
            return
        slots = [s for s in self.library.pack.slots if s.kind == doc.kind]
        labels = [s.title for s in slots] + ["None of these (an extra document)"]
        current = next((i for i, s in enumerate(slots) if s.id == doc.slot), len(slots))
        choice, ok = QInputDialog.getItem(
            parent,
            "Change what this document is",
            f"{doc.original_name} is:",
            labels,
            current,
            False,
        )
        if ok:
            index = labels.index(choice)
            self.change_slot(doc, slots[index].id if index < len(slots) else None)

    @Slot()
    def request_remove(self) -> None:
        current = self._tab_widget.currentWidget()
        if current in self.tabs.values():
            doc = self.document_of(current)
            if doc is not None:
                self.remove(doc)
            return
        docs = self.library.current()
        parent = self._parent_widget()
        if not docs:
            QMessageBox.information(parent, "Remove document", "No documents are installed.")
            return
        labels = [f"{d.title} ({d.original_name})" for d in docs]
        choice, ok = QInputDialog.getItem(parent, "Remove document", "Document:", labels, 0, False)
        if ok:
            self.remove(docs[labels.index(choice)])

    @Slot()
    def request_goto(self) -> None:
        view = self.current_document_view()
        if view is None:
            doc = self.library.for_slot(GUIDANCE_PDF_SLOT)
            if doc is None:
                self.show_paragraph("")  # says the guidance PDF is not installed
                return
            view = self.open_document(doc)
        view.open_goto_dialog()

    @Slot(int)
    def _on_tab_close_requested(self, index: int) -> None:
        doc = self.document_of(self._tab_widget.widget(index))
        if doc is not None:
            self._close_tab(doc.id)

    @Slot(str)
    def _on_status(self, message: str) -> None:
        self._say(message)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._drop_target and event.type() in (
            QEvent.Type.DragEnter,
            QEvent.Type.Drop,
        ):
            urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
            paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
            paths = [p for p in paths if p.suffix.lower() in SUPPORTED]
            if not paths:
                return False
            event.acceptProposedAction()
            if event.type() == QEvent.Type.Drop:
                self.add_files(paths)
            return True
        return super().eventFilter(watched, event)
