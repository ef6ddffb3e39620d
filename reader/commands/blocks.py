"""``reader blocks``: list every block of text of the guidance page."""

from __future__ import annotations

import argparse
import json
import sys

from reader.commands.common import load_content


def add_parser(commands, common: argparse.ArgumentParser) -> None:
    blocks = commands.add_parser("blocks", parents=[common], help="list every block of text")
    blocks.add_argument("--json", action="store_true", help="print JSON")
    blocks.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    pack = load_content(args)
    blocks = pack.blocks()
    if args.json:
        json.dump([b.to_json() for b in blocks], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for block in blocks:
            number = f"[{block.paragraph}] " if block.paragraph else ""
            print(f"{block.id}\t{block.kind}\t{number}{block.text}")
    return 0
