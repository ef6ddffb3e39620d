"""Where the keyboard is can be seen (WCAG 2.2 "focus visible"), in light and dark schemes: a ring
round the whole link Tab reached in the text, and round the focused button or tool button."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QToolButton, QWidget

from reader.ui.overlays import focused_link_rects
from reader.ui.theme import contrast, focus_ring_color, install_focus_rings

SCHEMES = {
    "light": {"Window": "#efefef", "Base": "#ffffff", "Text": "#000000", "Highlight": "#308cc6"},
    # A dark scheme whose highlight is too dim to see on its own: the ring must lighten it.
    "dark": {"Window": "#202124", "Base": "#1b1c1e", "Text": "#e8eaed", "Highlight": "#1d4f7a"},
}


@pytest.fixture(params=sorted(SCHEMES))
def scheme(request, qapp):
    original = QGuiApplication.palette()
    palette = QPalette(original)
    for role, colour in SCHEMES[request.param].items():
        palette.setColor(getattr(QPalette.ColorRole, role), QColor(colour))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(SCHEMES[request.param]["Text"]))
    qapp.setPalette(palette)
    yield request.param
    qapp.setPalette(original)


def _near(a: QColor, b: QColor, tolerance: int = 40) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= (
        tolerance
    )


def _ringed_share(
    image: QImage, rows: range, x0: int, x1: int, colour: QColor, every: bool = False
) -> float:
    """The share of columns x0..x1 where one of ``rows`` (or ``every`` row: a ring 2 px thick,
    not the style's own 1 px line) has the ring's colour."""
    ratio = image.devicePixelRatio()
    test = all if every else any
    hits = 0
    for x in range(x0, x1 + 1):
        px = round(x * ratio)
        if test(_near(image.pixelColor(px, round(y * ratio)), colour) for y in rows):
            hits += 1
    return hits / (x1 - x0 + 1)


def test_the_ring_stands_out_in_both_schemes(scheme) -> None:
    palette = QGuiApplication.palette()
    ring = focus_ring_color(palette)
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
        assert contrast(ring, palette.color(role)) >= 3.0, (scheme, ring.name())


def test_tab_onto_a_link_rings_the_whole_link(scheme, window, qtbot) -> None:
    window._on_color_scheme_changed()
    view = window.current_view()
    view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # the first link of the Guidance tab
    link = view.textCursor().selectedText()
    assert link == "Leadership and management for all doctors (2012)"  # all of it, not "L"
    rects = focused_link_rects(view)
    assert len(rects) == 1
    rect = rects[0]
    assert rect.width() > 8 * view.fontMetrics().horizontalAdvance("M")  # the words, not a letter
    colour = focus_ring_color(view.palette())
    image = view.viewport().grab().toImage()
    # Above and below the link, along its whole width, the ring's colour.
    above = range(rect.top() - 3, rect.top())
    below = range(rect.bottom() + 1, rect.bottom() + 4)
    assert _ringed_share(image, above, rect.left(), rect.right(), colour) > 0.95
    assert _ringed_share(image, below, rect.left(), rect.right(), colour) > 0.95
    # Leaving the text takes the ring away.
    window.contents.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: not view.hasFocus())
    assert focused_link_rects(view) == []


@pytest.fixture
def controls(qtbot, qapp):
    install_focus_rings(qapp)
    panel = QWidget()
    layout = QHBoxLayout(panel)
    layout.setContentsMargins(12, 12, 12, 12)
    first = QLineEdit()
    button = QPushButton("Save as PDF…")
    tool = QToolButton()
    tool.setText("Next")
    tool.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    for widget in (first, button, tool):
        layout.addWidget(widget)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    first.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(first.hasFocus)
    return panel, button, tool


def _assert_ringed(panel: QWidget, widget: QWidget) -> None:
    colour = focus_ring_color(widget.palette())
    geometry = widget.geometry()
    image = panel.grab().toImage()
    x0, x1 = geometry.left() + 5, geometry.right() - 5  # the corners are rounded
    top = range(geometry.top(), geometry.top() + 2)
    bottom = range(geometry.bottom() - 1, geometry.bottom() + 1)
    assert _ringed_share(image, top, x0, x1, colour, every=True) > 0.95
    assert _ringed_share(image, bottom, x0, x1, colour, every=True) > 0.95


def test_tab_onto_a_button_and_a_tool_button_rings_them(scheme, controls, qtbot) -> None:
    panel, button, tool = controls
    qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(button.hasFocus)
    _assert_ringed(panel, button)
    qtbot.keyClick(button, Qt.Key.Key_Tab)
    qtbot.waitUntil(tool.hasFocus)
    _assert_ringed(panel, tool)
    # The button it left has no ring any more.
    colour = focus_ring_color(button.palette())
    geometry = button.geometry()
    image = panel.grab().toImage()
    top = range(geometry.top(), geometry.top() + 2)
    x0, x1 = geometry.left() + 5, geometry.right() - 5
    assert _ringed_share(image, top, x0, x1, colour, every=True) < 0.5


def test_the_focus_ring_is_installed_once_however_many_windows_ask(qapp) -> None:
    # Every main window asks for it; a second FocusRings would draw a second ring.
    from reader.ui.theme import FocusRings

    first = install_focus_rings(qapp)
    assert install_focus_rings(qapp) is first
    assert install_focus_rings() is first
    assert len(qapp.findChildren(FocusRings)) == 1
