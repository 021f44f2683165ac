"""`misquiz` and `python -m misquiz`: the command line, with Ctrl+C quiet from the very first moment."""

from __future__ import annotations

import sys


def run() -> None:
    """Ctrl+C while the program is still loading ends it like Ctrl+C later on: no traceback."""
    try:
        from misquiz.cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        sys.exit(130)


if __name__ == "__main__":
    run()
