"""`misquiz take --plain`: the same quiz as plain lines on standard input and output.

For screen readers and braille displays (a full-screen app hides the cursor they follow),
for TERM=dumb and for pipes. The order, the scoring, the storage, resuming and the
advice summary are those of the full-screen quiz: only the way of asking differs.
"""

from __future__ import annotations

import io
import re
import shlex
import shutil
import sys
import textwrap
from typing import TextIO

from misquiz.core.attempt import Attempt
from misquiz.core.catalogue import said, t
from misquiz.core.commitments import STATUSES, CommitmentError, of_myth, plan_actions
from misquiz.core.model import Bank
from misquiz.core.quiz import NO_OPINION, QuizOptions, resume_text, resume_title
from misquiz.core.text import one_line, plain
from misquiz.render.text import plan_text
from misquiz.storage.address import masked
from misquiz.storage.protocol import Store, StoreError, utc_now
from misquiz.storage.recording import (
    open_commitments,
    open_quiz,
    save_commitments,
    save_follow_up,
    session_plan,
    unfinished_of,
)

YES = ("y", "j", "o")  # yes, ja, oui
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept apart by surrogateescape


class InputEnded(Exception):
    """Standard input ran out."""


class NothingToResume(Exception):
    """--resume, and this person has no unfinished attempt."""


class PlainQuiz:
    def __init__(
        self,
        bank: Bank,
        options: QuizOptions,
        store: Store | None,
        stdin: TextIO,
        stdout: TextIO,
        *,
        resume: bool = False,
        width: int | None = None,
        db: str | None = None,
    ) -> None:
        self.store, self.stdin, self.stdout = store, stdin, stdout
        self.width = width  # a terminal's: lines wrap there on word boundaries; a pipe's lines are left whole
        self.db = db  # the --db in use, for the closing hint
        self.session = open_quiz(bank, options, store, self.store_failed)
        self.resume = resume  # go on with this person's unfinished attempt without asking (a pipe, a script)

    def store_failed(self, error: BaseException | str) -> None:
        """A database that failed, said in the person's language (a StoreError is a catalogue sentence)."""
        if isinstance(error, CommitmentError):
            message = error.message(self.session.lang)
        else:
            message = said(error, self.session.lang) if isinstance(error, BaseException) else error
        self.say(self.t("db_error", error=message))

    def say(self, text: str = "") -> None:
        text = plain(text)
        if self.width:
            text = "\n".join(_fit(line, self.width) for line in text.split("\n"))
        self.stdout.write(text + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str:
        prompt = _fit(plain(prompt), self.width - 2) if self.width else prompt  # room for the answer typed
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
        except NothingToResume:
            who = self.t("nothing_to_resume_named", name=self.session.name) if self.session.name else None
            print(plain(who or self.t("nothing_to_resume")), file=sys.stderr)
            return 1
        except (InputEnded, KeyboardInterrupt):
            self.say()
            self.say(self.t("plain_ended"))
            return 0

    def _run(self) -> int:
        s, bank = self.session, self.session.bank
        self.say(bank.title[s.lang])
        self.say()
        self.say(one_line(bank.intro[s.lang]))
        self.say(self.t("welcome_time", minutes=bank.minutes, count=s.total))
        self.say(self.t("plain_how"))
        self.say()
        if self.resume:  # --resume: the unfinished attempt of --name (or the unnamed one), without a question
            attempt = unfinished_of(self.store, s, s.name, self.store_failed)
            if attempt is None:
                raise NothingToResume
            s.resume(attempt)
        else:
            self._begin()
        while not s.finished:
            done = self._statement()
            if done is None:
                return 0
            if done:
                break
        self.say()
        plan = session_plan(self.store, s, self.store.clock if self.store is not None else utc_now)
        self.say(plan_text(plan, self.width) if self.width else plan_text(plan))
        if s.attempt_id is not None:
            db = f" --db {shlex.quote(masked(self.db))}" if self.db else ""  # never a password on the screen
            if self.store is not None and self.stdin.isatty():  # a pipe is never asked: its lines are answers
                self._commit()
            self.say()
            plan_file, calendar_file = self.t("plain_plan_file"), self.t("plain_calendar_file")
            self.say(self.t("plain_save", command=f"misquiz export latest --format md -o {plan_file}.md{db}"))
            calendar = f"misquiz export latest --format ics -o {calendar_file}.ics{db}"
            self.say(self.t("plain_save_calendar", command=calendar))
        return 0

    def _commit(self) -> None:
        """One question at the end: up to three of the plan's actions by number, or one line of one's own."""
        s, store = self.session, self.store
        assert store is not None
        actions = plan_actions(s.bank, s.result())
        self.say()
        self.say(self.t("commit_heading"))
        for n, action in enumerate(actions, 1):
            myth = next(m for m in s.bank.myths if m.id == action.myth)
            text = one_line(myth.actions[action.action - 1][s.lang])
            self.say(f"  {n:>2}  {of_myth(s.lang, text, myth.title[s.lang])}")
        while True:
            line = self.ask(self.t("plain_commit"))
            if not line:
                return
            numbers = line.replace(",", " ").split()
            if all(n.isascii() and n.isdigit() for n in numbers):
                picked = [int(n[:6]) for n in numbers]
                missing = next((n for n in picked if not 1 <= n <= len(actions)), None)
                if missing is not None:
                    self.say(self.t("commit_error_no_number", n=missing, last=len(actions)))
                    continue
                keys = [actions[n - 1].key for n in picked]
                own = ""
            else:
                keys, own = [], line
            try:
                save_commitments(store, s, keys, own)
            except CommitmentError as exc:
                self.say(exc.message(s.lang))
                continue
            except StoreError as exc:
                self.store_failed(exc)
                return
            plan = session_plan(store, s, store.clock)
            self.say()
            self.say(plan.commitments_title or "")
            for c in plan.commitments:
                self.say(f"  - {c}")
            self.say(plan.commitments_by or "")
            return

    def _follow_up(self) -> None:
        """The same person's open commitments from last time: done, started or not yet, each skippable."""
        found = open_commitments(self.store, self.session)
        if found is None or self.store is None:
            return
        before, commitments = found
        bank, lang = self.session.bank, self.session.lang
        self.say(self.t("follow_up_heading", count=len(commitments)))
        answers: dict[int, str] = {}
        for n, c in enumerate(commitments, 1):
            if c.status is not None:
                continue
            self.say()
            myth = c.myth_title(bank, lang)
            text = one_line(c.text(bank, lang))
            self.say(f"  {of_myth(self.session.lang, text, myth)}")
            while True:
                answer = self.ask(self.t("plain_follow_up"))
                if answer in ("1", "2", "3"):
                    answers[n] = STATUSES[int(answer) - 1]
                    break
                if answer == "":
                    break
        if answers:
            try:
                save_follow_up(self.store, before, answers)
            except (CommitmentError, StoreError) as exc:
                self.store_failed(exc)
        self.say()

    def _begin(self) -> None:
        s = self.session
        at_terminal = self.stdin.isatty()
        # The name is asked only of a person at a terminal: piped lines are answers, never a name.
        name = s.name or (self.ask(self.t("plain_name")) if at_terminal else "")
        # A pipe is never asked whether to go on (a line meant as an answer would answer it): it starts afresh.
        attempt = unfinished_of(self.store, s, name, self.store_failed) if at_terminal else None
        if attempt is not None and self._go_on(attempt):
            s.resume(attempt)
            return
        if attempt is not None:
            s.set_aside(attempt)
        s.begin(name)
        if at_terminal:  # the follow-up of last time's commitments comes first, and only at a terminal
            self._follow_up()

    def _go_on(self, attempt: Attempt) -> bool:
        lang = self.session.lang
        self.say(resume_title(attempt, lang))
        self.say(resume_text(attempt, lang))
        answer = self.ask(self.t("plain_resume")).lower()
        return not answer.startswith("n")  # no / nee / non; "o" is the French oui, so never read it as opnieuw

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


def _fit(line: str, width: int) -> str:
    """One line wrapped at width on word boundaries, its continuation under its first word."""
    if len(line) <= width:
        return line
    lead, tail = line[: len(line) - len(line.lstrip())], line[len(line.rstrip()) :]
    return textwrap.fill(line, width, subsequent_indent=lead, break_long_words=False) + tail  # a prompt's space


def terminal_width(stdout: TextIO) -> int | None:
    """The width to wrap at when stdout is a terminal; None for a pipe or a file."""
    try:
        return shutil.get_terminal_size().columns - 1 if stdout.isatty() else None
    except (AttributeError, ValueError, OSError):
        return None


def run_plain(
    bank: Bank,
    options: QuizOptions,
    store: Store | None,
    *,
    stdin: TextIO,
    stdout: TextIO,
    reason: str = "",
    resume: bool = False,
    db: str | None = None,
) -> int:
    if isinstance(stdin, io.TextIOWrapper):  # bytes that are not UTF-8 get a message, not a traceback
        stdin.reconfigure(encoding="utf-8", errors="surrogateescape")
    quiz = PlainQuiz(bank, options, store, stdin, stdout, resume=resume, width=terminal_width(stdout), db=db)
    if reason:
        lang = quiz.session.lang
        quiz.say(t(lang, "plain_chosen", reason=t(lang, reason)))  # reason: a catalogue key (tui.launch)
        quiz.say()
    return quiz.run()
