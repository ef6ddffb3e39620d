"""The running copy's ear for second launches: requests dropped in the inbox folder are opened
here (see :mod:`reader.core.instance`), and the window comes to the front.

A file-system watcher answers at once; a slow timer reads the inbox too, because watchers miss
events on some network shares (portable copies on a hospital share).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Slot

from reader.core.instance import InstanceGuard

POLL_MS = 2000  # the fallback; a second launch waits up to 3 s for its request to be taken


class InstanceListener(QObject):
    """Opens what second launches ask for in ``window`` (a MainWindow) while ``guard`` is held."""

    def __init__(self, guard: InstanceGuard, window) -> None:
        super().__init__(window)
        self.guard = guard
        self.window = window
        guard.inbox.mkdir(parents=True, exist_ok=True)
        self._watcher = QFileSystemWatcher([str(guard.inbox)], self)
        self._watcher.directoryChanged.connect(self._on_inbox_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.read_inbox)
        self._timer.start()

    @Slot(str)
    def _on_inbox_changed(self, _folder: str) -> None:
        self.read_inbox()

    @Slot()
    def read_inbox(self) -> None:
        for request in self.guard.take_requests():
            if request.open_file is not None:
                # Still starting: the documents open last time must not take the front from it.
                self.window.launched_with_file |= not self.window.started
                # Added (or recognised as added) and opened: its tab comes to the front.
                self.window.documents.add_files([Path(request.open_file)])
            self.bring_to_front()

    def bring_to_front(self) -> None:
        window = self.window
        if window.isMinimized():
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
        window.show()
        window.raise_()
        window.activateWindow()
