"""The command line: the app by default, and sub-commands for headless work.

Errors are one plain sentence on stderr with exit status 2; ``--json`` output goes to stdout.
Qt is imported only by the commands that need it, so ``reader blocks`` runs without a display.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from reader import APP_NAME, __version__
from reader.core.content import ContentError, ContentPack, load_pack
from reader.paths import UserDirs, bundled_content


class UsageError(Exception):
    """A user mistake on the command line; reported as one sentence, exit status 2."""


def _global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument(
        "--home",
        metavar="DIR",
        default=default,
        help="keep everything the app writes under DIR (portable mode; also READER_HOME)",
    )
    parser.add_argument(
        "--content",
        metavar="DIR",
        default=default,
        help="use the content pack in DIR instead of the bundled one (e.g. a newer edition)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reader",
        description=f"{APP_NAME}: an offline reader for the GMC guidance "
        "Leadership and management for all doctors (2012).",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--self-test", action="store_true", help="check this copy works, step by step; exit 0 or 1"
    )
    _global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, suppress=True)

    blocks = commands.add_parser("blocks", parents=[common], help="list every block of text")
    blocks.add_argument("--json", action="store_true", help="print JSON")

    shot = commands.add_parser(
        "screenshot", parents=[common], help="save a picture of the main window"
    )
    shot.add_argument(
        "--tab", metavar="ID", help="the tab to show, or a document slot such as guidance-pdf"
    )
    shot.add_argument("--size", metavar="WxH", default="1100x760", help="window size in pixels")
    shot.add_argument("--out", metavar="FILE.png", required=True, type=Path)

    inspect = commands.add_parser(
        "inspect", parents=[common], help="say what the app makes of a PDF or deck"
    )
    inspect.add_argument("file", type=Path)
    inspect.add_argument("--json", action="store_true", help="print JSON")

    search = commands.add_parser("search", parents=[common], help="search everything offline")
    search.add_argument("query")
    search.add_argument("--json", action="store_true", help="print JSON")
    search.add_argument("--limit", type=int, default=10, metavar="N")
    search.add_argument("--source", choices=("tabs", "documents", "notes"))

    index = commands.add_parser("index", parents=[common], help="check or build the search index")
    index.add_argument("--rebuild", action="store_true", help="build it from scratch")

    add = commands.add_parser("add", parents=[common], help="add a document to your library")
    add.add_argument("file", type=Path)
    add.add_argument("--slot", metavar="ID", help="the document slot it fills")
    return parser


def default_args() -> argparse.Namespace:
    """The arguments of a plain `reader` with no options: start the app."""
    return argparse.Namespace(command=None, home=None, content=None, open_file=None)


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{2,5})x(\d{2,5})", text.strip().lower())
    if not match:
        raise UsageError(f"--size must look like 1100x760, not '{text}'.")
    return int(match.group(1)), int(match.group(2))


def load_content(args: argparse.Namespace) -> ContentPack:
    root = Path(args.content) if getattr(args, "content", None) else bundled_content()
    return load_pack(root, cache_dir=user_dirs(args).cache)


def user_dirs(args: argparse.Namespace) -> UserDirs:
    return UserDirs.for_home(getattr(args, "home", None))


def cmd_blocks(args: argparse.Namespace) -> int:
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


def cmd_screenshot(args: argparse.Namespace) -> int:
    size = _size(args.size)
    pack = load_content(args)
    known = [t.id for t in pack.tabs] + [s.id for s in pack.slots]
    if args.tab and args.tab not in known:
        raise UsageError(f"there is no tab '{args.tab}'; the tabs are {', '.join(known)}.")
    from reader.ui.app import take_screenshot

    take_screenshot(pack, user_dirs(args), args.out, tab=args.tab, size=size)
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    try:
        pack = load_content(args)
    except ContentError as exc:
        # Started from a shortcut, nobody sees stderr: say it in a window too.
        from reader.ui.app import show_startup_error

        show_startup_error(str(exc))
        raise
    from reader.ui.app import run_gui

    return run_gui(pack, user_dirs(args), open_file=getattr(args, "open_file", None))


def cmd_inspect(args: argparse.Namespace) -> int:
    from reader.core.pdfdoc import DocumentError
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
        for key in ("kind", "pages", "slides", "title", "outline", "paragraphs")
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
    return 0


def open_services(args: argparse.Namespace):
    from reader.core.services import Services

    return Services.open(load_content(args), user_dirs(args))


def cmd_add(args: argparse.Namespace) -> int:
    from reader.core.library import LibraryError
    from reader.core.pdfdoc import DocumentError

    services = open_services(args)
    try:
        result = services.library.add(args.file, slot_id=args.slot)
    except (LibraryError, DocumentError) as exc:
        raise UsageError(str(exc)) from None
    print(result.message)
    services.ensure_index()
    return 0


def cmd_search(args: argparse.Namespace) -> int:
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


def cmd_index(args: argparse.Namespace) -> int:
    services = open_services(args)
    if args.rebuild:
        items, titles = services.searchable()
        services.index.rebuild(items, titles)
        print(f"The search index was rebuilt: {len(items)} blocks.")
    else:
        status = services.ensure_index()
        print(status or "The search index is up to date.")
    return 0


COMMANDS = {
    "blocks": cmd_blocks,
    "screenshot": cmd_screenshot,
    "inspect": cmd_inspect,
    "add": cmd_add,
    "search": cmd_search,
    "index": cmd_index,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--safeopen-child"]:
        # A frozen app re-runs itself to open untrusted files in a separate process.
        from reader.core.safeopen import child_main

        return child_main(argv)
    if not argv:
        # The everyday start (a double-click): no options to parse, so skip building the parser.
        args = default_args()
    else:
        open_file = _file_argument(argv)
        if open_file is not None:
            argv = [a for a in argv if a != open_file]
        args = build_parser().parse_args(argv)
        args.open_file = Path(open_file) if open_file else None
    if args.home:
        os.environ["READER_HOME"] = str(Path(args.home).expanduser().resolve())
    if getattr(args, "self_test", False):
        from reader.selftest import run_self_test

        return run_self_test(Path(args.content) if args.content else bundled_content())
    handler = COMMANDS.get(args.command or "", cmd_gui)
    try:
        return handler(args)
    except (ContentError, UsageError) as exc:
        return _fail(str(exc))
    except BrokenPipeError:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (keeps interpreter shutdown quiet)
        return 0
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        return _fail(f"{exc.strerror or exc}{where}.")
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last guard: one sentence for the user, details in the log
        log = _log_traceback()
        return _fail(f"an unexpected error stopped the command ({exc}); details are in {log}.")


def _file_argument(argv: list[str]) -> str | None:
    """`reader FILE.pdf` opens the app with that file: the system's handler for PDFs and decks."""
    positional = [a for a in argv if not a.startswith("-")]
    if not positional or positional[0] in COMMANDS:
        return None
    candidate = positional[0]
    if Path(candidate).suffix.lower() in (".pdf", ".pptx") or Path(candidate).is_file():
        return candidate
    return None


def _log_traceback() -> Path:
    import traceback

    path = UserDirs.for_home().cache / "reader.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(traceback.format_exc() + "\n")
    except OSError:
        pass
    return path


def _fail(message: str) -> int:
    message = message.strip()
    if message and message[0].islower():
        message = message[0].upper() + message[1:]
    print(f"reader: {message}", file=sys.stderr)
    return 2
