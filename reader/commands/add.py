"""``reader add``: add a document to the library (and to the search index)."""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.commands.common import UsageError, open_services


def add_parser(commands, common: argparse.ArgumentParser) -> None:
    add = commands.add_parser("add", parents=[common], help="add a document to your library")
    add.add_argument("file", type=Path)
    add.add_argument("--slot", metavar="ID", help="the document slot it fills")
    add.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from reader.core.errors import DocumentError
    from reader.core.library import LibraryError

    services = open_services(args)
    try:
        result = services.library.add(args.file, slot_id=args.slot)
    except (LibraryError, DocumentError) as exc:
        raise UsageError(str(exc)) from None
    print(result.message)
    services.ensure_index()
    return 0
