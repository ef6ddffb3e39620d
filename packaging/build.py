"""The build driver: freeze the app with PyInstaller, then prove the frozen folder works.

``python packaging/build.py`` (from any folder) installs PyInstaller if it is missing, builds
``packaging/leadership-reader.spec`` into ``build/`` and ``dist/`` at the project root, and then
smoke-tests ``dist/LeadershipReader`` the way a user and hospital IT would use it. A frozen build
fails in ways the test suite cannot see (a data file or Qt plugin left out, the safe-open child
not starting), so the build is only good when these checks pass. Exit status 1 if any fails.

``--skip-build`` re-runs only the smoke tests on an existing ``dist/``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
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

    return [
        timed(f"{APP_NAME} --version", version),
        timed("blocks --json (bundled content/)", blocks),
        timed("inspect PDF --json (frozen safe-open child)", inspect),
        timed("inspect PPTX --json (python-pptx in child)", inspect_deck),
        timed("--safeopen-child, JSON on stdin", child_direct),
        timed("inspect a non-PDF: one-line error", refuses_bad_file),
        timed("screenshot (Qt plugins, assets/)", screenshot),
        timed("reader --version (console exe)", cli_version),
    ]


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
    try:
        checks = smoke_tests(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(checks)
    size, count = bundle_size(BUNDLE)
    print(f"\nBundle: {BUNDLE.relative_to(ROOT)}  {size / 1024**2:.0f} MB in {count} files")
    failed = [c.name for c in checks if not c.ok]
    if failed:
        print(f"build.py: {len(failed)} smoke test(s) failed.", file=sys.stderr)
        return 1
    print("All smoke tests passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
