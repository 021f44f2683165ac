"""What a report needs from the store, read in one place: the faces read here, the core computes, render lays out.

Renderers never read a store (one decision, one place): `misquiz room --export`, `misquiz items` and the
tests gather a report's inputs with these functions and hand them to render.room / render.items.
"""

from __future__ import annotations

from typing import Any

from misquiz.core.items import ROUNDS_BEFORE_FIRST, ROUNDS_LATEST_FIRST, AnswerPatterns, ItemReport, item_report
from misquiz.core.model import Bank
from misquiz.core.room import MIN_GROUP, Room
from misquiz.storage.protocol import Store, read_room


def read_items(
    store: Store,
    bank: Bank,
    workshop: str | None = None,
    round: str | None = None,
    min_group: int | None = None,
    *,
    prefer: tuple[str, ...] = ROUNDS_LATEST_FIRST,
) -> ItemReport:
    """The statistics of a bank's statements over stored finished attempts: the store reads, the core computes.

    A workshop is read one round at a time, so that no one counts twice: `round`, or else the first round
    in `prefer` with finished attempts. Without a workshop, `round` None reads every attempt on the bank.
    """
    if workshop is not None and round is None:
        round, patterns = _first_round(store, bank, workshop, prefer)
    else:
        patterns = store.answer_patterns(bank, workshop, round)
    group = MIN_GROUP if min_group is None else min_group
    return item_report(bank, patterns, workshop=workshop, round=round, min_group=group)


def _first_round(store: Store, bank: Bank, workshop: str, prefer: tuple[str, ...]) -> tuple[str | None, AnswerPatterns]:
    """The first of the rounds with finished attempts, and its patterns; None when no round has any."""
    patterns = AnswerPatterns(0, {})
    for round in prefer:
        patterns = store.answer_patterns(bank, workshop, round)
        if patterns.attempts:
            return round, patterns
    return None, patterns


def read_group_report(
    store: Store,
    bank: Bank,
    workshop: str,
    *,
    round: str | None = None,
    min_group: int | None = None,
    items: bool = False,
    appendix: bool = False,
    room: Room | None = None,
) -> dict[str, Any]:
    """Everything render.room.group_report_file lays out, read from the store: the room (unless the caller has
    just read it with the same workshop, round and min_group), the closed rounds, and the item statistics for
    the appendix (over one round: the one asked for, else before when it has finished attempts — answers not
    yet taught, and more spread —, else the latest) or for the per-statement CSV (as `misquiz items` reads)."""
    group = MIN_GROUP if min_group is None else min_group
    if items:
        return {"items_report": read_items(store, bank, workshop, round, group)}
    room = room if room is not None else read_room(store, bank, workshop, round, group)
    closed = frozenset(name for name in room.rounds if store.session_state(workshop, name).closed)
    flags = read_items(store, bank, workshop, round, group, prefer=ROUNDS_BEFORE_FIRST) if appendix else None
    return {"room": room, "closed": closed, "flags": flags, "appendix": appendix}
