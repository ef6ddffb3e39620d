"""Backups of the notes database, and recovery when the file is found damaged.

Backups are made with SQLite's online backup API (consistent even while another copy of the
app writes), at most one a day, named by date, the newest :data:`KEEP` kept. At open, the
database gets a ``PRAGMA quick_check``; a damaged file is moved aside under a timestamped name
(never overwriting an earlier one) and the newest backup that passes its own check is restored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from pathlib import Path

KEEP = 7
PREFIX = "notes-"
SUFFIX = ".sqlite3"


def _backups(folder: Path) -> list[Path]:
    """Backups, newest first (their names sort by date)."""
    try:
        found = [p for p in folder.iterdir() if p.name.startswith(PREFIX) and p.suffix == SUFFIX]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name, reverse=True)


def has_backup_for_today(folder: Path, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return (folder / f"{PREFIX}{today.isoformat()}{SUFFIX}").exists()


def backup_if_due(
    db: sqlite3.Connection, folder: Path, today: dt.date | None = None
) -> Path | None:
    """Copy the database to ``folder`` unless today's copy exists; keep the newest KEEP."""
    today = today or dt.date.today()
    target = folder / f"{PREFIX}{today.isoformat()}{SUFFIX}"
    if target.exists():
        return None
    folder.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    dest = sqlite3.connect(tmp)
    try:
        db.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
    finally:
        dest.close()
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    tmp.replace(target)
    for old in _backups(folder)[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def is_healthy(path: Path) -> bool:
    """False only when SQLite says the file is damaged (not a database, malformed, or
    ``PRAGMA quick_check`` not ok). A busy or unreadable file is not called damaged: setting
    aside a good file because another copy held a lock would be worse than no check."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            rows = db.execute("PRAGMA quick_check").fetchall()
        finally:
            db.close()
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        return any(word in text for word in ("locked", "busy", "unable to open", "readonly"))
    except sqlite3.DatabaseError:
        return False
    return rows == [("ok",)]


def _aside_name(path: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while candidate.exists():  # never overwrite a file set aside earlier
        n += 1
        candidate = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    return candidate


def check_and_recover(path: Path, folder: Path) -> str | None:
    """Check ``path``; if damaged, set it aside and restore the newest good backup.

    Returns ``None`` when all is well, otherwise one sentence for the user.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    if is_healthy(path):
        return None
    aside = _aside_name(path)
    path.replace(aside)
    for extra in ("-wal", "-shm"):
        side = path.with_name(path.name + extra)
        if side.exists():
            with contextlib.suppress(OSError):
                side.replace(aside.with_name(aside.name + extra))
    for backup in _backups(folder):
        if not is_healthy(backup):
            continue
        src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        dest = sqlite3.connect(path)
        try:
            src.backup(dest)
        finally:
            src.close()
            dest.close()
        day = backup.name[len(PREFIX) : -len(SUFFIX)]
        return (
            f"Your notes file was damaged, so it was moved to {aside} and your notes were "
            f"restored from the backup of {day}."
        )
    return (
        f"Your notes file was damaged and no good backup was found, so it was moved to {aside} "
        "and a new notes file was started."
    )
