"""``reader print``: print a tab, sections, paragraphs, PDF pages or handouts to a PDF file.

The same core (:mod:`reader.core.printing`) and renderer (:mod:`reader.ui.print_renderer`)
serve the window's print dialog; here Qt runs offscreen, so the command works without a display.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.core.printing import NOTE_MODES, PrintError, PrintNote, PrintRequest


def add_parser(commands, common: argparse.ArgumentParser) -> None:
    """Register ``print`` on the sub-command parsers ``commands``."""
    parser = commands.add_parser(
        "print", parents=[common], help="print sections, paragraphs, pages or handouts to PDF"
    )
    parser.add_argument("--tab", metavar="ID", help="the tab to print (default: every tab)")
    parser.add_argument(
        "--section", metavar="ID", action="append", default=[], help="a section (repeatable)"
    )
    parser.add_argument("--document", metavar="SLOT", help="an added document, e.g. guidance-pdf")
    parser.add_argument("--paragraphs", metavar="LIST", help='e.g. "84–87", "85(b)", "12, 14–16"')
    parser.add_argument("--pages", metavar="LIST", help='PDF pages as they are: "3–7" or "all"')
    parser.add_argument(
        "--handouts",
        metavar="N",
        nargs="?",
        const=3,
        type=int,
        default=0,
        help="slides as handouts, 2 or 3 to a page (default 3)",
    )
    parser.add_argument(
        "--with-notes",
        metavar="WHERE",
        nargs="?",
        const="margin",
        choices=NOTE_MODES[1:],
        help="include your notes, in the margin (default) or as endnotes",
    )
    parser.add_argument("--highlights", action="store_true", help="include your highlights")
    parser.add_argument("--no-numbers", action="store_true", help="leave out the paragraph numbers")
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4")
    parser.add_argument("--landscape", action="store_true")
    parser.add_argument("--out", metavar="FILE.pdf", required=True, type=Path)
    parser.set_defaults(handler=run)


# Paper-friendly tints of the notes' colour names: light enough that black text stays legible
# when printed on a monochrome laser as well as in colour.
PRINT_COLOURS = {
    "yellow": "#fff3a0",
    "green": "#d6f5d0",
    "blue": "#d5e8fb",
    "pink": "#fbd9e6",
    "purple": "#e6dcf7",
}


def print_notes(dirs) -> list[PrintNote]:
    """Every note in the user's notes store (``dirs``: a ``UserDirs``) as a print record."""
    from reader.core.notes import NotesStore

    store = NotesStore.open(dirs)
    try:
        notes = store.list()
    finally:
        store.close()
    return [
        PrintNote(
            block_id=note.block,
            text=note.text,
            quote=note.quote or "",
            colour=PRINT_COLOURS.get(note.colour, PRINT_COLOURS["yellow"]),
        )
        for note in notes
    ]


def load_notes(args: argparse.Namespace) -> list[PrintNote]:
    """The user's notes as print records, from the notes store of the folders ``args`` name."""
    from reader.commands.common import user_dirs

    return print_notes(user_dirs(args))


def run(args: argparse.Namespace) -> int:
    from reader.commands.common import UsageError, load_content, user_dirs

    if args.handouts not in (0, 2, 3):
        raise UsageError("--handouts takes 2 or 3 slides to a page.")
    if args.out.suffix.lower() != ".pdf":
        raise UsageError(f"--out must name a .pdf file, not '{args.out.name}'.")
    request = PrintRequest(
        tab=args.tab,
        sections=tuple(args.section),
        document=args.document,
        paragraphs=args.paragraphs,
        pages=args.pages,
        handouts=args.handouts,
        notes=args.with_notes or "none",
        highlights=args.highlights,
        paragraph_numbers=not args.no_numbers,
        paper=args.paper,
        landscape=args.landscape,
    )
    pack = load_content(args)
    from reader.core.printing import build_print_job
    from reader.core.services import Services

    services = Services.open(pack, user_dirs(args))
    wants_notes = request.notes != "none" or request.highlights
    try:
        job = build_print_job(
            request, pack, services.library, load_notes(args) if wants_notes else ()
        )
    except PrintError as exc:
        raise UsageError(str(exc)) from None
    from reader.ui.print_renderer import ensure_application, print_to_pdf

    ensure_application()  # offscreen without a display: printing needs no screen
    pages = print_to_pdf(job, args.out)
    print(f"Printed {pages} page{'s' if pages != 1 else ''} to {args.out}.")
    return 0
