"""The print layout without Qt: what a request selects, how notes are marked, and citations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from reader.core.library import Library
from reader.core.printing import (
    PrintError,
    PrintNote,
    PrintRequest,
    build_html,
    build_print_job,
    citation_for,
    parse_page_list,
    parse_paragraph_list,
)
from reader.core.safeopen import examine_in_subprocess
from tests.factories import make_deck, make_guidance_pdf

LABELS = ["83", "84", "84(a)", "84(b)", "85", "85(a)", "85(b)", "85(c)", "86", "87", "87(a)", "88"]


@pytest.fixture
def library(tmp_path: Path, pack) -> Library:
    lib = Library(tmp_path / "library", tmp_path / "drop", pack, examine_in_subprocess)
    pdf = tmp_path / "in" / "Leadership_and_management_for_all_doctors.pdf"
    pdf.parent.mkdir()
    make_guidance_pdf(pdf, pages=6, paragraphs=14)
    lib.add(pdf, slot_id="guidance-pdf")
    return lib


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("84–87", LABELS[1:11]),
        ("84-87", LABELS[1:11]),
        ("85(b)", ["85(b)"]),
        ("85b", ["85(b)"]),
        ("85", ["85", "85(a)", "85(b)", "85(c)"]),
        ("83, 85(a)–85(b), 88", ["83", "85(a)", "85(b)", "88"]),
        ("86 – 87", ["86", "87", "87(a)"]),
    ],
)
def test_paragraph_lists(text: str, expected: list[str]) -> None:
    assert parse_paragraph_list(text, LABELS) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("84–120", "past the end"),
        ("85(z)", "no paragraph 85(z)"),
        ("87–84", "runs backwards"),
        ("eighty", "not a paragraph number"),
        (" , ", "Give the paragraphs"),
    ],
)
def test_paragraph_list_errors_are_one_sentence(text: str, words: str) -> None:
    with pytest.raises(PrintError) as caught:
        parse_paragraph_list(text, LABELS)
    message = str(caught.value)
    assert words in message
    assert message.endswith(".")
    assert message.count(". ") == 0


def test_page_lists() -> None:
    assert parse_page_list("all", 4) == [0, 1, 2, 3]
    assert parse_page_list("3–7", 10) == [2, 3, 4, 5, 6]
    assert parse_page_list("1, 3-4", 10) == [0, 2, 3]
    for bad, words in (("3–12", "past the end"), ("0-2", "from 1"), ("x", "not a page")):
        with pytest.raises(PrintError, match=words):
            parse_page_list(bad, 10)


def test_a_section_brings_its_subsections_and_nothing_else(pack) -> None:
    job = build_print_job(
        PrintRequest(tab="shared-leadership", sections=("leadership-in-practice",)), pack
    )
    sections = {b.section for b in job.blocks}
    assert sections == {
        "leadership-in-practice",
        "undergraduate-stage",
        "postgraduate-stage",
        "continuing-practice-stage",
    }
    assert job.furniture.section == "Leadership in practice"
    assert "Do you want to know more" not in job.html


def test_unknown_tab_section_and_missing_document_are_one_sentence(pack) -> None:
    for request, words in (
        (PrintRequest(tab="nope"), "no tab 'nope'"),
        (PrintRequest(tab="guidance", sections=("nope",)), "no section 'nope'"),
        (PrintRequest(paragraphs="84–87"), "has not been added"),
        (PrintRequest(document="nope"), "no document 'nope'"),
        (PrintRequest(paper="a3"), "a4 or letter"),
    ):
        with pytest.raises(PrintError, match=words):
            build_print_job(request, pack)


def test_paragraph_range_of_the_added_guidance(pack, library) -> None:
    job = build_print_job(PrintRequest(paragraphs="3–4"), pack, library)
    assert [b.paragraph for b in job.blocks] == ["3", "3(a)", "3(b)", "3(c)", "4"]
    job = build_print_job(PrintRequest(paragraphs="3(b)"), pack, library)
    assert [b.paragraph for b in job.blocks] == ["3(b)"]
    with pytest.raises(PrintError, match="past the end"):
        build_print_job(PrintRequest(paragraphs="12–99"), pack, library)


def test_pdf_pages_and_handouts_jobs(pack, library, tmp_path) -> None:
    job = build_print_job(PrintRequest(document="guidance-pdf", pages="2–3"), pack, library)
    assert job.kind == "pdf-pages"
    assert job.pdf_pages == [1, 2]
    with pytest.raises(PrintError, match="past the end"):
        build_print_job(PrintRequest(document="guidance-pdf", pages="5–9"), pack, library)
    library.add(make_deck(tmp_path / "deck.pptx", slides=4), slot_id="presentation")
    job = build_print_job(PrintRequest(document="presentation", handouts=2), pack, library)
    assert job.kind == "handouts"
    assert job.html.count("page-break-before") == 1  # 4 slides, 2 to a page
    assert "Speaker note for test slide 1" in job.html


def test_notes_print_only_when_asked_marked_and_escaped(pack) -> None:
    block = pack.tab("shared-leadership").blocks[2]
    note = PrintNote(block.id, "<b>mine</b> <script>alert(1)</script>", colour="#ffee88")
    plain, _ = build_html([block], PrintRequest(), [note])
    assert "mine" not in plain
    assert "Your note" not in plain
    assert "#ffee88" not in plain
    margin, _ = build_html([block], PrintRequest(notes="margin", highlights=True), [note])
    assert "Your note:" in margin
    assert "&lt;b&gt;mine&lt;/b&gt; &lt;script&gt;" in margin
    assert "<script>" not in margin
    assert "background-color: #ffee88" in margin
    end, _ = build_html([block], PrintRequest(notes="endnotes"), [note])
    assert "[Your note 1]" in end
    assert "Your notes</h2>" in end


def test_paragraph_numbers_can_be_left_out(pack, library) -> None:
    with_numbers = build_print_job(PrintRequest(paragraphs="4"), pack, library).html
    without = build_print_job(
        PrintRequest(paragraphs="4", paragraph_numbers=False), pack, library
    ).html
    assert '<span class="num">4</span>' in with_numbers
    assert 'class="num"' not in without


def test_citation_plain_and_html(pack, library) -> None:
    block = next(b for b in library.blocks_of(library.for_slot("guidance-pdf")) if b.paragraph)
    plain, rich = citation_for(block, pack)
    assert (
        plain == f"(GMC, Leadership and management for all doctors, 2012, para {block.paragraph})"
    )
    assert rich == (
        f"(GMC, <i>Leadership and management for all doctors</i>, 2012, para {block.paragraph})"
    )
    heading = pack.tab("discussion-tools").blocks[3]
    assert citation_for(heading, pack)[0].endswith(f"2012, {heading.section_title})")


def test_furniture_has_title_edition_date_and_notice(pack) -> None:
    job = build_print_job(PrintRequest(tab="background"), pack, today=dt.date(2026, 3, 5))
    furniture = job.furniture
    assert furniture.header_left == "Leadership and management for all doctors (2012)"
    assert furniture.printed == "5 March 2026"
    assert "Check the GMC website for the current version" in furniture.footer_left()
    assert furniture.page_label(2, 7) == "page 2 of 7"
