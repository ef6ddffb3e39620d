"""The page view: a PDF's pages stacked in one continuous scroll, drawn off the GUI thread.

Only the pages in view, and one either side, are drawn; the rest are grey placeholders with their
number until the worker brings their pixels. On top of the pixels the view draws what the reader
asked for: find hits, search terms, the outline of a numbered paragraph, and a text selection.
Coordinates on a page are PDF points; the geometry (scale, where each page sits) is
:mod:`reader.ui.pdf_layout`, and this module paints and takes the keyboard and mouse.
"""

from __future__ import annotations

from functools import partial

import pymupdf
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QMenu, QWidget

from reader.core.heap import release_free_memory
from reader.core.pdfdoc import PageLink, Word, page_sizes
from reader.ui.overlays import PageOverlay, default_page_overlays
from reader.ui.pdf_layout import FIT_PAGE, FIT_WIDTH, GAP, PageLayout, Rect
from reader.ui.pdf_pages import CACHE_SCREENS, PDF_LOCK, PageCache, PageImage, PageWorker
from reader.ui.pdf_text import PageText

ZOOM_STEPS = (50, 67, 75, 90, 100, 110, 125, 150, 175, 200, 250, 300, 400)
MIN_ZOOM, MAX_ZOOM = 50.0, 400.0
DRAG_THRESHOLD = 4

PLACEHOLDER = QColor("#e4e4e4")
PLACEHOLDER_TEXT = QColor("#8a8a8a")


class PdfView(QAbstractScrollArea):
    """Continuous-scroll pages of one document; ``doc`` is used on the GUI thread only."""

    pageChanged = Signal(int)
    zoomChanged = Signal(float)  # percent
    externalLinkRequested = Signal(str)
    selectionChanged = Signal(bool)  # whether any text is selected
    firstPagePainted = Signal()  # once: a page's own pixels (not a placeholder) are on screen

    def __init__(
        self, doc: pymupdf.Document, worker: PageWorker, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._doc = doc
        self._worker = worker
        with PDF_LOCK:
            self.page_layout = PageLayout(page_sizes(doc))
        self._mode: str | float = FIT_WIDTH
        self._current = 0
        self._programmatic = False
        self.cache = PageCache()
        self._failed: dict[int, str] = {}
        self.painted_page = False  # see firstPagePainted
        self.text = PageText(doc)
        self._hits: list[tuple[int, Rect]] = []
        self._hit_index = -1
        self._mark: tuple[int, Rect] | None = None
        self._selection: tuple[int, int, int] | None = None  # page, first word, last word
        self._overlays: list[PageOverlay] = default_page_overlays()
        # Callables (view, menu, viewport pos) that add entries to the context menu (notes).
        self.menu_hooks: list = []
        self._press: tuple[QPointF, int, Word | None, PageLink | None] | None = None
        self._dragged = False
        self._request_timer = QTimer(self)
        self._request_timer.setSingleShot(True)
        self._request_timer.setInterval(0)

        self.setObjectName("pdf-pages")
        self.setAccessibleName("Document pages")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.viewport().setMouseTracking(True)
        self.viewport().setAutoFillBackground(False)
        self._build_actions()
        self._connect()
        self._relayout()

    def _build_actions(self) -> None:
        def action(text: str, keys: list[QKeySequence], slot) -> QAction:
            act = QAction(text, self)
            act.setShortcuts(keys)
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        # Ctrl+plus (shifted or keypad) and Ctrl+= all zoom, as they enlarge the text elsewhere.
        zoom_in_keys = [
            QKeySequence(QKeySequence.StandardKey.ZoomIn),
            QKeySequence("Ctrl++"),
            QKeySequence("Ctrl+="),
        ]
        self.zoom_in_action = action("Zoom in", zoom_in_keys, self.zoom_in)
        self.zoom_out_action = action(
            "Zoom out", [QKeySequence(QKeySequence.StandardKey.ZoomOut)], self.zoom_out
        )
        self.copy_action = action(
            "Copy", [QKeySequence(QKeySequence.StandardKey.Copy)], self.copy_selection
        )
        self.copy_action.setEnabled(False)

    def _connect(self) -> None:
        self._worker.pageRendered.connect(self._on_page_rendered)
        self._request_timer.timeout.connect(self._on_request_visible)
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.selectionChanged.connect(self.copy_action.setEnabled)

    # -- public API ------------------------------------------------------------------------
    def page_count(self) -> int:
        return len(self.page_layout.sizes)

    def is_rendered(self, index: int) -> bool:
        """Whether page ``index`` has pixels at the current zoom (not a placeholder)."""
        item = self.cache.get(index)
        return item is not None and item.image is not None and item.key == self._render_key()

    def page_sizes(self) -> list[tuple[float, float]]:
        return list(self.page_layout.sizes)

    def current_page(self) -> int:
        return self._current

    def zoom(self) -> float:
        """The zoom in percent, 100 being the page's printed size on this screen."""
        return round(self.page_layout.scale / self._unit() * 100.0, 1)

    def zoom_mode(self) -> str | float:
        return self._mode

    def set_zoom(self, mode: str | float, anchor: QPointF | None = None) -> None:
        """``"fit-width"``, ``"fit-page"`` or a percentage (50-400), keeping ``anchor`` still."""
        if isinstance(mode, str) and mode not in (FIT_WIDTH, FIT_PAGE):
            mode = float(mode.strip().rstrip("%"))
        if not isinstance(mode, str):
            mode = min(max(float(mode), MIN_ZOOM), MAX_ZOOM)
        spot = anchor if anchor is not None else QPointF(self.viewport().width() / 2, 0)
        held = self._point_at(spot)
        self._mode = mode
        self._relayout()
        if held is not None:
            page, point = held
            top = self._page_top(page) + point[1] * self.page_layout.scale
            self._set_scroll(top - spot.y())
        self.zoomChanged.emit(self.zoom())

    def zoom_in(self) -> None:
        current = self.zoom()
        self.set_zoom(next((z for z in ZOOM_STEPS if z > current + 0.5), MAX_ZOOM))

    def zoom_out(self) -> None:
        current = self.zoom()
        self.set_zoom(next((z for z in reversed(ZOOM_STEPS) if z < current - 0.5), MIN_ZOOM))

    def go_to_page(self, index: int, point: tuple[float, float] | None = None) -> None:
        """Scroll page ``index`` (0-based) to the top, or the spot ``point`` (in points) on it."""
        index = min(max(index, 0), self.page_count() - 1)
        y = self._page_top(index) - GAP
        if point is not None:
            y = self._page_top(index) + point[1] * self.page_layout.scale - GAP * 2
        self._set_scroll(y)
        self._set_current(index)

    def show_rect(self, index: int, rect: Rect | None, *, mark: bool = True) -> None:
        """Bring ``rect`` on page ``index`` into view near the top, outlined when ``mark``."""
        self._mark = (index, rect) if mark and rect else None
        if rect is None:
            self.go_to_page(index)
        else:
            self.go_to_page(index, (rect[0], rect[1] - 24))  # a line of context above
        self.viewport().update()

    def clear_mark(self) -> None:
        if self._mark is not None:
            self._mark = None
            self.viewport().update()

    def marked(self) -> tuple[int, Rect] | None:
        return self._mark

    def set_hits(self, hits: list[tuple[int, Rect]]) -> None:
        self._hits = hits
        self._hit_index = -1
        self.viewport().update()

    def set_current_hit(self, index: int) -> None:
        if not self._hits:
            return
        self._hit_index = index % len(self._hits)
        page, rect = self._hits[self._hit_index]
        self._mark = None
        target = self.page_rect(page)
        y0 = target.top() + rect[1] * self.page_layout.scale
        y1 = target.top() + rect[3] * self.page_layout.scale
        if y0 < 0 or y1 > self.viewport().height():
            self._set_scroll(self.verticalScrollBar().value() + y0 - self.viewport().height() / 3)
        self._set_current(page)
        self.viewport().update()

    def hits(self) -> list[tuple[int, Rect]]:
        return list(self._hits)

    def current_hit(self) -> int:
        return self._hit_index

    def set_terms(self, terms: list[str]) -> None:
        """Mark these words wherever they occur on the pages (the app-wide search's terms)."""
        self.text.set_terms(terms)
        self.viewport().update()

    def term_rects(self, page: int) -> list[Rect]:
        return self.text.term_rects(page)

    def selected_text(self) -> str:
        if self._selection is None:
            return ""
        return self.text.text_of(*self._selection)

    def select_page_text(self, page: int | None = None) -> None:
        page = self._current if page is None else page
        count = len(self.words(page))
        self._set_selection((page, 0, count - 1) if count else None)

    def copy_selection(self) -> None:
        text = self.selected_text()
        if text:
            QGuiApplication.clipboard().setText(text)

    def page_rect(self, index: int) -> QRectF:
        """Where page ``index`` is, in viewport pixels."""
        return self.page_layout.page_rect(
            index,
            self.horizontalScrollBar().value(),
            self.verticalScrollBar().value(),
            self.viewport().width(),
        )

    def to_view(self, index: int, rect: Rect) -> QRectF:
        """``rect`` (points on page ``index``) in viewport pixels."""
        return self.page_layout.to_view(self.page_rect(index), rect)

    def visible_pages(self, margin: int = 0) -> range:
        top = self.verticalScrollBar().value()
        return self.page_layout.visible(top, self.viewport().height(), margin)

    def words(self, page: int) -> list[Word]:
        return self.text.words(page)

    # -- layout ----------------------------------------------------------------------------
    def _unit(self) -> float:
        """Logical pixels per point at 100 %: the printed size on this screen."""
        return max(self.logicalDpiX(), 72) / 72.0

    def _relayout(self) -> None:
        if self._mode in (FIT_WIDTH, FIT_PAGE):
            viewport = self.viewport()
            scale = self.page_layout.fit_scale(
                str(self._mode), self._current, viewport.width(), viewport.height()
            )
        else:
            scale = float(self._mode) / 100.0 * self._unit()
        shown = set(self.visible_pages(margin=1)) if self.page_layout.tops else set()
        self.page_layout.lay_out(scale)
        self._bound_cache(shown)
        y = self.page_layout.height
        vbar, hbar = self.verticalScrollBar(), self.horizontalScrollBar()
        self._programmatic = True
        vbar.setRange(0, max(0, round(y - self.viewport().height())))
        vbar.setPageStep(max(1, round(self.viewport().height() * 0.9)))
        vbar.setSingleStep(40)
        hbar.setRange(0, max(0, round(self.page_layout.content_w - self.viewport().width())))
        hbar.setPageStep(max(1, self.viewport().width()))
        hbar.setSingleStep(40)
        self._programmatic = False
        self.viewport().update()
        self._request_timer.start()

    def _page_top(self, index: int) -> float:
        return self.page_layout.page_top(index)

    def cache_budget(self) -> int:
        """Bytes of page pixels kept: CACHE_SCREENS screens of this view at the current zoom."""
        ratio = self.devicePixelRatioF()
        # A page wider than the view (a narrow pane, a big zoom) is drawn whole: count its width.
        width = max(self.viewport().width(), self.page_layout.content_w)
        return round(CACHE_SCREENS * width * self.viewport().height() * ratio * ratio * 4)

    def _bound_cache(self, shown: set[int]) -> None:
        """After a resize or a zoom: the budget for this size, and no old zoom's pixels kept
        off-screen, where they would only be drawn anew before they are seen. ``shown`` are
        the pages in view before the change: they stand in, scaled, until drawn anew."""
        keep = shown | set(self.visible_pages(margin=1))
        held = self.cache.nbytes
        self.cache.drop_stale(self._render_key(), keep)
        self.cache.set_budget(self.cache_budget(), keep)
        if self.cache.nbytes < held:
            release_free_memory(min_interval=1.0)  # see _on_page_rendered

    def _render_key(self) -> float:
        return self.page_layout.render_key(self.devicePixelRatioF())

    def _set_scroll(self, y: float) -> None:
        self._programmatic = True
        self.verticalScrollBar().setValue(round(y))
        self._programmatic = False
        self.viewport().update()
        self._request_timer.start()

    def _set_current(self, index: int) -> None:
        if index != self._current:
            self._current = index
            self.pageChanged.emit(index)

    def _page_under(self, pos: QPointF) -> int | None:
        for index in self.visible_pages():
            if self.page_rect(index).contains(pos):
                return index
        return None

    def _point_at(self, pos: QPointF) -> tuple[int, tuple[float, float]] | None:
        """The page and the point on it (in points) under ``pos``, or nearest vertically."""
        if not self.page_layout.tops:
            return None
        index = self.page_layout.page_at(self.verticalScrollBar().value() + pos.y())
        return index, self.page_layout.to_points(self.page_rect(index), pos.x(), pos.y())

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.fillRect(self.viewport().rect(), self._backdrop())
        key = self._render_key()
        ratio = self.devicePixelRatioF()
        drew_page = False
        for index in self.visible_pages():
            rect = self.page_rect(index)
            painter.fillRect(rect.translated(2, 2), QColor(0, 0, 0, 50))
            item = self.cache.get(index)
            if item is not None and item.image is not None:
                drew_page = True
                painter.fillRect(rect, Qt.GlobalColor.white)
                if item.key == key:
                    # 1:1: the image is exactly the device pixels the page covers (its device
                    # pixel ratio is set), placed on a whole device pixel, so no stroke is
                    # resampled away ("patents" for "patients" came from a 0.5 % squeeze).
                    corner = QPointF(
                        round(rect.left() * ratio) / ratio, round(rect.top() * ratio) / ratio
                    )
                    painter.drawImage(corner, item.image)
                else:
                    # The old zoom's pixels, smoothed, until the new render arrives.
                    painter.save()
                    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                    painter.drawImage(rect, item.image)
                    painter.restore()
            else:
                self._paint_placeholder(painter, rect, index)
            self._paint_overlays(painter, index)
        painter.end()
        if drew_page and not self.painted_page:
            self.painted_page = True
            self.firstPagePainted.emit()

    def _backdrop(self) -> QColor:
        base = self.palette().color(self.palette().ColorRole.Base)
        return QColor("#3a3d41") if base.lightness() < 128 else QColor("#9aa0a6")

    def _paint_placeholder(self, painter: QPainter, rect: QRectF, index: int) -> None:
        painter.fillRect(rect, PLACEHOLDER)
        painter.setPen(PLACEHOLDER_TEXT)
        text = f"Page {index + 1}"
        if index in self._failed:
            text = f"Page {index + 1} could not be drawn."
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _paint_overlays(self, painter: QPainter, index: int) -> None:
        for overlay in self._overlays:
            painter.save()
            overlay.paint_page(self, painter, index)
            painter.restore()

    def add_overlay(self, overlay: PageOverlay) -> None:
        """Draw ``overlay`` on every visible page, above the marks already there."""
        self._overlays.append(overlay)
        self.viewport().update()

    def remove_overlay(self, overlay: PageOverlay) -> None:
        if overlay in self._overlays:
            self._overlays.remove(overlay)
            self.viewport().update()

    def selection(self) -> tuple[int, int, int] | None:
        """The selected words: (page, first word, last word), or ``None``."""
        return self._selection

    # -- rendering requests ----------------------------------------------------------------
    @Slot()
    def _on_request_visible(self) -> None:
        key = self._render_key()
        ratio = self.devicePixelRatioF()
        wanted = [i for i in self.visible_pages(margin=1) if i not in self._failed]
        # Nearest first: the pages in view, then the margin.
        visible = set(self.visible_pages())
        wanted.sort(key=lambda i: (i not in visible, i))
        todo = [i for i in wanted if (item := self.cache.get(i)) is None or item.key != key]
        self._worker.want_pages((i, key) for i in todo)
        for index in todo:
            self._worker.request_page(index, key, ratio)

    @Slot(object)
    def _on_page_rendered(self, item: PageImage) -> None:
        if item.image is None:
            self._failed[item.page] = item.error
        elif item.key == self._render_key() or item.page not in self.cache:
            last = self.cache.stale_pages(item.key) == {item.page}  # the old zoom's last page
            if self.cache.put(item, keep=self.visible_pages(margin=1)) or last:
                # Pixels let go stay in the drawing thread's heap: hand them back (1-2 ms), at
                # once when the last old zoom's page is drawn anew, else at most once a second.
                release_free_memory(min_interval=0.0 if last else 1.0)
        if item.page in self.visible_pages():
            self.viewport().update()

    @Slot(int)
    def _on_scrolled(self, _value: int) -> None:
        self.viewport().update()
        self._request_timer.start()
        if self._programmatic:
            return
        bar = self.verticalScrollBar()
        if bar.value() >= bar.maximum() and bar.maximum() > 0:
            self._set_current(self.page_count() - 1)
            return
        top = bar.value() + self.viewport().height() * 0.25
        self._set_current(self.page_layout.page_at(top))

    # -- events ----------------------------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        # The window's menu has "larger text" on Ctrl+plus; over the pages it means zoom.
        if event.type() == QEvent.Type.ShortcutOverride and self._key_action(event):
            event.accept()
            return True
        return super().event(event)

    def _key_action(self, event: QKeyEvent) -> QAction | None:
        combo = event.keyCombination()
        pressed = [QKeySequence(combo)]
        # "+" is Shift+= on many keyboards (and on the keypad carries KeypadModifier): Ctrl with
        # either still means zoom in.
        loose = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        if combo.key() == Qt.Key.Key_Plus and combo.keyboardModifiers() & loose:
            mods = combo.keyboardModifiers() & ~loose
            pressed.append(QKeySequence(mods.value | combo.key().value))
        for action in (self.zoom_in_action, self.zoom_out_action, self.copy_action):
            if action.isEnabled() and any(p in action.shortcuts() for p in pressed):
                return action
        return None

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._mode in (FIT_WIDTH, FIT_PAGE):
            self.set_zoom(self._mode, QPointF(0, 0))
        else:
            self._relayout()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y()
            if steps > 0:
                target = next((z for z in ZOOM_STEPS if z > self.zoom() + 0.5), MAX_ZOOM)
            elif steps < 0:
                target = next((z for z in reversed(ZOOM_STEPS) if z < self.zoom() - 0.5), MIN_ZOOM)
            else:
                return
            self.set_zoom(target, event.position())
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        bar = self.verticalScrollBar()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        moves = {
            Qt.Key.Key_PageDown: bar.pageStep(),
            Qt.Key.Key_PageUp: -bar.pageStep(),
            Qt.Key.Key_Space: bar.pageStep(),
            Qt.Key.Key_Down: bar.singleStep(),
            Qt.Key.Key_Up: -bar.singleStep(),
        }
        action = self._key_action(event)
        if action is not None:
            action.trigger()
        elif key == Qt.Key.Key_Home:
            self.go_to_page(0)
        elif key == Qt.Key.Key_End:
            bar.setValue(bar.maximum())
            self._set_current(self.page_count() - 1)
        elif key in moves and not ctrl:
            bar.setValue(bar.value() + moves[key])
        elif key == Qt.Key.Key_Escape and self._selection is not None:
            self._set_selection(None)
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        pos = event.position()
        page = self._page_under(pos)
        self._dragged = False
        if page is None:
            self._press = None
            self._set_selection(None)
            return
        point = self._pdf_point(page, pos)
        link = self.text.link_at(page, point)
        self._press = (pos, page, self.text.word_near(page, point), link)
        if link is None:
            self._set_selection(None)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        page = self._page_under(pos)
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            over_link = page is not None and self.text.link_at(page, self._pdf_point(page, pos))
            shape = Qt.CursorShape.PointingHandCursor if over_link else Qt.CursorShape.ArrowCursor
            self.viewport().setCursor(shape)
            return
        start, press_page, anchor, _link = self._press
        if (pos - start).manhattanLength() < DRAG_THRESHOLD and not self._dragged:
            return
        self._dragged = True
        words = self.words(press_page)
        end = self.text.word_near(press_page, self._pdf_point(press_page, pos))
        if anchor is None or end is None:
            return
        a, b = words.index(anchor), words.index(end)
        self._set_selection((press_page, min(a, b), max(a, b)))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        press, self._press = self._press, None
        if press is None or event.button() != Qt.MouseButton.LeftButton or self._dragged:
            return
        _, page, _word, link = press
        if link is not None and link == self.text.link_at(
            page, self._pdf_point(page, event.position())
        ):
            self._follow(link)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        menu.addAction(self.copy_action)
        select = menu.addAction("Select all text on this page")
        page = self._page_under(QPointF(event.pos())) or self._current
        select.triggered.connect(partial(self.select_page_text, page))
        menu.addSeparator()
        menu.addAction(self.zoom_in_action)
        menu.addAction(self.zoom_out_action)
        menu.addAction("Fit width").triggered.connect(partial(self.set_zoom, FIT_WIDTH))
        menu.addAction("Fit page").triggered.connect(partial(self.set_zoom, FIT_PAGE))
        for hook in self.menu_hooks:
            hook(self, menu, event.pos())
        menu.exec(event.globalPos())

    # -- helpers ---------------------------------------------------------------------------
    def _pdf_point(self, page: int, pos: QPointF) -> tuple[float, float]:
        rect = self.page_rect(page)
        return self.page_layout.to_points(rect, pos.x(), pos.y())

    def _follow(self, link: PageLink) -> None:
        if link.kind == "internal" and link.page is not None:
            self._mark = None
            self.go_to_page(link.page, link.point)
        elif link.kind == "external" and link.uri:
            self.externalLinkRequested.emit(link.uri)

    def _set_selection(self, selection: tuple[int, int, int] | None) -> None:
        if selection != self._selection:
            had = self._selection is not None
            self._selection = selection
            self.viewport().update()
            if had != (selection is not None) or selection is not None:
                self.selectionChanged.emit(selection is not None)
