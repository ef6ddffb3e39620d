"""The scheme: colours for rendered text, from the active palette, so light and dark schemes both
read well, and the focus ring that shows where the keyboard is (WCAG 2.2 "focus visible").

The ring is one small transparent widget laid over the focused control (buttons, tool buttons,
line edits, tab bars, lists and trees): it draws the same 2 px ring in every Qt style, where a
style sheet would replace the style's whole look of the control. Text views ring their focused
link themselves (:class:`reader.ui.overlays.LinkFocusOverlay`).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Slot
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QApplication, QWidget

from reader.core.render import Theme

RING_WIDTH = 2
# WCAG 2.2 (1.4.11, 2.4.13): a focus indicator needs 3:1 against the colours beside it.
RING_CONTRAST = 3.0


def _mix(a: QColor, b: QColor, t: float) -> str:
    return QColor(
        round(a.red() * (1 - t) + b.red() * t),
        round(a.green() * (1 - t) + b.green() * t),
        round(a.blue() * (1 - t) + b.blue() * t),
    ).name()


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def theme_from_palette(palette: QPalette | None = None) -> Theme:
    palette = palette or QGuiApplication.palette()
    base = palette.color(QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorRole.Text)
    dark = is_dark(palette)
    link = QColor("#8cc4ff") if dark else QColor("#0b5cad")
    accent = QColor("#c9a74e") if dark else QColor("#b59f62")
    return Theme(
        text=text.name(),
        muted=_mix(text, base, 0.35),
        link=link.name(),
        panel=_mix(base, QColor("#4a78b0"), 0.12 if dark else 0.07),
        panel_border=_mix(base, QColor("#4a78b0"), 0.45),
        example=_mix(base, accent, 0.12),
        example_border=accent.name(),
        highlight="#8a6d00" if dark else "#ffe36e",
        highlight_text="#ffffff" if dark else "#000000",
    )


def _luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.red())
        + 0.7152 * channel(colour.green())
        + 0.0722 * channel(colour.blue())
    )


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def focus_ring_color(palette: QPalette | None = None) -> QColor:
    """The palette's highlight colour, darkened (light scheme) or lightened (dark scheme) until
    it stands out 3:1 from both the window and the text background."""
    palette = palette or QGuiApplication.palette()
    ring = QColor(palette.color(QPalette.ColorRole.Highlight))
    grounds = [palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Base)]
    dark = is_dark(palette)
    for _ in range(20):
        if min(contrast(ring, ground) for ground in grounds) >= RING_CONTRAST:
            break
        ring = ring.lighter(115) if dark else ring.darker(115)
        if dark and ring.lightness() >= 250:  # highlight too dark to lighten: a light blue
            ring = QColor("#8cc4ff")
    return ring


def ringed_kinds() -> tuple[type, ...]:
    """The controls that get the ring; text views, the PDF pages and the like show focus their
    own way. (Looked up when focus first moves: creating these classes' Python types and enums
    at import cost start-up a few milliseconds before the first paint.)"""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
        QTabBar,
    )

    return (QAbstractButton, QLineEdit, QTabBar, QAbstractItemView, QComboBox, QAbstractSpinBox)


class FocusRing(QWidget):
    """A 2 px ring drawn over the edge of one control; it takes no clicks and no focus."""

    def __init__(self) -> None:
        super().__init__(None)
        self.setObjectName("focus-ring")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target: QWidget | None = None

    def follow(self, widget: QWidget | None) -> None:
        if self.target is not None and shiboken6.isValid(self.target):
            self.target.removeEventFilter(self)
        self.target = widget
        parent = widget.parentWidget() if widget is not None else None
        if widget is None or parent is None:
            self.hide()
            return
        if self.parentWidget() is not parent:
            self.setParent(parent)
        widget.installEventFilter(self)
        self._place()

    def _place(self) -> None:
        widget = self.target
        if widget is None or not shiboken6.isValid(widget) or not widget.isVisible():
            self.hide()
            return
        # On the control's own edge, not outside it: a list that fills its panel would clip a
        # ring drawn outside to nothing.
        self.setGeometry(widget.geometry())
        self.show()
        self.raise_()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target and event.type() in (
            QEvent.Type.Move,
            QEvent.Type.Resize,
            QEvent.Type.Show,
            QEvent.Type.Hide,
            QEvent.Type.ZOrderChange,
        ):
            self._place()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(focus_ring_color(self.palette()), RING_WIDTH))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = RING_WIDTH / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half), 3, 3)
        painter.end()


class FocusRings(QObject):
    """Shows the ring on the control the keyboard is on. Focus that came by a mouse click shows
    none (the pointer already says where it is), as browsers do for ``:focus-visible``."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.ring = FocusRing()
        app.focusChanged.connect(self._on_focus_changed)

    @Slot(QWidget, QWidget)
    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if not shiboken6.isValid(self.ring):  # it went with the window it was drawn in
            self.ring = FocusRing()
        clicked = QGuiApplication.mouseButtons() != Qt.MouseButton.NoButton
        # Focus coming back from a menu or another window brings the ring back with it.
        self.ring.follow(new if isinstance(new, ringed_kinds()) and not clicked else None)


_installed: list[FocusRings] = []  # the app's one FocusRings, once installed


def install_focus_rings(app: QApplication | None = None) -> FocusRings:
    """The app's focus ring (installed once; later calls return the same one)."""
    app = app or QApplication.instance()
    # Not app.findChild(FocusRings): that call builds PySide6's Python enums for QStyle and
    # the Qt namespace (about 15 ms) before the first paint.
    for rings in _installed:
        if shiboken6.isValid(rings) and rings.parent() is app:
            return rings
    _installed[:] = [FocusRings(app)]
    return _installed[0]
