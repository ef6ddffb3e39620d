"""The bundled content pack: complete, stable, and strict about malformed packs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from reader.core.content import load_pack
from reader.core.errors import ContentError
from reader.core.pack_parser import parse_pack
from tests.conftest import ROOT

# The page as it was captured; kept in the repository's shared folder, beside the project.
SEED = ROOT.parent / "shared" / "seed" / "000_9e87eec0001acca5.txt"
# The page's tab bar labels ("Powerpoint" is the page's own heading for the Presentation tab and
# stays in the text as that tab's first heading).
TAB_LABELS = {"Shared leadership", "Discussion tools", "Powerpoint", "Background"}


def _squash(text: str) -> str:
    # Compare ignoring whitespace and Markdown escapes: the page glued a copyright line to the
    # next sentence ("reserved.The"), which the pack keeps as two blocks.
    return re.sub(r"\s+", "", text.replace("\u00a0", " "))


def _seed_lines() -> list[str]:
    if not SEED.is_file():
        pytest.skip("the page seed is not beside this checkout")
    return [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines()]


def test_pack_has_guidance_then_the_four_tabs(pack) -> None:
    assert [t.title for t in pack.tabs] == [
        "Guidance",
        "Shared leadership",
        "Discussion tools",
        "Presentation",
        "Background",
    ]
    assert pack.tab("guidance").blocks[0].text == "Leadership and management for all doctors (2012)"


def test_every_line_of_the_page_is_in_some_block(pack) -> None:
    navigation = {_squash(line) for line in pack.navigation_lines}
    corpus = _squash("".join(block.text for block in pack.blocks()))
    missing = []
    for line in _seed_lines():
        squashed = _squash(line)
        if not squashed or squashed in navigation:
            continue
        if squashed.startswith("•"):
            squashed = squashed[1:]
        squashed = re.sub(r"^\d+\.", "", squashed)  # the page's "1." list markers
        if squashed not in corpus:
            missing.append(line)
    assert missing == []


def test_no_block_holds_text_that_is_not_on_the_page(pack) -> None:
    page = _squash(" ".join(_seed_lines()))
    invented = [b.id for b in pack.blocks() if _squash(b.text) not in page]
    assert invented == []


def test_navigation_lines_are_not_text(pack) -> None:
    texts = {b.text.strip() for b in pack.blocks()}
    assert "back to menu" not in texts
    assert not any(t.startswith("Use the tabs below") for t in texts)


def test_ids_are_unique_and_identical_across_loads(content_dir: Path) -> None:
    first = [b.id for b in load_pack(content_dir).blocks()]
    second = [b.id for b in load_pack(content_dir).blocks()]
    assert first == second
    assert len(set(first)) == len(first)
    assert "discussion-tools.individual-funding-requests.p1" in first


def test_block_kinds_cover_examples_lists_and_copyright(pack) -> None:
    kinds = {b.kind for b in pack.tab("shared-leadership").blocks}
    assert {"heading", "paragraph", "list-item", "example", "copyright"} <= kinds
    examples = [b for b in pack.blocks() if b.kind == "example"]
    assert [b.section_title for b in examples] == [
        "Undergraduate stage:",
        "Postgraduate stage:",
        "Continuing practice stage:",
    ]
    domains = [b.text for b in pack.tab("shared-leadership").blocks if b.kind == "list-item"]
    assert domains[-1] == "Setting Direction"


def test_document_slots_are_declared_where_the_page_offers_them(pack) -> None:
    slots = {s.id: s.tab for s in pack.slots}
    assert slots == {
        "guidance-pdf": "guidance",
        "mlcf-shared-leadership": "shared-leadership",
        "presentation": "presentation",
        "development-report": "background",
        "consultation-audit": "background",
    }
    linked = {link.value for b in pack.blocks() for link in b.links if link.scheme == "slot"}
    assert linked == set(slots)


def test_references_named_on_the_page_are_declared(pack) -> None:
    names = " ".join(r.name for r in pack.references)
    for org in (
        "NICE",
        "SIGN",
        "SMC",
        "National Prescribing Centre",
        "NHS Evidence",
        "NHS Choices",
        "NHS Wales",
        "NHS Confederation",
        "HealthLeAD",
        "Faculty of Medical Leadership and Management",
        "National Leadership Unit",
    ):
        assert org in names
    assert all(r.url is None or r.url.startswith("https://") for r in pack.references)


@pytest.fixture
def pack_copy(tmp_path: Path, content_dir: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(content_dir, target)
    return target


def test_malformed_manifest_names_file_and_line(pack_copy: Path) -> None:
    manifest = pack_copy / "manifest.toml"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    lines.insert(4, "title = = broken")
    manifest.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ContentError, match=r"manifest\.toml, line 5: the TOML is malformed"):
        load_pack(pack_copy)


def test_unclosed_example_names_file_and_line(pack_copy: Path) -> None:
    source = pack_copy / "tabs" / "background.md"
    source.write_text("# Background\n\n::: example\nText without an end\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"background\.md, line 3: .* never closed"):
        load_pack(pack_copy)


def test_undeclared_slot_names_file_and_line(pack_copy: Path) -> None:
    source = pack_copy / "tabs" / "presentation.md"
    source.write_text("# Powerpoint\n\nSee [the deck](slot:nope).\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"presentation\.md, line 3: the document slot 'nope'"):
        load_pack(pack_copy)


def test_missing_tab_file_and_missing_pack_are_plain_sentences(
    pack_copy: Path, tmp_path: Path
) -> None:
    (pack_copy / "tabs" / "guidance.md").unlink()
    with pytest.raises(
        ContentError,
        match=r"line \d+: the source 'tabs/guidance\.md' of tab 'guidance' cannot be used",
    ):
        load_pack(pack_copy)
    with pytest.raises(ContentError, match="no content pack manifest"):
        load_pack(tmp_path / "nowhere")


def test_a_new_edition_pack_loads_from_another_folder(pack_copy: Path) -> None:
    source = pack_copy / "tabs" / "background.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA new paragraph.\n", "utf-8")
    pack = load_pack(pack_copy)
    assert pack.tab("background").blocks[-1].text == "A new paragraph."


def test_cached_pack_equals_parsed_pack_and_follows_edits(pack_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    parsed = parse_pack(pack_copy)
    first = load_pack(pack_copy, cache_dir=cache)  # parses and writes the cache
    assert (cache / "content-pack.json").is_file()
    second = load_pack(pack_copy, cache_dir=cache)  # from the cache
    assert second == parsed == first
    source = pack_copy / "tabs" / "presentation.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    assert load_pack(pack_copy, cache_dir=cache).tab("presentation").blocks[-1].text == "Edited."


def test_damaged_cache_is_ignored(pack_copy: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_pack(pack_copy, cache_dir=cache)
    (cache / "content-pack.json").write_text("{garbage", encoding="utf-8")
    assert load_pack(pack_copy, cache_dir=cache) == parse_pack(pack_copy)


def test_cached_load_skips_the_markdown_parser(content_dir: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from pathlib import Path; from reader.core.content import load_pack\n"
        f"load_pack(Path({str(content_dir)!r}), cache_dir=Path({str(tmp_path)!r}))\n"
        "print('markdown_it' in sys.modules)"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        for _ in range(2)
    ]
    assert [r.stdout.strip() for r in runs] == ["True", "False"], runs[-1].stderr


def test_the_cache_writes_blocks_in_the_one_block_format(pack) -> None:
    # block_to_dict no longer uses dataclasses.asdict (issue 14): the same dicts, in the same
    # order, as asdict gave, for the bundled blocks and a block with every field set; and
    # block_from_dict reads them back.
    import dataclasses

    from reader.core.model import Block, Link, block_from_dict, block_to_dict

    full = Block(
        id="d.p1",
        document="guidance-pdf",
        tab="guidance",
        section="s",
        section_title="S",
        kind="pdf-paragraph",
        text="Some text",
        paragraph="85(a)",
        level=2,
        ordered=True,
        links=(Link(0, 4, "ref:x"), Link(5, 9, "para:85")),
        page=3,
        bbox=(1.0, 2.5, 3.0, 4.0),
        source_line=7,
    )
    for block in (full, *(b for tab in pack.tabs for b in tab.blocks)):
        reference = dataclasses.asdict(block)
        reference["bbox"] = list(block.bbox) if block.bbox is not None else None
        assert list(block_to_dict(block).items()) == list(reference.items())
        assert block_from_dict(block_to_dict(block)) == block
