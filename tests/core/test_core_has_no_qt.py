"""reader.core is tested and used without a display: it must never pull in Qt."""

import subprocess
import sys

from tests.conftest import ROOT


def test_core_imports_no_pyside6() -> None:
    code = (
        "import sys, pkgutil, importlib, reader.core\n"
        "for m in pkgutil.iter_modules(reader.core.__path__):\n"
        "    importlib.import_module('reader.core.' + m.name)\n"
        "import reader.paths, reader.core.content\n"
        "assert not any(n.startswith('PySide6') for n in sys.modules), 'PySide6 imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
