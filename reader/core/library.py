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
import hashlib
import json
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from reader.core.atomic import write_text_atomic
from reader.core.model import Block, ContentPack, Slot

SUPPORTED = {".pdf": "pdf", ".pptx": "pptx"}
MAX_FILE_BYTES = 512 * 1024 * 1024  # refuse absurd files before copying them
LOCK_TIMEOUT_S = 120.0  # an add by another copy includes reading the file in a child process

# Inspects a file and extracts its blocks (in a child process, for untrusted files): the
# inspection dict and blocks named with a placeholder id that the library renames.
Examine = Callable[..., tuple[dict, list[Block]]]  # (path, password=None)


class LibraryError(Exception):
    """A document could not be added or removed; the message is one plain sentence."""


@dataclass(frozen=True)
class Document:
    id: str  # "<slot>" for the current edition; "<slot>@<n>" for earlier ones
    slot: str | None
    kind: str  # pdf | pptx
    title: str
    original_name: str
    file: str  # name inside the library folder
    sha256: str
    size: int
    pages: int
    added: float
    edition: int = 1
    current: bool = True
    protected: bool = False  # needs a password to open; the password is never stored


@dataclass(frozen=True)
class AddResult:
    document: Document
    status: str  # "added" | "already-present" | "new-edition"
    message: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def guess_slot(pack: ContentPack, kind: str, title: str, file_name: str) -> Slot | None:
    """The slot whose title and keywords best match the document's own title and file name."""
    haystack = f"{title} {Path(file_name).stem.replace('_', ' ').replace('-', ' ')}".lower()
    words = _words(haystack)
    best: tuple[float, Slot] | None = None
    for slot in pack.slots:
        if slot.kind != kind:
            continue
        score = 0.0
        for keyword in slot.keywords:
            keyword = keyword.lower()
            if keyword in haystack:
                score += 2.0 * len(keyword.split())
            else:
                score += 0.5 * len(_words(keyword) & words)
        score += 0.25 * len(_words(slot.title) & words)
        if best is None or score > best[0]:
            best = (score, slot)
    if best is None:
        return None
    # A deck has one slot; for PDFs, guess only with some evidence, else leave it to the user.
    if best[0] > 0 or kind == "pptx":
        return best[1]
    return None


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
        self.documents: list[Document] = self._load()

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
        """The document's text blocks, as extracted when it was added (empty if unavailable)."""
        from reader.core.model import block_from_dict

        try:
            data = json.loads(self._blocks_file(doc).read_text(encoding="utf-8"))
            return [block_from_dict(entry) for entry in data]
        except (OSError, ValueError, KeyError, TypeError):
            return []

    def searchable(self) -> tuple[list[Block], dict[str, str]]:
        """Blocks of every current document, and each document's display title."""
        blocks: list[Block] = []
        titles: dict[str, str] = {}
        for doc in self.current():
            blocks.extend(self.blocks_of(doc))
            titles[doc.id] = self.pack.slot(doc.slot).title if doc.slot else doc.title
        return blocks, titles

    def _blocks_file(self, doc: Document) -> Path:
        return self.folder / (doc.file + ".blocks.json")

    def earlier_editions(self, slot_id: str) -> list[Document]:
        return [d for d in self.documents if d.slot == slot_id and not d.current]

    # -- changes ---------------------------------------------------------------------------
    def add(
        self, source: Path, slot_id: str | None = None, password: str | None = None
    ) -> AddResult:
        """Copy ``source`` into the library and fill a slot. Raises :class:`LibraryError`.

        ``password`` opens a protected PDF for reading; it is used and forgotten.
        """
        with self._exclusive():
            return self._add(source, slot_id, password)

    def remove(self, document_id: str) -> Document:
        """Forget a document and delete the library's copy. Notes are kept elsewhere."""
        with self._exclusive():
            return self._remove(document_id)

    def move(self, document_id: str, slot_id: str | None) -> Document:
        """Put a document in another slot (or in none), when the guess was wrong."""
        with self._exclusive():
            return self._move(document_id, slot_id)

    @contextlib.contextmanager
    def _exclusive(self):
        """One writer at a time, across copies of the app: lock, then re-read the record so a
        document another copy added meanwhile is neither lost nor added twice."""
        import filelock

        self.folder.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(str(self.folder / "library.lock"))
        try:
            lock.acquire(timeout=LOCK_TIMEOUT_S)
        except filelock.Timeout:
            raise LibraryError(
                "Another copy of the reader is changing your library; try again in a moment."
            ) from None
        try:
            self.documents = self._load()
            yield
        finally:
            lock.release()

    def _add(self, source: Path, slot_id: str | None, password: str | None = None) -> AddResult:
        source = Path(source)
        kind = SUPPORTED.get(source.suffix.lower())
        if kind is None:
            raise LibraryError(
                f"{source.name} is not a PDF or a PowerPoint (.pptx) file, so it cannot be added."
            )
        try:
            size = source.stat().st_size
        except FileNotFoundError:
            raise LibraryError(f"{source} does not exist.") from None
        except OSError as exc:
            raise LibraryError(f"{source.name} cannot be read ({exc.strerror}).") from None
        if size > MAX_FILE_BYTES:
            raise LibraryError(f"{source.name} is larger than 512 MB and was not added.")
        checksum = sha256_of(source)
        for doc in self.documents:
            if doc.sha256 == checksum:
                where = self._slot_title(doc.slot)
                return AddResult(doc, "already-present", f"{source.name} is already in {where}.")

        # DocumentError (PasswordRequired among them): one sentence; let it through.
        info, blocks = self._examine(source, password=password)
        title = str(info.get("title") or "").strip() or source.stem
        pages = int(info.get("pages") or info.get("slides") or 0)
        if slot_id is not None:
            try:
                slot = self.pack.slot(slot_id)
            except KeyError:
                raise LibraryError(f"There is no document slot called '{slot_id}'.") from None
        else:
            slot = guess_slot(self.pack, kind, title, source.name)
        slot_key = slot.id if slot else f"extra-{checksum[:10]}"
        previous = self.for_slot(slot.id) if slot else None
        edition = (previous.edition + 1) if previous else 1

        self.folder.mkdir(parents=True, exist_ok=True)
        file_name = f"{slot_key}-{checksum[:12]}{source.suffix.lower()}"
        target = self.folder / file_name
        tmp = target.with_name(target.name + ".part")
        try:
            shutil.copyfile(source, tmp)
            tmp.replace(target)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise LibraryError(
                f"{source.name} could not be copied into your library ({exc.strerror})."
            ) from None

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
            original_name=source.name,
            file=file_name,
            sha256=checksum,
            size=size,
            pages=pages,
            added=time.time(),
            edition=edition,
            protected=bool(info.get("encrypted")) and password is not None,
        )
        documents.append(doc)
        try:
            self._store_blocks(doc, blocks)
            self._save(documents)
        except OSError as exc:
            with contextlib.suppress(OSError):
                target.unlink()
            raise LibraryError(
                f"{source.name} could not be recorded in your library ({exc.strerror})."
            ) from None
        self.documents = documents
        where = self._slot_title(doc.slot)
        if previous is not None:
            return AddResult(
                doc,
                "new-edition",
                f"{source.name} was added as a new edition of {where}; the earlier file is kept.",
            )
        return AddResult(doc, "added", f"{source.name} was added as {where}.")

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
        if doc.slot:
            earlier = sorted(self.earlier_editions(doc.slot), key=lambda d: d.edition)
            if earlier:  # the slot it leaves gets its previous edition back
                back = earlier[-1]
                documents = [
                    replace(d, current=True, id=doc.slot) if d == back else d for d in documents
                ]
        from reader.core.safeopen import rebase_blocks

        tab = self.pack.slot(slot_id).tab if slot_id else self.pack.tabs[0].id
        blocks = rebase_blocks(self.blocks_of(doc), new_id, tab, old_id=doc.id)
        self._write_blocks(moved, blocks)
        self._save(documents)
        self.documents = documents
        return moved

    def _remove(self, document_id: str) -> Document:
        doc = self.get(document_id)
        if doc is None:
            raise LibraryError(f"There is no document '{document_id}' in your library.")
        documents = [d for d in self.documents if d.id != document_id]
        if doc.current and doc.slot:
            earlier = sorted(self.earlier_editions(doc.slot), key=lambda d: d.edition)
            if earlier:  # the previous edition becomes current again
                back = earlier[-1]
                documents = [
                    replace(d, current=True, id=doc.slot) if d == back else d for d in documents
                ]
        self._save(documents)
        self.documents = documents
        with contextlib.suppress(OSError):
            self.path_of(doc).unlink()
        with contextlib.suppress(OSError):
            self._blocks_file(doc).unlink()
        return doc

    def scan_drop_folder(self) -> list[AddResult | str]:
        """Add every new PDF or deck in the drop folder; problems come back as sentences."""
        results: list[AddResult | str] = []
        try:
            candidates = sorted(self.drop_folder.iterdir())
        except OSError:
            return results
        known = {d.sha256 for d in self.documents}
        for path in candidates:
            if not path.is_file() or path.suffix.lower() not in SUPPORTED:
                continue
            try:
                if sha256_of(path) in known:
                    continue
                result = self.add(path)
            except Exception as exc:  # one bad file must not stop the others
                results.append(f"{path.name}: {exc}")
                continue
            known.add(result.document.sha256)
            results.append(result)
        return results

    # -- storage ---------------------------------------------------------------------------
    def _slot_title(self, slot_id: str | None) -> str:
        if slot_id is None:
            return "an extra document"
        return f"“{self.pack.slot(slot_id).title}”"

    def _load(self) -> list[Document]:
        try:
            raw = self._record.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as exc:
            self.problem = f"Your document list could not be read ({exc.strerror})."
            return []
        try:
            data = json.loads(raw)
            docs = [Document(**entry) for entry in data["documents"]]
        except (ValueError, KeyError, TypeError):
            self.problem = (
                "Your document list was damaged; it has been set aside and the documents "
                "folder will be read again."
            )
            with contextlib.suppress(OSError):
                self._record.replace(self._record.with_name("library.json.bad"))
            return []
        return [d for d in docs if (self.folder / d.file).is_file()]

    def _store_blocks(self, doc: Document, blocks: list[Block]) -> None:
        from reader.core.safeopen import rebase_blocks

        tab = self.pack.slot(doc.slot).tab if doc.slot else self.pack.tabs[0].id
        self._write_blocks(doc, rebase_blocks(blocks, doc.id, tab))

    def _write_blocks(self, doc: Document, blocks: list[Block]) -> None:
        from reader.core.model import block_to_dict

        write_text_atomic(
            self._blocks_file(doc), json.dumps([block_to_dict(b) for b in blocks]) + "\n"
        )

    def _save(self, documents: list[Document]) -> None:
        payload = {"schema_version": 1, "documents": [asdict(d) for d in documents]}
        write_text_atomic(self._record, json.dumps(payload, indent=1) + "\n")
