"""``reader documents [--json]``: what the library holds, so IT can check an installation.

One line per document (slot, title, original file name, pages, edition, whether it is the
current edition, status); ``--json`` gives the same as a list that scripts can count.
"""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(commands, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "documents", parents=[common], help="list the documents in your library"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=run)


def _status(doc) -> str:
    if doc.protected and not doc.indexed:
        return "protected, not searched"
    if doc.protected:
        return "protected"
    return "ok"


def run(args: argparse.Namespace) -> int:
    from reader.commands.common import open_services

    library = open_services(args).library
    if library.problem:
        print(library.problem, file=sys.stderr)
    rows = []
    for doc in library.documents:
        slot_title = library._slot_title(doc.slot).strip("“”")
        rows.append(
            {
                "id": doc.id,
                "slot": doc.slot,
                "slot_title": slot_title if doc.slot else None,
                "title": doc.title,
                "original_name": doc.original_name,
                "kind": doc.kind,
                "pages": doc.pages,
                "edition": doc.edition,
                "current": doc.current,
                "status": _status(doc),
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("Your library holds no documents.")
        return 0
    for row in rows:
        where = row["slot"] or "extra"
        state = "current" if row["current"] else "earlier edition"
        print(
            f"{where}\t{row['title']}\t{row['original_name']}\t{row['pages']} pages\t"
            f"edition {row['edition']}\t{state}\t{row['status']}"
        )
    return 0
