"""``reader search``: search everything offline, as text or JSON."""

from __future__ import annotations

import argparse
import json
import sys

from reader.commands.common import UsageError, open_services


def add_parser(commands, common: argparse.ArgumentParser) -> None:
    search = commands.add_parser("search", parents=[common], help="search everything offline")
    search.add_argument(
        "query", help="what to find; if it starts with '-', put -- before it: search -- -word"
    )
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--limit", type=int, default=10, metavar="N")
    search.add_argument("--source", choices=("tabs", "documents", "notes"))
    search.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise UsageError("--limit must be 1 or more.")
    services = open_services(args)
    status = services.ensure_index()
    if status and not args.json:
        print(status, file=sys.stderr)
    result = services.index.search(args.query, limit=args.limit, source=args.source)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return 0
    if result.hint:
        print(result.hint)
    if result.paragraph_ref:
        print(f"Paragraph {result.paragraph_ref}: go there with Ctrl+G in the app.")
    for hit in result.hits:
        where = " › ".join(p for p in (hit.title, hit.section) if p)
        number = f" ¶{hit.paragraph}" if hit.paragraph else ""
        print(f"{where}{number}  [{hit.id}]\n    {hit.snippet_text}")
    if not result.hits:
        print("No results.")
    if result.suggestion:
        print(f"Did you mean: {result.suggestion}?")
    return 0
