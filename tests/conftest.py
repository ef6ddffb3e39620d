"""Shared test set-up: every test gets its own READER_HOME, and Qt runs offscreen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

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
