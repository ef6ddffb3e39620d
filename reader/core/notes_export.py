"""Notes out and in: Markdown, W3C Web Annotation JSON-LD, a reflective note, and import.

Note text is plain text and leaves exactly as typed: in Markdown it sits in a fenced block
(longer than any run of backticks in it), so ``<b>``, ``# heading`` or ``*stars*`` stay what
they are and cannot break the page's structure. Citations follow the house form:
"GMC, *Leadership and management for all doctors* (2012), para 85(b)".

The W3C file is an ``AnnotationCollection`` whose annotations each carry the standard's
``@context``, a ``TextualBody`` (purpose ``commenting``; tags as ``tagging`` bodies) and a target
whose ``source`` names the block (``urn:leadership-reader:<document>:<edition>:<block>``) and whose
selectors are a ``TextQuoteSelector`` and a ``TextPositionSelector`` within that block. What other
tools need not know (colour, paragraph, page boxes) rides in a ``leadershipReader`` extension.
Importing reads our own file or any annotation whose source uses that URN; annotation ids are
kept, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from reader.core.content import PAGE_DOCUMENT, ContentPack
from reader.core.notes import STATUSES, Anchor, Note, now, parse_tags

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
URN_PREFIX = "urn:leadership-reader:"
EXTENSION = "leadershipReader"
_YEAR_RE = re.compile(r"^(.*?)\s*\((\d{4})\)\s*$")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")


class NotesImportError(ValueError):
    """The file is not a notes export the reader can read; one plain sentence."""


@dataclass(frozen=True)
class Source:
    publisher: str  # short form ("GMC"), or "" when the document is not the publisher's own
    title: str
    year: str = ""


@dataclass
class Sources:
    """What citations need: each document's source, and the page's tab titles."""

    documents: dict[str, Source] = field(default_factory=dict)
    tabs: dict[str, str] = field(default_factory=dict)

    def source(self, document: str) -> Source:
        base = document.split("@", 1)[0]  # an earlier edition "guidance-pdf@1" cites its slot
        return self.documents.get(document) or self.documents.get(base) or Source("", document)


def _short(publisher: str) -> str:
    words = [w for w in publisher.split() if w[:1].isupper()]
    return "".join(w[0] for w in words) if len(words) > 1 else publisher


def sources_for(pack: ContentPack, library=None) -> Sources:
    """Citation sources from the pack (and the library's documents, when given)."""
    publisher = _short(pack.publisher)
    sources = Sources(tabs={t.id: t.title for t in pack.tabs})
    sources.documents[PAGE_DOCUMENT] = Source(publisher, pack.title, pack.edition)
    for slot in pack.slots:
        match = _YEAR_RE.match(slot.title)
        title, year = (match.group(1), match.group(2)) if match else (slot.title, "")
        # Only the guidance itself is the publisher's own; companions name no publisher.
        own = title.strip().lower() == pack.title.strip().lower()
        sources.documents[slot.id] = Source(publisher if own else "", title, year)
    for doc in getattr(library, "documents", ()) or ():
        if doc.id not in sources.documents and doc.slot is None:
            sources.documents[doc.id] = Source("", doc.title)
    return sources


def citation(note: Note, sources: Sources) -> str:
    """'GMC, *Leadership and management for all doctors* (2012), para 85(b)'."""
    src = sources.source(note.document)
    head = f"*{src.title}*" + (f" ({src.year})" if src.year else "")
    parts = [p for p in (src.publisher, head) if p]
    if note.paragraph:
        parts.append(f"para {note.paragraph}")
    else:
        a = note.anchor
        if note.document == PAGE_DOCUMENT and sources.tabs.get(a.tab):
            parts.append(sources.tabs[a.tab])
        if a.section_title:
            parts.append(f"“{a.section_title}”")
    return ", ".join(parts)


# --- Markdown -------------------------------------------------------------------------------


def _fenced(text: str) -> str:
    """Text shown literally: a fence longer than any backtick run inside it."""
    longest = max((len(r) for r in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _blockquote(text: str) -> str:
    lines = (text or "").splitlines() or [""]
    return "\n".join("> " + _MD_SPECIAL.sub(r"\\\1", line) for line in lines)


def _heading(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _group(notes: Iterable[Note], sources: Sources) -> dict[str, dict[str, list[Note]]]:
    groups: dict[str, dict[str, list[Note]]] = {}
    for note in notes:
        src = sources.source(note.document)
        doc_title = src.title + (f" ({src.year})" if src.year else "")
        if note.document == PAGE_DOCUMENT and note.anchor.tab in sources.tabs:
            doc_title = f"{doc_title}: {sources.tabs[note.anchor.tab]}"
        section = note.anchor.section_title or "Without a section"
        groups.setdefault(doc_title, {}).setdefault(section, []).append(note)
    return groups


def _note_markdown(note: Note, sources: Sources) -> list[str]:
    lines = [_blockquote(note.placed_quote or note.quote), "", citation(note, sources), ""]
    if note.text:
        lines += [_fenced(note.text), ""]
    meta = [" ".join(f"#{t}" for t in note.tags)] if note.tags else []
    meta.append(note.colour)
    if note.status != "anchored":
        meta.append(f"{note.status} since it was written")
    lines += [" · ".join(meta), ""]
    return lines


def to_markdown(notes: Iterable[Note], sources: Sources, today: dt.date | None = None) -> str:
    """Every note grouped by document and section, each with its quote and citation."""
    today = today or dt.date.today()
    out = [
        "# Notes",
        "",
        f"Exported from Leadership Reader on {today.isoformat()}. "
        "Note text appears exactly as it was typed.",
        "",
    ]
    for doc_title, sections in _group(notes, sources).items():
        out += [f"## {_heading(doc_title)}", ""]
        for section, items in sections.items():
            out += [f"### {_heading(section)}", ""]
            for note in items:
                out += _note_markdown(note, sources)
    return "\n".join(out).rstrip() + "\n"


_REFLECT_RE = re.compile(r"^\s*(so what|now what)\s*\??\s*:?\s*", re.IGNORECASE | re.MULTILINE)
_SO_WHAT_TAGS = {"sowhat", "so-what"}
_NOW_WHAT_TAGS = {"nowhat", "now-what", "action", "plan"}


def _reflective_parts(note: Note) -> dict[str, str]:
    """Split a note's text under What? / So what? / Now what?: lines starting "So what?" or
    "Now what?" begin those parts; a note tagged #sowhat or #nowhat goes there whole."""
    parts = {"what": "", "so what": "", "now what": ""}
    tags = set(note.tags)
    if tags & _SO_WHAT_TAGS:
        parts["so what"] = note.text
        return parts
    if tags & _NOW_WHAT_TAGS:
        parts["now what"] = note.text
        return parts
    pieces = _REFLECT_RE.split(note.text or "")
    parts["what"] = pieces[0].strip()
    for key, body in zip(pieces[1::2], pieces[2::2], strict=True):
        parts[key.lower()] = (parts[key.lower()] + "\n" + body.strip()).strip()
    return parts


def to_reflective(
    notes: Iterable[Note], sources: Sources, title: str = "Reflective note", today=None
) -> str:
    """A reflective note for appraisal, in Markdown, each quote cited."""
    today = today or dt.date.today()
    notes = list(notes)
    split = [(n, _reflective_parts(n)) for n in notes]
    out = [
        f"# {_heading(title)}",
        "",
        f"Prepared on {today.isoformat()} from {len(notes)} note(s). "
        "Remove anything that could identify a patient or colleague before sharing.",
        "",
        "## What?",
        "",
    ]
    for note, parts in split:
        out += [_blockquote(note.placed_quote or note.quote), "", citation(note, sources), ""]
        if parts["what"]:
            out += [_fenced(parts["what"]), ""]
    for key, heading, prompt in (
        ("so what", "## So what?", "What did this mean for my practice or my team?"),
        ("now what", "## Now what?", "What will I do next, and how will I know it worked?"),
    ):
        out += [heading, ""]
        bodies = [(n, p[key]) for n, p in split if p[key]]
        if not bodies:
            out += [f"*{prompt}*", ""]
        for note, body in bodies:
            out += [f"On {citation(note, sources)}:", "", _fenced(body), ""]
    return "\n".join(out).rstrip() + "\n"


# --- W3C Web Annotation -------------------------------------------------------------------


def source_iri(anchor: Anchor) -> str:
    parts = (anchor.document, anchor.edition, anchor.block)
    return URN_PREFIX + ":".join(quote(p, safe="") for p in parts)


def to_annotation(note: Note) -> dict:
    a = note.anchor
    bodies = [
        {"type": "TextualBody", "value": note.text, "format": "text/plain", "purpose": "commenting"}
    ]
    bodies += [
        {"type": "TextualBody", "value": t, "format": "text/plain", "purpose": "tagging"}
        for t in note.tags
    ]
    return {
        "@context": W3C_CONTEXT,
        "id": f"urn:uuid:{note.id}",
        "type": "Annotation",
        "motivation": "commenting" if note.text else "highlighting",
        "created": note.created,
        "modified": note.modified,
        "body": bodies,
        "target": {
            "source": source_iri(a),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": a.exact,
                    "prefix": a.prefix,
                    "suffix": a.suffix,
                },
                {"type": "TextPositionSelector", "start": a.start, "end": a.end},
            ],
        },
        EXTENSION: {
            "document": a.document,
            "edition": a.edition,
            "block": a.block,
            "paragraph": a.paragraph,
            "tab": a.tab,
            "section": a.section,
            "section_title": a.section_title,
            "ordinal": a.ordinal,
            "page": a.page,
            "boxes": [list(b) for b in a.boxes],
            "colour": note.colour,
            "explicit_tags": list(note.explicit_tags),
        },
    }


def to_w3c(notes: Iterable[Note]) -> dict:
    items = [to_annotation(n) for n in notes]
    return {
        "@context": W3C_CONTEXT,
        "type": "AnnotationCollection",
        "label": "Leadership Reader notes",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def _annotations(data: object) -> list[dict]:
    if isinstance(data, list):
        return [a for a in data if isinstance(a, dict)]
    if not isinstance(data, dict):
        return []
    if data.get("type") == "AnnotationCollection":
        first = data.get("first")
        return _annotations(first if isinstance(first, dict) else data.get("items", []))
    if data.get("type") == "AnnotationPage":
        return _annotations(data.get("items", []))
    return [data]


def _note_id(annotation: dict) -> str:
    raw = str(annotation.get("id") or "")
    if raw.startswith("urn:uuid:"):
        with_uuid = raw[len("urn:uuid:") :]
        try:
            return str(uuid.UUID(with_uuid))
        except ValueError:
            pass
    # Annotations from elsewhere: a stable id from what they say, so a second import matches.
    seed = raw or json.dumps(annotation, sort_keys=True, ensure_ascii=False)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))


def from_annotation(annotation: dict) -> Note | None:
    """A note from one annotation, or None when it does not point into the reader's text."""
    if annotation.get("type") != "Annotation":
        return None
    target = annotation.get("target")
    target = target[0] if isinstance(target, list) and target else target
    if not isinstance(target, dict):
        return None
    src = str(target.get("source") or "")
    ext = annotation.get(EXTENSION) if isinstance(annotation.get(EXTENSION), dict) else {}
    if not ext and src.startswith(URN_PREFIX):
        bits = [unquote(p) for p in src[len(URN_PREFIX) :].split(":")]
        if len(bits) == 3:
            ext = {"document": bits[0], "edition": bits[1], "block": bits[2]}
    if not ext.get("document") or not ext.get("block"):
        return None
    selectors = target.get("selector") or []
    selectors = selectors if isinstance(selectors, list) else [selectors]
    by_type = {s.get("type"): s for s in selectors if isinstance(s, dict)}
    tq = by_type.get("TextQuoteSelector") or {}
    tp = by_type.get("TextPositionSelector") or {}
    exact = str(tq.get("exact") or "")
    start = int(tp.get("start", 0) or 0)
    bodies = annotation.get("body") or []
    bodies = bodies if isinstance(bodies, list) else [bodies]
    text = ""
    tagging: list[str] = []
    for body in bodies:
        if isinstance(body, str):
            text = text or body
        elif isinstance(body, dict) and body.get("purpose") == "tagging":
            tagging.append(str(body.get("value", "")))
        elif isinstance(body, dict):
            text = text or str(body.get("value", ""))
    anchor = Anchor(
        document=str(ext["document"]),
        edition=str(ext.get("edition") or ""),
        block=str(ext["block"]),
        exact=exact,
        start=start,
        end=int(tp.get("end", start + len(exact)) or start + len(exact)),
        prefix=str(tq.get("prefix") or ""),
        suffix=str(tq.get("suffix") or ""),
        paragraph=ext.get("paragraph"),
        tab=str(ext.get("tab") or ""),
        section=str(ext.get("section") or ""),
        section_title=str(ext.get("section_title") or ""),
        ordinal=int(ext.get("ordinal") or 0),
        page=ext.get("page"),
        boxes=tuple(tuple(float(v) for v in b) for b in ext.get("boxes") or ()),
    )
    explicit = parse_tags("", ext.get("explicit_tags", tagging))
    stamp = now()
    return Note(
        id=_note_id(annotation),
        anchor=anchor,
        text=text,
        colour=str(ext.get("colour") or "yellow"),
        tags=parse_tags(text, [*explicit, *tagging]),
        explicit_tags=explicit,
        created=str(annotation.get("created") or stamp),
        modified=str(annotation.get("modified") or annotation.get("created") or stamp),
        status="anchored" if ext.get("status") not in STATUSES else ext["status"],
    )


def parse_w3c(raw: str | bytes | Mapping | list) -> tuple[list[Note], int]:
    """Notes from a W3C file's text (or parsed JSON), and how many annotations were skipped."""
    if isinstance(raw, str | bytes):
        try:
            data = json.loads(raw)
        except ValueError:
            raise NotesImportError("The file is not a W3C annotation (JSON) file.") from None
    else:
        data = raw
    annotations = _annotations(data)
    if not annotations:
        raise NotesImportError("The file holds no W3C annotations.")
    notes = [n for n in (from_annotation(a) for a in annotations) if n is not None]
    return notes, len(annotations) - len(notes)
