"""A keyboard-only walk through the window, as a reader who cannot use a mouse makes it: every
page tab, the contents, search and a hit, a document, its paragraphs pane, Go to paragraph,
Find, and Back and Forward, asserting where the keyboard is after each step (issue 11, item 5).

Every key goes to the widget that has the focus, as a real keyboard's would; no mouse event is
sent (an event filter checks). The only help the test gives is the window manager's: after a
dialog closes, it activates the main window again (Qt's offscreen platform has no manager).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget

from reader.core.services import Services
from reader.ui.document_view import DocumentView
from reader.ui.goto_dialog import GotoDialog
from reader.ui.pdf_view import PdfView
from reader.ui.reading_view import ReadingView
from tests.factories import make_guidance_pdf

KEY, MOD = Qt.Key, Qt.KeyboardModifier
CTRL = MOD.ControlModifier


class MouseWatch(QObject):
    """Counts mouse presses and releases anywhere in the application."""

    KINDS = (
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
    )

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.KINDS:
            self.seen.append(f"{event.type().name} on {type(watched).__name__}")
        return False


@pytest.fixture
def mouse_watch(qapp):
    watch = MouseWatch()
    qapp.installEventFilter(watch)
    yield watch
    qapp.removeEventFilter(watch)


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "the keyboard is nowhere"
    return widget


def press(qtbot, key: Qt.Key, modifiers: Qt.KeyboardModifier = MOD.NoModifier) -> None:
    qtbot.keyClick(focus(), key, modifiers)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(focus(), text)


@pytest.fixture
def guidance_added(tmp_path: Path, pack, dirs) -> None:
    """The guidance PDF, added before the app starts (as `reader add` would)."""
    pdf = tmp_path / "Leadership_and_management_for_all_doctors.pdf"
    make_guidance_pdf(pdf, pages=4, paragraphs=8)
    Services.open(pack, dirs).library.add(pdf)


def test_the_whole_window_can_be_walked_with_the_keyboard(
    guidance_added, make_window, qtbot, mouse_watch
) -> None:
    window = make_window()
    views = window.views
    tab_ids = list(views)

    # Start: the keyboard is in the text of the first tab, so PageDown reads on.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is views["guidance"])

    # Every page tab with Ctrl+Tab (and round to the first), the keyboard in each tab's text.
    for tab_id in [*tab_ids[1:], tab_ids[0]]:
        press(qtbot, KEY.Key_Tab, CTRL)
        assert window.tabs.currentWidget() is views[tab_id]
        assert focus() is views[tab_id]
    press(qtbot, KEY.Key_Tab, CTRL | MOD.ShiftModifier)
    assert focus() is views[tab_ids[-1]]
    press(qtbot, KEY.Key_1, CTRL)
    assert focus() is views["guidance"]

    # The contents: F9 closes it while it is in front, F9 again opens it with the keyboard in
    # it; Down and Enter jump to a heading and give the keyboard back to the text.
    press(qtbot, KEY.Key_F9)
    assert focus() is views["guidance"]
    press(qtbot, KEY.Key_F9)
    assert focus() is window.contents
    press(qtbot, KEY.Key_Down)
    press(qtbot, KEY.Key_Return)
    assert focus() is views["guidance"]
    assert window.contents.currentItem() is not None

    # Search everything: type, Down to the second hit, Enter opens it (the box keeps the
    # keyboard, to try the next hit); Esc leaves for the text the hit is in.
    qtbot.waitUntil(lambda: window.index_ready, timeout=60000)
    press(qtbot, KEY.Key_F, CTRL | MOD.ShiftModifier)
    assert focus() is window.search_panel.box
    type_text(qtbot, "raising concerns")
    qtbot.waitUntil(lambda: window.search_panel.results.count() > 1, timeout=10000)
    press(qtbot, KEY.Key_Down)
    hit = window.search_panel.hit_of(window.search_panel.results.currentItem())
    press(qtbot, KEY.Key_Return)
    assert window.tabs.currentWidget() is views[hit.tab]
    assert focus() is window.search_panel.box
    press(qtbot, KEY.Key_Escape)
    assert focus() is views[hit.tab]

    # A document: from the Guidance text, Tab along the links to the guidance PDF's card and
    # Enter opens it in its tab, with the keyboard in its pages.
    press(qtbot, KEY.Key_1, CTRL)
    guidance = views["guidance"]
    for _ in range(40):
        press(qtbot, KEY.Key_Tab)
        if guidance.textCursor().charFormat().anchorHref() == "slot:guidance-pdf":
            break
    assert focus() is guidance
    assert guidance.textCursor().charFormat().anchorHref() == "slot:guidance-pdf"
    press(qtbot, KEY.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), DocumentView), timeout=30000)
    document: DocumentView = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: focus() is document.pages)
    assert isinstance(focus(), PdfView)

    # Its paragraphs pane: F6 hides it (the keyboard stays in the pages), F6 brings it back
    # with the keyboard in it.
    press(qtbot, KEY.Key_F6)
    assert not document.paragraphs.isVisible()
    assert focus() is document.pages
    press(qtbot, KEY.Key_F6)
    assert document.paragraphs.isVisible()
    assert focus() is document.paragraphs

    # Go to paragraph: Ctrl+G asks, "3" and Enter go there; the keyboard comes back.
    press(qtbot, KEY.Key_G, CTRL)
    qtbot.waitUntil(lambda: isinstance(focus().window(), GotoDialog))
    dialog = focus().window()
    assert focus() is dialog.edit
    type_text(qtbot, "3")
    press(qtbot, KEY.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert document.pages.marked() is not None  # paragraph 3 outlined on its page
    window.activateWindow()  # the window manager's part (see the module docstring)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is document.paragraphs)

    # Find in the document: Ctrl+F, a word, Enter; Esc gives the keyboard to the pages.
    press(qtbot, KEY.Key_F, CTRL)
    assert focus() is document.find_bar.edit
    type_text(qtbot, "doctors")
    press(qtbot, KEY.Key_Return)
    press(qtbot, KEY.Key_Escape)
    assert not document.find_bar.isVisible()
    assert focus() is document.pages

    # Back: first to where the document was before Go to paragraph (a step of its own), then
    # to the Guidance text the document was opened from; Forward: the document again.
    press(qtbot, KEY.Key_Left, MOD.AltModifier)
    assert window.tabs.currentWidget() is document
    press(qtbot, KEY.Key_Left, MOD.AltModifier)
    assert window.tabs.currentWidget() is guidance
    assert focus() is guidance
    press(qtbot, KEY.Key_Right, MOD.AltModifier)
    assert window.tabs.currentWidget() is document
    assert focus() is document.pages

    assert isinstance(guidance, ReadingView)
    assert mouse_watch.seen == []


def test_tab_never_stops_on_a_control_nobody_can_see(window, qtbot, mouse_watch) -> None:
    # Search and Notes share the sidebar with the contents, as tabs behind it: Qt still counts
    # their controls as shown, and Tab used to stop on eight of them, out of sight.
    qtbot.waitUntil(lambda: window.notes is not None)
    press(qtbot, KEY.Key_F9)
    press(qtbot, KEY.Key_F9)
    assert focus() is window.contents
    stops: list[QWidget] = []
    for _ in range(300):  # the text views take a Tab per link before letting go
        press(qtbot, KEY.Key_Tab)
        if focus() is window.contents:
            break
        if not stops or stops[-1] is not focus():
            stops.append(focus())
    assert focus() is window.contents  # round the window and back: nothing traps the keyboard
    unseen = [f"{type(w).__name__} {w.objectName()}" for w in stops if w.visibleRegion().isEmpty()]
    assert unseen == []
    assert window.views["guidance"] in stops
    assert mouse_watch.seen == []


def test_every_tab_is_in_sight_at_1024_by_600(guidance_added, make_window, qtbot) -> None:
    # At 1024×600 the last tab (Background) went behind the tab bar's scroll arrows, where a
    # reader (and a keyboard user looking for it) would not see it.
    window = make_window()
    window.resize(1024, 600)
    window.fit_sidebar()
    window.documents.open_slot("guidance-pdf")
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), DocumentView))
    bar = window.tabs.tabBar()
    qtbot.waitUntil(lambda: bar.width() < 800)
    for index in range(bar.count()):
        assert bar.rect().contains(bar.tabRect(index)), bar.tabText(index)
