"""Scoring: pure functions from a bank and answers to scores, bands and advice order.

Answers map a statement id to 1..5, or to None for "no opinion"; an id that is
absent was not answered. Neither counts toward a score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from misquiz.core.model import Band, Bank, Myth, Profile, Statement, find_range

Answers = Mapping[str, int | None]
AGREE = 4


class MythScore(NamedTuple):
    myth: Myth
    score: float | None  # None: not assessed (no statement answered)
    band: Band | None
    mixed_signals: bool
    answered: int


class Result(NamedTuple):
    myths: tuple[MythScore, ...]
    overall: float | None
    profile: Profile | None
    priorities: tuple[MythScore, ...]
    second_look: tuple[MythScore, ...]
    clear: tuple[MythScore, ...]

    @property
    def by_id(self) -> dict[str, MythScore]:
        return {m.myth.id: m for m in self.myths}

    def by_hold(self) -> list[MythScore]:
        """Most held first; not-assessed myths last, in bank order."""
        assessed = sorted((m for m in self.myths if m.score is not None), key=lambda m: -(m.score or 0))
        return assessed + [m for m in self.myths if m.score is None]

    def as_dict(self) -> dict[str, object]:
        """The shape `misquiz score --json` prints."""
        return {
            "overall": {
                "score": _round(self.overall),
                "profile": self.profile.id if self.profile else None,
            },
            "myths": [
                {
                    "id": m.myth.id,
                    "score": _round(m.score),
                    "band": m.band.id if m.band else None,
                    "mixed_signals": m.mixed_signals,
                    "answered": m.answered,
                }
                for m in self.myths
            ],
            "priorities": [m.myth.id for m in self.priorities],
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def points(statement: Statement, answer: int) -> int:
    """Points toward the misconception, 0..4."""
    return answer - 1 if statement.keyed == "myth" else 5 - answer


def score_myth(myth: Myth, answers: Answers, bands: tuple[Band, ...]) -> MythScore:
    given: list[tuple[Statement, int]] = [(s, a) for s in myth.statements if (a := answers.get(s.id)) is not None]
    if not given:
        return MythScore(myth, None, None, False, 0)
    score = 100 * sum(points(s, a) for s, a in given) / (4 * len(given))
    agreed = {s.keyed for s, a in given if a >= AGREE}
    band = find_range(bands, score)
    return MythScore(myth, score, band, agreed == {"myth", "fact"}, len(given))  # type: ignore[arg-type]


def score_attempt(bank: Bank, answers: Answers) -> Result:
    myths = tuple(score_myth(m, answers, bank.bands) for m in bank.myths)
    assessed = [m for m in myths if m.score is not None]
    overall = sum(m.score for m in assessed) / len(assessed) if assessed else None  # type: ignore[misc]
    profile = find_range(bank.profiles, overall) if overall is not None else None
    top, bottom = bank.bands[-1], bank.bands[0]

    def in_bands(*wanted: Band) -> tuple[MythScore, ...]:
        # sorted() is stable, so bank order breaks ties between equal scores.
        return tuple(sorted((m for m in assessed if m.band in wanted), key=lambda m: -m.score))  # type: ignore[operator]

    return Result(
        myths=myths,
        overall=overall,
        profile=profile,  # type: ignore[arg-type]
        priorities=in_bands(top),
        second_look=in_bands(*bank.bands[1:-1]),
        clear=in_bands(bottom),
    )
