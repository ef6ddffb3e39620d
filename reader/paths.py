"""Where things live: the bundled content and assets, and the user's own folders.

Bundled files are found in the source tree, next to an installed package, or inside a frozen
PyInstaller bundle (``sys._MEIPASS``); they are never written. Everything the app writes goes
under the platform's per-user folders (platformdirs) or, in portable mode, under one ``--home``
folder (also the ``READER_HOME`` environment variable).

Portable by marker: a frozen app with a file named ``portable.txt`` beside its executable keeps
everything in a ``data`` folder beside it (a USB stick, a network share), exactly as
``--home <that folder>/data`` would. Only the frozen app looks for the marker: run from source,
``sys.executable`` is the Python interpreter, whose folder is not the app's, and the checkout
is not an install folder either, so there ``--home`` / ``READER_HOME`` is the way. The order is
``--home``, then ``READER_HOME``, then the marker, then the per-user folders. The install folder
itself is never written: with the marker, only ``data/`` beside the executable is.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from reader import APP_ID


def install_root() -> Path:
    """The folder holding ``content/`` and ``assets/``."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    here = Path(__file__).resolve().parent
    for candidate in (here.parent, here / "_bundled"):
        if (candidate / "content" / "manifest.toml").is_file():
            return candidate
    return here.parent


PORTABLE_MARKER = "portable.txt"


def portable_home() -> Path | None:
    """The ``data`` folder beside a frozen executable that has the portable marker, or None."""
    if not getattr(sys, "frozen", False):
        return None
    exe_dir = Path(sys.executable).resolve().parent
    if (exe_dir / PORTABLE_MARKER).is_file():
        return exe_dir / "data"
    return None


def bundled_content() -> Path:
    return install_root() / "content"


def assets_dir() -> Path:
    return install_root() / "assets"


@dataclass(frozen=True)
class UserDirs:
    """The per-user folders. Created on first use, not at start-up."""

    config: Path
    data: Path
    cache: Path

    @classmethod
    def for_home(cls, home: Path | str | None = None) -> UserDirs:
        home = home or os.environ.get("READER_HOME") or portable_home()
        if home:
            root = Path(home).expanduser().resolve()
            return cls(root / "config", root / "data", root / "cache")
        import platformdirs

        return cls(
            Path(platformdirs.user_config_dir(APP_ID, appauthor=False, roaming=True)),
            Path(platformdirs.user_data_dir(APP_ID, appauthor=False, roaming=False)),
            Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)),
        )

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def documents(self) -> Path:
        """The drop folder that a user or hospital IT fills; never written by the app."""
        return self.data / "documents"

    @property
    def library(self) -> Path:
        """The app's own copies of added documents, and their record."""
        return self.data / "library"

    @property
    def index_dir(self) -> Path:
        return self.cache / "index"
