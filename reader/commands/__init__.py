"""The command line's sub-commands, one module per command group.

Each group module exposes ``add_parser(commands, common) -> None``: it registers its
sub-command(s) on ``commands`` (the ``add_subparsers`` object) with ``parents=[common]`` and sets
``set_defaults(handler=run)``; a handler is ``def run(args: argparse.Namespace) -> int``.
:mod:`reader.commands.common` holds what they share. :mod:`reader.cli` assembles the parser
from :data:`GROUPS` in this order (the order ``reader --help`` lists them).
"""

from __future__ import annotations

GROUPS = (
    "blocks",
    "screenshot",
    "inspect",
    "search",
    "index",
    "add",
    "documents",
    "notes",
    "print",
)
