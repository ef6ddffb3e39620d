"""``reader index``: check the search index, or build it from scratch."""

from __future__ import annotations

import argparse

from reader.commands.common import open_services


def add_parser(commands, common: argparse.ArgumentParser) -> None:
    index = commands.add_parser("index", parents=[common], help="check or build the search index")
    index.add_argument("--rebuild", action="store_true", help="build it from scratch")
    index.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    services = open_services(args)
    if args.rebuild:
        items, titles = services.searchable()
        services.index.rebuild(items, titles)
        print(f"The search index was rebuilt: {len(items)} blocks.")
    else:
        status = services.ensure_index()
        print(status or "The search index is up to date.")
    return 0
