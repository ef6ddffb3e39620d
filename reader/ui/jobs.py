"""Work off the GUI thread: run a plain function in Qt's thread pool and report back by signal.

The jobs API::

    job = start_job("add", fn)          # fn(progress) runs on a worker thread
    job.progress  -> (done, total)      # progress(done, total) from fn; raises JobCancelled
                                        # once job.cancel() was called, so fn stops there
    job.finished  -> result             # fn's return value
    job.changed   -> Changed            # also, when fn returns a core.model.Changed record
    job.failed    -> JobError           # .exception, .message (one sentence), .traceback
    job.cancelled -> ()                 # fn stopped because of job.cancel()

All signals arrive on the GUI thread (the Job lives there, so Qt queues them across threads).
Every failure is written with its traceback to the log in the cache folder
(:mod:`reader.core.errorlog`). :func:`install_excepthook` does the same for an exception no
one caught, and shows its one sentence instead of dying silently.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from reader.core.errorlog import log_exception
from reader.core.model import Changed

ProgressFn = Callable[[int, int], None]

_running: set[Job] = set()  # keeps each Job alive until its signals have been delivered


class JobCancelled(Exception):
    """Raised inside a job's function by ``progress()`` once the job has been cancelled."""


@dataclass(frozen=True)
class JobError:
    """Why a job failed: the exception itself, one sentence for the user, the traceback."""

    job: str
    exception: BaseException
    message: str
    traceback: str

    @property
    def kind(self) -> type[BaseException]:
        return type(self.exception)


class Job(QObject):
    finished = Signal(object)
    failed = Signal(object)  # JobError
    cancelled = Signal()
    changed = Signal(object)  # Changed
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
        self.error: JobError | None = None
        self._cancel = threading.Event()
        self._ended.connect(self._on_ended)

    def cancel(self) -> None:
        """Ask the job to stop: its next ``progress()`` call raises :class:`JobCancelled`."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _on_ended(self) -> None:
        self.done = True
        _running.discard(self)
        if self.error is not None:
            if isinstance(self.error.exception, JobCancelled):
                self.cancelled.emit()
            else:
                self.failed.emit(self.error)
        else:
            if isinstance(self.result, Changed):
                self.changed.emit(self.result)
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
        except JobCancelled as exc:
            self.job.error = JobError(self.job.name, exc, "", "")
        except Exception as exc:  # the user gets a sentence; the log gets the traceback
            text = traceback.format_exc()
            log_exception(exc, f"job {self.job.name!r} failed", text)
            self.job.error = JobError(self.job.name, exc, plain_error(exc), text)
        self._emit(self.job._ended)

    def _progress(self, done: int, total: int) -> None:
        if self.job.is_cancelled():
            raise JobCancelled(self.job.name)
        self._emit(self.job.progress, done, total)

    @staticmethod
    def _emit(signal, *args: Any) -> None:
        with contextlib.suppress(RuntimeError):  # the app is shutting down: nobody to tell
            signal.emit(*args)


def plain_error(exc: BaseException) -> str:
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


def install_excepthook(show: Callable[[str], None]) -> None:
    """Log any uncaught exception with its traceback and ``show`` one plain sentence.

    Without this, an exception in a slot prints to a console nobody sees (or, with some
    Qt builds, ends the app)."""

    def hook(kind: type[BaseException], exc: BaseException, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        text = "".join(traceback.format_exception(kind, exc, tb))
        path = log_exception(exc, "uncaught", text)
        show(unexpected_sentence(exc, path))

    sys.excepthook = hook


def unexpected_sentence(exc: BaseException, log: object) -> str:
    """The one sentence for an error nobody expected, pointing at the log."""
    return f"Something went wrong ({plain_error(exc)}); the details are in {log}."
