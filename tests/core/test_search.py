"""The search index as a user meets it: what ranks first, what matches, what survives breakage."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from reader.core import search as search_mod
from reader.core.content import load_pack
from reader.core.model import Block
from reader.core.search import (
    MSG_BUILT,
    MSG_DAMAGED,
    MSG_STALE,
    SearchIndex,
    fingerprint,
)
from reader.core.search_query import HINT_LONG, paragraph_ref
from tests.factories import doc_block

ROOT = Path(__file__).resolve().parents[2]
IFR = "discussion-tools.individual-funding-requests"
PDA = "discussion-tools.patient-decision-aids"
PARA85 = "discussion-tools.tools-for-discussing-resource-constraints-with-patients.p3"
RAISING = "guidance.leadership-and-management-for-all-doctors-2012.li4"
AE_EXAMPLE = "shared-leadership.undergraduate-stage.ex1"


def titles_of(pack) -> dict[str, str]:
    return {tab.id: tab.title for tab in pack.tabs}


@pytest.fixture(scope="module")
def module_pack():
    return load_pack(ROOT / "content")


@pytest.fixture(scope="module")
def built(tmp_path_factory, module_pack) -> SearchIndex:
    """One index of the real pack, shared by the read-only tests of this module."""
    index = SearchIndex(tmp_path_factory.mktemp("index") / "index", module_pack.synonyms)
    assert index.ensure(module_pack.blocks, titles_of(module_pack)) == MSG_BUILT
    return index


def ids(result) -> list[str]:
    return [hit.id for hit in result.hits]


def note_block(n: int, text: str) -> Block:
    return Block(
        id=f"note.{n}",
        document="notes",
        tab="guidance",
        section="notes",
        section_title="My notes",
        kind="note",
        text=text,
    )


def small_index(tmp_path: Path, blocks: list[Block], synonyms=()) -> SearchIndex:
    index = SearchIndex(tmp_path / "small", synonyms)
    index.ensure(blocks)
    return index


# --- ranking on the real pack ----------------------------------------------------------------


@pytest.mark.parametrize("query", ["individual funding request", "individual funding request "])
def test_funding_request_ranks_its_first_paragraph_first(built, query):
    assert ids(built.search(query))[0] == f"{IFR}.p1"


@pytest.mark.parametrize(
    ("query", "expected_prefix"),
    [
        ("IFR", IFR),
        ("ifr ", IFR),
        ("patient decision aids", PDA),
        ("PDA", PDA),
        ("shared leadership", "shared-leadership."),
        ("whistleblowing", RAISING),
        ("A&E", AE_EXAMPLE),
        ('"open and honest"', PARA85),
    ],
)
def test_realistic_queries_rank_the_right_block_first(built, query, expected_prefix):
    assert ids(built.search(query))[0].startswith(expected_prefix)


def test_shared_leadership_first_hit_is_in_the_shared_leadership_tab(built):
    assert built.search("shared leadership").hits[0].tab == "shared-leadership"


def test_hit_carries_what_the_ui_shows(built):
    hit = built.search("individual funding request").hits[0]
    assert hit.title == "Discussion tools"
    assert hit.section == "Individual funding requests"
    assert hit.source == "tabs"
    assert hit.score > 0
    assert {"individual", "funding", "request", "ifr"} <= {t.lower() for t in hit.terms}
    assert ("individual funding request", True) in [(t.lower(), m) for t, m in hit.snippet]
    assert "<b>" in hit.snippet_html
    assert "&" not in hit.snippet_html.replace("&amp;", "")
    json.dumps(built.search("IFR").to_json())  # the CLI's --json output must serialise


# --- words: stemming, spellings, accents, scripts ----------------------------------------------


def test_american_spelling_finds_british_text(built):
    result = built.search("organization ")
    assert result.hits
    assert all("organisation" in " ".join(h.terms).lower() for h in result.hits)


def test_american_ing_form_finds_british_past_tense(built):
    result = built.search("prioritizing")
    assert ids(result) == [AE_EXAMPLE]
    assert result.hits[0].terms == ("prioritised",)


SPELLING_PAIRS = [
    ("colour", "color"),
    ("centre", "center"),
    ("paediatric", "pediatric"),
    ("anaemia", "anemia"),
    ("oesophagus", "esophagus"),
    ("haemorrhage", "hemorrhage"),
    ("programme", "program"),
    ("judgement", "judgment"),
    ("licence", "license"),
    ("organisation", "organization"),
    ("specialise", "specialize"),
    ("behaviour", "behavior"),
    ("counselling", "counseling"),
    ("analyse", "analyze"),
    ("diarrhoea", "diarrhea"),
]


def test_british_and_american_spellings_find_each_other(tmp_path):
    blocks = [doc_block(i, f"The {uk} was noted.") for i, (uk, _) in enumerate(SPELLING_PAIRS)]
    blocks += [doc_block(100 + i, f"A {us} note.") for i, (_, us) in enumerate(SPELLING_PAIRS)]
    index = small_index(tmp_path, blocks)
    for i, (uk, us) in enumerate(SPELLING_PAIRS):
        for query in (uk + " ", us + " "):
            found = set(ids(index.search(query)))
            assert {f"guidance-pdf.p{i}", f"guidance-pdf.p{100 + i}"} <= found, query


def test_stemming_matches_word_forms(tmp_path):
    index = small_index(tmp_path, [doc_block(1, "Doctors prioritised the waiting list.")])
    for query in ("prioritise ", "prioritising ", "prioritised ", "prioritize ", "prioritizes "):
        assert ids(index.search(query)) == ["guidance-pdf.p1"], query


def test_accents_fold_and_other_scripts_are_searchable(tmp_path):
    index = small_index(
        tmp_path,
        [
            doc_block(1, "A café meeting on naïve rôle models."),
            doc_block(2, "Лидерство в медицине 🏥 and 医疗领导 together."),
        ],
    )
    assert ids(index.search("cafe naive role ")) == ["guidance-pdf.p1"]
    assert ids(index.search("Café ")) == ["guidance-pdf.p1"]
    assert ids(index.search("лидерство ")) == ["guidance-pdf.p2"]
    assert ids(index.search("医疗领导")) == ["guidance-pdf.p2"]


# --- the query language -------------------------------------------------------------------------


def test_phrase_needs_the_words_in_order(built):
    assert set(ids(built.search('"open and honest"'))) >= {PARA85}
    assert built.search('"honest and open"').hits == []
    assert built.search("honest open").hits  # without quotes, order does not matter


def test_last_word_matches_as_a_prefix_while_typing(built):
    assert any("funding" in h.terms for h in built.search("fund").hits)
    assert built.search("leadersh").hits
    assert built.search("leadersh ").hits == []  # a space ends the word: no longer a prefix
    assert built.search('"leadersh"').hits == []  # nor inside quotes
    assert built.search("organiz").hits  # the prefix is spelling-normalised too


def test_not_leaves_words_out(built):
    for query in ("leadership NOT shared", "-shared leadership"):
        result = built.search(query)
        assert result.hits
        assert all("shared" not in built_text(built, h.id).lower() for h in result.hits)


def built_text(index: SearchIndex, block_id: str) -> str:
    return load_pack(ROOT / "content").block(block_id).text


def test_or_finds_either(built):
    found = ids(built.search("IFR OR PDA", limit=50))
    assert any(i.startswith(IFR) for i in found)
    assert any(i.startswith(PDA) for i in found)
    both = ids(built.search("IFR PDA"))
    assert len(both) < len(found)


def test_typo_gets_a_did_you_mean_from_the_index(built):
    result = built.search("leadreship")
    assert result.hits == []
    assert result.suggestion == "leadership"
    assert built.search("shared leadreship ").suggestion == "shared leadership"
    assert built.search("leadership").suggestion is None


@pytest.mark.parametrize(
    ("query", "ref"),
    [
        ("85", "85"),
        ("para 85", "85"),
        ("paragraph 85", "85"),
        ("85(b)", "85(b)"),
        ("85 (b)", "85(b)"),
        ("¶85", "85"),
        ("¶ 85", "85"),
        ("85 patients", None),
        ("leadership", None),
    ],
)
def test_bare_paragraph_reference_is_recognised(built, query, ref):
    result = built.search(query)
    assert result.paragraph_ref == ref
    assert paragraph_ref(query) == ref
    if ref:
        assert ids(result)[0] == PARA85  # the regular search still runs


def test_exact_paragraph_number_ranks_that_paragraph_first(tmp_path):
    numbers = ["84", "85", "85(a)", "85(b)", "86"]
    blocks = [
        doc_block(i, f"Doctors should act on concerns, see paragraph {85 if i else 1}.")
        for i in range(len(numbers))
    ]
    blocks = [dataclasses.replace(b, paragraph=n) for b, n in zip(blocks, numbers, strict=True)]
    index = small_index(tmp_path, blocks)
    paragraph_of = {b.id: b.paragraph for b in blocks}
    order = [paragraph_of[i] for i in ids(index.search("para 85"))]
    assert order[:3] == ["85", "85(a)", "85(b)"] or order[:3] == ["85", "85(b)", "85(a)"]
    assert [paragraph_of[i] for i in ids(index.search("85(b)"))][:2] == ["85(b)", "85"]
    assert paragraph_of[ids(index.search("¶ 86"))[0]] == "86"
    assert paragraph_of[ids(index.search("86 concerns"))[0]] == "86"


def test_snippet_is_cut_around_the_match_in_long_text(tmp_path):
    filler = "Routine words about rotas and clinics fill this part of the page. " * 12
    text = filler + "Here the axolotl policy is explained in full. " + filler
    index = small_index(tmp_path, [doc_block(1, text)])
    hit = index.search("axolotl").hits[0]
    assert hit.snippet[0] == ("…", False)
    assert hit.snippet[-1] == ("…", False)
    assert ("axolotl", True) in hit.snippet
    assert len(hit.snippet_text) < 260
    assert hit.snippet_html.count("<b>axolotl</b>") == 1


# --- synonyms ---------------------------------------------------------------------------------


def test_a_new_synonym_line_works_without_code_change(tmp_path, module_pack):
    copy = tmp_path / "content"
    shutil.copytree(ROOT / "content", copy)
    synonyms = copy / "synonyms.txt"
    synonyms.write_text(
        synonyms.read_text("utf-8") + "rationing | resource constraints\n", encoding="utf-8"
    )
    assert SearchIndex(tmp_path / "a", module_pack.synonyms).search("rationing").hits == []
    pack = load_pack(copy)
    index = SearchIndex(tmp_path / "b", pack.synonyms)
    index.ensure(pack.blocks, titles_of(pack))
    result = index.search("rationing")
    assert result.hits
    assert all(
        "resource constraints" in h.snippet_text.lower() + h.section.lower() for h in result.hits
    )


def test_multi_word_synonym_member_expands_to_its_abbreviation(built):
    # "accident and emergency" is in the A&E group: it finds the consultant "in A&E" too.
    found = ids(built.search("accident and emergency "))
    assert AE_EXAMPLE in found
    assert "shared-leadership.continuing-practice-stage.ex1" in found


# --- bad input ----------------------------------------------------------------------------------

BAD_INPUT = [
    '"unbalanced quote',
    '"""',
    "OR",
    "NOT",
    "AND",
    "leadership OR",
    "OR leadership",
    "NOT NOT",
    "-",
    "*",
    "?",
    "lead*",
    "le?dership",
    "x" * 10_000,
    "leadership " * 1_000,
    "\x00\x07lead\x1b[0m",
    "😀🏥👩‍⚕️",
    "лидерство",
    "领导力",
    "مدير",
    "\ud800lead",
    "",
    "   ",
    "((()))",
    "\\",
    "'; DROP TABLE blocks; --",
]


@pytest.mark.parametrize("query", BAD_INPUT, ids=lambda q: repr(q[:20]))
def test_bad_input_returns_quickly_without_raising(built, query):
    start = time.perf_counter()
    result = built.search(query)
    assert time.perf_counter() - start < 1.0
    assert isinstance(result.hits, list)
    assert result.hint is None or (isinstance(result.hint, str) and len(result.hint) < 100)


def test_bad_input_explains_itself(built):
    assert built.search("x" * 10_000).hint == HINT_LONG
    assert built.search("😀").hint
    assert built.search('"open and hon').hint  # unclosed quote
    assert built.search('"open and hon').hits  # ...but still finds things while typing
    assert built.search("NOT shared").hits == []
    assert built.search("NOT shared").hint
    assert built.search("lead*").hits  # an explicit wildcard works as a prefix
    assert built.search("leadership", source="elsewhere").hint


# --- sources ------------------------------------------------------------------------------------


def test_source_filter(tmp_path, module_pack):
    index = SearchIndex(tmp_path / "index", module_pack.synonyms)
    blocks = [*module_pack.blocks(), doc_block(7, "Leadership in a synthetic document.")]
    index.ensure(blocks, titles_of(module_pack))
    index.add_blocks([note_block(1, "My leadership reflection.")], source="notes")
    everything = index.search("leadership", limit=200)
    assert {h.source for h in everything.hits} == {"tabs", "documents", "notes"}
    assert ids(index.search("leadership", source="documents")) == ["guidance-pdf.p7"]
    assert ids(index.search("leadership", source="notes")) == ["note.1"]
    assert {h.source for h in index.search("leadership", source="tabs").hits} == {"tabs"}


# --- lifecycle: fingerprint, stale, damaged, incremental -------------------------------------


def test_second_ensure_keeps_the_index(tmp_path, module_pack):
    index = SearchIndex(tmp_path / "index")
    calls = []
    assert index.ensure(module_pack.blocks, progress=lambda d, t: calls.append((d, t))) == MSG_BUILT
    assert calls[-1] == (1, 1)  # one document: the bundled guidance
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert index.ensure(module_pack.blocks) is None
    assert index.stored_fingerprint() == fingerprint(module_pack.blocks())


def test_ensure_reports_progress_from_a_worker_thread(tmp_path, module_pack):
    index = SearchIndex(tmp_path / "index", module_pack.synonyms)
    seen: list[tuple[int, int, int]] = []
    outcome: list[str | None] = []
    worker = threading.Thread(
        target=lambda: outcome.append(
            index.ensure(
                module_pack.blocks, progress=lambda d, t: seen.append((d, t, threading.get_ident()))
            )
        )
    )
    worker.start()
    worker.join(timeout=30)
    assert outcome == [MSG_BUILT]
    assert seen[-1][:2] == (1, 1)  # the bundled guidance is one document
    assert {ident for _, _, ident in seen} == {worker.ident}
    assert index.search("IFR").hits  # the GUI thread can search what the worker built


def test_changed_content_makes_the_index_stale(tmp_path, module_pack):
    index = SearchIndex(tmp_path / "index")
    index.ensure(module_pack.blocks)
    blocks = module_pack.blocks()
    blocks[3] = dataclasses.replace(blocks[3], text="A brand new zeugma appears.")
    assert index.ensure(blocks) == MSG_STALE
    assert ids(index.search("zeugma")) == [blocks[3].id]


def test_new_index_version_makes_the_index_stale(tmp_path, module_pack, monkeypatch):
    index = SearchIndex(tmp_path / "index")
    index.ensure(module_pack.blocks)
    monkeypatch.setattr(search_mod, "INDEX_VERSION", search_mod.INDEX_VERSION + 1)
    assert index.ensure(module_pack.blocks) == MSG_STALE


def _generation(index_dir: Path) -> Path:
    return index_dir / json.loads((index_dir / "CURRENT").read_text())["generation"]


def _truncate_segments(index_dir: Path) -> None:
    for path in _generation(index_dir).glob("*.seg"):
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage_toc(index_dir: Path) -> None:
    for path in _generation(index_dir).glob("*.toc"):
        path.write_bytes(b"\x00garbage" * 40)


def _garbage_current(index_dir: Path) -> None:
    (index_dir / "CURRENT").write_bytes(b"\xff\xfe not json")


def _delete_meta(index_dir: Path) -> None:
    (_generation(index_dir) / "meta.json").unlink()


def _flip_a_byte(index_dir: Path) -> None:
    path = next(iter(_generation(index_dir).glob("*.seg")))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _empty_files(index_dir: Path) -> None:
    for path in _generation(index_dir).iterdir():
        path.write_bytes(b"")


@pytest.mark.parametrize(
    "damage",
    [_truncate_segments, _garbage_toc, _garbage_current, _delete_meta, _flip_a_byte, _empty_files],
)
def test_damaged_index_is_rebuilt_and_says_so(tmp_path, module_pack, damage):
    folder = tmp_path / "index"
    SearchIndex(folder, module_pack.synonyms).ensure(module_pack.blocks)
    damage(folder)
    index = SearchIndex(folder, module_pack.synonyms)
    index.search("leadership")  # a damaged index must not raise on search either
    assert index.ensure(module_pack.blocks) == MSG_DAMAGED
    assert ids(index.search("IFR"))[0].startswith(IFR)
    assert index.ensure(module_pack.blocks) is None


def test_search_before_any_index_exists_says_not_ready(tmp_path):
    result = SearchIndex(tmp_path / "nothing").search("leadership")
    assert result.hits == []
    assert result.hint


def test_incremental_add_remove_and_update(tmp_path, module_pack):
    index = SearchIndex(tmp_path / "index")
    index.ensure(module_pack.blocks)
    added = [doc_block(n, f"Synthetic quokka paragraph {n}.") for n in range(1, 6)]
    index.add_blocks(added, source="documents", titles={"guidance-pdf": "Guidance PDF"})
    assert len(index.search("quokka").hits) == 5
    assert index.search("quokka").hits[0].title == "Guidance PDF"

    note = note_block(1, "Remember the wombat.")
    index.add_blocks([note], source="notes")
    assert ids(index.search("wombat")) == ["note.1"]
    index.update_block(dataclasses.replace(note, text="Remember the numbat."), source="notes")
    assert index.search("wombat").hits == []
    assert ids(index.search("numbat")) == ["note.1"]
    index.remove_block("note.1")
    assert index.search("numbat").hits == []

    index.remove_document("guidance-pdf")
    assert index.search("quokka").hits == []
    # After the edits the index still matches the pack exactly: no needless rebuild.
    assert index.ensure(module_pack.blocks) is None


def test_incremental_edits_keep_the_fingerprint_current(tmp_path, module_pack):
    index = SearchIndex(tmp_path / "index")
    index.ensure(module_pack.blocks)
    extra = [doc_block(n, f"Extra {n}.", document="deck") for n in range(3)]
    index.add_blocks(extra)
    everything = [*module_pack.blocks(), *extra]
    assert index.stored_fingerprint() == fingerprint(everything)
    assert index.ensure(everything) is None


def test_whether_blocks_are_in_the_index_is_answered_by_prefix_and_by_id(tmp_path, module_pack):
    # Adding a document first asks whether any of its blocks is there already (issue 12: one
    # seek for the document's id prefix instead of a lookup per block).
    from whoosh import index as windex

    index = SearchIndex(tmp_path / "index")
    index.ensure(module_pack.blocks)
    index.add_blocks([doc_block(n, f"Kept {n}.", document="kept") for n in range(3)])
    index.add_blocks([doc_block(n, f"Gone {n}.", document="gone") for n in range(3)])
    index.remove_document("gone")
    folder = index.index_dir / index._read_current()
    with windex.open_dir(str(folder)).searcher() as searcher:
        new = [f"fresh.p{n}" for n in range(40)]
        assert not search_mod._any_live(searcher, new)
        assert search_mod._any_live(searcher, [*new[:5], "kept.p2"])  # mixed prefixes
        assert search_mod._any_live(searcher, ["kept.p1"])
        assert not search_mod._any_live(searcher, ["kept.p9"])  # the prefix, not the block
        assert not search_mod._any_live(searcher, ["gone.p0", "gone.p1"])  # removed
        assert not search_mod._any_live(searcher, ["nodot"])


# --- sharing one folder -------------------------------------------------------------------------


def test_two_instances_see_each_others_changes(tmp_path, module_pack):
    folder = tmp_path / "index"
    first = SearchIndex(folder, module_pack.synonyms)
    second = SearchIndex(folder, module_pack.synonyms)
    first.ensure(module_pack.blocks)
    assert second.search("IFR").hits
    first.add_blocks([doc_block(1, "The axolotl protocol.")])
    assert ids(second.search("axolotl")) == ["guidance-pdf.p1"]
    # A full rebuild by one swaps the folder under the other's open searcher.
    blocks = [*module_pack.blocks(), doc_block(2, "The capybara protocol.")]
    second.rebuild(blocks)
    assert ids(first.search("capybara")) == ["guidance-pdf.p2"]
    assert first.search("axolotl").hits == []


def test_search_keeps_working_while_another_thread_rebuilds(tmp_path, module_pack):
    folder = tmp_path / "index"
    reader = SearchIndex(folder, module_pack.synonyms)
    reader.ensure(module_pack.blocks)
    writer = SearchIndex(folder, module_pack.synonyms)
    errors: list[BaseException] = []

    def rebuild() -> None:
        try:
            for n in range(5):
                writer.rebuild([*module_pack.blocks(), doc_block(n, f"Rebuild number {n}.")])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=rebuild)
    thread.start()
    while thread.is_alive():
        assert ids(reader.search("IFR"))[0].startswith(IFR)
    thread.join()
    assert not errors
    assert reader.ensure([*module_pack.blocks(), doc_block(4, "Rebuild number 4.")]) is None


CHILD = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from reader.core.content import Block
    from reader.core.search import SearchIndex
    index = SearchIndex(__import__("pathlib").Path({folder!r}))
    for n in range({count}):
        index.add_blocks([Block(id=f"child.p{{n}}", document="child", tab="t", section="s",
                               section_title="S", kind="pdf-paragraph",
                               text=f"Child paragraph pangolin {{n}}.")])
    """
)


def test_a_second_process_writing_at_the_same_time_leaves_a_consistent_index(tmp_path, module_pack):
    folder = tmp_path / "index"
    index = SearchIndex(folder, module_pack.synonyms)
    index.ensure(module_pack.blocks)
    count = 15
    script = CHILD.format(root=str(ROOT), folder=str(folder), count=count)
    child = subprocess.Popen([sys.executable, "-c", script])
    mine = [
        doc_block(n, f"Parent paragraph pangolin {n}.", document="parent") for n in range(count)
    ]
    for block in mine:
        index.add_blocks([block])
        index.search("pangolin")
    assert child.wait(timeout=60) == 0
    found = ids(index.search("pangolin", limit=100))
    assert len(found) == len(set(found)) == 2 * count
    theirs = [
        Block(
            id=f"child.p{n}",
            document="child",
            tab="t",
            section="s",
            section_title="S",
            kind="pdf-paragraph",
            text=f"Child paragraph pangolin {n}.",
        )
        for n in range(count)
    ]
    # Both processes kept the stored fingerprint right: ensure sees no damage and no staleness.
    assert index.ensure([*module_pack.blocks(), *mine, *theirs]) is None


def test_search_module_keeps_qt_out():
    code = (
        "import sys; import reader.core.search; assert 'PySide6' not in sys.modules, 'Qt imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_terms_for_a_synonym_phrase_leave_out_stop_words(tmp_path, module_pack) -> None:
    # "raising concerns" matches "raising and acting on concerns" through a synonym: the views
    # mark every occurrence of each term, so "and" and "on" must not be among them.
    text = "Raising and acting on concerns about patients and colleagues depends on trust."
    index = SearchIndex(tmp_path / "index", module_pack.synonyms)
    index.ensure([doc_block(85, text)])
    hit = index.search("raising concerns").hits[0]
    assert {t.lower() for t in hit.terms} >= {"raising", "concerns"}
    assert not {t.lower() for t in hit.terms} & {"and", "on"}


def test_a_quoted_phrase_with_a_stop_word_marks_no_stop_word(tmp_path) -> None:
    index = SearchIndex(tmp_path / "index")
    index.ensure([doc_block(3, "Be open and honest with patients and their families.")])
    hit = index.search('"open and honest"').hits[0]
    assert [t.lower() for t in hit.terms] == ["open", "honest"]


def test_section_trail_names_the_headings_above_a_pdf_paragraph() -> None:
    from reader.core.search_results import section_trail

    def heading(slug: str, text: str, level: int) -> Block:
        return dataclasses.replace(
            doc_block(0, text), id=f"guidance-pdf.{slug}", kind="heading", level=level
        )

    blocks = [
        heading("raising", "Raising and acting on concerns", 1),
        doc_block(84, "All doctors should act."),
        heading("extra", "Doctors with extra responsibilities", 2),
        doc_block(85, "Doctors with extra responsibilities must act."),
        heading("next", "Next section", 1),
    ]
    assert section_trail(blocks, "guidance-pdf.p85") == [
        "Raising and acting on concerns",
        "Doctors with extra responsibilities",
    ]
    assert section_trail(blocks, "guidance-pdf.p84") == ["Raising and acting on concerns"]
    assert section_trail(blocks, "missing") == []
