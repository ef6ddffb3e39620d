"""`reader notes ...` end to end, as hospital IT and scripts use it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.cli import run_reader as reader
from tests.conftest import ROOT
from tests.factories import make_guidance_pdf

BLOCK = "shared-leadership.what-do-we-mean-by-leadership.p3"
QUOTE = "responsibility for identifying problems"


def _list(home: Path, *extra: str) -> list[dict]:
    result = reader("notes", "list", "--json", *extra, home=home)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_add_list_export_import_delete(tmp_path: Path) -> None:
    home = tmp_path / "home"
    typed = "Discuss <b>this</b> at the #teaching session"
    added = reader(
        "notes", "add", "--block", BLOCK, "--text", typed, "--quote", QUOTE,
        "--colour", "green", "--tag", "appraisal", home=home,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert added.stderr == ""
    note_id = added.stdout.strip()
    (note,) = _list(home)
    assert {
        "id", "document", "block", "paragraph", "quote", "text", "colour", "tags", "status",
        "created", "modified",
    } <= set(note)  # fmt: skip
    assert (note["id"], note["block"], note["quote"], note["text"]) == (
        note_id,
        BLOCK,
        QUOTE,
        typed,
    )
    assert (note["colour"], note["tags"], note["status"]) == (
        "green",
        ["appraisal", "teaching"],
        "anchored",
    )

    found = json.loads(
        reader("search", "teaching", "--json", "--source", "notes", home=home).stdout
    )
    assert [h["id"] for h in found["hits"]] == [f"note:{note_id}"]

    for fmt in ("markdown", "w3c", "reflective"):
        out = tmp_path / f"notes.{fmt}"
        result = reader("notes", "export", "--format", fmt, "--out", str(out), home=home)
        assert result.returncode == 0, result.stderr
        assert typed in out.read_text(encoding="utf-8") or fmt == "w3c"
    w3c = tmp_path / "notes.w3c"
    assert json.loads(w3c.read_text())["first"]["items"][0]["body"][0]["value"] == typed

    other = tmp_path / "other-home"
    first = reader("notes", "import", str(w3c), home=other)
    again = reader("notes", "import", str(w3c), home=other)
    assert first.stdout.startswith("1 note(s) imported")
    assert again.stdout.startswith("0 note(s) imported, 1 already present")
    assert [n["id"] for n in _list(other)] == [note_id]

    assert reader("notes", "delete", note_id, home=home).returncode == 0
    assert _list(home) == []


def test_mistakes_are_one_sentence_and_status_2(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = reader("notes", "add", "--block", "no-such-block", "--text", "x", home=home)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "reader blocks" in result.stderr
    wrong_quote = reader(
        "notes", "add", "--block", BLOCK, "--text", "x", "--quote", "zebra", home=home
    )
    assert wrong_quote.returncode == 2
    assert "not in block" in wrong_quote.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert reader("notes", "import", str(bad), home=home).returncode == 2
    assert reader("notes", "delete", "nope", home=home).returncode == 2


def test_privacy_warning_does_not_stop_the_save(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = reader("notes", "add", "--block", BLOCK, "--text", "Mrs X, DOB 03/04/1961", home=home)
    assert result.returncode == 0
    assert "anonymised" in result.stderr
    assert len(_list(home)) == 1


def test_a_new_editions_statuses_are_listed_headless_and_back(tmp_path: Path) -> None:
    home = tmp_path / "home"
    reader("notes", "add", "--block", BLOCK, "--text", "n", "--quote", QUOTE, home=home)
    pack = tmp_path / "edition-2"
    shutil.copytree(ROOT / "content", pack)
    tab = pack / "tabs" / "shared-leadership.md"
    text = tab.read_text(encoding="utf-8")
    # A paragraph inserted at the top of the section shifts the note's block.
    heading = "## What do we mean by leadership?\n\n"
    tab.write_text(
        text.replace(heading, heading + "A new opening paragraph for testing.\n\n", 1),
        encoding="utf-8",
    )
    (moved,) = _list(home, "--content", str(pack))
    assert moved["status"] == "moved"
    assert moved["block"] == "shared-leadership.what-do-we-mean-by-leadership.p4"
    (back,) = _list(home)
    assert (back["status"], back["block"]) == ("anchored", BLOCK)


def test_a_note_on_a_pdf_paragraph_is_cited_by_its_number(tmp_path: Path) -> None:
    home = tmp_path / "home"
    pdf = tmp_path / "Leadership_and_management_for_all_doctors.pdf"
    make_guidance_pdf(pdf, pages=4, paragraphs=12)
    assert reader("add", str(pdf), home=home).returncode == 0
    added = reader("notes", "add", "--block", "guidance-pdf.para-12", "--text", "mine", home=home)
    assert added.returncode == 0, added.stderr
    (note,) = _list(home)
    assert (note["document"], note["paragraph"]) == ("guidance-pdf", "12")
    out = tmp_path / "notes.md"
    reader("notes", "export", "--format", "markdown", "--out", str(out), home=home)
    assert "GMC, *Leadership and management for all doctors* (2012), para 12" in out.read_text()
