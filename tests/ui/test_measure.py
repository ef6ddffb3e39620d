"""Reflowed text keeps a readable line length in wide windows (issue 11, item 13)."""

from __future__ import annotations

from PySide6.QtGui import QTextLayout

from reader.core.render import Theme
from reader.ui.paragraphs_view import ParagraphsView
from tests.booklets import make_booklet


def _longest_line(view) -> int:
    longest = 0
    block = view.document().begin()
    while block.isValid():
        layout: QTextLayout = block.layout()
        text = block.text()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            longest = max(
                longest, len(text[line.textStart() : line.textStart() + line.textLength()])
            )
        block = block.next()
    return longest


def test_the_paragraphs_pane_keeps_lines_under_about_80_characters_when_wide(
    qtbot, tmp_path
) -> None:
    from reader.core.pdfdoc import open_pdf
    from reader.core.pdfparagraphs import extract_blocks

    booklet = make_booklet(tmp_path / "booklet.pdf")
    blocks = extract_blocks(open_pdf(booklet.path), "guidance-pdf", "guidance")
    view = ParagraphsView(blocks, Theme(), 11)
    qtbot.addWidget(view)
    view.resize(2400, 900)
    view.show()
    view.render_blocks()
    qtbot.waitUntil(lambda: view.document().rootFrame().frameFormat().leftMargin() > 200)
    assert 40 < _longest_line(view) <= 85
    view.resize(500, 900)
    qtbot.waitUntil(lambda: view.document().rootFrame().frameFormat().leftMargin() < 20)
