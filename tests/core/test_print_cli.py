"""``reader print`` as hospital IT and scripts use it: a PDF out, or one sentence and status 2."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pymupdf
import pytest

from tests.cli import run_reader
from tests.factories import make_deck, make_guidance_pdf


def reader(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    env.pop("DISPLAY", None)  # the command must choose offscreen Qt by itself
    return run_reader(*args, home=home, env=env)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One library with the guidance PDF and a deck, shared by the module (adding is slow)."""
    tmp_path = tmp_path_factory.mktemp("print-cli")
    home = tmp_path / "home"
    pdf = tmp_path / "Leadership_and_management_for_all_doctors.pdf"
    make_guidance_pdf(pdf, pages=8, paragraphs=20)
    deck = make_deck(tmp_path / "slides.pptx", slides=5)
    for path, slot in ((pdf, "guidance-pdf"), (deck, "presentation")):
        assert reader("add", str(path), "--slot", slot, home=home).returncode == 0
    return home


def text(path: Path) -> str:
    return " ".join(page.get_text() for page in pymupdf.open(path))


def test_print_a_section_without_a_display(tmp_path: Path) -> None:
    out = tmp_path / "section.pdf"
    result = reader(
        "print", "--tab", "discussion-tools", "--section", "patient-decision-aids",
        "--out", str(out), home=tmp_path / "h",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Printed 1 page" in result.stdout
    printed = text(out)
    assert "Patient decision aids" in printed
    assert "Individual funding requests" not in printed
    assert "page 1 of 1" in printed


def test_print_paragraphs_pages_and_handouts(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.pdf"
    result = reader("print", "--paragraphs", "3–4, 10(b)", "--out", str(out), home=home)
    assert result.returncode == 0, result.stderr
    printed = text(out)
    assert "for item 3 " in printed
    assert "for item 10 " in printed
    assert "for item 5 " not in printed
    result = reader(
        "print", "--document", "guidance-pdf", "--pages", "2-3", "--paper", "letter",
        "--landscape", "--out", str(out), home=home,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    doc = pymupdf.open(out)
    assert doc.page_count == 2
    assert (round(doc[0].rect.width), round(doc[0].rect.height)) == (792, 612)
    result = reader(
        "print", "--document", "presentation", "--handouts", "2", "--out", str(out), home=home
    )
    assert result.returncode == 0, result.stderr
    assert pymupdf.open(out).page_count == 3
    assert "Speaker note for test slide 1" in text(out)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--tab", "nope"), "no tab 'nope'"),
        (("--section", "nope"), "no section 'nope'"),
        (("--paragraphs", "15–99"), "past the end"),
        (("--document", "guidance-pdf", "--pages", "7-12"), "past the end"),
        (("--document", "development-report"), "has not been added"),
        (("--handouts", "4", "--document", "presentation"), "2 or 3"),
    ],
)
def test_errors_are_one_sentence_with_status_2(home: Path, tmp_path, args, words) -> None:
    out = tmp_path / "x.pdf"
    result = reader("print", *args, "--out", str(out), home=home)
    assert result.returncode == 2
    assert result.stderr.startswith("reader: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert words in result.stderr
    assert not out.exists()
