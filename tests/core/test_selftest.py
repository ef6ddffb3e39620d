"""``reader --self-test`` as hospital IT runs it after installing: a line per step, exit 0 or 1."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from reader.selftest import run_self_test
from tests.conftest import ROOT

STEPS = ("content", "index", "search", "render", "safe-open", "print")


def _self_test(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args, "--self-test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_self_test_passes_every_step_with_its_time(content_dir: Path) -> None:
    out = io.StringIO()
    assert run_self_test(content_dir, out=out) == 0
    lines = out.getvalue().splitlines()
    for step in STEPS:
        line = next(line for line in lines if line.startswith(step + " "))
        assert " s  " in line, line  # each step shows its time
        assert line.split()[1] == "ok", line
    assert lines[-1].startswith("Self-test passed")


def test_print_step_prints_a_tab_to_pdf(content_dir: Path) -> None:
    out = io.StringIO()
    run_self_test(content_dir, out=out)
    print_line = next(line for line in out.getvalue().splitlines() if line.startswith("print "))
    assert print_line.split()[1] == "ok", print_line
    assert "printed the" in print_line


def test_missing_content_folder_fails_at_the_content_step(tmp_path: Path) -> None:
    out = io.StringIO()
    assert run_self_test(tmp_path / "no-such-pack", out=out) == 1
    text = out.getvalue()
    assert "Self-test FAILED at step 'content'" in text
    assert "index " not in text  # later steps depend on the content and are not run


def test_cli_self_test_exits_0_and_writes_nothing_to_the_home(reader_home: Path) -> None:
    done = _self_test("--home", str(reader_home))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Self-test passed" in done.stdout
    # It works in a temporary home: the user's (here: the test's) folders stay untouched.
    assert not reader_home.exists() or not any(reader_home.iterdir())


def test_cli_self_test_names_the_failed_step_for_a_missing_pack(tmp_path: Path) -> None:
    done = _self_test("--content", str(tmp_path / "gone"))
    assert done.returncode == 1
    assert "FAILED at step 'content'" in done.stdout


def test_a_read_only_install_folder_is_never_written(tmp_path: Path) -> None:
    # An install folder, as pip or the bundle lays it out: the package, content/ and assets/.
    install = tmp_path / "install"
    for name in ("reader", "content", "assets"):
        shutil.copytree(ROOT / name, install / name, ignore=shutil.ignore_patterns("__pycache__"))
    for path in [install, *install.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)

    def snapshot() -> dict[str, tuple[int, int]]:
        # Tests run as root in CI, where chmod stops nothing: compare what is there instead.
        return {
            str(p.relative_to(install)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in [install, *install.rglob("*")]
        }

    before = snapshot()
    home = tmp_path / "home"
    env = dict(
        os.environ,
        PYTHONPATH=str(install),
        READER_HOME=str(home),
        # Python's own bytecode cache is not the app's writing; pip compiles it at install time.
        PYTHONPYCACHEPREFIX=str(tmp_path / "pycache"),
    )
    try:
        for args in (["--self-test"], ["blocks"], ["index"], ["search", "leadership"]):
            done = subprocess.run(
                [sys.executable, "-m", "reader", *args],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
                env=env,
            )
            assert done.returncode == 0, (args, done.stderr)
        assert snapshot() == before
        assert (home / "cache" / "index").is_dir()  # the index went to the home instead
    finally:
        for path in [install, *install.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
