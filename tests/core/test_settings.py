"""Settings survive restarts, and a damaged file never stops the app."""

from pathlib import Path

import pytest

from reader.core.settings import MAX_TEXT_SIZE, Settings, SettingsStore


def test_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "cfg" / "settings.json")
    store.save(Settings(text_size=16, last_tab="background"))
    loaded = SettingsStore(store.path).load()
    assert (loaded.text_size, loaded.last_tab) == (16, "background")


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    assert store.load() == Settings()
    assert store.problem is None


def test_corrupt_file_gives_defaults_and_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{not json", encoding="utf-8")
    store = SettingsStore(path)
    assert store.load() == Settings()
    assert "damaged" in store.problem
    assert (tmp_path / "settings.json.bad").read_text(encoding="utf-8") == "{not json"


def test_wrong_types_and_out_of_range_values_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"text_size": 400, "last_tab": 3, "unknown": 1}', encoding="utf-8")
    loaded = SettingsStore(path).load()
    assert loaded.text_size == MAX_TEXT_SIZE
    assert loaded.last_tab == "guidance"


def test_failed_save_leaves_old_file_intact(tmp_path: Path, monkeypatch) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.save(Settings(text_size=14))
    import os

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        store.save(Settings(text_size=20))
    monkeypatch.undo()
    assert SettingsStore(store.path).load().text_size == 14
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
