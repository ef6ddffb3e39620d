"""The command line: the app by default, and sub-commands for headless work.

Errors are one plain sentence on stderr with exit status 2; ``--json`` output goes to stdout.
Each command group lives in its own module under :mod:`reader.commands` (see its docstring for
the shape); this module assembles the parser and runs the chosen handler. Qt is imported only by
the commands that need it, so ``reader blocks`` runs without a display.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from reader import APP_NAME, __version__
from reader.commands import GROUPS
from reader.commands.common import UsageError
from reader.core.errors import ContentError


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


def build_parser(groups: tuple[str, ...] = GROUPS) -> argparse.ArgumentParser:
    """The parser of every command (``reader --help`` lists them), or of ``groups`` only."""
    parser = argparse.ArgumentParser(
        prog="reader",
        description=f"{APP_NAME}: an offline reader for the GMC guidance "
        "Leadership and management for all doctors (2012).",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    _global_options(parser, suppress=False)
    parser.add_argument(
        "--self-test", action="store_true", help="check this copy works, step by step; exit 0 or 1"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, suppress=True)
    for group in groups:
        importlib.import_module(f"reader.commands.{group}").add_parser(commands, common)
    return parser


def default_args() -> argparse.Namespace:
    """The arguments of a plain `reader` with no options: start the app."""
    return argparse.Namespace(command=None, home=None, content=None, open_file=None)


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The command line as a namespace; a file to open, wherever it stands, is ``open_file``."""
    if not argv:
        # The everyday start (a double-click): no options to parse, so skip building the parser.
        return default_args()
    where = _file_argument(argv)
    open_file = argv[where] if where is not None else None
    if where is not None:
        argv = argv[:where] + argv[where + 1 :]
    # `reader FILE`, the system's "Open with", has nothing else to parse either.
    args = build_parser(_groups_needed(argv)).parse_args(argv) if argv else default_args()
    args.open_file = Path(open_file) if open_file else None
    return args


def _groups_needed(argv: list[str]) -> tuple[str, ...]:
    """The command groups whose parsers ``argv`` needs: the one it names, none when it names
    no command (`reader --home DIR`), or all of them for help and for a word that is not a
    command (argparse's answer then lists the commands). Building every group's parser
    imports every command's module: about 40 ms, most of it for modules this run never uses.
    """
    if "-h" in argv or "--help" in argv:
        return GROUPS
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _VALUE_OPTIONS:
            skip = True
        elif arg == "--":
            return GROUPS
        elif not arg.startswith("-"):
            return (arg,) if arg in GROUPS else GROUPS
    return ()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--safeopen-child"]:
        # A frozen app re-runs itself to open untrusted files in a separate process.
        from reader.core.safeopen import child_main

        return child_main(argv)
    if argv[:1] == ["--index-child"]:
        # ... and to add a new document to the search index outside the window's process.
        from reader.core.index_child import child_main as index_child_main

        return index_child_main(argv)
    args = parse_arguments(argv)
    if args.home:
        os.environ["READER_HOME"] = str(Path(args.home).expanduser().resolve())
    if getattr(args, "self_test", False):
        from reader.paths import bundled_content
        from reader.selftest import run_self_test

        return run_self_test(Path(args.content) if args.content else bundled_content())
    handler = getattr(args, "handler", None)
    if handler is None:
        from reader.commands.gui import run as handler
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
        from reader.core.errorlog import log_exception

        log = log_exception(exc, "command failed")
        return _fail(f"An unexpected error stopped the command ({exc}); details are in {log}.")


# Global options that take a value: their value is never the file to open, whatever it looks like.
_VALUE_OPTIONS = ("--home", "--content")


def _file_argument(argv: list[str]) -> int | None:
    """Where in ``argv`` the file of `reader [OPTIONS] FILE.pdf` stands, if there is one.

    This is the system's handler for PDFs and decks, and portable or Citrix launchers put their
    options first (`reader --home DIR --content DIR2 FILE`), so option values are skipped.
    """
    skip = False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg in _VALUE_OPTIONS:
            skip = True
            continue
        if arg == "--":
            return None
        if arg.startswith("-"):
            continue
        if arg in GROUPS:
            return None
        path = Path(arg)
        return i if path.suffix.lower() in (".pdf", ".pptx") or path.is_file() else None
    return None


def _fail(message: str) -> int:
    # Never re-case the message: it often starts with a file name ("encrypted.pdf is ...").
    message = message.strip()
    print(f"reader: {message}", file=sys.stderr)
    return 2
