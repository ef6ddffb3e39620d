"""`reader FILE` starts the checking child before Qt loads; loading Qt must not waste it.

PySide6 sets an environment variable of its own when it loads. The child started early (for
a file that is probably new) is handed to the check only when the settings it was started
under still hold, and that variable is not one of them: the child never loads Qt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def test_the_early_child_is_still_used_once_the_window_has_loaded() -> None:
    code = """
import json
from reader.core import checker_process
checker_process.prestart()  # as `reader FILE` does, before anything else
early = checker_process._warm
from reader.ui.app import application  # loads PySide6, which sets its own variable
application()
taken = checker_process.take()
print(json.dumps({"same": taken is early, "alive": taken is not None and taken.poll() is None}))
if taken is not None:
    taken.kill()
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYSIDE6_OPTION_PYTHON_ENUM", None)  # as a user's shell: Qt not yet loaded
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"same": True, "alive": True}
