"""The contents sidebar starts wide enough for its headings and as wide as the reader left it
(issue 11, item 12)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.core.settings import SettingsStore


def _settle(window, qtbot, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    window.fit_sidebar()
    qtbot.waitUntil(lambda: window.contents_dock.width() > 0)


def test_a_narrow_remembered_width_never_cuts_the_headings(make_window, dirs, qtbot) -> None:
    store = SettingsStore(dirs.settings_file)
    settings = store.load()
    settings.sidebar_width = 120  # shrunk over a few launches
    store.save(settings)
    window = make_window()
    _settle(window, qtbot, 2560, 1440)
    needed = max(window.contents.width_for(tab.sections) for tab in window.pack.tabs)
    qtbot.waitUntil(lambda: window.contents_dock.width() >= needed)
    assert window.contents_dock.width() <= window.width() // 4


def test_the_readers_width_is_remembered(make_window, dirs, qtbot) -> None:
    window = make_window()
    _settle(window, qtbot, 2560, 1440)
    window.resizeDocks([window.contents_dock], [520], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(window.contents_dock.width() - 520) <= 8)
    window.save_settings()
    window.close()
    again = make_window()
    _settle(again, qtbot, 2560, 1440)
    qtbot.waitUntil(lambda: abs(again.contents_dock.width() - 520) <= 8)


def test_a_small_window_keeps_the_sidebar_to_a_quarter(window, qtbot) -> None:
    _settle(window, qtbot, 1024, 600)
    qtbot.waitUntil(lambda: window.contents_dock.width() <= 1024 // 4 + 4)
