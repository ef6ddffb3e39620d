"""Start-up of the Qt application: create it, build the main window, show it.

Only this module and the views import Qt; the command line calls in here for the GUI and for
``reader screenshot``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from reader import APP_ID, APP_NAME, __version__
from reader.core.instance import Launch
from reader.core.model import ContentPack
from reader.core.services import Services
from reader.core.settings import SettingsStore
from reader.paths import UserDirs, assets_dir
from reader.ui.jobs import install_excepthook, wait_for_jobs
from reader.ui.main_window import MainWindow


def application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, created on first use."""
    existing = QApplication.instance()
    if existing is not None:
        return existing  # type: ignore[return-value]
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    QGuiApplication.setDesktopFileName(APP_ID)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    icon = assets_dir() / "icon.svg"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def show_startup_error(message: str) -> None:
    """A plain message box for an error that stops the app before its window exists."""
    if not _has_screen():
        return  # Qt would abort without a display; stderr carries the sentence
    from PySide6.QtWidgets import QMessageBox

    application()
    QMessageBox.critical(None, f"{APP_NAME} cannot start", message)


def _has_screen() -> bool:
    return bool(
        sys.platform in ("win32", "darwin")
        or os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM") in ("offscreen", "minimal")
    )


def build_window(pack: ContentPack, dirs: UserDirs) -> MainWindow:
    store = SettingsStore(dirs.settings_file)
    return MainWindow(Services.open(pack, dirs), store, store.load())


def start_window(
    content_root: Path, dirs: UserDirs, open_file: Path | None = None
) -> MainWindow | QMessageBox:
    """The real start-up: load the pack (any damage in the cache folder is only a miss), build
    the main window and show it. Whatever goes wrong, a window opens and says what: a start
    from a shortcut has nobody reading stderr."""
    from reader.core.content import ContentError, load_pack

    application()
    try:
        pack = load_pack(content_root, cache_dir=dirs.cache)
        window = build_window(pack, dirs)
    except ContentError as exc:
        return _error_window(str(exc))
    except Exception as exc:  # the last guard: the user sees a sentence, the log the details
        log = _log_startup_traceback(dirs)
        return _error_window(
            f"The reader could not start because of an unexpected error ({exc}); "
            f"details are in {log}."
        )
    window.launch(open_file)
    return window


def _error_window(message: str) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Critical, f"{APP_NAME} cannot start", message)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.show()  # not exec(): the caller runs the event loop (or a test looks at it)
    return box


def _log_startup_traceback(dirs: UserDirs) -> Path:
    import traceback

    path = dirs.cache / "reader.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(traceback.format_exc() + "\n")
    except OSError:
        pass
    return path


def run_gui_from(
    content_root: Path, dirs: UserDirs, open_file: Path | None = None, launch: Launch | None = None
) -> int:
    """Start the app from the content pack folder; always shows a window (see start_window).
    When a copy already runs on the same data folder, hand it ``open_file`` and end instead
    (``launch``: that step already taken by the caller, see reader/commands/gui.py)."""
    if launch is None:
        from reader.core.instance import hand_off

        launch = hand_off(dirs.data, open_file)
    if launch.handed_off:
        return 0
    if not _has_screen():  # Qt would abort without a display: errors go to stderr instead
        from reader.core.content import load_pack

        return run_gui(load_pack(content_root, cache_dir=dirs.cache), dirs, open_file)
    app = application()
    window = start_window(content_root, dirs, open_file)
    if not isinstance(window, MainWindow):
        # A modal box the user dismisses, then the app ends; stderr has the sentence too.
        message = window.text()
        window.close()
        print(f"reader: {message}", file=sys.stderr)
        QMessageBox.critical(None, f"{APP_NAME} cannot start", message)
        return 2
    if launch.guard is not None:
        from reader.ui.instance_listener import InstanceListener

        InstanceListener(launch.guard, window)  # a child of the window: lives as long
    status = app.exec()
    if launch.guard is not None:
        launch.guard.release()  # a launch while the last jobs finish starts its own window
    wait_for_jobs()
    return status


def run_gui(pack: ContentPack, dirs: UserDirs, open_file: Path | None = None) -> int:
    app = application()
    window = build_window(pack, dirs)
    install_excepthook(window.show_error)
    window.launch(open_file)
    status = app.exec()
    wait_for_jobs()
    return status


def _wait_until(app: QApplication, done, timeout_s: float = 5.0) -> None:
    """Process events until ``done()`` (e.g. a page has been rendered) or the timeout."""
    import time

    deadline = time.monotonic() + timeout_s
    while not done() and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    app.processEvents()


def take_screenshot(
    pack: ContentPack,
    dirs: UserDirs,
    out: Path,
    tab: str | None = None,
    size: tuple[int, int] = (1100, 760),
) -> None:
    """Render the real main window offscreen and save it as a PNG."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = application()
    window = build_window(pack, dirs)
    window.save_on_close = False  # the reader's own window size, tabs and pages stay as they are
    document = window.services.library.for_slot(tab) if tab else None
    if tab is not None and document is None:
        if tab not in window.views:
            raise ValueError(f"there is no tab '{tab}' (tabs: {', '.join(window.views)})")
        window.tabs.setCurrentWidget(window.views[tab])
    window.resize(*size)
    window.fit_sidebar()
    window.show()
    app.processEvents()
    if document is not None:
        view = window.documents.open_document(document)
        _wait_until(app, lambda: getattr(view, "first_page_shown", lambda: True)())
    out.parent.mkdir(parents=True, exist_ok=True)
    saved = window.grab().save(str(out), "PNG")
    window.close()
    wait_for_jobs()
    if not saved:
        raise OSError(f"the screenshot could not be written to {out}")
