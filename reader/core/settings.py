"""User settings: a small JSON file with a schema version, written atomically.

A missing, unreadable or corrupt file gives the defaults (and the corrupt file is kept aside as
``settings.json.bad`` so nothing is silently thrown away). Unknown keys are ignored; values of
the wrong type fall back to their default.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from reader.core.atomic import write_text_atomic

SCHEMA_VERSION = 1
MIN_TEXT_SIZE = 8
MAX_TEXT_SIZE = 32
DEFAULT_TEXT_SIZE = 12


@dataclass
class Settings:
    text_size: int = DEFAULT_TEXT_SIZE
    last_tab: str = "guidance"
    window_geometry: str = ""  # base64 of QWidget.saveGeometry(), opaque to the core
    open_documents: list = field(default_factory=list)  # ids of document tabs left open
    current_document: str = ""  # the document tab that was in front, if one was
    document_pages: dict = field(default_factory=dict)  # document id → page last read (0-based)
    extra: dict = field(default_factory=dict)

    def clamp(self) -> None:
        self.text_size = max(MIN_TEXT_SIZE, min(MAX_TEXT_SIZE, int(self.text_size)))


class SettingsStore:
    """Loads and saves :class:`Settings` at one path."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.problem: str | None = None  # a plain sentence when the file had to be ignored

    def load(self) -> Settings:
        settings = Settings()
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return settings
        except (OSError, UnicodeDecodeError) as exc:
            self.problem = f"Your settings could not be read ({exc}); the defaults are used."
            return settings
        try:
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except ValueError:
            self.problem = (
                "Your settings file was damaged, so the defaults are used; the damaged file "
                "was kept as settings.json.bad."
            )
            with contextlib.suppress(OSError):
                self.path.replace(self.path.with_name(self.path.name + ".bad"))
            return settings
        for f in fields(Settings):
            if f.name in data:
                default = getattr(settings, f.name)
                value = data[f.name]
                if isinstance(value, type(default)) and not isinstance(value, bool):
                    setattr(settings, f.name, value)
        settings.clamp()
        return settings

    def save(self, settings: Settings) -> None:
        """Write atomically. Raises OSError (e.g. a full disk); the old file stays intact."""
        settings.clamp()
        payload = {"schema_version": SCHEMA_VERSION, **asdict(settings)}
        write_text_atomic(self.path, json.dumps(payload, indent=2, sort_keys=True) + "\n")
