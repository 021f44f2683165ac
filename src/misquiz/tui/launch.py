"""Starting the full-screen quiz: one way in for `misquiz take` and for a bare `misquiz`.

A bare `misquiz` at a terminal, or one with only the common quiz options (`misquiz --lang en`,
`misquiz take --name Ann --db x.db`), comes here without the command-line parser (click costs about a
tenth of the start-up): start-up is part of the product. Everything else, and every value this reading is
not sure of, goes through the CLI, which gives the messages.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from misquiz.core.model import Bank
    from misquiz.core.quiz import QuizOptions


def full_screen_refused() -> str:
    """Why the full screen cannot be used here, as the catalogue key that says it in each language (the reason
    plain mode gives), or "" when it can."""
    if os.environ.get("TERM") == "dumb":
        return "plain_reason_dumb"
    if not sys.stdout.isatty():
        return "plain_reason_output"
    if not sys.stdin.isatty():
        return "plain_reason_input"
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


@dataclass(frozen=True)
class QuickOptions:
    """The common options of `misquiz take`, read without click."""

    lang: str | None = None
    seed: int | None = None
    name: str = ""
    db: str | None = None
    bank: str | None = None


_QUICK = {"--lang": "lang", "--seed": "seed", "--name": "name", "--db": "db", "--bank": "bank"}
_SEED = re.compile(r"-?[0-9]{1,18}")


def quick_options(argv: list[str]) -> QuickOptions | None:
    """`[take] [--lang L] [--seed N] [--name N] [--db X] [--bank F]` (also --opt=value), read as click would;
    None for anything else or any value it might refuse, so that click reads it and gives the message."""
    from misquiz.core.catalogue import languages

    args = argv[1:] if argv[:1] == ["take"] else list(argv)
    values: dict[str, str] = {}
    while args:
        word = args.pop(0)
        option, equals, value = word.partition("=")
        if option not in _QUICK:
            return None
        if not equals:
            if not args or (args[0].startswith("-") and not _SEED.fullmatch(args[0])):
                return None
            value = args.pop(0)
        values[_QUICK[option]] = value  # the last one counts, as in click
    lang, seed, name = values.get("lang"), values.get("seed"), values.get("name", "")
    if lang is not None and lang not in languages():
        return None
    if seed is not None and not _SEED.fullmatch(seed):
        return None
    if name and not name.strip():
        return None
    bank = values.get("bank")
    if bank is not None and (not bank or os.path.isdir(bank)):
        return None
    if values.get("db") == "":
        return None
    return QuickOptions(lang, None if seed is None else int(seed), name, values.get("db"), bank)


def quick_start(options: QuickOptions | None = None) -> int:
    """`misquiz` at a terminal with no arguments, or with only the common options: `misquiz take`."""
    from misquiz.core.catalogue import language_for_locale
    from misquiz.core.problems import ProblemsError
    from misquiz.core.quiz import QuizOptions
    from misquiz.files.bank_cache import load_bank_for_quiz

    chosen = options or QuickOptions()
    lang = chosen.lang or language_for_locale(dict(os.environ))
    try:
        bank = load_bank_for_quiz(chosen.bank)
    except ProblemsError as exc:
        for problem in exc.problems:
            print(problem.told(lang), file=sys.stderr)
        return 1
    return run_full_screen(bank, QuizOptions(lang, chosen.seed, chosen.name), chosen.db)
