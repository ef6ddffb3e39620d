"""Reading the library's record (``library.json``) so that one flaw never loses a document.

Entries are read one by one: a good entry is kept whatever else is wrong, unknown keys (what a
newer version writes) are kept for the next save, a UTF-8 byte-order mark is accepted, and only
a bad entry is set aside. A file that cannot be read at all is set aside whole and the list is
rebuilt from the copies in the library folder, using the small sidecar written beside each copy
at add time. Whatever is set aside gets a time-stamped name and never overwrites an earlier one.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

SIDECAR_SUFFIX = ".meta.json"
COPY_SUFFIXES = (".pdf", ".pptx")
MAX_RECORD_BYTES = 64 * 1024 * 1024


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
    indexed: bool = True  # False: a protected document whose text the user kept out of search
    extra: dict = field(default_factory=dict, compare=False, hash=False)  # unknown keys, kept

    def to_record(self) -> dict:
        data = dict(self.extra)
        data.update({f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"})
        return data


_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "slot": (str, type(None)),
    "kind": (str,),
    "title": (str,),
    "original_name": (str,),
    "file": (str,),
    "sha256": (str,),
    "size": (int,),
    "pages": (int,),
    "added": (int, float),
    "edition": (int,),
    "current": (bool,),
    "protected": (bool,),
    "indexed": (bool,),
}
_REQUIRED = ("kind", "file", "sha256")


def document_from_entry(entry: object) -> Document:
    """One record entry as a :class:`Document`; ValueError (a short reason) when it is unusable."""
    if not isinstance(entry, dict):
        raise ValueError("it is not a JSON object")
    for key in _REQUIRED:
        if key not in entry:
            raise ValueError(f"'{key}' is missing")
    values: dict = {}
    for key, kinds in _TYPES.items():
        if key not in entry:
            continue
        value = entry[key]
        if not isinstance(value, kinds) or (bool not in kinds and isinstance(value, bool)):
            raise ValueError(f"'{key}' has the wrong type")
        values[key] = value
    name = values["file"]
    if not name or "/" in name or "\\" in name or name.startswith(".") or name in ("..",):
        raise ValueError("'file' is not a plain file name")
    if values["kind"] not in ("pdf", "pptx"):
        raise ValueError("'kind' is neither pdf nor pptx")
    slot = values.get("slot")
    sha = values["sha256"]
    defaults = {
        "id": slot or f"extra-{sha[:10]}",
        "slot": None,
        "title": Path(name).stem,
        "original_name": name,
        "size": 0,
        "pages": 0,
        "added": 0.0,
    }
    extra = {k: v for k, v in entry.items() if k not in _TYPES and k != "extra"}
    return Document(**{**defaults, **values}, extra=extra)


@dataclass
class RecordRead:
    documents: list[Document]
    bad_entries: list[tuple[int, str, object]]  # (position, reason, the entry as read)
    unreadable: str | None = None  # why the whole file could not be read, if it could not
    extra: dict = field(default_factory=dict)  # unknown top-level keys, kept


def read_record(path: Path) -> RecordRead | None:
    """The record's entries, or None when there is no record. Never raises."""
    import stat

    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_RECORD_BYTES:
            # A folder, a FIFO or a device in its place: reading it could block for ever.
            return RecordRead([], [], unreadable="not a regular file")
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return RecordRead([], [], unreadable=exc.strerror or str(exc))
    try:
        data = json.loads(raw.decode("utf-8-sig"))  # -sig: Notepad's byte-order mark
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return RecordRead([], [], unreadable=type(exc).__name__)
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        return RecordRead([], [], unreadable="no list of documents")
    documents: list[Document] = []
    bad: list[tuple[int, str, object]] = []
    for position, entry in enumerate(data["documents"], start=1):
        try:
            documents.append(document_from_entry(entry))
        except ValueError as exc:
            bad.append((position, str(exc), entry))
    extra = {k: v for k, v in data.items() if k not in ("documents", "schema_version")}
    return RecordRead(documents, bad, extra=extra)


def aside_name(path: Path, label: str = "bad") -> Path:
    """A time-stamped name beside ``path`` that no earlier set-aside file has."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
        n += 1
    return candidate


def set_aside(path: Path) -> Path | None:
    """Move a damaged file to a time-stamped name (never overwriting); None if it cannot be."""
    target = aside_name(path)
    try:
        # os.link fails instead of overwriting, so two copies of the app never clobber each other.
        os.link(path, target)
        path.unlink()
    except OSError:
        try:
            path.replace(target)
        except OSError:
            return None
    return target


def describe_entry(position: int, entry: object) -> str:
    """How a user recognises a bad entry: its original file name when it has one."""
    if isinstance(entry, dict):
        for key in ("original_name", "title", "file"):
            if isinstance(entry.get(key), str) and entry[key]:
                return f"“{entry[key]}”"
    return f"entry {position}"


def sidecar_of(copy: Path) -> Path:
    return copy.with_name(copy.name + SIDECAR_SUFFIX)


def read_sidecar(copy: Path) -> dict:
    try:
        data = json.loads(sidecar_of(copy).read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def copies_in(folder: Path) -> list[Path]:
    """The document copies in the library folder (not temp files, sidecars or block files)."""
    try:
        found = [
            p
            for p in folder.iterdir()
            if p.suffix.lower() in COPY_SUFFIXES and not p.name.startswith(".") and p.is_file()
        ]
    except OSError:
        return []
    return sorted(found)


class StageError(Exception):
    """The user's file cannot be taken in; one plain sentence."""


@dataclass
class Staged:
    """A user's file copied into the library folder under a temporary name, outside the lock."""

    path: Path
    kind: str
    sha256: str
    size: int


def stage_copy(source: Path, folder: Path, limit: int, mode: int) -> Staged:
    """Check that ``source`` is a regular PDF or deck (links resolved, size checked first),
    then copy and hash it in one bounded pass into a hidden file in ``folder``."""
    from reader.core.errors import DocumentError
    from reader.core.safeopen import display_name, regular_file, sniff_kind

    name = display_name(source)
    try:
        resolved, _size = regular_file(source, limit)
    except DocumentError as exc:
        raise StageError(f"{str(exc).rstrip('.')}, so it was not added.") from None
    kind = sniff_kind(resolved)  # by content: the name may say anything
    if kind is None:
        # Its name says what it claims to be; its content decides (a renamed file is not it).
        claimed = {".pdf": "a PDF file", ".pptx": "a PowerPoint (.pptx) file"}
        what = claimed.get(Path(source).suffix.lower())
        if what:
            raise StageError(f"{name} is not {what}.")
        raise StageError(
            f"{name} is not a PDF or a PowerPoint (.pptx) file, so it cannot be added."
        )
    import hashlib  # only when a file is added, not on every start

    target = folder / f".add-{os.urandom(16).hex()}.{kind}"
    digest = hashlib.sha256()
    copied = 0
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as out, resolved.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                copied += len(chunk)
                if copied > limit:  # it grew since the size check
                    raise StageError(
                        f"{name} is larger than {limit // 2**20} MB and was not added."
                    )
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            target.unlink()
        raise StageError(
            f"{name} could not be copied into your library ({exc.strerror or exc})."
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    return Staged(target, kind, digest.hexdigest(), copied)


def normalise(docs: list[Document]) -> list[Document]:
    """One entry per file content, one current edition per slot, ids that match: whatever a
    hand edit or a rebuild left, the list the rest of the app relies on."""
    seen: set[str] = set()
    unique = []
    for doc in docs:
        if doc.sha256 not in seen:
            seen.add(doc.sha256)
            unique.append(doc)
    by_slot: dict[str, list[Document]] = {}
    for doc in unique:
        if doc.slot is not None:
            by_slot.setdefault(doc.slot, []).append(doc)
    chosen: dict[str, Document] = {}
    for slot, group in by_slot.items():
        current = [d for d in group if d.current] or group
        chosen[slot] = max(current, key=lambda d: (d.edition, d.added))
    out = []
    used: set[str] = set()
    for doc in unique:
        if doc.slot is None:
            new = replace(doc, id=f"extra-{doc.sha256[:10]}", current=True)
        elif doc is chosen[doc.slot]:
            new = replace(doc, id=doc.slot, current=True)
        else:
            new = replace(doc, id=f"{doc.slot}@{doc.edition}", current=False)
        if new.id in used:
            new = replace(new, id=f"{new.id}-{doc.sha256[:6]}")
        used.add(new.id)
        out.append(new)
    return out


def adopt_copies(
    folder: Path,
    known: list[Document],
    pack,
    examine: Callable,
    not_documents: set[tuple[str, int]],
    store_blocks: Callable[[Document, list], None],
    has_blocks: Callable[[Document], bool],
) -> list[Document]:
    """Copies in the folder the list does not name (the list was lost or damaged, or an add
    was killed before saving it): re-check each in the child, as on add, and list it."""
    # Not pdfdoc's or safeopen's names at the top: they import PyMuPDF (100 ms), and this
    # runs at every start, almost always with nothing to adopt.
    from reader.core.errors import DocumentError, PasswordRequired

    names = {d.file for d in known}
    shas = {d.sha256 for d in known}
    adopted: list[Document] = []
    for copy in copies_in(folder):
        if copy.name in names:
            continue
        with contextlib.suppress(OSError):
            if (copy.name, copy.stat().st_mtime_ns) in not_documents:
                continue  # checked already in this session: not a document
        from reader.core.safeopen import sniff_kind

        kind = sniff_kind(copy)
        if kind is None:
            continue
        try:
            checksum = _sha256_of(copy)
        except (OSError, ValueError):
            continue
        if checksum in shas:
            continue
        side = read_sidecar(copy)
        info: dict = {}
        blocks: list | None = None
        protected = bool(side.get("protected"))
        try:
            info, blocks = examine(copy)
        except PasswordRequired:
            protected = True
        except (DocumentError, OSError):
            with contextlib.suppress(OSError):
                not_documents.add((copy.name, copy.stat().st_mtime_ns))
            continue  # not a document after all: leave it where it is
        slot = side.get("slot") if isinstance(side.get("slot"), str) else None
        if slot is None:
            key = copy.stem.rsplit("-", 1)[0]
            slot = key if any(s.id == key for s in pack.slots) else None
        edition = side.get("edition")
        side_title = side.get("title") if isinstance(side.get("title"), str) else ""
        original = side.get("original_name")
        doc = Document(
            id=slot or f"extra-{checksum[:10]}",
            slot=slot,
            kind=kind,
            title=str(info.get("title") or "").strip() or side_title or copy.stem,
            original_name=original if isinstance(original, str) else copy.name,
            file=copy.name,
            sha256=checksum,
            size=copy.stat().st_size,
            pages=int(info.get("pages") or info.get("slides") or 0),
            added=float(side.get("added") or copy.stat().st_mtime)
            if isinstance(side.get("added"), int | float | None)
            else copy.stat().st_mtime,
            edition=edition if isinstance(edition, int) and edition > 0 else 1,
            protected=protected,
            indexed=side.get("indexed") is not False and not (protected and blocks is None),
        )
        if blocks is not None and not has_blocks(doc) and doc.indexed:
            with contextlib.suppress(OSError):
                store_blocks(doc, blocks)
        adopted.append(doc)
        shas.add(checksum)
    return adopted


def _sha256_of(path: Path, limit: int = 512 * 1024 * 1024) -> str:
    """A copy's SHA-256, reading at most ``limit`` bytes (ValueError past it)."""
    import hashlib

    digest = hashlib.sha256()
    read = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            read += len(chunk)
            if read > limit:
                raise ValueError("too large")
            digest.update(chunk)
    return digest.hexdigest()
