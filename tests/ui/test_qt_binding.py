"""The Qt binding itself must survive a long session of signals (PySide6 6.12.0 did not)."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal
app = QCoreApplication([])
class Source(QObject):
    changed = Signal(int)
    done = Signal(object)
source = Source()
source.changed.connect(lambda value: None)
source.done.connect(lambda value: None)
before = sys.getrefcount(True), sys.getrefcount(None)
for i in range(5000):
    source.changed.emit(i)
    source.done.emit(None)
print(before == (sys.getrefcount(True), sys.getrefcount(None)))
"""


def test_many_signal_emits_leave_reference_counts_alone() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-400:]
    assert result.stdout.strip() == "True"
