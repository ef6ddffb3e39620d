"""PySide6 does not read the source of every module the app imports after it.

PySide6 looks for its ``__feature__`` opt-in in each module imported after it, by reading the
module's source; the sources then stay in ``linecache`` (13 MB once PyMuPDF is loaded).
``reader.ui`` answers that question without reading anything (see its docstring).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def test_modules_imported_after_qt_are_not_read_as_text() -> None:
    code = """
import json, linecache, sys
from reader.ui.app import application
from reader.ui.main_window import MainWindow
import pymupdf
from PySide6.QtWidgets import QLabel
app = application()
label = QLabel("still Qt as usual")
cached = [name for name in linecache.cache if name.endswith(".py")]
print(json.dumps({"cached": cached, "text": label.text()}))
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["text"] == "still Qt as usual"
    # only what PySide6 read while it loaded itself, before ``reader.ui`` could step in
    assert not [name for name in found["cached"] if "/reader/" in name or "pymupdf" in name]
