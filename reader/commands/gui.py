"""The app itself: what a plain ``reader`` (or ``reader FILE.pdf``) starts. Not a sub-command."""

from __future__ import annotations

import argparse

from reader.commands.common import load_content, user_dirs
from reader.core.errors import ContentError


def run(args: argparse.Namespace) -> int:
    try:
        pack = load_content(args)
    except ContentError as exc:
        # Started from a shortcut, nobody sees stderr: say it in a window too.
        from reader.ui.app import show_startup_error

        show_startup_error(str(exc))
        raise
    from reader.ui.app import run_gui

    return run_gui(pack, user_dirs(args), open_file=getattr(args, "open_file", None))
