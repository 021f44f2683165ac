"""One quiz in progress: the bank, the order, the answers and where the person is.

Screens render from this object and change it only through its methods; no widget
holds the truth. It knows nothing of Textual.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Protocol

from misquiz.core.model import Bank, Statement
from misquiz.core.scoring import Result, score_attempt
from misquiz.core.text import clean_name

NO_OPINION = 0  # the key for "no opinion"; stored as None


def shuffled_order(bank: Bank, seed: int) -> list[str]:
    order = [s.id for s in bank.statements]
    random.Random(seed).shuffle(order)
    return order


class Recorder(Protocol):
    """Told of every change as it happens, before the quiz shows its effect."""

    def answered(self, session: QuizSession, statement_id: str) -> None: ...

    def finished(self, session: QuizSession) -> None: ...

    def language_changed(self, session: QuizSession) -> None: ...


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
    recorder: Recorder | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.name = clean_name(self.name)
        if not self.order:
            self.order = shuffled_order(self.bank, self.seed)
        self._statements = {s.id: s for s in self.bank.statements}
        if self.lang not in self.bank.languages:
            self.lang = self.bank.default_language

    @classmethod
    def start(cls, bank: Bank, lang: str, seed: int | None = None, name: str = "") -> QuizSession:
        return cls(bank, lang, random.randrange(2**31) if seed is None else seed, name)

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
            if self.recorder is not None:
                self.recorder.finished(self)
            return True
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
        self.lang = langs[(langs.index(self.lang) + 1) % len(langs)]
        if self.recorder is not None:
            self.recorder.language_changed(self)
        return self.lang

    def resume_position(self) -> int:
        """Where an interrupted attempt goes on: the first statement without an answer."""
        for i, sid in enumerate(self.order):
            if sid not in self.answers:
                return i
        return self.total - 1

    def result(self) -> Result:
        return score_attempt(self.bank, self.answers)
