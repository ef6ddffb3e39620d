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
    _global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, suppress=True)

    blocks = commands.add_parser("blocks", parents=[common], help="list every block of text")
    blocks.add_argument("--json", action="store_true", help="print JSON")

    shot = commands.add_parser(
        "screenshot", parents=[common], help="save a picture of the main window"
    )
    shot.add_argument("--tab", metavar="ID", help="the tab to show")
    shot.add_argument("--size", metavar="WxH", default="1100x760", help="window size in pixels")
    shot.add_argument("--out", metavar="FILE.png", required=True, type=Path)
    return parser


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
    if args.tab and args.tab not in {t.id for t in pack.tabs}:
        raise UsageError(
            f"there is no tab '{args.tab}'; the tabs are {', '.join(t.id for t in pack.tabs)}."
        )
    from reader.ui.app import take_screenshot

    take_screenshot(pack, user_dirs(args), args.out, tab=args.tab, size=size)
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    pack = load_content(args)
    from reader.ui.app import run_gui

    return run_gui(pack, user_dirs(args))


COMMANDS = {"blocks": cmd_blocks, "screenshot": cmd_screenshot}


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.home:
        os.environ["READER_HOME"] = str(Path(args.home).expanduser().resolve())
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
