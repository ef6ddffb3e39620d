"""What the command modules share: the usage error, the content pack, the user folders, services.

Kept free of Qt so ``reader blocks`` and ``reader search`` run without a display.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.core.content import load_pack
from reader.core.model import ContentPack
from reader.paths import UserDirs, bundled_content


class UsageError(Exception):
    """A user mistake on the command line; reported as one sentence, exit status 2."""


def load_content(args: argparse.Namespace) -> ContentPack:
    """The pack named by ``--content``, or the bundled one."""
    root = Path(args.content) if getattr(args, "content", None) else bundled_content()
    return load_pack(root, cache_dir=user_dirs(args).cache)


def user_dirs(args: argparse.Namespace) -> UserDirs:
    """The user's folders, under ``--home`` in portable mode."""
    return UserDirs.for_home(getattr(args, "home", None))


def open_services(args: argparse.Namespace):  # -> reader.core.services.Services
    """The library and the search index, for the commands that need them."""
    from reader.core.services import Services

    return Services.open(load_content(args), user_dirs(args))
