"""The command line prints exactly what it printed before the house refit (issue 7).

The golden files under ``golden/`` were captured from the pre-refit code. Regenerate them only
on purpose: ``READER_GOLDEN_WRITE=1 pytest tests/core/test_cli_golden.py`` (with the root that
should be treated as the reference in ``READER_GOLDEN_ROOT``).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.cli import run_reader
from tests.conftest import ROOT
from tests.factories import make_deck, make_guidance_pdf

GOLDEN = Path(__file__).parent / "golden"
WRITE = os.environ.get("READER_GOLDEN_WRITE") == "1"
CODE_ROOT = Path(os.environ.get("READER_GOLDEN_ROOT", ROOT))


def _run(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(CODE_ROOT)}
    env.pop("READER_HOME", None)
    return run_reader(*args, home=home, env=env, cwd=CODE_ROOT)


def _check(name: str, result: subprocess.CompletedProcess, tmp_path: Path) -> None:
    # Paths of the temporary folder differ between runs; nothing else may.
    output = f"exit {result.returncode}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
    output = output.replace(str(tmp_path), "<tmp>")
    path = GOLDEN / name
    if WRITE:
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8")


CASES = [
    ("blocks.json.txt", ("blocks", "--json")),
    ("blocks.txt", ("blocks",)),
    ("search-leadership.json.txt", ("search", "leadership", "--json")),
    ("search-leadership.txt", ("search", "leadership")),
    ("search-typo.json.txt", ("search", "leadreship", "--json", "--limit", "3")),
]


@pytest.mark.parametrize(("name", "args"), CASES, ids=[c[0] for c in CASES])
def test_bundled_pack_output_is_unchanged(name: str, args: tuple[str, ...], tmp_path: Path) -> None:
    _check(name, _run(*args, home=tmp_path / "home"), tmp_path)


def test_inspect_output_is_unchanged(tmp_path: Path) -> None:
    pdf = tmp_path / "guidance.pdf"
    make_guidance_pdf(pdf)
    deck = tmp_path / "deck.pptx"
    make_deck(deck, title="A deck")
    home = tmp_path / "home"
    _check("inspect-pdf.json.txt", _run("inspect", str(pdf), "--json", home=home), tmp_path)
    _check("inspect-pdf.txt", _run("inspect", str(pdf), home=home), tmp_path)
    _check("inspect-deck.json.txt", _run("inspect", str(deck), "--json", home=home), tmp_path)
    _check("inspect-missing.txt", _run("inspect", str(tmp_path / "nope.pdf"), home=home), tmp_path)


def test_added_pdf_search_output_is_unchanged(tmp_path: Path) -> None:
    pdf = tmp_path / "Leadership_and_management_for_all_doctors.pdf"
    make_guidance_pdf(pdf)
    home = tmp_path / "home"
    _check("add-pdf.txt", _run("add", str(pdf), home=home), tmp_path)
    _check("search-added.json.txt", _run("search", "leadership", "--json", home=home), tmp_path)
    _check("help.txt", _run("--help", home=home), tmp_path)
    _check("search-help.txt", _run("search", "--help", home=home), tmp_path)
