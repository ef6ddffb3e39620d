"""The airlock: open an untrusted file in a child process before the app touches it.

MuPDF is C code; a hostile or merely broken PDF can crash it, and a crash in the app's own
process would take the reader (and unsaved notes) down with it. So a file from outside is first
inspected, and its text extracted, in a short-lived child process running this module. The child
answers with one JSON object on stdout; if it dies, hangs or answers garbage, the parent raises
:class:`DocumentError` with one plain sentence and carries on.

Run by hand: ``python -m reader.core.safeopen FILE`` prints what :func:`inspect_file` finds.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from reader.core import checker_process
from reader.core.checker_process import CHILD_FLAG
from reader.core.errors import DEFAULT_TIMEOUT, DocumentError, PasswordRequired
from reader.core.model import Block, block_from_dict, block_to_dict

# The readers of PDFs (PyMuPDF) and decks are imported where they run: in the child (which
# loads them before its request comes, see child_main) or by an explicit in-process call.
# The app's own process only sends requests and reads answers, and importing PyMuPDF there
# cost `reader add` a quarter of a second before the child could even be asked.

EXAMINED = "examined"  # placeholder document id of blocks from examine_in_subprocess
# Tests only: "1" aborts the child, "hang" stalls it, "after-first-page" aborts after page 1.
CRASH_ENV = "READER_SAFEOPEN_TEST_CRASH"
CHILD_MEMORY_LIMIT = 3 * 1024**3  # address space for the child on Linux; a bomb hits this


def sniff_kind(path: Path) -> str | None:
    """ "pdf" or "pptx" by what the file holds (never by its name), or None for anything else.

    Only call on a regular file: opening a FIFO would block.
    """
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        return None
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        import zipfile

        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (OSError, zipfile.BadZipFile, ValueError):
            return None
        return "pptx" if "ppt/presentation.xml" in names else None
    return None


def _kind(path: Path) -> str:
    # By content only: a PDF named .pptx is a PDF. Any zip goes to the deck reader (it words a
    # broken or hostile deck best); open_pdf words anything else best.
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError:
        head = b""
    return "pptx" if b"%PDF-" not in head and head.startswith(b"PK") else "pdf"


def regular_file(path: Path | str, limit: int) -> tuple[Path, int]:
    """The resolved path and size of a user's file, or :class:`DocumentError` in one sentence.

    Links are followed first; devices, FIFOs, sockets and folders are refused before anything
    opens them (reading /dev/zero or a FIFO never ends), and so is a file over ``limit`` bytes.
    """
    path = Path(path)
    name = display_name(path)
    try:
        resolved = Path(os.path.realpath(path))
        info = resolved.stat()
    except FileNotFoundError:
        raise DocumentError(f"{name} does not exist.") from None
    except (OSError, RuntimeError) as exc:
        raise DocumentError(
            f"{name} cannot be read ({getattr(exc, 'strerror', None) or exc})."
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise DocumentError(f"{name} is a folder, not a PDF or PowerPoint file.")
    if not stat.S_ISREG(info.st_mode):
        raise DocumentError(f"{name} is not a regular file (it is a device, pipe or socket).")
    if info.st_size > limit:
        raise DocumentError(f"{name} is larger than {limit // (1024 * 1024)} MB.")
    return resolved, info.st_size


def display_name(path: Path | str) -> str:
    """A file's name as the user knows it, also when it is not valid UTF-8 (never re-cased)."""
    name = Path(path).name or str(path)
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def inspect_file(path: Path | str, password: str | None = None) -> dict:
    """In this process: :func:`inspect_pdf` or :func:`inspect_deck`, by what the file holds."""
    path = Path(path)
    if _kind(path) == "pptx":
        from reader.core.slides import inspect_deck

        return inspect_deck(path)
    from reader.core.pdfinspect import inspect_pdf

    return inspect_pdf(path, password)


def extract_file(
    path: Path | str, document_id: str, tab_id: str, password: str | None = None
) -> list[Block]:
    """In this process: the blocks of a PDF or a deck."""
    path = Path(path)
    if _kind(path) == "pptx":
        from reader.core.slides import extract_slide_blocks

        return extract_slide_blocks(path, document_id, tab_id)
    from reader.core.pdfdoc import open_pdf
    from reader.core.pdfparagraphs import extract_blocks

    doc = open_pdf(path, password)
    try:
        return extract_blocks(doc, document_id, tab_id)
    finally:
        doc.close()


def examine_file(
    path: Path | str,
    password: str | None = None,
    on_open: Callable | None = None,
    parallel: bool = False,
) -> tuple[dict, list[Block]]:
    """In this process: what :func:`inspect_file` says and the blocks, from one reading.

    The blocks carry the placeholder id :data:`EXAMINED`. The text is read to the end (within
    :data:`DEFAULT_TIMEOUT`); a document that cannot be read in time is refused, not half added.
    ``on_open(doc)`` is called with an open PDF before its text is read. ``parallel`` reads a
    long PDF's pages on two cores by forking: only in the checking child.
    """
    path = Path(path)
    if _kind(path) == "pptx":
        from reader.core.slides import deck_blocks, deck_summary, open_deck

        deck = open_deck(path)
        return deck_summary(path, deck), deck_blocks(deck, EXAMINED, EXAMINED)
    from reader.core.pdfinspect import read_pdf

    return read_pdf(
        path,
        EXAMINED,
        password,
        timeout=DEFAULT_TIMEOUT,
        partial=False,
        on_open=on_open,
        parallel=parallel,
    )


@dataclass(frozen=True)
class FirstPage:
    """Page 1 of a file being checked, drawn by the child before it reads the text."""

    png: bytes
    pages: int
    size: tuple[float, float]  # the page's size in points


def first_page_from(data: dict) -> FirstPage:
    import base64

    width, height = (float(v) for v in data["size"])
    return FirstPage(base64.b64decode(data["png"]), int(data["pages"]), (width, height))


FIRST_PAGE_WIDTH = 1000  # pixels of the early picture of page 1: shown for a second or two
FIRST_PAGE_MAX_HEIGHT = 2000


def _send_first_page(doc) -> None:
    """In the child: page 1 as a PNG, on its own line of stdout, before the text is read.

    Only a picture to look at meanwhile: a page 1 that cannot be drawn sends nothing, and the
    text decides whether the file is accepted, as before.
    """
    import base64

    import pymupdf

    try:
        if doc.page_count < 1:
            return
        page = doc[0]
        width, height = max(1.0, page.rect.width), max(1.0, page.rect.height)
        # Fit width, but never a picture taller than FIRST_PAGE_MAX_HEIGHT (a strip-shaped page
        # would otherwise make hundreds of megabytes of pixels).
        scale = min(FIRST_PAGE_WIDTH / width, FIRST_PAGE_MAX_HEIGHT / height)
        pixmap = page.get_pixmap(matrix=pymupdf.Matrix(scale, scale), alpha=False)
        png = pixmap.tobytes("png")
    except Exception:  # MuPDF raises many kinds; the picture is optional
        return
    message = {
        "first_page": {
            "png": base64.b64encode(png).decode("ascii"),
            "pages": doc.page_count,
            "size": [page.rect.width, page.rect.height],
        }
    }
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()
    if os.environ.get(CRASH_ENV) == "after-first-page":
        os.abort()  # tests: MuPDF dying on a later page, after page 1 was shown


# --------------------------------------------------------------------------- the parent


def _run_child(
    request: dict, path: Path, timeout: float, on_message: Callable[[dict], None] | None = None
) -> object:
    """Send ``request`` to a child and return its result. Lines the child writes before its
    answer (page 1's picture) go to ``on_message`` as they arrive."""
    name = display_name(path)
    stopped = f"{name} could not be opened: the PDF library stopped while reading it."
    warm = checker_process.take()  # started early for this check, or None
    deadline = time.monotonic() + timeout
    while True:
        try:
            child = warm or checker_process.start()
        except OSError as exc:
            raise DocumentError(f"{name} could not be checked ({exc.strerror or exc}).") from None
        try:
            # The password travels on stdin, not in argv.
            child.stdin.write(json.dumps(request).encode())
            child.stdin.close()
            break
        except OSError:  # it died before reading the request: that is no verdict on the file
            _stop(child)
            if warm is None:
                raise DocumentError(stopped) from None
            warm = None  # an early child that died waiting: start a fresh one
    try:
        answer_line = _read_answer(child, deadline, on_message)
    except TimeoutError:
        _stop(child)
        raise DocumentError(stopped) from None
    try:
        answer = json.loads(answer_line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DocumentError(stopped) from None
    if not isinstance(answer, dict) or child.returncode not in (0, 1):
        raise DocumentError(stopped)
    if answer.get("ok") is True and "result" in answer:
        return answer["result"]
    message = str(answer.get("error") or stopped)
    if answer.get("password"):
        raise PasswordRequired(message)
    raise DocumentError(message)


def _stop(child: subprocess.Popen) -> None:
    child.kill()
    with contextlib.suppress(OSError, ValueError):
        child.stdout.close()
    child.wait()


def _read_answer(
    child: subprocess.Popen, deadline: float, on_message: Callable[[dict], None] | None
) -> bytes:
    """The child's last line (its answer), read until ``deadline`` (TimeoutError after it).

    A thread reads the pipe (Windows pipes cannot be polled). The child ends each message
    with a newline and writes its answer without one.
    """
    lines: queue.Queue[bytes | None] = queue.Queue()

    def pump() -> None:
        with contextlib.suppress(OSError, ValueError):
            for line in child.stdout:
                lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, name="safeopen-reader", daemon=True).start()
    answer = b""
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError from None
        if line is None:
            break
        if not line.endswith(b"\n"):
            answer = line
        elif on_message is not None:
            with contextlib.suppress(ValueError, TypeError):
                message = json.loads(line)
                if isinstance(message, dict):
                    on_message(message)
    try:
        child.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise TimeoutError from None
    return answer


READ_TIMEOUT_S = 20.0  # the reader's own limit on reading text (partial results after it)
PROBE_TIMEOUT_S = 45.0  # the child's limit: well past READ_TIMEOUT_S, so partial results arrive


def probe_file(
    path: Path | str, timeout: float = PROBE_TIMEOUT_S, password: str | None = None
) -> dict:
    """:func:`inspect_file` in a child process; raises :class:`DocumentError` if it fails.

    The child's text reading stops at :data:`READ_TIMEOUT_S` and reports what it read
    (``complete`` is then false); only a child that hangs past ``timeout`` is killed.
    """
    path = Path(path).resolve()
    result = _run_child({"op": "inspect", "path": str(path), "password": password}, path, timeout)
    if not isinstance(result, dict):
        raise DocumentError(
            f"{display_name(path)} could not be opened: the PDF library stopped while reading it."
        )
    return result


def examine_in_subprocess(
    path: Path | str,
    timeout: float = 120.0,
    password: str | None = None,
    on_first_page: Callable[[FirstPage], None] | None = None,
) -> tuple[dict, list[Block]]:
    """Inspect and extract in ONE child process (one start-up instead of two).

    The blocks carry the placeholder document and tab id ``EXAMINED``; the caller, which
    decides the document's id from what the inspection says, renames them with
    :func:`rebase_blocks`.
    """
    path = Path(path).resolve()
    request = {
        "op": "examine",
        "path": str(path),
        "password": password,
        "first_page": on_first_page is not None,
    }

    blocks: list[Block] = []
    bad: list[object] = []

    def on_message(message: dict) -> None:
        # The blocks come one per line, so neither process holds the whole text as one JSON
        # string (a 13 MB-text PDF's answer was tens of megabytes in each).
        if "block" in message:
            try:
                blocks.append(block_from_dict(message["block"]))
            except (TypeError, KeyError, ValueError) as exc:
                bad.append(exc)
            return
        page = message.get("first_page")
        if on_first_page is not None and isinstance(page, dict):
            with contextlib.suppress(KeyError, TypeError, ValueError):
                on_first_page(first_page_from(page))

    result = _run_child(request, path, timeout, on_message)
    if bad or not isinstance(result, dict) or result.get("blocks") != len(blocks):
        raise DocumentError(
            f"{display_name(path)} could not be opened: the PDF library stopped while reading it."
        )
    return result["info"], blocks


def rebase_blocks(
    blocks: list[Block], document_id: str, tab_id: str, old_id: str = EXAMINED
) -> list[Block]:
    """Blocks named for ``old_id`` (the placeholder, by default) renamed for their document."""
    prefix = old_id + "."
    return [
        replace(
            block,
            id=document_id + "." + block.id[len(prefix) :]
            if block.id.startswith(prefix)
            else block.id,
            document=document_id,
            tab=tab_id,
        )
        for block in blocks
    ]


# --------------------------------------------------------------------------- the child

_in_child = False  # set by child_main: this process is a checking child


def _limit_memory() -> None:
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = (
            CHILD_MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(hard, CHILD_MEMORY_LIMIT)
        )
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass  # not on Linux/macOS, or not allowed: the timeout still bounds the child


def _answer(request: dict) -> dict:
    hook = os.environ.get(CRASH_ENV)
    if hook == "1":
        os.abort()  # stands in for MuPDF dying on a hostile file
    if hook == "hang":
        import time

        time.sleep(3600)
    path = Path(request["path"])
    password = request.get("password")
    try:
        os.fsencode(path).decode("utf-8")
    except UnicodeDecodeError:
        # The PDF library wants UTF-8 names: read a file whose name is not through a plain link.
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            link = Path(folder) / ("file" + path.suffix.encode("ascii", "ignore").decode())
            os.symlink(path, link)
            try:
                return _answer({**request, "path": str(link)})
            except DocumentError as exc:
                again = PasswordRequired if isinstance(exc, PasswordRequired) else DocumentError
                raise again(str(exc).replace(link.name, display_name(path))) from None
    if request.get("op") == "examine":
        early = _send_first_page if request.get("first_page") else None
        info, blocks = examine_file(path, password, on_open=early, parallel=_in_child)
        for block in blocks:  # one line each: see examine_in_subprocess
            sys.stdout.write(json.dumps({"block": block_to_dict(block)}) + "\n")
        return {"ok": True, "result": {"info": info, "blocks": len(blocks)}}
    return {"ok": True, "result": inspect_file(path, password)}


def child_main(argv: list[str] | None = None) -> int:
    """Entry point of the child: a JSON request on stdin (with CHILD_FLAG), or a FILE argument."""
    global _in_child
    argv = sys.argv[1:] if argv is None else argv
    _limit_memory()
    # Loaded before the request is read: a child started early (checker_process.prestart)
    # has them ready when the request comes.
    import reader.core.pdfinspect
    import reader.core.slides  # noqa: F401

    if argv and argv[0] == CHILD_FLAG:
        _in_child = True  # a process of its own, without threads: it may fork to read
        try:
            request = json.loads(sys.stdin.read())
        except json.JSONDecodeError:
            request = {}
    elif argv:
        request = {"op": "inspect", "path": argv[0]}
    else:
        print("usage: python -m reader.core.safeopen FILE", file=sys.stderr)
        return 2
    try:
        answer = _answer(request)
        code = 0
    except PasswordRequired as exc:
        answer, code = {"ok": False, "error": str(exc), "password": True}, 1
    except DocumentError as exc:
        answer, code = {"ok": False, "error": str(exc)}, 1
    except MemoryError:
        name = Path(str(request.get("path", "The file"))).name
        answer, code = {"ok": False, "error": f"{name} needs more memory than allowed to read."}, 1
    except Exception:
        name = Path(str(request.get("path", "The file"))).name
        answer = {"ok": False, "error": f"{name} could not be read because of an internal error."}
        code = 1
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()
    return code


if __name__ == "__main__":
    sys.exit(child_main())
