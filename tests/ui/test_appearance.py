"""Light and dark schemes, and sharp text on high-DPI screens."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtGui import QColor, QGuiApplication, QImage, QPalette

from tests.conftest import ROOT


def _dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, "#202124"),
        (QPalette.ColorRole.Base, "#1b1c1e"),
        (QPalette.ColorRole.Text, "#e8eaed"),
        (QPalette.ColorRole.WindowText, "#e8eaed"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def test_text_follows_a_dark_scheme(window, qapp) -> None:
    light = window.current_view().toHtml()
    original = QGuiApplication.palette()
    try:
        qapp.setPalette(_dark_palette())
        window._on_color_scheme_changed()
        dark = window.current_view().toHtml()
    finally:
        qapp.setPalette(original)
        window._on_color_scheme_changed()
    assert "#e8eaed" in dark  # body text takes the palette's light text colour
    assert "#8cc4ff" in dark  # links are a light blue that reads on a dark base
    assert "#8cc4ff" not in light


def test_high_dpi_screenshot_is_twice_the_pixels(tmp_path) -> None:
    out = tmp_path / "hidpi.png"
    result = subprocess.run(
        [sys.executable, "-m", "reader", "screenshot", "--size", "600x400", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_SCALE_FACTOR": "2"},
    )
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1200, 800)
