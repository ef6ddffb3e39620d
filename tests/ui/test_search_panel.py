"""Searching from the window: results as you type, Enter opens and marks the block."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.core.content import Block
from reader.core.render import anchor_for


def _ready(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.index_ready, timeout=30000)


def test_results_appear_as_you_type_and_rank_the_ifr_paragraph_first(window, qtbot) -> None:
    _ready(window, qtbot)
    window.menu_actions.search.trigger()
    assert window.search_panel.box.hasFocus()
    qtbot.keyClicks(window.search_panel.box, "individual funding request")
    results = window.search_panel.results
    qtbot.waitUntil(lambda: results.count() > 0)
    first = window.search_panel.hit_of(results.item(0))
    assert first.id == "discussion-tools.individual-funding-requests.p1"
    assert "Individual funding requests" in results.item(0).data(Qt.ItemDataRole.UserRole + 1)
    assert "<b>" in first.snippet_html


def test_enter_opens_the_result_and_highlights_its_words(window, qtbot) -> None:
    _ready(window, qtbot)
    window.menu_actions.search.trigger()
    qtbot.keyClicks(window.search_panel.box, "whistleblowing")
    qtbot.waitUntil(lambda: window.search_panel.results.count() > 0)
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Return)
    assert window.current_tab_id() == "guidance"
    html = window.current_view().toHtml()
    assert anchor_for("guidance.leadership-and-management-for-all-doctors-2012.li4") in html
    assert "background-color:#ffe36e" in html.replace(" ", "") or "#8a6d00" in html
    assert "raising" in window.current_view().toPlainText()


def test_a_typo_offers_did_you_mean_and_clicking_it_searches(window, qtbot) -> None:
    _ready(window, qtbot)
    panel = window.search_panel
    panel.box.setText("leadreship")
    panel.run_now()
    assert "Did you mean" in panel.status.text()
    panel.status.linkActivated.emit("leadership")
    assert panel.box.text() == "leadership"
    assert panel.results.count() > 0


def test_a_bare_paragraph_number_offers_to_go_there(window, qtbot) -> None:
    _ready(window, qtbot)
    panel = window.search_panel
    panel.box.setText("para 85")
    panel.run_now()
    assert panel.goto_button.isVisible()
    assert panel.goto_button.text() == "Go to paragraph 85"
    panel.goto_button.click()
    assert "paragraph 85" in window.statusBar().currentMessage().lower()


def test_hostile_input_gives_results_or_a_hint(window, qtbot) -> None:
    _ready(window, qtbot)
    panel = window.search_panel
    for text in ('"unbalanced', "AND", "*", "x" * 10000, "\x00\x07", "🙂", "руководство"):
        panel.box.setText(text)
        panel.run_now()
        assert panel.status.text()


# --- the panel alone, with a real index ------------------------------------------------------


def _panel(qtbot, tmp_path, blocks):
    from reader.core.search import SearchIndex
    from reader.ui.search_panel import SearchPanel

    index = SearchIndex(tmp_path / "index")
    index.ensure(blocks)
    panel = SearchPanel(index.search)
    qtbot.addWidget(panel)
    panel.resize(360, 600)
    panel.show()
    return panel


def _pdf_block(number: int, text: str, section: str) -> Block:
    return Block(
        id=f"guidance-pdf.para-{number}",
        document="guidance-pdf",
        tab="guidance",
        section="s",
        section_title=section,
        kind="pdf-paragraph",
        text=text,
        paragraph=str(number),
        page=30,
    )


def test_a_new_search_and_esc_clear_the_old_highlights(qtbot, tmp_path) -> None:
    panel = _panel(qtbot, tmp_path, [_pdf_block(85, "Raise concerns early.", "Concerns")])
    panel.box.setText("concerns")
    panel.run_now()
    with qtbot.waitSignal(panel.highlightsCleared, timeout=1000):
        qtbot.keyClicks(panel.box, "x")
    with qtbot.waitSignal(panel.highlightsCleared, timeout=1000):
        qtbot.keyClick(panel.box, Qt.Key.Key_Escape)


def test_pdf_hits_name_section_sub_heading_and_paragraph(qtbot, tmp_path) -> None:
    block = _pdf_block(85, "Act on concerns promptly.", "Doctors with extra responsibilities")
    panel = _panel(qtbot, tmp_path, [block])
    panel.set_section_trail(lambda hit: ["Raising and acting on concerns", hit.section])
    panel.box.setText("promptly")
    panel.run_now()
    text = panel.results.item(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert text.startswith(
        "Raising and acting on concerns › Doctors with extra responsibilities · para 85:"
    )


def test_the_location_line_is_at_most_one_point_below_the_body(qtbot, tmp_path) -> None:
    from PySide6.QtWidgets import QStyleOptionViewItem

    panel = _panel(qtbot, tmp_path, [_pdf_block(85, "Act on concerns promptly.", "Concerns")])
    panel.box.setText("promptly")
    panel.run_now()
    delegate = panel.results.itemDelegate()
    option = QStyleOptionViewItem()
    option.initFrom(panel.results)
    option.rect = panel.results.visualItemRect(panel.results.item(0))
    body = option.font.pointSizeF()
    doc = delegate._document(option, panel.results.model().index(0, 0))
    where_format = doc.begin().begin().fragment().charFormat()
    assert where_format.font().pointSizeF() >= body - 1


def test_no_results_without_the_guidance_pdf_says_how_to_add_it(qtbot, tmp_path) -> None:
    panel = _panel(qtbot, tmp_path, [_pdf_block(1, "Leadership for all doctors.", "Intro")])
    panel.set_guidance_installed(False)
    panel.box.setText("revalidation ")
    panel.run_now()
    status = panel.status.text()
    assert "No results." in status
    assert "guidance PDF is not installed" in status
    assert "Add document" in status
    panel.set_guidance_installed(True)
    panel.run_now()
    assert "not installed" not in panel.status.text()


def _marked(html: str) -> bool:
    flat = html.replace(" ", "")
    return "background-color:#ffe36e" in flat or "#8a6d00" in flat


def test_in_the_window_a_new_search_clears_the_marks_of_the_last(window, qtbot) -> None:
    _ready(window, qtbot)
    window.menu_actions.search.trigger()
    qtbot.keyClicks(window.search_panel.box, "whistleblowing")
    qtbot.waitUntil(lambda: window.search_panel.results.count() > 0)
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Return)
    assert _marked(window.current_view().toHtml())
    window.menu_actions.search.trigger()
    qtbot.keyClick(window.search_panel.box, Qt.Key.Key_Escape)
    assert not _marked(window.views["guidance"].toHtml())


def test_in_the_window_no_results_says_the_guidance_pdf_is_missing(window, qtbot) -> None:
    _ready(window, qtbot)
    window.menu_actions.search.trigger()
    qtbot.keyClicks(window.search_panel.box, "zzqxjw")
    qtbot.waitUntil(lambda: "not installed yet" in window.search_panel.status.text())
    assert "Add document" in window.search_panel.status.text()
