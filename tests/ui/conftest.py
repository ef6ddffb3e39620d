"""UI test set-up: a main window built on temporary folders, and no modal boxes left open."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from reader.core.services import Services
from reader.core.settings import SettingsStore
from reader.paths import UserDirs
from reader.ui.jobs import wait_for_jobs
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


@pytest.fixture(autouse=True)
def finish_jobs(qapp):
    """No worker thread may outlive its test (or the interpreter)."""
    yield
    assert wait_for_jobs(60000)
    qapp.processEvents()


@pytest.fixture
def dirs(reader_home) -> UserDirs:
    return UserDirs.for_home(reader_home)


@pytest.fixture
def make_window(qtbot, pack, dirs):
    def make() -> MainWindow:
        store = SettingsStore(dirs.settings_file)
        window = MainWindow(Services.open(pack, dirs), store, store.load())
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.started)
        return window

    return make


@pytest.fixture
def window(make_window) -> MainWindow:
    return make_window()


@pytest.fixture(autouse=True)
def collect_garbage(qapp):
    """Collect each test's windows while Qt is still fully alive, not at interpreter exit."""
    yield
    import gc

    qapp.processEvents()
    gc.collect()
