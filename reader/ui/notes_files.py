"""File ▸ Export notes… and File ▸ Import notes…: the file dialogs around the core's formats.

Export writes the notes the panel shows (its filters choose them) as Markdown, W3C Web
Annotation JSON-LD or a reflective note for appraisal, atomically. Import merges a W3C file:
importing the same file twice adds nothing. Each ends with one sentence in the status bar.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog

from reader.core.atomic import write_text_atomic
from reader.core.notes import Note, NotesError
from reader.core.notes_export import (
    NotesImportError,
    parse_w3c,
    to_markdown,
    to_reflective,
    to_w3c,
)

MARKDOWN = "Markdown (*.md)"
W3C = "W3C Web Annotation (*.jsonld *.json)"
REFLECTIVE = "Reflective note for appraisal (*.md)"
STATUS_MS = 8000


def export_text(notes: Sequence[Note], chosen: str, controller: Any) -> str:
    if chosen == W3C:
        return json.dumps(to_w3c(notes), indent=2, ensure_ascii=False) + "\n"
    if chosen == REFLECTIVE:
        return to_reflective(notes, controller.sources)
    return to_markdown(notes, controller.sources)


def export_notes(controller: Any, notes: Sequence[Note]) -> Path | None:
    window = controller.window
    if not notes:
        window.statusBar().showMessage("There are no notes to export.", STATUS_MS)
        return None
    start = str(Path.home() / "notes.md")
    path, chosen = QFileDialog.getSaveFileName(
        window, "Export notes", start, ";;".join((MARKDOWN, W3C, REFLECTIVE))
    )
    if not path:
        return None
    out = Path(path)
    if chosen == W3C and out.suffix.lower() not in (".jsonld", ".json"):
        out = out.with_suffix(".jsonld")
    elif chosen != W3C and not out.suffix:
        out = out.with_suffix(".md")
    try:
        write_text_atomic(out, export_text(notes, chosen or MARKDOWN, controller))
    except OSError as exc:
        window.show_error(f"The notes could not be written to {out}: {exc.strerror or exc}.")
        return None
    window.statusBar().showMessage(f"{len(notes)} notes exported to {out}.", STATUS_MS)
    return out


def import_notes(controller: Any) -> int:
    """Merge a W3C annotation file; returns how many notes were new."""
    window = controller.window
    path, _ = QFileDialog.getOpenFileName(
        window, "Import notes", str(Path.home()), f"{W3C};;All files (*)"
    )
    if not path:
        return 0
    try:
        notes, skipped = parse_w3c(Path(path).read_bytes())
        added = controller.store.merge(notes)
    except (OSError, NotesImportError, NotesError) as exc:
        window.show_error(str(exc) if not isinstance(exc, OSError) else f"{path} cannot be read.")
        return 0
    said = f"{added} new notes imported from {Path(path).name}"
    if len(notes) > added:
        said += f"; {len(notes) - added} were already here"
    if skipped:
        said += f"; {skipped} entries were not notes this reader can use"
    window.statusBar().showMessage(said + ".", STATUS_MS)
    return added
