"""`misquiz` and `python -m misquiz`: the command line, with Ctrl+C quiet from the very first moment."""

from __future__ import annotations

import gc
import sys


def run() -> None:
    """Ctrl+C while the program is still loading ends it like Ctrl+C later on: no traceback."""
    try:
        if (
            len(sys.argv) == 1
            or sys.argv[1] in ("take", "--lang", "--seed", "--name", "--db", "--bank")
            or (sys.argv[1].startswith(("--lang=", "--seed=", "--name=", "--db=", "--bank=")))
        ):
            # No garbage collection until the welcome is painted: the objects made while loading are nearly all
            # for keeps, and a full collection of them (about 20 ms) fell before the first paint. The app turns
            # collection back on after that paint (MisquizApp.on_mount), with those objects set aside for good.
            gc.disable()
            from misquiz.tui.launch import full_screen_refused, quick_options, quick_start

            # `misquiz` or `misquiz --lang en` at a terminal: the quiz, without the parser
            options = quick_options(sys.argv[1:])
            if options is not None and not full_screen_refused():
                sys.exit(quick_start(options))
            gc.enable()
        from misquiz.cli import main

        main()
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        sys.exit(130)


if __name__ == "__main__":
    run()
