"""The "Go to paragraph" dialog (Ctrl+G): type 85, 85(b) or "para 85" and go there.

The guidance is cited by paragraph number, so a clinician who reads "see paragraph 85(b)" in a
letter should get there in one step. The dialog checks the number against the document and says
so in a sentence when it is not there, instead of closing on nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

_PARAGRAPH = re.compile(
    r"^\s*(?:(?:paragraphs?|paras?|par|p|§|¶)\.?\s*)?(\d{1,4})\s*(?:\(\s*([a-z])\s*\)|([a-z]))?\s*\.?\s*$",
    re.IGNORECASE,
)


def parse_paragraph(text: str) -> str | None:
    """``"para 85"`` → ``"85"``, ``"85 (B)"`` or ``"85b"`` → ``"85(b)"``; None if not a number."""
    match = _PARAGRAPH.match(text)
    if match is None:
        return None
    number = str(int(match.group(1)))
    letter = (match.group(2) or match.group(3) or "").lower()
    return f"{number}({letter})" if letter else number


def missing_message(number: str) -> str:
    return f"There is no paragraph {number} in this document."


def missing_item_message(number: str) -> str:
    """``"85(b)"`` when paragraph 85 exists but has no (b)."""
    base, letter = number.split("(", 1)
    return f"Paragraph {base} has no item ({letter}."


class GotoDialog(QDialog):
    """Asks for a paragraph number; ``paragraphChosen`` carries it in the form "85(b)"."""

    paragraphChosen = Signal(str)

    def __init__(self, exists: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._exists = exists
        self.setObjectName("goto-paragraph")
        self.setWindowTitle("Go to paragraph")
        self.setAccessibleName("Go to paragraph")
        label = QLabel("Paragraph number (for example 85 or 85(b)):")
        self.edit = QLineEdit()
        self.edit.setAccessibleName("Paragraph number")
        self.edit.setPlaceholderText("85(b)")
        label.setBuddy(self.edit)
        self.message = QLabel()
        self.message.setAccessibleName("Go to paragraph message")
        self.message.setWordWrap(True)
        # Room for two lines of message kept below the input from the start, and the dialog
        # wide enough for a sentence: a message never squeezes in over the line edit (#11.14).
        metrics = self.message.fontMetrics()
        self.message.setMinimumHeight(2 * metrics.lineSpacing() + 4)
        self.message.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setMinimumWidth(metrics.horizontalAdvance("x") * 56)
        # Shown when "85(b)" is not there but paragraph 85 is.
        self.base_button = QPushButton()
        self.base_button.setVisible(False)
        self.base_button.clicked.connect(self._on_base)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Go")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setAccessibleName("Go")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(label)
        layout.addWidget(self.edit)
        layout.addWidget(self.message)
        layout.addWidget(self.base_button)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self._on_go)
        self.buttons.rejected.connect(self.reject)
        self.edit.textEdited.connect(self._on_edited)

    @Slot()
    def _on_go(self) -> None:
        number = parse_paragraph(self.edit.text())
        self.base_button.setVisible(False)
        if number is None:
            self.message.setText("Type a paragraph number, such as 85 or 85(b).")
        elif not self._exists(number):
            base = number.split("(", 1)[0]
            if base != number and self._exists(base):
                self.message.setText(missing_item_message(number))
                self.base_button.setText(f"Go to paragraph {base}")
                self.base_button.setAccessibleName(f"Go to paragraph {base}")
                self.base_button.setVisible(True)
            else:
                self.message.setText(missing_message(number))
        else:
            self.paragraphChosen.emit(number)
            self.accept()
            return
        self.adjustSize()
        self.edit.setFocus()
        self.edit.selectAll()

    @Slot()
    def _on_base(self) -> None:
        number = parse_paragraph(self.edit.text())
        if number is not None:
            self.paragraphChosen.emit(number.split("(", 1)[0])
            self.accept()

    @Slot(str)
    def _on_edited(self, _text: str) -> None:
        self.message.clear()
        self.base_button.setVisible(False)
