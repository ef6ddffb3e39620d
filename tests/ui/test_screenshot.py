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


def test_a_screenshot_leaves_the_readers_settings_as_they_were(tmp_path) -> None:
    # IT taking a picture of a user's installation must not change that user's window size
    # (an offscreen window's geometry once made the next real start open tiny), tab or pages.
    home = tmp_path / "home"
    settings = home / "config" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text('{"last_tab": "background", "text_size": 14}\n', encoding="utf-8")
    before = settings.read_bytes()
    out = tmp_path / "shot.png"
    result = _reader(
        "--home", str(home), "screenshot", "--tab", "guidance", "--size", "800x500",
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.is_file()
    assert settings.read_bytes() == before


def test_a_remembered_window_too_small_to_read_opens_at_the_default_size(make_window, dirs):
    import base64

    from PySide6.QtWidgets import QMainWindow

    from reader.core.settings import SettingsStore

    tiny = QMainWindow()
    tiny.resize(300, 200)
    store = SettingsStore(dirs.settings_file)
    settings = store.load()
    settings.window_geometry = base64.b64encode(bytes(tiny.saveGeometry())).decode()
    store.save(settings)
    window = make_window()
    assert window.width() >= 640
    assert window.height() >= 480
