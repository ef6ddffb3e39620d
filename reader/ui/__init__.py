"""The Qt views. Every module here imports PySide6; ``reader.core`` never does.

Importing this package turns off one PySide6 start-up cost. Once PySide6 is loaded, it looks at
every module imported after it, for its opt-in ``from __feature__ import snake_case`` syntax, by
reading the module's whole source with :func:`inspect.getsource`. Every source file then stays in
:mod:`linecache`: about 13 MB by the time a PDF is open (PyMuPDF's generated ``mupdf.py`` alone is
most of it), and 10-20 ms of every start. The reader never uses ``__feature__``, so each module is
marked as not using it without reading it: the answer PySide6 itself gives when a module's
source cannot be read, as in a frozen build. If PySide6's internals change, nothing is changed.
"""

from __future__ import annotations

import sys

import PySide6  # noqa: F401  (loads the feature support this module adjusts)


def _skip_feature_scan() -> None:
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = _uses_no_feature


def _uses_no_feature(module) -> bool:
    return False


_skip_feature_scan()
