"""A banner above the text for things the user should know and not miss (a damaged settings
file set aside, say). Unlike a status-bar message it stays until dismissed."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class NoticeBar(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notice-bar")
        self.setAccessibleName("Notices")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Amber with dark text reads in both light and dark schemes.
        self.setStyleSheet(
            "#notice-bar { background: #fff4d6; border: 1px solid #d9a400; }"
            "#notice-bar QLabel { color: #3a2e00; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Notice")
        dismiss = QPushButton("Dismiss")
        dismiss.setAccessibleName("Dismiss notices")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(dismiss)
        dismiss.clicked.connect(self._on_dismiss)
        self._messages: list[str] = []
        self.hide()

    def add(self, message: str) -> None:
        if message not in self._messages:
            self._messages.append(message)
        self.label.setText("\n".join(self._messages))
        self.show()

    def messages(self) -> list[str]:
        return list(self._messages)

    @Slot()
    def _on_dismiss(self) -> None:
        self._messages.clear()
        self.hide()
