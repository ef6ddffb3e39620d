"""``reader add``: add a document to the library (and to the search index)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from reader.commands.common import UsageError, open_services

log = logging.getLogger(__name__)


def add_parser(commands, common: argparse.ArgumentParser) -> None:
    add = commands.add_parser("add", parents=[common], help="add a document to your library")
    add.add_argument("file", type=Path)
    add.add_argument("--slot", metavar="ID", help="the document slot it fills")
    add.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from reader.core import checker_process
    from reader.core.errors import DocumentError
    from reader.core.library import LibraryError

    # The file is checked in a child process that spends its first 0.2 s starting Python and
    # PyMuPDF: start it now, on the other core, while this process loads the pack and library.
    checker_process.prestart()
    services = open_services(args)
    # The index is needed after the check: get it ready while this process waits for it.
    import threading

    ready = threading.Thread(target=_prepare_index, args=(services,), name="index", daemon=True)
    ready.start()
    try:
        result = services.library.add(args.file, slot_id=args.slot)
    except (LibraryError, DocumentError) as exc:
        raise UsageError(str(exc)) from None
    finally:
        ready.join()  # a refused file still leaves the index whole, not half written
    from reader.core.search import MSG_READ_ONLY_NONE, MSG_READ_ONLY_STALE

    try:
        status = (
            services.ensure_index()
            if result.status == "already-present"
            else services.index_document(result.document)
        )
        reason = None
        if status in (MSG_READ_ONLY_NONE, MSG_READ_ONLY_STALE):
            reason = "the search index folder cannot be written"
    except Exception as exc:  # the document is in; the index catches up at the next start
        reason = getattr(exc, "strerror", None) or str(exc)
    if reason:
        print(
            f"{result.message[:-1]}, but it could not be made searchable yet ({reason}); "
            "that happens at the next start."
        )
        return 0
    print(result.message)
    return 0


def _prepare_index(services) -> None:
    """Import the index's code (Whoosh) and, in a new home, build the index of the bundled
    text, so that only the new document is left to write once the check is done."""
    try:
        import reader.core.search  # noqa: F401

        if not services.library.current() and services.index.stored_fingerprint() is None:
            services.ensure_index()
    except Exception:  # the add's own index step tries again and says what went wrong
        log.debug("preparing the search index failed", exc_info=True)
