"""Bad things on disk: the window says what happened in plain words and carries on."""

from __future__ import annotations

from pathlib import Path


def _damage_index(index_dir: Path) -> None:
    damaged = 0
    for path in index_dir.rglob("*"):
        if path.is_file() and (path.suffix in (".seg", ".toc", ".json") or path.name == "CURRENT"):
            path.write_bytes(b"\x00garbage")
            damaged += 1
    assert damaged


def test_a_damaged_index_is_rebuilt_and_search_works(make_window, qtbot, dirs) -> None:
    first = make_window()
    qtbot.waitUntil(lambda: first.index_ready, timeout=30000)
    first.close()
    _damage_index(dirs.index_dir)
    window = make_window()
    qtbot.waitUntil(lambda: window.index_ready, timeout=30000)
    assert "damaged and has been rebuilt" in window.statusBar().currentMessage()
    panel = window.search_panel
    panel.box.setText("individual funding request")
    panel.run_now()
    assert panel.hit_of(panel.results.item(0)).id == (
        "discussion-tools.individual-funding-requests.p1"
    )


def test_a_damaged_settings_file_gives_defaults_and_says_so(make_window, dirs) -> None:
    dirs.settings_file.parent.mkdir(parents=True)
    dirs.settings_file.write_text("{broken", encoding="utf-8")
    window = make_window()
    assert "settings file was damaged" in " ".join(window.notices.messages())
    assert window.notices.isVisible()
    assert window.tabs.currentIndex() == 0


def test_settings_that_cannot_be_saved_are_reported_not_fatal(make_window, dirs) -> None:
    # The config folder's place is taken by a file: every save fails, as on a full or
    # read-only disk.
    dirs.config.parent.mkdir(parents=True, exist_ok=True)
    dirs.config.write_text("not a folder", encoding="utf-8")
    window = make_window()
    window.menu_actions.zoom_in.trigger()
    assert "settings could not be saved" in window.statusBar().currentMessage()
    window.close()
    assert dirs.config.read_text(encoding="utf-8") == "not a folder"


def test_a_damaged_document_list_is_set_aside_and_said(make_window, dirs) -> None:
    dirs.library.mkdir(parents=True)
    (dirs.library / "library.json").write_text("[nonsense", encoding="utf-8")
    window = make_window()
    assert "document list was damaged" in " ".join(window.notices.messages())
    assert (dirs.library / "library.json.bad").is_file()


def test_a_full_disk_while_building_the_index_is_said_plainly(
    make_window, qtbot, dirs, monkeypatch
) -> None:
    import errno

    from reader.core.services import Services

    def full_disk(self, progress=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(dirs.index_dir))

    monkeypatch.setattr(Services, "ensure_index", full_disk)
    window = make_window()
    panel = window.search_panel
    qtbot.waitUntil(lambda: "not available" in panel.status.text(), timeout=30000)
    assert panel.status.text() == (
        f"Search is not available: No space left on device ({dirs.index_dir})."
    )
    assert window.current_view().toPlainText()  # reading carries on
