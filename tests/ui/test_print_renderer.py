"""Printing to a real PDF through QPrinter, read back with PyMuPDF as a reader of it would."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pymupdf
import pytest

from reader.core.printing import PrintNote, PrintRequest, build_print_job
from reader.core.services import Services
from reader.ui.print_renderer import print_to_pdf
from tests.factories import make_deck, make_guidance_pdf

NOTICE = "Check the GMC website for the current version"


def text_of(page: pymupdf.Page) -> str:
    # NFKC folds the "fi" ligature the printout's font uses back into two letters
    return unicodedata.normalize("NFKC", page.get_text())


def flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def body_lines(page: pymupdf.Page) -> list[tuple[float, float, str]]:
    """Lines of text between the header and footer: (top, bottom, text)."""
    lines = []
    for block in page.get_text("dict")["blocks"]:
        for line in block.get("lines", []):
            text = "".join(span["text"] for span in line["spans"]).strip()
            if text:
                lines.append((line["bbox"][1], line["bbox"][3], text))
    return sorted(lines)


def body_text(doc: pymupdf.Document) -> str:
    """The printed text without each page's header (two lines) and footer (one line)."""
    parts = []
    for page in doc:
        lines = body_lines(page)
        parts.extend(text for _, _, text in lines[2:-2])
    return flat(" ".join(parts))


def squeezed(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture
def services(pack, dirs, tmp_path) -> Services:
    services = Services.open(pack, dirs)
    pdf = tmp_path / "in" / "Leadership_and_management_for_all_doctors.pdf"
    pdf.parent.mkdir()
    make_guidance_pdf(pdf, pages=12, paragraphs=30)
    services.library.add(pdf, slot_id="guidance-pdf")
    return services


def printed(
    tmp_path: Path, request: PrintRequest, services: Services, notes=()
) -> pymupdf.Document:
    job = build_print_job(request, services.pack, services.library, notes)
    out = tmp_path / "out.pdf"
    pages = print_to_pdf(job, out)
    doc = pymupdf.open(out)
    assert doc.page_count == pages
    return doc


def test_a_section_prints_its_text_and_nothing_else(qapp, pack, services, tmp_path) -> None:
    request = PrintRequest(tab="shared-leadership", sections=("leadership-in-practice",))
    doc = printed(tmp_path, request, services)
    text = body_text(doc)
    job = build_print_job(request, pack)
    for block in job.blocks:
        assert flat(block.text) in text, block.id
    for other in pack.blocks():
        if other.section not in {b.section for b in job.blocks} and len(other.text) > 30:
            assert flat(other.text) not in text, other.id


def test_every_page_has_header_and_footer_with_page_x_of_y(qapp, services, tmp_path) -> None:
    doc = printed(tmp_path, PrintRequest(paragraphs="1–30"), services)
    total = doc.page_count
    assert total >= 3
    job = build_print_job(PrintRequest(paragraphs="1–30"), services.pack, services.library)
    sections = {b.section_title for b in job.blocks}
    for number, page in enumerate(doc, start=1):
        lines = [text for _, _, text in body_lines(page)]
        assert lines[0] == "Leadership and management for all doctors (2012)"
        assert lines[1] in sections  # the section in the running header
        assert lines[-1].startswith("Printed ") or lines[-2].startswith("Printed ")
        assert NOTICE in text_of(page)
        assert f"page {number} of {total}" in lines[-2:]


def test_no_line_is_clipped_and_headings_stay_with_their_text(qapp, services, tmp_path) -> None:
    request = PrintRequest(document="guidance-pdf", paragraphs="1–30")
    doc = printed(tmp_path, request, services)
    job = build_print_job(request, services.pack, services.library)
    text = body_text(doc)
    for block in job.blocks:
        assert flat(block.text) in text, block.id  # every word printed, in order
    # and printed once: a line cut off at a page foot would also hide in the PDF's text
    expected = sum(len(b.text.split()) + (1 if b.paragraph else 0) for b in job.blocks)
    assert len(text.split()) == expected
    headings = {b.text for b in job.blocks if b.kind == "heading"}
    for page in doc:
        lines = body_lines(page)
        header_bottom = next(b for t, b, s in lines if s.startswith("Leadership and management"))
        footer_top = next(t for t, b, s in lines if s.startswith("Printed "))
        body = [line for line in lines if header_bottom + 12 < line[0] < footer_top - 2]
        for _top, bottom, _ in body:
            assert bottom <= footer_top, "a line runs into the footer"
        assert body, "a page with no body text"
        assert body[-1][2] not in headings, f"heading left at the foot of a page: {body[-1][2]}"


def test_notes_print_only_when_asked_marked_and_literally(qapp, services, tmp_path) -> None:
    blocks = services.library.blocks_of(services.library.for_slot("guidance-pdf"))
    target = next(b for b in blocks if b.paragraph == "4")
    notes = [PrintNote(target.id, "Bring to <b>quorate</b> <script>x()</script> &amp;")]
    without = printed(tmp_path, PrintRequest(paragraphs="3–5"), services, notes)
    assert "quorate" not in text_of(without[0])
    assert "Your note" not in text_of(without[0])
    for mode in ("margin", "endnotes"):
        doc = printed(tmp_path, PrintRequest(paragraphs="3–5", notes=mode), services, notes)
        text = " ".join(text_of(p) for p in doc)
        assert "Your note" in text
        assert squeezed("Bring to <b>quorate</b> <script>x()</script> &amp;") in squeezed(text)


def test_search_results_print_the_hits(qapp, services, tmp_path) -> None:
    services.ensure_index()
    result = services.index.search("patient decision aids", limit=3)
    ids = tuple(hit.id for hit in result.hits)
    assert ids
    doc = printed(tmp_path, PrintRequest(block_ids=ids), services)
    text = body_text(doc)
    pool = {b.id: b for b, _ in services.searchable()[0]}
    for block_id in ids:
        assert flat(pool[block_id].text) in text
    assert "Medical Leadership Competency Framework" not in text


def test_pdf_page_range_holds_those_pages_text(qapp, services, tmp_path) -> None:
    source = pymupdf.open(services.library.path_of(services.library.for_slot("guidance-pdf")))
    doc = printed(tmp_path, PrintRequest(document="guidance-pdf", pages="3–5"), services)
    assert doc.page_count == 3
    for printed_page, index in zip(doc, (2, 3, 4), strict=True):
        words = re.findall(r"Test sentence \d+ for item \d+", source[index].get_text())
        assert words
        text = text_of(printed_page)
        for phrase in words:
            assert phrase in text
        assert f"page {index - 1} of 3" in text
        assert NOTICE in text
    other = re.findall(r"for item \d+ ", source[8].get_text())
    assert not set(other) & set(re.findall(r"for item \d+ ", " ".join(map(text_of, doc))))


def test_handouts_put_slides_and_notes_two_or_three_to_a_page(qapp, services, tmp_path) -> None:
    services.library.add(make_deck(tmp_path / "deck.pptx", slides=6), slot_id="presentation")
    for per_page, pages in ((2, 3), (3, 2)):
        doc = printed(tmp_path, PrintRequest(document="presentation", handouts=per_page), services)
        assert doc.page_count == pages
        first = text_of(doc[0])
        assert "Test slide 1" in first
        assert "Speaker note for test slide 1" in first
        assert ("Test slide 3" in first) == (per_page == 3)


@pytest.mark.parametrize(
    ("paper", "landscape", "size"),
    [("a4", False, (595, 842)), ("letter", False, (612, 792)), ("a4", True, (842, 595))],
)
def test_paper_and_orientation(qapp, services, tmp_path, paper, landscape, size) -> None:
    doc = printed(
        tmp_path, PrintRequest(tab="background", paper=paper, landscape=landscape), services
    )
    rect = doc[0].rect
    assert (round(rect.width), round(rect.height)) == size


def test_headings_are_never_left_at_the_foot_of_a_page(qapp, tmp_path) -> None:
    from reader.core.content import Block
    from reader.core.printing import Furniture, PrintJob, build_html

    # Sections of 1 to 7 one-line paragraphs put headings at every height on the page.
    blocks = []
    for i in range(1, 41):
        section = f"s{i}"
        blocks.append(
            Block(f"h{i}", "t", "t", section, f"Heading {i}", "heading", f"Heading {i}", level=2)
        )
        for k in range(i % 7 + 1):
            text = f"Filler line {k} of synthetic section {i}."
            blocks.append(Block(f"p{i}.{k}", "t", "t", section, f"Heading {i}", "paragraph", text))
    html, sections = build_html(blocks, PrintRequest())
    job = PrintJob(Furniture("Title", "2012", "", "1 January 2026"), html=html, sections=sections)
    out = tmp_path / "headings.pdf"
    print_to_pdf(job, out)
    doc = pymupdf.open(out)
    assert doc.page_count >= 3
    for page in doc:
        body = [text for _, _, text in body_lines(page)][2:-2]
        assert not body[-1].startswith("Heading"), f"{body[-1]} is left at the foot of a page"
    printed_text = body_text(doc)
    for block in blocks:
        assert block.text in printed_text


def test_a_printer_gets_pdf_pages_drawn_sharp_at_its_resolution(qapp, services, tmp_path) -> None:
    from reader.ui.print_renderer import MAX_RASTER_DPI, make_printer, paint_job

    job = build_print_job(
        PrintRequest(document="guidance-pdf", pages="2"), services.pack, services.library
    )
    out = tmp_path / "raster.pdf"
    printer = make_printer(job, out)
    assert paint_job(job, printer) == 1  # what the preview and a real printer are sent
    page = pymupdf.open(out)[0]
    images = page.get_image_info()
    assert len(images) == 1
    (x0, _, x1, _) = images[0]["bbox"]
    dpi = images[0]["width"] / ((x1 - x0) / 72.0)
    assert dpi == pytest.approx(MAX_RASTER_DPI, rel=0.02)
    assert NOTICE in text_of(page)


def test_a_margin_note_stays_beside_its_paragraph(qapp, tmp_path) -> None:
    from reader.core.content import Block
    from reader.core.printing import Furniture, PrintJob, build_html

    blocks, notes = [], []
    for i in range(60):
        text = " ".join(f"Synthetic clause {i}.{k} about rota planning." for k in range(i % 5 + 1))
        blocks.append(Block(f"p{i}", "t", "t", "s", "Section", "paragraph", text))
        if i % 4 == 0:
            notes.append(PrintNote(f"p{i}", f"Note number {i} " + "with more words " * (i % 6)))
    html, sections = build_html(blocks, PrintRequest(notes="margin"), notes)
    job = PrintJob(Furniture("Title", "2012", "Section", "1 January 2026"), html=html)
    job.sections = sections
    out = tmp_path / "notes.pdf"
    print_to_pdf(job, out)
    doc = pymupdf.open(out)
    assert doc.page_count >= 2
    for note in notes:
        number = note.block_id[1:]
        note_re = re.compile(rf"Note\s+number\s+{number}\b")
        para_re = re.compile(rf"Synthetic\s+clause\s+{number}\.0\b")
        pages_with_note = [p.number for p in doc if note_re.search(text_of(p))]
        pages_with_para = [p.number for p in doc if para_re.search(text_of(p))]
        assert pages_with_note == pages_with_para, note.block_id
