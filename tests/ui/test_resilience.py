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
    assert "document list could not be read" in " ".join(window.notices.messages())
    assert len(list(dirs.library.glob("library.json.bad-*"))) == 1


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


# -- issue 14: damage anything the app keeps, and it still starts with everything ------------

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402

import pytest  # noqa: E402


def _fifo(path: Path) -> None:
    _remove(path)
    os.mkfifo(path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _folder(path: Path) -> None:
    _remove(path)
    (path / "inside").mkdir(parents=True)


def _edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _entry(n: int, key: str, value):
    def change(data) -> None:
        if value is KeyError:
            del data["documents"][n][key]
        else:
            data["documents"][n][key] = value

    return change


def _index_files(index_dir: Path, pattern: str, content: bytes) -> None:
    for path in index_dir.rglob(pattern):
        if path.is_file():
            path.write_bytes(content)


LIB, SET, PACK, IDX = "library/library.json", "settings.json", "content-pack.json", "index"
DAMAGES = {
    # the document list
    "list truncated": (LIB, lambda p: p.write_bytes(p.read_bytes()[:40])),
    "list not utf-8": (LIB, lambda p: p.write_bytes(b"\xff\xfe\x00garbage\x80")),
    "list with a bom": (LIB, lambda p: p.write_bytes(b"\xef\xbb\xbf" + p.read_bytes())),
    "list is []": (LIB, lambda p: p.write_text("[]", encoding="utf-8")),
    "list is null": (LIB, lambda p: p.write_text("null", encoding="utf-8")),
    "list empty": (LIB, lambda p: p.write_bytes(b"")),
    "list deleted": (LIB, _remove),
    "list is a folder": (LIB, _folder),
    "list is a fifo": (LIB, _fifo),
    "list links to /dev/zero": (LIB, lambda p: (_remove(p), p.symlink_to("/dev/zero"))),
    "list nests deeply": (LIB, lambda p: p.write_text("[" * 100000, encoding="utf-8")),
    "entry file is null": (LIB, lambda p: _edit_json(p, _entry(0, "file", None))),
    "entry file is a number": (LIB, lambda p: _edit_json(p, _entry(1, "file", 7))),
    "entry without sha256": (LIB, lambda p: _edit_json(p, _entry(0, "sha256", KeyError))),
    "entry with unknown keys": (LIB, lambda p: _edit_json(p, _entry(0, "future", {"a": 1}))),
    "entry names a gone slot": (LIB, lambda p: _edit_json(p, _entry(0, "slot", "renamed"))),
    "documents is a number": (LIB, lambda p: p.write_text('{"documents": 5}', encoding="utf-8")),
    # settings
    "settings truncated": (SET, lambda p: p.write_bytes(p.read_bytes()[:10])),
    "settings is []": (SET, lambda p: p.write_text("[]", encoding="utf-8")),
    "settings not utf-8": (SET, lambda p: p.write_bytes(b"\xff\xfe{}")),
    "settings wrong types": (
        SET,
        lambda p: p.write_text(
            json.dumps(
                {
                    "text_size": 10**400,
                    "open_documents": [1, None],
                    "document_pages": {"a": "b"},
                    "last_tab": 5,
                    "window_geometry": 3,
                }
            ),
            encoding="utf-8",
        ),
    ),
    "settings is a folder": (SET, _folder),
    "settings is a fifo": (SET, _fifo),
    # the cached content pack
    "pack cache is []": (PACK, lambda p: p.write_text("[]", encoding="utf-8")),
    "pack cache truncated": (PACK, lambda p: p.write_bytes(p.read_bytes()[:100])),
    "pack cache edited": (
        PACK,
        lambda p: _edit_json(p, lambda d: d["pack"]["tabs"][0].update(blocks=5)),
    ),
    "pack cache is a folder": (PACK, _folder),
    "pack cache is a fifo": (PACK, _fifo),
    # the index
    "index deleted": (IDX, _remove),
    "index is a file": (IDX, lambda p: (_remove(p), p.write_text("x", encoding="utf-8"))),
    "index CURRENT garbage": (IDX, lambda p: (p / "CURRENT").write_bytes(b"\x00")),
    "index segments garbage": (IDX, lambda p: _index_files(p, "*.seg", b"\x00garbage")),
    "index meta garbage": (IDX, lambda p: _index_files(p, "meta.json", b"{")),
    "index write.lock is a folder": (IDX, lambda p: _folder(p / "write.lock")),
    "index killed build left": (IDX, lambda p: (p / f".gen-{1:032x}.tmp").mkdir()),
}


@pytest.fixture(scope="module")
def filled_home(tmp_path_factory, content_dir):
    """A home with two documents, a built index and a cached pack (made once: adds are slow)."""
    from reader.core.content import load_pack
    from reader.core.services import Services
    from reader.core.settings import Settings, SettingsStore
    from reader.paths import UserDirs
    from tests.factories import make_deck, make_guidance_pdf

    root = tmp_path_factory.mktemp("filled")
    dirs = UserDirs.for_home(root / "home")
    pack = load_pack(content_dir, cache_dir=dirs.cache)
    services = Services.open(pack, dirs)
    pdf = root / "Leadership_guidance.pdf"
    make_guidance_pdf(pdf, pages=2, paragraphs=4)
    services.library.add(pdf)
    services.library.add(make_deck(root / "slides.pptx", slides=2))
    services.ensure_index()
    services.index.close()
    SettingsStore(dirs.settings_file).save(Settings())
    shas = {d.sha256 for d in services.library.documents}
    return root / "home", shas


def _where(dirs, key: str) -> Path:
    return {
        LIB: dirs.library / "library.json",
        SET: dirs.settings_file,
        PACK: dirs.cache / "content-pack.json",
        IDX: dirs.index_dir,
    }[key]


@pytest.mark.parametrize("name", list(DAMAGES))
def test_the_app_starts_with_everything_whatever_is_damaged(
    name, filled_home, tmp_path, qtbot, content_dir
) -> None:
    from reader.paths import UserDirs
    from reader.ui.app import start_window
    from reader.ui.main_window import MainWindow

    template, shas = filled_home
    home = tmp_path / "copy"
    shutil.copytree(template, home, symlinks=True)
    dirs = UserDirs.for_home(home)
    key, damage = DAMAGES[name]
    damage(_where(dirs, key))
    library_files = {p.name for p in dirs.library.iterdir()}

    window = start_window(content_dir, dirs)  # the real start-up path
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow), window.text()
    qtbot.waitExposed(window)
    assert window.isVisible()
    assert {d.sha256 for d in window.services.library.documents} >= shas
    qtbot.waitUntil(lambda: window.index_ready, timeout=60000)
    hits = window.services.index.search("individual funding request", limit=200).hits
    assert {h.source for h in hits} == {"tabs", "documents"}  # the page and the added PDF
    assert library_files <= {p.name for p in dirs.library.iterdir()}  # nothing deleted
    window.close()


def test_a_broken_pack_still_opens_a_window_that_says_why(tmp_path, qtbot, dirs) -> None:
    from PySide6.QtWidgets import QMessageBox

    from reader.ui.app import start_window

    broken = tmp_path / "pack"
    broken.mkdir()
    (broken / "manifest.toml").write_text("schema_version = 1\ntitle = 5\n", encoding="utf-8")
    window = start_window(broken, dirs)
    qtbot.addWidget(window)
    assert isinstance(window, QMessageBox)
    assert window.isVisible()
    assert "manifest.toml, line" in window.text()


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "smb://host/x.exe", "javascript:alert(1)", "ftp://x/y"]
)
def test_only_web_and_mail_addresses_reach_the_browser(
    make_window, no_modal_boxes, monkeypatch, url
) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda u: opened.append(u.toString()))
    window = make_window()
    window.links.open_external(url, "Somewhere")
    assert opened == []
    assert no_modal_boxes[-1][0] == "information"
    assert url in no_modal_boxes[-1][1]  # the full address is shown
