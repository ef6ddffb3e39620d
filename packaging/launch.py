"""The frozen app's entry script: PyInstaller freezes this file, not a console-script shim.

``reader.cli.main`` also answers ``--safeopen-child``: a frozen app has no ``python -m``, so
``reader.core.safeopen`` re-runs this executable with that flag to open untrusted files in a
separate process.
"""

import sys

from reader.cli import main

if __name__ == "__main__":
    sys.exit(main())
