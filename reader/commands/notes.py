"""``reader notes ...``: add, list, export, import and delete notes without the window.

Every command honours ``--content`` (another pack, e.g. a new edition): notes are re-attached to
the blocks of the pack and documents now open before they are listed or exported, so a new
edition's statuses can be checked headless. Errors are one sentence (exit status 2); a privacy
warning is one sentence on stderr and does not stop the note being saved.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from reader.core.notes import COLOURS, DEFAULT_COLOUR


def add_parser(commands, common: argparse.ArgumentParser) -> None:
    """Register ``notes`` and its sub-commands on the CLI's sub-parsers."""
    notes = commands.add_parser("notes", parents=[common], help="add, list, export or import notes")
    sub = notes.add_subparsers(dest="notes_command", metavar="ACTION", required=True)

    add = sub.add_parser("add", parents=[common], help="add a note to a block")
    add.add_argument("--block", metavar="ID", required=True, help="an id from `reader blocks`")
    add.add_argument("--text", metavar="TEXT", required=True, help="the note (plain text)")
    add.add_argument("--quote", metavar="TEXT", help="the words of the block the note is about")
    add.add_argument("--colour", metavar="NAME", default=DEFAULT_COLOUR, choices=COLOURS)
    add.add_argument("--tag", metavar="T", action="append", default=[], help="a tag (repeatable)")
    add.set_defaults(handler=run_add)

    listing = sub.add_parser("list", parents=[common], help="list notes with their status")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=run_list)

    export = sub.add_parser("export", parents=[common], help="write the notes to a file")
    export.add_argument("--format", required=True, choices=("markdown", "w3c", "reflective"))
    export.add_argument("--out", metavar="FILE", required=True, type=Path)
    export.set_defaults(handler=run_export)

    imp = sub.add_parser("import", parents=[common], help="merge notes from a W3C file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=run_import)

    delete = sub.add_parser("delete", parents=[common], help="delete one note")
    delete.add_argument("id", metavar="ID")
    delete.set_defaults(handler=run_delete)


class _Context:
    """The pack, the library and the notes store for one command."""

    def __init__(self, args: argparse.Namespace) -> None:
        from reader.commands.common import UsageError, load_content, user_dirs
        from reader.core.notes import NotesError, NotesStore, edition_key
        from reader.core.services import Services

        self.pack = load_content(args)
        self.services = Services.open(self.pack, user_dirs(args))
        library = self.services.library
        self.blocks = self.pack.blocks()
        for doc in library.current():
            self.blocks.extend(library.blocks_of(doc))
        documents = {b.document for b in self.blocks}
        self.editions = {d: edition_key(self.pack, d, library) for d in documents}
        try:
            self.store = NotesStore.open(user_dirs(args))
        except NotesError as exc:
            raise UsageError(str(exc)) from None
        if self.store.recovery:
            print(self.store.recovery, file=sys.stderr)

    def placed(self):
        from reader.core.notes_anchor import place_notes

        return place_notes(self.store, self.blocks, self.editions)

    def sources(self):
        from reader.core.notes_export import sources_for

        return sources_for(self.pack, self.services.library)


def _usage(exc: Exception):
    from reader.commands.common import UsageError

    return UsageError(str(exc))


def run_add(args: argparse.Namespace) -> int:
    from reader.core.notes import NotesError, anchor_for
    from reader.core.notes_anchor import ordinals
    from reader.core.privacy import warning

    ctx = _Context(args)
    block = next((b for b in ctx.blocks if b.id == args.block), None)
    if block is None:
        raise _usage(
            ValueError(f"there is no block '{args.block}'; `reader blocks` lists the ids.")
        )
    try:
        anchor = anchor_for(
            block,
            ctx.editions.get(block.document, ""),
            quote=args.quote,
            ordinal=ordinals(ctx.blocks).get(block.id, 0),
        )
        note = ctx.store.add(anchor, args.text, colour=args.colour, tags=args.tag)
    except (ValueError, NotesError) as exc:
        raise _usage(exc) from None
    print(note.id)
    caution = warning(args.text)
    if caution:
        print(caution, file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace) -> int:
    ctx = _Context(args)
    notes = ctx.placed()
    if args.json:
        print(json.dumps([n.to_json() for n in notes], ensure_ascii=False, indent=1))
        return 0
    from reader.core.notes_export import citation

    sources = ctx.sources()
    for note in notes:
        tags = " ".join(f"#{t}" for t in note.tags)
        print(f"{note.id}  [{note.status}]  {citation(note, sources)}  {tags}".rstrip())
        print(f"    “{note.quote[:100]}”")
        if note.text:
            print(f"    {note.text}")
    if not notes:
        print("No notes yet.")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from reader.core.atomic import write_text_atomic
    from reader.core.notes_export import to_markdown, to_reflective, to_w3c

    ctx = _Context(args)
    notes = ctx.placed()
    if args.format == "w3c":
        text = json.dumps(to_w3c(notes), ensure_ascii=False, indent=1) + "\n"
    elif args.format == "markdown":
        text = to_markdown(notes, ctx.sources())
    else:
        text = to_reflective(notes, ctx.sources())
    try:
        write_text_atomic(args.out, text)
    except OSError as exc:
        raise _usage(
            ValueError(f"{args.out} could not be written ({exc.strerror or exc}).")
        ) from None
    print(f"{len(notes)} note(s) written to {args.out}.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from reader.core.notes import NotesError
    from reader.core.notes_export import NotesImportError, parse_w3c

    try:
        raw = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _usage(ValueError(f"{args.file} could not be read ({exc}).")) from None
    try:
        notes, skipped = parse_w3c(raw)
    except NotesImportError as exc:
        raise _usage(exc) from None
    ctx = _Context(args)
    try:
        added = ctx.store.merge(notes)
    except NotesError as exc:
        raise _usage(exc) from None
    present = len(notes) - added
    extra = f"; {skipped} annotation(s) point elsewhere and were skipped" if skipped else ""
    print(f"{added} note(s) imported, {present} already present{extra}.")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    from reader.core.notes import NotesError

    ctx = _Context(args)
    try:
        note = ctx.store.delete(args.id)
    except NotesError as exc:
        raise _usage(exc) from None
    print(f"Deleted note {note.id}.")
    return 0
