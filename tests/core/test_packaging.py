"""The packaging files agree with the app and with each other, checked without building anything.

A real frozen build (``python packaging/build.py``) takes half a minute and smoke-tests itself;
these checks catch the cheap mistakes first: a renamed folder or entry point, an app name that
differs between the spec, the build driver and the installer, a broken ``.desktop`` file.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import re
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "leadership-reader.spec"
ISS = PACKAGING / "windows" / "installer.iss"


def _spec_text() -> str:
    text = SPEC.read_text(encoding="utf-8")
    ast.parse(text, filename=str(SPEC))  # a spec is Python; a syntax error fails here, not in CI
    return text


def test_spec_bundles_content_and_assets_at_the_root() -> None:
    text = _spec_text()
    # reader/paths.py looks for both directly under sys._MEIPASS.
    for folder in ("content", "assets"):
        assert re.search(rf'\(str\(ROOT / "{folder}"\), "{folder}"\)', text), folder
        assert (ROOT / folder).is_dir()
    assert (ROOT / "content" / "manifest.toml").is_file()


def test_spec_is_one_folder_with_the_launch_script() -> None:
    text = _spec_text()
    assert 'ENTRY_SCRIPT = ROOT / "packaging" / "launch.py"' in text
    assert "COLLECT(" in text  # one-folder, not one-file
    assert "exclude_binaries=True" in text
    assert 'APP_NAME = "LeadershipReader"' in text
    assert "console=False" in text  # the app exe is windowed
    for needed in (
        'collect_submodules("whoosh")',
        'collect_data_files("pptx")',
        'collect_submodules("markdown_it")',
        'collect_submodules("mdit_py_plugins")',
        'collect_submodules("pymupdf")',
    ):
        assert needed in text, needed


def test_spec_excludes_unused_qt_but_not_what_the_app_uses() -> None:
    text = _spec_text()
    for unused in ("QtWebEngineCore", "Qt3DCore", "QtQuick", "QtQml", "QtMultimedia", "QtCharts"):
        assert re.search(rf"\b{unused}\b", text), unused
    excluded = set(text.split("QT_EXCLUDES = [", 1)[1].split("]", 1)[0].split())
    for used in ("QtCore", "QtGui", "QtWidgets", "QtSvg"):
        assert used not in excluded, used


def test_launch_script_runs_the_cli_main() -> None:
    tree = ast.parse((PACKAGING / "launch.py").read_text(encoding="utf-8"))
    imports = [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    ]
    assert ("reader.cli", "main") in imports
    source = ast.unparse(tree)
    assert "sys.exit(main())" in source


def test_build_driver_names_the_same_app_and_needs_no_pyinstaller_to_import(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    had_pyinstaller = "PyInstaller" in sys.modules
    spec = importlib.util.spec_from_file_location("packaging_build", PACKAGING / "build.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # its dataclasses look themselves up
    spec.loader.exec_module(module)
    assert module.APP_NAME == "LeadershipReader"
    assert module.SPEC == SPEC
    assert module.BUNDLE == ROOT / "dist" / "LeadershipReader"
    assert had_pyinstaller or "PyInstaller" not in sys.modules  # only main() may import it


def test_desktop_file_parses() -> None:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive in .desktop files
    parser.read(PACKAGING / "linux" / "leadership-reader.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"]
    assert entry["Exec"].split()[0] == "reader"
    assert "%f" in entry["Exec"].split()
    assert entry["Terminal"] == "false"
    for key in ("MimeType", "Categories"):
        assert entry[key].endswith(";"), key
    assert "application/pdf" in entry["MimeType"].split(";")


def test_installer_is_per_user_and_only_adds_open_with() -> None:
    text = ISS.read_text(encoding="utf-8")
    assert re.search(r"^PrivilegesRequired=lowest$", text, re.MULTILINE)
    assert re.search(r"^DefaultDirName=\{localappdata\}\\Programs\\", text, re.MULTILINE)
    assert '#define AppExe "LeadershipReader.exe"' in text
    assert '#define DistDir "..\\..\\dist\\LeadershipReader"' in text
    for line in text.splitlines():
        if line.startswith("Root:"):
            assert "HKLM" not in line  # per-user: HKA is HKCU when not elevated
            if re.search(r'Subkey: "Software\\Classes\\\.(pdf|pptx)', line):
                # Never the default value of the extension: that would take over PDFs.
                assert "OpenWithProgids" in line, line


def test_portable_marker_beside_a_frozen_exe_puts_everything_in_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.paths import UserDirs

    exe = tmp_path / "LeadershipReader" / "LeadershipReader"
    exe.parent.mkdir()
    exe.write_bytes(b"")
    monkeypatch.delenv("READER_HOME", raising=False)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))

    without = UserDirs.for_home()
    assert exe.parent not in without.config.parents  # per-user folders, not the install folder

    (exe.parent / "portable.txt").write_text("", encoding="utf-8")
    dirs = UserDirs.for_home()
    data = exe.parent / "data"
    assert dirs == UserDirs(data / "config", data / "data", data / "cache")  # as --home data
    assert UserDirs.for_home(tmp_path / "elsewhere").config == tmp_path / "elsewhere" / "config"
    monkeypatch.setenv("READER_HOME", str(tmp_path / "env"))
    assert UserDirs.for_home().cache == tmp_path / "env" / "cache"  # explicit beats the marker


def test_portable_marker_is_ignored_when_running_from_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reader.paths import UserDirs

    # From source, sys.executable is a Python interpreter: a marker beside it is not the app's.
    python = tmp_path / "venv" / "python3"
    python.parent.mkdir()
    (python.parent / "portable.txt").write_text("", encoding="utf-8")
    monkeypatch.delenv("READER_HOME", raising=False)
    monkeypatch.delattr(sys, "frozen", raising=False)
    monkeypatch.setattr(sys, "executable", str(python))
    assert tmp_path not in UserDirs.for_home().config.parents


def test_spec_cuts_never_touch_the_platforms_and_formats_the_app_needs() -> None:
    text = _spec_text()
    cuts = text.split("QT_PLUGIN_CUTS = (", 1)[1].split(")", 1)[0]
    for needed in ("libqxcb", "libqoffscreen", "libqwayland", "qwindows", "libqsvg", "qsvg"):
        assert needed not in cuts, needed
    assert "platformthemes/libqgtk3" in cuts
    assert "libqxdgdesktopportal" not in cuts  # light/dark on Linux desktops comes through it


def test_licence_is_the_full_agpl_text_and_ships_with_the_bundle() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007")
    for landmark in ("13. Remote Network Interaction", "END OF TERMS AND CONDITIONS"):
        assert landmark in text
    assert len(text) > 30_000
    spec = _spec_text()
    assert '("LICENSE", "THIRD-PARTY.md")' in spec
    third = (ROOT / "THIRD-PARTY.md").read_text(encoding="utf-8")
    for component in ("PySide6", "Qt", "LGPL-3.0", "PyMuPDF", "MuPDF", "AGPL", "Whoosh", "lxml"):
        assert component in third, component


def test_linux_icon_and_install_script() -> None:
    import xml.etree.ElementTree as ET

    svg = ET.parse(PACKAGING / "linux" / "leadership-reader.svg").getroot()
    assert svg.tag.endswith("svg")
    script = (PACKAGING / "linux" / "install-desktop-entry.sh").read_text(encoding="utf-8")
    assert "Exec=reader " in script  # it rewrites the template's Exec line, which must match
    assert (PACKAGING / "linux" / "README-IT.md").is_file()


def test_windows_workflow_builds_smoke_tests_and_packages() -> None:
    text = (PACKAGING / "windows" / "build-windows.yml").read_text(encoding="utf-8")
    assert "runs-on: windows-" in text
    assert '".[test,packaging]"' in text
    assert "python packaging/build.py" in text  # the same smoke tests as on Linux
    assert "installer.iss" in text
    assert 'reader.exe" --self-test' in text  # the installed copy proves itself
    readme = (PACKAGING / "windows" / "README.md").read_text(encoding="utf-8")
    assert "Nothing here has been run on Windows yet" in readme
