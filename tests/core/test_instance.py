"""One copy per data folder: a second launch hands its file over through the inbox folder, and a
copy that was killed, hangs or lives in another home never stops a start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from reader.core.instance import InstanceGuard, hand_off, write_request
from tests.cli import NO_NETWORK
from tests.conftest import ROOT

# The running copy, reduced to its core: hold the folder, answer requests until told to stop
# (by the file "stop"), printing each one it took. With "hang" it holds and never answers.
HOLDER = r"""
import json, sys, time
from pathlib import Path
from reader.core.instance import InstanceGuard
data, mode = Path(sys.argv[1]), sys.argv[2]
guard = InstanceGuard(data)
assert guard.try_claim()
print("ready", flush=True)
while not (data / "stop").exists():
    if mode == "answer":
        for request in guard.take_requests():
            print(json.dumps({"open": str(request.open_file) if request.open_file else None}),
                  flush=True)
    time.sleep(0.02)
"""

# A second launch: hand the file over (or not) and say what happened and how long it took.
SECOND = r"""
import json, sys, time
from pathlib import Path
from reader.core.instance import hand_off
start = time.monotonic()
launch = hand_off(Path(sys.argv[1]), Path(sys.argv[2]) if sys.argv[2] else None,
                  timeout_s=float(sys.argv[3]))
print(json.dumps({"handed_off": launch.handed_off, "guard": launch.guard is not None,
                  "seconds": time.monotonic() - start}))
"""


def _python(code: str, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        **kwargs,
    )


def _start_holder(data: Path, mode: str) -> subprocess.Popen:
    holder = _python(HOLDER, str(data), mode)
    assert holder.stdout.readline().strip() == "ready", holder.stderr.read()
    return holder


def _second_launch(data: Path, file: str, timeout_s: float = 3.0, cwd: Path = ROOT) -> dict:
    second = subprocess.run(
        [sys.executable, "-c", SECOND, str(data), file, str(timeout_s)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert second.returncode == 0, second.stderr
    return json.loads(second.stdout)


def _stop(holder: subprocess.Popen, data: Path) -> list[str]:
    (data / "stop").touch()
    out, err = holder.communicate(timeout=30)
    assert holder.returncode == 0, err
    return out.splitlines()


def test_a_second_launch_hands_its_file_to_the_running_copy(tmp_path: Path) -> None:
    data = tmp_path / "home" / "data"
    holder = _start_holder(data, "answer")
    try:
        # Launched from another folder with a relative name, as a file manager may do.
        (tmp_path / "elsewhere").mkdir()
        report = _second_launch(data, "My notes.pdf", cwd=tmp_path / "elsewhere")
        raised = _second_launch(data, "")  # no file: just bring the window up
    finally:
        lines = _stop(holder, data)
    assert report["handed_off"]
    assert not report["guard"]
    assert report["seconds"] < 2.0, report  # answered at once, not after the time-out
    assert raised["handed_off"]
    assert [json.loads(line) for line in lines] == [
        {"open": str(tmp_path / "elsewhere" / "My notes.pdf")},
        {"open": None},
    ]
    assert list((data / "inbox").iterdir()) == []  # every request taken


def test_a_lock_left_by_a_killed_copy_never_blocks_the_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    holder = _start_holder(data, "hang")
    os.kill(holder.pid, signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM)
    holder.wait(timeout=30)
    start = time.monotonic()
    launch = hand_off(data, None)
    try:
        assert not launch.handed_off
        assert launch.guard is not None
        assert launch.guard.held
        assert time.monotonic() - start < 1.0  # no waiting for an answer from the dead
    finally:
        launch.guard.release()


def test_a_hung_copy_is_given_up_on_and_its_request_withdrawn(tmp_path: Path) -> None:
    data = tmp_path / "data"
    holder = _start_holder(data, "hang")
    try:
        report = _second_launch(data, str(tmp_path / "a.pdf"), timeout_s=0.5)
    finally:
        _stop(holder, data)
    assert report == {"handed_off": False, "guard": False, "seconds": report["seconds"]}
    assert 0.5 <= report["seconds"] < 5
    assert list((data / "inbox").iterdir()) == []  # it would not open the file later as well


def test_two_homes_are_two_copies(tmp_path: Path) -> None:
    first = hand_off(tmp_path / "one" / "data")
    second = hand_off(tmp_path / "two" / "data")
    try:
        assert first.guard is not None
        assert second.guard is not None
        assert not first.handed_off
        assert not second.handed_off
    finally:
        first.guard.release()
        second.guard.release()


def test_requests_are_taken_in_order_and_stale_ones_dropped_at_claim(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "inbox").mkdir(parents=True)
    write_request(data / "inbox", tmp_path / "left over by a launch that gave up.pdf")
    guard = InstanceGuard(data)
    assert guard.try_claim()
    try:
        assert guard.take_requests() == []
        write_request(guard.inbox, tmp_path / "first.pdf")
        write_request(guard.inbox, None)
        (guard.inbox / "broken.request").write_text("{not json", encoding="utf-8")
        (guard.inbox / ".half-written.request.tmp").write_text("{", encoding="utf-8")
        taken = guard.take_requests()
        assert [r.open_file for r in taken] == [tmp_path / "first.pdf", None]
        assert [p.name for p in guard.inbox.iterdir()] == [".half-written.request.tmp"]
    finally:
        guard.release()


# The real command line's second launch, with every socket refused and counted.
CLI_SECOND = (
    NO_NETWORK
    + r"""
from reader import cli
status = cli.main(json.loads(sys.argv[1]))
print(json.dumps({"status": status, "sockets": opened,
                  "qtnetwork": any(m.startswith("PySide6.QtNetwork") for m in sys.modules),
                  "qt": "PySide6" in sys.modules}))
"""
)


def test_reader_file_hands_over_without_a_socket_and_commands_never_do(tmp_path: Path) -> None:
    home = tmp_path / "home"
    holder = _start_holder(home / "data", "answer")
    pdf = tmp_path / "Leadership.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")  # never opened here: the running copy opens it
    try:
        # A command (`reader documents`) runs here and now, whatever copy is open.
        command = _cli(["--home", str(home), "documents"])
        second = _cli(["--home", str(home), str(pdf)])
    finally:
        lines = _stop(holder, home / "data")
    assert command == {"status": 0, "sockets": [], "qtnetwork": False, "qt": False}
    # Handed over before Qt is even loaded: a double-click answers at once.
    assert second == {"status": 0, "sockets": [], "qtnetwork": False, "qt": False}
    assert [json.loads(line) for line in lines] == [{"open": str(pdf)}]  # the file only


def _cli(argv: list[str]) -> dict:
    run = subprocess.run(
        [sys.executable, "-c", CLI_SECOND, json.dumps(argv)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"},
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_damaged_instance_files_never_stop_a_start(tmp_path: Path) -> None:
    # Issue 14: nothing the app keeps may stop it. A folder where the lock file goes, or a file
    # where the inbox goes: the launch starts its own window, and says nothing is handed over.
    locked_dir = tmp_path / "lock-is-a-folder"
    (locked_dir / "instance.lock").mkdir(parents=True)
    launch = hand_off(locked_dir, tmp_path / "a.pdf")
    assert not launch.handed_off

    inbox_file = tmp_path / "inbox-is-a-file"
    inbox_file.mkdir()
    (inbox_file / "inbox").write_text("not a folder", encoding="utf-8")
    first = hand_off(inbox_file, None)
    assert not first.handed_off
    second = hand_off(inbox_file, tmp_path / "b.pdf", timeout_s=0.5)
    assert not second.handed_off  # nowhere to leave a request: it starts on its own
    assert (inbox_file / "inbox").read_text(encoding="utf-8") == "not a folder"  # untouched
    for launch in (first, second):
        if launch.guard is not None:
            launch.guard.release()
