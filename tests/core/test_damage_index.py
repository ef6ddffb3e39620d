"""Issue 14: the search index is a cache that nothing on disk can block for good."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from reader.core.search import MSG_READ_ONLY_NONE, MSG_READ_ONLY_STALE, SearchIndex


@pytest.fixture
def blocks(pack):
    return pack.blocks()


def _works(index: SearchIndex) -> bool:
    return bool(index.search("individual funding request").hits)


@pytest.mark.parametrize("what", ["file-for-index", "folder-for-lock", "link-for-lock"])
def test_something_in_the_way_is_moved_aside_and_the_index_rebuilt(tmp_path, blocks, what) -> None:
    index_dir = tmp_path / "cache" / "index"
    if what == "file-for-index":
        index_dir.parent.mkdir(parents=True)
        index_dir.write_text("in the way", encoding="utf-8")
    else:
        index_dir.mkdir(parents=True)
        lock = index_dir / "write.lock"
        if what == "folder-for-lock":
            (lock / "inside").mkdir(parents=True)
        else:
            lock.symlink_to(tmp_path / "nowhere" / "lock")
    index = SearchIndex(index_dir)
    assert index.ensure(blocks) is not None
    assert _works(index)
    index.add_blocks(blocks[:1])  # an edit works too
    # nothing was deleted: what was in the way is kept beside the index
    assert list((tmp_path / "cache").glob("*aside*"))


def test_killed_builds_are_cleaned_but_not_the_live_index(tmp_path, blocks) -> None:
    index_dir = tmp_path / "index"
    index = SearchIndex(index_dir)
    index.ensure(blocks)
    for n in range(3):  # what a SIGKILL during a build leaves behind
        leftover = index_dir / f".gen-{n:032x}.tmp"
        leftover.mkdir()
        (leftover / "_MAIN_1.toc").write_bytes(b"x" * 1000)
    live = [p for p in index_dir.iterdir() if p.name.startswith("gen-")]
    assert SearchIndex(index_dir).ensure(blocks) is None  # up to date, and tidy
    assert not list(index_dir.glob(".gen-*.tmp"))
    assert [p for p in index_dir.iterdir() if p.name.startswith("gen-")] == live
    assert _works(SearchIndex(index_dir))


def test_a_build_in_progress_elsewhere_is_not_cleaned(tmp_path, blocks, monkeypatch) -> None:
    import reader.core.search as search
    from reader.core.file_lock import acquire

    index_dir = tmp_path / "index"
    SearchIndex(index_dir).ensure(blocks)
    other = index_dir / f".gen-{7:032x}.tmp"
    other.mkdir()
    monkeypatch.setattr(search, "LOCK_TIMEOUT_S", 0.2)  # do not wait 30 s for the other copy
    lock = acquire(index_dir / "write.lock", timeout=1)  # "another copy" builds under it
    try:
        with pytest.raises(search.SearchIndexBusy):
            SearchIndex(index_dir).ensure(blocks[:-1])
        assert other.is_dir()
    finally:
        lock.release()


def _read_only(folder: Path):
    """Make ``folder`` read-only the way a share is: a read-only bind mount when running as
    root (root ignores permissions), else permissions."""
    if os.geteuid() == 0:
        done = subprocess.run(["mount", "--bind", str(folder), str(folder)], check=False)
        if done.returncode == 0:
            done = subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=False)
            if done.returncode == 0:
                return lambda: subprocess.run(["umount", "-l", str(folder)], check=False)
            subprocess.run(["umount", str(folder)], check=False)
        pytest.skip("cannot make a read-only folder here")
    for path in [folder, *folder.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)

    def undo() -> None:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)

    return undo


def test_a_read_only_index_is_searched_and_the_user_told_it_cannot_change(tmp_path, blocks) -> None:
    home = tmp_path / "home"
    index_dir = home / "cache" / "index"
    SearchIndex(index_dir).ensure(blocks)
    (index_dir / "write.lock").unlink(missing_ok=True)  # a pre-filled share: no lock file
    undo = _read_only(home)
    try:
        index = SearchIndex(index_dir)
        assert index.ensure(blocks) is None  # up to date: used as it is
        assert _works(index)
        assert index.ensure(blocks[:-5]) == MSG_READ_ONLY_STALE
        assert _works(index)
    finally:
        undo()


def test_a_read_only_home_without_an_index_says_so(tmp_path, blocks) -> None:
    home = tmp_path / "home"
    home.mkdir()
    undo = _read_only(home)
    try:
        index = SearchIndex(home / "cache" / "index")
        assert index.ensure(blocks) == MSG_READ_ONLY_NONE
    finally:
        undo()
    shutil.rmtree(home, ignore_errors=True)
