"""The quiz flow, owned once: starting, resuming, answering, going back and finishing.

Every face (the full-screen app, plain lines, a web page) drives a QuizSession through
these methods and renders from it; no face copies fields into it by hand. It knows
nothing of screens or databases: a Recorder hears of every change as it happens.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from misquiz.core.catalogue import format_date, t
from misquiz.core.model import Bank, Statement, resolve_language
from misquiz.core.text import clean_name

if TYPE_CHECKING:  # scoring is needed once answers are scored, not for the welcome (start-up is part of the product)
    from misquiz.core.attempt import Attempt
    from misquiz.core.scoring import Result

NO_OPINION = 0  # the key for "no opinion"; stored as None


@dataclass(frozen=True)
class QuizOptions:
    """What a person chose on the command line (or a page): one value, passed whole."""

    lang: str
    seed: int | None = None
    name: str = ""
    workshop: str | None = None
    round: str | None = None
    person: str | None = None  # a participant's own token; None: the owner of the database


def shuffled_order(bank: Bank, seed: int) -> list[str]:
    order = [s.id for s in bank.statements]
    random.Random(seed).shuffle(order)
    return order


class Recorder(Protocol):
    """Told of every change as it happens, before the quiz shows its effect."""

    def started(self, session: QuizSession) -> None: ...

    def answered(self, session: QuizSession, statement_id: str) -> None: ...

    def finished(self, session: QuizSession) -> None: ...

    def language_changed(self, session: QuizSession) -> None: ...

    def set_aside(self, attempt: Attempt) -> None: ...


@dataclass
class QuizSession:
    bank: Bank
    lang: str
    seed: int
    name: str = ""
    order: list[str] = field(default_factory=list)
    answers: dict[str, int | None] = field(default_factory=dict)
    position: int = 0
    attempt_id: int | None = None
    workshop: str | None = None
    round: str | None = None
    person: str | None = None
    recorder: Recorder | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.name = clean_name(self.name)
        if not self.order:
            self.order = shuffled_order(self.bank, self.seed)
        self._statements = {s.id: s for s in self.bank.statements}
        self.lang = resolve_language(self.bank, self.lang)

    @classmethod
    def start(cls, bank: Bank, options: QuizOptions) -> QuizSession:
        seed = random.randrange(2**31) if options.seed is None else options.seed
        return cls(
            bank,
            options.lang,
            seed,
            options.name,
            workshop=options.workshop,
            round=options.round,
            person=options.person,
        )

    # -- the flow ----------------------------------------------------------------------

    def begin(self, name: str | None = None) -> None:
        """Start a new attempt (with the name given on the welcome, if any)."""
        if name is not None:
            self.name = clean_name(name)
        if self.recorder is not None:
            self.recorder.started(self)

    def resume(self, attempt: Attempt) -> None:
        """Go on with an interrupted attempt where it stopped.

        An attempt that stopped after its last answer, before its result was stored, is
        finished here: its result is stored and `finished` is true.
        """
        self.lang = resolve_language(self.bank, attempt.language, self.lang)
        self.seed, self.order, self.answers = attempt.seed, list(attempt.order), dict(attempt.answers)
        self.name, self.attempt_id = attempt.name, attempt.id
        self.workshop, self.round, self.person = attempt.workshop, attempt.round, attempt.person
        self.position = self.resume_position()
        if self.finished and self.recorder is not None:
            self.recorder.finished(self)

    def set_aside(self, attempt: Attempt) -> None:
        """The person chose to start fresh instead of going on with this attempt."""
        if self.recorder is not None:
            self.recorder.set_aside(attempt)

    def answer(self, value: int) -> bool:
        """Record 1..5, or 0 for no opinion, for the current statement and move on.

        Returns True when that was the last statement. Statements before the current one
        are always answered: moving forward only passes answered ones.
        """
        if not 0 <= value <= 5:
            raise ValueError(value)
        statement_id = self.order[self.position]
        self.answers[statement_id] = None if value == NO_OPINION else value
        if self.recorder is not None:
            self.recorder.answered(self, statement_id)
        if self.position == self.total - 1:
            if self.finished and self.recorder is not None:
                self.recorder.finished(self)
            return self.finished
        self.position += 1
        return False

    def back(self) -> bool:
        if self.position == 0:
            return False
        self.position -= 1
        return True

    def forward(self) -> bool:
        """Move on over an answered statement."""
        if self.current_answer is None or self.position >= self.total - 1:
            return False
        self.position += 1
        return True

    def toggle_language(self) -> str:
        langs = self.bank.languages
        return self.set_language(langs[(langs.index(self.lang) + 1) % len(langs)])

    def set_language(self, lang: str) -> str:
        self.lang = resolve_language(self.bank, lang, self.lang)
        if self.recorder is not None:
            self.recorder.language_changed(self)
        return self.lang

    # -- where things stand ---------------------------------------------------------------

    @property
    def total(self) -> int:
        return len(self.order)

    @property
    def current(self) -> Statement:
        return self._statements[self.order[self.position]]

    @property
    def current_answer(self) -> int | None:
        """The earlier answer to the current statement: 1..5, 0 for no opinion, None if unanswered."""
        sid = self.order[self.position]
        if sid not in self.answers:
            return None
        value = self.answers[sid]
        return NO_OPINION if value is None else value

    @property
    def answered(self) -> int:
        return len(self.answers)

    @property
    def finished(self) -> bool:
        return self.answered == self.total

    def resume_position(self) -> int:
        """Where an interrupted attempt goes on: the first statement without an answer."""
        for i, sid in enumerate(self.order):
            if sid not in self.answers:
                return i
        return self.total - 1

    def result(self) -> Result:
        from misquiz.core.scoring import score_attempt

        return score_attempt(self.bank, self.answers)


def resume_title(attempt: Attempt, lang: str) -> str:
    """The heading of the offer to go on: whose attempt it is."""
    return t(lang, "resume_title_named", name=attempt.name) if attempt.name else t(lang, "resume_title")


def resume_text(attempt: Attempt, lang: str) -> str:
    """Whose attempt it is, when it was started and how far it got."""
    key = "resume_text_named" if attempt.name else "resume_text"
    values = {"date": format_date(attempt.started_at, lang), "n": len(attempt.answers), "total": len(attempt.order)}
    return t(lang, key, name=attempt.name, **values)
