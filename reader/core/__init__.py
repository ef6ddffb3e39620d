"""The app's core: content, documents, search, notes, printing, settings. No Qt here.

Importing this package installs two import-time savings, for modules the app loads but whose
heaviest parts it never uses.

PyMuPDF loads its table finder (``pymupdf.table``, about 19 ms) with every import; the reader
never looks for tables. It is loaded lazily (:class:`importlib.util.LazyLoader`): the module runs
the first time anything in it is used.

Two of Whoosh's modules import a large standard module for something the app never uses:

- ``whoosh.compat`` imports ``urllib.request`` (``http.client``, the ``email`` package) for a
  download helper: about 45 ms and 8 MB;
- ``cached_property`` imports ``asyncio`` to recognise coroutine methods: about 25 ms, 2 MB.

While one of those two modules runs, the large module is replaced by a small stand-in whose
functions import the real module if they are ever called. Nothing else sees the stand-in: it is
taken out of ``sys.modules`` as soon as that module is done, so any other import gets the real
thing.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Callable


def _deferred(module: str, name: str) -> Callable:
    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    return call


def _is_coroutine_function(func) -> bool:
    import inspect

    return inspect.iscoroutinefunction(func)


def _stand_in(module: str, functions: dict[str, Callable]) -> types.ModuleType:
    stub = types.ModuleType(module)
    stub.__dict__.update(functions)
    return stub


# importer -> (module it imports, the stand-in's functions)
_STAND_INS: dict[str, tuple[str, dict[str, Callable]]] = {
    "whoosh.compat": (
        "urllib.request",
        {"urlretrieve": _deferred("urllib.request", "urlretrieve")},
    ),
    "cached_property": (
        "asyncio",
        {
            "iscoroutinefunction": _is_coroutine_function,
            "ensure_future": _deferred("asyncio", "ensure_future"),
        },
    ),
}


class _StandInLoader:
    """Runs one importer with its stand-in in place; everything else is its own loader's."""

    def __init__(self, loader, module: str, functions: dict[str, Callable]) -> None:
        self._loader = loader
        self._module = module
        self._functions = functions

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        stub = _stand_in(self._module, self._functions)
        sys.modules[self._module] = stub
        try:
            self._loader.exec_module(module)
        finally:
            if sys.modules.get(self._module) is stub:
                del sys.modules[self._module]


# modules that run only when first used
_LAZY = frozenset({"pymupdf.table"})


class _StandInFinder:
    """A meta-path finder that only wraps the loaders of the modules named above."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        entry = _STAND_INS.get(name)
        if name not in _LAZY and (entry is None or entry[0] in sys.modules):
            return None  # not ours, or the real module is loaded already: nothing to save
        for finder in sys.meta_path:
            if finder is cls or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = (
                        importlib.util.LazyLoader(spec.loader)
                        if name in _LAZY
                        else _StandInLoader(spec.loader, *entry)
                    )
                return spec
        return None


if _StandInFinder not in sys.meta_path:
    sys.meta_path.insert(0, _StandInFinder)
