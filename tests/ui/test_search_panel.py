"""Searching from the window: results as you type, Enter opens and marks the block."""

from __future__ import annotations

from PySide6.QtCore import Qt

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
