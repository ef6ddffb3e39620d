"""User settings: a small JSON file with a schema version, written atomically.

A missing, unreadable or corrupt file gives the defaults (and the corrupt file is kept aside as
``settings.json.bad``, or a time-stamped name after that, so nothing is silently thrown away).
Unknown keys are ignored; values of the wrong type fall back to their default.
"""

from __future__ import annotations

import contextlib
import json
import stat
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from reader.core.atomic import write_text_atomic

SCHEMA_VERSION = 1
MIN_TEXT_SIZE = 8
MAX_TEXT_SIZE = 32
DEFAULT_TEXT_SIZE = 12
MAX_BYTES = 4 * 1024 * 1024  # window geometry and a few lists: far below this


@dataclass
class Settings:
    text_size: int = DEFAULT_TEXT_SIZE
    last_tab: str = "guidance"
    window_geometry: str = ""  # base64 of QWidget.saveGeometry(), opaque to the core
    open_documents: list = field(default_factory=list)  # ids of document tabs left open
    current_document: str = ""  # the document tab that was in front, if one was
    document_pages: dict = field(default_factory=dict)  # document id → page last read (0-based)
    sidebar_width: int = 0  # the contents sidebar's width as the reader left it (0: not set)
    extra: dict = field(default_factory=dict)

    def clamp(self) -> None:
        self.text_size = max(MIN_TEXT_SIZE, min(MAX_TEXT_SIZE, int(self.text_size)))


def _aside_name(path: Path) -> Path:
    """``settings.json.bad``, or a time-stamped name: an earlier damaged file is never lost."""
    import time

    target = path.with_name(path.name + ".bad")
    if not target.exists():
        return target
    stamp = time.strftime("%Y%m%d-%H%M%S")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.bad-{stamp}" + (f"-{n}" if n > 1 else ""))
        n += 1
    return target


class SettingsStore:
    """Loads and saves :class:`Settings` at one path."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.problem: str | None = None  # a plain sentence when the file had to be ignored

    def load(self) -> Settings:
        settings = Settings()
        try:
            info = self.path.stat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                # A folder, a FIFO (reading it would block) or something absurd in its place.
                self.problem = "Your settings file cannot be read, so the defaults are used."
                return settings
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return settings
        except OSError as exc:
            self.problem = (
                f"Your settings could not be read ({exc.strerror or exc}); the defaults are used."
            )
            return settings
        try:
            data = json.loads(raw.decode("utf-8-sig"))  # -sig: a byte-order mark is harmless
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except (ValueError, RecursionError):
            self.problem = (
                "Your settings file was damaged, so the defaults are used; the damaged file "
                "was kept as settings.json.bad."
            )
            with contextlib.suppress(OSError):
                self.path.replace(_aside_name(self.path))
            return settings
        for f in fields(Settings):
            if f.name in data:
                default = getattr(settings, f.name)
                value = data[f.name]
                if isinstance(value, type(default)) and not isinstance(value, bool):
                    setattr(settings, f.name, value)
        # Inside the containers too: the window trusts these types.
        settings.open_documents = [d for d in settings.open_documents if isinstance(d, str)]
        settings.document_pages = {
            k: v
            for k, v in settings.document_pages.items()
            if isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 10**6
        }
        try:
            settings.clamp()
        except (OverflowError, ValueError):
            settings.text_size = DEFAULT_TEXT_SIZE
        return settings

    def save(self, settings: Settings) -> None:
        """Write atomically. Raises OSError (e.g. a full disk); the old file stays intact."""
        settings.clamp()
        payload = {"schema_version": SCHEMA_VERSION, **asdict(settings)}
        write_text_atomic(self.path, json.dumps(payload, indent=2, sort_keys=True) + "\n")
