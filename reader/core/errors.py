"""The errors a user can meet when a pack or a document cannot be used, in one place.

Each message is one plain sentence naming the file. Kept apart from the readers that raise them
so that catching a document error (the slides reader, the CLI, the window) loads no PDF library.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reader.core.model import Block

# How long reading a document's text may take before it stops with what it has.
DEFAULT_TIMEOUT = 60.0


class ContentError(Exception):
    """The pack cannot be loaded; the message is one plain sentence naming the file and line."""


class DocumentError(Exception):
    """A document cannot be used; the message is one plain sentence naming the file."""


class PasswordRequired(DocumentError):
    """The PDF is encrypted and needs a (correct) password to open."""


class ExtractionTimeout(DocumentError):
    """Reading the text took longer than allowed; ``blocks`` holds what was read so far."""

    def __init__(self, message: str, blocks: list[Block]) -> None:
        super().__init__(message)
        self.blocks = blocks


def document_name(doc_or_path: object) -> str:
    """The file name to put in a message, from a path or an open document (its ``name``)."""
    raw = getattr(doc_or_path, "name", doc_or_path)
    return Path(str(raw)).name or "The document"
