"""The live session of a workshop round, and what it lets every view show.

One state per workshop and round, kept in the store: open or closed, what the trainer has revealed
(everything, or some myths), and discuss mode with the order it froze and where it stands. The rules
for what a view may show are decided here once (`live_view`, `room_beside`); the projector page,
`misquiz room`, the participant's results page and the report render what they are given.

Until something is revealed, nothing shows how the room answers: titles in bank order, counts of
people only. Discuss mode walks an order frozen when it began: the discussion order if everything was
revealed then, else the bank's (a walk in discussion order would give the ranking away); before a myth
is revealed it shows the title and the number of statements, never the explanation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from misquiz.core.model import Bank
from misquiz.core.room import ROUNDS, UNTAGGED, MythRoom, Room, RoomRound
from misquiz.core.scoring import ARROWS, Answers, direction_of, score_attempt, shown, signed

ACTIONS = ("close", "open", "reveal_all", "reveal", "hide", "discuss", "leave", "next", "back")


def round_key(round: str | None) -> str:
    """The store's key of a round: a workshop served without --round is its own round."""
    return round if round in ROUNDS else UNTAGGED


class SessionRefused(ValueError):
    """A change the session cannot take; `key` and `values` name it in the catalogue."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class SessionState:
    closed: bool = False
    revealed_all: bool = False
    revealed: tuple[str, ...] = ()  # in the order the trainer revealed them
    discuss: tuple[str, ...] | None = None  # the order frozen on entering discuss mode
    position: int = 0

    def shows(self, myth_id: str) -> bool:
        return self.revealed_all or myth_id in self.revealed

    @property
    def anything_shown(self) -> bool:
        return self.revealed_all or bool(self.revealed)

    @property
    def discussed(self) -> str | None:
        return self.discuss[self.position] if self.discuss else None

    def to_json(self) -> str:
        return json.dumps(
            {
                "closed": self.closed,
                "revealed_all": self.revealed_all,
                "revealed": list(self.revealed),
                "discuss": None if self.discuss is None else list(self.discuss),
                "position": self.position,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | None) -> SessionState:
        """A stored state; anything unreadable is the fresh state (hidden, open), never a crash."""
        try:
            data = json.loads(text or "{}")
            discuss = data.get("discuss")
            state = cls(
                closed=bool(data.get("closed", False)),
                revealed_all=bool(data.get("revealed_all", False)),
                revealed=tuple(str(m) for m in data.get("revealed", ())),
                discuss=None if not discuss else tuple(str(m) for m in discuss),
                position=int(data.get("position", 0)),
            )
        except (ValueError, TypeError, AttributeError):
            return cls()
        if state.discuss and not 0 <= state.position < len(state.discuss):
            state = replace(state, position=0)
        return state


def change(
    state: SessionState, action: str, bank: Bank, order: tuple[str, ...], myth: str | None = None
) -> SessionState:
    """The state after the trainer's action; SessionRefused for one that names nothing that can be done.

    order: the round's discussion order (as shown); discuss mode freezes it if everything is revealed when it
    begins, and the bank's order of every myth if not, so the walk gives nothing of the ranking away.
    """
    if action == "close":
        return replace(state, closed=True)
    if action == "open":
        return replace(state, closed=False)
    if action == "reveal_all":
        return replace(state, revealed_all=True)
    if action == "reveal":
        myth = myth if myth is not None else state.discussed
        if myth is None:  # nothing named and nothing on screen: everything
            return replace(state, revealed_all=True)
        if myth not in bank.myths_by_id:
            raise SessionRefused("session_unknown_myth", myth=myth, known=", ".join(m.id for m in bank.myths))
        return state if myth in state.revealed else replace(state, revealed=(*state.revealed, myth))
    if action == "hide":
        if myth is None:
            return replace(state, revealed_all=False, revealed=())
        if myth not in bank.myths_by_id:
            raise SessionRefused("session_unknown_myth", myth=myth, known=", ".join(m.id for m in bank.myths))
        if state.revealed_all:  # everything but this one stays revealed
            kept = tuple(m.id for m in bank.myths if m.id != myth)
            return replace(state, revealed_all=False, revealed=kept)
        return replace(state, revealed=tuple(m for m in state.revealed if m != myth))
    if action == "discuss":
        if state.discuss is not None:
            return state
        if not order:
            raise SessionRefused("session_nothing_to_discuss")
        everything = state.revealed_all or all(m.id in state.revealed for m in bank.myths)
        return replace(state, discuss=order if everything else tuple(m.id for m in bank.myths), position=0)
    if action == "leave":
        return replace(state, discuss=None, position=0)
    if action in ("next", "back"):
        if not state.discuss:
            return state
        step = 1 if action == "next" else -1
        return replace(state, position=(state.position + step) % len(state.discuss))
    raise SessionRefused("session_unknown_action", action=action)


# -- what a view may show ----------------------------------------------------------------------


@dataclass(frozen=True)
class Shift:
    """From the before round to the after round, for one myth: PRODUCT.md's rule, decided once."""

    points: int  # after's shown room score minus before's (whole numbers)
    held_before: int  # people in the held band
    held_after: int

    @property
    def worse(self) -> bool:
        """Toward the myth: more people hold it, or the score rose."""
        return self.points > 0 or self.held_after > self.held_before

    @property
    def direction(self) -> str:
        """'worse', 'better' or 'same': for a word, an arrow and a colour."""
        if self.worse:
            return "worse"
        return "better" if self.points < 0 or self.held_after < self.held_before else "same"

    @property
    def wording(self) -> str:
        """Which sentence tells it: the direction, or, when the score and the people point opposite ways, which of
        them made it a worsening ('worse_people': more believe it though the score fell; 'worse_score': the score
        rose though fewer believe it), so that no line shows ▲ beside a fall unexplained."""
        if self.direction == "worse" and self.points < 0:
            return "worse_people"
        if self.direction == "worse" and self.held_after < self.held_before:
            return "worse_score"
        return self.direction

    @property
    def arrow(self) -> str:
        return ARROWS[self.direction]

    @property
    def signed(self) -> str:
        return signed(self.points)


def room_score(m: MythRoom) -> int | None:
    return None if m.mean is None else shown(m.mean)


def shift_of(room: Room, myth_id: str, held: str) -> Shift | None:
    """The shift of one myth, when both rounds are shown and both have a score for it."""
    if not room.has_both_rounds:
        return None
    before, after = room.rounds["before"].myth(myth_id), room.rounds["after"].myth(myth_id)
    b, a = room_score(before), room_score(after)
    if b is None or a is None:
        return None
    return Shift(a - b, before.counts.get(held, 0), after.counts.get(held, 0))


@dataclass(frozen=True)
class RoundBars:
    round: str
    counts: tuple[int, ...]  # people per band, in the bank's band order
    assessed: int
    score: int | None


@dataclass(frozen=True)
class MythLine:
    id: str
    shown: bool  # the trainer revealed it: its bars (and in discuss mode its explanation) may be shown
    statements: int
    rounds: tuple[RoundBars, ...]  # empty while hidden
    shift: Shift | None  # None while hidden, or without both rounds


@dataclass(frozen=True)
class LiveView:
    """Everything a projector or `misquiz room` may show of a room now."""

    workshop: str
    round: RoomRound | None
    state: SessionState
    both: bool  # before and after side by side
    visible: bool  # at or above the minimum group: bars may be revealed at all
    ranked: bool  # the lines are in discussion order (something is revealed); else in bank order, unnumbered
    lines: tuple[MythLine, ...]
    discuss: MythLine | None
    position: int  # 1-based, in discuss mode
    total: int
    waiting: int  # myths nobody has answered yet

    @property
    def closed(self) -> bool:
        return self.state.closed

    @property
    def all_revealed(self) -> bool:
        return self.state.revealed_all or all(line.shown for line in self.lines)


def debrief_round(room: Room) -> RoomRound | None:
    """The round whose discussion order the debrief walks: the after round's when both are compared."""
    if room.has_both_rounds:
        return room.rounds["after"]
    return room.shown_round


def discuss_order(room: Room) -> tuple[str, ...]:
    """The order discuss mode freezes when it begins; nothing while the round is too small to show."""
    rnd = debrief_round(room)
    return rnd.discussion_order if rnd is not None and rnd.shown else ()


def live_view(room: Room, bank: Bank, state: SessionState) -> LiveView:
    rnd = room.shown_round
    both = room.has_both_rounds
    visible = rnd is not None and rnd.shown
    held = bank.bands[-1].id
    rounds = [room.rounds["before"], room.rounds["after"]] if both else [rnd] if rnd is not None else []

    def line(myth_id: str) -> MythLine:
        revealed = visible and state.shows(myth_id)
        bars = tuple(
            RoundBars(
                r.round,
                tuple(r.myth(myth_id).counts.get(b.id, 0) for b in bank.bands),
                r.myth(myth_id).assessed,
                room_score(r.myth(myth_id)),
            )
            for r in rounds
        )
        return MythLine(
            myth_id,
            revealed,
            len(bank.myths_by_id[myth_id].statements),
            bars if revealed else (),
            shift_of(room, myth_id, held) if revealed else None,
        )

    ranked = visible and state.anything_shown
    if ranked:
        basis = debrief_round(room)
        order = list(basis.discussion_order if basis else ())
        order += [m.id for m in bank.myths if m.id not in order]
    else:
        order = [m.id for m in bank.myths]
    discussed = state.discussed if visible else None
    return LiveView(
        workshop=room.workshop,
        round=rnd,
        state=state,
        both=both,
        visible=visible,
        ranked=ranked,
        lines=tuple(line(m) for m in order),
        discuss=line(discussed) if discussed in bank.myths_by_id else None,
        position=state.position + 1,
        total=len(state.discuss or ()),
        waiting=sum(1 for m in rnd.myths if not m.assessed) if rnd is not None and ranked else 0,
    )


# -- you and the room ------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomBeside:
    """The room beside one myth of a participant's results: people per band, and in the after round the shift."""

    myth_id: str
    counts: tuple[int, ...]  # people per band, in the bank's band order
    assessed: int
    held: int
    clear: int
    shift: Shift | None


@dataclass(frozen=True)
class YouAndRoom:
    shown: bool  # something is revealed and the round has at least the minimum group finished
    too_small: bool  # revealed, but fewer than the minimum group finished
    finished: int
    myths: tuple[RoomBeside, ...]


def room_beside(room: Room, bank: Bank, round: str | None, state: SessionState) -> YouAndRoom:
    """What a participant's results page may show of their room: only what the trainer revealed."""
    rnd = room.rounds.get(round_key(round))
    if rnd is None or not state.anything_shown:
        return YouAndRoom(False, False, rnd.finished if rnd else 0, ())
    if not rnd.shown:
        return YouAndRoom(False, True, rnd.finished, ())
    held, clear = bank.bands[-1].id, bank.bands[0].id
    compare = round_key(round) == "after" and room.has_both_rounds
    myths = tuple(
        RoomBeside(
            m.id,
            tuple(rnd.myth(m.id).counts.get(b.id, 0) for b in bank.bands),
            rnd.myth(m.id).assessed,
            rnd.myth(m.id).counts.get(held, 0),
            rnd.myth(m.id).counts.get(clear, 0),
            shift_of(room, m.id, held) if compare else None,
        )
        for m in bank.myths
        if state.shows(m.id) and rnd.myth(m.id).assessed
    )
    return YouAndRoom(bool(myths), False, rnd.finished, myths)


@dataclass(frozen=True)
class OwnShift:
    """A participant's own shift on one myth: their after score minus their before score (whole points)."""

    points: int

    @property
    def direction(self) -> str:
        return direction_of(self.points)

    @property
    def arrow(self) -> str:
        return ARROWS[self.direction]

    @property
    def signed(self) -> str:
        return signed(self.points)


def own_shifts(bank: Bank, before: Answers, after: Answers) -> dict[str, OwnShift]:
    """Per myth both rounds scored, the participant's shift from their before answers to their after answers."""
    was = {m.myth.id: m.score for m in score_attempt(bank, before).myths}
    now = {m.myth.id: m.score for m in score_attempt(bank, after).myths}
    return {
        myth_id: OwnShift(shown(score) - shown(old))
        for myth_id, score in now.items()
        if score is not None and (old := was.get(myth_id)) is not None
    }


def results_so_far(bank: Bank, answers: Answers) -> bool:
    """Whether unfinished answers say enough for results so far (a closed round's page shows them):
    every myth assessed, that is, at least one of its statements answered with an opinion."""
    return all(m.score is not None for m in score_attempt(bank, answers).myths)
