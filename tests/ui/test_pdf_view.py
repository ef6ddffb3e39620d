"""The page view as a reader sees it: pages drawn, zoom, keys, selection, links, bounded memory."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QImage

from reader.core import heap
from reader.core.pdfdoc import open_pdf, render_page
from reader.core.pdfparagraphs import extract_blocks
from reader.core.render import Theme
from reader.ui.document_view import DocumentView
from reader.ui.pdf_pages import CACHE_BYTES, REOPEN_EVERY, to_qimage
from tests.factories import GuidanceSpec, make_guidance_pdf, make_many_pages_pdf


@pytest.fixture(scope="module")
def guidance(tmp_path_factory) -> GuidanceSpec:
    return make_guidance_pdf(tmp_path_factory.mktemp("pdf") / "guidance.pdf", pages=44)


@pytest.fixture
def open_view(qtbot):
    def make(path: Path, blocks=None, size=(1100, 800)) -> DocumentView:
        if blocks is None:
            doc = open_pdf(path)
            blocks = extract_blocks(doc, "test", "test")
            doc.close()
        view = DocumentView(path, "test", "Test document", blocks, Theme(), 11)
        qtbot.addWidget(view)
        view.resize(*size)
        view.show()
        qtbot.waitExposed(view)
        return view

    return make


def _wait_rendered(qtbot, view: DocumentView, page: int) -> None:
    qtbot.waitUntil(lambda: view.pages.is_rendered(page), timeout=5000)


def _dark_pixels(view: DocumentView, page: int) -> int:
    """Dark pixels (text) inside the page's area of the screen, sampled every third pixel."""
    image = view.pages.viewport().grab().toImage()
    rect = view.pages.page_rect(page).toRect().intersected(image.rect())
    dark = 0
    for y in range(rect.top(), rect.bottom(), 3):
        for x in range(rect.left(), rect.right(), 3):
            if image.pixelColor(x, y).lightness() < 90:
                dark += 1
    return dark


def test_opens_on_page_one_and_draws_the_text(qtbot, open_view, guidance) -> None:
    view = open_view(guidance.path)
    assert view.page_count() == guidance.page_count
    assert view.current_page() == 0
    assert view.page_box.text() == "1"
    assert view.page_total.text().strip() == f"/ {guidance.page_count}"
    _wait_rendered(qtbot, view, 0)
    # Not the grey placeholder: the title and introduction are there as dark pixels.
    assert _dark_pixels(view, 0) > 50


def test_zoom_changes_the_page_width(qtbot, open_view, guidance) -> None:
    view = open_view(guidance.path)
    fit_width = view.pages.page_rect(0).width()
    assert fit_width <= view.pages.viewport().width()
    view.set_zoom(200)
    assert view.zoom() == 200
    wide = view.pages.page_rect(0).width()
    assert wide > fit_width
    assert wide == pytest.approx(595 * 2 * view.pages.logicalDpiX() / 72, rel=0.01)
    _wait_rendered(qtbot, view, view.current_page())
    assert view.zoom_box.currentText() == "200%"
    view.set_zoom("fit-width")
    assert view.pages.page_rect(0).width() == pytest.approx(fit_width)


def test_ctrl_plus_zooms_in_and_ctrl_minus_out(qtbot, open_view, guidance) -> None:
    view = open_view(guidance.path)
    view.pages.setFocus()
    before = view.zoom()
    qtbot.keyClick(view.pages, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() > before
    larger = view.zoom()
    qtbot.keyClick(view.pages, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom() < larger


def test_fit_width_keeps_body_text_legible_in_a_narrow_pane(qtbot, open_view, guidance) -> None:
    view = open_view(guidance.path, size=(700, 600))
    view.splitter.setSizes([0, 300, 400])
    view.set_zoom("fit-width")
    qtbot.waitUntil(lambda: view.pages.viewport().width() < 400)
    width_points = view.pages.page_sizes()[0][0]
    # 10-point text at least 8 pixels tall: the page scrolls sideways instead.
    assert view.pages.page_rect(0).width() >= width_points * 0.8 - 0.5
    assert view.pages.horizontalScrollBar().maximum() > 0


@pytest.mark.parametrize(
    ("key", "mods"),
    [
        (Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier),
        (Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.KeypadModifier),
        (Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier),
    ],
)
def test_every_ctrl_plus_zooms_in(qtbot, open_view, guidance, key, mods) -> None:
    view = open_view(guidance.path)
    view.pages.setFocus()
    before = view.zoom()
    qtbot.keyClick(view.pages, key, mods)
    assert view.zoom() > before


def test_ctrl_wheel_zooms_and_keeps_the_page_under_the_cursor(qtbot, open_view, guidance):
    view = open_view(guidance.path)
    view.go_to_page(5)
    spot = QPointF(200, 300)
    before = view.pages._point_at(spot)
    from PySide6.QtGui import QWheelEvent

    event = QWheelEvent(
        spot,
        view.pages.viewport().mapToGlobal(spot),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    old = view.zoom()
    QGuiApplication.sendEvent(view.pages.viewport(), event)
    assert view.zoom() > old
    after = view.pages._point_at(spot)
    assert after[0] == before[0]
    assert after[1][1] == pytest.approx(before[1][1], abs=2)


def test_keys_move_through_the_document(qtbot, open_view, guidance) -> None:
    view = open_view(guidance.path)
    view.pages.setFocus()
    qtbot.keyClick(view.pages, Qt.Key.Key_End)
    assert view.current_page() == guidance.page_count - 1
    qtbot.keyClick(view.pages, Qt.Key.Key_Home)
    assert view.current_page() == 0
    qtbot.keyClick(view.pages, Qt.Key.Key_PageDown)
    qtbot.keyClick(view.pages, Qt.Key.Key_PageDown)
    assert view.pages.verticalScrollBar().value() > 0


def test_dragging_selects_words_and_copy_puts_them_on_the_clipboard(qtbot, open_view, guidance):
    view = open_view(guidance.path)
    _wait_rendered(qtbot, view, 0)
    words = view.pages.words(0)
    first = next(i for i, w in enumerate(words) if w.text == "This")
    last = next(i for i, w in enumerate(words) if w.text == "synthetic" and i > first)
    start = view.pages.to_view(0, words[first][:4]).center().toPoint()
    end = view.pages.to_view(0, words[last][:4]).center().toPoint()
    viewport = view.pages.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(viewport, pos=start + QPoint(20, 0))
    qtbot.mouseMove(viewport, pos=end)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    assert view.pages.selected_text() == "This file is synthetic"
    QGuiApplication.clipboard().clear()
    view.pages.setFocus()
    qtbot.keyClick(view.pages, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "This file is synthetic"


def _click_point(qtbot, view: DocumentView, page: int, point: tuple[float, float]) -> None:
    view.pages.go_to_page(page, (0, point[1] - 100))
    pos = view.pages.to_view(page, (*point, *point)).topLeft().toPoint()
    qtbot.mouseClick(view.pages.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_internal_link_jumps_and_external_link_is_asked_for(qtbot, open_view, guidance):
    view = open_view(guidance.path)
    with qtbot.waitSignal(view.externalLinkRequested, timeout=2000) as signal:
        _click_point(qtbot, view, 0, (136, 727))
    assert signal.args == ["https://example.org/test"]
    _click_point(qtbot, view, 0, (136, 707))
    assert view.current_page() == 2
    # A JavaScript link is not a link at all: nothing is asked, the page does not move.
    with qtbot.assertNotEmitted(view.externalLinkRequested):
        _click_point(qtbot, view, 0, (136, 747))


def test_pointing_hand_over_a_link(qtbot, open_view, guidance) -> None:
    view = open_view(guidance.path)
    view.pages.go_to_page(0, (0, 600))
    pos = view.pages.to_view(0, (136, 707, 136, 707)).topLeft().toPoint()
    qtbot.mouseMove(view.pages.viewport(), pos=pos)
    assert view.pages.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseMove(view.pages.viewport(), pos=pos + QPoint(300, 0))
    assert view.pages.viewport().cursor().shape() == Qt.CursorShape.ArrowCursor


def _kept_bytes(view: DocumentView) -> int:
    """Bytes of the page pixels the view must keep: the pages in view and one either side."""
    cache = view.pages.cache
    return sum(
        item.image.sizeInBytes()
        for page in view.pages.visible_pages(margin=1)
        if (item := cache.get(page)) is not None and item.image is not None
    )


def test_scrolling_a_long_file_keeps_the_page_cache_bounded(qtbot, open_view, tmp_path) -> None:
    path = make_many_pages_pdf(tmp_path / "long.pdf", pages=200)
    view = open_view(path, blocks=[])
    assert view.page_count() == 200
    budget = view.pages.cache_budget()
    assert 0 < budget <= CACHE_BYTES
    for page in range(0, 200, 4):
        view.go_to_page(page)
        _wait_rendered(qtbot, view, page)
        # Bounded by bytes: a few screens' worth, or what is in view if that is more.
        assert view.pages.cache.nbytes <= max(budget, _kept_bytes(view))
    assert len(view.pages.cache) >= 2  # what is in view stays drawn
    assert view.pages.is_rendered(view.current_page())


def test_a_page_scrolled_back_to_after_a_long_scroll_is_drawn_again(
    qtbot, open_view, guidance
) -> None:
    # The cache let page 1 go on the way down; coming back, the reader sees its text, not a
    # grey placeholder that stays.
    view = open_view(guidance.path)
    _wait_rendered(qtbot, view, 0)
    for page in range(1, view.page_count()):
        view.go_to_page(page)
        _wait_rendered(qtbot, view, page)
    assert 0 not in view.pages.cache
    view.go_to_page(0)
    _wait_rendered(qtbot, view, 0)
    assert _dark_pixels(view, 0) > 50


def test_zooming_lets_the_old_zooms_pixels_go_except_where_the_reader_is(
    qtbot, open_view, guidance
) -> None:
    view = open_view(guidance.path)
    for page in range(6):
        view.go_to_page(page)
        _wait_rendered(qtbot, view, page)
    view.go_to_page(2)
    _wait_rendered(qtbot, view, 2)
    view.pages.set_zoom(150)
    key = view.pages._render_key()
    near = set(view.pages.visible_pages(margin=1))
    stale = [p for p in view.pages.cache.pages() if view.pages.cache.get(p).key != key]
    assert stale
    assert set(stale) <= near
    _wait_rendered(qtbot, view, view.current_page())
    assert _dark_pixels(view, view.current_page()) > 50


def test_pages_stay_drawn_when_the_lane_reopens_its_copy_of_the_file(
    qtbot, open_view, tmp_path
) -> None:
    # The drawing lane opens the file afresh every REOPEN_EVERY pages, to let MuPDF's parsed
    # pages go: pages drawn across that point look like any other.
    path = make_many_pages_pdf(tmp_path / "long.pdf", pages=REOPEN_EVERY + 20)
    view = open_view(path, blocks=[])
    for page in range(0, view.page_count(), 2):
        view.go_to_page(page)
        _wait_rendered(qtbot, view, page)
    assert view.worker._draw.calls > REOPEN_EVERY
    last = view.page_count() - 1
    view.go_to_page(last)
    _wait_rendered(qtbot, view, last)
    assert _dark_pixels(view, last) > 20


def test_a_page_image_is_drawn_on_mupdfs_pixels_and_lets_them_go(guidance) -> None:
    # No second copy of a page's pixels: the image is built on MuPDF's pixmap, which lives as
    # long as the image or any copy of it (Qt's implicit sharing), and no longer.
    import gc
    import weakref

    doc = open_pdf(guidance.path)
    reference = to_qimage(render_page(doc, 2, 96)).copy()
    rendered = render_page(doc, 2, 96, copy=False)
    pixmap = weakref.ref(rendered._owner)
    image = to_qimage(rendered)
    shared = image.copy(image.rect())  # a deep copy: the pixmap is not needed for it
    alias = QImage(image)  # a shallow copy: it shares the pixmap's bytes
    del rendered, image
    gc.collect()
    assert pixmap() is not None
    assert alias == reference
    del alias
    gc.collect()
    assert pixmap() is None
    assert shared == reference
    doc.close()


def test_the_old_zooms_pixels_go_back_once_the_new_zoom_is_drawn(
    qtbot, open_view, guidance, monkeypatch
) -> None:
    # They were freed into the drawing thread's heap: handed back to the system as soon as the
    # last page in view is drawn at the new zoom, not after the next trim a second later.
    real = heap._glibc()
    if real is None:
        pytest.skip("glibc only")
    trims = []

    class Counting:
        def malloc_trim(self, pad: int) -> int:
            trims.append(pad)
            return real.malloc_trim(pad)

    view = open_view(guidance.path)
    _wait_rendered(qtbot, view, 0)
    monkeypatch.setattr(heap, "_libc", Counting())
    monkeypatch.setattr(heap, "_last_trim", time.monotonic())  # one just now: the others wait
    view.pages.set_zoom(150)
    assert view.pages.cache.stale_pages(view.pages._render_key())  # standing in, meanwhile
    qtbot.waitUntil(
        lambda: not view.pages.cache.stale_pages(view.pages._render_key()), timeout=5000
    )
    assert trims  # (none before: every trim within the second was skipped)
