"""The notes store never loses a note: crashes, two writers, a damaged file, a full disk."""

from __future__ import annotations

import datetime as dt
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.core.notes import SCHEMA_VERSION, Anchor, Filter, NotesError, NotesStore
from reader.core.notes_backup import KEEP, backup_if_due
from tests.conftest import ROOT

WRITER = """
import sys
from pathlib import Path
from reader.core.notes import Anchor, NotesStore

store = NotesStore(Path(sys.argv[1]))
prefix, count = sys.argv[2], int(sys.argv[3])
anchor = Anchor(document="page", edition="e", block="b", exact="shared leadership", start=0, end=17)
for i in range(count):
    note = store.add(anchor, f"{prefix} note {i} " + "words " * 60, note_id=f"{prefix}-{i}")
    print(note.id, flush=True)  # printed only once the note is committed
"""


def _anchor(block: str = "b", exact: str = "shared leadership") -> Anchor:
    return Anchor(document="page", edition="e", block=block, exact=exact, start=0, end=len(exact))


def _writer(db: Path, prefix: str, count: int) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), prefix, str(count)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def _integrity(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def test_notes_round_trip_with_tags_filters_and_undo(tmp_path: Path) -> None:
    with NotesStore(tmp_path / "notes.sqlite3") as store:
        typed = "Use at the <b>team</b> meeting #Teaching\n<script>x</script>"
        a = store.add(_anchor(), typed, colour="green", tags=["appraisal"])
        b = store.add(_anchor("c", "leadership"), "plain")
        assert a.tags == ("appraisal", "teaching")
        assert store.get(a.id).text == typed  # stored exactly as typed
        assert [n.id for n in store.list(Filter(tag="#teaching"))] == [a.id]
        assert [n.id for n in store.list(Filter(colour="green"))] == [a.id]
        assert [n.id for n in store.list(Filter(text="team"))] == [a.id]
        edited = store.update(a.id, text="now #reflection only")
        assert edited.tags == ("appraisal", "reflection")  # the explicit tag stays
        gone = store.delete(b.id)
        assert store.get(b.id) is None
        store.restore(gone)
        assert store.get(b.id) == gone
        assert dict(store.tags()) == {"appraisal": 1, "reflection": 1}
    con = sqlite3.connect(tmp_path / "notes.sqlite3")
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_a_killed_writer_never_damages_the_file_or_loses_an_acknowledged_note(
    tmp_path: Path,
) -> None:
    db = tmp_path / "notes.sqlite3"
    rng = random.Random(9)
    acknowledged: set[str] = set()
    deadline = time.monotonic() + 12  # keeps the whole test well under 20 s on a busy machine
    rounds = 0
    while rounds < 25 and time.monotonic() < deadline:
        proc = _writer(db, f"r{rounds}", 10_000)
        for _ in range(rng.randint(1, 30)):
            line = proc.stdout.readline().strip()
            if line:
                acknowledged.add(line)
        proc.kill()  # SIGKILL, mid-write of the next note
        proc.wait()
        proc.stdout.close()
        rounds += 1
    assert rounds >= 5
    assert _integrity(db) == "ok"
    with NotesStore(db, backup=False) as store:
        assert store.recovery is None
        kept = {n.id for n in store.list()}
    assert acknowledged <= kept


def test_two_writers_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite3"
    NotesStore(db).close()  # both writers open an existing file, as two copies of the app do
    procs = [_writer(db, name, 120) for name in ("app", "cli")]
    outputs = [p.communicate(timeout=60)[0].split() for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert [len(o) for o in outputs] == [120, 120]
    with NotesStore(db) as store:
        assert store.count() == 240
    assert _integrity(db) == "ok"


@pytest.mark.parametrize("where", ["header", "pages"])
def test_a_damaged_file_is_set_aside_and_the_newest_backup_restored(
    tmp_path: Path, where: str
) -> None:
    db = tmp_path / "notes.sqlite3"
    backups = tmp_path / "backups"
    with NotesStore(db, backups, backup=False) as store:
        kept = [store.add(_anchor(), f"yesterday's note {i} " + "x" * 900).id for i in range(40)]
    with NotesStore(db, backups) as store:  # the day's first open backs up what is there
        store.add(_anchor(), "after today's backup")
    assert len(list(backups.iterdir())) == 1
    data = bytearray(db.read_bytes())
    start = 0 if where == "header" else 4096
    data[start : start + 8192] = os.urandom(8192)
    db.write_bytes(bytes(data))

    with NotesStore(db, backups) as store:
        assert store.recovery is not None
        assert "damaged" in store.recovery
        assert "restored from the backup of" in store.recovery
        assert {n.id for n in store.list()} == set(kept)
        store.add(_anchor(), "work goes on")
    aside = [
        p
        for p in tmp_path.iterdir()
        if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))
    ]
    assert len(aside) == 1
    assert str(aside[0]) in store.recovery

    # Damaged again the same second: the first file set aside is not overwritten.
    db.write_bytes(b"not a database at all" * 100)
    with NotesStore(db, backups) as store:
        assert store.recovery
    assert (
        len([p for p in tmp_path.iterdir() if ".damaged-" in p.name and p.name[-1].isdigit()]) == 2
    )


def test_backups_at_most_one_a_day_and_the_last_seven_kept(tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite3"
    folder = tmp_path / "backups"
    with NotesStore(db, folder, backup=False) as store:
        store.add(_anchor(), "n")
        con = store._db
        first = dt.date(2026, 1, 1)
        for day in range(10):
            assert backup_if_due(con, folder, first + dt.timedelta(days=day)) is not None
            assert backup_if_due(con, folder, first + dt.timedelta(days=day)) is None
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == KEEP
    assert names[-1] == "notes-2026-01-10.sqlite3"
    restored = sqlite3.connect(folder / names[0])
    assert restored.execute("SELECT count(*) FROM notes").fetchone()[0] == 1
    restored.close()


def test_a_full_disk_is_one_plain_sentence_and_nothing_half_saved(tmp_path: Path) -> None:
    with NotesStore(tmp_path / "notes.sqlite3", backup=False) as store:
        store.add(_anchor(), "first")
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        # SQLite's own limit on the file's size: the same SQLITE_FULL a full disk gives.
        store._db.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(NotesError, match="disk is full") as caught:
            store.add(_anchor(), "a long note " * 5000)
        assert str(caught.value).endswith("your text is kept.")
        assert store.count() == 1


def test_a_folder_that_cannot_be_made_is_one_plain_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(NotesError, match=r"cannot be written to"):
        NotesStore(blocker / "notes.sqlite3")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_read_only_folder_is_one_plain_sentence(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(NotesError, match="cannot be"):
            NotesStore(folder / "notes.sqlite3")
    finally:
        folder.chmod(0o700)


def test_an_older_schema_is_migrated_and_its_notes_kept(tmp_path: Path) -> None:
    from reader.core.notes import MIGRATIONS

    db = tmp_path / "notes.sqlite3"
    con = sqlite3.connect(db)
    con.executescript(MIGRATIONS[0])
    con.execute(
        'INSERT INTO notes (id, document, edition, block, exact, start, "end", created, '
        "modified, text) VALUES ('n1', 'page', 'e', 'b', 'lead', 0, 4, 't', 't', 'kept')"
    )
    con.execute("PRAGMA user_version = 1")
    con.commit()
    con.close()
    with NotesStore(db) as store:
        assert store.get("n1").text == "kept"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "notes_in_order" in names
    con.close()


def test_a_newer_schema_is_refused_plainly(tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite3"
    con = sqlite3.connect(db)
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.close()
    with pytest.raises(NotesError, match="newer version"):
        NotesStore(db)
