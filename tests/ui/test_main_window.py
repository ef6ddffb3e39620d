"""The main window as a clinician meets it: tabs, contents, history, text size, links."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTextBrowser,
    QTreeWidget,
)

from reader.core.render import anchor_for


def test_guidance_then_the_four_tabs_in_page_order(window) -> None:
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == [
        "Guidance",
        "Shared leadership",
        "Discussion tools",
        "Presentation",
        "Background",
    ]
    assert window.tabs.currentIndex() == 0
    text = window.current_view().toPlainText()
    assert text.startswith("Leadership and management for all doctors (2012)")
    assert "The guidance came into effect on 12 March 2012" in text


def test_each_tab_shows_its_text_and_slot_cards(window, qtbot) -> None:
    window.menu_actions.tab_actions[1].trigger()
    shared = window.current_view().toPlainText()
    assert "Student B took part in an audit" in shared
    assert "Setting Direction" in shared
    assert "Shared Leadership: Underpinning of the MLCF" in shared
    assert "Not installed yet" in shared
    window.menu_actions.tab_actions[4].trigger()
    background = window.current_view().toPlainText()
    assert background.count("Not installed yet") == 2


def test_contents_sidebar_lists_headings_and_jumps(window, qtbot) -> None:
    window.menu_actions.tab_actions[2].trigger()
    assert window.contents.titles() == [
        "Discussion tools",
        "Tools for discussing resource constraints with patients",
        "Useful resources for discussion",
        "Patient decision aids",
        "Individual funding requests",
    ]
    view = window.current_view()
    view.resize(800, 300)
    target = window.contents.findItems("Individual funding requests", Qt.MatchFlag.MatchRecursive)[
        0
    ]
    assert view.verticalScrollBar().value() == 0
    window.contents.itemActivated.emit(target, 0)
    qtbot.waitUntil(lambda: view.verticalScrollBar().value() > 0)
    # The heading is near the top, with a line or two of what comes before it above.
    y = view.block_y("discussion-tools.individual-funding-requests")
    assert 0 < y < view.viewport().height() / 3


def test_keyboard_switches_tabs_and_history_goes_back(window, qtbot) -> None:
    qtbot.keyClick(window.current_view(), Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Presentation"
    window.menu_actions.next_tab.trigger()
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Background"
    window.menu_actions.back.trigger()
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Presentation"
    window.menu_actions.back.trigger()
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Guidance"
    assert not window.menu_actions.back.isEnabled()
    window.menu_actions.forward.trigger()
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Presentation"


def test_text_size_changes_and_is_remembered(make_window, qtbot) -> None:
    window = make_window()
    view = window.current_view()
    before = view.document().defaultFont().pointSize()
    window.menu_actions.zoom_in.trigger()
    window.menu_actions.zoom_in.trigger()
    assert view.document().defaultFont().pointSize() == before + 2
    window.menu_actions.tab_actions[3].trigger()
    window.close()
    again = make_window()
    assert again.current_view().document().defaultFont().pointSize() == before + 2
    assert again.tabs.tabText(again.tabs.currentIndex()) == "Presentation"
    again.menu_actions.zoom_reset.trigger()
    assert again.current_view().document().defaultFont().pointSize() == before


class _Browser(QObject):
    """Stands in for the system browser: records the addresses handed to it."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


def test_reference_link_asks_before_opening_the_browser(
    window, no_modal_boxes, monkeypatch
) -> None:
    browser = _Browser()
    QDesktopServices.setUrlHandler("https", browser, "open")
    try:
        window.views["discussion-tools"].linkRequested.emit("ref:nice")
        kind, text = no_modal_boxes[-1]
        assert kind == "question"
        assert "https://www.nice.org.uk/" in text
        assert browser.opened == []  # the answer was No
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        window.views["discussion-tools"].linkRequested.emit("ref:nice")
        assert browser.opened == ["https://www.nice.org.uk/"]
    finally:
        QDesktopServices.unsetUrlHandler("https")


def test_reference_without_address_says_so(window, no_modal_boxes) -> None:
    window.views["discussion-tools"].linkRequested.emit("ref:npc")
    assert no_modal_boxes[-1][0] == "information"
    assert "No public web address" in no_modal_boxes[-1][1]


def test_find_in_view_selects_the_match(window, qtbot) -> None:
    window.menu_actions.tab_actions[2].trigger()
    window.menu_actions.find.trigger()
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "funding request")
    assert window.current_view().textCursor().selectedText().lower() == "funding request"
    qtbot.keyClicks(window.find_bar.edit, "zzz")
    assert window.find_bar.status.text() == "Not found"


def test_every_control_has_an_accessible_name(window) -> None:
    widgets = [
        w
        for kind in (QAbstractButton, QLineEdit, QTextBrowser, QTreeWidget)
        for w in window.findChildren(kind)
    ]
    for widget in widgets:
        if widget.isVisible() or isinstance(widget, QLineEdit):
            name = widget.accessibleName() or (
                widget.text() if isinstance(widget, QAbstractButton) else ""
            )
            assert name, f"{type(widget).__name__} {widget.objectName()} has no accessible name"


def test_anchor_for_every_block_exists(window) -> None:
    for index, tab in enumerate(window.pack.tabs):
        window.menu_actions.tab_actions[index].trigger()
        html = window.views[tab.id].toHtml()
        for block in tab.blocks:
            assert anchor_for(block.id) in html


def test_a_broken_content_pack_is_reported_in_a_window(tmp_path, monkeypatch) -> None:
    from reader import cli

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    status = cli.main(["--content", str(tmp_path / "nowhere")])
    assert status == 2
    assert shown
    assert shown[0].endswith("manifest.toml: no content pack manifest was found there.")


def test_keyboard_moves_between_text_contents_and_search(window, qtbot) -> None:
    view = window.current_view()
    view.setFocus()
    window.menu_actions.show_contents.trigger()  # F9 hides the sidebar...
    assert not window.contents_dock.isVisible()
    assert view.hasFocus()
    window.menu_actions.show_contents.trigger()  # ...and F9 again shows it, keyboard in it
    assert window.contents.hasFocus()
    qtbot.keyClick(window.contents, Qt.Key.Key_Down)
    qtbot.keyClick(window.contents, Qt.Key.Key_Return)
    assert window.current_view().hasFocus()  # Enter jumps and gives the text the keyboard
    window.menu_actions.search.trigger()
    assert window.search_panel.box.hasFocus()
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Escape)
    assert window.current_view().hasFocus()


def test_about_names_the_publisher_the_licence_and_the_attribution(window, qtbot) -> None:
    from reader.ui.about_dialog import AboutDialog

    dialog = AboutDialog(window.pack, window)
    qtbot.addWidget(dialog)
    text = dialog.findChild(QLabel, "about-text").text()
    assert "General Medical Council — Regulating doctors, ensuring good medical practice" in text
    assert "AGPL-3.0-or-later" in text
    assert "non-commercial use" in text
    assert "Medical Leadership Competency Framework © 2010" in text


def _contents_in_front(window) -> bool:
    dock = window.contents_dock
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def test_f9_always_brings_the_contents_back_after_search(window, qtbot) -> None:
    # Issue 11, item 1: with Search in front, F9 once hid the contents for good.
    window.menu_actions.search.trigger()
    qtbot.waitUntil(lambda: window.search_panel.box.hasFocus())
    for _ in range(3):
        window.menu_actions.show_contents.trigger()
        qtbot.waitUntil(lambda: _contents_in_front(window))
        assert window.contents.hasFocus()
        assert window.menu_actions.show_contents.isChecked()
        window.menu_actions.search.trigger()
        qtbot.waitUntil(lambda: window.search_panel.box.hasFocus())
        assert window.menu_actions.show_contents.isChecked()  # still open, as a tab behind


def test_the_contents_can_be_closed_and_reopened_in_any_order(window, qtbot) -> None:
    actions = window.menu_actions
    actions.show_contents.trigger()  # in front: F9 closes it
    qtbot.waitUntil(lambda: window.contents_dock.isHidden())
    assert not actions.show_contents.isChecked()
    actions.search.trigger()
    actions.show_contents.trigger()  # closed: F9 opens it beside Search, in front
    qtbot.waitUntil(lambda: _contents_in_front(window))
    assert actions.show_contents.isChecked()
    window.search_dock.raise_()  # the reader clicks the Search tab
    qtbot.waitUntil(lambda: not _contents_in_front(window))
    assert actions.show_contents.isChecked()  # a tab behind is not a closed one
    window.contents_dock.close()  # its own close button
    qtbot.waitUntil(lambda: not actions.show_contents.isChecked())
    actions.show_contents.trigger()
    qtbot.waitUntil(lambda: _contents_in_front(window))
    assert window.contents.hasFocus()
