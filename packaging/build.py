"""The build driver: freeze the app with PyInstaller, then prove the frozen folder works.

``python packaging/build.py`` (from any folder) installs PyInstaller if it is missing, builds
``packaging/leadership-reader.spec`` into ``build/`` and ``dist/`` at the project root, and then
smoke-tests ``dist/LeadershipReader`` the way a user and hospital IT would use it. A frozen build
fails in ways the test suite cannot see (a data file or Qt plugin left out, the safe-open child
not starting), so the build is only good when these checks pass. Exit status 1 if any fails.

After the smoke tests it measures start-up (the frozen app against the source tree, in the same
run), prints what the bundle holds by component, and packs ``dist/LeadershipReader-<version>-
linux-x86_64.tar.gz`` with the README for IT and the desktop entry (Linux only).

``--skip-build`` re-runs only the smoke tests on an existing ``dist/``; ``--no-tar`` skips the
archive.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "leadership-reader.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build"
APP_NAME = "LeadershipReader"
BUNDLE = DIST / APP_NAME
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
APP_EXE = BUNDLE / (APP_NAME + EXE_SUFFIX)
CLI_EXE = BUNDLE / ("reader" + EXE_SUFFIX)
TIMEOUT = 180  # seconds per frozen command; a cold start on a slow disk is a few seconds
# Shipped beside the executables, where IT looks first (and inside _internal/ for Help ▸ About).
DOCS = ("LICENSE", "THIRD-PARTY.md")
LINUX = ROOT / "packaging" / "linux"


def ensure_pyinstaller() -> None:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print("PyInstaller is missing; installing it into this Python …", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "pyinstaller>=6"], check=True, cwd=ROOT
        )


def build() -> None:
    # --clean: a stale analysis cache has shipped a module that no longer exists before.
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(SPEC),
        "--noconfirm",
        "--clean",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        "--log-level",
        "WARN",
    ]
    print("$ " + " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT)
    for name in DOCS:
        shutil.copy2(ROOT / name, BUNDLE / name)


# --------------------------------------------------------------------------- smoke tests


@dataclass
class Check:
    name: str
    ok: bool
    seconds: float
    detail: str


def make_pdf(path: Path) -> Path:
    """A small two-page PDF with numbered paragraphs, made with the build Python's PyMuPDF."""
    import pymupdf

    doc = pymupdf.open()
    for page_number in range(2):
        page = doc.new_page()
        y = 72
        for n in range(1, 4):
            number = page_number * 3 + n
            text = f"{number} Doctors share leadership of the team; paragraph {number}."
            page.insert_text((72, y), text, fontsize=11)
            y += 24
    doc.set_metadata({"title": "Packaging smoke test"})
    doc.save(str(path))
    doc.close()
    return path


def make_deck(path: Path) -> Path:
    """A two-slide .pptx with speaker notes, made with the build Python's python-pptx."""
    from pptx import Presentation

    prs = Presentation()
    for number in (1, 2):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = f"Shared leadership {number}"
        slide.placeholders[1].text = "Doctors lead and follow."
        slide.notes_slide.notes_text_frame.text = f"Speaker notes {number}"
    prs.core_properties.title = "Packaging smoke test deck"
    prs.save(str(path))
    return path


def run_frozen(args: list[str], env: dict[str, str], stdin: str | None = None):
    return subprocess.run(
        args,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT,
        env=env,
        check=False,
    )


def timed(name: str, test) -> Check:
    started = time.perf_counter()
    try:
        ok, detail = test()
    except subprocess.TimeoutExpired:
        ok, detail = False, f"no answer within {TIMEOUT} s"
    except Exception as exc:  # a smoke test reports, it does not stop the others
        ok, detail = False, f"{type(exc).__name__}: {exc}"
    return Check(name, ok, time.perf_counter() - started, detail)


def _failed(done: subprocess.CompletedProcess) -> str:
    text = (done.stderr or done.stdout or "").strip().splitlines()
    return f"exit {done.returncode}: " + (text[-1] if text else "no output")


def smoke_tests(tmp: Path) -> list[Check]:
    # Everything the app writes goes to a throw-away home, never the builder's own profile.
    env = dict(os.environ, READER_HOME=str(tmp / "home"), QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)  # the frozen app must not lean on the source tree
    app = str(APP_EXE)
    pdf = make_pdf(tmp / "smoke.pdf")
    deck = make_deck(tmp / "smoke.pptx")
    png = tmp / "screenshot.png"

    def version():
        done = run_frozen([app, "--version"], env)
        text = (done.stdout + done.stderr).strip()
        return done.returncode == 0 and "Leadership Reader" in text, text or _failed(done)

    def blocks():
        done = run_frozen([app, "blocks", "--json"], env)
        if done.returncode != 0:
            return False, _failed(done)
        items = json.loads(done.stdout)
        tabs = {item.get("tab") for item in items}
        ok = "guidance" in tabs
        return ok, f"{len(items)} blocks, tabs: {', '.join(sorted(t for t in tabs if t))}"

    def inspect():
        # The parent is the frozen exe; probe_file starts [sys.executable, --safeopen-child],
        # i.e. the frozen exe again, so this passes only if that path works end to end.
        done = run_frozen([app, "inspect", str(pdf), "--json"], env)
        if done.returncode != 0:
            return False, _failed(done) + " " + done.stdout.strip()[:200]
        report = json.loads(done.stdout)
        ok = report.get("kind") == "pdf" and report.get("pages") == 2
        paragraphs = (report.get("paragraphs") or {}).get("count")
        return ok, f"kind {report.get('kind')}, {report.get('pages')} pages, {paragraphs} paras"

    def inspect_deck():
        # python-pptx and lxml in the child; pptx also reads its bundled templates/ here.
        done = run_frozen([app, "inspect", str(deck), "--json"], env)
        if done.returncode != 0:
            return False, _failed(done) + " " + done.stdout.strip()[:200]
        report = json.loads(done.stdout)
        ok = report.get("kind") == "pptx" and report.get("slides") == 2
        return ok, f"kind {report.get('kind')}, {report.get('slides')} slides"

    def child_direct():
        # The child protocol on its own: one JSON request on stdin, one JSON answer on stdout.
        request = json.dumps({"op": "inspect", "path": str(pdf)})
        done = run_frozen([app, "--safeopen-child"], env, stdin=request)
        answer = json.loads(done.stdout or "{}")
        ok = done.returncode == 0 and answer.get("ok") is True
        return ok, "answered ok" if ok else _failed(done) + " " + done.stdout[:200]

    def index_child_direct():
        # A document added in the window is indexed by the frozen exe re-run with this flag.
        blocks = tmp / "smoke.blocks.json"
        block = {
            "id": "smoke.p1",
            "document": "smoke",
            "tab": "background",
            "section": "s",
            "section_title": "Smoke",
            "kind": "pdf-paragraph",
            "text": "A smoke test paragraph about rota gaps.",
        }
        blocks.write_text(json.dumps([block]), encoding="utf-8")
        request = {
            "index_dir": str(tmp / "child-index"),
            "synonyms": [],
            "blocks_file": str(blocks),
            "document": "smoke",
            "tab": "background",
            "title": "Smoke",
        }
        done = run_frozen([app, "--index-child"], env, stdin=json.dumps(request))
        answer = json.loads(done.stdout or "{}")
        ok = done.returncode == 0 and answer.get("ok") is True and answer.get("written") == 1
        return ok, "indexed 1 block" if ok else _failed(done) + " " + done.stdout[:200]

    def refuses_bad_file():
        bad = tmp / "not-a.pdf"
        bad.write_bytes(b"this is not a PDF")
        done = run_frozen([app, "inspect", str(bad), "--json"], env)
        answer = json.loads(done.stdout or "{}")
        ok = done.returncode == 2 and "error" in answer
        return ok, answer.get("error", _failed(done))[:70]

    def screenshot():
        done = run_frozen([app, "screenshot", "--out", str(png)], env)
        if done.returncode != 0:
            return False, _failed(done)
        data = png.read_bytes() if png.is_file() else b""
        ok = data.startswith(b"\x89PNG") and len(data) > 10_000
        return ok, f"{len(data) // 1024} KB PNG (offscreen Qt platform plugin)"

    def cli_version():
        done = run_frozen([str(CLI_EXE), "--version"], env)
        text = (done.stdout + done.stderr).strip()
        return done.returncode == 0 and "Leadership Reader" in text, text or _failed(done)

    def self_test():
        # The command IT runs after installing: content, index, search, render, child, print.
        done = run_frozen([str(CLI_EXE), "--self-test"], env)
        lines = done.stdout.strip().splitlines()
        print("\n".join("    " + line for line in lines), flush=True)
        return done.returncode == 0, (lines[-1] if lines else _failed(done))

    def add_pdf():
        # Library.add hashes the file: proves hashlib works without OpenSSL's _hashlib.
        done = run_frozen([str(CLI_EXE), "add", str(pdf)], env)
        text = (done.stdout or done.stderr).strip()
        return done.returncode == 0, text.splitlines()[0][:70] if text else _failed(done)

    def portable():
        return check_portable(tmp)

    return [
        timed(f"{APP_NAME} --version", version),
        timed("blocks --json (bundled content/)", blocks),
        timed("inspect PDF --json (frozen safe-open child)", inspect),
        timed("inspect PPTX --json (python-pptx in child)", inspect_deck),
        timed("--safeopen-child, JSON on stdin", child_direct),
        timed("--index-child, JSON on stdin", index_child_direct),
        timed("inspect a non-PDF: one-line error", refuses_bad_file),
        timed("screenshot (Qt plugins, assets/)", screenshot),
        timed("reader --version (console exe)", cli_version),
        timed("reader --self-test (frozen)", self_test),
        timed("reader add PDF (library, hashing)", add_pdf),
        timed("portable.txt: writes only data/ beside it", portable),
    ]


def _clean_user_env(fake_home: Path) -> dict[str, str]:
    """An environment whose per-user folders all point into ``fake_home``."""
    env = {k: v for k, v in os.environ.items() if k not in ("READER_HOME", "PYTHONPATH")}
    env.update(
        HOME=str(fake_home),
        XDG_CONFIG_HOME=str(fake_home / ".config"),
        XDG_DATA_HOME=str(fake_home / ".local" / "share"),
        XDG_CACHE_HOME=str(fake_home / ".cache"),
        APPDATA=str(fake_home / "AppData" / "Roaming"),
        LOCALAPPDATA=str(fake_home / "AppData" / "Local"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)  # hard links: a 250 MB copy in a blink on the same disk
    except OSError:
        shutil.copy2(source, target)


def _remove_tree(folder: Path) -> None:
    """rmtree that also removes read-only files (Windows refuses to delete those)."""

    def retry(function, path, _exc_info) -> None:
        os.chmod(path, 0o700)
        function(path)

    if folder.exists():
        shutil.rmtree(folder, onerror=retry)


def check_portable(tmp: Path) -> tuple[bool, str]:
    """A copy of the bundle with portable.txt keeps the index in data/, not in the user's home."""
    copy = WORK / "portable-check" / APP_NAME
    _remove_tree(copy.parent)
    shutil.copytree(BUNDLE, copy, symlinks=True, copy_function=_link_or_copy)
    # The copy's folders are its own (files are hard links): make them writable, so the marker
    # can be written beside the exe and the copy removed afterwards, even as a normal user.
    for folder in [copy, *(p for p in copy.rglob("*") if p.is_dir() and not p.is_symlink())]:
        folder.chmod(folder.stat().st_mode | 0o700)
    try:
        (copy / "portable.txt").write_text("Keep everything in data/ beside me.\n", "utf-8")
        fake_home = tmp / "user-profile"
        fake_home.mkdir()
        exe = copy / ("reader" + EXE_SUFFIX)
        done = run_frozen([str(exe), "index"], _clean_user_env(fake_home))
        if done.returncode != 0:
            return False, _failed(done)
        index = copy / "data" / "cache" / "index"
        leaked = [str(p.relative_to(fake_home)) for p in fake_home.rglob("*") if p.is_file()]
        if leaked:
            return False, f"wrote into the user profile: {', '.join(leaked[:3])}"
        return index.is_dir(), f"index in {index.relative_to(copy)}" if index.is_dir() else (
            "no index under data/"
        )
    finally:
        _remove_tree(copy.parent)


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every path in ``folder`` with its size and modification time."""
    return {
        str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
        for p in [folder, *folder.rglob("*")]
    }


def set_read_only(folder: Path, read_only: bool) -> None:
    """chmod the bundle read-only (or back). Root ignores it, hence the snapshot as well."""
    for p in [folder, *folder.rglob("*")]:
        if p.is_symlink():
            continue
        mode = p.stat().st_mode
        if read_only:
            p.chmod(mode & ~0o222)
        else:
            p.chmod(mode | 0o200)


def read_only_check(before: dict[str, tuple[int, int]]) -> Check:
    after = snapshot(BUNDLE)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    detail = "nothing written" if not changed else "changed: " + ", ".join(changed[:4])
    return Check("install folder never written (read-only)", not changed, 0.0, detail)


# --------------------------------------------------------------------------- measurements


def _median_seconds(command: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, timeout=TIMEOUT, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure_startup(tmp: Path, runs: int = 3) -> list[tuple[str, float, float]]:
    """Frozen against source, same machine, same run: (what, frozen s, source s)."""
    env = dict(os.environ, READER_HOME=str(tmp / "bench-home"), QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONPATH", None)
    source_env = dict(env, PYTHONPATH=str(ROOT))
    source = [sys.executable, "-m", "reader"]
    png = str(tmp / "bench.png")
    rows = []
    for label, args in (
        ("--version (interpreter start)", ["--version"]),
        ("blocks --json (content, no Qt)", ["blocks", "--json"]),
        ("screenshot (Qt start, window, paint)", ["screenshot", "--out", png]),
    ):
        # One warm-up each, so both read from the page cache rather than one from disk.
        _median_seconds([str(CLI_EXE), *args], env, 1)
        _median_seconds([*source, *args], source_env, 1)
        frozen = _median_seconds([str(CLI_EXE), *args], env, runs)
        from_source = _median_seconds([*source, *args], source_env, runs)
        rows.append((label, frozen, from_source))
    return rows


def sizes_by_component(folder: Path) -> list[tuple[str, int]]:
    """Bytes per component of the bundle, largest first."""
    groups = {
        "Qt ICU data and libraries": ("PySide6/Qt/lib/libicu",),
        "Qt libraries": ("PySide6/Qt/lib/",),
        "Qt plugins": ("PySide6/Qt/plugins/",),
        "PySide6 bindings, shiboken6": ("PySide6/", "shiboken6/"),
        "PyMuPDF / MuPDF": ("pymupdf/",),
        "Pillow": ("PIL/", "pillow.libs/"),
        "lxml": ("lxml/",),
        "Python (libpython, stdlib, extensions)": ("libpython", "python3", "base_library.zip"),
        "content/ and assets/": ("content/", "assets/"),
    }
    totals: dict[str, int] = {}
    for p in folder.rglob("*"):
        if not p.is_file() or p.is_symlink():
            continue
        rel = p.relative_to(folder).as_posix().removeprefix("_internal/")
        name = next(
            (g for g, prefixes in groups.items() if rel.startswith(prefixes)),
            "system libraries and the rest",
        )
        totals[name] = totals.get(name, 0) + p.stat().st_size
    return sorted(totals.items(), key=lambda item: -item[1])


def make_tarball() -> Path:
    """dist/LeadershipReader-<version>-linux-<arch>.tar.gz: the folder, README for IT, .desktop."""
    sys.path.insert(0, str(ROOT))
    from reader import __version__

    name = f"{APP_NAME}-{__version__}-linux-{platform.machine()}"
    out = DIST / f"{name}.tar.gz"
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(BUNDLE, arcname=f"{name}/{APP_NAME}")
        for extra in sorted(LINUX.iterdir()):
            if extra.is_file():
                tar.add(extra, arcname=f"{name}/{extra.name}")
    return out


def bundle_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]
    return sum(p.stat().st_size for p in files), len(files)


def print_table(checks: list[Check]) -> None:
    width = max(len(c.name) for c in checks)
    print(f"\n{'check':<{width}}  result  time    detail")
    print(f"{'-' * width}  ------  ------  {'-' * 40}")
    for c in checks:
        result = "ok" if c.ok else "FAIL"
        print(f"{c.name:<{width}}  {result:<6}  {c.seconds:5.1f}s  {c.detail}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--skip-build", action="store_true", help="only smoke-test the existing dist/ folder"
    )
    parser.add_argument("--no-tar", action="store_true", help="do not pack the Linux .tar.gz")
    parser.add_argument(
        "--no-bench", action="store_true", help="skip the start-up timing (frozen vs source)"
    )
    args = parser.parse_args(argv)
    if not args.skip_build:
        ensure_pyinstaller()
        started = time.perf_counter()
        try:
            build()
        except subprocess.CalledProcessError as exc:
            print(f"build.py: PyInstaller failed (exit {exc.returncode}).", file=sys.stderr)
            return 1
        print(f"Built in {time.perf_counter() - started:.0f} s.")
    if not APP_EXE.is_file():
        print(f"build.py: {APP_EXE} is missing; build first.", file=sys.stderr)
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="reader-smoke-"))
    before = snapshot(BUNDLE)
    set_read_only(BUNDLE, True)
    try:
        checks = smoke_tests(tmp)
        checks.append(read_only_check(before))
        startup = [] if args.no_bench else measure_startup(tmp)
    finally:
        set_read_only(BUNDLE, False)
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(checks)
    if startup:
        print(f"\n{'start-up, median of 3':<38}  frozen  source")
        for label, frozen, from_source in startup:
            print(f"{label:<38}  {frozen:5.2f}s  {from_source:5.2f}s")
    size, count = bundle_size(BUNDLE)
    print(f"\nBundle: {BUNDLE.relative_to(ROOT)}  {size / 1024**2:.0f} MB in {count} files")
    for name, size in sizes_by_component(BUNDLE):
        print(f"  {size / 1024**2:6.1f} MB  {name}")
    failed = [c.name for c in checks if not c.ok]
    if failed:
        print(f"build.py: {len(failed)} smoke test(s) failed.", file=sys.stderr)
        return 1
    print("All smoke tests passed.")
    if sys.platform.startswith("linux") and not args.no_tar:
        started = time.perf_counter()
        out = make_tarball()
        print(
            f"Packed {out.relative_to(ROOT)}: {out.stat().st_size / 1024**2:.0f} MB "
            f"in {time.perf_counter() - started:.0f} s."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
