"""``reader blocks``: list every block of text: the bundled page's, then each added document's.

Scripts and checkers read this to see what the app takes a paragraph to be. The bundled blocks'
JSON is unchanged from before documents were listed; an added document's blocks carry
``document`` = the slot they fill (the name a user knows), ``page`` and ``bbox`` on the page.
``--document SLOT`` lists one added document's blocks only.
"""

from __future__ import annotations

import argparse
import json
import sys

from reader.commands.common import UsageError, load_content, open_services
from reader.core.model import Block


def add_parser(commands, common: argparse.ArgumentParser) -> None:
    blocks = commands.add_parser("blocks", parents=[common], help="list every block of text")
    blocks.add_argument("--json", action="store_true", help="print JSON")
    blocks.add_argument(
        "--document", metavar="SLOT", help="list only the blocks of the document added to SLOT"
    )
    blocks.set_defaults(handler=run)


def document_json(block: Block, slot: str) -> dict:
    """One added document's block: the bundled fields, named by slot, with its place on the page."""
    data = block.to_json()
    data["document"] = slot
    data["document_id"] = block.document
    data["level"] = block.level
    data["bbox"] = [round(v, 2) for v in block.bbox] if block.bbox is not None else None
    return data


def _documents(args: argparse.Namespace, only: str | None) -> list[tuple[str, list[Block]]]:
    """(slot id, blocks) for each added document, or for the one in slot ``only``."""
    services = open_services(args)
    library, pack = services.library, services.pack
    if only is not None:
        if only not in {slot.id for slot in pack.slots}:
            names = ", ".join(slot.id for slot in pack.slots)
            raise UsageError(f"There is no document slot named {only!r}; the slots are {names}.")
        doc = library.for_slot(only)
        if doc is None:
            raise UsageError(f"No document has been added to the slot {only!r} yet.")
        return [(only, library.blocks_of(doc))]
    return [(doc.slot or doc.id, library.blocks_of(doc)) for doc in library.current()]


def run(args: argparse.Namespace) -> int:
    only = getattr(args, "document", None)
    bundled = [] if only is not None else load_content(args).blocks()
    documents = _documents(args, only)
    if args.json:
        rows = [b.to_json() for b in bundled]
        rows += [document_json(b, slot) for slot, blocks in documents for b in blocks]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    for block in bundled:
        number = f"[{block.paragraph}] " if block.paragraph else ""
        print(f"{block.id}\t{block.kind}\t{number}{block.text}")
    for slot, blocks in documents:
        for block in blocks:
            number = f"[{block.paragraph}] " if block.paragraph else ""
            page = f"p{block.page + 1}" if block.page is not None else ""
            print(f"{slot}:{block.id}\t{block.kind}\t{page}\t{number}{block.text}")
    return 0
