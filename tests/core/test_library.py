"""Adding, recognising, replacing and removing the GMC's documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.core.errors import DocumentError
from reader.core.library import Library, LibraryError, guess_slot
from reader.core.safeopen import examine_in_subprocess
from tests.factories import make_deck, make_guidance_pdf, make_not_a_pdf


@pytest.fixture
def library(tmp_path: Path, pack) -> Library:
    return Library(tmp_path / "library", tmp_path / "drop", pack, examine_in_subprocess)


@pytest.fixture
def guidance_pdf(tmp_path: Path) -> Path:
    path = tmp_path / "incoming" / "Leadership_and_management_for_all_doctors.pdf"
    path.parent.mkdir()
    make_guidance_pdf(path, pages=4, paragraphs=8)
    return path


def test_add_copies_the_file_and_fills_the_guessed_slot(library, guidance_pdf) -> None:
    before = guidance_pdf.read_bytes()
    result = library.add(guidance_pdf)
    assert result.status == "added"
    assert result.document.slot == "guidance-pdf"
    assert result.document.pages == 4
    copy = library.path_of(result.document)
    assert copy.parent == library.folder
    assert copy.read_bytes() == before
    assert guidance_pdf.read_bytes() == before  # the original is untouched
    assert library.for_slot("guidance-pdf") == result.document


def test_the_record_survives_a_restart(library, guidance_pdf, pack, tmp_path) -> None:
    library.add(guidance_pdf)
    again = Library(library.folder, library.drop_folder, pack, examine_in_subprocess)
    assert [d.slot for d in again.current()] == ["guidance-pdf"]


def test_the_same_file_twice_is_recognised(library, guidance_pdf, tmp_path) -> None:
    library.add(guidance_pdf)
    renamed = tmp_path / "copy-of-it.pdf"
    renamed.write_bytes(guidance_pdf.read_bytes())
    result = library.add(renamed)
    assert result.status == "already-present"
    assert len(library.documents) == 1


def test_a_newer_file_in_a_filled_slot_is_a_new_edition(library, guidance_pdf, tmp_path) -> None:
    first = library.add(guidance_pdf).document
    newer = tmp_path / "guidance-2026.pdf"
    make_guidance_pdf(newer, pages=5, paragraphs=10)
    result = library.add(newer, slot_id="guidance-pdf")
    assert result.status == "new-edition"
    assert result.document.edition == 2
    assert library.for_slot("guidance-pdf").sha256 == result.document.sha256
    old = library.earlier_editions("guidance-pdf")
    assert [d.sha256 for d in old] == [first.sha256]
    assert library.path_of(old[0]).is_file()  # kept, so notes can be carried over


def test_remove_brings_back_the_earlier_edition(library, guidance_pdf, tmp_path) -> None:
    library.add(guidance_pdf)
    newer = tmp_path / "guidance-2026.pdf"
    make_guidance_pdf(newer, pages=5, paragraphs=10)
    library.add(newer, slot_id="guidance-pdf")
    library.remove("guidance-pdf")
    assert library.for_slot("guidance-pdf").edition == 1


def test_a_deck_goes_to_the_presentation_slot(library, tmp_path) -> None:
    deck = make_deck(tmp_path / "slides.pptx", slides=3)
    assert library.add(deck).document.slot == "presentation"


def test_bad_files_are_refused_with_one_sentence(library, tmp_path) -> None:
    with pytest.raises((DocumentError, LibraryError)):
        library.add(make_not_a_pdf(tmp_path / "fake.pdf"))
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(LibraryError, match="not a PDF or a PowerPoint"):
        library.add(text)
    with pytest.raises(LibraryError, match="does not exist"):
        library.add(tmp_path / "missing.pdf")
    assert library.documents == []


def test_drop_folder_is_scanned_and_bad_files_reported(library, guidance_pdf, tmp_path) -> None:
    library.drop_folder.mkdir()
    (library.drop_folder / guidance_pdf.name).write_bytes(guidance_pdf.read_bytes())
    make_not_a_pdf(library.drop_folder / "broken.pdf")
    results = library.scan_drop_folder()
    added = [r for r in results if not isinstance(r, str)]
    problems = [r for r in results if isinstance(r, str)]
    assert [r.document.slot for r in added] == ["guidance-pdf"]
    assert problems
    assert problems[0].startswith("broken.pdf: ")
    assert library.scan_drop_folder() == [problems[0]]  # nothing new the second time


def test_damaged_record_is_set_aside_and_rebuilt_from_the_copies(
    library, guidance_pdf, pack
) -> None:
    library.add(guidance_pdf)
    (library.folder / "library.json").write_text("{broken", encoding="utf-8")
    again = Library(library.folder, library.drop_folder, pack, examine_in_subprocess)
    assert [d.slot for d in again.documents] == ["guidance-pdf"]
    assert again.documents[0].original_name == guidance_pdf.name
    assert "could not be read" in again.problem
    assert len(list(library.folder.glob("library.json.bad-*"))) == 1


def test_guess_slot_uses_title_and_name(pack) -> None:
    assert guess_slot(pack, "pdf", "Audit of the consultation", "x.pdf").id == "consultation-audit"
    assert guess_slot(pack, "pdf", "", "development_report.pdf").id == "development-report"
    assert guess_slot(pack, "pdf", "", "scan0001.pdf") is None


def test_record_is_plain_json(library, guidance_pdf) -> None:
    library.add(guidance_pdf)
    data = json.loads((library.folder / "library.json").read_text(encoding="utf-8"))
    assert data["documents"][0]["slot"] == "guidance-pdf"


def test_added_pdf_keeps_its_paragraph_blocks_under_its_own_id(library, guidance_pdf) -> None:
    doc = library.add(guidance_pdf).document
    blocks = library.blocks_of(doc)
    paragraphs = [b for b in blocks if b.kind == "pdf-paragraph" and "(" not in b.paragraph]
    assert [b.paragraph for b in paragraphs] == [str(n) for n in range(1, 9)]
    assert {b.document for b in blocks} == {"guidance-pdf"}
    assert {b.tab for b in blocks} == {"guidance"}
    assert paragraphs[0].id == "guidance-pdf.para-1"
    items, titles = library.searchable()
    assert titles == {"guidance-pdf": "Leadership and management for all doctors (2012)"}
    assert len(items) == len(blocks)


@pytest.fixture
def block_reads(monkeypatch) -> list[str]:
    """The ids of the documents whose blocks file the library reads, in order."""
    reads: list[str] = []
    real_read = Library._read_blocks
    monkeypatch.setattr(
        Library,
        "_read_blocks",
        lambda self, d, path: reads.append(d.id) or real_read(self, d, path),
    )
    return reads


def test_a_documents_blocks_are_read_once_while_its_file_is_unchanged(
    library, guidance_pdf, block_reads
) -> None:
    """Opening a long PDF asks for its blocks three times (the view, the contents, the section
    trail); the file is read once, and read again when it is rewritten."""
    library.add(guidance_pdf)
    library = Library(library.folder, library.drop_folder, library.pack, examine_in_subprocess)
    doc = library.for_slot("guidance-pdf")  # as after a restart: nothing read yet
    first = library.blocks_of(doc)
    first.clear()  # a caller changing its list changes nobody else's
    again = library.blocks_of(doc)
    assert again
    assert block_reads == ["guidance-pdf"]
    blocks_file = library._blocks_file(doc)
    text = blocks_file.read_text(encoding="utf-8")
    blocks_file.write_text(text.replace("guidance-pdf.para-1", "guidance-pdf.para-one"), "utf-8")
    changed = library.blocks_of(doc)
    assert block_reads == ["guidance-pdf", "guidance-pdf"]
    assert "guidance-pdf.para-one" in {b.id for b in changed}


def test_a_document_just_added_opens_with_the_blocks_it_was_added_with(
    library, guidance_pdf, block_reads
) -> None:
    doc = library.add(guidance_pdf).document
    kept = library.blocks_of(doc)
    assert block_reads == []  # not read back from the file just written
    assert kept == library._read_blocks(doc, library._blocks_file(doc))  # what the file holds


def test_two_copies_of_the_app_adding_at_once_keep_both(tmp_path, pack) -> None:
    """Two Library objects on one folder stand for two running copies of the app."""
    from concurrent.futures import ThreadPoolExecutor

    first = Library(tmp_path / "library", tmp_path / "drop", pack, examine_in_subprocess)
    second = Library(tmp_path / "library", tmp_path / "drop", pack, examine_in_subprocess)
    pdf = make_guidance_pdf(tmp_path / "audit of the consultation.pdf", pages=3, paragraphs=5)
    deck = make_deck(tmp_path / "slides.pptx", slides=3)
    with ThreadPoolExecutor(2) as pool:
        results = list(
            pool.map(lambda job: job[0].add(job[1]), [(first, pdf.path), (second, deck)])
        )
    assert {r.status for r in results} == {"added"}
    again = Library(tmp_path / "library", tmp_path / "drop", pack, examine_in_subprocess)
    assert sorted(d.slot for d in again.current()) == ["consultation-audit", "presentation"]


def test_a_wrong_guess_can_be_moved_to_the_right_slot(library, guidance_pdf) -> None:
    doc = library.add(guidance_pdf).document
    assert doc.slot == "guidance-pdf"
    moved = library.move(doc.id, "development-report")
    assert (moved.id, moved.slot) == ("development-report", "development-report")
    assert library.for_slot("guidance-pdf") is None
    blocks = library.blocks_of(moved)
    assert blocks
    assert all(b.id.startswith("development-report.") for b in blocks)
    assert {b.tab for b in blocks} == {"background"}


def test_moving_refuses_a_filled_slot_or_the_wrong_kind(library, guidance_pdf, tmp_path) -> None:
    doc = library.add(guidance_pdf).document
    other = make_guidance_pdf(tmp_path / "audit of the consultation.pdf", pages=2, paragraphs=3)
    library.add(other.path)
    with pytest.raises(LibraryError, match="already holds a document"):
        library.move(doc.id, "consultation-audit")
    with pytest.raises(LibraryError, match="takes a PPTX file, not a PDF"):
        library.move(doc.id, "presentation")
    assert library.for_slot("guidance-pdf").sha256 == doc.sha256


def test_a_protected_pdf_needs_its_password_which_is_not_kept(library, tmp_path) -> None:
    from reader.core.errors import PasswordRequired
    from tests.factories import make_encrypted_pdf

    pdf = make_encrypted_pdf(tmp_path / "protected.pdf", user_pw="s3cret")
    with pytest.raises(PasswordRequired, match="protected by a password"):
        library.add(pdf)
    with pytest.raises(PasswordRequired, match="not correct"):
        library.add(pdf, password="wrong")
    doc = library.add(pdf, slot_id="consultation-audit", password="s3cret").document
    assert doc.protected
    assert not library.blocks_of(doc)  # by default its text stays out of the index
    assert library.searchable()[0] == []
    library.remove(doc.id)
    doc = library.add(
        pdf, slot_id="consultation-audit", password="s3cret", index_protected=True
    ).document
    assert library.blocks_of(doc)  # the user chose to make its text searchable
    stored = [p.read_bytes() for p in library.folder.iterdir() if p.is_file()]
    assert not any(b"s3cret" in data for data in stored)


@pytest.mark.parametrize(
    ("title", "file_name"),
    [
        ("Trace-based Just-in-Time Type Specialization for Dynamic Languages", "compressed.pdf"),
        ("", "scan for all of the ward.pdf"),
        ("Minutes of the meeting", "minutes.pdf"),
        ("Auditory processing in the elderly", "auditory.pdf"),
    ],
)
def test_guess_slot_ignores_stop_words_and_parts_of_words(pack, title, file_name) -> None:
    assert guess_slot(pack, "pdf", title, file_name) is None


@pytest.mark.parametrize(
    ("title", "file_name", "slot"),
    [
        ("Leadership and management for all doctors", "x.pdf", "guidance-pdf"),
        ("", "Leadership_and_management_for_all_doctors.pdf", "guidance-pdf"),
        ("GMC guidance: leadership and management", "gmc.pdf", "guidance-pdf"),
        ("Shared Leadership: Underpinning of the MLCF", "mlcf.pdf", "mlcf-shared-leadership"),
    ],
)
def test_guess_slot_files_documents_with_real_evidence(pack, title, file_name, slot) -> None:
    assert guess_slot(pack, "pdf", title, file_name).id == slot


def test_a_file_already_in_the_library_is_found_without_copying_it(
    library, guidance_pdf, monkeypatch
) -> None:
    # `reader FILE` for a file in the library opens it at once: no copy, no check in a child.
    first = library.add(guidance_pdf)
    import reader.core.library as library_module

    def no_copy(*_args, **_kwargs):
        raise AssertionError("the known file was copied again")

    monkeypatch.setattr(library_module, "stage_copy", no_copy)
    again = library.add(guidance_pdf)
    assert again.status == "already-present"
    assert again.document == first.document
    assert again.message.startswith(f"{guidance_pdf.name} is already in")


def test_the_launcher_starts_a_checking_child_only_for_a_file_not_in_the_library(
    library, guidance_pdf, tmp_path
) -> None:
    from reader.commands.gui import _probably_in_library

    assert not _probably_in_library(guidance_pdf, library.folder)  # nothing added yet
    library.add(guidance_pdf)
    assert _probably_in_library(guidance_pdf, library.folder)
    other = tmp_path / "other.pdf"
    other.write_bytes(guidance_pdf.read_bytes() + b"\n% one more line\n")
    assert not _probably_in_library(other, library.folder)


def test_slot_cards_say_what_is_installed_and_how_to_add_the_rest(tmp_path, pack) -> None:
    from reader.core.safeopen import examine_file
    from reader.core.services import Services
    from reader.paths import UserDirs

    dirs = UserDirs.for_home(tmp_path / "home")
    services = Services(pack, dirs, Library(dirs.library, dirs.documents, pack, examine_file))
    missing = services.slot_state("guidance-pdf")
    assert not missing.installed
    assert "File ▸ Add document…" in missing.detail
    assert str(dirs.documents) in missing.detail
    deck = make_deck(tmp_path / "Leadership_and_management_presentation.pptx", slides=3)
    services.library.add(deck)
    slide_slot = next(s.id for s in pack.slots if s.kind == "pptx")
    installed = services.slot_state(slide_slot)
    assert installed.installed
    assert installed.detail.startswith("PPTX, 3 slides, from ")
    assert "Its speaker notes are shown beside each slide." in installed.detail
