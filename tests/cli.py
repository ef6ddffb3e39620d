"""Running the real command line in a child process, as hospital IT and scripts do."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def run_reader(
    *args: str,
    home: Path,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    timeout: float = 180,
) -> subprocess.CompletedProcess:
    """``python -m reader --home HOME ARGS…``: its exit status and what it printed."""
    return subprocess.run(
        [sys.executable, "-m", "reader", "--home", str(home), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def run_python(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -c CODE`` in the project's folder, in a fresh process (its own ``sys.modules``)."""
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


# A child's first lines: every socket refused and counted in ``opened`` (create_connection too).
NO_NETWORK = r"""
import json, socket, sys
opened = []
class NoNetwork(socket.socket):
    def __init__(self, family=-1, *args, **kwargs):
        opened.append(int(family))
        raise OSError("network use is not allowed in the reader")
socket.socket = NoNetwork
socket.create_connection = lambda *a, **k: (_ for _ in ()).throw(OSError("no network"))
"""
