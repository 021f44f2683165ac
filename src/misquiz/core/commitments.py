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


def of_myth(lang: str, text: str, myth: str | None) -> str:
    """An action with the misconception it tackles, when there is one: "Ask each client … (misconception:
    “…”)." — the sentence's full stop after the parenthesis that belongs to it."""
    if not myth:
        return text
    stem, stop = (text[:-1], text[-1]) if text.endswith((".", "!")) else (text, "")
    return t(lang, "commitment_of_myth", text=stem, myth=myth) + stop


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


class CommitmentCount(NamedTuple):
    """A store's grouped count: people of a round whose commitment is this action (or their own line), by status."""

    round: str | None
    myth: str | None  # None: a line of one's own
    action: int | None
    status: str | None
    people: int


class ActionInRoom(NamedTuple):
    key: str  # "myth-id.N", or OWN for lines of people's own (counted, never shown)
    myth: str | None
    action: int | None
    committed: int  # people of this round who committed to it
    did: int | None  # in an after round: people who say they did what they committed to before; else None

    def as_dict(self) -> dict[str, object]:
        return {"action": self.key, "committed": self.committed, "did": self.did}


class RoomCommitments(NamedTuple):
    """The room's commitments for one round: per action, how many people; never who; nothing below the minimum."""

    round: str
    shown: bool  # False below the minimum group of finished participants: no counts at all
    actions: tuple[ActionInRoom, ...]  # most committed first, then bank order; one's own lines last

    def as_dict(self) -> dict[str, object]:
        return {"shown": self.shown, "actions": [a.as_dict() for a in self.actions] if self.shown else []}


def tally_commitments(
    bank: Bank, counts: Iterable[CommitmentCount], round: str, finished: int, min_group: int
) -> RoomCommitments:
    """Per action, the people of `round` who committed to it and, in the after round, the people of the before
    round who say they did it (done). Below `min_group` finished participants nothing is counted out."""
    if finished < min_group:
        return RoomCommitments(round, False, ())
    place = {(m.id, n): (i, n) for i, m in enumerate(bank.myths) for n in range(1, len(m.actions) + 1)}
    committed: dict[tuple[str | None, int | None], int] = {}
    did: dict[tuple[str | None, int | None], int] = {}
    for row in counts:
        key = (row.myth, row.action) if row.myth is not None else (None, None)
        if row.myth is not None and key not in place:
            continue  # an action of a bank that changed since: not counted under another's name
        if (row.round or "none") == round:
            committed[key] = committed.get(key, 0) + row.people
        if round == "after" and row.round == "before" and row.status == DONE:
            did[key] = did.get(key, 0) + row.people
    after = round == "after"
    actions = [
        ActionInRoom(
            f"{m}.{a}" if m is not None else OWN, m, a, committed.get((m, a), 0), did.get((m, a), 0) if after else None
        )
        for m, a in {**committed, **did}
    ]
    actions.sort(
        key=lambda x: (x.myth is None, -x.committed, -(x.did or 0), place.get((x.myth or "", x.action or 0), (0, 0)))
    )
    return RoomCommitments(round, True, tuple(actions))


ON_SCREEN = 10  # the most committed actions a projector shows; the group report lists them all


class RoomCommitmentLine(NamedTuple):
    """One action of the room's commitments as every face shows it: its words (never a person's own line) and the
    counts in a sentence."""

    key: str
    text: str  # the action in the language asked for; for lines of people's own, only that there were some
    myth: str | None  # the myth's title; None for lines of people's own
    counts: str  # "3 committed, 2 did it"
    committed: int
    did: int | None


def room_commitment_lines(bank: Bank, room: RoomCommitments, lang: str) -> tuple[RoomCommitmentLine, ...]:
    """The room's commitments of one round in words, in the tally's order; nothing when the tally shows nothing."""
    if not room.shown:
        return ()
    lines = []
    for a in room.actions:
        mine = Commitment(a.myth, a.action)
        text = t(lang, "room_commit_own") if a.myth is None else mine.text(bank, lang)
        if a.did is None:
            counts = t(lang, "room_commit_counts", committed=a.committed)
        else:
            counts = t(lang, "room_commit_counts_after", committed=a.committed, did=a.did)
        myth = None if a.myth is None else mine.myth_title(bank, lang)
        # a bank's words, controls made visible: every face (a terminal too) can show them as they are
        lines.append(RoomCommitmentLine(a.key, plain(text), plain(myth) if myth else None, counts, a.committed, a.did))
    return tuple(lines)


def room_commitments_more(lang: str, lines: Sequence[RoomCommitmentLine], most: int = ON_SCREEN) -> str | None:
    """Said under the `most` first lines when there are more: where to read them all."""
    return t(lang, "room_commitments_more", n=len(lines)) if len(lines) > most else None
