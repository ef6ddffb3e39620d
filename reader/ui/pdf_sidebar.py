"""The PDF sidebar: the document's own outline as a tree, and page thumbnails drawn lazily.

Thumbnails are drawn by the page worker only for the rows in view, and at most
``MAX_THUMBNAILS`` are kept; the others show a plain page until they scroll into view again.
"""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from reader.core.pdfdoc import OutlineEntry
from reader.ui.pdf_pages import PageImage, PageWorker

THUMB_WIDTH = 96
MAX_THUMBNAILS = 300
PAGE_ROLE = Qt.ItemDataRole.UserRole


class PdfSidebar(QTabWidget):
    """Outline and thumbnails; activating either asks for a page."""

    pageRequested = Signal(int)

    def __init__(
        self,
        entries: list[OutlineEntry],
        sizes: list[tuple[float, float]],
        worker: PageWorker,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker = worker
        self._sizes = sizes
        self._loaded: OrderedDict[int, None] = OrderedDict()
        self.setObjectName("pdf-sidebar")
        self.setAccessibleName("Document outline and pages")
        self.setDocumentMode(True)

        self.outline = QTreeWidget()
        self.outline.setObjectName("pdf-outline")
        self.outline.setAccessibleName("Document outline")
        self.outline.setHeaderHidden(True)
        self._fill_outline(entries)

        tallest = max((h / w for w, h in sizes), default=1.414)
        self._icon_size = QSize(THUMB_WIDTH, round(THUMB_WIDTH * min(tallest, 2.0)))
        self.thumbnails = QListWidget()
        self.thumbnails.setObjectName("pdf-thumbnails")
        self.thumbnails.setAccessibleName("Page thumbnails")
        self.thumbnails.setViewMode(QListWidget.ViewMode.IconMode)
        self.thumbnails.setFlow(QListWidget.Flow.TopToBottom)
        self.thumbnails.setWrapping(False)
        self.thumbnails.setMovement(QListWidget.Movement.Static)
        self.thumbnails.setUniformItemSizes(True)
        self.thumbnails.setIconSize(self._icon_size)
        self.thumbnails.setSpacing(6)
        self.thumbnails.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._blank = self._blank_icon()
        for index in range(len(sizes)):
            item = QListWidgetItem(self._blank, str(index + 1))
            item.setData(PAGE_ROLE, index)
            item.setToolTip(f"Page {index + 1}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.thumbnails.addItem(item)

        if self.outline.topLevelItemCount():
            self.addTab(self.outline, "Outline")
        self.addTab(self.thumbnails, "Pages")
        self._lazy = QTimer(self)
        self._lazy.setSingleShot(True)
        self._lazy.setInterval(30)
        self._connect()

    def _connect(self) -> None:
        self.outline.itemActivated.connect(self._on_outline_item)
        self.outline.itemClicked.connect(self._on_outline_item)
        self.thumbnails.itemActivated.connect(self._on_thumbnail_item)
        self.thumbnails.itemClicked.connect(self._on_thumbnail_item)
        self.thumbnails.verticalScrollBar().valueChanged.connect(self._lazy.start)
        self.currentChanged.connect(self._lazy.start)
        self._lazy.timeout.connect(self._on_load_visible)
        self._worker.thumbnailRendered.connect(self._on_thumbnail_rendered)

    # -- public API ------------------------------------------------------------------------
    def set_current_page(self, index: int) -> None:
        """Follow the page view: select the page's thumbnail, scrolling it into view."""
        item = self.thumbnails.item(index)
        if item is not None and not item.isSelected():
            self.thumbnails.blockSignals(True)
            self.thumbnails.setCurrentItem(item)
            self.thumbnails.blockSignals(False)
            self.thumbnails.scrollToItem(item)
            self._lazy.start()

    def thumbnail_count(self) -> int:
        return len(self._loaded)

    # -- outline and thumbnails ------------------------------------------------------------
    def _fill_outline(self, entries: list[OutlineEntry]) -> None:
        parents: list[tuple[int, QTreeWidgetItem]] = []
        for entry in entries:
            while parents and parents[-1][0] >= entry.level:
                parents.pop()
            item = QTreeWidgetItem([entry.title])
            item.setData(0, PAGE_ROLE, entry.page_index)
            if entry.page_index is None:
                item.setDisabled(True)
                item.setToolTip(0, "This entry points outside the document.")
            else:
                item.setToolTip(0, f"Page {entry.page_index + 1}")
            if parents:
                parents[-1][1].addChild(item)
            else:
                self.outline.addTopLevelItem(item)
            parents.append((entry.level, item))
        self.outline.expandToDepth(0)

    def _blank_icon(self) -> QIcon:
        pixmap = QPixmap(self._icon_size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.fillRect(0, 0, THUMB_WIDTH, round(THUMB_WIDTH * 1.414), QColor("#e4e4e4"))
        painter.end()
        return QIcon(pixmap)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._lazy.start()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._lazy.start()

    @Slot()
    def _on_load_visible(self) -> None:
        view = self.thumbnails
        if not view.isVisible() or view.count() == 0:
            return
        first = view.indexAt(QPoint(8, 8))
        last = view.indexAt(QPoint(8, view.viewport().height() - 8))
        start = first.row() if first.isValid() else 0
        end = last.row() if last.isValid() else min(view.count() - 1, start + 12)
        ratio = self.devicePixelRatioF()
        for index in range(max(0, start - 2), min(view.count(), end + 3)):
            if index in self._loaded:
                self._loaded.move_to_end(index)
                continue
            w, _h = self._sizes[index]
            key = round(THUMB_WIDTH / w * ratio, 4)
            self._worker.request_thumbnail(index, key, ratio)

    @Slot(object)
    def _on_thumbnail_rendered(self, result: PageImage) -> None:
        item = self.thumbnails.item(result.page)
        if item is None or result.image is None:
            return
        item.setIcon(QIcon(QPixmap.fromImage(result.image)))
        self._loaded[result.page] = None
        while len(self._loaded) > MAX_THUMBNAILS:
            old, _ = self._loaded.popitem(last=False)
            self.thumbnails.item(old).setIcon(self._blank)

    @Slot(QTreeWidgetItem, int)
    def _on_outline_item(self, item: QTreeWidgetItem, _column: int) -> None:
        page = item.data(0, PAGE_ROLE)
        if page is not None:
            self.pageRequested.emit(int(page))

    @Slot(QListWidgetItem)
    def _on_thumbnail_item(self, item: QListWidgetItem) -> None:
        self.pageRequested.emit(int(item.data(PAGE_ROLE)))
