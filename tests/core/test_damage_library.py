"""Issue 14: the library never forgets a document, and special files are refused quickly."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest

from reader.core.library import Library, LibraryError
from reader.core.pdfdoc import DocumentError
from reader.core.safeopen import examine_in_subprocess, probe_file
from tests.cli import run_reader as _reader
from tests.factories import make_deck, make_guidance_pdf


@pytest.fixture
def library(tmp_path: Path, pack) -> Library:
    return Library(tmp_path / "library", tmp_path / "drop", pack, examine_in_subprocess)


@pytest.fixture
def two_documents(library, tmp_path) -> Library:
    pdf = _pdf(tmp_path / "in" / "Leadership_guidance.pdf", pages=2, paragraphs=4)
    library.add(pdf)
    library.add(make_deck(tmp_path / "in" / "slides.pptx", slides=2))
    return library


def _pdf(path: Path, pages: int = 2, paragraphs: int = 3) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    make_guidance_pdf(path, pages=pages, paragraphs=paragraphs)
    return path


def _reopen(library: Library, pack) -> Library:
    return Library(library.folder, library.drop_folder, pack, examine_in_subprocess)


def _record(library: Library) -> dict:
    return json.loads((library.folder / "library.json").read_text(encoding="utf-8"))


def _write_record(library: Library, data, bom: bool = False) -> None:
    text = json.dumps(data)
    (library.folder / "library.json").write_bytes(
        ("\ufeff" if bom else "").encode() + text.encode()
    )


# -- 1. one flaw never loses the list ---------------------------------------------------------


def test_unknown_keys_are_kept_and_a_bom_is_accepted(two_documents, pack) -> None:
    data = _record(two_documents)
    data["written_by"] = "a newer version"
    data["documents"][0]["colour"] = "blue"
    _write_record(two_documents, data, bom=True)
    again = _reopen(two_documents, pack)
    assert again.problem is None
    assert len(again.documents) == 2
    again.remove(again.documents[1].id)  # any save
    saved = _record(again)
    assert saved["written_by"] == "a newer version"
    assert saved["documents"][0]["colour"] == "blue"


def test_a_missing_optional_key_is_not_a_flaw(two_documents, pack) -> None:
    data = _record(two_documents)
    del data["documents"][0]["pages"]
    del data["documents"][1]["title"]
    _write_record(two_documents, data)
    again = _reopen(two_documents, pack)
    assert len(again.documents) == 2
    assert again.problem is None


@pytest.mark.parametrize("bad", [None, 7, "../etc/passwd", ""])
def test_only_the_bad_entry_is_set_aside_and_named(two_documents, pack, bad) -> None:
    data = _record(two_documents)
    deck_name = data["documents"][1]["original_name"]
    data["documents"][1]["file"] = bad
    _write_record(two_documents, data)
    again = _reopen(two_documents, pack)
    # the entry is set aside and named, and its copy comes back from the library folder
    assert deck_name in again.problem
    assert sorted(d.kind for d in again.documents) == ["pdf", "pptx"]
    kept = list(two_documents.folder.glob("library.json.bad-entries-*"))
    assert len(kept) == 1
    assert deck_name in kept[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "damage",
    [b"{trunc", b"\xff\xfe not utf-8 \x80", b"[]", b"null", b'{"documents": 5}', b""],
)
def test_an_unreadable_list_is_rebuilt_from_the_copies(two_documents, pack, damage) -> None:
    before = {d.sha256: (d.slot, d.original_name) for d in two_documents.documents}
    (two_documents.folder / "library.json").write_bytes(damage)
    again = _reopen(two_documents, pack)
    assert {d.sha256: (d.slot, d.original_name) for d in again.documents} == before
    assert "rebuilt" in again.problem
    # the next add keeps every earlier document
    extra = _pdf(two_documents.folder.parent / "x" / "other.pdf", pages=1)
    again.add(extra, slot_id="development-report")
    assert len(_reopen(again, pack).documents) == 3


def test_every_damaged_list_is_kept_never_overwritten(two_documents, pack) -> None:
    for n in range(3):
        (two_documents.folder / "library.json").write_bytes(b"{broken %d" % n)
        _reopen(two_documents, pack)
    kept = sorted(two_documents.folder.glob("library.json.bad-*"))
    assert sorted(p.read_bytes() for p in kept) == [b"{broken 0", b"{broken 1", b"{broken 2"]


def test_editions_come_back_from_the_sidecars(library, pack, tmp_path) -> None:
    first = _pdf(tmp_path / "a" / "guidance.pdf", pages=2, paragraphs=3)
    second = _pdf(tmp_path / "b" / "guidance-2026.pdf", pages=3, paragraphs=5)
    library.add(first, slot_id="guidance-pdf")
    library.add(second, slot_id="guidance-pdf")
    (library.folder / "library.json").unlink()
    again = _reopen(library, pack)
    assert again.for_slot("guidance-pdf").original_name == "guidance-2026.pdf"
    assert [d.edition for d in again.earlier_editions("guidance-pdf")] == [1]


# -- 3. a slot renamed or dropped by a new pack edition -----------------------------------------


def test_a_dropped_slot_makes_an_extra_document_still_searchable(two_documents, pack) -> None:
    from dataclasses import replace

    pdf = two_documents.for_slot("guidance-pdf")
    newer = replace(pack, slots=tuple(s for s in pack.slots if s.id != "guidance-pdf"))
    again = Library(two_documents.folder, two_documents.drop_folder, newer, examine_in_subprocess)
    moved = next(d for d in again.documents if d.sha256 == pdf.sha256)
    assert moved.slot is None
    assert moved.current
    assert "extra documents" in again.problem
    blocks, titles = again.searchable()
    assert any(b.document == moved.id for b in blocks)  # search hits open it
    assert moved.id in titles
    assert again.path_of(moved).is_file()
    extra = _pdf(two_documents.folder.parent / "y" / "report.pdf", pages=1)
    assert again.add(extra, slot_id="development-report").status == "added"


# -- 8, 9, 10. special files, type by content, names ----------------------------------------------


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom"])
def test_a_link_to_a_device_is_refused_at_once(library, tmp_path, target) -> None:
    link = tmp_path / "looks-like.pdf"
    link.symlink_to(target)
    started = time.monotonic()
    with pytest.raises(LibraryError, match="not a regular file"):
        library.add(link)
    assert time.monotonic() - started < 2


def test_a_fifo_is_refused_and_never_blocks_another_add(library, tmp_path) -> None:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    with pytest.raises(LibraryError, match="not a regular file"):
        library.add(fifo)


def test_the_lock_is_not_held_while_reading_the_users_file(library, tmp_path, pack) -> None:
    from tests.factories import make_plain_pdf

    seen: list[bool] = []

    def slow_examine(path, password=None):
        from reader.core.file_lock import LockTimeout, acquire

        try:
            acquire(library.folder / "library.lock", timeout=0.1).release()
            seen.append(True)
        except LockTimeout:
            seen.append(False)
        return examine_in_subprocess(path, password=password)

    slow = Library(library.folder, library.drop_folder, pack, slow_examine)
    slow.add(make_plain_pdf(tmp_path / "plain.pdf", pages=1))
    assert seen == [True]


def test_the_type_is_decided_by_content(library, tmp_path) -> None:
    pdf_named_pptx = tmp_path / "slides.pptx"
    _pdf(pdf_named_pptx, pages=1, paragraphs=2)
    doc = library.add(pdf_named_pptx).document
    assert doc.kind == "pdf"
    assert doc.file.endswith(".pdf")
    assert doc.slot != "presentation"
    deck_named_pdf = make_deck(tmp_path / "guidance.pdf", slides=2)
    deck = library.add(deck_named_pdf).document
    assert deck.kind == "pptx"
    assert deck.file.endswith(".pptx")


def test_messages_name_the_users_file(library, tmp_path) -> None:
    from tests.factories import make_no_pages_pdf

    bad = make_no_pages_pdf(tmp_path / "Encrypted-Report.pdf")
    with pytest.raises((DocumentError, LibraryError)) as caught:
        library.add(bad)
    assert str(caught.value).startswith("Encrypted-Report.pdf")
    assert ".add-" not in str(caught.value)


def test_a_file_name_that_is_not_utf8_is_not_called_damaged(library, tmp_path) -> None:
    name = os.fsdecode(b"r\xe9port.pdf")  # Latin-1 bytes, as from an old share
    path = tmp_path / name
    _pdf(tmp_path / "plain.pdf", pages=1, paragraphs=2).rename(path)
    assert probe_file(path)["pages"] >= 1
    assert library.add(path).status == "added"


def test_inspect_waits_longer_than_the_readers_own_limit() -> None:
    from reader.core import safeopen

    assert safeopen.PROBE_TIMEOUT_S >= safeopen.READ_TIMEOUT_S + 10


# -- 15. privacy -------------------------------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_library_copies_are_private(two_documents) -> None:
    assert stat.S_IMODE(two_documents.folder.stat().st_mode) == 0o700
    for path in two_documents.folder.iterdir():
        if path.is_file() and path.name != "library.lock":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


# -- 7 and the Also items, through the real command line -------------------------------------


def test_documents_command_lists_the_library(tmp_path) -> None:
    home = tmp_path / "home"
    pdf = _pdf(tmp_path / "Leadership_guidance.pdf", pages=2, paragraphs=3)
    assert _reader("add", str(pdf), home=home).returncode == 0
    listed = json.loads(_reader("documents", "--json", home=home).stdout)
    assert [(d["slot"], d["original_name"], d["current"]) for d in listed] == [
        ("guidance-pdf", "Leadership_guidance.pdf", True)
    ]
    assert listed[0]["pages"] > 0
    assert listed[0]["status"] == "ok"
    assert listed[0]["edition"] == 1
    text = _reader("documents", home=home).stdout
    assert "Leadership_guidance.pdf" in text


def test_add_that_cannot_index_says_so_and_keeps_the_document(tmp_path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    # The index cannot be written: the cache folder's place is taken by a file.
    (home / "cache").write_text("not a folder", encoding="utf-8")
    pdf = _pdf(tmp_path / "guidance.pdf", pages=1, paragraphs=2)
    result = _reader("add", str(pdf), home=home)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if line]
    assert len(lines) == 1
    assert "was added" in lines[0]
    assert "next start" in lines[0]
    listed = json.loads(_reader("documents", "--json", home=home).stdout)
    assert len(listed) == 1


def test_search_accepts_a_leading_minus_after_double_dash(tmp_path) -> None:
    result = _reader("search", "--json", "--", "-leadership", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["query"] == "-leadership"


def test_error_messages_keep_the_file_names_case(tmp_path) -> None:
    from tests.factories import make_encrypted_pdf

    pdf = make_encrypted_pdf(tmp_path / "encrypted.pdf", user_pw="x")
    result = _reader("add", str(pdf), home=tmp_path / "home")
    assert result.returncode == 2
    assert result.stderr.startswith("reader: encrypted.pdf")


def test_ten_parallel_adds_of_one_device_link_do_not_hang(library, tmp_path) -> None:
    link = tmp_path / "zero.pdf"
    link.symlink_to("/dev/zero")
    errors: list[str] = []

    def add() -> None:
        try:
            library.add(link)
        except LibraryError as exc:
            errors.append(str(exc))

    threads = [threading.Thread(target=add) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(errors) == 10
