"""The notes store: a clinician's paragraph notes and highlights, kept in SQLite so none is lost.

One database file in the user data folder, opened in WAL mode with foreign keys on and a
``busy_timeout``, so the app and the command line (or two copies of the app) can write at once
without losing a note. Every change is one ``BEGIN IMMEDIATE`` transaction. The schema carries
its version in ``PRAGMA user_version`` and is brought forward by :data:`MIGRATIONS`.

A note keeps the anchor it was written on (document, edition, block, paragraph number, the
quoted words with their context, their position in the block, and for PDF blocks the page and
boxes). That anchor is never rewritten by the app: when a new edition arrives, where the note
lands now (its *placement* and status) is stored beside it, so going back to the first edition
finds every note where it was. Re-attachment itself lives in :mod:`reader.core.notes_anchor`.

Never lost: at open the database is checked (``PRAGMA quick_check``); a damaged file is moved
aside and the newest good backup restored, with one sentence in :attr:`NotesStore.recovery`.
Backups are made with SQLite's backup API, at most one a day, the last seven kept
(:mod:`reader.core.notes_backup`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from reader.core.content import Block
from reader.core.notes_model import (
    COLOURS,
    CONTEXT_CHARS,
    DEFAULT_COLOUR,
    STATUSES,
    Anchor,
    Filter,
    Note,
    NotesError,
    anchor_for,
    edition_key,
    now,
    parse_tags,
)

if TYPE_CHECKING:
    from reader.core.notes_model import Placement
    from reader.paths import UserDirs

__all__ = [
    "COLOURS",
    "CONTEXT_CHARS",
    "DB_NAME",
    "DEFAULT_COLOUR",
    "SCHEMA_VERSION",
    "STATUSES",
    "Anchor",
    "Filter",
    "Note",
    "NotesError",
    "NotesStore",
    "anchor_for",
    "edition_key",
    "notes_as_search_items",
    "now",
    "parse_tags",
    "search_block",
]

BUSY_TIMEOUT_MS = 15000  # another writer holds the lock for milliseconds; wait well beyond that
DB_NAME = "notes.sqlite3"


# Each entry brings the schema from version i to i + 1; append, never edit a shipped one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE notes (
        id TEXT PRIMARY KEY,
        document TEXT NOT NULL,
        edition TEXT NOT NULL,
        tab TEXT NOT NULL DEFAULT '',
        section TEXT NOT NULL DEFAULT '',
        section_title TEXT NOT NULL DEFAULT '',
        block TEXT NOT NULL,
        ordinal INTEGER NOT NULL DEFAULT 0,
        paragraph TEXT,
        exact TEXT NOT NULL,
        prefix TEXT NOT NULL DEFAULT '',
        suffix TEXT NOT NULL DEFAULT '',
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        page INTEGER,
        boxes TEXT NOT NULL DEFAULT '[]',
        colour TEXT NOT NULL DEFAULT 'yellow',
        text TEXT NOT NULL DEFAULT '',
        created TEXT NOT NULL,
        modified TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'anchored'
            CHECK (status IN ('anchored', 'moved', 'changed', 'unplaced')),
        placed_edition TEXT,
        placed_block TEXT,
        placed_paragraph TEXT,
        placed_start INTEGER,
        placed_end INTEGER,
        placed_quote TEXT
    );
    CREATE INDEX notes_by_document ON notes (document, section);
    CREATE INDEX notes_by_modified ON notes (modified);
    CREATE TABLE note_tags (
        note_id TEXT NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        explicit INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (note_id, tag)
    );
    CREATE INDEX note_tags_by_tag ON note_tags (tag);
    """,
    # 2: the panel lists notes in reading order; an index in that order saves the sort.
    """
    CREATE INDEX notes_in_order ON notes (document, ordinal, start, created);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

_NOTE_COLUMNS = (
    "id, document, edition, tab, section, section_title, block, ordinal, paragraph, exact, "
    'prefix, suffix, start, "end", page, boxes, colour, text, created, modified, status, '
    "placed_edition, placed_block, placed_paragraph, placed_start, placed_end, placed_quote"
)


def _plain_error(exc: Exception, path: Path) -> NotesError:
    """One sentence for what SQLite or the file system said; the caller keeps the text."""
    text = str(exc).lower()
    if "full" in text or getattr(exc, "errno", None) == 28:
        why = "the disk is full"
    elif "readonly" in text or "read-only" in text or isinstance(exc, PermissionError):
        why = f"the folder {path.parent} cannot be written to"
    elif "locked" in text or "busy" in text:
        why = "another copy of the reader kept them busy for too long"
    elif "unable to open" in text:
        why = f"the folder {path.parent} cannot be opened"
    elif isinstance(exc, OSError):
        why = f"the folder {path.parent} cannot be written to ({exc.strerror or exc})"
    else:
        why = f"of an error ({exc})"
    return NotesError(f"Your notes could not be saved because {why}; your text is kept.")


class NotesStore:
    """The notes of one user, in ``path``; backups go to ``backups``."""

    def __init__(self, path: Path, backups: Path | None = None, *, backup: bool = True) -> None:
        self.path = Path(path)
        self.backups = Path(backups) if backups else self.path.parent / "notes-backups"
        self.recovery: str | None = None  # one sentence when the file had to be restored
        self._backup = False  # not during migrations; switched on below
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _plain_error(exc, self.path) from None
        from reader.core.notes_backup import check_and_recover

        try:
            self.recovery = check_and_recover(self.path, self.backups)
        except (OSError, sqlite3.Error) as exc:
            raise _plain_error(exc, self.path) from None
        self._db = self._connect()
        self._migrate()
        self._backup = backup
        self._maybe_backup()

    def _maybe_backup(self) -> None:
        """Today's backup, once there is something to keep; a failed backup never stops work."""
        if not self._backup:
            return
        from reader.core.notes_backup import backup_if_due, has_backup_for_today

        if has_backup_for_today(self.backups):
            return
        with contextlib.suppress(OSError, sqlite3.Error):
            if self.count():
                backup_if_due(self._db, self.backups)

    @classmethod
    def open(cls, dirs: UserDirs) -> NotesStore:
        """The store in the user data folder of ``dirs`` (a :class:`reader.paths.UserDirs`)."""
        return cls(Path(dirs.data) / DB_NAME, Path(dirs.data) / "notes-backups")

    # -- connection ---------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA journal_mode = WAL")
            # FULL: a note acknowledged is on disk even if the power goes a moment later.
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
            raise _plain_error(exc, self.path) from None
        return db

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise NotesError(
                "Your notes were saved by a newer version of the reader; update the reader "
                "to open them."
            )
        for number in range(version, SCHEMA_VERSION):
            with self._write() as db:
                # Another process may have migrated while we waited for the lock.
                if db.execute("PRAGMA user_version").fetchone()[0] != number:
                    continue
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number + 1}")

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction, taken for writing at once so two writers queue instead of failing."""
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise _plain_error(exc, self.path) from None
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _plain_error(exc, self.path) from None
            raise
        self._maybe_backup()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()

    def __enter__(self) -> NotesStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- changes ------------------------------------------------------------------------

    def add(
        self,
        anchor: Anchor,
        text: str = "",
        colour: str = DEFAULT_COLOUR,
        tags: Iterable[str] = (),
        note_id: str | None = None,
    ) -> Note:
        """Save a new note; when this returns, the note is on disk."""
        stamp = now()
        explicit = parse_tags("", tags)
        note = Note(
            id=note_id or str(uuid.uuid4()),
            anchor=anchor,
            text=text,
            colour=colour or DEFAULT_COLOUR,
            tags=parse_tags(text, explicit),
            explicit_tags=explicit,
            created=stamp,
            modified=stamp,
        )
        with self._write() as db:
            self._insert(db, note)
        return note

    def update(
        self,
        note_id: str,
        *,
        text: str | None = None,
        colour: str | None = None,
        tags: Iterable[str] | None = None,
    ) -> Note:
        """Change a note's text, colour or explicit tags (``#tags`` in the text follow it)."""
        with self._write() as db:
            note = self._get(db, note_id)
            if note is None:
                raise NotesError(f"There is no note {note_id}.")
            explicit = parse_tags("", tags) if tags is not None else note.explicit_tags
            new_text = note.text if text is None else text
            note = replace(
                note,
                text=new_text,
                colour=colour or note.colour,
                explicit_tags=explicit,
                tags=parse_tags(new_text, explicit),
                modified=now(),
            )
            db.execute(
                "UPDATE notes SET text = ?, colour = ?, modified = ? WHERE id = ?",
                (note.text, note.colour, note.modified, note.id),
            )
            self._write_tags(db, note)
        return note

    def delete(self, note_id: str) -> Note:
        """Remove a note and return it whole, so the caller can offer Undo (:meth:`restore`)."""
        with self._write() as db:
            note = self._get(db, note_id)
            if note is None:
                raise NotesError(f"There is no note {note_id}.")
            db.execute("DELETE FROM notes WHERE id = ?", (note_id,))
        return note

    def restore(self, note: Note) -> Note:
        """Put back a deleted note exactly as it was (Undo)."""
        with self._write() as db:
            if self._get(db, note.id) is None:
                self._insert(db, note)
        return note

    def reanchor(self, note_id: str, anchor: Anchor) -> Note:
        """The user accepted a new place ("Accept" or "Re-attach here"): it becomes the anchor."""
        with self._write() as db:
            note = self._get(db, note_id)
            if note is None:
                raise NotesError(f"There is no note {note_id}.")
            note = replace(
                note,
                anchor=anchor,
                status="anchored",
                modified=now(),
                placed_edition=None,
                placed_block=None,
                placed_paragraph=None,
                placed_start=None,
                placed_end=None,
                placed_quote=None,
            )
            db.execute("DELETE FROM notes WHERE id = ?", (note_id,))
            self._insert(db, note)
        return note

    def merge(self, notes: Iterable[Note]) -> int:
        """Add the notes whose ids are new (an import); returns how many were added."""
        added = 0
        with self._write() as db:
            for note in notes:
                if self._get(db, note.id) is None:
                    self._insert(db, note)
                    added += 1
        return added

    def apply_placements(self, placements: Iterable[Placement], editions: Mapping[str, str]) -> int:
        """Record where each note sits in the editions now open (from notes_anchor.reattach).

        Only rows that changed are written, so looking costs no writes once settled.
        """
        changed = 0
        with self._write() as db:
            for p in placements:
                row = db.execute(
                    "SELECT document, status, placed_block, placed_start, placed_end, "
                    "placed_edition FROM notes WHERE id = ?",
                    (p.note_id,),
                ).fetchone()
                if row is None:
                    continue
                edition = editions.get(row[0], "")
                if tuple(row[1:]) == (p.status, p.block, p.start, p.end, edition):
                    continue
                db.execute(
                    "UPDATE notes SET status = ?, placed_edition = ?, placed_block = ?, "
                    "placed_paragraph = ?, placed_start = ?, placed_end = ?, placed_quote = ? "
                    "WHERE id = ?",
                    (p.status, edition, p.block, p.paragraph, p.start, p.end, p.quote, p.note_id),
                )
                changed += 1
        return changed

    def _insert(self, db: sqlite3.Connection, note: Note) -> None:
        a = note.anchor
        db.execute(
            f"INSERT INTO notes ({_NOTE_COLUMNS}) VALUES ({', '.join('?' * 27)})",
            (
                note.id,
                a.document,
                a.edition,
                a.tab,
                a.section,
                a.section_title,
                a.block,
                a.ordinal,
                a.paragraph,
                a.exact,
                a.prefix,
                a.suffix,
                a.start,
                a.end,
                a.page,
                json.dumps([list(b) for b in a.boxes]),
                note.colour,
                note.text,
                note.created,
                note.modified,
                note.status if note.status in STATUSES else "anchored",
                note.placed_edition,
                note.placed_block,
                note.placed_paragraph,
                note.placed_start,
                note.placed_end,
                note.placed_quote,
            ),
        )
        self._write_tags(db, note)

    @staticmethod
    def _write_tags(db: sqlite3.Connection, note: Note) -> None:
        db.execute("DELETE FROM note_tags WHERE note_id = ?", (note.id,))
        explicit = set(note.explicit_tags)
        db.executemany(
            "INSERT INTO note_tags (note_id, tag, explicit) VALUES (?, ?, ?)",
            [(note.id, tag, int(tag in explicit)) for tag in note.tags],
        )

    # -- queries ------------------------------------------------------------------------

    def get(self, note_id: str) -> Note | None:
        return self._get(self._db, note_id)

    def _get(self, db: sqlite3.Connection, note_id: str) -> Note | None:
        found = self._select(db, "WHERE n.id = ?", (note_id,))
        return found[0] if found else None

    def list(self, where: Filter | None = None) -> list[Note]:
        """Notes in reading order (document, section, block, position), filtered."""
        sql, params = _where_sql(where or Filter())
        return self._select(self._db, sql, params)

    def ids(self, where: Filter | None = None) -> list[str]:
        """The ids of :meth:`list`'s notes, in the same order, without building the notes:
        the panel fetches the notes themselves a screenful at a time."""
        sql, params = _where_sql(where or Filter())
        rows = self._db.execute(
            f"SELECT n.id FROM notes n {sql} ORDER BY n.document, n.ordinal, n.start, n.created",
            params,
        ).fetchall()
        return [r[0] for r in rows]

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM notes").fetchone()[0]

    def tags(self) -> list[tuple[str, int]]:
        """Every tag in use with how many notes carry it, for the panel's filter."""
        return self._db.execute(
            "SELECT tag, count(*) FROM note_tags GROUP BY tag ORDER BY tag"
        ).fetchall()

    def _select(self, db: sqlite3.Connection, where: str, params: tuple) -> list[Note]:
        cols = ", ".join(f"n.{c.strip()}" for c in _NOTE_COLUMNS.split(","))
        rows = db.execute(
            f"SELECT {cols}, (SELECT group_concat(tag || ':' || explicit, ' ') FROM note_tags "
            f"WHERE note_id = n.id) FROM notes n {where} "
            "ORDER BY n.document, n.ordinal, n.start, n.created",
            params,
        ).fetchall()
        return [_note_from_row(row) for row in rows]


def _where_sql(where: Filter) -> tuple[str, tuple]:
    """The WHERE clause (and its parameters) for a :class:`Filter`; filtering stays in SQL."""
    clauses: list[str] = []
    params: list[object] = []
    if where.document:
        clauses.append("n.document = ?")
        params.append(where.document)
    if where.colour:
        clauses.append("n.colour = ?")
        params.append(where.colour)
    if where.status:
        clauses.append("n.status = ?")
        params.append(where.status)
    if where.tag:
        clauses.append("n.id IN (SELECT note_id FROM note_tags WHERE tag = ?)")
        params.append(where.tag.lstrip("#").lower())
    if where.text:
        for word in where.text.split():
            clauses.append("(instr(lower(n.text), ?) > 0 OR instr(lower(n.exact), ?) > 0)")
            params.extend([word.lower(), word.lower()])
    if where.ids:
        clauses.append(f"n.id IN ({', '.join('?' * len(where.ids))})")
        params.extend(where.ids)
    sql = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return sql, tuple(params)


def _frozen(cls, **values):
    """A frozen dataclass from every one of its fields, without the per-field
    ``object.__setattr__`` of its generated ``__init__``: listing 5,000 notes for the panel
    spends most of its time there (tests/bench/bench_notes.py)."""
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


def _note_from_row(row: tuple) -> Note:
    (
        note_id, document, edition, tab, section, section_title, block, ordinal, paragraph,
        exact, prefix, suffix, start, end, page, boxes, colour, text, created, modified, status,
        p_edition, p_block, p_paragraph, p_start, p_end, p_quote, tag_list,
    ) = row  # fmt: skip
    pairs = [t.rsplit(":", 1) for t in (tag_list or "").split()]
    anchor = _frozen(
        Anchor,
        document=document,
        edition=edition,
        block=block,
        exact=exact,
        start=start,
        end=end,
        prefix=prefix,
        suffix=suffix,
        paragraph=paragraph,
        tab=tab,
        section=section,
        section_title=section_title,
        ordinal=ordinal,
        page=page,
        boxes=tuple(tuple(b) for b in json.loads(boxes)) if boxes and boxes != "[]" else (),
    )
    return _frozen(
        Note,
        id=note_id,
        anchor=anchor,
        text=text,
        colour=colour,
        tags=tuple(sorted(t for t, _ in pairs)),
        explicit_tags=tuple(sorted(t for t, e in pairs if e == "1")),
        created=created,
        modified=modified,
        status=status,
        placed_edition=p_edition,
        placed_block=p_block,
        placed_paragraph=p_paragraph,
        placed_start=p_start,
        placed_end=p_end,
        placed_quote=p_quote,
    )


def search_block(note: Note) -> Block:
    """A note as the search index holds it (kind ``note``, id ``note:<id>``): the UI passes
    this to ``SearchIndex.update_block(block, "notes", title)`` after a save, and
    ``remove_block("note:<id>")`` after a delete, so the index stays current without a rebuild."""
    a = note.anchor
    return Block(
        id=f"note:{note.id}",
        document=a.document,
        tab=a.tab,
        section=a.section,
        section_title=a.section_title,
        kind="note",
        text=note.text,
        paragraph=note.paragraph,
        page=a.page,
    )


def notes_as_search_items(path: Path) -> list[Block]:
    """Every note as a search block (kind ``note``, id ``note:<id>``), read without opening
    the store for writing; no database yet means no notes."""
    path = Path(path)
    if not path.is_file():
        return []
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            rows = db.execute(
                "SELECT id, document, tab, section, section_title, coalesce(placed_block, block),"
                " coalesce(placed_paragraph, paragraph), page, text, exact FROM notes"
            ).fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return []
    return [
        Block(
            id=f"note:{r[0]}",
            document=r[1],
            tab=r[2],
            section=r[3],
            section_title=r[4],
            kind="note",
            text=r[8] or r[9],
            paragraph=r[6],
            page=r[7],
            source_line=None,
        )
        for r in rows
        if (r[8] or "").strip()
    ]
