"""reader.core.pdfdoc: safe opening, rendering, navigation and numbered-paragraph extraction."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.errors import DocumentError, ExtractionTimeout, PasswordRequired
from reader.core.model import Block, slugify
from reader.core.pdfdoc import (
    MAX_PIXELS,
    find_text,
    fit_zoom,
    open_pdf,
    outline,
    page_links,
    page_sizes,
    page_text_in_rect,
    page_words,
    render_page,
)
from reader.core.pdfinspect import inspect_pdf
from reader.core.pdfparagraphs import endnote_number, extract_blocks, paragraph_summary
from tests import factories as f

DOC = "leadership"


@pytest.fixture(scope="module", params=f.LAYOUTS)
def extracted(request, tmp_path_factory) -> tuple[f.GuidanceSpec, list[Block]]:
    folder = tmp_path_factory.mktemp(request.param)
    spec = f.make_guidance_pdf(folder / "guidance.pdf", layout=request.param)
    doc = open_pdf(spec.path)
    try:
        return spec, extract_blocks(doc, DOC, "pdf-tab")
    finally:
        doc.close()


@pytest.fixture(scope="module")
def guidance(tmp_path_factory) -> f.GuidanceSpec:
    return f.make_guidance_pdf(tmp_path_factory.mktemp("g") / "guidance.pdf")


def _paragraphs(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.kind == "pdf-paragraph"]


# ----------------------------------------------------------------------------- extraction


def test_paragraph_numbers_are_complete_and_in_order(extracted):
    spec, blocks = extracted
    numbers = [b.paragraph for b in _paragraphs(blocks)]
    assert numbers == spec.numbers
    top = [int(n) for n in numbers if n.isdigit()]
    assert top == list(range(1, 91))


def test_paragraph_text_is_exactly_the_written_words(extracted):
    # Exact equality covers hyphenation repair, endnote markers, headers, footers, page
    # numbers and paragraphs continued across a page break all at once.
    spec, blocks = extracted
    for block, expected in zip(_paragraphs(blocks), spec.paragraphs, strict=True):
        assert block.text == expected.text, block.paragraph


def test_paragraphs_carry_section_page_and_bbox(extracted):
    spec, blocks = extracted
    for block, expected in zip(_paragraphs(blocks), spec.paragraphs, strict=True):
        assert block.section_title == expected.section_title
        assert block.page == expected.page
        x0, y0, x1, y1 = block.bbox
        assert 0 <= x0 < x1 <= f.PAGE_W
        assert 0 <= y0 < y1 <= f.PAGE_H


def test_sub_items_are_lettered_blocks_after_their_paragraph(extracted):
    _, blocks = extracted
    paras = _paragraphs(blocks)
    index = next(i for i, b in enumerate(paras) if b.paragraph == "3")
    assert [b.paragraph for b in paras[index : index + 4]] == ["3", "3(a)", "3(b)", "3(c)"]
    sub = paras[index + 1]
    assert sub.id == f"{DOC}.para-3a"
    assert sub.level == 1
    assert sub.text.startswith("Test sentence 1 for item 3")
    assert not sub.text.startswith("a ")


def test_spanning_paragraph_is_one_block(extracted):
    spec, blocks = extracted
    if spec.layout == "spanning":
        assert len(spec.spanning) >= 10
    by_number = {b.paragraph: b for b in _paragraphs(blocks)}
    for expected in spec.spanning:
        block = by_number[expected.number]
        assert block.page == expected.page
        assert block.text == expected.text
        assert sum(1 for b in blocks if b.paragraph == expected.number) == 1


def test_headers_footers_page_numbers_and_markers_are_skipped(extracted):
    spec, blocks = extracted
    assert spec.endnote_markers >= 5
    for block in blocks:
        assert f.HEADER_TEXT not in block.text
        assert f.FOOTER_TEXT not in block.text
        assert not block.text.strip().isdigit()
    for block in _paragraphs(blocks):
        if block.paragraph.isdigit() and int(block.paragraph) % 9 == 4:
            assert block.text.endswith(".")  # the superscript marker came after this


def test_headings_and_sub_headings(extracted):
    spec, blocks = extracted
    headings = [b for b in blocks if b.kind == "heading"]
    assert [(b.level, b.text, b.page) for b in headings] == spec.headings
    subs = [b for b in headings if b.text in f.SUB_HEADINGS]
    assert len(subs) == 10
    # A repeated sub-heading takes its section's name, so every id is unique and readable.
    first_all = next(b for b in subs if b.text == "All doctors")
    assert first_all.id == f"{DOC}.test-section-2-working-with-colleagues-in-tests-all-doctors"
    assert first_all.section == first_all.id.split(".", 1)[1]
    top = next(b for b in headings if b.level == 2)
    assert top.id == f"{DOC}.{slugify(top.text)}"


def test_sections_of_paragraphs_follow_sub_headings(extracted):
    _, blocks = extracted
    section_titles = {b.section_title for b in _paragraphs(blocks)}
    assert {"All doctors", "Doctors with extra responsibilities"} <= section_titles
    heading_sections = {b.section for b in blocks if b.kind == "heading"}
    assert {b.section for b in _paragraphs(blocks)} <= heading_sections


def test_intro_is_text_and_endnotes_are_numbered_endnote_blocks(extracted):
    spec, blocks = extracted
    assert blocks[1].kind == "pdf-text"
    assert blocks[1].text == spec.intro_text
    assert blocks[1].id == f"{DOC}.p0-1"
    notes_at = next(i for i, b in enumerate(blocks) if b.text == "Endnotes")
    tail = blocks[notes_at + 1 :]
    assert len(tail) == spec.endnote_markers
    assert all(b.kind == "endnote" and b.paragraph is None for b in tail)
    assert [endnote_number(b) for b in tail] == list(range(1, len(tail) + 1))
    assert tail[0].id == f"{DOC}.endnote-1"
    assert tail[0].text.startswith("Synthetic endnote 1 ")
    # Each marker taken out of a paragraph links to its endnote, at the end of its sentence.
    linked = [(b, link) for b in _paragraphs(blocks) for link in b.links]
    assert [link.target for _, link in linked] == [f"endnote:{n + 1}" for n in range(len(tail))]
    assert all(link.start == link.end == len(b.text) for b, link in linked)


def test_block_ids_are_unique_and_stable(extracted):
    spec, blocks = extracted
    ids = [b.id for b in blocks]
    assert len(ids) == len(set(ids))
    assert f"{DOC}.para-85" in ids
    doc = open_pdf(spec.path)
    try:
        again = extract_blocks(doc, DOC, "pdf-tab")
    finally:
        doc.close()
    assert [b.id for b in again] == ids
    assert all(b.document == DOC and b.tab == "pdf-tab" for b in blocks)


@pytest.mark.parametrize("layout", ["margin", "inline"])
def test_extract_starting_mid_document(tmp_path, layout):
    spec = f.make_guidance_pdf(tmp_path / "part.pdf", 8, 12, layout, first=40, endnotes=False)
    doc = open_pdf(spec.path)
    blocks = extract_blocks(doc, "part", "t")
    assert [b.paragraph for b in _paragraphs(blocks)] == spec.numbers
    assert spec.numbers[:3] == ["40", "41", "42"]


def test_plain_pdf_falls_back_to_text_per_page(tmp_path):
    path = f.make_plain_pdf(tmp_path / "plain.pdf", pages=3)
    doc = open_pdf(path)
    blocks = extract_blocks(doc, "plain", "t")
    assert blocks
    assert {b.kind for b in blocks} == {"pdf-text"}
    assert [b.id for b in blocks[:3]] == ["plain.p0-1", "plain.p0-2", "plain.p0-3"]
    assert {b.page for b in blocks} == {0, 1, 2}


def test_extraction_is_bounded_in_time_and_pages(tmp_path):
    path = f.make_many_pages_pdf(tmp_path / "many.pdf", pages=3000)
    doc = open_pdf(path)
    assert doc.page_count == 3000
    assert len(extract_blocks(doc, "many", "t", max_pages=20)) == 20
    with pytest.raises(ExtractionTimeout) as caught:
        extract_blocks(doc, "many", "t", timeout=0.05)
    assert 0 < len(caught.value.blocks) < 3000
    assert "stopped after" in str(caught.value)
    info = inspect_pdf(path, max_pages=100)
    assert info["pages"] == 3000
    assert info["complete"] is False


# ----------------------------------------------------------------------------- bad files

BAD_FILES = [
    (f.make_empty_file, "is empty"),
    (f.make_not_a_pdf, "is not a PDF"),
    (f.make_header_only_pdf, "is damaged"),
    (f.make_no_pages_pdf, "has no pages"),
]


def _one_plain_sentence(message: str, name: str) -> None:
    assert name in message
    assert message.endswith(".")
    assert "\n" not in message
    assert "Traceback" not in message
    assert message.count(". ") == 0


@pytest.mark.parametrize(("make", "words"), BAD_FILES, ids=lambda v: getattr(v, "__name__", v))
def test_bad_files_give_one_plain_sentence(tmp_path, make, words):
    path = make(tmp_path / "bad.pdf")
    with pytest.raises(DocumentError) as caught:
        open_pdf(path)
    _one_plain_sentence(str(caught.value), "bad.pdf")
    assert words in str(caught.value)
    with pytest.raises(DocumentError):
        inspect_pdf(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(DocumentError, match="could not be found"):
        open_pdf(tmp_path / "nowhere.pdf")
    with pytest.raises(DocumentError, match="is a folder"):
        open_pdf(tmp_path)


def test_encrypted_pdf_needs_the_right_password(tmp_path):
    path = f.make_encrypted_pdf(tmp_path / "locked.pdf", user_pw="user-secret")
    with pytest.raises(PasswordRequired) as caught:
        open_pdf(path)
    _one_plain_sentence(str(caught.value), "locked.pdf")
    assert "password" in str(caught.value)
    with pytest.raises(PasswordRequired, match="not correct"):
        open_pdf(path, password="wrong")
    doc = open_pdf(path, password="user-secret")
    assert doc.page_count == 1
    assert inspect_pdf(path, password="user-secret")["encrypted"] is True


@pytest.mark.parametrize("keep", [0.05, 0.4, 0.8])
def test_truncated_pdf_is_repaired_or_refused(tmp_path, keep):
    path = f.make_truncated_pdf(tmp_path / "cut.pdf", keep=keep)
    try:
        doc = open_pdf(path)
    except DocumentError as exc:
        _one_plain_sentence(str(exc), "cut.pdf")
        return
    extract_blocks(doc, "cut", "t")  # whatever MuPDF repaired must not raise
    render_page(doc, 0, 72)


def test_damaged_xref_is_repaired(tmp_path):
    path = f.make_damaged_xref_pdf(tmp_path / "xref.pdf")
    doc = open_pdf(path)
    assert doc.is_repaired
    paras = [b.paragraph for b in extract_blocks(doc, "x", "t") if b.kind == "pdf-paragraph"]
    assert [p for p in paras if p.isdigit()] == [str(n) for n in range(1, 7)]


# ----------------------------------------------------------------------------- rendering


@pytest.mark.parametrize("dpi", [96, 150])
def test_render_dimensions(guidance, dpi):
    doc = open_pdf(guidance.path)
    page = render_page(doc, 3, dpi)
    assert abs(page.width - f.PAGE_W * dpi / 72) <= 1
    assert abs(page.height - f.PAGE_H * dpi / 72) <= 1
    assert page.format == "RGB888"
    assert page.stride >= page.width * 3
    assert len(page.samples) == page.stride * page.height
    assert not page.capped
    assert page.dpi == pytest.approx(dpi)
    assert min(page.samples) < 100  # some dark text was drawn


def test_render_without_copy_shares_mupdf_buffer(guidance):
    doc = open_pdf(guidance.path)
    copied = render_page(doc, 3, 96)
    view = render_page(doc, 3, 96, copy=False)
    assert isinstance(view.samples, memoryview)
    assert view.samples.readonly
    assert view.samples.tobytes() == copied.samples
    assert view == copied  # equal pixels and geometry; the buffer owner is not compared


def test_pixels_outlive_the_rendered_page_without_a_copy(guidance):
    # What a QImage is built on: the buffer keeps MuPDF's pixmap (and so the bytes) alive
    # after the RenderedPage is gone, and lets it go once the buffer itself is gone.
    import gc
    import weakref

    doc = open_pdf(guidance.path)
    copied = render_page(doc, 3, 96)
    view = render_page(doc, 3, 96, copy=False)
    pixmap = weakref.ref(view._owner)
    pixels = view.pixels()
    assert len(memoryview(pixels).cast("B")) == view.stride * view.height
    del view
    gc.collect()
    assert pixmap() is not None
    assert bytes(pixels) == copied.samples
    del pixels
    gc.collect()
    assert pixmap() is None
    assert copied.pixels() is copied.samples  # copied bytes need no owner


def test_render_with_alpha_and_clip(guidance):
    doc = open_pdf(guidance.path)
    page = render_page(doc, 1, 144, alpha=True, clip=(0, 0, 100, 50))
    assert page.format == "RGBA8888_Premultiplied"
    assert (page.width, page.height) == (200, 100)
    assert len(page.samples) == page.stride * page.height
    with pytest.raises(DocumentError, match="has no page 100"):
        render_page(doc, 99, 96)


def test_enormous_page_is_capped(tmp_path):
    doc = open_pdf(f.make_enormous_page_pdf(tmp_path / "huge.pdf"))
    page = render_page(doc, 0, 150)
    assert page.capped
    assert page.width * page.height <= MAX_PIXELS
    assert page.width == page.height
    assert page.width > 5000


def test_fit_zoom():
    assert fit_zoom(595, 842, 72) == (1.0, False)
    zoom, capped = fit_zoom(14400, 14400, 300, max_pixels=1_000_000)
    assert capped
    assert (14400 * zoom) ** 2 <= 1_000_000
    zoom, capped = fit_zoom(14400, 10, 300)  # a ribbon: the long side is capped too
    assert capped
    assert 14400 * zoom <= 32_000


# ----------------------------------------------------------------------------- navigation


def test_page_sizes_and_outline(guidance):
    doc = open_pdf(guidance.path)
    sizes = page_sizes(doc)
    assert len(sizes) == guidance.page_count
    assert sizes[0] == pytest.approx((f.PAGE_W, f.PAGE_H))
    entries = outline(doc)
    assert len(entries) == len(guidance.headings)
    assert entries[0] == (1, f.TITLE, 0)
    assert [(e.title, e.page_index) for e in entries[1:]] == [
        (text, page) for _, text, page in guidance.headings[1:]
    ]


def test_page_links_are_plain_data_and_never_actions(guidance):
    doc = open_pdf(guidance.path)
    links = page_links(doc, 0)
    kinds = sorted((link.kind, link.page, link.uri) for link in links)
    assert kinds == [("external", None, "https://example.org/test"), ("internal", 2, None)]
    assert all(len(link.rect) == 4 for link in links)


def test_find_text(guidance):
    doc = open_pdf(guidance.path)
    hits = find_text(doc, "synthetic ENDNOTE 3")
    assert [h.page for h in hits] == [guidance.page_count - 1]
    assert len(hits[0].rects) == 1
    assert find_text(doc, "   ") == []
    assert len(find_text(doc, "Generated by", max_hits=5)) == 5


def test_words_and_text_in_rect(guidance):
    doc = open_pdf(guidance.path)
    words = page_words(doc, 2)
    assert any(w.text == "Synthetic" for w in words)
    header = page_text_in_rect(doc, 2, (0, 0, f.PAGE_W, 50))
    assert header == f.HEADER_TEXT


# ----------------------------------------------------------------------------- inspection


def test_inspect_pdf_shape(guidance):
    info = inspect_pdf(guidance.path)
    assert info["kind"] == "pdf"
    assert info["pages"] == guidance.page_count
    assert info["title"] == f.TITLE
    assert info["outline"] == len(guidance.headings)
    assert info["paragraphs"] == {"first": 1, "last": 90, "count": 90, "gaps": []}
    assert info["complete"] is True


def test_paragraph_summary_reports_gaps():
    def block(n: str) -> Block:
        return Block(f"d.para-{n}", "d", "t", "s", "S", "pdf-paragraph", "x", paragraph=n)

    blocks = [block(n) for n in ("1", "2", "2(a)", "5", "6")]
    assert paragraph_summary(blocks) == {"first": 1, "last": 6, "count": 4, "gaps": [3, 4]}
    assert paragraph_summary([]) == {"first": None, "last": None, "count": 0, "gaps": []}


def test_core_modules_do_not_import_qt():
    code = (
        "import sys, reader.core.pdfdoc, reader.core.slides, reader.core.safeopen; "
        "assert not [m for m in sys.modules if m.startswith('PySide6')]"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
