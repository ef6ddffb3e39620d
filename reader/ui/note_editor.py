"""Editing one note: plain text only, its colour, and a calm privacy reminder.

The text box is a :class:`QPlainTextEdit`, so whatever is typed (``<b>``, ``<script>``) is
kept and shown as typed, never read as rich text. When the text looks as if it holds
patient-identifiable details (:func:`reader.core.privacy.warning`), one sentence appears
under the box; it never blocks saving. When saving fails (a full disk, a read-only folder)
the controller calls :meth:`NoteEditor.show_error` and the text stays where it was typed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reader.core.notes import COLOURS, Note
from reader.core.privacy import warning


class NoteEditor(QWidget):
    """The note being written or edited; ``saveRequested(text, colour)`` asks to keep it."""

    saveRequested = Signal(str, str)
    deleteRequested = Signal()
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("note-editor")
        self.note: Note | None = None
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.heading.setObjectName("note-editor-heading")
        self.text = QPlainTextEdit()
        self.text.setObjectName("note-text")
        self.text.setAccessibleName("Note text")
        self.text.setPlaceholderText("Your note (#appraisal, #teaching make tags)")
        self.text.setTabChangesFocus(True)
        self.colour = QComboBox()
        self.colour.setAccessibleName("Colour")
        for name in COLOURS:
            self.colour.addItem(name.capitalize(), name)
        self.privacy = QLabel()
        self.privacy.setObjectName("note-privacy")
        self.privacy.setTextFormat(Qt.TextFormat.PlainText)
        self.privacy.setWordWrap(True)
        self.privacy.setStyleSheet("color: #8a5a00;")
        self.privacy.hide()
        self.error = QLabel()
        self.error.setObjectName("note-error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        self.save = QPushButton("Save")
        self.save.setToolTip("Save the note (Ctrl+Enter)")
        self.delete = QPushButton("Delete")
        close = QPushButton("Close")

        buttons = QHBoxLayout()
        buttons.addWidget(self.colour)
        buttons.addStretch(1)
        buttons.addWidget(self.delete)
        buttons.addWidget(close)
        buttons.addWidget(self.save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.privacy)
        layout.addWidget(self.error)
        layout.addLayout(buttons)

        self.text.textChanged.connect(self._on_text_changed)
        self.save.clicked.connect(self._on_save)
        self.delete.clicked.connect(self.deleteRequested)
        close.clicked.connect(self.cancelled)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self._on_save)

    def edit(self, note: Note, heading: str) -> None:
        """Show ``note`` for editing, with ``heading`` (its citation) above the text."""
        self.note = note
        self.heading.setText(heading)
        self.text.setPlainText(note.text)
        self.colour.setCurrentIndex(max(0, self.colour.findData(note.colour)))
        self.error.hide()
        self.text.setFocus()
        self.text.moveCursor(self.text.textCursor().MoveOperation.End)

    def show_error(self, sentence: str) -> None:
        """Saving failed: say so; the text is left in the box."""
        self.error.setText(sentence)
        self.error.show()

    def saved(self, note: Note) -> None:
        self.note = note
        self.error.hide()

    @Slot()
    def _on_text_changed(self) -> None:
        said = warning(self.text.toPlainText())
        self.privacy.setText(said or "")
        self.privacy.setVisible(bool(said))

    @Slot()
    def _on_save(self) -> None:
        self.saveRequested.emit(self.text.toPlainText(), self.colour.currentData())
