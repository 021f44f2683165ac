"""Scoring: pure functions from a bank and answers to scores, bands and advice order.

Answers map a statement id to 1..5, or to None for "no opinion"; an id that is
absent was not answered. Neither counts toward a score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

from misquiz.core.attempt import MythRecord, ScoreRecord
from misquiz.core.model import Band, Bank, Myth, Profile, Statement, find_range

Answers = Mapping[str, int | None]
AGREE = 4
NEUTRAL = 3


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

    def record(self) -> ScoreRecord:
        """The typed record a finished attempt keeps: scores to one decimal, band and profile ids."""
        return ScoreRecord(
            overall=_one_decimal(self.overall),
            profile=self.profile.id if self.profile else None,
            myths=tuple(
                MythRecord(m.myth.id, _one_decimal(m.score), m.band.id if m.band else None, m.mixed_signals, m.answered)
                for m in self.myths
            ),
            priorities=tuple(m.myth.id for m in self.priorities),
        )


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def shown(score: float) -> int:
    """The whole number a person sees for a score, rounded half away from 50.

    Rounding away from the middle keeps bands mirror-symmetric: shown(100 - s) == 100 - shown(s).
    The band is always decided on this shown number, never on the unrounded score.
    """
    return math.floor(score + 0.5) if score >= 50 else math.ceil(score - 0.5)


def points(statement: Statement, answer: int) -> int:
    """Points toward the misconception, 0..4."""
    return answer - 1 if statement.keyed == "myth" else 5 - answer


def score_myth(myth: Myth, answers: Answers, bands: tuple[Band, ...]) -> MythScore:
    given: list[tuple[Statement, int]] = [(s, a) for s in myth.statements if (a := answers.get(s.id)) is not None]
    if not given:
        return MythScore(myth, None, None, False, 0)
    score = 100 * sum(points(s, a) for s, a in given) / (4 * len(given))
    agreed = {s.keyed for s, a in given if a >= AGREE}
    band = find_range(bands, shown(score))
    return MythScore(myth, score, band, agreed == {"myth", "fact"}, len(given))


def score_attempt(bank: Bank, answers: Answers) -> Result:
    myths = tuple(score_myth(m, answers, bank.bands) for m in bank.myths)
    assessed = [(m, m.score) for m in myths if m.score is not None]
    overall = sum(score for _, score in assessed) / len(assessed) if assessed else None
    top, bottom = bank.bands[-1], bank.bands[0]
    held = sum(m.band == top for m, _ in assessed)
    profile = None if overall is None else choose_profile(bank, answers, overall, held)

    def in_bands(*wanted: Band) -> tuple[MythScore, ...]:
        # sorted() is stable, so bank order breaks ties between equal scores.
        return tuple(m for m, _ in sorted((x for x in assessed if x[0].band in wanted), key=lambda x: -x[1]))

    return Result(
        myths=myths,
        overall=overall,
        profile=profile,
        priorities=in_bands(top),
        second_look=in_bands(*bank.bands[1:-1]),
        clear=in_bands(bottom),
    )


HELD_LIMIT = 3  # this many held myths never read as one of the two best profiles


def choose_profile(bank: Bank, answers: Answers, overall: float, held: int) -> Profile:
    """The overall verdict: by the mean score, weighing held myths; all-neutral answers are undecided."""
    given = [a for a in answers.values() if a is not None]
    if bank.undecided is not None and given and all(a == NEUTRAL for a in given):
        return bank.undecided
    assessed = sum(1 for m in bank.myths if any(answers.get(s.id) is not None for s in m.statements))
    if held and held == assessed:
        return bank.profiles[-1]
    profile = find_range(bank.profiles, shown(overall))
    rank = bank.profiles.index(profile)
    if held >= HELD_LIMIT and rank < 2 and len(bank.profiles) > 2:
        return bank.profiles[2]
    return profile
