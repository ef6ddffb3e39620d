"""The document library: the GMC files a user or hospital IT adds, each filling a slot.

Adding a file copies it into the user's library folder (the original is never touched), checks
that it opens (in a separate process, see :mod:`reader.core.safeopen`), records its checksum,
and guesses the slot it fills from its title and file name. The record is a small JSON file
written atomically. The same file added twice is recognised; a different file for a slot that
already has one becomes the slot's new edition and the old one is kept (so notes can be carried
across). Removing a document forgets the record and the copy; notes live elsewhere and stay.

Hospital IT can also drop files into the ``documents`` drop folder; :meth:`Library.scan_drop_folder`
adds whatever is new there.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from reader.core.atomic import write_parts_atomic, write_text_atomic
from reader.core.blocks_cache import BlocksCache
from reader.core.errors import DocumentError
from reader.core.file_lock import LockTimeout, acquire
from reader.core.library_store import (
    Document,
    Staged,
    StageError,
    adopt_copies,
    aside_name,
    describe_entry,
    normalise,
    read_record,
    set_aside,
    sidecar_of,
    stage_copy,
)
from reader.core.model import Block, ContentPack
from reader.core.slot_guess import guess_slot

SUPPORTED = {".pdf": "pdf", ".pptx": "pptx"}
MAX_FILE_BYTES = 512 * 1024 * 1024  # refuse absurd files before copying them
LOCK_TIMEOUT_S = 120.0  # an add by another copy includes reading the file in a child process

# Inspects a file and extracts its blocks (in a child process, for untrusted files): the
# inspection dict and blocks named with a placeholder id that the library renames.
# (path, password=None[, on_first_page=callback]): see reader.core.services.examine
Examine = Callable[..., tuple[dict, list[Block]]]


class LibraryError(Exception):
    """A document could not be added or removed; the message is one plain sentence."""


__all__ = ["AddResult", "Document", "Library", "LibraryError", "guess_slot", "sha256_of"]
PRIVATE_FILE = 0o600  # the user's documents: readable by the user only (POSIX)
PRIVATE_FOLDER = 0o700


@dataclass(frozen=True)
class AddResult:
    document: Document
    status: str  # "added" | "already-present" | "new-edition"
    message: str


def sha256_of(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The file's SHA-256, reading at most ``limit`` bytes (a device never ends): LibraryError
    when the file is larger. Call only on a regular file (a FIFO blocks on open)."""
    import hashlib  # not at import: every start loads this module, few starts add a file

    digest = hashlib.sha256()
    read = 0
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            read += len(chunk)
            if read > limit:
                raise LibraryError(f"{_name(path)} is larger than 512 MB and was not added.")
            digest.update(chunk)
    return digest.hexdigest()


def _name(path: Path | str) -> str:
    from reader.core.safeopen import display_name

    return display_name(path)


class Library:
    """The added documents of one user; every path comes in as an argument."""

    def __init__(
        self,
        folder: Path,
        drop_folder: Path,
        pack: ContentPack,
        examine: Examine,
    ) -> None:
        self.folder = Path(folder)
        self.drop_folder = Path(drop_folder)
        self.pack = pack
        self._examine = examine
        self._record = self.folder / "library.json"
        self.problem: str | None = None
        self._extra: dict = {}  # unknown top-level keys of the record, kept when saving
        self._dirty = False
        self._not_documents: set[tuple[str, int]] = set()  # copies that failed their re-check
        self.documents: list[Document] = []
        self._blocks = BlocksCache()  # the last few documents' blocks, read once
        if self.folder.is_dir():
            try:  # under the lock, so a repaired list is saved without racing another copy
                with self._exclusive(timeout=10.0):
                    pass
                return
            except (LibraryError, OSError):
                pass  # busy, or a read-only home: read without repairing
        self.documents = self._load()

    # -- queries ---------------------------------------------------------------------------
    def current(self) -> list[Document]:
        return [d for d in self.documents if d.current]

    def for_slot(self, slot_id: str) -> Document | None:
        for doc in self.documents:
            if doc.current and doc.slot == slot_id:
                return doc
        return None

    def get(self, document_id: str) -> Document | None:
        for doc in self.documents:
            if doc.id == document_id:
                return doc
        return None

    def path_of(self, doc: Document) -> Path:
        return self.folder / doc.file

    def blocks_of(self, doc: Document) -> list[Block]:
        """The document's text blocks, as extracted when it was added (empty if unavailable).

        A new list each call (the blocks themselves are immutable and shared): the file is read
        once while it is unchanged, for the last few documents asked for (:mod:`blocks_cache`).
        """
        path = self._blocks_file(doc)
        key = BlocksCache.key(doc.id, self._tab_of(doc), path)
        if key is None:
            return []
        blocks = self._blocks.get(key)
        if blocks is None:
            blocks = self._read_blocks(doc, path)
            self._blocks.put(key, blocks)
        return blocks

    def blocks_source(self, doc: Document) -> tuple[Path, str]:
        """The file holding ``doc``'s blocks, and the tab they belong to."""
        return self._blocks_file(doc), self._tab_of(doc)

    def _read_blocks(self, doc: Document, path: Path) -> list[Block]:
        from reader.core.model import block_from_dict
        from reader.core.safeopen import rebase_blocks

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            blocks = [block_from_dict(entry) for entry in data]
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return []
        if blocks and blocks[0].document != doc.id:
            # The document changed id (its slot was dropped by a new pack edition, or the list
            # was rebuilt): name its blocks after it again so search hits open it.
            blocks = rebase_blocks(blocks, doc.id, self._tab_of(doc), old_id=blocks[0].document)
        return blocks

    def searchable(self) -> tuple[list[Block], dict[str, str]]:
        """Blocks of every current document, and each document's display title."""
        blocks: list[Block] = []
        titles: dict[str, str] = {}
        for doc in self.current():
            if doc.indexed:
                blocks.extend(self.blocks_of(doc))
            titles[doc.id] = self.display_title(doc)
        return blocks, titles

    def _blocks_file(self, doc: Document) -> Path:
        return self.folder / (doc.file + ".blocks.json")

    def earlier_editions(self, slot_id: str) -> list[Document]:
        return [d for d in self.documents if d.slot == slot_id and not d.current]

    # -- changes ---------------------------------------------------------------------------
    def add(
        self,
        source: Path,
        slot_id: str | None = None,
        password: str | None = None,
        index_protected: bool = False,
        on_first_page: Callable | None = None,
    ) -> AddResult:
        """Copy ``source`` into the library and fill a slot. Raises :class:`LibraryError`.

        ``on_first_page(FirstPage)`` is called (on this thread) with page 1's picture as soon
        as the child has drawn it, before it reads the text: the window shows it meanwhile.

        ``password`` opens a protected PDF for reading; it is used and forgotten. The text of a
        protected PDF goes into the search index only when ``index_protected`` is true (the
        user's choice when entering the password), since the index is not encrypted.

        The user's file is read (copied, hashed, checked in a child) before the library lock is
        taken, so a slow or endless file never blocks another copy of the app.
        """
        source = Path(source)
        known = self._already_added(source)
        if known is not None:  # `reader FILE` for a file in the library: no copy, no check
            where = self._slot_title(known.slot)
            return AddResult(known, "already-present", f"{_name(source)} is already in {where}.")
        staged = self._stage(source)
        try:
            # A quick answer for a file already added (checked again under the lock).
            for doc in self.documents:
                if doc.sha256 == staged.sha256:
                    where = self._slot_title(doc.slot)
                    return AddResult(
                        doc, "already-present", f"{_name(source)} is already in {where}."
                    )
            info, blocks = self._examine_staged(staged, source, password, on_first_page)
            with self._exclusive():
                return self._add(source, staged, info, blocks, slot_id, password, index_protected)
        finally:
            with contextlib.suppress(OSError):
                staged.path.unlink()

    def _already_added(self, source: Path) -> Document | None:
        """The document whose copy has the same bytes as ``source``, found by reading it once
        (only when a document of the same size exists); ``None`` on any doubt, so that the
        full add, with its checks and messages, runs."""
        from reader.core.safeopen import regular_file

        try:
            resolved, size = regular_file(source, MAX_FILE_BYTES)
            if not any(doc.size == size for doc in self.documents):
                return None
            checksum = sha256_of(resolved)
        except (OSError, DocumentError, LibraryError):
            return None
        return next((doc for doc in self.documents if doc.sha256 == checksum), None)

    def remove(self, document_id: str) -> Document:
        """Forget a document and delete the library's copy. Notes are kept elsewhere."""
        with self._exclusive():
            return self._remove(document_id)

    def move(self, document_id: str, slot_id: str | None) -> Document:
        """Put a document in another slot (or in none), when the guess was wrong."""
        with self._exclusive():
            return self._move(document_id, slot_id)

    @contextlib.contextmanager
    def _exclusive(self, timeout: float = LOCK_TIMEOUT_S):
        """One writer at a time, across copies of the app: lock, then re-read the record so a
        document another copy added meanwhile is neither lost nor added twice."""
        self._make_folder()
        try:
            lock = acquire(self.folder / "library.lock", timeout)
        except LockTimeout:
            raise LibraryError(
                "Another copy of the reader is changing your library; try again in a moment."
            ) from None
        try:
            self.documents = self._load()
            if self._dirty:  # repaired while loading: keep the repair
                with contextlib.suppress(OSError):
                    self._save(self.documents)
            yield
        finally:
            lock.release()

    def _make_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
        if os.name == "posix":
            with contextlib.suppress(OSError):
                os.chmod(self.folder, PRIVATE_FOLDER)

    def _stage(self, source: Path) -> Staged:
        """Check that ``source`` is a regular PDF or deck, then copy and hash it in one pass."""
        self._make_folder()
        try:
            return stage_copy(source, self.folder, MAX_FILE_BYTES, PRIVATE_FILE)
        except StageError as exc:
            raise LibraryError(str(exc)) from None

    def _examine_staged(
        self,
        staged: Staged,
        source: Path,
        password: str | None,
        on_first_page: Callable | None = None,
    ) -> tuple[dict, list[Block]]:
        """Check the library's own copy in the child; messages name the user's file."""
        from reader.core.errors import DocumentError, PasswordRequired

        try:
            early = {"on_first_page": on_first_page} if on_first_page is not None else {}
            info, blocks = self._examine(staged.path, password=password, **early)
        except DocumentError as exc:
            message = str(exc).replace(staged.path.name, _name(source))
            raise (PasswordRequired if isinstance(exc, PasswordRequired) else DocumentError)(
                message
            ) from None
        if str(info.get("title") or "").strip() == staged.path.stem:
            info = {**info, "title": ""}  # the temporary name is no title
        return info, blocks

    def _add(
        self,
        source: Path,
        staged: Staged,
        info: dict,
        blocks: list[Block],
        slot_id: str | None,
        password: str | None,
        index_protected: bool,
    ) -> AddResult:
        name = _name(source)
        for doc in self.documents:  # another copy may have added it while we were reading
            if doc.sha256 == staged.sha256:
                where = self._slot_title(doc.slot)
                return AddResult(doc, "already-present", f"{name} is already in {where}.")
        kind, checksum = staged.kind, staged.sha256
        title = str(info.get("title") or "").strip() or Path(name).stem
        pages = int(info.get("pages") or info.get("slides") or 0)
        if slot_id is not None:
            try:
                slot = self.pack.slot(slot_id)
            except KeyError:
                raise LibraryError(f"There is no document slot called '{slot_id}'.") from None
        else:
            slot = guess_slot(self.pack, kind, title, name)
        slot_key = slot.id if slot else f"extra-{checksum[:10]}"
        previous = self.for_slot(slot.id) if slot else None
        edition = (previous.edition + 1) if previous else 1
        protected = bool(info.get("encrypted")) and password is not None

        file_name = f"{slot_key}-{checksum[:12]}.{kind}"
        target = self.folder / file_name
        documents = list(self.documents)
        if previous is not None:
            documents = [
                replace(d, current=False, id=f"{d.slot}@{d.edition}") if d == previous else d
                for d in documents
            ]
        doc = Document(
            id=slot_key,
            slot=slot.id if slot else None,
            kind=kind,
            title=title,
            original_name=name,
            file=file_name,
            sha256=checksum,
            size=staged.size,
            pages=pages,
            added=time.time(),
            edition=edition,
            protected=protected,
            indexed=index_protected or not protected,
        )
        documents.append(doc)
        try:
            staged.path.replace(target)
            self._write_sidecar(doc)
            self._store_blocks(doc, blocks if doc.indexed else [])
            self._save(documents)
        except OSError as exc:
            with contextlib.suppress(OSError):
                target.unlink()
            raise LibraryError(
                f"{name} could not be recorded in your library ({exc.strerror or exc})."
            ) from None
        self.documents = documents
        where = self._slot_title(doc.slot)
        if previous is not None:
            return AddResult(
                doc,
                "new-edition",
                f"{name} was added as a new edition of {where}; the earlier file is kept.",
            )
        return AddResult(doc, "added", f"{name} was added as {where}.")

    def _move(self, document_id: str, slot_id: str | None) -> Document:
        doc = self.get(document_id)
        if doc is None or not doc.current:
            raise LibraryError(f"There is no current document '{document_id}' in your library.")
        if slot_id == doc.slot:
            return doc
        if slot_id is not None:
            try:
                slot = self.pack.slot(slot_id)
            except KeyError:
                raise LibraryError(f"There is no document slot called '{slot_id}'.") from None
            if slot.kind != doc.kind:
                raise LibraryError(
                    f"“{slot.title}” takes a {slot.kind.upper()} file, not a {doc.kind.upper()}."
                )
            if self.for_slot(slot_id) is not None:
                raise LibraryError(
                    f"“{slot.title}” already holds a document; remove that one first."
                )
        new_id = slot_id or f"extra-{doc.sha256[:10]}"
        moved = replace(doc, id=new_id, slot=slot_id, edition=1)
        documents = [moved if d == doc else d for d in self.documents]
        if doc.slot:  # the slot it leaves gets its previous edition back
            documents = self._restore_previous(documents, doc.slot)
        from reader.core.safeopen import rebase_blocks

        blocks = rebase_blocks(self.blocks_of(doc), new_id, self._tab_of(moved), old_id=doc.id)
        self._write_blocks(moved, blocks)
        with contextlib.suppress(OSError):
            self._write_sidecar(moved)
        self._save(documents)
        self.documents = documents
        return moved

    def _remove(self, document_id: str) -> Document:
        doc = self.get(document_id)
        if doc is None:
            raise LibraryError(f"There is no document '{document_id}' in your library.")
        documents = [d for d in self.documents if d.id != document_id]
        if doc.current and doc.slot:  # the previous edition becomes current again
            documents = self._restore_previous(documents, doc.slot)
        self._save(documents)
        self.documents = documents
        for path in (self.path_of(doc), self._blocks_file(doc), sidecar_of(self.path_of(doc))):
            with contextlib.suppress(OSError):
                path.unlink()
        return doc

    def _restore_previous(self, documents: list[Document], slot_id: str) -> list[Document]:
        """``documents`` with the latest earlier edition of ``slot_id`` current again."""
        earlier = sorted(
            (d for d in documents if d.slot == slot_id and not d.current),
            key=lambda d: d.edition,
        )
        if not earlier or any(d.slot == slot_id and d.current for d in documents):
            return documents
        back = earlier[-1]
        return [replace(d, current=True, id=slot_id) if d == back else d for d in documents]

    def scan_drop_folder(self) -> list[AddResult | str]:
        """Add every new PDF or deck in the drop folder; problems come back as sentences."""
        results: list[AddResult | str] = []
        try:
            candidates = sorted(self.drop_folder.iterdir())
        except OSError:
            return results
        known = {d.sha256 for d in self.documents}
        for path in candidates:
            # is_file() follows links and is false for devices and FIFOs, which never end.
            if not path.is_file() or path.suffix.lower() not in SUPPORTED:
                continue
            try:
                if path.stat().st_size <= MAX_FILE_BYTES and sha256_of(path) in known:
                    continue
                result = self.add(path)
            except Exception as exc:  # one bad file must not stop the others
                results.append(f"{_name(path)}: {exc}")
                continue
            known.add(result.document.sha256)
            results.append(result)
        return results

    # -- storage ---------------------------------------------------------------------------
    def _slot_title(self, slot_id: str | None) -> str:
        if slot_id is None:
            return "an extra document"
        try:
            return f"“{self.pack.slot(slot_id).title}”"
        except KeyError:
            return "an extra document"

    def display_title(self, doc: Document) -> str:
        """The title search results show for a document: its slot's, or its own."""
        try:
            return self.pack.slot(doc.slot).title if doc.slot else doc.title
        except KeyError:
            return doc.title

    def _tab_of(self, doc: Document) -> str:
        try:
            return self.pack.slot(doc.slot).tab if doc.slot else self.pack.tabs[0].id
        except KeyError:
            return self.pack.tabs[0].id

    def _load(self) -> list[Document]:
        """Every document the record (or, failing it, the library folder) holds. Never raises."""
        self._dirty = False
        notes: list[str] = []
        read = read_record(self._record)
        if read is None:
            docs: list[Document] = []
        elif read.unreadable is not None:
            aside = set_aside(self._record) if self._record.exists() else None
            kept = f" as {aside.name}" if aside else ""
            notes.append(
                f"Your document list could not be read, so it was set aside{kept} and rebuilt "
                "from the copies in your library."
            )
            docs = []
            self._dirty = True
        else:
            docs = read.documents
            self._extra = read.extra
            if read.bad_entries:
                names = ", ".join(describe_entry(n, e) for n, _, e in read.bad_entries)
                aside = self._keep_bad_entries(read.bad_entries)
                kept = f" (kept in {aside.name})" if aside else ""
                notes.append(
                    f"A damaged entry of your document list ({names}) was set aside{kept}; "
                    "every other document is kept."
                )
                self._dirty = True
        docs = [d for d in docs if (self.folder / d.file).is_file()]
        adopted = self._adopt_copies(docs)
        if adopted:
            docs = docs + adopted
            self._dirty = True
        docs, dropped = self._without_unknown_slots(docs)
        if dropped:
            titles = ", ".join(f"“{d.title}”" for d in dropped)
            notes.append(
                f"This edition of the guidance has no place for {titles}, so "
                f"{'it is' if len(dropped) == 1 else 'they are'} now listed as extra documents."
            )
            self._dirty = True
        normal = normalise(docs)
        if normal != docs:
            self._dirty = True
        self.problem = " ".join(notes) or None
        return normal

    def _keep_bad_entries(self, bad: list[tuple[int, str, object]]) -> Path | None:
        target = aside_name(self._record, "bad-entries")
        payload = [{"position": n, "problem": why, "entry": e} for n, why, e in bad]
        try:
            write_text_atomic(target, json.dumps(payload, indent=1, default=str) + "\n")
        except OSError:
            return None
        return target

    def _adopt_copies(self, known: list[Document]) -> list[Document]:
        """Copies in the folder the list does not name, re-checked and listed (see
        :func:`~reader.core.library_store.adopt_copies`)."""
        return adopt_copies(
            self.folder,
            known,
            self.pack,
            self._examine,
            self._not_documents,
            self._store_blocks,
            lambda doc: self._blocks_file(doc).is_file(),
        )

    def _without_unknown_slots(self, docs: list[Document]) -> tuple[list, list]:
        """Documents whose slot this pack edition renamed or dropped become extra documents."""
        slots = {s.id for s in self.pack.slots}
        out, dropped = [], []
        for doc in docs:
            if doc.slot is not None and doc.slot not in slots:
                doc = replace(doc, slot=None, id=f"extra-{doc.sha256[:10]}", current=True)
                dropped.append(doc)
            out.append(doc)
        return out, dropped

    def _write_sidecar(self, doc: Document) -> None:
        """What the file name cannot say, beside the copy: used if the list is ever lost."""
        keys = ("slot", "edition", "title", "original_name", "added", "protected", "indexed")
        data = {k: getattr(doc, k) for k in keys}
        write_text_atomic(sidecar_of(self.path_of(doc)), json.dumps(data) + "\n")

    def _store_blocks(self, doc: Document, blocks: list[Block]) -> None:
        from reader.core.safeopen import rebase_blocks

        self._write_blocks(doc, rebase_blocks(blocks, doc.id, self._tab_of(doc)))

    def _write_blocks(self, doc: Document, blocks: list[Block]) -> None:
        from reader.core.model import blocks_json

        path = self._blocks_file(doc)
        write_parts_atomic(path, blocks_json(blocks))
        # The blocks just written are the ones a reader of the file would get: the document's
        # tab, opened next, uses them instead of a second copy read back from the file.
        self._blocks.put(BlocksCache.key(doc.id, self._tab_of(doc), path), blocks)

    def _save(self, documents: list[Document]) -> None:
        payload = {
            **self._extra,
            "schema_version": 1,
            "documents": [d.to_record() for d in documents],
        }
        write_text_atomic(self._record, json.dumps(payload, indent=1) + "\n")
