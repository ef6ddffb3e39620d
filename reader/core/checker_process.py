"""Starting the airlock's child process (see :mod:`reader.core.safeopen`), and starting it early.

A child is a fresh Python that imports PyMuPDF before it reads its request (about 0.15 s on
an old PC). When the app is launched with a file (``reader FILE``, a double-click), that file is
probably new and will be checked in a child, so :func:`prestart` starts one at once, while the
window is still being built on the other core; :func:`take` hands it to the first check. A child
that is not needed (the file was already in the library) is stopped by :func:`discard`; it has
read nothing.

Light on purpose: importing this module must not import PyMuPDF.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
from pathlib import Path

CHILD_FLAG = "--safeopen-child"  # argv marker a frozen app's entry point hands to child_main

_lock = threading.Lock()
_warm: subprocess.Popen | None = None
_warm_env: dict[str, str] = {}  # the environment it was started with
# Set by PySide6 itself when the window's modules load, after an early start: it means nothing
# to a child, which never imports Qt (without this, every early child was thrown away).
_NOT_SETTINGS = frozenset({"PYSIDE6_OPTION_PYTHON_ENUM"})


def _settings() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in _NOT_SETTINGS}


def command() -> tuple[list[str], dict[str, str]]:
    """The child's command line and environment."""
    return app_child_command("reader.core.safeopen", CHILD_FLAG)


def app_child_command(module: str, flag: str) -> tuple[list[str], dict[str, str]]:
    """How the app starts one of its own child processes: ``python -m module flag``, or a
    frozen app running itself with ``flag`` (its entry point, reader.cli.main, dispatches)."""
    env = dict(os.environ)
    if getattr(sys, "frozen", False):
        # A frozen app has no "-m": its executable is the app.
        return [sys.executable, flag], env
    # Make the package importable in the child even when the app runs from a source tree
    # that is not installed (tests, `python -m reader` from the checkout).
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return [sys.executable, "-m", module, flag], env


def start() -> subprocess.Popen:
    """A new child, waiting for its JSON request on stdin. Raises OSError if it cannot start."""
    argv, env = command()
    return subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # MuPDF's warnings; nobody reads them, so never a full pipe
        env=env,
    )


def prestart() -> None:
    """Start a child now for a check that is about to come (at most one waits)."""
    global _warm, _warm_env
    with _lock:
        if _warm is not None:
            return
        try:
            _warm, _warm_env = start(), _settings()
        except OSError:
            _warm = None  # the check will start its own and word any failure


def take() -> subprocess.Popen | None:
    """The waiting child, if one was started and is still alive; it is the caller's now."""
    global _warm
    with _lock:
        child, _warm = _warm, None
    if child is None or child.poll() is not None:
        return None
    if _settings() != _warm_env:  # started under other settings: not this check's child
        child.kill()
        child.communicate()
        return None
    return child


def discard() -> None:
    """Stop a waiting child nobody needed."""
    child = take()
    if child is not None:
        child.kill()
        child.communicate()


atexit.register(discard)
