"""Keeping each note's search entry in step with the note, off the GUI thread.

An index edit takes tens of milliseconds with a large library, too long for the thread that
answers the keyboard. Edits run on a worker thread of their own, one at a time and in order,
so that two quick saves of one note leave its newer text indexed. Search is a cache: a failed
edit is logged and never loses or holds up the note.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QThreadPool

from reader.core.errorlog import log_exception
from reader.core.notes import Note, search_block
from reader.ui.jobs import start_job


class NoteIndexer(QObject):
    """Edits the notes' entries in the index that ``index()`` returns."""

    def __init__(self, index: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._index = index
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one edit at a time, in order

    def update(self, note: Note, title: str) -> None:
        block = search_block(note)
        self._run(
            lambda _progress: self._index().update_block(block, "notes", title),
            "updating a note in the search index",
        )

    def remove(self, note_id: str) -> None:
        self._run(
            lambda _progress: self._index().remove_block(f"note:{note_id}"),
            "removing a note from the search index",
        )

    def finish(self, timeout_ms: int = 10000) -> bool:
        """Wait for the edits still running (at exit)."""
        return self._pool.waitForDone(timeout_ms)

    def _run(self, edit: Callable, context: str) -> None:
        job = start_job("note-index", edit, pool=self._pool)
        job.failed.connect(lambda error: log_exception(error.exception, context))
