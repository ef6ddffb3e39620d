"""Work off the GUI thread: run a plain function in Qt's thread pool and report back by signal.

The function gets a ``progress(done, total)`` callable; its return value arrives in
``Job.finished`` and any exception as one sentence in ``Job.failed``, both on the GUI thread
(the Job lives there, so Qt queues the signals across threads).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

ProgressFn = Callable[[int, int], None]

_running: set[Job] = set()  # keeps each Job alive until its signals have been delivered


class Job(QObject):
    finished = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int)
    # The worker stores its result on the job and signals with no arguments; the GUI thread
    # then hands the result on, so listeners always run on the GUI thread with the object.
    _ended = Signal()

    def __init__(self, name: str) -> None:
        # Owned by the application, not by a window: a job may outlive the view that started it
        # (Qt drops the connections to a deleted receiver, so its result then goes nowhere).
        super().__init__(QCoreApplication.instance())
        self.name = name
        self.done = False
        self.result: Any = None
        self.error: str | None = None
        self.error_kind: type[Exception] | None = None  # lets a caller react to one kind
        self._ended.connect(self._on_ended)

    def _on_ended(self) -> None:
        self.done = True
        _running.discard(self)
        if self.error is not None:
            self.failed.emit(self.error)
        else:
            self.finished.emit(self.result)
        # Delivered: let go of the result (a page image, say) and of the job itself.
        self.result = None
        self.deleteLater()


class _Runnable(QRunnable):
    def __init__(self, job: Job, fn: Callable[[ProgressFn], Any]) -> None:
        super().__init__()
        self.job = job
        self.fn = fn

    def run(self) -> None:
        try:
            self.job.result = self.fn(self._progress)
        except Exception as exc:  # reported to the user as a sentence, never a traceback
            self.job.error = plain_error(exc)
            self.job.error_kind = type(exc)
        self._emit(self.job._ended)

    def _progress(self, done: int, total: int) -> None:
        self._emit(self.job.progress, done, total)

    @staticmethod
    def _emit(signal, *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the app is shutting down: nobody to tell
            signal.emit(*args)


def plain_error(exc: Exception) -> str:
    """One sentence for the user: an OSError as the system words it ("No space left on
    device"), with the file it concerns; other errors as their own message."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}."
    return str(exc) or type(exc).__name__


def start_job(name: str, fn: Callable[[ProgressFn], Any], pool: QThreadPool | None = None) -> Job:
    """Run ``fn(progress)`` on a worker thread; connect to the returned Job's signals."""
    job = Job(name)
    _running.add(job)
    (pool or QThreadPool.globalInstance()).start(_Runnable(job, fn))
    return job


def wait_for_jobs(timeout_ms: int = 30000) -> bool:
    """Let running jobs finish (at exit, so no worker thread outlives the interpreter)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
