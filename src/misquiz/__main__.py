"""`misquiz` and `python -m misquiz`: the command line, with Ctrl+C quiet from the very first moment."""

from __future__ import annotations

import sys


def run() -> None:
    """Ctrl+C while the program is still loading ends it like Ctrl+C later on: no traceback."""
    try:
        if len(sys.argv) == 1:
            from misquiz.tui.launch import full_screen_refused, quick_start

            if not full_screen_refused():  # a bare `misquiz` at a terminal: the quiz, without the parser
                sys.exit(quick_start())
        from misquiz.cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        sys.exit(130)


if __name__ == "__main__":
    run()
