"""The offline full-text index: build it, keep it current, query it, suggest corrections.

One Whoosh document per :class:`~reader.core.content.Block`, in the user's cache folder. The index
is a cache: when it is missing, stale (its fingerprint no longer matches the blocks) or damaged,
:meth:`SearchIndex.ensure` throws it away and builds a new one, and says so in one sentence.

The folder may be shared by two running copies of the app, so:

* every write holds a :class:`filelock.FileLock` in the folder (and Whoosh's own lock);
* a full build is written into a new generation folder, then ``CURRENT`` is replaced atomically
  to point at it, so a reader never sees half an index;
* a searcher that fails because the index changed under it reopens and tries once more.

How words are read (tokens, spellings, stemming, the query language) lives in
:mod:`reader.core.search_query`. Whoosh is imported here, so the app imports this module lazily.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import logging
import re
import shutil
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import filelock
from whoosh import fields, formats, scoring
from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import Token, Tokenizer

from reader.core.atomic import write_text_atomic
from reader.core.content import PAGE_DOCUMENT, Block
from reader.core.search_query import (
    MIN_PREFIX_CHARS,
    AnyOf,
    Marker,
    Node,
    ParsedQuery,
    Phrase,
    Segments,
    Word,
    iter_tokens,
    paragraph_ref,
    parse,
    prefix_variants,
    prepare_synonyms,
    word_forms,
)

log = logging.getLogger(__name__)

#: Bump when the schema or the way words are analysed changes: old indexes are then rebuilt.
INDEX_VERSION = 1
SOURCES = ("tabs", "documents", "notes")

# Ranking. BM25F over text, section title and tab/document title; a word found in the section
# title counts extra, so blocks of the section that is *about* the words come first.
SECTION_BOOST = 1.6
TITLE_BOOST = 0.6
PREFIX_BOOST = 0.5  # completions of the word being typed count half a real match
MAX_COMPLETIONS = 40  # "co" may complete to hundreds of words: keep the commonest
PARAGRAPH_BOOST = 12.0  # a number in the query that is also a paragraph's own number
REF_BOOST = 100.0  # the whole query names a paragraph: that paragraph first
WEIGHTING = {"B": 0.75, "K1": 1.2, "text_B": 0.5, "section_B": 0.3, "title_B": 0.3}

FEW_HITS = 3  # below this, look for a "did you mean"
LOCK_TIMEOUT_S = 30.0
_GENERATION_RE = re.compile(r"^gen-[0-9a-f]{32}$")
_NUMBER_RE = re.compile(r"^\d{1,4}[a-z]?$")
_MOD = 1 << 256

MSG_BUILT = "The search index has been built."
MSG_STALE = "The search index was out of date and has been rebuilt."
MSG_DAMAGED = "The search index was damaged and has been rebuilt."
HINT_NOT_READY = "The search index is not ready yet; try again in a moment."
HINT_NO_MATCH = "No passage has all of these words; try fewer words, or OR between them."
HINT_BAD_SOURCE = "Search in tabs, documents or notes."

Progress = Callable[[int, int], None]


class SearchIndexBusy(RuntimeError):
    """Another copy of the app kept the index locked for longer than we are willing to wait."""


# --- analysis as Whoosh sees it ------------------------------------------------------------


class WordTokenizer(Tokenizer):
    """Whoosh's view of :func:`~reader.core.search_query.iter_tokens`, yielding one form.

    ``form`` is ``"stem"`` (ranked search), ``"norm"`` (completing the word being typed) or
    ``"folded"`` (the vocabulary for "did you mean", in the text's own spelling).
    """

    def __init__(self, form: str = "stem") -> None:
        self.form = form

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordTokenizer) and other.form == self.form

    def __hash__(self) -> int:
        return hash(self.form)

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        form = self.form
        for pos, (start, end, forms) in enumerate(iter_tokens(value)):
            token.text = getattr(forms, form)
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def make_schema() -> fields.Schema:
    stem = WordTokenizer("stem")
    return fields.Schema(
        id=fields.ID(unique=True, stored=True),
        source=fields.ID(stored=True),
        document=fields.ID(stored=True),
        tab=fields.ID(stored=True),
        kind=fields.ID(stored=True),
        paragraph=fields.ID(stored=True),
        page=fields.STORED(),
        title=fields.TEXT(analyzer=stem, stored=True, phrase=False),
        section=fields.TEXT(analyzer=stem, stored=True),
        text=fields.TEXT(analyzer=stem, stored=True),
        words=fields.TEXT(analyzer=WordTokenizer("norm"), phrase=False),
        # Only the vocabulary matters for "did you mean": no frequencies, no lengths to keep.
        spell=fields.FieldType(formats.Existence(), WordTokenizer("folded")),
        section_id=fields.STORED(),
        fp=fields.STORED(),
    )


# --- what goes in ----------------------------------------------------------------------------


def source_of(block: Block) -> str:
    """Where a block comes from: the bundled page's tabs, an added document, or a note."""
    if block.kind == "note" or block.document.startswith("note"):
        return "notes"
    return "tabs" if block.document == PAGE_DOCUMENT else "documents"


@dataclass(frozen=True)
class _Entry:
    fields: dict
    digest: int


def _entry(block: Block, source: str | None, titles: Mapping[str, str] | None) -> _Entry:
    source = source or source_of(block)
    titles = titles or {}
    key = block.tab if block.document == PAGE_DOCUMENT else block.document
    title = titles.get(key) or titles.get(block.document) or titles.get(block.tab) or ""
    values = {
        "id": block.id,
        "source": source,
        "document": block.document,
        "tab": block.tab,
        "kind": block.kind,
        "paragraph": (block.paragraph or "").strip().lower().replace(" ", ""),
        "page": block.page,
        "title": title,
        "section": block.section_title,
        "section_id": block.section,
        "text": block.text,
    }
    raw = json.dumps([INDEX_VERSION, values], sort_keys=True, ensure_ascii=False)
    digest = int.from_bytes(hashlib.sha256(raw.encode("utf-8")).digest(), "big")
    doc = {k: v for k, v in values.items() if v not in (None, "")}
    doc["words"] = doc["spell"] = block.text
    doc["fp"] = f"{digest:064x}"
    return _Entry(doc, digest)


def _entries(
    items: Iterable[Block | tuple[Block, str]], titles: Mapping[str, str] | None
) -> list[_Entry]:
    by_id: dict[str, _Entry] = {}
    for item in items:
        block, source = item if isinstance(item, tuple) else (item, None)
        entry = _entry(block, source, titles)
        by_id[block.id] = entry  # the index keeps one document per id: so does the fingerprint
    return list(by_id.values())


def _fingerprint_of(count: int, total: int) -> str:
    return f"v{INDEX_VERSION}-{count}-{total % _MOD:064x}"


def fingerprint(
    blocks: Iterable[Block | tuple[Block, str]], titles: Mapping[str, str] | None = None
) -> str:
    """A hash of the blocks (ids, texts, titles...) and the index version.

    It is a sum of per-block hashes, so adding or removing one block updates it without
    re-reading the rest: the index keeps its own fingerprint current through incremental edits.
    """
    entries = _entries(blocks, titles)
    return _fingerprint_of(len(entries), sum(e.digest for e in entries))


# --- what comes out --------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    id: str
    source: str
    document: str
    tab: str
    kind: str
    title: str
    section: str
    paragraph: str | None
    page: int | None
    score: float
    snippet: Segments  # (text, is_match) pieces, in order
    terms: tuple[str, ...]  # the words of the block that matched, as written there

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)

    @property
    def snippet_html(self) -> str:
        return "".join(
            f"<b>{html.escape(text)}</b>" if matched else html.escape(text)
            for text, matched in self.snippet
        )

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "source": self.source,
            "document": self.document,
            "tab": self.tab,
            "title": self.title,
            "section": self.section,
            "paragraph": self.paragraph,
            "page": self.page,
            "score": round(self.score, 4),
            "snippet": self.snippet_text,
            "snippet_html": self.snippet_html,
            "terms": list(self.terms),
        }


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    suggestion: str | None = None
    hint: str | None = None
    paragraph_ref: str | None = None

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "hits": [hit.to_json() for hit in self.hits],
            "suggestion": self.suggestion,
            "hint": self.hint,
            "paragraph_ref": self.paragraph_ref,
        }


# --- the index -------------------------------------------------------------------------------


class SearchIndex:
    """The index in ``index_dir``; safe to share between threads and between app instances."""

    def __init__(self, index_dir: Path, synonyms: Iterable[Iterable[str]] = ()) -> None:
        self.index_dir = Path(index_dir)
        self.synonyms = prepare_synonyms(synonyms)
        self._lock = threading.RLock()
        self._searcher = None
        self._generation: str | None = None
        self._current_stamp: tuple[int, int] | None = None
        self._weighting = scoring.BM25F(**WEIGHTING)
        self.last_status: str | None = None

    # -- lifecycle --

    def ensure(
        self,
        blocks_provider: Callable[[], Iterable[Block | tuple[Block, str]]]
        | Iterable[Block | tuple[Block, str]],
        titles: Mapping[str, str] | None = None,
        progress: Progress | None = None,
    ) -> str | None:
        """Open the index if it matches the blocks; otherwise (re)build it.

        Returns ``None`` when the index was fine, or one sentence saying what was done. Safe to
        call from a worker thread; ``progress(done, total)`` is called from that thread.
        """
        items = blocks_provider() if callable(blocks_provider) else blocks_provider
        entries = _entries(items, titles)
        wanted = _fingerprint_of(len(entries), sum(e.digest for e in entries))
        with self._exclusive():
            state, meta = self._inspect()
            if state == "ok" and meta.get("fingerprint") == wanted:
                self.last_status = None
                if progress:
                    progress(len(entries), len(entries))
                return None
            self._build(entries, progress)
        messages = {"missing": MSG_BUILT, "stale": MSG_STALE, "ok": MSG_STALE}
        self.last_status = messages.get(state, MSG_DAMAGED)
        if state == "damaged":
            log.warning("search index in %s was damaged (%s); rebuilt", self.index_dir, meta)
        return self.last_status

    def rebuild(
        self,
        blocks: Iterable[Block | tuple[Block, str]],
        titles: Mapping[str, str] | None = None,
        progress: Progress | None = None,
    ) -> None:
        """Build the index from scratch, whatever state it is in."""
        entries = _entries(blocks, titles)
        with self._exclusive():
            self._build(entries, progress)

    def stored_fingerprint(self) -> str | None:
        """The fingerprint of what the index holds now, or None when it has none."""
        _, meta = self._inspect(deep=False)
        return meta.get("fingerprint")

    def doc_count(self) -> int:
        searcher = self._get_searcher()
        return 0 if searcher is None else searcher.doc_count()

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                with contextlib.suppress(Exception):
                    self._searcher.close()
            self._searcher = None
            self._generation = None

    # -- incremental edits --

    def add_blocks(
        self,
        blocks: Iterable[Block],
        source: str | None = None,
        titles: Mapping[str, str] | None = None,
    ) -> int:
        """Add or replace blocks (matched by id); returns how many were written."""
        entries = _entries(((b, source) if source else b for b in blocks), titles)

        def edit(writer, searcher) -> int:
            delta = 0
            for entry in entries:
                old = searcher.document(id=entry.fields["id"])
                if old is not None:
                    delta -= int(old.get("fp", "0"), 16)
                delta += entry.digest
                writer.update_document(**entry.fields)
            return delta

        self._edit(edit)
        return len(entries)

    def update_block(
        self, block: Block, source: str | None = None, title: str | None = None
    ) -> None:
        """Add or replace one block, e.g. a note that was edited."""
        key = block.tab if block.document == PAGE_DOCUMENT else block.document
        self.add_blocks([block], source, {key: title} if title else None)

    def remove_block(self, block_id: str) -> None:
        self._remove("id", block_id)

    def remove_document(self, document_id: str) -> None:
        """Remove every block of an added document (or of any document id)."""
        self._remove("document", document_id)

    def _remove(self, fieldname: str, value: str) -> None:
        def edit(writer, searcher) -> int:
            delta = -sum(
                int(d.get("fp", "0"), 16) for d in searcher.documents(**{fieldname: value})
            )
            writer.delete_by_term(fieldname, value)
            return delta

        self._edit(edit)

    # -- searching --

    def search(self, query: str, limit: int = 20, source: str | None = None) -> SearchResult:
        """Search; never raises for what a user can type. Problems come back as ``hint``."""
        query_text = query if isinstance(query, str) else str(query or "")
        for attempt in range(2):
            try:
                return self._search(query_text, limit, source)
            except Exception:  # the index changed or broke under us: reopen once, then give up
                level = logging.DEBUG if attempt == 0 else logging.WARNING
                log.log(level, "search for %r failed", query_text[:80], exc_info=True)
                self.close()
        return SearchResult(query_text, hint=HINT_NOT_READY)

    def _search(self, query: str, limit: int, source: str | None) -> SearchResult:
        parsed = parse(query, self.synonyms)
        ref = paragraph_ref(parsed.text)
        result = SearchResult(query, paragraph_ref=ref)
        hints = list(parsed.hints)
        if source is not None and source not in SOURCES:
            result.hint = HINT_BAD_SOURCE
            return result
        if parsed.is_empty and ref is None:
            result.hint = hints[0] if hints else None
            return result
        with self._lock:
            searcher = self._get_searcher()
            if searcher is None:
                result.hint = HINT_NOT_READY
                return result
            limit = max(1, min(int(limit or 20), 1000))
            found = self._run(searcher, parsed, ref, limit, source)
            marker = Marker(parsed)
            result.hits = [self._hit(doc, score, marker) for doc, score in found]
            if len(result.hits) < FEW_HITS and not parsed.is_empty:
                result.suggestion = self._suggest(searcher, parsed, source, len(result.hits))
        if not result.hits and not hints and len(parsed.must) > 1:
            hints.append(HINT_NO_MATCH)
        result.hint = hints[0] if hints else None
        return result

    def _run(self, searcher, parsed: ParsedQuery, ref: str | None, limit: int, source):
        query = _QueryBuilder(searcher.reader()).build(parsed, ref)
        if query is None:
            return []
        filter_q = wq.Term("source", source) if source else None
        results = searcher.search(query, limit=limit, filter=filter_q)
        return [(hit.fields(), hit.score) for hit in results]

    def _hit(self, doc: dict, score: float, marker: Marker) -> Hit:
        text = doc.get("text", "")
        snippet, terms = marker.snippet(text)
        page = doc.get("page")
        return Hit(
            id=doc["id"],
            source=doc.get("source", ""),
            document=doc.get("document", ""),
            tab=doc.get("tab", ""),
            kind=doc.get("kind", ""),
            title=doc.get("title", ""),
            section=doc.get("section", ""),
            paragraph=doc.get("paragraph") or None,
            page=page if isinstance(page, int) else None,
            score=float(score or 0.0),
            snippet=snippet,
            terms=terms,
        )

    def _suggest(self, searcher, parsed: ParsedQuery, source, found: int) -> str | None:
        """A "did you mean" from the index's own words, offered only if it finds more."""
        reader = searcher.reader()
        corrector = searcher.corrector("spell")
        synonym_words = {w for group in self.synonyms for m in group for w in m.key}
        text = parsed.text
        changed = False
        for start, end, word in sorted(parsed.spans, key=lambda s: s[0], reverse=True):
            forms = word.forms
            if len(forms.folded) < 3 or not forms.folded.isalpha():
                continue
            if forms.stem in synonym_words or reader.doc_frequency("text", forms.stem):
                continue
            if word.prefix and any(True for _ in reader.expand_prefix("words", forms.norm)):
                continue
            suggestions = corrector.suggest(forms.folded, limit=1, maxdist=2, prefix=1)
            if suggestions and suggestions[0] != forms.folded:
                text = text[:start] + suggestions[0] + text[end:]
                changed = True
        if not changed:
            return None
        suggestion = " ".join(text.split())
        again = parse(suggestion + " ", self.synonyms)
        if len(self._run(searcher, again, None, FEW_HITS, source)) <= found:
            return None
        return suggestion

    # -- the folder --

    @contextlib.contextmanager
    def _exclusive(self):
        """Hold the folder's write lock; another app instance waits its turn (bounded)."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(self.index_dir / "write.lock", timeout=LOCK_TIMEOUT_S)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise SearchIndexBusy(
                "The search index is busy in another copy of the app; try again later."
            ) from None
        try:
            yield
        finally:
            lock.release()

    def _current_file(self) -> Path:
        return self.index_dir / "CURRENT"

    def _read_current(self) -> str | None:
        try:
            name = json.loads(self._current_file().read_text("utf-8"))["generation"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return name if isinstance(name, str) and _GENERATION_RE.match(name) else None

    def _inspect(self, deep: bool = True) -> tuple[str, dict]:
        """('missing' | 'stale' | 'damaged' | 'ok', meta or a reason)."""
        current = self._current_file()
        if not current.exists():
            leftovers = (
                [p for p in self.index_dir.glob("*") if p.name not in ("write.lock",)]
                if self.index_dir.exists()
                else []
            )
            return ("damaged", {"reason": "no CURRENT"}) if leftovers else ("missing", {})
        generation = self._read_current()
        if generation is None:
            return "damaged", {"reason": "CURRENT unreadable"}
        folder = self.index_dir / generation
        try:
            meta = json.loads((folder / "meta.json").read_text("utf-8"))
            if not isinstance(meta, dict):
                raise ValueError("meta is not an object")
        except (OSError, ValueError) as exc:
            return "damaged", {"reason": f"meta.json: {exc}"}
        if meta.get("version") != INDEX_VERSION:
            return "stale", meta
        if not deep:
            return "ok", meta
        try:
            for name, (size, crc) in meta["files"].items():
                if _file_checksum(folder / name) != (size, crc):
                    return "damaged", {"reason": f"{name} changed"}
            ix = windex.open_dir(str(folder))
            try:
                with ix.searcher() as searcher:
                    if searcher.doc_count() != meta["count"]:
                        return "damaged", {"reason": "document count"}
                    for fieldname in ("text", "words", "spell"):
                        next(iter(searcher.reader().lexicon(fieldname)), None)
            finally:
                ix.close()
        except Exception as exc:  # any way Whoosh can fail on a broken folder
            return "damaged", {"reason": f"{type(exc).__name__}: {exc}"}
        return "ok", meta

    def _build(self, entries: list[_Entry], progress: Progress | None) -> None:
        """Write a fresh generation beside the old one, then point CURRENT at it."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        name = f"gen-{uuid.uuid4().hex}"
        tmp = self.index_dir / f".{name}.tmp"
        total = len(entries)
        step = max(1, total // 100)
        try:
            tmp.mkdir()
            ix = windex.create_in(str(tmp), make_schema())
            writer = ix.writer(limitmb=128)
            try:
                for done, entry in enumerate(entries, start=1):
                    writer.add_document(**entry.fields)
                    if progress and (done % step == 0 or done == total):
                        progress(done, total)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            finally:
                ix.close()
            if progress and not total:
                progress(0, 0)
            _write_meta(tmp, total, sum(e.digest for e in entries))
            final = self.index_dir / name
            tmp.rename(final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        write_text_atomic(self._current_file(), json.dumps({"generation": name}))
        self._remove_old_generations(keep=name)
        self.close()

    def _remove_old_generations(self, keep: str) -> None:
        # Another instance may still read an old generation: on POSIX its open files live on;
        # on Windows the delete fails and is retried after the next build.
        for path in self.index_dir.iterdir():
            if path.is_dir() and path.name != keep:
                shutil.rmtree(path, ignore_errors=True)
            elif path.is_file() and path.name not in ("CURRENT", "write.lock"):
                with contextlib.suppress(OSError):
                    path.unlink()

    def _edit(self, edit: Callable) -> None:
        """Run one incremental edit under both locks and keep meta.json (fingerprint) current."""
        with self._exclusive():
            state, meta = self._inspect(deep=False)
            if state != "ok":
                self._build([], None)
                state, meta = self._inspect(deep=False)
            folder = self.index_dir / (self._read_current() or "")
            ix = windex.open_dir(str(folder))
            try:
                writer = _writer(ix)
                try:
                    with writer.searcher() as searcher:
                        delta = edit(writer, searcher)
                    writer.commit()
                except BaseException:
                    writer.cancel()
                    raise
                count = ix.doc_count()
            finally:
                ix.close()
            total = int(meta.get("sum", "0"), 16) + delta
            _write_meta(folder, count, total)

    def _get_searcher(self):
        """A cached searcher, reopened when CURRENT or the index's generation moves on."""
        with self._lock:
            try:
                stat = self._current_file().stat()
                stamp = (stat.st_mtime_ns, stat.st_ino)
            except OSError:
                self.close()
                return None
            if (
                self._searcher is not None
                and stamp == self._current_stamp
                and self._searcher.up_to_date()
            ):
                return self._searcher
            # Not Searcher.refresh(): its reader reuse in whoosh-reloaded 2.7.5 brings back
            # segments a merge has replaced, so edited blocks would show twice.
            self.close()
            generation = self._read_current()
            if generation is None:
                return None
            ix = windex.open_dir(str(self.index_dir / generation))
            self._searcher = ix.searcher(weighting=self._weighting)
            self._generation = generation
            self._current_stamp = stamp
            return self._searcher


def _writer(ix):
    """Whoosh's writer; its own lock is retried for a bounded time before giving up."""
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    while True:
        try:
            return ix.writer(timeout=2.0, delay=0.05)
        except windex.LockError:
            if time.monotonic() > deadline:
                raise SearchIndexBusy(
                    "The search index is busy in another copy of the app; try again later."
                ) from None


def _file_checksum(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), zlib.crc32(data)


def _write_meta(folder: Path, count: int, total: int) -> None:
    files = {
        p.name: list(_file_checksum(p))
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != "meta.json" and not p.name.endswith("LOCK")
    }
    meta = {
        "version": INDEX_VERSION,
        "count": count,
        "sum": f"{total % _MOD:064x}",
        "fingerprint": _fingerprint_of(count, total),
        "files": files,
    }
    write_text_atomic(folder / "meta.json", json.dumps(meta, indent=1))


# --- queries ---------------------------------------------------------------------------------


class _QueryBuilder:
    """Turns a parsed query into a Whoosh query; needs the reader to expand half-typed words."""

    def __init__(self, reader) -> None:
        self.reader = reader

    def build(self, parsed: ParsedQuery, ref: str | None) -> wq.Query | None:
        query: wq.Query | None = None
        if parsed.must:
            query = wq.And([self.node(n) for n in parsed.must])
            if parsed.must_not:
                query = wq.AndNot(query, wq.Or([_negative_query(n) for n in parsed.must_not]))
        if ref is not None:
            para = self.paragraph(ref)
            query = para if query is None else wq.Or([para, query])
        return query

    def node(self, node: Node) -> wq.Query:
        if isinstance(node, Word):
            return self.word(node)
        if isinstance(node, Phrase):
            return _phrase_query(node.words)
        if isinstance(node, AnyOf):
            return wq.Or([self.node(n) for n in node.options])
        return wq.And([self.node(n) for n in node.items])

    def word(self, word: Word) -> wq.Query:
        forms = word.forms
        clauses: list[wq.Query] = [
            wq.Term("text", forms.stem),
            wq.Term("section", forms.stem, boost=SECTION_BOOST),
            wq.Term("title", forms.stem, boost=TITLE_BOOST),
        ]
        if _NUMBER_RE.match(forms.folded):
            clauses.append(wq.Term("paragraph", forms.folded, boost=PARAGRAPH_BOOST))
        exact = wq.Or(clauses)
        if not (word.prefix and len(forms.folded) >= MIN_PREFIX_CHARS):
            return exact
        words = self.completions(forms.folded)
        if not words:
            return exact
        completions = wq.Or([wq.Term("words", w, boost=PREFIX_BOOST) for w in words])
        # The better of the two, not their sum: a block holding the typed word itself should
        # not also collect the completion score and overtake one that uses it more.
        return wq.DisjunctionMax([exact, completions])

    def completions(self, folded: str) -> list[str]:
        """Indexed words the half-typed word may become, the most common first (bounded)."""
        found: set[str] = set()
        for variant in prefix_variants(folded):
            found.update(b.decode("utf-8") for b in self.reader.expand_prefix("words", variant))
        if len(found) <= MAX_COMPLETIONS:
            return sorted(found)
        frequency = self.reader.doc_frequency
        return sorted(found, key=lambda w: (-frequency("words", w), w))[:MAX_COMPLETIONS]

    def paragraph(self, ref: str) -> wq.Query:
        """The paragraph itself first, then its parts (or parent), then text citing it."""
        number = ref.split("(", 1)[0]
        clauses: list[wq.Query] = [
            wq.Term("paragraph", ref, boost=REF_BOOST),
            wq.Phrase("text", ["paragraph", number], boost=2.0),
            wq.Term("text", number),
        ]
        if "(" in ref:
            clauses.append(wq.Term("paragraph", number, boost=REF_BOOST / 3))
        else:
            parts = self.reader.expand_prefix("paragraph", number + "(")
            clauses.extend(
                wq.Term("paragraph", b.decode("utf-8"), boost=REF_BOOST / 3) for b in parts
            )
        return wq.Or(clauses)


def _phrase_query(words: tuple[str, ...], fieldnames=("text", "section")) -> wq.Query:
    terms = [word_forms(w).stem for w in words]
    boosts = {"text": 1.0, "section": SECTION_BOOST}
    return wq.Or([wq.Phrase(f, terms, slop=1, boost=boosts[f]) for f in fieldnames])


def _negative_query(node: Node) -> wq.Query:
    # Leaving out a word means: the block's own text does not say it.
    if isinstance(node, Word):
        return wq.Term("text", node.forms.stem)
    if isinstance(node, Phrase):
        return _phrase_query(node.words, ("text",))
    children = node.options if isinstance(node, AnyOf) else node.items
    combine = wq.Or if isinstance(node, AnyOf) else wq.And
    return combine([_negative_query(n) for n in children])
