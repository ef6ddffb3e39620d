"""The running window answers a second launch: a request dropped in its inbox opens that file's
tab in front and brings the window up, also when the folder watcher misses the event."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.instance import InstanceGuard, write_request
from reader.ui.instance_listener import InstanceListener
from tests.factories import make_guidance_pdf


@pytest.fixture
def listening(window, dirs):
    guard = InstanceGuard(dirs.data)
    assert guard.try_claim()
    listener = InstanceListener(guard, window)
    yield window, listener
    guard.release()


def _pdf(tmp_path: Path) -> Path:
    path = tmp_path / "from the file manager" / "Leadership_and_management_for_all_doctors.pdf"
    path.parent.mkdir()
    make_guidance_pdf(path, pages=3, paragraphs=4)
    return path


def test_a_request_in_the_inbox_opens_its_file_in_front(listening, qtbot, tmp_path) -> None:
    window, listener = listening
    window.menu_actions.tab_actions[2].trigger()  # the reader is on Discussion tools
    pdf = _pdf(tmp_path)
    request = write_request(listener.guard.inbox, pdf)
    qtbot.waitUntil(lambda: not request.exists(), timeout=10000)  # taken: the launch may end
    library = window.services.library
    qtbot.waitUntil(lambda: library.for_slot("guidance-pdf") is not None, timeout=30000)
    doc = library.for_slot("guidance-pdf")
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.documents.tabs.get(doc.id))
    assert window.isVisible()
    assert not window.isMinimized()

    # Asked again from another tab: the same tab comes to the front, nothing is added twice.
    window.menu_actions.tab_actions[0].trigger()
    write_request(listener.guard.inbox, pdf)
    qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.documents.tabs.get(doc.id))
    assert len(library.documents) == 1


def test_a_plain_second_launch_brings_the_window_up(listening, qtbot) -> None:
    window, listener = listening
    window.showMinimized()
    request = write_request(listener.guard.inbox, None)
    qtbot.waitUntil(lambda: not request.exists(), timeout=10000)
    qtbot.waitUntil(lambda: window.isVisible() and not window.isMinimized())


def test_the_slow_poll_reads_the_inbox_when_the_watcher_misses_it(listening, qtbot) -> None:
    window, listener = listening
    listener._watcher.removePaths(listener._watcher.directories())  # as on some network shares
    window.menu_actions.tab_actions[1].trigger()
    request = write_request(listener.guard.inbox, None)
    qtbot.waitUntil(lambda: not request.exists(), timeout=10000)
