"""`misquiz take --plain`: the same quiz as plain lines on standard input and output.

For screen readers and braille displays (a full-screen app hides the cursor they follow),
for TERM=dumb and for pipes. The order, the scoring, the storage, resuming and the
advice summary are those of the full-screen quiz: only the way of asking differs.
"""

from __future__ import annotations

import io
import re
from typing import TextIO

from misquiz.core.advice import advice_plan
from misquiz.core.catalogue import format_date, t
from misquiz.core.model import Bank
from misquiz.core.quiz import NO_OPINION, QuizOptions
from misquiz.core.text import plain
from misquiz.render.text import plan_text
from misquiz.storage.protocol import Store
from misquiz.storage.recording import open_quiz, progress_of

YES = ("y", "j", "o")  # yes, ja, oui
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept apart by surrogateescape


class InputEnded(Exception):
    """Standard input ran out."""


class PlainQuiz:
    def __init__(self, bank: Bank, options: QuizOptions, store: Store | None, stdin: TextIO, stdout: TextIO) -> None:
        self.store, self.stdin, self.stdout = store, stdin, stdout
        self.session, self.resumable = open_quiz(bank, options, store, self.store_failed)

    def store_failed(self, message: str) -> None:
        self.say(self.t("db_error", error=message))

    def say(self, text: str = "") -> None:
        self.stdout.write(plain(text) + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str:
        self.stdout.write(plain(prompt))
        self.stdout.flush()
        while True:
            line = self.stdin.readline()
            if not line:
                raise InputEnded
            if not self.stdin.isatty():  # a transcript that reads well, never steering the terminal
                self.stdout.write(plain(line.rstrip("\r\n")) + "\n")
            if not _UNDECODABLE.search(line):
                return line.strip()
            self.say(self.t("plain_not_text"))
            self.stdout.write(plain(prompt))
            self.stdout.flush()

    def t(self, key: str, **values: object) -> str:
        return t(self.session.lang, key, **values)

    def run(self) -> int:
        try:
            return self._run()
        except (InputEnded, KeyboardInterrupt):
            self.say()
            self.say(self.t("plain_ended"))
            return 0

    def _run(self) -> int:
        s, bank = self.session, self.session.bank
        self.say(bank.title[s.lang])
        self.say()
        self.say(" ".join(bank.intro[s.lang].split()))
        self.say(self.t("welcome_time", minutes=bank.minutes, count=s.total))
        self.say(self.t("plain_how"))
        self.say()
        if not self._offer_resume():
            # The name is asked only of a person at a terminal: piped lines are answers, never a name.
            s.begin(s.name or (self.ask(self.t("plain_name")) if self.stdin.isatty() else ""))
        while not s.finished:
            done = self._statement()
            if done is None:
                return 0
            if done:
                break
        self.say()
        plan = advice_plan(bank, s.result(), s.lang, name=s.name, progress=progress_of(self.store, s))
        self.say(plan_text(plan))
        if s.attempt_id is not None:
            self.say()
            self.say(self.t("plain_save", command="misquiz export latest --format md -o my-plan.md"))
        return 0

    def _offer_resume(self) -> bool:
        s, attempt = self.session, self.resumable
        if attempt is None:
            return False
        self.say(
            self.t(
                "resume_text",
                date=format_date(attempt.started_at, s.lang),
                n=len(attempt.answers),
                total=len(attempt.order),
            )
        )
        answer = self.ask(self.t("plain_resume")).lower()
        if answer.startswith("n"):  # no / nee / non; "o" is the French oui, so never read it as opnieuw
            s.set_aside(attempt)
            return False
        s.resume(attempt)
        return True

    def _statement(self) -> bool | None:
        """Ask the current statement; True when the quiz is done, None when the person quits."""
        s = self.session
        self.say()
        self.say(f"{self.t('progress', n=s.position + 1, total=s.total)}  {s.current.text[s.lang]}")
        earlier = s.current_answer
        for option in s.bank.scale:
            mark = f"  ({self.t('plain_yours')})" if earlier == option.value else ""
            self.say(f"  {option.value}  {option.label[s.lang]}{mark}")
        mark = f"  ({self.t('plain_yours')})" if earlier == NO_OPINION else ""
        self.say(f"  0  {s.bank.no_opinion[s.lang]}{mark}")
        while True:
            line = self.ask(self.t("plain_prompt")).lower()
            if line in {"1", "2", "3", "4", "5", "0"}:
                return s.answer(int(line))
            if line == "" and earlier is not None:  # Enter keeps the answer given and moves on
                if s.forward():
                    return False
                return s.finished
            if line == "b":
                if not s.back():
                    self.say(self.t("plain_first"))
                return False
            if line in {"?", "h"}:
                self.say(self.t("plain_help"))
                continue
            if line == "q":
                if self.ask(self.t("plain_quit")).lower().startswith(YES):
                    self.say(self.t("plain_saved") if s.attempt_id is not None else "")
                    return None
                continue
            self.say(self.t("plain_again"))


def run_plain(
    bank: Bank,
    options: QuizOptions,
    store: Store | None,
    *,
    stdin: TextIO,
    stdout: TextIO,
    reason: str = "",
) -> int:
    if isinstance(stdin, io.TextIOWrapper):  # bytes that are not UTF-8 get a message, not a traceback
        stdin.reconfigure(encoding="utf-8", errors="surrogateescape")
    quiz = PlainQuiz(bank, options, store, stdin, stdout)
    if reason:
        quiz.say(t(quiz.session.lang, "plain_chosen", reason=reason))
        quiz.say()
    return quiz.run()
