"""Shared test set-up: every test gets its own READER_HOME, and Qt runs offscreen."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

_EXIT_STATUS = pytest.StashKey[int]()
ROOT = Path(__file__).resolve().parent.parent
SEED_CANDIDATES = [ROOT.parent / "shared" / "seed" / "000_9e87eec0001acca5.txt"]


@pytest.fixture(autouse=True)
def reader_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Everything the app writes goes under a fresh folder, never the real user folders."""
    home = tmp_path / "home"
    monkeypatch.setenv("READER_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def content_dir() -> Path:
    return ROOT / "content"


@pytest.fixture(scope="session")
def pack(content_dir: Path):
    from reader.core.content import load_pack

    return load_pack(content_dir)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # After many windows with search jobs, PySide6 6.12 can abort in the interpreter's final
    # garbage collection ("bool_dealloc"), after every test has passed and been reported. The
    # app's own exit is not affected (tests/ui/test_screenshot.py runs it to the end), so the
    # test process skips interpreter finalisation once the report is printed.
    if "PySide6" in sys.modules and _EXIT_STATUS in config.stash:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config.stash[_EXIT_STATUS])
