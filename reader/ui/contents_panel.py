"""The contents sidebar: the headings of the current tab; activating one jumps to it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget

from reader.core.model import Section, Tab

BLOCK_ROLE = Qt.ItemDataRole.UserRole


class ContentsPanel(QTreeWidget):
    sectionRequested = Signal(str)  # block id of the heading

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contents")
        self.setHeaderHidden(True)
        self.setAccessibleName("Contents")
        self.setAccessibleDescription("Headings of the current tab; press Enter to go to one")
        self.setRootIsDecorated(False)
        self.setIndentation(14)
        self.setUniformRowHeights(False)
        self.header().setStretchLastSection(True)
        self.setWordWrap(True)
        self.itemActivated.connect(self._on_item_activated)
        self.itemClicked.connect(self._on_item_activated)

    def show_tab(self, tab: Tab) -> None:
        self.show_sections(tab.sections)

    def width_for(self, sections: list[Section]) -> int:
        """The width that shows every heading of ``sections`` whole, at its depth in the tree."""
        metrics = self.fontMetrics()
        widest = 0
        levels: list[int] = []
        for section in sections:
            while levels and levels[-1] >= section.level:
                levels.pop()
            depth = len(levels) + 1  # the tree's indentation includes the top level's
            text = section.title.rstrip(":")
            widest = max(widest, depth * self.indentation() + metrics.horizontalAdvance(text))
            levels.append(section.level)
        # The frame, the item's own padding and a vertical scroll bar when the list is long.
        return widest + 2 * self.frameWidth() + 12 + self.verticalScrollBar().sizeHint().width()

    def show_sections(self, sections: list[Section]) -> None:
        """List headings (a tab's, or a document's) as a tree by level."""
        self.clear()
        parents: list[tuple[int, QTreeWidgetItem]] = []
        for section in sections:
            while parents and parents[-1][0] >= section.level:
                parents.pop()
            item = QTreeWidgetItem([section.title.rstrip(":")])
            item.setData(0, BLOCK_ROLE, section.block_id)
            item.setToolTip(0, section.title)
            if parents:
                parents[-1][1].addChild(item)
            else:
                self.addTopLevelItem(item)
            parents.append((section.level, item))
        self.expandAll()

    def titles(self) -> list[str]:
        """Every heading shown, in order (for tests and accessibility checks)."""
        out: list[str] = []

        def walk(item: QTreeWidgetItem) -> None:
            out.append(item.text(0))
            for i in range(item.childCount()):
                walk(item.child(i))

        for i in range(self.topLevelItemCount()):
            walk(self.topLevelItem(i))
        return out

    def select_block(self, block_id: str) -> None:
        """Highlight the heading entry for ``block_id`` without emitting a request."""
        for item in self.findItems("*", Qt.MatchFlag.MatchWildcard | Qt.MatchFlag.MatchRecursive):
            if item.data(0, BLOCK_ROLE) == block_id:
                self.blockSignals(True)
                self.setCurrentItem(item)
                self.blockSignals(False)
                return

    @Slot(QTreeWidgetItem)
    def _on_item_activated(self, item: QTreeWidgetItem) -> None:
        block_id = item.data(0, BLOCK_ROLE)
        if block_id:
            self.sectionRequested.emit(block_id)
