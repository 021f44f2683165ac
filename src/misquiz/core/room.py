"""Where a workshop room stands, per misconception, one round at a time: tallied from counts, never per name.

The discussion order (PRODUCT.md, "Discussion order"): per myth, `held` is the share of the round in
the held band and `clear` the share in the clear band; priority = held + min(held, clear). What most
of the room holds comes first; a room split between holding and seeing clearly comes next to it; a
room that is merely unsure does not jump the queue. Ties: higher mean first, then bank order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from misquiz.core.commitments import RoomCommitments
from misquiz.core.model import Bank
from misquiz.core.scoring import shown

MIN_GROUP = 3
CODE_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"  # a workshop code: one place for the command line and the files
ROUNDS = ("before", "after")
UNTAGGED = "none"  # attempts of a workshop that was served without --round


class PeopleCount(NamedTuple):
    round: str | None
    joined: int  # answered at least one statement
    finished: int
    started: int = 0  # pressed Start, answered or not: what a seat in a full room counts


class BandCount(NamedTuple):
    round: str | None
    myth_id: str
    band: str
    people: int
    score_total: float


class RoomCounts(NamedTuple):
    """What a store counts for a workshop; the core turns it into a Room."""

    people: tuple[PeopleCount, ...]
    bands: tuple[BandCount, ...]


class WorkshopSummary(NamedTuple):
    """One workshop in a database, for `misquiz workshop list`."""

    code: str
    rounds: tuple[str, ...]
    joined: int
    finished: int
    first: str  # ISO date-time of the first start
    last: str  # and of the latest activity
    started: int = 0  # attempts, answered or not: started - joined pressed Start and never answered


def valid_code(code: str) -> bool:
    import re

    return isinstance(code, str) and re.fullmatch(CODE_PATTERN, code) is not None  # `$` alone lets "mon\n" by


CLOSE_CODE_DISTANCE = 2  # two slips of the keyboard: "acme-ocd" for "acme-doc" (a swap is two)


def edit_distance(a: str, b: str) -> int:
    """Levenshtein's: the fewest letters inserted, deleted or replaced to turn a into b."""
    previous = list(range(len(b) + 1))
    for i, letter in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (letter != other)))
        previous = current
    return previous[-1]


def close_codes(code: str, known: list[str], limit: int = 5) -> list[str]:
    """Workshop codes a mistyped one may have meant: without case, at most two letters apart, nearest first."""
    wanted = code.lower()
    near = [(edit_distance(wanted, k.lower()), k.lower(), k) for k in known if k != code]
    return [k for distance, _, k in sorted(near) if distance <= CLOSE_CODE_DISTANCE][:limit]


@dataclass(frozen=True)
class MythRoom:
    id: str
    counts: dict[str, int]  # band id -> participants
    mean: float | None

    @property
    def assessed(self) -> int:
        return sum(self.counts.values())

    def share(self, band: str) -> float:
        return self.counts.get(band, 0) / self.assessed if self.assessed else 0.0


def priority(m: MythRoom, held: str, clear: str) -> float:
    """held + min(held, clear): the share that holds the myth, plus the smaller camp of a split room."""
    h, c = m.share(held), m.share(clear)
    return h + min(h, c)


def discussion_order(myths: tuple[MythRoom, ...], held: str, clear: str) -> tuple[str, ...]:
    """Most pressing first; myths nobody has answered yet are left out. Stable: bank order breaks ties."""
    assessed = [m for m in myths if m.assessed]
    ranked = sorted(assessed, key=lambda m: (-priority(m, held, clear), -(m.mean or 0.0)))
    return tuple(m.id for m in ranked)


@dataclass(frozen=True)
class RoomRound:
    round: str  # "before", "after" or UNTAGGED
    joined: int
    finished: int
    myths: tuple[MythRoom, ...]
    discussion_order: tuple[str, ...]
    shown: bool  # False below the anonymity threshold: only the counts of people

    @property
    def in_progress(self) -> int:
        return self.joined - self.finished

    def myth(self, myth_id: str) -> MythRoom:
        return next(m for m in self.myths if m.id == myth_id)

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "joined": self.joined,
            "in_progress": self.in_progress,
            "finished": self.finished,
            "myths": [{"id": m.id, "counts": m.counts, "mean": _one_decimal(m.mean)} for m in self.myths]
            if self.shown
            else [],
            "discussion_order": list(self.discussion_order) if self.shown else [],
        }
        if not self.shown:
            data["hidden"] = "fewer than the minimum group of finished participants; only counts are shown"
        return data


@dataclass(frozen=True)
class Room:
    workshop: str
    rounds: dict[str, RoomRound]  # in the order before, after, untagged; only rounds with participants
    current: str | None  # the round the live view shows: the one asked for, else the latest with people
    commitments: dict[str, RoomCommitments] = field(default_factory=dict)  # per round, as rounds

    @property
    def shown_round(self) -> RoomRound | None:
        return self.rounds.get(self.current) if self.current else None

    @property
    def has_both_rounds(self) -> bool:
        return all(r in self.rounds and self.rounds[r].shown for r in ROUNDS)

    @property
    def empty(self) -> bool:
        return not self.rounds

    def order(self) -> tuple[str, ...]:
        """One order for every view of this room: the after round's, when before and after are compared."""
        if self.has_both_rounds:
            return self.rounds["after"].discussion_order
        shown = self.shown_round
        return shown.discussion_order if shown else ()

    def shift(self, myth_id: str) -> int | None:
        """After's shown room score minus before's (whole numbers): negative means the room let go of the myth."""
        if not self.has_both_rounds:
            return None
        before, after = self.rounds["before"].myth(myth_id).mean, self.rounds["after"].myth(myth_id).mean
        return None if before is None or after is None else shown(after) - shown(before)

    def as_dict(self) -> dict[str, object]:
        """Each round's counts apart; the top level never adds rounds together."""
        data: dict[str, object] = {
            "workshop": self.workshop,
            "round": self.current,
            "rounds": {name: r.as_dict() for name, r in self.rounds.items()},
        }
        if self.has_both_rounds:
            data["shift"] = {m: self.shift(m) for m in self.order()}
        if self.commitments:
            data["commitments"] = {name: c.as_dict() for name, c in self.commitments.items()}
        return data


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _name(round: str | None) -> str:
    return round if round in ROUNDS else UNTAGGED


def tally_room(
    bank: Bank, counts: RoomCounts, workshop: str, round: str | None = None, min_group: int = MIN_GROUP
) -> Room:
    """The room from a store's counts, one round at a time; Python only adds up their few rows."""
    present = {_name(p.round) for p in counts.people if p.joined}
    names = [n for n in (*ROUNDS, UNTAGGED) if n in present]
    rounds = {name: _round_of(bank, name, counts, min_group) for name in names}
    if round is not None:
        current: str | None = round
        if round not in rounds:
            rounds[round] = _round_of(bank, round, counts, min_group)
    else:
        current = names[-1] if names else None
        if current == UNTAGGED and len(names) > 1:
            current = names[-2]  # a forgotten --round is shown apart, not instead of the tagged rounds
    return Room(workshop, rounds, current)


def _round_of(bank: Bank, name: str, counts: RoomCounts, min_group: int) -> RoomRound:
    joined = sum(p.joined for p in counts.people if _name(p.round) == name)
    finished = sum(p.finished for p in counts.people if _name(p.round) == name)
    band_ids = [b.id for b in bank.bands]
    tallies = {m.id: dict.fromkeys(band_ids, 0) for m in bank.myths}
    totals = {m.id: 0.0 for m in bank.myths}
    for row in counts.bands:
        if _name(row.round) == name and row.myth_id in tallies and row.band in tallies[row.myth_id]:
            tallies[row.myth_id][row.band] += row.people
            totals[row.myth_id] += row.score_total
    myths = tuple(
        MythRoom(m.id, tallies[m.id], totals[m.id] / n if (n := sum(tallies[m.id].values())) else None)
        for m in bank.myths
    )
    order = discussion_order(myths, band_ids[-1], band_ids[0])
    return RoomRound(name, joined, finished, myths, order, finished >= min_group)
