"""File ▸ Print…: choosing a section and saving it as a real PDF, read back with PyMuPDF."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pymupdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog

from reader.core.services import Services
from reader.ui.print_dialog import PrintDialog


def pdf_text(path: Path) -> str:
    with pymupdf.open(path) as doc:
        text = " ".join(page.get_text() for page in doc)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def section_text(pack, tab_id: str, section: str) -> list[str]:
    """The body texts of a section, as the print core selects them."""
    from reader.core.printing import PrintRequest, select_blocks

    blocks, _label = select_blocks(PrintRequest(tab=tab_id, sections=(section,)), pack)
    return [" ".join(b.text.split()[:6]) for b in blocks if b.kind != "heading" and b.text]


@pytest.fixture
def services(pack, dirs) -> Services:
    return Services.open(pack, dirs)


def test_save_one_section_as_pdf(qtbot, services, pack, tmp_path, monkeypatch) -> None:
    tab = next(t for t in pack.tabs if len(t.sections) >= 3)
    chosen, other = tab.sections[1].id, tab.sections[-1].id
    mine, theirs = section_text(pack, tab.id, chosen), section_text(pack, tab.id, other)
    theirs = [t for t in theirs if t not in mine]
    assert mine
    assert theirs
    out = tmp_path / "chosen.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PDF (*.pdf)"))
    dialog = PrintDialog(services, tab.id, 0, notes_provider=lambda: [])
    qtbot.addWidget(dialog)
    assert dialog.set_section_checked(chosen)
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    assert dialog.saved == out
    assert out.exists()
    text = pdf_text(out)
    assert mine[0] in text
    assert theirs[0] not in text
    assert not dialog.error.isVisible()


def test_bad_paragraph_range_shows_one_sentence(qtbot, services, pack, tmp_path) -> None:
    from tests.factories import make_guidance_pdf

    pdf = tmp_path / "guidance.pdf"
    make_guidance_pdf(pdf, pages=12, paragraphs=30)
    services.library.add(pdf, slot_id="guidance-pdf")
    dialog = PrintDialog(services, pack.tabs[0].id, notes_provider=lambda: [])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.paragraphs.isEnabled()
    dialog.guidance_choice.setChecked(True)
    dialog.paragraphs.setText("999–1200")
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    sentence = dialog.error.text()
    assert sentence.endswith(".")
    assert sentence.count(". ") == 0
    assert dialog.saved is None


def test_paragraphs_disabled_without_guidance(qtbot, services, pack) -> None:
    dialog = PrintDialog(services, pack.tabs[0].id, notes_provider=lambda: [])
    qtbot.addWidget(dialog)
    assert not dialog.paragraphs.isEnabled()


def test_ctrl_p_opens_the_dialog(qtbot, make_window) -> None:
    window = make_window()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "print_dialog", None) is not None)
    dialog = window.print_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.tab.id == window.current_tab_id()
    dialog.reject()


def run_cli(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", READER_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_cli_prints_the_users_notes(pack, tmp_path) -> None:
    home = tmp_path / "home"
    block = next(b for b in pack.tabs[0].blocks if b.kind == "paragraph")
    note = "Bring this to the rota meeting on Tuesday"
    added = run_cli(home, "notes", "add", "--block", block.id, "--text", note)
    assert added.returncode == 0, added.stderr
    out = tmp_path / "with-notes.pdf"
    printed = run_cli(home, "print", "--tab", pack.tabs[0].id, "--with-notes", "--out", str(out))
    assert printed.returncode == 0, printed.stderr
    assert note in pdf_text(out)
    plain = tmp_path / "plain.pdf"
    printed = run_cli(home, "print", "--tab", pack.tabs[0].id, "--out", str(plain))
    assert printed.returncode == 0, printed.stderr
    assert note not in pdf_text(plain)


def test_dialog_include_my_notes_uses_the_same_loader(qtbot, services, pack, dirs) -> None:
    from reader.core.notes import NotesStore, anchor_for

    block = next(b for b in pack.tabs[0].blocks if b.kind == "paragraph")
    with NotesStore.open(dirs) as store:
        store.add(anchor_for(block, pack.edition), text="Ask the clinical director")
    dialog = PrintDialog(services, pack.tabs[0].id)
    qtbot.addWidget(dialog)
    dialog.notes.setCurrentIndex(2)  # my notes at the end
    job = dialog.job()
    assert job is not None
    assert "Ask the clinical director" in job.html


def test_preview_and_print_paint_through_the_renderer(qtbot, services, pack, tmp_path, monkeypatch):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog

    from reader.ui import print_dialog

    previewed = tmp_path / "preview.pdf"

    def preview_exec(self) -> int:  # what the preview would draw, caught in a PDF file
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(previewed))
        self.paintRequested.emit(printer)
        return 0

    printed = tmp_path / "printed.pdf"

    def print_exec(self) -> int:  # the user picks "print to file" and presses Print
        self.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        self.printer().setOutputFileName(str(printed))
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(QPrintPreviewDialog, "exec", preview_exec)
    monkeypatch.setattr(QPrintDialog, "exec", print_exec)
    tab = pack.tabs[1]
    dialog = print_dialog.PrintDialog(services, tab.id, notes_provider=list)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    heading = " ".join(tab.blocks[0].text.split()[:3])
    assert heading in pdf_text(previewed)
    assert heading in pdf_text(printed)
