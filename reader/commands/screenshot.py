"""``reader screenshot``: save a picture of the main window (Qt is imported only here)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from reader.commands.common import UsageError, load_content, user_dirs


def add_parser(commands, common: argparse.ArgumentParser) -> None:
    shot = commands.add_parser(
        "screenshot", parents=[common], help="save a picture of the main window"
    )
    shot.add_argument(
        "--tab", metavar="ID", help="the tab to show, or a document slot such as guidance-pdf"
    )
    shot.add_argument("--size", metavar="WxH", default="1100x760", help="window size in pixels")
    shot.add_argument("--out", metavar="FILE.png", required=True, type=Path)
    shot.set_defaults(handler=run)


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{2,5})x(\d{2,5})", text.strip().lower())
    if not match:
        raise UsageError(f"--size must look like 1100x760, not '{text}'.")
    return int(match.group(1)), int(match.group(2))


def run(args: argparse.Namespace) -> int:
    size = _size(args.size)
    pack = load_content(args)
    known = [t.id for t in pack.tabs] + [s.id for s in pack.slots]
    if args.tab and args.tab not in known:
        raise UsageError(f"There is no tab '{args.tab}'; the tabs are {', '.join(known)}.")
    from reader.ui.app import take_screenshot

    take_screenshot(pack, user_dirs(args), args.out, tab=args.tab, size=size)
    return 0
