"""What a document tab shows: a toolbar, the outline and thumbnails, the pages, and the
document's numbered paragraphs reflowed as text beside them.

The guidance is cited by paragraph ("see 85(b)"), so going to a paragraph is one step (Ctrl+G)
and shows it in both places: the reflowed text scrolls to it and the page view outlines it.
The window owns menus and the status bar; this view reports with signals and takes its services
(the file, its blocks, the theme) as arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QUrl, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QIntValidator,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from reader.core.errors import DocumentError
from reader.core.model import Block
from reader.core.pdfdoc import open_pdf, outline
from reader.core.render import Theme
from reader.ui.document_tab import error_label
from reader.ui.find_bar import FindBar
from reader.ui.goto_dialog import GotoDialog, missing_message, parse_paragraph
from reader.ui.paragraphs_view import ParagraphsView
from reader.ui.pdf_pages import PDF_LOCK, PageWorker
from reader.ui.pdf_sidebar import PdfSidebar
from reader.ui.pdf_sync import ParagraphSync
from reader.ui.pdf_view import FIT_PAGE, FIT_WIDTH, ZOOM_STEPS, PdfView

ZOOM_CHOICES = [("Fit width", FIT_WIDTH), ("Fit page", FIT_PAGE)] + [
    (f"{z}%", float(z)) for z in ZOOM_STEPS
]


def _matches(actions: list[QAction], event: QKeyEvent) -> QAction | None:
    """The enabled action whose shortcut is this key press."""
    pressed = QKeySequence(event.keyCombination())
    for action in actions:
        if action.isEnabled() and pressed in action.shortcuts():
            return action
    return None


class DocumentView(QWidget):
    """One PDF: toolbar, sidebar, continuous pages and the reflowed paragraphs."""

    pageChanged = Signal(int)
    # A jump (Go to paragraph, a search hit, the contents, the page box, the outline): the page
    # it left and where it went, a block id or "page:N" (0-based), for Back and Forward.
    jumped = Signal(int, str)
    statusMessage = Signal(str)
    externalLinkRequested = Signal(str)

    def __init__(
        self,
        path: Path,
        document_id: str,
        title: str,
        blocks: list[Block],
        theme: Theme,
        text_size: int,
        parent: QWidget | None = None,
        password: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.document_id = document_id
        self.title = title
        self._blocks = list(blocks)
        self._theme = theme
        self._find_query = ""
        self._find_generation = 0
        self.error: str | None = None
        self.setObjectName(f"document-{document_id}")
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        try:
            with PDF_LOCK:
                self._doc = open_pdf(self.path, password)
        except DocumentError as exc:
            self._doc = None
            self.error = str(exc)
            self._build_error(layout)
            return
        self.worker = PageWorker(self.path, self, password)
        with PDF_LOCK:
            entries = outline(self._doc)
        self.pages = PdfView(self._doc, self.worker)
        # Focus given to the tab goes to the pages, so PageDown scrolls at once (not the
        # page-number box, the first control in the toolbar).
        self.setFocusProxy(self.pages)
        self.sidebar = PdfSidebar(entries, self.pages.page_sizes(), self.worker)
        self.paragraphs = ParagraphsView(self._blocks, theme, text_size)
        self.find_bar = FindBar()
        self.find_bar.edit.setPlaceholderText("Find in this document")
        self.find_bar.hide()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("document-splitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.pages)
        self.splitter.addWidget(self.paragraphs)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 2)
        self.splitter.setSizes([220, 640, 440])
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self._build_toolbar())
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.find_bar)
        self._connect()
        # The pane and the pages follow each other, the current paragraph marked in both.
        self.sync = ParagraphSync(self.pages, self.paragraphs, self._blocks, theme.link)
        self._on_page_changed(0)
        self._on_zoom_changed(self.pages.zoom())

    def _build_error(self, layout: QVBoxLayout) -> None:
        label = error_label(self.error or "")
        layout.addWidget(label, 1)
        self.error_label = label

    def _build_toolbar(self) -> QToolBar:
        bar = QToolBar("Document tools")
        bar.setObjectName("document-toolbar")
        bar.setAccessibleName("Document tools")

        def action(text: str, keys: str = "", checkable: bool = False) -> QAction:
            act = QAction(text, self)
            if keys:
                act.setShortcut(QKeySequence(keys))
                # The window has actions on some of these keys; this view takes them through
                # ShortcutOverride while it has focus, so a widget-only context avoids clashes.
                act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                act.setToolTip(f"{text} ({keys})")
            act.setCheckable(checkable)
            return act

        # Closed at first: the window's contents sidebar already lists the headings, and the
        # page deserves the width. F4 opens the outline and thumbnails.
        self.sidebar_action = action("Outline and pages", "F4", checkable=True)
        self.sidebar_action.setChecked(False)
        self.previous_action = action("Previous page")
        self.next_action = action("Next page")
        self.find_action = action("Find", "Ctrl+F")
        self.goto_action = action("Go to paragraph…", "Ctrl+G")
        self.paragraphs_action = action("Paragraphs", "F6", checkable=True)
        self.paragraphs_action.setChecked(True)
        self.page_box = QLineEdit()
        self.page_box.setObjectName("page-box")
        self.page_box.setAccessibleName("Page number")
        self.page_box.setValidator(QIntValidator(1, self.pages.page_count(), self))
        self.page_box.setFixedWidth(self.page_box.fontMetrics().horizontalAdvance("00000") + 16)
        self.page_box.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.page_total = QLabel(f" / {self.pages.page_count()} ")
        self.page_total.setAccessibleName("Page count")
        self.zoom_box = QComboBox()
        self.zoom_box.setObjectName("zoom-box")
        self.zoom_box.setAccessibleName("Zoom")
        self.zoom_box.setEditable(True)
        self.zoom_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for text, value in ZOOM_CHOICES:
            self.zoom_box.addItem(text, value)
        self.zoom_box.setMinimumContentsLength(8)

        # Short labels on the buttons (full names stay in tooltips and for screen readers), and
        # both panel toggles first: on a 1024-pixel screen the bar is narrower than its
        # contents, and what overflows into the extension menu is the end, never Paragraphs.
        self.sidebar_action.setIconText("Outline")
        self.goto_action.setIconText("Go to ¶")
        self.goto_action.setToolTip("Go to paragraph (Ctrl+G)")
        self.previous_action.setIconText("‹")
        self.previous_action.setToolTip("Previous page")
        self.next_action.setIconText("›")
        self.next_action.setToolTip("Next page")
        self.zoom_box.setMinimumContentsLength(6)
        self.pages.zoom_out_action.setIconText("−")
        self.pages.zoom_out_action.setToolTip("Zoom out (Ctrl+minus)")
        self.pages.zoom_in_action.setIconText("+")
        self.pages.zoom_in_action.setToolTip("Zoom in (Ctrl+plus)")
        bar.addAction(self.sidebar_action)
        bar.addAction(self.paragraphs_action)
        bar.addSeparator()
        bar.addAction(self.previous_action)
        bar.addWidget(self.page_box)
        bar.addWidget(self.page_total)
        bar.addAction(self.next_action)
        bar.addSeparator()
        bar.addAction(self.pages.zoom_out_action)
        bar.addWidget(self.zoom_box)
        bar.addAction(self.pages.zoom_in_action)
        bar.addSeparator()
        bar.addAction(self.find_action)
        bar.addAction(self.goto_action)
        for act in bar.actions():
            button = bar.widgetForAction(act)
            if button is not None and not button.accessibleName():
                button.setAccessibleName(act.text().replace("…", ""))
        self.toolbar = bar
        return bar

    def _connect(self) -> None:
        self.pages.pageChanged.connect(self._on_page_changed)
        self.pages.zoomChanged.connect(self._on_zoom_changed)
        self.pages.externalLinkRequested.connect(self.externalLinkRequested)
        self.sidebar.pageRequested.connect(self._on_page_requested)
        self.paragraphs.showInPdfRequested.connect(self._on_show_in_pdf)
        self.paragraphs.anchorClicked.connect(self._on_paragraph_link)
        self.worker.searchFinished.connect(self._on_search_finished)
        self.find_bar.findRequested.connect(self._on_find_requested)
        self.find_bar.closed.connect(self._on_find_closed)
        self.page_box.returnPressed.connect(self._on_page_entered)
        self.zoom_box.activated.connect(self._on_zoom_chosen)
        self.zoom_box.lineEdit().returnPressed.connect(self._on_zoom_typed)
        self.sidebar_action.toggled.connect(self.sidebar.setVisible)
        self.sidebar.setVisible(self.sidebar_action.isChecked())
        self.paragraphs_action.toggled.connect(self._on_paragraphs_toggled)
        self.previous_action.triggered.connect(self._on_previous_page)
        self.next_action.triggered.connect(self._on_next_page)
        self.find_action.triggered.connect(self.open_find)
        self.goto_action.triggered.connect(self.open_goto_dialog)

    # -- public API ------------------------------------------------------------------------
    def first_page_shown(self) -> bool:
        """True once the pages on screen have been drawn (or the file could not be opened)."""
        if self._doc is None:
            return True
        visible = self.pages.visible_pages()
        return all(self.pages.cache.get(i) is not None for i in visible)

    def page_count(self) -> int:
        return 0 if self._doc is None else self.pages.page_count()

    def current_page(self) -> int:
        return 0 if self._doc is None else self.pages.current_page()

    def go_to_page(self, index: int) -> None:
        if self._doc is not None:
            self.pages.clear_mark()
            self.pages.go_to_page(index)

    def zoom(self) -> float:
        return 0.0 if self._doc is None else self.pages.zoom()

    def set_zoom(self, mode_or_percent: str | float) -> None:
        """``"fit-width"``, ``"fit-page"`` or a percentage between 50 and 400."""
        if self._doc is not None:
            self.pages.set_zoom(mode_or_percent)

    def show_paragraph(self, number: str) -> bool:
        """Show paragraph ``number`` ("85", "85(b)", "para 85") in the text and on its page."""
        parsed = parse_paragraph(number) or number.strip()
        block = self._paragraph_block(parsed)
        if block is None or self._doc is None:
            self.statusMessage.emit(missing_message(parsed))
            return False
        left = self.current_page()
        self.paragraphs.scroll_to_block(block.id)
        self._show_on_page(block)
        self.statusMessage.emit(f"Paragraph {parsed}, page {block.page + 1}.")
        self.jumped.emit(left, block.id)
        return True

    def show_block(self, block_id: str, terms: list[str] | None = None) -> bool:
        """Show a block found by the app-wide search, marking ``terms`` on its page."""
        block = next((b for b in self._blocks if b.id == block_id), None)
        if block is None or self._doc is None:
            return False
        left = self.current_page()
        self.highlight_terms(terms or [])
        self.paragraphs.scroll_to_block(block.id, terms)
        self._show_on_page(block)
        self.jumped.emit(left, block.id)
        return True

    def blocks(self) -> list[Block]:
        return list(self._blocks)

    def add_overlay(self, overlay: object) -> None:
        """Marks over blocks: ``paint_page`` on the PDF pages, ``paint`` on the paragraphs pane."""
        if self._doc is None:
            return
        if hasattr(overlay, "paint_page"):
            self.pages.add_overlay(overlay)
        if hasattr(overlay, "paint"):
            self.paragraphs.add_overlay(overlay)

    def on_first_page(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once, when the first page's pixels have been painted on screen
        (start-up waits for this before doing its own work, so that work never delays it)."""
        if self._doc is None or self.pages.painted_page:
            callback()
            return

        def once() -> None:
            self.pages.firstPagePainted.disconnect(once)
            callback()

        self.pages.firstPagePainted.connect(once)

    def highlight_terms(self, terms: list[str]) -> None:
        if self._doc is not None:
            self.pages.set_terms(terms)

    def set_text_size(self, points: int) -> None:
        if self._doc is not None:
            self.paragraphs.set_text_size(points)

    def set_theme(self, theme: Theme) -> None:
        self._theme = theme
        if self._doc is not None:
            self.paragraphs.set_theme(theme)
            self.pages.viewport().update()

    def open_find(self) -> None:
        if self._doc is not None:
            self.find_bar.open_bar()

    def open_goto_dialog(self) -> GotoDialog | None:
        if self._doc is None:
            return None
        dialog = GotoDialog(self._has_paragraph, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.paragraphChosen.connect(self.show_paragraph)
        dialog.open()
        return dialog

    def close_document(self) -> None:
        """Stop the worker and close the file; the view shows nothing more after this."""
        if self._doc is not None:
            self.worker.close()
            with PDF_LOCK:
                self._doc.close()
            self._doc = None

    # -- helpers ---------------------------------------------------------------------------
    def _paragraph_block(self, number: str) -> Block | None:
        return next(
            (b for b in self._blocks if b.kind == "pdf-paragraph" and b.paragraph == number), None
        )

    def _has_paragraph(self, number: str) -> bool:
        return self._paragraph_block(number) is not None

    def _show_on_page(self, block: Block) -> None:
        if block.page is not None:
            self.sync.pin(block.id)
            self.pages.show_rect(block.page, block.bbox)

    def _key_action(self, event: QKeyEvent) -> QAction | None:
        if self._doc is None:
            return None
        return _matches(
            [
                self.find_action,
                self.goto_action,
                self.sidebar_action,
                self.paragraphs_action,
                self.pages.zoom_in_action,
                self.pages.zoom_out_action,
            ],
            event,
        )

    def event(self, event: QEvent) -> bool:
        # Take these keys before the window's menu does, while this view has the focus.
        if event.type() == QEvent.Type.ShortcutOverride and self._key_action(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        action = self._key_action(event)
        if action is not None:
            action.trigger()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.close_document()
        super().closeEvent(event)

    # -- slots -----------------------------------------------------------------------------
    @Slot(int)
    def _on_page_changed(self, index: int) -> None:
        self.page_box.setText(str(index + 1))
        self.sidebar.set_current_page(index)
        self.previous_action.setEnabled(index > 0)
        self.next_action.setEnabled(index < self.pages.page_count() - 1)
        self.pageChanged.emit(index)

    @Slot(float)
    def _on_zoom_changed(self, percent: float) -> None:
        mode = self.pages.zoom_mode()
        labels = {FIT_WIDTH: "Fit width", FIT_PAGE: "Fit page"}
        self.zoom_box.setEditText(labels[mode] if isinstance(mode, str) else f"{percent:g}%")

    @Slot()
    def _on_page_entered(self) -> None:
        text = self.page_box.text().strip()
        if text.isdigit() and 1 <= int(text) <= self.pages.page_count():
            self._jump_to_page(int(text) - 1)
            self.pages.setFocus()
        else:
            self.statusMessage.emit(f"Type a page number from 1 to {self.pages.page_count()}.")

    @Slot(int)
    def _on_zoom_chosen(self, row: int) -> None:
        self.pages.set_zoom(self.zoom_box.itemData(row))
        self.pages.setFocus()

    @Slot()
    def _on_zoom_typed(self) -> None:
        text = self.zoom_box.currentText().strip().rstrip("%").strip()
        for label, value in ZOOM_CHOICES:
            if text.lower() == label.lower():
                self.pages.set_zoom(value)
                return
        try:
            self.pages.set_zoom(float(text))
        except ValueError:
            self.statusMessage.emit("Type a zoom from 50% to 400%, or choose Fit width.")
            self._on_zoom_changed(self.pages.zoom())

    @Slot(int)
    def _on_page_requested(self, index: int) -> None:  # the outline or a thumbnail
        self._jump_to_page(index)

    def _jump_to_page(self, index: int) -> None:
        left = self.current_page()
        self.go_to_page(index)
        if index != left:
            self.jumped.emit(left, f"page:{index}")

    @Slot()
    def _on_previous_page(self) -> None:
        self.go_to_page(self.pages.current_page() - 1)

    @Slot()
    def _on_next_page(self) -> None:
        self.go_to_page(self.pages.current_page() + 1)

    @Slot(bool)
    def _on_paragraphs_toggled(self, shown: bool) -> None:
        self.paragraphs.setVisible(shown)
        # F6 is also the keyboard's way into the pane (issue 11, item 5); hidden, the pages.
        (self.paragraphs if shown else self.pages).setFocus(Qt.FocusReason.ShortcutFocusReason)

    @Slot(str)
    def _on_show_in_pdf(self, block_id: str) -> None:
        block = next((b for b in self._blocks if b.id == block_id), None)
        if block is not None:
            self._show_on_page(block)

    @Slot(QUrl)
    def _on_paragraph_link(self, url: QUrl) -> None:
        target = url.toString()
        if target.split(":", 1)[0].lower() in ("http", "https", "mailto"):
            self.externalLinkRequested.emit(target)

    @Slot(str, bool)
    def _on_find_requested(self, text: str, backward: bool) -> None:
        query = " ".join(text.split())
        if not query:
            return
        if query != self._find_query:
            self._find_query = query
            self._find_generation += 1
            self.find_bar.status.setText("Searching…")
            self.worker.search(self._find_generation, query)
            return
        hits = self.pages.hits()
        if hits:
            step = -1 if backward else 1
            self.pages.set_current_hit(self.pages.current_hit() + step)
            self._show_hit_count()

    @Slot(int, object)
    def _on_search_finished(self, generation: int, found: list) -> None:
        if generation != self._find_generation:
            return  # the reader typed more since
        hits = [(hit.page, rect) for hit in found for rect in hit.rects]
        self.pages.set_hits(hits)
        if not hits:
            self.find_bar.status.setText("Not found")
            return
        here = self.pages.current_page()
        first = next((n for n, (page, _) in enumerate(hits) if page >= here), 0)
        self.pages.set_current_hit(first)
        self._show_hit_count()

    def _show_hit_count(self) -> None:
        count = len(self.pages.hits())
        self.find_bar.status.setText(f"{self.pages.current_hit() + 1} of {count}")

    @Slot()
    def _on_find_closed(self) -> None:
        self._find_query = ""
        self._find_generation += 1
        self.pages.set_hits([])
        self.find_bar.status.clear()
        self.pages.setFocus()
