"""Starting the full-screen quiz: one way in for `misquiz take` and for a bare `misquiz`.

A bare `misquiz` at a terminal comes here without the command-line parser (click costs about a
tenth of the start-up): start-up is part of the product. Everything else goes through the CLI.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from misquiz.core.model import Bank
    from misquiz.core.quiz import QuizOptions


def full_screen_refused() -> str:
    """Why the full screen cannot be used here, or "" when it can."""
    if os.environ.get("TERM") == "dumb":
        return "TERM=dumb"
    if not sys.stdout.isatty():
        return "the output is not a terminal"
    if not sys.stdin.isatty():
        return "the input is not a terminal"
    return ""


def run_full_screen(bank: Bank, options: QuizOptions, db: str | None) -> int:
    """The quiz on the whole terminal; the database opens once the welcome is painted. The exit code."""
    from misquiz.storage import open_store
    from misquiz.tui.app import build_app

    app = build_app(bank, options, open_store=lambda: open_store(db))
    app.run()
    if app.store is not None:
        app.store.close()
    return app.return_code or 0


def quick_start() -> int:
    """`misquiz` with no arguments at a terminal: `misquiz take` with every default."""
    from misquiz.core.catalogue import language_for_locale
    from misquiz.core.problems import ProblemsError
    from misquiz.core.quiz import QuizOptions
    from misquiz.files.bank_cache import load_bank_for_quiz

    try:
        bank = load_bank_for_quiz(None)
    except ProblemsError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    return run_full_screen(bank, QuizOptions(language_for_locale(dict(os.environ))), None)
