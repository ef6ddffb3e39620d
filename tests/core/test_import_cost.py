"""Searching does not load the standard library's network and async modules.

Whoosh imports ``urllib.request`` (and through it ``http.client`` and ``email``) and
``asyncio`` for things the reader never does; ``reader.core`` gives those two imports small
stand-ins (see its docstring). Each check runs in a fresh interpreter, as the app starts.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT


def _fresh(code: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_search_loads_neither_network_nor_async_modules(tmp_path) -> None:
    found = _fresh(
        f"""
import json, sys
from pathlib import Path
from reader.core.model import Block
from reader.core.search import SearchIndex
blocks = [Block(id="p.1", document="page", tab="shared-leadership", section="s",
                section_title="Shared leadership", kind="paragraph",
                text="Shared leadership in teams", paragraph="1")]
index = SearchIndex(Path({str(tmp_path / "index")!r}))
index.ensure(blocks)
hits = [h.id for h in index.search("leadership").hits]
heavy = ("urllib.request", "http.client", "email.parser", "asyncio")
heavy = [m for m in heavy if m in sys.modules]
print(json.dumps({{"hits": hits, "heavy": heavy}}))
"""
    )
    assert found["hits"] == ["p.1"]
    assert found["heavy"] == []


def test_the_stand_ins_reach_the_real_modules_when_used() -> None:
    found = _fresh(
        """
import json, sys
import reader.core  # installs the stand-ins
import whoosh.compat
from cached_property import cached_property

class Sample:
    @cached_property
    def value(self):
        return 7

    @cached_property
    async def later(self):
        return 8

sample = Sample()
plain = sample.value
# a coroutine property is recognised as one (the real asyncio is loaded to wrap it)
import asyncio

async def _wait(obj):
    return await obj.later
later = asyncio.run(_wait(sample))
retrieve = whoosh.compat.urlretrieve.__name__
# any other import of urllib.request gets the real module
import urllib.request
print(json.dumps({"plain": plain, "later": later, "retrieve": retrieve,
                  "real": hasattr(urllib.request, "Request")}))
"""
    )
    assert found == {"plain": 7, "later": 8, "retrieve": "urlretrieve", "real": True}


def test_pymupdfs_table_finder_loads_only_when_used() -> None:
    found = _fresh(
        """
import json, sys
from reader.core import pdfdoc  # the reader's way into PyMuPDF
import pymupdf
before = "pymupdf._table_headers" in sys.modules
doc = pymupdf.open()
page = doc.new_page()
page.insert_text((72, 72), "No tables here")
finder = page.find_tables()
print(json.dumps({"before": before, "tables": len(finder.tables),
                  "after": "pymupdf._table_headers" in sys.modules}))
"""
    )
    assert found == {"before": False, "tables": 0, "after": True}
