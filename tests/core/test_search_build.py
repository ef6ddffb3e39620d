"""A full index build: the lean writer writes the same index Whoosh's own writer would, faster.

Search results depend only on what the index holds, so these tests compare the two indexes
term by term and posting by posting (weights, encoded positions, field lengths, block
statistics, stored fields), for the bundled pack with added-document blocks and for a build
large enough to spill its posting pool to disk.
"""

from __future__ import annotations

import dataclasses
import gc
from pathlib import Path

import pytest
from whoosh import fields as wfields
from whoosh import index as windex

from reader.core import search as search_mod
from reader.core.content import load_pack
from reader.core.search_schema import make_schema
from reader.core.search_writer import BuildWriter, document_ends, paused_gc

ROOT = Path(__file__).resolve().parents[2]

ODD_TEXTS = [
    "",
    "   ",
    "Zoë’s A&E café: 2.5 & 2,000 co-op organization behaviour’s colour",
    "the the the the leadership the",
    "Доктор and 医師 with paediatric anaemia",
    "85(a) paragraph 85 para 12",
]


@pytest.fixture(scope="module")
def pack():
    return load_pack(ROOT / "content")


def _entries(pack, copies: int = 1):
    titles = {tab.id: tab.title for tab in pack.tabs}
    blocks = list(pack.blocks())
    for copy in range(1, copies):
        blocks += [
            dataclasses.replace(b, id=f"c{copy}.{b.id}", document=f"doc-{copy}") for b in blocks
        ]
    return search_mod._entries(blocks, titles)


def _write(folder: Path, entries, lean: bool, limitmb: int = 64) -> windex.Index:
    folder.mkdir()
    ix = windex.create_in(str(folder), make_schema())
    if lean:
        writer = BuildWriter(ix, limitmb=limitmb)
        for entry in entries:
            writer.add(entry.fields)
    else:
        writer = ix.writer()
        for entry in entries:
            writer.add_document(**entry.fields)
    writer.commit()
    return windex.open_dir(str(folder))


def _contents(ix: windex.Index) -> dict:
    """Everything a search can read from the index, in comparable form."""
    out: dict = {}
    with ix.reader() as reader:
        schema = reader.schema
        out["stored"] = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
        for name, field in schema.items():
            if not field.indexed:
                continue
            if field.scorable:
                out[name, "lengths"] = [
                    reader.doc_field_length(n, name) for n in range(reader.doc_count_all())
                ]
                out[name, "total"] = reader.field_length(name)
            for term in reader.lexicon(name):
                info = reader.term_info(name, term)
                postings = []
                matcher = reader.postings(name, term)
                while matcher.is_active():
                    postings.append((matcher.id(), matcher.weight(), matcher.value()))
                    matcher.next()
                out[name, term] = (
                    info.weight(),
                    info.doc_frequency(),
                    info.min_length(),
                    info.max_length(),
                    info.max_weight(),
                    postings,
                )
    return out


def test_lean_build_writes_the_same_index_as_whoosh(tmp_path, pack):
    entries = _entries(pack)
    lean = _write(tmp_path / "lean", entries, lean=True)
    plain = _write(tmp_path / "plain", entries, lean=False)
    ours, theirs = _contents(lean), _contents(plain)
    assert len(ours) > 1000
    assert ours == theirs


def _segment_files(ix: windex.Index) -> dict[str, bytes]:
    """The files of the index's one segment, by name without the segment's random id."""
    (segment,) = ix._segments()
    files = segment.open_compound_file(ix.storage)
    out = {}
    for name in files.list():
        handle = files.open_file(name)
        out[name.replace(segment.segid, "")] = handle.read()
        handle.close()
    return out


def test_lean_build_writes_the_same_bytes_as_whoosh(tmp_path, pack):
    # Postings grouped per term and small terms written directly (issue 12): every column
    # and stored field is still the bytes Whoosh's own writer writes. The postings file
    # differs where a block too short to compress is stored as it is (it is smaller), and so
    # the term index's offsets into it; test_lean_build_writes_the_same_index_as_whoosh reads
    # both back the same.
    entries = _entries(pack)
    lean = _segment_files(_write(tmp_path / "lean", entries, lean=True))
    plain = _segment_files(_write(tmp_path / "plain", entries, lean=False))
    assert lean.keys() == plain.keys()
    differ = sorted(name for name in lean if lean[name] != plain[name])
    assert [name.rsplit(".", 1)[1] for name in differ] == ["pst", "trm"]
    assert len(lean) > 4
    (postings,) = [name for name in lean if name.endswith(".pst")]
    assert len(lean[postings]) < len(plain[postings])


def test_short_posting_blocks_are_stored_uncompressed_and_read_back(tmp_path, pack):
    ix = _write(tmp_path / "lean", _entries(pack), lean=True)
    seen = {True: 0, False: 0}
    with ix.reader() as reader:
        for term in reader.lexicon("id"):  # one block each: a few bytes of postings
            matcher = reader.postings("id", term)
            seen[bool(matcher._compression)] += 1
            assert matcher.id() == reader.first_id("id", term)
        text_terms = list(reader.lexicon("text"))
        common = max(text_terms, key=lambda t: reader.doc_frequency("text", t))
        assert reader.postings("text", common)._compression  # a long block is still zlib's
    assert seen == {True: 0, False: len(_entries(pack))}


def test_a_build_that_spills_its_pool_to_disk_is_the_same_index(tmp_path, pack):
    entries = _entries(pack, copies=4)
    lean = _write(tmp_path / "lean", entries, lean=True, limitmb=0)  # a run per 1,000 postings
    plain = _write(tmp_path / "plain", entries, lean=False)
    assert _contents(lean) == _contents(plain)


@pytest.mark.parametrize("name", ["title", "section", "text", "words", "spell", "id", "paragraph"])
def test_each_field_posts_what_whoosh_would(name):
    field = make_schema()[name]
    for text in [*ODD_TEXTS, "Leadership and management for all doctors"]:
        ours = sorted(field.index(text))
        whoosh = sorted(wfields.FieldType.index(field, text))
        if name in ("id", "paragraph") and not text:
            continue  # never indexed: empty values are left out of a block's fields
        assert ours == whoosh, text
        assert [type(p[2]) for p in ours] == [type(p[2]) for p in whoosh]


def _fail_inside_paused_gc(seen: list[bool]) -> None:
    with paused_gc():
        seen.append(gc.isenabled())
        raise RuntimeError("build failed")


def test_the_cycle_collector_is_back_on_after_a_build_even_when_it_fails():
    seen: list[bool] = []
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        _fail_inside_paused_gc(seen)
    assert seen == [False]
    assert gc.isenabled()


def test_progress_counts_documents_and_all_notes_as_one():
    blocks = [
        {"document": "page", "source": "tabs"},
        {"document": "page", "source": "tabs"},
        {"document": "doc-a", "source": "documents"},
        {"document": "page", "source": "notes"},
        {"document": "doc-b", "source": "documents"},
        {"document": "doc-a", "source": "notes"},
    ]
    # page ends at 1; doc-a at 2; doc-b at 4; the notes at 5.
    assert document_ends(blocks) == {1: 1, 2: 2, 4: 3, 5: 4}
    assert document_ends([]) == {}


def _document_blocks(pack, copy: int):
    return [
        dataclasses.replace(b, id=f"d{copy}.{b.id}", document=f"added-{copy}")
        for b in pack.blocks()
    ]


QUERIES = [
    "leadership",
    "raising concerns",
    "individual funding request",
    "appraisal",
    "paragraph 85",
    "manage resources teaching",
]


def test_a_document_added_as_its_own_segment_searches_as_with_whooshs_writer(
    tmp_path, pack, monkeypatch
) -> None:
    # A new document's blocks go into a segment of their own (the lean writer); re-adding and
    # adding more, past the segment limit, falls back to Whoosh's writer, which merges.
    indexes = {}
    lean_adds: list[int] = []
    real_edit_lean = search_mod.SearchIndex._edit_lean

    def counted(self, entries):
        done = real_edit_lean(self, entries)
        lean_adds.append(done)
        return done

    monkeypatch.setattr(search_mod.SearchIndex, "_edit_lean", counted)
    for lean in (True, False):
        index = search_mod.SearchIndex(tmp_path / f"lean-{lean}")
        index.ensure(list(pack.blocks()))
        monkeypatch.setattr(search_mod, "LEAN_ADD_MIN", 50 if lean else 10**9)
        for copy in range(1, 9):
            blocks = _document_blocks(pack, copy)
            assert index.add_blocks(blocks, "documents", {f"added-{copy}": f"Copy {copy}"})
        index.remove_document("added-3")
        index.add_blocks(_document_blocks(pack, 3), "documents", {"added-3": "Copy 3"})
        indexes[lean] = index
    # the first five went in as segments of their own; then the limit made Whoosh merge
    assert lean_adds[:5] == [True] * 5
    assert False in lean_adds
    lean, plain = indexes[True], indexes[False]
    assert lean.doc_count() == plain.doc_count() == len(list(pack.blocks())) * 9
    assert lean.stored_fingerprint() == plain.stored_fingerprint()
    for query in QUERIES:
        got = [(h.id, round(h.score, 4)) for h in lean.search(query, limit=30).hits]
        want = [(h.id, round(h.score, 4)) for h in plain.search(query, limit=30).hits]
        assert got == want, query
