"""Benchmark of the search index against SQLite FTS5 on the same blocks, as a printed table.

Run ``python tests/bench/bench_search.py``. Three libraries: (1) the bundled pack; (2) the pack
plus the blocks the app extracts from a generated 44-page guidance-like PDF with 90 numbered
paragraphs (synthetic filler about leadership topics, not GMC text); (3) library 2 replicated
20 times with varied ids and words; (20) twenty guidance-sized documents, 2,391 blocks: the pack
plus 20 varied copies of 116 blocks of the PDF (issue #12's "20 documents, 2,400 blocks").
Queries are typed as a user types them: every prefix of each query is searched, snippets
included. Each row also gives the first query after the index is opened afresh, and a full
rebuild of the same blocks; SQLite FTS5 runs the same in the same process as the yardstick.

This is a script, not a timed test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from reader.core.content import load_pack  # noqa: E402
from reader.core.model import Block  # noqa: E402
from reader.core.search import SearchIndex  # noqa: E402

QUERIES = [
    "funding request",
    "individual funding request",
    "raising concerns",
    "para 85",
    "paragraph 12",
    "85(a)",
    "shared leadership",
    "patient decision aids",
    "resource allocation",
    '"open and honest"',
    "teaching and training",
    "managing resources",
    "employment issues",
    "leadership development",
    "medical leadership competency framework",
    "NICE",
    "patient safety",
    "clinical governance",
    "team working",
    "whistleblowing",
    "IFR",
    "A&E waiting times",
    "continuing professional development",
    "audit",
    "complaints procedure",
    "organizational culture",
    "prioritizing treatment",
    "doctors in training",
    "conflict of interest",
    "appraisal revalidation",
    "leadreship",
]

GOALS = {"2": 16.0, "3": 50.0, "20": 16.0}  # p95 milliseconds
BUILD_GOAL_S = 1.0  # first build of library 2, rebuild of library 20
FIRST_GOAL_MS = 30.0  # first query after opening, library 20

# Filler vocabulary on leadership topics, assembled at random: readable enough to rank, and
# none of it is the guidance's own prose.
SUBJECTS = [
    "Every doctor", "Doctors in training", "Consultants", "Clinical leaders", "Medical managers",
    "Educational supervisors", "Doctors with management roles", "Team members",
]  # fmt: skip
VERBS = [
    "should review", "must take part in", "are expected to support", "should contribute to",
    "must be open about", "need to plan", "should help to improve", "are responsible for",
]  # fmt: skip
OBJECTS = [
    "the allocation of resources", "systems for raising concerns", "audit of clinical care",
    "appraisal and revalidation", "teaching and training of colleagues", "patient safety reviews",
    "the management of complaints", "team working across services", "conflicts of interest",
    "continuing professional development", "the use of funding for treatment",
    "recruitment and employment decisions", "the culture of the organisation",
    "clinical governance arrangements", "priority setting within budgets",
    "feedback from patients and carers", "information systems and records",
]  # fmt: skip
CONTEXTS = [
    "when services change", "within their team", "across the organisation", "in every setting",
    "where resources are limited", "as part of their role", "when patients could be harmed",
    "in discussion with colleagues", "so that care is fair", "when budgets are set",
]  # fmt: skip
VARIANTS = {
    "review": ["examine", "assess", "check"],
    "support": ["back", "encourage", "help"],
    "colleagues": ["peers", "co-workers", "staff"],
    "organisation": ["trust", "board", "practice"],
    "improve": ["strengthen", "develop", "refine"],
    "patients": ["service users", "people in their care", "families"],
}


def sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(CONTEXTS)}."
    )


def vary(text: str, rng: random.Random) -> str:
    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        options = VARIANTS.get(word.lower())
        return rng.choice([word, *options]) if options else word

    return re.sub(r"[A-Za-z]+", swap, text)


def guidance_pdf_blocks() -> list[Block]:
    """The blocks the app extracts from a generated 44-page guidance-like PDF (90 paragraphs)."""
    import tempfile

    from reader.core.pdfdoc import open_pdf
    from reader.core.pdfparagraphs import extract_blocks
    from tests.factories import make_guidance_pdf

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "guidance.pdf"
        make_guidance_pdf(path, pages=44, paragraphs=90)
        doc = open_pdf(path)
        try:
            return extract_blocks(doc, "guidance-pdf", "guidance")
        finally:
            doc.close()


def libraries() -> dict[str, list[Block]]:
    pack = load_pack(ROOT / "content")
    rng = random.Random(2012)
    first = pack.blocks()
    second = first + guidance_pdf_blocks()
    third = list(second)
    for copy in range(1, 20):
        third += [
            Block(
                id=f"copy{copy}.{b.id}",
                document=f"{b.document}-copy{copy}",
                tab=b.tab,
                section=b.section,
                section_title=b.section_title,
                kind=b.kind,
                text=vary(b.text, rng),
                paragraph=b.paragraph,
                page=b.page,
            )
            for b in second
        ]
    twenty = list(first)
    pdf = second[len(first) :][:116]
    for copy in range(20):
        twenty += [
            dataclasses.replace(
                b,
                id=f"doc{copy}.{b.id}",
                document=f"{b.document}-{copy}",
                text=b.text if copy == 0 else vary(b.text, rng),
            )
            for b in pdf
        ]
    return {"1": first, "2": second, "3": third, "20": twenty}


def typed_queries() -> list[str]:
    """Every prefix of every query, as the search box sees them while typing."""
    return [q[:i] for q in QUERIES for i in range(1, len(q) + 1)]


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def bench_whoosh(blocks: list[Block], folder: Path, titles: dict[str, str], synonyms):
    index = SearchIndex(folder, synonyms)
    start = time.perf_counter()
    index.ensure(blocks, titles)
    build = time.perf_counter() - start
    index.close()
    # The first search after opening: the app opens the index (ensure) on a worker thread,
    # then the first query runs on the GUI thread with a searcher not yet opened.
    index = SearchIndex(folder, synonyms)
    index.ensure(blocks, titles)
    start = time.perf_counter()
    index.search("raising concerns")
    first = (time.perf_counter() - start) * 1000
    times = []
    for query in typed_queries():
        start = time.perf_counter()
        result = index.search(query, limit=20)
        for hit in result.hits:
            hit.snippet_html  # noqa: B018 - the UI renders every snippet it gets
        times.append((time.perf_counter() - start) * 1000)
    start = time.perf_counter()
    index.rebuild(blocks, titles)
    rebuild = time.perf_counter() - start
    index.close()
    return build, times, first, rebuild


_FTS_WORD = re.compile(r"\w+")


def fts_query(text: str) -> str | None:
    words = _FTS_WORD.findall(text)
    if not words:
        return None
    parts = [f'"{w}"' for w in words]
    if not text[-1].isspace():
        parts[-1] += "*"  # as-you-type, like the Whoosh index
    return " AND ".join(parts)


def bench_fts(blocks: list[Block], folder: Path):
    db = sqlite3.connect(folder / "fts.sqlite3")

    def fill() -> float:
        start = time.perf_counter()
        db.execute("DROP TABLE IF EXISTS fts")
        db.execute(
            "CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, section, text, "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        db.executemany(
            "INSERT INTO fts(id, section, text) VALUES (?, ?, ?)",
            [(b.id, b.section_title, b.text) for b in blocks],
        )
        db.commit()
        return time.perf_counter() - start

    build = fill()
    sql = (
        "SELECT id, snippet(fts, 2, '<b>', '</b>', '…', 24) FROM fts WHERE fts MATCH ? "
        "ORDER BY bm25(fts, 0.0, 1.6, 1.0) LIMIT 20"
    )
    db.close()
    start = time.perf_counter()
    db = sqlite3.connect(folder / "fts.sqlite3")
    db.execute(sql, (fts_query("raising concerns"),)).fetchall()
    first = (time.perf_counter() - start) * 1000
    times = []
    for query in typed_queries():
        match = fts_query(query)
        start = time.perf_counter()
        if match:
            db.execute(sql, (match,)).fetchall()
        times.append((time.perf_counter() - start) * 1000)
    rebuild = fill()
    db.close()
    return build, times, first, rebuild


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--libraries", default="1,2,3,20", help="which libraries to run, e.g. 2,20")
    args = parser.parse_args()
    pack = load_pack(ROOT / "content")
    titles = {tab.id: tab.title for tab in pack.tabs} | {"guidance-pdf": "Guidance PDF"}
    libs = libraries()
    n_queries = len(typed_queries())
    print(f"{n_queries} as-you-type searches per library (every prefix of {len(QUERIES)} queries)")
    header = (
        f"{'lib':>3} {'blocks':>6} | {'whoosh build':>12} {'p50':>6} {'p95':>6} {'max':>6} "
        f"{'first':>6} {'rebuild':>7} | {'fts5 build':>10} {'p50':>6} {'p95':>6} {'max':>6} "
        f"{'first':>6} {'rebuild':>7} | goal"
    )
    print(header)
    print("-" * len(header))
    failed = False
    for name, blocks in libs.items():
        if name not in args.libraries.split(","):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "index"
            w_build, w_times, w_first, w_rebuild = bench_whoosh(
                blocks, folder, titles, pack.synonyms
            )
            f_build, f_times, f_first, f_rebuild = bench_fts(blocks, Path(tmp))
        w50, w95, wmax = percentiles(w_times)
        f50, f95, fmax = percentiles(f_times)
        goals = []
        if name in GOALS:
            ok = w95 <= GOALS[name]
            goals.append(f"p95≤{GOALS[name]:.0f}ms {'ok' if ok else 'MISSED'}")
            failed |= not ok
        if name == "2":
            ok = w_build < BUILD_GOAL_S
            goals.append(f"build<{BUILD_GOAL_S:.0f}s {'ok' if ok else 'MISSED'}")
            failed |= not ok
        if name == "20":
            ok = w_first <= FIRST_GOAL_MS
            goals.append(f"first≤{FIRST_GOAL_MS:.0f}ms {'ok' if ok else 'MISSED'}")
            ok = w_rebuild <= BUILD_GOAL_S
            goals.append(f"rebuild≤{BUILD_GOAL_S:.0f}s {'ok' if ok else 'MISSED'}")
            failed |= not ok
        whoosh = (
            f"{w_build:>11.2f}s {w50:>6.1f} {w95:>6.1f} {wmax:>6.1f} {w_first:>6.1f} "
            f"{w_rebuild:>6.2f}s"
        )
        fts = (
            f"{f_build:>9.3f}s {f50:>6.2f} {f95:>6.2f} {fmax:>6.2f} {f_first:>6.2f} "
            f"{f_rebuild:>6.3f}s"
        )
        print(f"{name:>3} {len(blocks):>6} | {whoosh} | {fts} | {', '.join(goals)}")
    print("times in ms unless marked s; Whoosh searches include snippets and suggestions")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
