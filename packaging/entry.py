"""The bundle's entry point: PyInstaller runs this file as ``__main__``."""

import multiprocessing
import sys

from annotator.__main__ import main

if __name__ == "__main__":
    # Pre-annotation worker processes start by re-running this executable.
    multiprocessing.freeze_support()
    sys.exit(main())
