"""reader.core.safeopen: files are inspected in a child process that may die without harm."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.core.errors import DocumentError, PasswordRequired
from reader.core.model import Block, Link, block_from_dict, block_to_dict
from reader.core.pdfdoc import open_pdf
from reader.core.pdfparagraphs import extract_blocks
from reader.core.safeopen import (
    CRASH_ENV,
    _answer,
    examine_in_subprocess,
    inspect_file,
    probe_file,
    rebase_blocks,
)
from reader.core.slides import extract_slide_blocks
from tests import factories as f

STOPPED = "could not be opened: the PDF library stopped while reading it."


@pytest.fixture(scope="module")
def guidance(tmp_path_factory) -> Path:
    return f.make_guidance_pdf(tmp_path_factory.mktemp("s") / "guidance.pdf", 12, 20).path


def test_probe_matches_inspection_in_process(guidance):
    assert probe_file(guidance) == inspect_file(guidance)
    info = probe_file(guidance)
    assert info["kind"] == "pdf"
    assert info["paragraphs"]["count"] == 20


def test_probe_deck(tmp_path):
    deck = f.make_deck(tmp_path / "d.pptx", slides=3)
    info = probe_file(deck)
    assert (info["kind"], info["slides"]) == ("pptx", 3)


def test_probe_passes_on_plain_errors(tmp_path):
    with pytest.raises(DocumentError) as caught:
        probe_file(f.make_not_a_pdf(tmp_path / "text.pdf"))
    assert str(caught.value) == "text.pdf is not a PDF file."
    with pytest.raises(DocumentError, match="far more data"):
        probe_file(f.make_zip_bomb_deck(tmp_path / "bomb.pptx"))


def test_probe_encrypted(tmp_path):
    path = f.make_encrypted_pdf(tmp_path / "locked.pdf", user_pw="pw")
    with pytest.raises(PasswordRequired):
        probe_file(path)
    with pytest.raises(PasswordRequired, match="not correct"):
        probe_file(path, password="nope")
    assert probe_file(path, password="pw")["pages"] == 1


def test_child_crash_is_a_document_error(guidance, monkeypatch):
    monkeypatch.setenv(CRASH_ENV, "1")
    with pytest.raises(DocumentError) as caught:
        probe_file(guidance)
    assert str(caught.value) == f"guidance.pdf {STOPPED}"
    with pytest.raises(DocumentError, match="stopped while reading"):
        examine_in_subprocess(guidance)
    monkeypatch.delenv(CRASH_ENV)
    assert probe_file(guidance)["kind"] == "pdf"  # and this process carries on


def test_child_hang_times_out(guidance, monkeypatch):
    monkeypatch.setenv(CRASH_ENV, "hang")
    started = time.monotonic()
    with pytest.raises(DocumentError, match="stopped while reading"):
        probe_file(guidance, timeout=1.5)
    assert time.monotonic() - started < 10


def test_examine_in_subprocess_round_trips_blocks(guidance, tmp_path):
    doc = open_pdf(guidance)
    try:
        expected = extract_blocks(doc, "g", "t")
    finally:
        doc.close()
    info, blocks = examine_in_subprocess(guidance)
    assert info["kind"] == "pdf"
    assert rebase_blocks(blocks, "g", "t") == expected
    deck = f.make_deck(tmp_path / "d.pptx", slides=2)
    info, blocks = examine_in_subprocess(deck)
    assert info["kind"] == "pptx"
    assert rebase_blocks(blocks, "d", "t") == extract_slide_blocks(deck, "d", "t")


def test_block_json_round_trip():
    block = Block(
        "d.para-1",
        "d",
        "t",
        "s",
        "S",
        "pdf-paragraph",
        "text",
        paragraph="1",
        links=(Link(0, 4, "para:2"),),
        page=3,
        bbox=(1.5, 2.0, 3.25, 4.0),
    )
    assert block_from_dict(json.loads(json.dumps(block_to_dict(block)))) == block


def test_module_runs_by_hand(guidance):
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "reader.core.safeopen", str(guidance)],
        cwd=root,
        capture_output=True,
        check=True,
    )
    answer = json.loads(done.stdout)
    assert answer["ok"] is True
    assert answer["result"]["pages"] == 12


def test_a_child_started_early_does_the_check_and_a_crash_in_it_is_still_caught(
    guidance, monkeypatch
) -> None:
    from reader.core import checker_process

    # `reader FILE` starts the child before the window; the file is still parsed only there.
    monkeypatch.setenv(CRASH_ENV, "1")
    checker_process.prestart()
    early = checker_process._warm
    assert early is not None
    with pytest.raises(DocumentError, match="stopped while reading"):
        examine_in_subprocess(guidance)
    assert early.poll() is not None  # the early child did the check, and died doing it
    assert checker_process.take() is None  # it was used, not left waiting
    monkeypatch.delenv(CRASH_ENV)
    info, blocks = examine_in_subprocess(guidance)  # a new child, and this process carries on
    assert info["kind"] == "pdf"
    assert blocks


def test_an_early_child_started_under_other_settings_is_not_used(guidance, monkeypatch) -> None:
    from reader.core import checker_process

    monkeypatch.setenv(CRASH_ENV, "1")
    checker_process.prestart()
    early = checker_process._warm
    monkeypatch.delenv(CRASH_ENV)
    info, _blocks = examine_in_subprocess(guidance)  # a fresh child, started as things are now
    assert info["kind"] == "pdf"
    assert early.poll() is not None  # the early one was stopped, not asked


def test_an_early_child_nobody_needs_is_stopped() -> None:
    from reader.core import checker_process

    checker_process.prestart()
    child = checker_process._warm
    assert child is not None
    assert child.poll() is None
    checker_process.discard()
    assert child.poll() is not None
    assert checker_process.take() is None


def test_page_one_of_a_strip_shaped_page_is_a_bounded_picture(tmp_path) -> None:
    import pymupdf

    from reader.core.safeopen import FIRST_PAGE_MAX_HEIGHT

    path = tmp_path / "strip.pdf"
    doc = pymupdf.open()
    page = doc.new_page(width=100, height=14400)
    page.insert_text((10, 40), "Rota", fontname="helv", fontsize=9)
    doc.save(path)
    doc.close()
    pictures = []
    info, _blocks = examine_in_subprocess(path, on_first_page=pictures.append)
    assert info["pages"] == 1
    [picture] = pictures
    image = pymupdf.Pixmap(picture.png)
    assert 0 < image.height <= FIRST_PAGE_MAX_HEIGHT


def test_a_page_one_that_cannot_be_drawn_costs_only_the_picture(guidance, monkeypatch, capsys):
    # The picture is optional: MuPDF failing to draw page 1 must not refuse a file whose text
    # reads (the text decides, as it did before the picture existed).
    import json

    import pymupdf

    def broken(*_args, **_kwargs):
        raise RuntimeError("cannot draw")

    monkeypatch.setattr(pymupdf.Page, "get_pixmap", broken)
    answer = _answer({"op": "examine", "path": str(guidance), "first_page": True})
    assert answer["ok"] is True
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert not any("first_page" in line for line in lines)
    assert answer["result"]["blocks"] == len(lines) > 0
