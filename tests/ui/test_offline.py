"""The reader never goes on the network: no socket is opened while it starts, searches, adds
and shows a document, and Qt's network module is never loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.cli import NO_NETWORK
from tests.conftest import ROOT
from tests.factories import make_guidance_pdf

GUARD = (
    NO_NETWORK
    + r"""
from reader import cli
statuses = [cli.main(args) for args in json.loads(sys.argv[1])]
print(json.dumps({
    "statuses": statuses,
    "sockets": opened,
    "qtnetwork": any(m.startswith("PySide6.QtNetwork") for m in sys.modules),
}))
"""
)


def test_no_socket_is_opened_and_qt_network_is_never_loaded(tmp_path: Path) -> None:
    pdf = tmp_path / "Leadership_and_management_for_all_doctors.pdf"
    make_guidance_pdf(pdf, pages=4, paragraphs=6)
    home = str(tmp_path / "home")
    runs = [
        ["--home", home, "add", str(pdf)],
        ["--home", home, "search", "individual funding request", "--json"],
        ["--home", home, "screenshot", "--tab", "guidance-pdf", "--out", str(tmp_path / "s.png")],
        ["--home", home, "inspect", str(pdf), "--json"],
    ]
    result = subprocess.run(
        [sys.executable, "-c", GUARD, json.dumps(runs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {"statuses": [0, 0, 0, 0], "sockets": [], "qtnetwork": False}, result.stderr
