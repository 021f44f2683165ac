"""Commitments: up to three actions from a person's own plan, or one line of their own, and what they did.

An action is named by its myth and its place among that myth's actions ("no-plan.2"); the plan's
actions are those of every assessed myth the person does not already see clearly (priorities and
"worth a second look"). A follow-up says of each commitment: done, started or not yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from misquiz.core.catalogue import t
from misquiz.core.model import Bank
from misquiz.core.scoring import Result
from misquiz.core.text import plain

MAX_COMMITMENTS = 3
MAX_OWN = 140  # characters of one's own line, after cleaning
DONE, STARTED, NOT_YET = "done", "started", "not_yet"
STATUSES = (DONE, STARTED, NOT_YET)
OWN = "own"


class CommitmentError(ValueError):
    """A choice that cannot be kept; `message(lang)` says why in the person's language."""

    def __init__(self, message_key: str, **values: object) -> None:
        self.message_key, self.values = message_key, values
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        return t(lang, self.message_key, **self.values)


class Commitment(NamedTuple):
    myth: str | None  # the myth of a plan action; None for a line of one's own
    action: int | None  # 1-based place among the myth's actions
    own: str | None = None  # one's own line, cleaned
    status: str | None = None  # the follow-up: DONE, STARTED, NOT_YET; None: not asked yet

    @property
    def key(self) -> str:
        return OWN if self.myth is None else f"{self.myth}.{self.action}"

    def text(self, bank: Bank, lang: str) -> str:
        """What the person will do, in their language (their own line as typed, cleaned)."""
        if self.myth is None:
            return self.own or ""
        myth = next((m for m in bank.myths if m.id == self.myth), None)
        if myth is None or self.action is None or not 1 <= self.action <= len(myth.actions):
            return self.key  # a bank that changed since: the id, never a crash
        return myth.actions[self.action - 1][lang]

    def myth_title(self, bank: Bank, lang: str) -> str | None:
        myth = next((m for m in bank.myths if m.id == self.myth), None)
        return myth.title[lang] if myth else None


class PlanAction(NamedTuple):
    key: str  # "myth-id.N"
    myth: str
    action: int


def plan_actions(bank: Bank, result: Result) -> tuple[PlanAction, ...]:
    """The actions a person may commit to: those of the myths their plan asks them to work on, most held first."""
    return tuple(
        PlanAction(f"{m.myth.id}.{n}", m.myth.id, n)
        for m in (*result.priorities, *result.second_look)
        for n in range(1, len(m.myth.actions) + 1)
    )


def clean_own(line: str) -> str:
    """One's own line on one line, with control characters made visible; refused when too long."""
    cleaned = plain(" ".join(line.split()))
    if len(cleaned) > MAX_OWN:
        raise CommitmentError("commit_error_too_long", max=MAX_OWN, length=len(cleaned))
    return cleaned


def choose(bank: Bank, result: Result, keys: Iterable[str], own: str = "") -> tuple[Commitment, ...]:
    """The commitments a person chose: plan actions by key, then their own line; at most three in all."""
    allowed = {a.key: a for a in plan_actions(bank, result)}
    chosen: list[Commitment] = []
    for key in dict.fromkeys(k.strip() for k in keys if k.strip()):  # a key twice is one commitment
        action = allowed.get(key)
        if action is None:
            raise CommitmentError("commit_error_not_in_plan", action=plain(key[:40]))
        chosen.append(Commitment(action.myth, action.action))
    line = clean_own(own)
    if line:
        chosen.append(Commitment(None, None, line))
    if len(chosen) > MAX_COMMITMENTS:
        raise CommitmentError("commit_error_too_many", max=MAX_COMMITMENTS, n=len(chosen))
    return tuple(chosen)


def follow_up(commitments: Sequence[Commitment], answers: Mapping[int, str]) -> tuple[Commitment, ...]:
    """The commitments with what the person says they did: answers by 1-based place; the rest unchanged."""
    for place, status in answers.items():
        if not 1 <= place <= len(commitments):
            raise CommitmentError("commit_error_no_such", place=place, n=len(commitments))
        if status not in STATUSES:
            raise CommitmentError("commit_error_status", status=plain(str(status)[:20]))
    return tuple(c._replace(status=answers.get(i, c.status)) for i, c in enumerate(commitments, 1))


def is_open(commitments: Sequence[Commitment]) -> bool:
    """Whether any commitment still waits for its follow-up."""
    return any(c.status is None for c in commitments)
