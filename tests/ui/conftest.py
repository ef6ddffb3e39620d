"""UI test set-up: a main window built on temporary folders, and no modal boxes left open."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from reader.core.settings import SettingsStore
from reader.paths import UserDirs
from reader.ui.main_window import MainWindow


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record message boxes instead of blocking on them; tests can assert what was said."""
    shown: list[tuple[str, str]] = []

    def record(kind: str, answer=QMessageBox.StandardButton.Ok):
        def box(parent, title, text, *args, **kwargs):
            shown.append((kind, text))
            return answer

        return box

    monkeypatch.setattr(QMessageBox, "information", record("information"))
    monkeypatch.setattr(QMessageBox, "warning", record("warning"))
    monkeypatch.setattr(QMessageBox, "critical", record("critical"))
    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.StandardButton.No))
    return shown


@pytest.fixture
def dirs(reader_home) -> UserDirs:
    return UserDirs.for_home(reader_home)


@pytest.fixture
def make_window(qtbot, pack, dirs):
    def make() -> MainWindow:
        store = SettingsStore(dirs.settings_file)
        window = MainWindow(pack, dirs, store, store.load())
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()
