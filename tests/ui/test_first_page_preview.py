"""Issue 12: a new file shows page 1 while its text is still being read in the child."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.safeopen import CRASH_ENV
from reader.ui.document_view import DocumentView
from reader.ui.page_preview import PagePreview
from tests.factories import make_guidance_pdf


@pytest.fixture
def long_book(tmp_path: Path) -> Path:
    # Long enough that reading its text takes a while after page 1 is drawn.
    path = tmp_path / "incoming" / "Annual staff survey report.pdf"
    path.parent.mkdir()
    return make_guidance_pdf(path, pages=160, paragraphs=400).path


def _ink(widget) -> int:
    """How many sampled pixels of the widget are dark: text was drawn, not a blank page."""
    image = widget.grab().toImage()
    dark = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            if image.pixelColor(x, y).lightness() < 110:
                dark += 1
    return dark


def test_page_one_shows_while_the_text_is_read_then_the_document_opens(
    window, qtbot, long_book
) -> None:
    window.resize(1000, 760)
    window.show()
    fronts: list[object] = []
    window.tabs.currentChanged.connect(lambda _i: fronts.append(window.tabs.currentWidget()))
    painted: list[int] = []
    window.documents.firstPageShown.connect(lambda: painted.append(len(fronts)))

    window.documents.add_files([long_book])
    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), PagePreview), timeout=30000)
    preview = window.tabs.currentWidget()
    assert window.tabs.tabText(window.tabs.indexOf(preview)).startswith("Annual staff survey")
    assert "reading its text" in preview.status.text()
    assert "160 pages" in preview.status.text()
    from PySide6.QtWidgets import QTabBar

    bar = window.tabs.tabBar()
    close = bar.tabButton(window.tabs.indexOf(preview), QTabBar.ButtonPosition.RightSide)
    assert close is None or not close.isVisible()  # it goes away by itself
    assert window.services.library.documents == []  # the check is still running
    qtbot.waitUntil(lambda: bool(painted), timeout=10000)
    assert _ink(preview.canvas) > 50  # the page's text is on screen, drawn by the child

    qtbot.waitUntil(lambda: isinstance(window.tabs.currentWidget(), DocumentView), timeout=60000)
    view = window.tabs.currentWidget()
    assert view.page_count() == 160
    assert not any(
        isinstance(window.tabs.widget(i), PagePreview) for i in range(window.tabs.count())
    )
    # the preview came first, then the real tab
    kinds = [type(w).__name__ for w in fronts]
    assert kinds.index("PagePreview") < kinds.index("DocumentView")


def test_a_crash_after_page_one_closes_the_picture_and_says_so(
    window, qtbot, long_book, monkeypatch, no_modal_boxes
) -> None:
    monkeypatch.setenv(CRASH_ENV, "after-first-page")
    seen: list[object] = []
    window.tabs.currentChanged.connect(lambda _i: seen.append(window.tabs.currentWidget()))
    window.documents.add_files([long_book])
    qtbot.waitUntil(lambda: any(kind == "warning" for kind, _ in no_modal_boxes), timeout=30000)
    message = next(text for kind, text in no_modal_boxes if kind == "warning")
    assert message.startswith("Annual staff survey report.pdf could not be opened")
    assert any(isinstance(w, PagePreview) for w in seen)  # page 1 had been shown
    tabs = [window.tabs.widget(i) for i in range(window.tabs.count())]
    assert not any(isinstance(w, PagePreview) for w in tabs)
    assert window.services.library.documents == []
    window.menu_actions.tab_actions[0].trigger()  # and the app carries on
    assert window.tabs.currentIndex() == 0
