"""The frozen app's entry script: PyInstaller freezes this file, not a console-script shim.

``reader.cli.main`` also answers ``--safeopen-child`` and ``--index-child``: a frozen app has no
``python -m``, so ``reader.core.safeopen`` re-runs this executable with the first flag to open
untrusted files in a separate process, and ``reader.core.index_child`` with the second to add
a document to the search index outside the window's process.
"""

import sys

from reader.cli import main

if __name__ == "__main__":
    sys.exit(main())
