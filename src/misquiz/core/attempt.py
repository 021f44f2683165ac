"""A stored attempt and its score record: the typed values every layer passes around."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

# The span of years a stored or imported moment may have: every later step (dates in reports,
# "check back in 30 days") can handle these. Import refuses others; the store reports them as damage.
EARLIEST_YEAR, LATEST_YEAR = 2000, 9000


def moment_in_span(value: object) -> bool:
    """Whether a value is an ISO 8601 date and time within the span of years."""
    if not isinstance(value, str) or len(value) > 64:
        return False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    return EARLIEST_YEAR <= moment.year <= LATEST_YEAR


class MythRecord(NamedTuple):
    id: str
    score: float | None  # rounded to one decimal; None: not assessed
    band: str | None
    mixed_signals: bool
    answered: int


class ScoreRecord(NamedTuple):
    """What a finished attempt keeps of its result: `misquiz score --json`, the database, result files."""

    overall: float | None
    profile: str | None
    myths: tuple[MythRecord, ...]
    priorities: tuple[str, ...]

    def scores(self) -> dict[str, float | None]:
        return {m.id: m.score for m in self.myths}

    def as_json(self) -> dict[str, object]:
        return {
            "overall": {"score": self.overall, "profile": self.profile},
            "myths": [m._asdict() for m in self.myths],
            "priorities": list(self.priorities),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScoreRecord:
        """Read back what as_json wrote (from our own database, never from a person's file)."""
        overall = data.get("overall") or {}
        return cls(
            overall=overall.get("score"),
            profile=overall.get("profile"),
            myths=tuple(
                MythRecord(m["id"], m["score"], m["band"], bool(m["mixed_signals"]), int(m.get("answered", 0)))
                for m in data.get("myths", [])
            ),
            priorities=tuple(data.get("priorities", [])),
        )


@dataclass
class Attempt:
    """One attempt as stored: enough to resume it, reproduce its result, or move it elsewhere."""

    id: int
    uid: str
    bank_id: str
    bank_version: str
    bank_hash: str
    language: str
    seed: int
    order: list[str]
    name: str
    workshop: str | None
    round: str | None
    started_at: str
    finished_at: str | None
    result: ScoreRecord | None
    answers: dict[str, int | None] = field(default_factory=dict)
    person: str | None = None  # None: the owner of this database; else a participant's token
