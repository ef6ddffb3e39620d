"""The search panel: a box that searches everything as you type, and a ranked result list.

Each result shows where it is (tab or document, section, paragraph number) and a snippet with
the matched words in bold. Arrow keys move through results; Enter opens one.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

HIT_ROLE = Qt.ItemDataRole.UserRole
HTML_ROLE = Qt.ItemDataRole.UserRole + 1
TYPING_PAUSE_MS = 60  # coalesce fast keystrokes; one query costs a few milliseconds

NO_GUIDANCE_PDF = (
    "The guidance PDF is not installed yet, so its text is not searched: add it with "
    "File ▸ Add document… or drop the file on the window."
)

SOURCES = [
    ("Everything", None),
    ("Guidance page", "tabs"),
    ("Documents", "documents"),
    ("Notes", "notes"),
]


class _HtmlDelegate(QStyledItemDelegate):
    """Paints a result's rich text (title line and snippet) and sizes it to fit."""

    def _document(self, option: QStyleOptionViewItem, index: QModelIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        # Colours from the palette, and the selection's own text colour on a selected row:
        # grey on the selection's blue could not be read.
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text = option.palette.color(role)
        muted = text if selected else option.palette.color(QPalette.ColorRole.PlaceholderText)
        # The location line is one point below the body at most: Qt's "small" came out at
        # about 7 pt, too small to read on a hospital monitor.
        body_pt = option.font.pointSizeF()
        where_pt = f"font-size: {max(body_pt - 1, body_pt * 0.9):.1f}pt; " if body_pt > 0 else ""
        doc.setDefaultStyleSheet(
            f"body {{ color: {text.name()}; }} .where {{ {where_pt}color: {muted.name()}; }}"
        )
        doc.setHtml(index.data(HTML_ROLE) or "")
        doc.setTextWidth(max(120, option.rect.width() - 12))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        doc = self._document(option, index)
        painter.save()
        painter.translate(option.rect.left() + 6, option.rect.top() + 4)
        doc.drawContents(painter, QRectF(0, 0, option.rect.width() - 12, option.rect.height()))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        self.initStyleOption(option, index)
        width = option.widget.viewport().width() if option.widget else 300
        option.rect.setWidth(width)
        doc = self._document(option, index)
        return QSize(width, int(doc.size().height()) + 8)


class SearchPanel(QWidget):
    """Hand it a search function; it emits ``resultActivated`` with the chosen hit."""

    resultActivated = Signal(object)  # a reader.core.search.Hit
    paragraphRequested = Signal(str)  # "85" or "85(b)"
    dismissed = Signal()  # Esc in the search box: back to reading
    # A new search began or Esc was pressed: the views should drop the old search's marks
    # (call their highlight method with no terms).
    highlightsCleared = Signal()

    def __init__(self, search: Callable[..., object] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("search-panel")
        self._search = search
        self._paragraph: str | None = None
        self._hits: list = []
        self._guidance_installed = True
        self._section_trail: Callable[[object], list[str]] | None = None

        self.box = QLineEdit()
        self.box.setObjectName("search-box")
        self.box.setPlaceholderText("Search…")
        self.box.setToolTip("Search everything (Ctrl+Shift+F)")
        self.box.setAccessibleName("Search everything")
        self.box.setClearButtonEnabled(True)
        self.source = QComboBox()
        self.source.setAccessibleName("Search in")
        for label, value in SOURCES:
            self.source.addItem(label, value)
        self.status = QLabel()
        self.status.setObjectName("search-status")
        self.status.setAccessibleName("Search status")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)
        self.goto_button = QPushButton()
        self.goto_button.setAccessibleName("Go to paragraph")
        self.goto_button.hide()
        self.results = QListWidget()
        self.results.setObjectName("search-results")
        self.results.setAccessibleName("Search results")
        self.results.setItemDelegate(_HtmlDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)

        # The box gets the whole width: queries are read back while typing.
        # The status has the full width too: beside the filter, a sentence on adding the
        # guidance PDF wrapped into a tall, narrow column.
        filters = QHBoxLayout()
        filters.addWidget(self.source)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.box)
        layout.addLayout(filters)
        layout.addWidget(self.status)
        layout.addWidget(self.goto_button)
        layout.addWidget(self.results, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_PAUSE_MS)
        self._timer.timeout.connect(self._on_run)
        self.box.textChanged.connect(self._on_text_changed)
        self.box.returnPressed.connect(self._on_return)
        self.box.installEventFilter(self)
        self.source.currentIndexChanged.connect(self._on_run)
        self.results.itemActivated.connect(self._on_item_activated)
        self.results.itemClicked.connect(self._on_item_activated)
        self.status.linkActivated.connect(self._on_suggestion)
        self.goto_button.clicked.connect(self._on_goto)

    # -- public --------------------------------------------------------------------------------
    def set_search(self, search: Callable[..., object] | None, status: str = "") -> None:
        """Attach the search function once the index is ready (``None`` while it is built)."""
        self._search = search
        self.status.setText(html.escape(status))
        if search is not None and self.box.text().strip():
            self._on_run()

    def set_guidance_installed(self, installed: bool) -> None:
        """Tell the panel whether the guidance PDF slot is filled, for the no-results message."""
        self._guidance_installed = installed

    def set_section_trail(self, trail: Callable[[object], list[str]] | None) -> None:
        """Give the panel a way to name a hit's enclosing headings, outermost first.

        ``trail(hit)`` returns e.g. ``["Raising and acting on concerns", "Doctors with extra
        responsibilities"]``; without it a hit shows its own section only.
        """
        self._section_trail = trail

    def hit_of(self, item: QListWidgetItem):
        """The search hit a result row shows."""
        return self._hits[item.data(HIT_ROLE)]

    def focus_box(self) -> None:
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.selectAll()

    def run_now(self) -> None:
        self._timer.stop()
        self._on_run()

    # -- events --------------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        # Down/Up from the box move through the results without leaving the box.
        is_key = isinstance(event, QKeyEvent) and event.type() == event.Type.KeyPress
        if watched is self.box and is_key and event.key() == Qt.Key.Key_Escape:
            self.highlightsCleared.emit()
            self.dismissed.emit()
            return True
        arrows = (Qt.Key.Key_Down, Qt.Key.Key_Up)
        if watched is self.box and is_key and event.key() in arrows and self.results.count():
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
            self.results.setCurrentRow(row)
            return True
        return super().eventFilter(watched, event)

    # -- slots ---------------------------------------------------------------------------------
    @Slot(str)
    def _on_text_changed(self, _text: str) -> None:
        self.highlightsCleared.emit()
        self._timer.start()

    @Slot()
    def _on_run(self) -> None:
        query = self.box.text()
        self.results.clear()
        self.goto_button.hide()
        if not query.strip():
            self.status.clear()
            return
        if self._search is None:
            self.status.setText("Preparing search…")
            return
        result = self._search(query, limit=30, source=self.source.currentData())
        # Items carry only plain values: Python objects inside QVariants outlive the interpreter.
        self._hits = list(result.hits)
        for row, hit in enumerate(self._hits):
            item = QListWidgetItem()
            item.setData(HIT_ROLE, row)
            where = self._where(hit)
            item.setData(HTML_ROLE, _hit_html(hit, where))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{where}: {hit.snippet_text}")
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)
        parts = []
        if result.hint:
            parts.append(html.escape(result.hint))
        count = len(result.hits)
        parts.append("No results." if not count else f"{count} result{'s' * (count != 1)}")
        if not count and not self._guidance_installed:
            parts.append(html.escape(NO_GUIDANCE_PDF))
        if result.suggestion:
            parts.append(
                f'Did you mean <a href="{html.escape(result.suggestion)}">'
                f"{html.escape(result.suggestion)}</a>?"
            )
        self.status.setText(" ".join(parts))
        self._paragraph = result.paragraph_ref
        if result.paragraph_ref:
            self.goto_button.setText(f"Go to paragraph {result.paragraph_ref}")
            self.goto_button.show()

    @Slot()
    def _on_return(self) -> None:
        if self._timer.isActive():  # Enter before the typing pause ended: search first
            self._timer.stop()
            self._on_run()
        item = self.results.currentItem()
        if item is not None:
            self.resultActivated.emit(self.hit_of(item))
        elif self._paragraph:
            self.paragraphRequested.emit(self._paragraph)

    @Slot(QListWidgetItem)
    def _on_item_activated(self, item: QListWidgetItem) -> None:
        self.resultActivated.emit(self.hit_of(item))

    @Slot(str)
    def _on_suggestion(self, suggestion: str) -> None:
        self.box.setText(suggestion)
        self.run_now()

    @Slot()
    def _on_goto(self) -> None:
        if self._paragraph:
            self.paragraphRequested.emit(self._paragraph)

    def _where(self, hit) -> str:
        trail: list[str] = []
        if self._section_trail is not None:
            trail = [t for t in self._section_trail(hit) if t]
        return where_line(hit, trail)


def where_line(hit, trail: list[str] | None = None) -> str:
    """ "Raising and acting on concerns › Doctors with extra responsibilities · para 85".

    A PDF hit is named by its headings (``trail``, outermost first, when known) rather than by
    the document's title; a hit on the guidance page by its tab and section.
    """
    section = hit.section.rstrip(":")
    if hit.source == "documents" and (trail or section):
        parts = [*(trail or []), section]
    else:
        parts = [hit.title, section]
    where = " › ".join(dict.fromkeys(p.rstrip(":") for p in parts if p))
    if hit.paragraph:
        where += f" · para {hit.paragraph}"
    elif hit.page is not None and hit.source == "documents":
        where += f" · page {hit.page + 1}"
    return where


def _hit_html(hit, where: str) -> str:
    return f'<div class="where">{html.escape(where)}</div><div>{hit.snippet_html}</div>'
