"""Review notes after update: each moved, changed or unplaced note with its old quote beside
the paragraph it now sits on, and three answers.

- **Accept**: the note's new place becomes where it is written (its anchor is moved there, so
  it shows as anchored from now on).
- **Re-attach here**: the note is anchored to the words selected now in the current tab.
- **Keep unplaced**: nothing changes; the note stays in the panel under the edition it was
  written on. Nothing is ever deleted here.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.notes import Filter, Note, NotesError

REVIEWED = ("moved", "changed", "unplaced")


class NotesReview(QDialog):
    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review notes after update")
        self.setObjectName("notes-review")
        self.setModal(False)
        self.resize(820, 480)
        self.controller = controller
        self.list = QListWidget()
        self.list.setAccessibleName("Notes to review")
        self.old = QPlainTextEdit()
        self.old.setReadOnly(True)
        self.old.setAccessibleName("The words the note was written on")
        self.new = QPlainTextEdit()
        self.new.setReadOnly(True)
        self.new.setAccessibleName("The paragraph it sits on now")
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.accept_button = QPushButton("Accept")
        self.here_button = QPushButton("Re-attach here")
        self.here_button.setToolTip("Select words in the text first")
        self.keep_button = QPushButton("Keep unplaced")
        sides = QHBoxLayout()
        for title, box in (("Written on", self.old), ("Now", self.new)):
            column = QVBoxLayout()
            column.addWidget(QLabel(title))
            column.addWidget(box)
            sides.addLayout(column)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (self.keep_button, self.here_button, self.accept_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(sides, 1)
        layout.addLayout(buttons)
        self.list.currentRowChanged.connect(self._on_row)
        self.accept_button.clicked.connect(self._on_accept)
        self.here_button.clicked.connect(self._on_here)
        self.keep_button.clicked.connect(self._on_keep)
        self.fill()

    def notes(self) -> list[Note]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def fill(self) -> None:
        self.list.clear()
        for status in REVIEWED:
            for note in self.controller.store.list(Filter(status=status)):
                label = f"[{note.status}] {self.controller.cite(note).replace('*', '')}"
                item = QListWidgetItem(f"{label} — {(note.text or note.quote)[:80]}")
                item.setData(Qt.ItemDataRole.UserRole, note)
                self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        else:
            self.message.setText("Every note is where it was written.")
        for button in (self.accept_button, self.here_button, self.keep_button):
            button.setEnabled(self.list.count() > 0)

    def current(self) -> Note | None:
        item = self.list.currentItem()
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    @Slot(int)
    def _on_row(self, _row: int) -> None:
        note = self.current()
        if note is None:
            return
        a = note.anchor
        self.old.setPlainText(f"{a.prefix}[{a.exact}]{a.suffix}")
        block = self.controller._block(note.block) if note.status != "unplaced" else None
        self.new.setPlainText(
            block.text if block is not None else "No paragraph of this edition matches."
        )

    def _reanchor(self, note: Note, anchor) -> None:
        try:
            self.controller.store.reanchor(note.id, anchor)
        except NotesError as exc:
            self.message.setText(str(exc))
            return
        self.controller.reload()
        self.list.takeItem(self.list.currentRow())

    @Slot()
    def _on_accept(self) -> None:
        note = self.current()
        if note is None:
            return
        block = self.controller._block(note.block)
        if note.status == "unplaced" or block is None:
            self.message.setText("This note has no new place to accept; re-attach it instead.")
            return
        self._reanchor(note, self.controller.make_anchor(block, note.placed_quote))

    @Slot()
    def _on_here(self) -> None:
        note = self.current()
        found = self.controller.current_selection()
        if note is None or found is None:
            self.message.setText("Select the words in the text first, then Re-attach here.")
            return
        block, quote, boxes = found
        self._reanchor(note, self.controller.make_anchor(block, quote, boxes))

    @Slot()
    def _on_keep(self) -> None:
        self.list.takeItem(self.list.currentRow())
