"""Work off the GUI thread: run a plain function in Qt's thread pool and report back by signal.

The function gets a ``progress(done, total)`` callable; its return value arrives in
``Job.finished`` and any exception as one sentence in ``Job.failed``, both on the GUI thread
(the Job lives there, so Qt queues the signals across threads).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

ProgressFn = Callable[[int, int], None]

_running: set[Job] = set()  # keeps each Job alive until its signals have been delivered


class Job(QObject):
    finished = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int)

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self.done = False
        self.finished.connect(self._on_end)
        self.failed.connect(self._on_end)

    def _on_end(self, *_: Any) -> None:
        self.done = True
        _running.discard(self)


class _Runnable(QRunnable):
    def __init__(self, job: Job, fn: Callable[[ProgressFn], Any]) -> None:
        super().__init__()
        self.job = job
        self.fn = fn

    def run(self) -> None:
        try:
            result = self.fn(self.job.progress.emit)
        except Exception as exc:  # reported to the user as a sentence, never a traceback
            self.job.failed.emit(str(exc) or type(exc).__name__)
        else:
            self.job.finished.emit(result)


def start_job(name: str, fn: Callable[[ProgressFn], Any], pool: QThreadPool | None = None) -> Job:
    """Run ``fn(progress)`` on a worker thread; connect to the returned Job's signals."""
    job = Job(name)
    _running.add(job)
    (pool or QThreadPool.globalInstance()).start(_Runnable(job, fn))
    return job
