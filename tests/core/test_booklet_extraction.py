"""Extraction true to the printed booklet: every block of a generated booklet against its truth.

The booklets come from :mod:`tests.booklets` in several variants (how lettered items are set,
which dingbat font draws the bullets); each knows the blocks a correct extraction gives.
Failures name the paragraph (or the kind and place) that went wrong.
"""

from __future__ import annotations

from collections import Counter

import pytest

from reader.core.model import Block
from reader.core.pdf_lines import SOFT_HYPHEN, join_lines, normalise
from reader.core.pdfdoc import open_pdf
from reader.core.pdfinspect import inspect_pdf
from reader.core.pdfparagraphs import endnote_number, extract_blocks
from tests import booklets as bk
from tests import factories as f

DOC = "booklet"


@pytest.fixture(scope="module", params=list(bk.VARIANTS))
def extracted(request, tmp_path_factory) -> tuple[bk.Booklet, list[Block]]:
    folder = tmp_path_factory.mktemp(request.param)
    book = bk.make_booklet(
        folder / "booklet.pdf", **bk.VARIANTS[request.param], variant=request.param
    )
    doc = open_pdf(book.path)
    try:
        return book, extract_blocks(doc, DOC, "pdf-tab")
    finally:
        doc.close()


def _name(kind: str, paragraph: str | None, index: int) -> str:
    return f"paragraph {paragraph}" if paragraph else f"{kind} block #{index}"


def test_numbered_paragraphs_once_in_order_with_exactly_their_words(extracted):
    book, blocks = extracted
    expected = [(b.paragraph, b.text) for b in book.of_kind("pdf-paragraph")]
    got = [(b.paragraph, b.text) for b in blocks if b.kind == "pdf-paragraph"]
    assert [p for p, _ in got] == [p for p, _ in expected], "numbers differ"
    wrong = [
        f"paragraph {p}:\n  got      {g!r}\n  expected {e!r}"
        for (p, g), (_, e) in zip(got, expected, strict=True)
        if g != e
    ]
    assert not wrong, "\n".join(wrong)


def test_every_block_matches_the_truth(extracted):
    book, blocks = extracted
    got = [(b.kind, b.paragraph, b.text) for b in blocks]
    expected = [(b.kind, b.paragraph, b.text) for b in book.blocks]
    for index, (g, e) in enumerate(zip(got, expected, strict=False)):
        assert g == e, (
            f"{_name(e[0], e[1], index)} ({book.variant}) went wrong:\n"
            f"  got      {g}\n  expected {e}"
        )
    assert len(got) == len(expected), f"got {len(got)} blocks, expected {len(expected)}"


def test_endnote_markers_become_links_to_endnote_blocks(extracted):
    book, blocks = extracted
    notes = {endnote_number(b): b for b in blocks if b.kind == "endnote"}
    assert sorted(notes) == [b.note for b in book.of_kind("endnote")]
    assert all(b.id == f"{DOC}.endnote-{n}" for n, b in notes.items())
    for block, truth in zip(blocks, book.blocks, strict=True):
        targets = [link.target for link in block.links]
        assert targets == [f"endnote:{n}" for n in truth.endnotes], block.paragraph
        for link in block.links:
            # Zero-width, right after the word the marker was set against.
            assert link.start == link.end
            assert block.text[link.start - 1].isalpha()
            assert block.text[link.start] == " "
            assert int(link.value) in notes
    assert any(b.links for b in blocks)


def test_boxes_bullets_and_front_matter_stand_apart(extracted):
    book, blocks = extracted
    kinds = Counter(b.kind for b in blocks)
    assert kinds == Counter(b.kind for b in book.blocks)
    assert kinds["box"] == (3 if book.variant != "close-n" else 2)
    assert kinds["front-matter"] >= 6
    quotation = next(b for b in blocks if b.text.startswith("Quotation"))
    # The box runs over a page break: one block, starting on the first page.
    assert quotation.kind == "box"
    assert quotation.paragraph is None
    assert quotation.bbox[3] > 0.8 * bk.PAGE_H
    items = [b for b in blocks if b.kind == "list-item" and b.paragraph]
    assert {b.level for b in items} == {1, 2}  # under a paragraph, under a sub-item
    sub = next(b for b in blocks if b.paragraph and b.paragraph.endswith("(a)"))
    assert sub.level == 1


def test_no_furniture_or_dingbat_glyph_in_any_block(extracted):
    _, blocks = extracted
    for block in blocks:
        assert bk.HEADER not in block.text
        assert bk.FOOTER not in block.text
        lone = [w for w in block.text.split() if w in bk.DINGBAT_LETTERS]
        assert not lone, f"{block.id} holds a bullet glyph: {block.text!r}"


def test_block_ids_are_stable_unique_and_readable(extracted):
    book, blocks = extracted
    ids = [b.id for b in blocks]
    assert len(ids) == len(set(ids))
    wanted = {f"{DOC}.para-2", f"{DOC}.para-2a", f"{DOC}.para-2c-li1", f"{DOC}.endnote-1"}
    assert wanted <= set(ids)
    assert f"{DOC}.para-3-li3" in ids
    assert all(b.id.startswith(f"{DOC}.front-p") for b in blocks if b.kind == "front-matter")
    doc = open_pdf(book.path)
    try:
        assert [b.id for b in extract_blocks(doc, DOC, "pdf-tab")] == ids
    finally:
        doc.close()


def test_words_as_a_reader_types_them(extracted):
    _, blocks = extracted
    text = {b.paragraph: b.text for b in blocks if b.kind == "pdf-paragraph"}
    assert "organisation panel" in text["2"]  # hyphenated at a line end, joined
    assert "a well-being with" in text["5"]  # the document's own compound keeps its hyphen
    assert "reconciliation a ward" in text["6"]  # a soft hyphen (or a hyphen) at a line end
    assert "test fine records" in text["7"]
    assert "with workflow fair" in text["7"]
    assert not any(SOFT_HYPHEN in b.text or "\ufb01" in b.text for b in blocks)


def test_inspect_counts_kinds(extracted):
    book, _ = extracted
    info = inspect_pdf(book.path)
    assert info["kinds"] == dict(sorted(Counter(b.kind for b in book.blocks).items()))
    assert info["paragraphs"] == {"first": 1, "last": 12, "count": 12, "gaps": []}


def test_a_long_booklet(tmp_path):
    book = bk.make_booklet(tmp_path / "long.pdf", "paren", "zadb-l", sections=34)
    assert book.page_count >= 40  # about the size of the printed booklet
    doc = open_pdf(book.path)
    blocks = extract_blocks(doc, DOC, "t")
    assert [(b.kind, b.paragraph, b.text) for b in blocks] == [
        (b.kind, b.paragraph, b.text) for b in book.blocks
    ]


# ----------------------------------------------------------------------------- words


def test_ligatures_and_soft_hyphens_are_normalised():
    assert normalise("of\ufb01ce \ufb02ow \ufb00 \ufb03x") == "office flow ff ffix"
    assert normalise(f"re{SOFT_HYPHEN}view") == "review"
    assert normalise(f"organi{SOFT_HYPHEN}") == f"organi{SOFT_HYPHEN}"


def test_line_end_hyphens_follow_the_documented_rule():
    assert join_lines(["the organi-", "sation"]) == "the organisation"
    assert join_lines([f"recon{SOFT_HYPHEN}", "Ciliation"]) == "reconCiliation"
    assert join_lines(["see the NHS-", "Trust"]) == "see the NHS- Trust"  # capital: kept
    assert join_lines(["patient well-", "being"]) == "patient wellbeing"
    assert join_lines(["patient well-", "being"], frozenset({"well-being"})) == (
        "patient well-being"
    )
    assert join_lines(["pages 4-", "5"]) == "pages 4- 5"


@pytest.mark.parametrize("layout", f.LAYOUTS)
def test_no_lone_dingbat_glyph_in_old_layouts(tmp_path, layout):
    spec = f.make_guidance_pdf(tmp_path / "g.pdf", pages=8, paragraphs=16, layout=layout)
    doc = open_pdf(spec.path)
    for block in extract_blocks(doc, DOC, "t"):
        assert not [w for w in block.text.split() if w in bk.DINGBAT_LETTERS], block.id


def test_alternating_footers_go_even_in_a_two_page_file(tmp_path):
    import pymupdf

    doc = pymupdf.open()
    for index in range(2):
        page = doc.new_page(width=bk.PAGE_W, height=bk.PAGE_H)
        for k in range(3):
            y = 100 + 40 * k
            page.insert_text((bk.NUMBER_X, y), str(3 * index + k + 1), fontname="hebo")
            page.insert_text((bk.BODY_X, y), " ".join(bk.prose(k + 3 * index, 9)))
        folio = f"{index + 1:02d}"
        text = f"{bk.FOOTER} | {folio}" if index % 2 == 0 else f"{folio} | {bk.FOOTER}"
        page.insert_text((bk.BODY_X, 812), text, fontname="helv", fontsize=8)
    doc.save(tmp_path / "short.pdf")
    blocks = extract_blocks(open_pdf(tmp_path / "short.pdf"), DOC, "t")
    assert [b.paragraph for b in blocks] == [str(n) for n in range(1, 7)]
    assert not [b for b in blocks if bk.FOOTER in b.text]


BOX_TITLES = (
    "The duties of a test doctor",
    "Quotation from a test panel",
    "Case study: a test ward",
)


def test_a_boxs_bold_first_line_is_its_title_and_is_set_apart(extracted):
    # The booklet sets a box's title in bold on its own line; the pane shows it that way too,
    # while the block's text (what search, notes and printing use) stays whole.
    from reader.core.render import Theme, pdf_blocks_html

    _book, blocks = extracted
    boxes = [b for b in blocks if b.kind == "box"]
    titled = {b.title: b for b in boxes if b.title}
    for title in BOX_TITLES:
        if any(b.text.startswith(title) for b in boxes):
            box = titled[title]
            assert box.text.startswith(title + " ")
            html = pdf_blocks_html([box], Theme(), {})
            assert f"<b>{title}</b><br>" in html
            assert html.count(title) == 1
    for box in boxes:
        if box.title is None:
            assert not any(box.text.startswith(t) for t in BOX_TITLES)
