"""`misquiz take --plain`: the same quiz as plain lines on standard input and output.

For screen readers and braille displays (a full-screen app hides the cursor they follow),
for TERM=dumb and for pipes. The order, the scoring, the storage, resuming and the
advice summary are those of the full-screen quiz: only the way of asking differs.
"""

from __future__ import annotations

from typing import TextIO

from misquiz.core.catalogue import format_date, t
from misquiz.core.model import Bank
from misquiz.core.quiz import NO_OPINION, QuizSession
from misquiz.core.text import clean_name, plain
from misquiz.render.text import advice_summary
from misquiz.storage.sqlite import Store


class InputEnded(Exception):
    """Standard input ran out."""


class PlainQuiz:
    def __init__(self, session: QuizSession, store: Store | None, stdin: TextIO, stdout: TextIO) -> None:
        self.session, self.store, self.stdin, self.stdout = session, store, stdin, stdout
        self.recorder = None
        if store is not None:
            from misquiz.storage.recording import StoreRecorder

            self.recorder = StoreRecorder(store, lambda message: self.say(self.t("db_error", error=message)))
            session.recorder = self.recorder

    def say(self, text: str = "") -> None:
        self.stdout.write(plain(text) + "\n")
        self.stdout.flush()

    def ask(self, prompt: str) -> str:
        self.stdout.write(plain(prompt))
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise InputEnded
        if not self.stdin.isatty():
            self.stdout.write(line if line.endswith("\n") else line + "\n")  # a transcript that reads well
        return line.strip()

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
            if not s.name:
                s.name = clean_name(self.ask(self.t("plain_name")))
            if self.recorder is not None:
                self.recorder.begin(s)
        while True:
            done = self._statement()
            if done is None:
                return 0
            if done:
                break
        self.say()
        self.say(advice_summary(bank, s.result(), s.lang))
        return 0

    def _offer_resume(self) -> bool:
        s = self.session
        if self.store is None:
            return False
        attempt = self.store.unfinished(s.bank.content_hash, s.workshop)
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
        if answer.startswith(("n", "o")):  # no / opnieuw
            self.store.abandon_attempt(attempt.id)
            return False
        s.seed, s.order, s.answers, s.name = attempt.seed, attempt.order, dict(attempt.answers), attempt.name
        s.attempt_id, s.position = attempt.id, 0
        s.position = s.resume_position()
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
            if line == "b":
                if not s.back():
                    self.say(self.t("plain_first"))
                return False
            if line in {"?", "h"}:
                self.say(self.t("plain_help"))
                continue
            if line == "q":
                if self.ask(self.t("plain_quit")).lower().startswith(("y", "j")):
                    self.say(self.t("plain_saved") if s.attempt_id is not None else "")
                    return None
                continue
            self.say(self.t("plain_again"))


def run_plain(
    bank: Bank,
    *,
    lang: str,
    seed: int | None,
    name: str,
    store: Store | None,
    workshop: str | None,
    round: str | None,
    stdin: TextIO,
    stdout: TextIO,
    reason: str = "",
) -> int:
    session = QuizSession.start(bank, lang, seed, name)
    session.workshop, session.round = workshop, round
    quiz = PlainQuiz(session, store, stdin, stdout)
    if reason:
        quiz.say(t(session.lang, "plain_chosen", reason=reason))
        quiz.say()
    return quiz.run()
