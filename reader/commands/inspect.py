"""``reader inspect``: say what the app makes of a PDF or deck (in a separate process)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from reader.commands.common import UsageError


def add_parser(commands, common: argparse.ArgumentParser) -> None:
    inspect = commands.add_parser(
        "inspect", parents=[common], help="say what the app makes of a PDF or deck"
    )
    inspect.add_argument("file", type=Path)
    inspect.add_argument("--json", action="store_true", help="print JSON")
    inspect.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from reader.core.errors import DocumentError
    from reader.core.safeopen import probe_file

    try:
        info = probe_file(args.file)
    except DocumentError as exc:
        if args.json:
            print(json.dumps({"error": str(exc)}))
            return 2
        raise UsageError(str(exc)) from None
    report = {
        key: info.get(key)
        for key in (
            "kind",
            "pages",
            "slides",
            "title",
            "outline",
            "paragraphs",
            "kinds",
            "complete",
        )
        if key in info
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    print(
        f"{args.file.name}: {report.get('kind', '?').upper()}, title “{report.get('title') or ''}”"
    )
    if "pages" in report:
        print(f"pages: {report['pages']}, outline entries: {report.get('outline', 0)}")
        paragraphs = report.get("paragraphs") or {}
        if paragraphs.get("count"):
            gaps = ", ".join(str(g) for g in paragraphs.get("gaps", [])) or "none"
            print(
                f"numbered paragraphs: {paragraphs['count']} "
                f"({paragraphs['first']}–{paragraphs['last']}), missing: {gaps}"
            )
        else:
            print("numbered paragraphs: none found (text is read page by page)")
    else:
        print(f"slides: {report.get('slides')}")
    if report.get("complete") is False:
        print("partial: reading the text stopped at the time limit; the counts cover what was read")
    return 0
