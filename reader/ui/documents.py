"""Documents in the window: adding (menu, drag and drop, drop folder), opening, removing.

The window hands its services over through itself; this controller owns the document tabs and
runs the slow parts (copying, probing, extracting, indexing) off the GUI thread.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from reader.core.content import Section
from reader.core.library import SUPPORTED, AddResult, Document, LibraryError
from reader.ui.jobs import start_job
from reader.ui.slides_view import SlidesView
from reader.ui.theme import theme_from_palette

if TYPE_CHECKING:
    from reader.ui.main_window import MainWindow

STATUS_MS = 8000


class DocumentsController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.library = window.services.library
        self.tabs: dict[str, QWidget] = {}  # document id → its tab's widget
        actions = window.actions
        actions.add_document.triggered.connect(self._on_add_requested)
        actions.remove_document.triggered.connect(self._on_remove_requested)
        actions.change_slot.triggered.connect(self._on_change_slot_requested)
        actions.goto_paragraph.triggered.connect(self._on_goto_requested)
        window.tabs.setTabsClosable(False)
        window.tabs.tabCloseRequested.connect(self._on_tab_close_requested)
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        self.indexing: set[str] = set()  # documents being added to the search index
        self._passwords: dict[str, str] = {}  # protected documents unlocked this session

    # -- queries ---------------------------------------------------------------------------
    def tab_id_of(self, widget: QWidget | None) -> str | None:
        for doc_id, tab_widget in self.tabs.items():
            if tab_widget is widget:
                doc = self.library.get(doc_id)
                if doc is not None and doc.slot:
                    return self.library.pack.slot(doc.slot).tab
        return None

    # -- adding ----------------------------------------------------------------------------
    def add_files(
        self,
        paths: list[Path],
        slot_id: str | None = None,
        password: str | None = None,
        index_protected: bool = False,
    ) -> None:
        for path in paths:
            self.window.statusBar().showMessage(f"Adding {path.name}…")
            work = partial(self._add_in_worker, path, slot_id, password, index_protected)
            job = start_job("add", work)
            job.finished.connect(partial(self._on_added, password))
            job.failed.connect(partial(self._on_add_failed, path, slot_id, job))

    def scan_drop_folder(self) -> None:
        job = start_job("scan", lambda _progress: self.library.scan_drop_folder())
        job.finished.connect(self._on_scanned)

    def _add_in_worker(
        self, path: Path, slot_id: str | None, password: str | None, index_protected, _progress
    ) -> AddResult:
        if path.suffix.lower() == ".pdf":
            # Load PyMuPDF here, while the GUI thread draws the window, rather than on the
            # GUI thread when the document's tab is built (about 80 ms).
            import reader.core.pdfdoc  # noqa: F401
        return self.library.add(
            path, slot_id=slot_id, password=password, index_protected=index_protected
        )

    def _index_in_background(self, doc: Document) -> None:
        """Index a new document after its tab is open: the first page need not wait for it."""
        self.indexing.add(doc.id)
        self.window.set_activity(f"Adding {doc.original_name} to search…")
        job = start_job("index-document", lambda _progress: self._index_document(doc))
        job.finished.connect(partial(self._on_indexed, doc.id))
        job.failed.connect(partial(self._on_index_failed, doc.id))

    def _on_indexed(self, doc_id: str, _result: object) -> None:
        self.indexing.discard(doc_id)
        if not self.indexing:
            self.window.set_activity(None)

    def _on_index_failed(self, doc_id: str, message: str) -> None:
        self.indexing.discard(doc_id)
        if not self.indexing:
            self.window.set_activity(None)
        self._on_status(f"The document could not be added to search: {message}")

    def _index_document(self, doc: Document) -> None:
        index = self.window.services.index
        index.remove_document(doc.id)
        title = self.library.pack.slot(doc.slot).title if doc.slot else doc.title
        index.add_blocks(self.library.blocks_of(doc), "documents", {doc.id: title})

    @Slot(object)
    def _on_added(self, password: str | None, result: AddResult) -> None:
        if password is not None and result.document.protected:
            self._passwords[result.document.id] = password
        self.window.statusBar().showMessage(result.message, STATUS_MS)
        if result.status == "new-edition" and result.document.id in self.tabs:
            self._close_tab(result.document.id)
        self.open_document(result.document)
        self.window.refresh_slots()
        if result.status != "already-present":
            self._index_in_background(result.document)

    def _on_add_failed(self, path: Path, slot_id: str | None, job, message: str) -> None:
        self._release_startup()
        self.window.statusBar().clearMessage()
        from reader.core.pdfdoc import PasswordRequired  # loaded by the failed job already

        if job.error_kind is not None and issubclass(job.error_kind, PasswordRequired):
            password = self.ask_password(message)
            if password is not None:
                # The index is not encrypted: searching inside is the user's choice (default no).
                searchable = QMessageBox.question(
                    self.window,
                    "Search inside this document?",
                    "Its text would be kept unprotected in the search index on this computer.",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No,
                )
                index_protected = searchable == QMessageBox.StandardButton.Yes
                self.add_files([path], slot_id, password, index_protected)
            return
        QMessageBox.warning(self.window, "The document was not added", message)

    def ask_password(self, reason: str) -> str | None:
        """Ask for a protected file's password; ``None`` if the user would rather not."""
        password, ok = QInputDialog.getText(
            self.window,
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
            self.window.refresh_slots()
            names = ", ".join(r.document.original_name for r in added)
            self.window.statusBar().showMessage(f"Added from the documents folder: {names}.")
        if problems:
            QMessageBox.warning(
                self.window,
                "Some files in the documents folder were not added",
                "\n".join(problems),
            )

    # -- opening ---------------------------------------------------------------------------
    def open_slot(self, slot_id: str) -> None:
        doc = self.library.for_slot(slot_id)
        if doc is not None:
            self.open_document(doc)
            return
        state = self.window.slot_state(slot_id)
        QMessageBox.information(
            self.window, state.title, f"This document is not installed yet.\n\n{state.detail}"
        )

    def reopen(self, document_ids: list[str], current: str, pages: dict) -> None:
        """Open again the documents that were open when the app was last closed, each at the
        page where the reader left it."""
        before = self.window.tabs.currentWidget()
        for doc_id in document_ids:
            doc = self.library.get(doc_id) if isinstance(doc_id, str) else None
            if doc is not None and doc.current:
                view = self.open_document(doc)
                page = pages.get(doc_id)
                if isinstance(view, SlidesView):
                    continue
                if isinstance(page, int) and 0 < page < doc.pages:
                    view.go_to_page(page)
        front = self.tabs.get(current)
        self.window.tabs.setCurrentWidget(front if front is not None else before)

    def open_document(self, doc: Document) -> QWidget:
        """Show the document in its own tab, next to the tab of its slot."""
        widget = self.tabs.get(doc.id)
        if widget is None:
            widget = self._make_view(doc)
            if self.window.hold_startup:
                self._finish_startup_after_first_page(widget)
            self.tabs[doc.id] = widget
            after = 0
            if doc.slot:
                page_tab = self.window.views[self.library.pack.slot(doc.slot).tab]
                after = self.window.tabs.indexOf(page_tab)
            slot = self.library.pack.slot(doc.slot) if doc.slot else None
            title = slot.title if slot else doc.title
            label = slot.tab_label if slot else (title if len(title) <= 28 else title[:26] + "…")
            index = self.window.tabs.insertTab(after + 1, widget, label)
            self.window.tabs.setTabToolTip(index, f"{title} ({doc.original_name})")
            self.window.tabs.setTabsClosable(True)
            self._hide_close_buttons_on_page_tabs()
        self.window.tabs.setCurrentWidget(widget)
        return widget

    def _make_view(self, doc: Document) -> QWidget:
        blocks = self.library.blocks_of(doc)
        title = self.library.pack.slot(doc.slot).title if doc.slot else doc.title
        text_size = self.window.settings.text_size
        theme = theme_from_palette()
        if doc.kind == "pdf":
            # Imported on first use: it brings in PyMuPDF, which start-up does without.
            from reader.ui.document_view import DocumentView

            path = self.library.path_of(doc)
            password = None
            if doc.protected:
                password = self._passwords.get(doc.id) or self.ask_password(
                    f"“{title}” is protected by a password."
                )
            view = DocumentView(path, doc.id, title, blocks, theme, text_size, password=password)
            if password is not None and view.error is None:
                self._passwords[doc.id] = password
        else:
            view = SlidesView(title, blocks, theme, text_size)
        view.externalLinkRequested.connect(self._on_external_link)
        view.statusMessage.connect(self._on_status)
        return view

    def _finish_startup_after_first_page(self, view: QWidget) -> None:
        if isinstance(view, SlidesView):  # drawn at once: nothing to wait for
            self._release_startup()
        else:
            view.worker.pageRendered.connect(self._release_startup)

    @Slot()
    def _release_startup(self, *_args) -> None:
        if self.window.hold_startup:
            self.window.hold_startup = False
            QTimer.singleShot(0, self.window.finish_startup)

    def _hide_close_buttons_on_page_tabs(self) -> None:
        from PySide6.QtWidgets import QTabBar

        bar = self.window.tabs.tabBar()
        for view in self.window.views.values():
            index = self.window.tabs.indexOf(view)
            for side in (QTabBar.ButtonPosition.RightSide, QTabBar.ButtonPosition.LeftSide):
                button = bar.tabButton(index, side)
                if button is not None:
                    button.resize(0, 0)
                    button.hide()

    def show_paragraph(self, number: str) -> None:
        doc = self.library.for_slot("guidance-pdf")
        if doc is None:
            which = f"Paragraph {number} is" if number else "Numbered paragraphs are"
            self.window.statusBar().showMessage(
                f"{which} in the guidance PDF, which is not installed yet. "
                "Add it with File ▸ Add document….",
                STATUS_MS,
            )
            return
        view = self.open_document(doc)
        if not view.show_paragraph(number):
            self.window.statusBar().showMessage(
                f"There is no paragraph {number} in this document.", STATUS_MS
            )

    def show_block(self, document_id: str, block_id: str, terms: list[str]) -> None:
        doc = self.library.get(document_id)
        if doc is None:
            self.window.statusBar().showMessage("That document is no longer installed.", STATUS_MS)
            return
        self.open_document(doc).show_block(block_id, terms)

    # -- removing --------------------------------------------------------------------------
    def remove(self, doc: Document) -> None:
        answer = QMessageBox.question(
            self.window,
            "Remove document?",
            f"Remove “{doc.title}” ({doc.original_name}) from your library?\n\n"
            "Your notes on it are kept. The original file you added is not touched.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._close_tab(doc.id)
        removed = self.library.remove(doc.id)
        self.window.services.index.remove_document(removed.id)
        back = self.library.for_slot(removed.slot) if removed.slot else None
        if back is not None:
            self._index_document(back)
        self.window.refresh_slots()
        self.window.statusBar().showMessage(f"{doc.original_name} was removed.", STATUS_MS)

    def change_slot(self, doc: Document, slot_id: str | None) -> None:
        """Put a document in another slot (the guess from its title was wrong)."""
        try:
            moved = self.library.move(doc.id, slot_id)
        except LibraryError as exc:
            QMessageBox.warning(self.window, "The document was not moved", str(exc))
            return
        self._close_tab(doc.id)
        self.window.services.index.remove_document(doc.id)
        back = self.library.for_slot(doc.slot) if doc.slot else None
        if back is not None:
            self._index_in_background(back)
        self._index_in_background(moved)
        self.window.refresh_slots()
        self.open_document(moved)
        where = f"“{self.library.pack.slot(slot_id).title}”" if slot_id else "an extra document"
        self.window.statusBar().showMessage(f"{doc.original_name} is now {where}.", STATUS_MS)

    def _current_document(self) -> Document | None:
        current = self.window.tabs.currentWidget()
        for doc_id, widget in self.tabs.items():
            if widget is current:
                return self.library.get(doc_id)
        return None

    def _close_tab(self, doc_id: str) -> None:
        widget = self.tabs.pop(doc_id, None)
        if widget is not None:
            self.window.tabs.removeTab(self.window.tabs.indexOf(widget))
            widget.deleteLater()

    # -- slots -----------------------------------------------------------------------------
    @Slot()
    def _on_add_requested(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self.window,
            "Add document",
            str(Path.home()),
            "Guidance documents (*.pdf *.pptx);;PDF files (*.pdf);;PowerPoint (*.pptx)",
        )
        self.add_files([Path(n) for n in names])

    @Slot()
    def _on_change_slot_requested(self) -> None:
        doc = self._current_document()
        if doc is None:
            QMessageBox.information(
                self.window, "Change what a document is", "First open the document's tab."
            )
            return
        slots = [s for s in self.library.pack.slots if s.kind == doc.kind]
        labels = [s.title for s in slots] + ["None of these (an extra document)"]
        current = next((i for i, s in enumerate(slots) if s.id == doc.slot), len(slots))
        choice, ok = QInputDialog.getItem(
            self.window,
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
    def _on_remove_requested(self) -> None:
        current = self.window.tabs.currentWidget()
        for doc_id, widget in self.tabs.items():
            if widget is current:
                doc = self.library.get(doc_id)
                if doc is not None:
                    self.remove(doc)
                return
        docs = self.library.current()
        if not docs:
            QMessageBox.information(self.window, "Remove document", "No documents are installed.")
            return
        labels = [f"{d.title} ({d.original_name})" for d in docs]
        choice, ok = QInputDialog.getItem(
            self.window, "Remove document", "Document:", labels, 0, False
        )
        if ok:
            self.remove(docs[labels.index(choice)])

    def pages_read(self) -> dict[str, int]:
        """The page each open PDF is showing, to open it there next time."""
        return {
            doc_id: view.current_page()
            for doc_id, view in self.tabs.items()
            if not isinstance(view, SlidesView)
        }

    def current_sections(self) -> list[Section]:
        """The current document's headings, for the contents sidebar."""
        current = self.window.tabs.currentWidget()
        for doc_id, widget in self.tabs.items():
            doc = self.library.get(doc_id)
            if widget is current and doc is not None:
                return [
                    Section(b.section, b.section_title if b.kind == "slide" else b.text, 1, b.id)
                    if b.kind == "slide"
                    else Section(b.section, b.text, max(1, b.level), b.id)
                    for b in self.library.blocks_of(doc)
                    if b.kind in ("heading", "slide")
                ]
        return []

    def current_document_view(self) -> QWidget | None:
        """The document view of the current tab, if the current tab shows a document."""
        current = self.window.tabs.currentWidget()
        return current if current in self.tabs.values() else None

    @Slot()
    def _on_goto_requested(self) -> None:
        view = self.current_document_view()
        if view is None:
            doc = self.library.for_slot("guidance-pdf")
            if doc is None:
                self.show_paragraph("")  # says the guidance PDF is not installed
                return
            view = self.open_document(doc)
        view.open_goto_dialog()

    @Slot(int)
    def _on_tab_close_requested(self, index: int) -> None:
        widget = self.window.tabs.widget(index)
        for doc_id, tab_widget in list(self.tabs.items()):
            if tab_widget is widget:
                self._close_tab(doc_id)

    @Slot(str)
    def _on_external_link(self, url: str) -> None:
        self.window.open_external(url, url)

    @Slot(str)
    def _on_status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, STATUS_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() in (QEvent.Type.DragEnter, QEvent.Type.Drop):
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
