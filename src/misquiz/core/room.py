"""Where a workshop room stands, per misconception: tallied from counts, never per name.

"Split" is how evenly the room is spread over the bands: the normalised entropy of the
band counts, 0 when everyone is in one band and 1 when every band holds as many. The
discussion order puts first the myths that most people hold and that most divide the
room: by (share holding the myth + split), highest first; then by mean score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from misquiz.core.model import Bank

MIN_GROUP = 3


class PeopleCount(NamedTuple):
    round: str | None
    started: int
    finished: int


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

    @property
    def split(self) -> float:
        k = len(self.counts)
        if self.assessed == 0 or k < 2:
            return 0.0
        entropy = -sum(p * math.log(p) for n in self.counts.values() if (p := n / self.assessed) > 0)
        return max(0.0, entropy / math.log(k))  # never -0.0


@dataclass(frozen=True)
class RoomRound:
    round: str | None  # None: every round together
    joined: int
    finished: int
    myths: tuple[MythRoom, ...]
    discussion_order: tuple[str, ...]
    shown: bool  # False below the anonymity threshold: only the counts of people

    def myth(self, myth_id: str) -> MythRoom:
        return next(m for m in self.myths if m.id == myth_id)

    def as_dict(self, workshop: str | None = None) -> dict[str, object]:
        data: dict[str, object] = {} if workshop is None else {"workshop": workshop}
        data |= {
            "joined": self.joined,
            "finished": self.finished,
            "myths": [{"id": m.id, "counts": m.counts, "mean": _round(m.mean)} for m in self.myths]
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
    all: RoomRound
    rounds: dict[str, RoomRound]  # "before" / "after", when the workshop used rounds

    @property
    def has_both_rounds(self) -> bool:
        return {"before", "after"} <= set(self.rounds) and all(r.shown for r in self.rounds.values())

    def shift(self, myth_id: str) -> float | None:
        """After minus before, in mean score: negative means the room let go of the myth."""
        if not self.has_both_rounds:
            return None
        before, after = self.rounds["before"].myth(myth_id).mean, self.rounds["after"].myth(myth_id).mean
        return None if before is None or after is None else after - before

    def as_dict(self) -> dict[str, object]:
        data = self.all.as_dict(self.workshop)
        if self.rounds:
            data["rounds"] = {name: r.as_dict() for name, r in self.rounds.items()}
        return data


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def tally_room(
    bank: Bank, counts: RoomCounts, workshop: str, round: str | None = None, min_group: int = MIN_GROUP
) -> Room:
    """The room from a store's counts; Python only adds up their few rows."""
    people, scores = counts.people, counts.bands
    named = sorted({r.round for r in people if r.round is not None}, reverse=True)  # before, after
    wanted = [name for name in named if round in (None, name)]
    rounds = {name: _round_of(bank, [name], people, scores, min_group, name) for name in wanted}
    if round is not None:
        everything = rounds.get(round) or _round_of(bank, [round], people, scores, min_group, round)
    else:
        everything = _round_of(bank, [r.round for r in people], people, scores, min_group, None)
    return Room(workshop, everything, rounds)


def _round_of(
    bank: Bank,
    names: list[str | None],
    people: tuple[PeopleCount, ...],
    scores: tuple[BandCount, ...],
    min_group: int,
    label: str | None,
) -> RoomRound:
    joined = sum(r[1] for r in people if r[0] in names)
    finished = sum(r[2] for r in people if r[0] in names)
    band_ids = [b.id for b in bank.bands]
    counts = {m.id: dict.fromkeys(band_ids, 0) for m in bank.myths}
    totals = {m.id: 0.0 for m in bank.myths}
    for round_name, myth_id, band, n, total in scores:
        if round_name in names and myth_id in counts and band in counts[myth_id]:
            counts[myth_id][band] += n
            totals[myth_id] += total
    myths = tuple(
        MythRoom(m.id, counts[m.id], totals[m.id] / sum(counts[m.id].values()) if sum(counts[m.id].values()) else None)
        for m in bank.myths
    )
    top = band_ids[-1]
    order = sorted((m for m in myths if m.assessed), key=lambda m: (-(m.share(top) + m.split), -(m.mean or 0)))
    return RoomRound(label, joined, finished, myths, tuple(m.id for m in order), finished >= min_group)
