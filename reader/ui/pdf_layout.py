"""Page geometry of the continuous page view: where each page sits, at which scale.

Plain arithmetic on page sizes in PDF points, kept apart from the widget that paints the pages
and takes the mouse (:mod:`reader.ui.pdf_view`): the scale for a zoom mode, the top of each page
in the scrolled content, which pages a viewport shows, and the mapping between PDF points and
viewport pixels. Only ``QRectF`` from Qt, for the painter's convenience.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from PySide6.QtCore import QRectF

Rect = tuple[float, float, float, float]

FIT_WIDTH = "fit-width"
FIT_PAGE = "fit-page"
GAP = 12  # pixels between pages and around them
# Fit width never shrinks 10-point body text below 8 pixels, where strokes turn to grey mush
# (#11.11): in a narrow pane the page is drawn wider than the pane and scrolls sideways.
BODY_POINTS = 10.0
MIN_BODY_PIXELS = 8.0
LEGIBLE_SCALE = MIN_BODY_PIXELS / BODY_POINTS


@dataclass
class PageLayout:
    """Pages stacked top to bottom, centred, ``GAP`` pixels apart, at ``scale`` pixels/point."""

    sizes: list[tuple[float, float]]
    scale: float = 1.0  # logical pixels per point
    tops: list[float] = field(default_factory=list)  # each page's top in content pixels
    content_w: float = 0.0
    height: float = 0.0

    def fit_scale(self, mode: str, current: int, avail_w: float, avail_h: float) -> float:
        """The scale at which the widest page fits ``avail_w`` (or the current page fits both
        ways, for fit-page); ``avail_*`` are the viewport's pixels."""
        if not self.sizes:
            return 1.0
        avail_w = max(avail_w - 2 * GAP, 50)
        scale = max(avail_w / max(w for w, _ in self.sizes), LEGIBLE_SCALE)
        if mode == FIT_PAGE:
            w, h = self.sizes[current]
            scale = min(avail_w / w, max(avail_h - 2 * GAP, 50) / h)
        return scale

    def lay_out(self, scale: float) -> None:
        self.scale = max(scale, 0.05)
        self.tops = []
        y = float(GAP)
        for _, h in self.sizes:
            self.tops.append(y)
            y += h * self.scale + GAP
        self.height = y
        self.content_w = max((w for w, _ in self.sizes), default=0.0) * self.scale + 2 * GAP

    def render_key(self, ratio: float) -> float:
        """Device pixels per point for a screen of ``ratio``: what pages are rendered at."""
        return round(self.scale * ratio, 3)

    def device_size(self, index: int, ratio: float) -> tuple[int, int]:
        """The whole device pixels page ``index`` covers at ``render_key(ratio)``.

        Computed the way MuPDF sizes a pixmap (``fz_round_rect``: ceil with a 0.001 fuzz), so
        the image asked for at this key has exactly this size and is drawn 1:1, never squeezed.
        """
        key = self.render_key(ratio)
        w, h = self.sizes[index]
        return math.ceil(w * key - 0.001), math.ceil(h * key - 0.001)

    def page_top(self, index: int) -> float:
        return self.tops[index] if self.tops else 0.0

    def page_rect(self, index: int, scroll_x: float, scroll_y: float, view_w: float) -> QRectF:
        """Where page ``index`` is, in viewport pixels, for these scroll positions."""
        w, h = self.sizes[index]
        width = max(self.content_w, view_w)
        x = (width - w * self.scale) / 2 - scroll_x
        return QRectF(x, self.tops[index] - scroll_y, w * self.scale, h * self.scale)

    def to_view(self, page: QRectF, rect: Rect) -> QRectF:
        """``rect`` in points on a page drawn at ``page`` (viewport pixels)."""
        s = self.scale
        return QRectF(
            page.left() + rect[0] * s,
            page.top() + rect[1] * s,
            (rect[2] - rect[0]) * s,
            (rect[3] - rect[1]) * s,
        )

    def to_points(self, page: QRectF, x: float, y: float) -> tuple[float, float]:
        """A viewport pixel on a page drawn at ``page``, in points on that page."""
        return (x - page.left()) / self.scale, (y - page.top()) / self.scale

    def page_at(self, y: float) -> int:
        """The page whose top is at or above content pixel ``y``."""
        return max(0, bisect.bisect_right(self.tops, y) - 1)

    def visible(self, top: float, height: float, margin: int = 0) -> range:
        """The pages a viewport ``height`` pixels tall, scrolled to ``top``, shows (± margin)."""
        if not self.tops:
            return range(0)
        first = max(0, bisect.bisect_right(self.tops, top) - 1 - margin)
        last = min(len(self.sizes) - 1, bisect.bisect_left(self.tops, top + height) - 1 + margin)
        return range(first, max(first, last) + 1)
