"""The app itself: what a plain ``reader`` (or ``reader FILE.pdf``) starts. Not a sub-command."""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.commands.common import user_dirs
from reader.paths import bundled_content


def run(args: argparse.Namespace) -> int:
    if getattr(args, "open_file", None) is not None:
        # A file to open is probably new, so it will be checked in a child process: start that
        # child now, on the other core, while this process builds the window.
        from reader.core import checker_process

        checker_process.prestart()
    # Started from a shortcut, nobody sees stderr: whatever goes wrong opens a window saying it.
    from reader.ui.app import run_gui_from

    root = Path(args.content) if getattr(args, "content", None) else bundled_content()
    return run_gui_from(root, user_dirs(args), open_file=getattr(args, "open_file", None))
