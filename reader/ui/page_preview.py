"""Page 1 of a file that is still being checked: a picture, shown while the text is read.

A new file is opened first in a child process (see reader.core.safeopen). The child draws page 1
before it reads the text and sends the picture; this tab shows it at once, with a line saying the
rest is on its way, and the documents controller replaces it with the real document tab when the
check is done. The picture came from the child: this process has not opened the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRect, Signal
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from reader.core.safeopen import FirstPage

MARGIN = 16  # around the page, as the PDF view leaves


class _PageCanvas(QWidget):
    """The picture scaled to the width it is given (as the PDF view's fit width does)."""

    painted = Signal()

    def __init__(self, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = image
        self._width = 600
        self._height = 600
        self.setMinimumHeight(100)

    def fit(self, width: int) -> None:
        self._width = max(100, width - 2 * MARGIN)
        ratio = self._image.height() / max(1, self._image.width())
        self._height = int(self._width * ratio)
        self.setFixedHeight(self._height + 2 * MARGIN)

    def paintEvent(self, event: QPaintEvent) -> None:
        # Scaled as it is drawn: a second, scaled copy of the page was 3-4 MB more, for a
        # picture shown for a second or two.
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        target = QRect((self.width() - self._width) // 2, MARGIN, self._width, self._height)
        painter.drawImage(target, self._image)
        painter.end()
        self.painted.emit()


class PagePreview(QWidget):
    """A tab showing page 1 of ``file_name`` and that the rest is being read."""

    firstPainted = Signal()

    def __init__(self, file_name: str, first_page: FirstPage, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("page-preview")
        image = QImage.fromData(first_page.png, "PNG")
        self.status = QLabel(
            f"Checking {file_name} ({first_page.pages} "
            f"page{'s' if first_page.pages != 1 else ''}) and reading its text…"
        )
        self.status.setContentsMargins(8, 4, 8, 4)
        self.status.setAccessibleName("Opening the document")
        self.canvas = _PageCanvas(image)
        self.canvas.setAccessibleName(f"Page 1 of {file_name}")
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setWidgetResizable(True)
        self.scroll.setBackgroundRole(QPalette.ColorRole.Mid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.status)
        layout.addWidget(self.scroll, 1)
        self._painted = False
        self.canvas.painted.connect(self._on_painted)
        self.scroll.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The viewport gets its width after this widget's resize: fit the page to that.
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self.canvas.fit(self.scroll.viewport().width())
        return False

    def _on_painted(self) -> None:
        if not self._painted:
            self._painted = True
            self.firstPainted.emit()
