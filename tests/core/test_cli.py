"""The command line as hospital IT and scripts use it: JSON on stdout, one sentence on errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli import run_python
from tests.cli import run_reader as reader
from tests.factories import make_encrypted_pdf, make_guidance_pdf, make_not_a_pdf


def test_blocks_json_has_the_documented_fields(tmp_path: Path) -> None:
    result = reader("blocks", "--json", home=tmp_path)
    blocks = json.loads(result.stdout)
    assert {"id", "document", "tab", "section", "paragraph", "kind", "text"} <= set(blocks[0])
    assert {b["tab"] for b in blocks} == {
        "guidance",
        "shared-leadership",
        "discussion-tools",
        "presentation",
        "background",
    }


def test_search_json_ranks_and_suggests(tmp_path: Path) -> None:
    result = reader("search", "individual funding request", "--json", "--limit", "3", home=tmp_path)
    data = json.loads(result.stdout)
    assert data["query"] == "individual funding request"
    assert data["hits"][0]["id"] == "discussion-tools.individual-funding-requests.p1"
    assert {"id", "document", "title", "section", "paragraph", "snippet", "score"} <= set(
        data["hits"][0]
    )
    typo = json.loads(reader("search", "leadreship", "--json", home=tmp_path).stdout)
    assert typo["suggestion"] == "leadership"


def test_added_pdf_is_searchable_by_paragraph(tmp_path: Path) -> None:
    pdf = tmp_path / "Leadership_and_management_for_all_doctors.pdf"
    make_guidance_pdf(pdf, pages=6, paragraphs=14)
    added = reader("add", str(pdf), home=tmp_path / "home")
    assert added.returncode == 0, added.stderr
    assert "Leadership and management for all doctors (2012)" in added.stdout
    data = json.loads(
        reader(
            "search", "para 12", "--json", "--source", "documents", home=tmp_path / "home"
        ).stdout
    )
    assert data["paragraph_ref"] == "12"
    assert data["hits"][0]["id"] == "guidance-pdf.para-12"


def test_inspect_reports_paragraphs_and_errors(tmp_path: Path) -> None:
    pdf = tmp_path / "g.pdf"
    make_guidance_pdf(pdf, pages=6, paragraphs=14)
    info = json.loads(reader("inspect", str(pdf), "--json", home=tmp_path).stdout)
    assert info["kind"] == "pdf"
    assert info["pages"] == 6
    assert info["paragraphs"] == {"first": 1, "last": 14, "count": 14, "gaps": []}
    for bad in (make_not_a_pdf(tmp_path / "x.pdf"), make_encrypted_pdf(tmp_path / "e.pdf")):
        result = reader("inspect", str(bad), "--json", home=tmp_path)
        assert result.returncode == 2
        assert set(json.loads(result.stdout)) == {"error"}


def test_errors_are_one_sentence_with_status_2(tmp_path: Path) -> None:
    for args in (
        ("--content", str(tmp_path / "none"), "blocks"),
        ("add", str(tmp_path / "missing.pdf")),
        ("search", "x", "--limit", "0"),
    ):
        result = reader(*args, home=tmp_path)
        assert result.returncode == 2, args
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith("reader: ")
        assert "Traceback" not in result.stderr


def test_home_keeps_everything_under_one_folder(tmp_path: Path) -> None:
    home = tmp_path / "portable"
    reader("search", "leadership", home=home)
    written = {p.relative_to(home).parts[0] for p in home.rglob("*")}
    assert written <= {"config", "data", "cache"}
    assert (home / "cache" / "index").is_dir()


@pytest.mark.parametrize(
    "argv",
    [
        ["{file}"],
        ["--home", "{home}", "{file}"],
        ["{file}", "--home", "{home}"],
        ["--home", "{home}", "--content", "{content}", "{file}"],
        ["--content", "{content}", "--home", "{home}", "{file}"],
        ["--home={home}", "{file}"],
    ],
)
def test_a_file_to_open_is_found_after_any_order_of_global_options(tmp_path, argv) -> None:
    # Portable and Citrix launchers put their options first; paths may hold spaces.
    from reader.cli import parse_arguments

    home = tmp_path / "my home"
    content = tmp_path / "pack 2"
    file = tmp_path / "Leadership guidance.pdf"
    file.write_bytes(b"%PDF-1.4\n")
    values = {"home": str(home), "content": str(content), "file": str(file)}
    args = parse_arguments([a.format(**values) for a in argv])
    assert args.open_file == file
    assert args.command is None
    if any(a.startswith("--home") for a in argv):
        assert args.home == str(home)
    if "--content" in argv:
        assert args.content == str(content)


def test_a_home_folder_that_looks_like_a_pdf_is_not_opened(tmp_path) -> None:
    from reader.cli import parse_arguments

    home = tmp_path / "odd.pdf"
    args = parse_arguments(["--home", str(home), "search", "leadership"])
    assert args.open_file is None
    assert args.command == "search"
    assert args.home == str(home)


def _command_modules_loaded(argv: list[str]) -> list[str]:
    code = (
        "import sys\n"
        "from reader.cli import parse_arguments\n"
        f"parse_arguments({argv!r})\n"
        "print(' '.join(sorted(m.rsplit('.', 1)[1] for m in sys.modules"
        " if m.startswith('reader.commands.') and m != 'reader.commands.common')))\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_only_the_command_named_is_loaded_to_read_the_command_line(tmp_path) -> None:
    # Building every command's parser imported every command's module, the notes store and
    # the print layout among them: 35-50 ms of every `reader FILE.pdf` and `reader add`.
    file = tmp_path / "guidance.pdf"
    file.write_bytes(b"%PDF-1.4\n")
    assert _command_modules_loaded([str(file)]) == []
    assert _command_modules_loaded(["--home", str(tmp_path), str(file)]) == []
    assert _command_modules_loaded(["add", str(file)]) == ["add"]
    assert _command_modules_loaded(["--home", str(tmp_path), "search", "x"]) == ["search"]


def test_help_and_a_mistyped_command_still_list_every_command(tmp_path: Path) -> None:
    from reader.commands import GROUPS

    shown = reader("--help", home=tmp_path)
    assert shown.returncode == 0
    assert all(group in shown.stdout for group in GROUPS)
    wrong = reader("serch", "leadership", home=tmp_path)
    assert wrong.returncode == 2
    assert "serch" in wrong.stderr
    assert all(group in wrong.stderr for group in GROUPS)
