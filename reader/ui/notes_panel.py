"""The notes dock: every note grouped by document and section, filtered, searched and edited.

The panel is a thin view over the store: each filter change asks the store for the matching
notes (filtering happens in SQL) and hands them to :class:`NotesModel`, a list model whose
rows are group headings and notes. A note's citation and display text are worked out only when
the list paints that row, so 5,000 notes cost one query and no widgets
(tests/bench/bench_notes_panel.py). Note text is plain text: a ``QListView`` row shows
``<b>`` as typed.

Enter (or a double-click) asks to jump to the note's place; the editor under the list edits
the current note; Delete removes it, and Ctrl+Z puts it back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from reader.core.notes import COLOURS, Filter, Note
from reader.ui.note_editor import NoteEditor
from reader.ui.note_markers import mark_of

NOTE_ROLE = Qt.ItemDataRole.UserRole + 1
CHUNK = 150  # notes made into rows at a time: a few screenfuls
_Index = QModelIndex | QPersistentModelIndex


class NotesModel(QAbstractListModel):
    """Group headings and notes, in reading order; display text made on demand."""

    def __init__(self, cite: Callable[[Note], str], title_of: Callable[[str], str]) -> None:
        super().__init__()
        self._cite = cite
        self._title_of = title_of
        self._rows: list[tuple[str, Any]] = []  # ("head", text) or ("note", Note)
        self._ids: list[str] = []
        self._loaded = 0
        self._group: tuple | None = None
        self._load: Callable[[Sequence[str]], list[Note]] = lambda ids: []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_ids(self, ids: Sequence[str], load: Callable[[Sequence[str]], list[Note]]) -> None:
        """The notes to list, by id in reading order; ``load`` fetches notes by id. Rows are
        made a chunk at a time as the list scrolls (``fetchMore``), so 5,000 notes cost one
        query of ids and one screenful of notes."""
        self.beginResetModel()
        self._ids = list(ids)
        self._load = load
        self._loaded = 0
        self._rows = []
        self._group = None
        self._rows = self._more(CHUNK)
        self.endResetModel()

    def set_notes(self, notes: Sequence[Note]) -> None:
        by_id = {n.id: n for n in notes}
        self.set_ids(list(by_id), lambda chunk: [by_id[i] for i in chunk])

    def _more(self, count: int) -> list[tuple[str, Any]]:
        """The next ``count`` notes' rows (with their group headings), not yet in the list."""
        chunk = self._ids[self._loaded : self._loaded + count]
        self._loaded += len(chunk)
        rows: list[tuple[str, Any]] = []
        for note in self._load(chunk) if chunk else []:
            a = note.anchor
            key = (note.document, a.tab, a.section_title)
            if key != self._group:
                self._group = key
                where = a.section_title or (a.tab if note.document == "page" else "")
                title = self._title_of(note.document if note.document != "page" else a.tab)
                rows.append(("head", f"{title} — {where}" if where else title))
            rows.append(("note", note))
        return rows

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._loaded < len(self._ids)

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._loaded >= len(self._ids):
            return
        rows = self._more(CHUNK)
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def fetch_all(self) -> None:
        while self.canFetchMore():
            self.fetchMore()

    def total(self) -> int:
        return len(self._ids)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def note_at(self, row: int) -> Note | None:
        if 0 <= row < len(self._rows) and self._rows[row][0] == "note":
            return self._rows[row][1]
        return None

    def row_of(self, note_id: str) -> int:
        if note_id in self._ids:
            while self._loaded <= self._ids.index(note_id) and self.canFetchMore():
                self.fetchMore()
        for row, (kind, value) in enumerate(self._rows):
            if kind == "note" and value.id == note_id:
                return row
        return -1

    def notes(self) -> list[Note]:
        """Every listed note (fetching the rest first)."""
        self.fetch_all()
        return [value for kind, value in self._rows if kind == "note"]

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if self.note_at(index.row()) is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        kind, value = self._rows[index.row()]
        if kind == "head":
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return value
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            return None
        note: Note = value
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            quote = " ".join(note.quote.split())
            if len(quote) > 140:
                quote = quote[:137] + "…"
            # The group heading names the document and section; the row says only where in
            # it, so the clinician's own words are not buried under a repeated citation.
            where = f"Para {note.paragraph}" if note.paragraph else "Paragraph"
            if note.status != "anchored":
                where += f" ({note.status})"
            text = note.text.strip()
            lines = [f"{where} · {text}" if text else f"{where} · Highlight", f"“{quote}”"]
            return "\n".join(lines)
        if role == Qt.ItemDataRole.DecorationRole:
            return mark_of(note.colour)
        if role == Qt.ItemDataRole.ToolTipRole:
            return None  # the row shows it all; a rich-text tooltip would read markup
        if role == NOTE_ROLE:
            return note
        if role == Qt.ItemDataRole.ForegroundRole and note.status == "unplaced":
            return QColor("#777777")
        return None


class NotesPanel(QWidget):
    """The dock's contents. The controller gives it notes and listens to its requests."""

    filterChanged = Signal()
    jumpRequested = Signal(object)  # Note
    saveRequested = Signal(object, str, str)  # Note, text, colour
    deleteRequested = Signal(object)  # Note
    undoRequested = Signal()

    def __init__(
        self,
        cite: Callable[[Note], str],
        title_of: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("notes-panel")
        self.box = QLineEdit()
        self.box.setObjectName("notes-search")
        self.box.setPlaceholderText("Search notes…")
        self.box.setAccessibleName("Search notes")
        self.box.setClearButtonEnabled(True)
        self.colour = QComboBox()
        self.colour.setAccessibleName("Colour")
        self.colour.addItem("Any colour", None)
        for name in COLOURS:
            self.colour.addItem(name.capitalize(), name)
        self.document = QComboBox()
        self.document.setAccessibleName("Document")
        self.document.addItem("All documents", None)
        self.tag = QComboBox()
        self.tag.setAccessibleName("Tag")
        self.tag.addItem("Any tag", None)
        self.count = QLabel()
        self.count.setObjectName("notes-count")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.model = NotesModel(cite, title_of)
        self.list = QListView()
        self.list.setObjectName("notes-list")
        self.list.setAccessibleName("Notes")
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setSpacing(2)
        self.list.installEventFilter(self)
        self.editor = NoteEditor()
        self.editor.hide()

        filters = QHBoxLayout()
        filters.addWidget(self.colour)
        filters.addWidget(self.tag)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.box)
        layout.addLayout(filters)
        layout.addWidget(self.document)
        layout.addWidget(self.count)
        layout.addWidget(self.list, 3)
        layout.addWidget(self.editor, 2)

        self.box.textChanged.connect(self.filterChanged)
        self.box.returnPressed.connect(self._on_box_return)
        for combo in (self.colour, self.document, self.tag):
            combo.currentIndexChanged.connect(self.filterChanged)
        self.list.activated.connect(self._on_activated)
        self.list.selectionModel().currentChanged.connect(self._on_current_changed)
        self.editor.saveRequested.connect(self._on_save)
        self.editor.deleteRequested.connect(self._on_delete_current)
        self.editor.cancelled.connect(self.editor.hide)
        undo = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self._on_undo)

    # -- what the controller calls ---------------------------------------------------------
    def current_filter(self) -> Filter:
        return Filter(
            document=self.document.currentData(),
            colour=self.colour.currentData(),
            tag=self.tag.currentData(),
            text=self.box.text().strip() or None,
        )

    def set_ids(
        self, ids: Sequence[str], load: Callable[[Sequence[str]], list[Note]], total: int
    ) -> None:
        """List the notes ``ids`` (reading order); ``load`` fetches them a chunk at a time."""
        current = self.current_note()
        self.model.set_ids(ids, load)
        shown = len(ids)
        self.count.setText(
            f"{total} notes" if shown == total else f"{shown} of {total} notes shown"
        )
        if current is not None and current.id in ids:
            self.select_note(current.id, edit=False)

    def set_notes(self, notes: Sequence[Note], total: int) -> None:
        by_id = {n.id: n for n in notes}
        self.set_ids(list(by_id), lambda chunk: [by_id[i] for i in chunk], total)

    def set_choices(self, documents: Sequence[tuple[str, str]], tags: Sequence[str]) -> None:
        """The document and tag filters' choices, keeping what is chosen."""
        for combo, items in (
            (self.document, documents),
            (self.tag, [(f"#{t}", t) for t in tags]),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for label, value in items:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)

    def current_note(self) -> Note | None:
        return self.model.note_at(self.list.currentIndex().row())

    def select_note(self, note_id: str, edit: bool = True) -> bool:
        row = self.model.row_of(note_id)
        if row < 0:
            return False
        index = self.model.index(row)
        self.list.setCurrentIndex(index)
        self.list.scrollTo(index)
        if edit:
            self.edit_current()
        return True

    def edit_current(self) -> None:
        note = self.current_note()
        if note is None:
            return
        self.editor.edit(note, self.model._cite(note).replace("*", ""))
        self.editor.show()
        self.editor.text.setFocus()

    # -- slots -----------------------------------------------------------------------------
    @Slot()
    def _on_box_return(self) -> None:
        note = self.model.note_at(self.list.currentIndex().row())
        if note is None:
            note = next(filter(None, map(self.model.note_at, range(3))), None)
        if note is not None:
            self.jumpRequested.emit(note)

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        note = self.model.note_at(index.row())
        if note is not None:
            self.jumpRequested.emit(note)
            self.edit_current()

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        note = self.model.note_at(current.row())
        if note is not None and self.editor.isVisible():
            self.edit_current()

    @Slot(str, str)
    def _on_save(self, text: str, colour: str) -> None:
        if self.editor.note is not None:
            self.saveRequested.emit(self.editor.note, text, colour)

    @Slot()
    def _on_delete_current(self) -> None:
        note = self.editor.note if self.editor.isVisible() else self.current_note()
        if note is not None:
            self.editor.hide()
            self.deleteRequested.emit(note)

    @Slot()
    def _on_undo(self) -> None:
        if self.editor.text.hasFocus() and self.editor.text.document().isUndoAvailable():
            self.editor.text.undo()  # typing in the box: undo the typing, not a delete
            return
        self.undoRequested.emit()

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.list and isinstance(event, QKeyEvent):
            if event.type() == QKeyEvent.Type.KeyPress and event.key() == Qt.Key.Key_Delete:
                self._on_delete_current()
                return True
            if event.type() == QKeyEvent.Type.KeyPress and event.key() == Qt.Key.Key_F2:
                self.edit_current()
                return True
        return super().eventFilter(watched, event)
