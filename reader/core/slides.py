"""The slides room: read a PowerPoint (.pptx) deck's titles, text and speaker notes.

Decks come from outside (teaching sets people add to the library), so the zip container is
checked before python-pptx sees it: a file that is not a zip, an old binary or password-protected
Office file, or an archive that would inflate to gigabytes is refused with one plain sentence.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from reader.core.errors import DocumentError, PasswordRequired
from reader.core.model import Block

# Real teaching decks with photos stay well under these; zip bombs do not.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_MEMBERS = 20_000
MAX_RATIO = 200  # compressed-to-unpacked ratio allowed for a member bigger than 1 MB
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Slide:
    index: int  # 0-based position in the deck
    title: str
    text: str  # body text, one line per paragraph, without the title
    notes: str


@dataclass(frozen=True)
class Deck:
    path: Path
    title: str
    slides: tuple[Slide, ...]


def _check_container(path: Path) -> None:
    name = path.name
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except FileNotFoundError:
        raise DocumentError(f"{name} could not be found.") from None
    except IsADirectoryError:
        raise DocumentError(f"{name} is a folder, not a PowerPoint file.") from None
    except OSError as exc:
        raise DocumentError(f"{name} could not be read ({exc.strerror or exc}).") from None
    if not head:
        raise DocumentError(f"{name} is empty (zero bytes), so it is not a PowerPoint file.")
    if head == _OLE_MAGIC:
        # Encrypted .pptx files are wrapped in the same OLE container as old .ppt files.
        raise PasswordRequired(
            f"{name} is either protected by a password or in the old .ppt format; "
            "save it from PowerPoint as an unprotected .pptx file."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DocumentError(f"{name} is not a PowerPoint (.pptx) file, or it is damaged.") from None
    total = sum(m.file_size for m in members)
    bomb = any(
        m.file_size > 1 << 20 and m.file_size > MAX_RATIO * max(m.compress_size, 1) for m in members
    )
    if len(members) > MAX_MEMBERS or total > MAX_UNPACKED_BYTES or bomb:
        raise DocumentError(f"{name} unpacks to far more data than a slide deck holds.")
    names = {m.filename for m in members}
    if "ppt/presentation.xml" not in names:
        raise DocumentError(f"{name} is a zip archive but not a PowerPoint (.pptx) deck.")


def _shape_texts(shapes) -> list[str]:
    """Text of shapes in reading order, looking inside groups and tables."""
    texts: list[str] = []
    for shape in shapes:
        if getattr(shape, "shape_type", None) == 6:  # MSO_SHAPE_TYPE.GROUP
            texts.extend(_shape_texts(shape.shapes))
        elif getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
                if cells:
                    texts.append(" | ".join(cells))
        elif getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            for para in shape.text_frame.paragraphs:
                line = "".join(run.text for run in para.runs).strip()
                if line:
                    texts.append(line)
    return texts


def open_deck(path: Path | str) -> Deck:
    """Read a .pptx deck, or raise :class:`DocumentError` with one plain sentence."""
    path = Path(path)
    _check_container(path)
    try:
        from pptx import Presentation

        prs = Presentation(str(path))
        slides = []
        for index, slide in enumerate(prs.slides):
            title_shape = slide.shapes.title
            title = title_shape.text_frame.text.strip() if title_shape is not None else ""
            others = [s for s in slide.shapes if title_shape is None or s != title_shape]
            notes = ""
            if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
                notes = slide.notes_slide.notes_text_frame.text.strip()
            slides.append(
                Slide(index, " ".join(title.split()), "\n".join(_shape_texts(others)), notes)
            )
        deck_title = (prs.core_properties.title or "").strip()
    except DocumentError:
        raise
    except Exception:
        raise DocumentError(f"{path.name} is damaged and could not be read as a deck.") from None
    if not deck_title:
        deck_title = next((s.title for s in slides if s.title), path.stem)
    return Deck(path, deck_title, tuple(slides))


def extract_slide_blocks(path: Path | str, document_id: str, tab_id: str) -> list[Block]:
    """One block per slide (title and text) and one per slide with speaker notes.

    Ids count slides from 1, as PowerPoint shows them: ``{document_id}.slide-3`` and
    ``{document_id}.slide-3-notes``; ``page`` is the 0-based slide index.
    """
    return deck_blocks(open_deck(path), document_id, tab_id)


def deck_blocks(deck: Deck, document_id: str, tab_id: str) -> list[Block]:
    """The blocks of an already opened deck (see :func:`extract_slide_blocks`)."""
    blocks: list[Block] = []
    for slide in deck.slides:
        n = slide.index + 1
        section = f"slide-{n}"
        title = slide.title or f"Slide {n}"
        text = "\n".join(part for part in (slide.title, slide.text) if part)
        blocks.append(
            Block(
                id=f"{document_id}.slide-{n}",
                document=document_id,
                tab=tab_id,
                section=section,
                section_title=title,
                kind="slide",
                text=text,
                page=slide.index,
            )
        )
        if slide.notes:
            blocks.append(
                Block(
                    id=f"{document_id}.slide-{n}-notes",
                    document=document_id,
                    tab=tab_id,
                    section=section,
                    section_title=title,
                    kind="speaker-note",
                    text=slide.notes,
                    page=slide.index,
                )
            )
    return blocks


def inspect_deck(path: Path | str) -> dict:
    """What a deck holds, for ``reader inspect`` and before adding it to the library."""
    path = Path(path)
    return deck_summary(path, open_deck(path))


def deck_summary(path: Path, deck: Deck) -> dict:
    """What :func:`inspect_deck` says, for an already opened deck."""
    return {
        "kind": "pptx",
        "file": path.name,
        "bytes": path.stat().st_size,
        "slides": len(deck.slides),
        "title": deck.title,
        "notes": sum(1 for s in deck.slides if s.notes),
    }
