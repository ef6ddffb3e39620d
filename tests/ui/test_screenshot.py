"""`reader screenshot` renders the real window; each tab comes out as a readable picture."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from tests.conftest import ROOT


def _reader(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "tab", ["guidance", "shared-leadership", "discussion-tools", "presentation", "background"]
)
def test_screenshot_of_each_tab(tmp_path, tab) -> None:
    out = tmp_path / f"{tab}.png"
    result = _reader("screenshot", "--tab", tab, "--size", "900x600", "--out", str(out))
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)
    # Not a blank picture: the text area holds many distinct dark pixels (the text).
    dark = sum(
        1
        for y in range(100, 600, 7)
        for x in range(300, 900, 7)
        if image.pixelColor(x, y).lightness() < 100
    )
    assert dark > 50


def test_screenshot_rejects_an_unknown_tab(tmp_path) -> None:
    result = _reader("screenshot", "--tab", "nope", "--out", str(tmp_path / "x.png"))
    assert result.returncode == 2
    assert result.stderr.startswith("reader: There is no tab 'nope'")
    assert "Traceback" not in result.stderr
