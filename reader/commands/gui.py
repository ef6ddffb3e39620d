"""The app itself: what a plain ``reader`` (or ``reader FILE.pdf``) starts. Not a sub-command."""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.commands.common import user_dirs
from reader.paths import bundled_content


def run(args: argparse.Namespace) -> int:
    dirs = user_dirs(args)
    open_file = getattr(args, "open_file", None)
    # A copy already open on these folders takes the file (reader/core/instance.py): done
    # before anything slow is started or imported, so a double-click answers at once.
    from reader.core.instance import hand_off

    launch = hand_off(dirs.data, open_file)
    if launch.handed_off:
        return 0
    if open_file is not None and not _probably_in_library(Path(open_file), dirs.library):
        # A new file will be checked in a child process: start that child now, on the other
        # core, while this process builds the window.
        from reader.core import checker_process

        checker_process.prestart()
    # Started from a shortcut, nobody sees stderr: whatever goes wrong opens a window saying it.
    from reader.ui.app import run_gui_from

    root = Path(args.content) if getattr(args, "content", None) else bundled_content()
    return run_gui_from(root, dirs, open_file=open_file, launch=launch)


def _probably_in_library(path: Path, library_folder: Path) -> bool:
    """Whether a document of the same size is in the library (then no child is needed: the
    library finds it by its checksum). Cheap: one small JSON file and one stat."""
    from reader.core.library_store import read_record

    try:
        size = path.stat().st_size
    except OSError:
        return False
    record = read_record(library_folder / "library.json")
    return record is not None and any(doc.size == size for doc in record.documents)
