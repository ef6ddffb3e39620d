"""Jobs report properly: the user reads one sentence, the log keeps the traceback."""

from __future__ import annotations

import errno
import sys
import threading

import pytest

from reader.core.errorlog import log_path
from reader.core.model import Changed
from reader.core.services import Services
from reader.ui.jobs import JobError, install_excepthook, start_job


def _disk_full(self, progress=None):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failed_job_shows_its_sentence_and_logs_its_traceback(
    make_window, qtbot, monkeypatch
) -> None:
    monkeypatch.setattr(Services, "ensure_index", _disk_full)
    window = make_window()
    qtbot.waitUntil(
        lambda: "Search is not available" in window.statusBar().currentMessage(), timeout=30000
    )
    assert window.statusBar().currentMessage() == (
        "Search is not available: No space left on device."
    )
    log = log_path().read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in log
    assert "_disk_full" in log  # where it happened, for whoever reads the log
    assert "OSError: [Errno 28] No space left on device" in log


def test_failure_carries_the_exception(qtbot) -> None:
    def fail(_progress):
        raise KeyError("slot")

    job = start_job("fail", fail)
    with qtbot.waitSignal(job.failed, timeout=10000) as blocker:
        pass
    error = blocker.args[0]
    assert isinstance(error, JobError)
    assert error.kind is KeyError
    assert "raise KeyError" in error.traceback


def test_a_job_can_be_cancelled(qtbot) -> None:
    started = threading.Event()

    def long_work(progress):
        started.set()
        for done in range(10_000_000):
            progress(done, 10_000_000)
            threading.Event().wait(0.001)
        return "finished"

    job = start_job("long", long_work)
    assert started.wait(10)
    finished: list = []
    job.finished.connect(finished.append)
    with qtbot.waitSignal(job.cancelled, timeout=10000):
        job.cancel()
    assert finished == []


def test_a_library_change_record_arrives_as_changed(qtbot) -> None:
    record = Changed(("guidance-pdf",), slots=True, message="Moved.")
    job = start_job("move", lambda _progress: record)
    with qtbot.waitSignal(job.changed, timeout=10000) as blocker:
        pass
    assert blocker.args == [record]


def test_an_uncaught_exception_is_logged_and_said_in_one_sentence(
    window, monkeypatch, no_modal_boxes
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    install_excepthook(window.show_error)
    try:
        raise ValueError("the page list was empty")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    sentence = no_modal_boxes[-1][1]
    assert sentence.startswith("Something went wrong (the page list was empty)")
    assert str(log_path()) in sentence
    assert "ValueError: the page list was empty" in log_path().read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def _fresh_log():
    log_path().unlink(missing_ok=True)
