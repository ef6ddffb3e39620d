"""A find-in-view bar under the text (Ctrl+F): type, Enter for next, Shift+Enter for previous."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget


class FindBar(QWidget):
    findRequested = Signal(str, bool)  # text, backward
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("find-bar")
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Find in this view")
        self.edit.setAccessibleName("Find in this view")
        self.edit.setClearButtonEnabled(True)
        self.status = QLabel()
        self.status.setAccessibleName("Find result")
        previous = QPushButton("Previous")
        previous.setAccessibleName("Find previous")
        following = QPushButton("Next")
        following.setAccessibleName("Find next")
        close = QPushButton("Close")
        close.setAccessibleName("Close find bar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.edit, 1)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.edit.returnPressed.connect(self._on_next)
        self.edit.textEdited.connect(self._on_next)
        following.clicked.connect(self._on_next)
        previous.clicked.connect(self._on_previous)
        close.clicked.connect(self.close_bar)

    def open_bar(self) -> None:
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.hide()
        self.closed.emit()

    def show_result(self, found: bool) -> None:
        self.status.setText("" if found or not self.edit.text() else "Not found")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self._on_previous()
        else:
            super().keyPressEvent(event)

    @Slot()
    def _on_next(self) -> None:
        if self.edit.text():
            self.findRequested.emit(self.edit.text(), False)

    @Slot()
    def _on_previous(self) -> None:
        if self.edit.text():
            self.findRequested.emit(self.edit.text(), True)
