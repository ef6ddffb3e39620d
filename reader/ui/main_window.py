"""The main window: the guidance page's tabs, the contents sidebar, menus and history.

It is handed its services (the content pack, the user's folders, the settings store); it owns
no global state, so tests build it with temporary folders.
"""

from __future__ import annotations

import base64
import contextlib
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer, Slot
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reader import APP_NAME

if TYPE_CHECKING:
    from reader.ui.search_panel import SearchPanel
from reader.core.history import Place
from reader.core.model import GUIDANCE_PDF_SLOT, Changed
from reader.core.services import Services
from reader.core.settings import DEFAULT_TEXT_SIZE, Settings, SettingsStore
from reader.ui.contents_panel import ContentsPanel
from reader.ui.documents import DocumentsController
from reader.ui.find_bar import FindBar
from reader.ui.jobs import JobError, start_job
from reader.ui.link_router import LinkRouter
from reader.ui.main_menu import build_menus
from reader.ui.navigation import Navigator
from reader.ui.notice_bar import NoticeBar
from reader.ui.reading_view import ReadingView
from reader.ui.theme import install_focus_rings, theme_from_palette

STATUS_TIMEOUT_MS = 8000
MIN_RESTORED = (640, 480)  # a remembered window smaller than this opens at the default size
STARTUP_HOLD_MS = 4000  # the longest start-up waits for a launched file's first page


class MainWindow(QMainWindow):
    def __init__(
        self,
        services: Services,
        settings_store: SettingsStore,
        settings: Settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.pack = pack = services.pack
        self.dirs = services.dirs
        self.settings_store = settings_store
        self.settings = settings
        self.setWindowTitle(f"{pack.title} — {APP_NAME}")
        self.setAccessibleName(APP_NAME)

        theme = theme_from_palette()
        install_focus_rings()  # where the keyboard is, on every control (WCAG 2.2)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setAccessibleName("Parts of the guidance page")
        self.tabs.setDocumentMode(True)
        # On a 1024-pixel screen the last tab went behind the scroll arrows: shorten the names
        # a little first, so every tab stays in sight (scroll arrows only when many are open).
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.links = LinkRouter(
            pack,
            self,
            show_tab=lambda tab_id: tab_id in self.views and self.show_place(Place(tab_id)),
            open_slot=lambda slot_id: self.documents.open_slot(slot_id),
            show_paragraph=lambda number: self.documents.show_paragraph(number),
            say=self.statusBar().showMessage,  # an empty text clears it
        )
        self.views: dict[str, ReadingView] = {}
        for tab in pack.tabs:
            view = ReadingView(pack, tab, self.services.slot_state, theme, settings.text_size)
            view.linkRequested.connect(self.links.follow)
            view.linkHovered.connect(self.links.describe)
            self.views[tab.id] = view
            self.tabs.addTab(view, tab.title)
        self.find_bar = FindBar()
        self.find_bar.hide()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.notices = NoticeBar()
        layout.addWidget(self.notices)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.find_bar)
        self.setCentralWidget(central)

        self.contents = ContentsPanel()
        self.contents_dock = QDockWidget("Contents", self)
        self.contents_dock.setObjectName("contents-dock")
        self.contents_dock.setWidget(self.contents)
        self.contents_dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.contents_dock)

        # Built just after the first paint (see _finish_startup), to show the text sooner.
        self.search_panel: SearchPanel | None = None
        self.search_dock: QDockWidget | None = None
        self.notes = None  # the NotesController, also built after the first paint
        self._trail_blocks: tuple[str, list] = ("", [])  # one document's blocks, for hits
        self.started = False
        # Set when the app starts with a file: the rest of start-up then waits for its first
        # page, so the search index's work does not compete with drawing it.
        self.hold_startup = False
        self.launched_with_file = False  # `reader FILE`: that file's tab stays in front
        # A permanent corner label for work in progress, so it never hides a message.
        self.activity = QLabel()
        self.activity.setAccessibleName("Work in progress")
        self.statusBar().addPermanentWidget(self.activity)
        self.activity.hide()
        self.index_ready = False

        self.menu_actions = build_menus(self, [t.title for t in pack.tabs])
        self.documents = DocumentsController(
            self.tabs,
            self.views,
            services.library,
            lambda: self.services.index,
            lambda: self.settings.text_size,
            drop_target=self,
        )
        self.navigator = Navigator(
            self.tabs,
            self.views,
            self.documents.open_document_id,
            self.contents.select_block,
            self.menu_actions.back,
            self.menu_actions.forward,
        )
        self.history = self.navigator.history
        self.save_on_close = True  # False for `reader screenshot`: a picture changes nothing
        self._connect_documents()
        self._connect_actions()
        self.statusBar().setAccessibleName("Status")

        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.contents.sectionRequested.connect(self._on_section_requested)
        self.find_bar.findRequested.connect(self._on_find_requested)
        self.find_bar.closed.connect(self._on_find_closed)
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._on_color_scheme_changed)

        self._restore_geometry()
        self.fit_sidebar()
        start = settings.last_tab if settings.last_tab in self.views else pack.tabs[0].id
        self.show_place(Place(start))
        self._on_tab_changed(self.tabs.currentIndex())
        self.focus_text()  # not the tab bar: PageDown reads on at once (issue 11, item 5)
        for problem in filter(None, (settings_store.problem, services.library.problem)):
            self.notices.add(problem)
        for view in self.views.values():
            view.firstPainted.connect(self._on_first_paint)

    # -- start-up ------------------------------------------------------------------------------
    @Slot()
    def _on_first_paint(self) -> None:
        if not self.started and not self.hold_startup:
            QTimer.singleShot(0, self.finish_startup)

    def finish_startup(self) -> None:
        """The parts not needed for the first paint: the search dock and the index.

        Importing Whoosh on a worker thread while the window was being drawn slowed the first
        paint by about 25 ms (the two threads share the GIL), so this waits for that paint.
        """
        if self.started:
            return
        self.started = True
        from reader.ui.search_panel import SearchPanel

        self.search_panel = SearchPanel()
        self.search_dock = QDockWidget("Search", self)
        self.search_dock.setObjectName("search-dock")
        self.search_dock.setWidget(self.search_panel)
        self.search_dock.setFeatures(self.contents_dock.features())
        # Search shares the left side with the contents, as a second tab (Ctrl+Shift+F raises
        # it), so the text keeps the width of the window.
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.search_dock)
        self.tabifyDockWidget(self.contents_dock, self.search_dock)
        self.contents_dock.raise_()
        self.search_panel.resultActivated.connect(self._on_search_result)
        self.search_panel.paragraphRequested.connect(self.documents.show_paragraph)
        self.search_panel.dismissed.connect(self.focus_text)
        self.search_panel.highlightsCleared.connect(self._on_highlights_cleared)
        self.search_panel.set_section_trail(self._section_trail)
        self._update_guidance_installed()
        self.start_notes()
        self.documents.reopen(
            self.settings.open_documents,
            "" if self.launched_with_file else self.settings.current_document,
            self.settings.document_pages,
        )
        if self.launched_with_file:  # waited for the launched file's first page
            from reader.core import checker_process

            checker_process.discard()  # started early for it; unused if it was known
            self.documents.scan_drop_folder()
        self.start_indexing()

    def launch(self, open_file: Path | None = None) -> None:
        """Show the window, and with ``open_file`` add and open it: its tab comes to the front
        (not the tab left in front last time), and the rest of start-up waits for its first
        page so the index's work does not compete with drawing it."""
        self.launched_with_file = self.hold_startup = open_file is not None
        self.show()
        if open_file is not None:
            self.documents.add_files([open_file])
            # A page that is never painted (the window minimised at once) must not hold the
            # rest of start-up back for good: finish_startup runs only once either way.
            QTimer.singleShot(STARTUP_HOLD_MS, self._on_document_first_page)
        else:
            self.documents.scan_drop_folder()

    def start_notes(self) -> None:
        """The notes store, dock, markers and menus (reader/ui/notes_controller.py)."""
        from reader.core.notes import NotesError
        from reader.ui.notes_controller import NotesController

        try:
            self.notes = NotesController(self)
        except NotesError as exc:  # the text still reads; say why notes are missing
            self.notes = None
            self.notices.add(str(exc))

    def fit_sidebar(self) -> None:
        """The sidebar as the reader left it, but never narrower than its longest heading needs
        (as far as a quarter of the window allows: the text comes first)."""
        quarter = self.width() // 4
        needed = max(self.contents.width_for(tab.sections) for tab in self.pack.tabs)
        remembered = max(0, int(self.settings.sidebar_width or 0))
        side = min(quarter, max(remembered, needed, 150))
        self.resizeDocks([self.contents_dock], [side], Qt.Orientation.Horizontal)

    def show_error(self, sentence: str) -> None:
        """Tell the reader, in one plain sentence, that something went wrong."""
        self.statusBar().showMessage(sentence, STATUS_TIMEOUT_MS)
        QMessageBox.warning(self, "Something went wrong", sentence)

    def set_activity(self, text: str | None) -> None:
        """Say what is being done in the background (``None`` when it is done)."""
        self.activity.setText(text or "")
        self.activity.setVisible(bool(text))

    # -- search --------------------------------------------------------------------------------
    def start_indexing(self) -> None:
        """(Re)build or open the search index off the GUI thread; search waits for it."""
        self.index_ready = False
        self.search_panel.set_search(None)
        self.set_activity("Preparing search…")
        job = start_job("index", self.services.ensure_index)
        job.progress.connect(self._on_index_progress)
        job.finished.connect(self._on_index_ready)
        job.failed.connect(self._on_index_failed)

    @Slot(int, int)
    def _on_index_progress(self, done: int, total: int) -> None:
        if total and done < total:  # documents indexed so far (then the index is written)
            self.set_activity(f"Indexing for search… {done} of {total} documents")

    @Slot(object)
    def _on_index_ready(self, status: str | None) -> None:
        self.index_ready = True
        self.set_activity(None)
        self.search_panel.set_search(self.services.index.search)
        if status:
            self.statusBar().showMessage(status, STATUS_TIMEOUT_MS)

    @Slot(object)
    def _on_index_failed(self, error: JobError) -> None:
        message = error.message
        self.set_activity(None)
        self.search_panel.set_search(None, f"Search is not available: {message}")
        self.statusBar().showMessage(f"Search is not available: {message}", STATUS_TIMEOUT_MS)

    @Slot(object)
    def _on_search_result(self, hit) -> None:
        terms = list(hit.terms)
        if hit.source == "notes" and getattr(self, "notes", None) is not None:
            self.notes.show_note_id(hit.id)
        elif hit.document == "page":
            self.show_place(Place(hit.tab, hit.id), terms)
        else:
            self.documents.show_block(hit.document, hit.id, terms)

    # -- services the views ask for ------------------------------------------------------------
    # -- navigation ----------------------------------------------------------------------------
    def current_tab_id(self) -> str:
        widget = self.tabs.currentWidget()
        for tab_id, view in self.views.items():
            if view is widget:
                return tab_id
        return self.documents.tab_id_of(widget) or self.pack.tabs[0].id

    def current_view(self) -> ReadingView:  # the reading view of the current page tab
        return self.views[self.current_tab_id()]

    def refresh_slots(self) -> None:
        for view in self.views.values():
            view.refresh_slots()

    def show_place(self, place: Place, terms: list[str] | None = None) -> None:
        """Go to a tab (and a block in it), recording the visit (reader/ui/navigation.py)."""
        self.navigator.show_place(place, terms)

    # -- wiring --------------------------------------------------------------------------------
    def _connect_actions(self) -> None:
        a = self.menu_actions
        a.quit.triggered.connect(self.close)
        a.back.triggered.connect(self.navigator.back)
        a.forward.triggered.connect(self.navigator.forward)
        a.zoom_in.triggered.connect(partial(self._change_text_size, +1))
        a.zoom_out.triggered.connect(partial(self._change_text_size, -1))
        a.zoom_reset.triggered.connect(partial(self._change_text_size, 0))
        # The menu item follows whether the contents is open (closed by its own button too),
        # not whether its tab is in front: a dock tabbed behind Search reports itself invisible,
        # and taking that for "closed" once hid the contents for good (issue 11, item 1).
        a.show_contents.triggered.connect(self._on_show_contents)
        self.contents_dock.toggleViewAction().toggled.connect(a.show_contents.setChecked)
        a.find.triggered.connect(self._on_find_action)
        a.next_tab.triggered.connect(partial(self._step_tab, +1))
        a.previous_tab.triggered.connect(partial(self._step_tab, -1))
        for index, action in enumerate(a.tab_actions):
            action.triggered.connect(partial(self._on_tab_shortcut, index))
        a.about.triggered.connect(self._on_about)
        a.print_.triggered.connect(self._on_print)
        a.copy_citation.triggered.connect(self._on_copy_citation)
        a.search.triggered.connect(self._on_search_shortcut)
        for action in (a.next_tab, a.previous_tab, *a.tab_actions):
            # Work from anywhere in the window, including while the sidebar has focus.
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)

    def _connect_documents(self) -> None:
        a, docs = self.menu_actions, self.documents
        a.add_document.triggered.connect(docs.request_add)
        a.remove_document.triggered.connect(docs.request_remove)
        a.change_slot.triggered.connect(docs.request_change_slot)
        a.goto_paragraph.triggered.connect(docs.request_goto)
        docs.statusMessage.connect(self._on_status_message)
        docs.activityChanged.connect(self._on_activity_changed)
        docs.changed.connect(self._on_library_changed)
        docs.externalLinkRequested.connect(self._on_external_link)
        docs.notInstalled.connect(self._on_not_installed)
        docs.firstPageShown.connect(self._on_document_first_page)
        docs.documentJumped.connect(self.navigator.jumped)

    # -- slots ---------------------------------------------------------------------------------
    @Slot(str, int)
    def _on_status_message(self, text: str, ms: int) -> None:
        if text:
            self.statusBar().showMessage(text, ms)
        else:
            self.statusBar().clearMessage()

    @Slot(object)
    def _on_activity_changed(self, text: str | None) -> None:
        self.set_activity(text)

    @Slot(object)
    def _on_library_changed(self, changed: Changed) -> None:
        if changed.slots:
            self.refresh_slots()
        self._update_guidance_installed()

    def _update_guidance_installed(self) -> None:
        # With no guidance PDF, "No results." also says how to add it (issue 11, item 10).
        if self.search_panel is not None:
            installed = self.services.library.for_slot(GUIDANCE_PDF_SLOT) is not None
            self.search_panel.set_guidance_installed(installed)

    def _section_trail(self, hit) -> list[str]:
        """The headings above a document's hit, for the result's location line."""
        if hit.source != "documents":
            return []
        doc = self.services.library.get(hit.document)
        if doc is None:
            return []
        if self._trail_blocks[0] != doc.id:
            self._trail_blocks = (doc.id, self.services.library.blocks_of(doc))
        from reader.core.search_results import section_trail  # loaded with search already

        return section_trail(self._trail_blocks[1], hit.id)

    @Slot()
    def _on_highlights_cleared(self) -> None:
        for view in self.views.values():
            view.clear_highlights()
        for tab in self.documents.tabs.values():
            tab.highlight_terms([])

    @Slot(str)
    def _on_external_link(self, url: str) -> None:
        self.links.open_external(url, url)

    @Slot(str)
    def _on_not_installed(self, slot_id: str) -> None:
        state = self.services.slot_state(slot_id)
        QMessageBox.information(
            self, state.title, f"This document is not installed yet.\n\n{state.detail}"
        )

    @Slot()
    def _on_document_first_page(self) -> None:  # also the STARTUP_HOLD_MS fallback
        # Started with a file: the rest of start-up waited for its first page.
        if self.hold_startup:
            self.hold_startup = False
            QTimer.singleShot(0, self.finish_startup)

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        if index < 0:
            return
        if self.tabs.widget(index) not in self.views.values():
            self.find_bar.hide()
            self.contents.show_sections(self.documents.current_sections())
            # Opening or switching to a document puts the keyboard in it (issue 11, item 3).
            self.tabs.widget(index).setFocus(Qt.FocusReason.TabFocusReason)
            # A jump into a document is one step of history, like a jump between tabs.
            self.navigator.tab_shown(None, self.documents.current_document_id())
            return
        tab = self.pack.tab(self.current_tab_id())
        self.contents.show_tab(tab)
        self.navigator.tab_shown(tab.id, None)

    @Slot(str)
    def _on_section_requested(self, block_id: str) -> None:
        view = self.documents.current_document_view()
        if view is not None:
            view.show_block(block_id)
            return
        self.show_place(Place(self.current_tab_id(), block_id))
        self.current_view().setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_tab_shortcut(self, index: int) -> None:
        if index < self.tabs.count():
            self.show_place(Place(self.pack.tabs[index].id))
            self.focus_text()

    def _step_tab(self, step: int) -> None:
        self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())
        self.focus_text()  # the keyboard follows the shortcut into the tab, not the tab bar

    def _change_text_size(self, step: int) -> None:
        if step == 0:
            self.settings.text_size = DEFAULT_TEXT_SIZE
        else:
            self.settings.text_size += step
        self.settings.clamp()
        for view in (*self.views.values(), *self.documents.tabs.values()):
            view.set_text_size(self.settings.text_size)
        self.statusBar().showMessage(f"Text size {self.settings.text_size} pt", 2000)
        self.save_settings()

    @Slot()
    def _on_show_contents(self) -> None:
        """F9 or View ▸ Contents: bring the contents to the front with the keyboard in it; when
        it is already in front, close it and give the keyboard back to the text."""
        dock = self.contents_dock
        if dock.isVisible() and not dock.visibleRegion().isEmpty():
            dock.close()
            self.focus_text()
        else:
            dock.show()
            dock.raise_()
            self.contents.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.menu_actions.show_contents.setChecked(not dock.isHidden())

    def focus_text(self) -> None:
        """Put the keyboard in the current tab's text (page text or document)."""
        widget = self.tabs.currentWidget()
        if widget is not None:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _on_find_action(self) -> None:
        view = self.documents.current_document_view()
        if view is not None:
            view.open_find()
        else:
            self.find_bar.open_bar()

    @Slot()
    def _on_search_shortcut(self) -> None:
        self.finish_startup()
        self.search_dock.show()
        self.search_dock.raise_()
        self.search_panel.focus_box()

    @Slot(str, bool)
    def _on_find_requested(self, text: str, backward: bool) -> None:
        self.find_bar.show_result(self.current_view().find_text(text, backward))

    @Slot()
    def _on_find_closed(self) -> None:
        self.current_view().setFocus()

    @Slot()
    def _on_color_scheme_changed(self) -> None:
        theme = theme_from_palette()
        for view in (*self.views.values(), *self.documents.tabs.values()):
            view.set_theme(theme)

    @Slot()
    def _on_about(self) -> None:
        from reader.ui.about_dialog import AboutDialog

        AboutDialog(self.pack, self).exec()

    def _on_print(self) -> None:
        from reader.ui.print_dialog import PrintDialog  # Qt print support loads on first use

        doc = self.documents.document_of(self.tabs.currentWidget())
        view = self.documents.current_document_view()
        page = view.current_page() if view is not None else 0
        target = doc.slot if doc is not None and doc.slot else self.current_tab_id()
        self.print_dialog = PrintDialog(self.services, target, page, None, self)
        self.print_dialog.open()

    def _on_copy_citation(self) -> None:
        """Edit ▸ Copy with citation, in every kind of tab (see citation_clipboard.py)."""
        from reader.ui.citation_clipboard import copy_current_with_citation

        widget = self.tabs.currentWidget()
        page_view = widget if widget in self.views.values() else None
        if copy_current_with_citation(self.notes, page_view, self.pack):
            self.statusBar().showMessage("Copied with its citation.", STATUS_TIMEOUT_MS)
        else:  # not an error worth a box: say what to do in the status bar
            self.statusBar().showMessage(
                "Select some words to copy them with their citation.", STATUS_TIMEOUT_MS
            )

    # -- settings ------------------------------------------------------------------------------
    def _restore_geometry(self) -> None:
        restored = False
        if self.settings.window_geometry:
            with contextlib.suppress(ValueError):
                raw = QByteArray(base64.b64decode(self.settings.window_geometry))
                restored = self.restoreGeometry(raw)
        # None saved, or one too small to read in (saved on another, smaller screen): the
        # default size, which fits a 1024 x 768 screen.
        if not restored or self.width() < MIN_RESTORED[0] or self.height() < MIN_RESTORED[1]:
            self.resize(1100, 760)

    def save_settings(self) -> None:
        self.settings.last_tab = self.current_tab_id()
        self.settings.open_documents = list(self.documents.tabs)
        self.settings.document_pages.update(self.documents.pages_read())
        self.settings.current_document = self.documents.current_document_id()
        self.settings.window_geometry = base64.b64encode(bytes(self.saveGeometry())).decode()
        if self.contents_dock.isVisible() or (self.search_dock and self.search_dock.isVisible()):
            self.settings.sidebar_width = self.contents_dock.width()
        try:
            self.settings_store.save(self.settings)
        except OSError as exc:
            self.statusBar().showMessage(
                f"Your settings could not be saved ({exc.strerror or exc}).", STATUS_TIMEOUT_MS
            )

    def focusNextPrevChild(self, next: bool) -> bool:
        # Docks tabbed behind another stay "shown" to Qt, so Tab stopped on their controls out
        # of sight (WCAG 2.2 "focus visible"): step on past anything that cannot be seen.
        for _ in range(64):
            if not super().focusNextPrevChild(next):
                return False
            widget = QApplication.focusWidget()
            if widget is None or not widget.visibleRegion().isEmpty():
                break
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.save_on_close:
            self.save_settings()
        if getattr(self, "notes", None) is not None:
            self.notes.indexer.finish()  # a note saved just now is in the index next time
        super().closeEvent(event)
