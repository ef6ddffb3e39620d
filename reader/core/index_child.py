"""Adding a new document to the search index in a process of its own.

Writing a long document's postings holds them in memory until its segment is written: about
20 MB for a 500-page PDF, most of which Python keeps in its small-object arenas after they are
freed, so a window that added the document stayed that much bigger for the rest of the session
(issue 12). The window asks a short-lived child to do it instead. The child reads the blocks
from the library's file (already written, and a trusted file of the app's own), edits the index
under the same lock as any other writer, and ends; the window's searcher sees the new segment
at its next search. A child that cannot start or fails raises :class:`IndexChildError`, and the
caller indexes in its own process as before.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

INDEX_CHILD_FLAG = "--index-child"  # argv marker a frozen app's entry point hands to child_main
TIMEOUT_S = 300.0  # a huge document on a slow PC, and another copy's lock to wait for


class IndexChildError(RuntimeError):
    """The child did not add the document (one sentence; the caller falls back)."""


def add_in_child(
    index_dir: Path,
    synonyms: tuple[tuple[str, ...], ...],
    blocks_file: Path,
    document_id: str,
    tab_id: str,
    title: str,
) -> int:
    """Replace ``document_id``'s blocks in the index with those in ``blocks_file``; returns how
    many were written. Raises :class:`IndexChildError`."""
    request = {
        "index_dir": str(index_dir),
        "synonyms": [list(group) for group in synonyms],
        "blocks_file": str(blocks_file),
        "document": document_id,
        "tab": tab_id,
        "title": title,
    }
    from reader.core.checker_process import app_child_command

    argv, env = app_child_command("reader.core.index_child", INDEX_CHILD_FLAG)
    try:
        done = subprocess.run(
            argv,
            input=json.dumps(request),
            capture_output=True,
            text=True,
            env=env,
            timeout=TIMEOUT_S,
        )
        answer = json.loads(done.stdout or "{}")
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise IndexChildError(f"The search index could not be edited in a child: {exc}") from exc
    if not isinstance(answer, dict) or not answer.get("ok"):
        error = answer.get("error") if isinstance(answer, dict) else None
        raise IndexChildError(error or "The search index could not be edited in a child.")
    return int(answer.get("written", 0))


def child_main(argv: list[str] | None = None) -> int:
    """Entry point of the child: one JSON request on stdin, one JSON answer on stdout."""
    try:
        request = json.loads(sys.stdin.read())
        written = _add(request)
        answer, code = {"ok": True, "written": written}, 0
    except Exception as exc:  # any failure is the caller's cue to index in its own process
        answer, code = {"ok": False, "error": f"The search index could not be edited: {exc}"}, 1
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()
    return code


def _add(request: dict) -> int:
    from reader.core.model import block_from_dict
    from reader.core.safeopen import rebase_blocks
    from reader.core.search import SearchIndex

    document, tab = str(request["document"]), str(request["tab"])
    data = json.loads(Path(request["blocks_file"]).read_text(encoding="utf-8"))
    blocks = [block_from_dict(entry) for entry in data]
    if blocks and blocks[0].document != document:
        blocks = rebase_blocks(blocks, document, tab, old_id=blocks[0].document)
    index = SearchIndex(Path(request["index_dir"]), request.get("synonyms") or ())
    try:
        index.remove_document(document)
        return index.add_blocks(blocks, "documents", {document: str(request["title"])})
    finally:
        index.close()


if __name__ == "__main__":
    sys.exit(child_main())
