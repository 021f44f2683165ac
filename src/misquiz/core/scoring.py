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
AGREE = 4  # 4 or 5: agrees
NEUTRAL = 3
DISAGREE = 2  # 1 or 2: disagrees


class Clash(NamedTuple):
    """A mixed signal: a myth and a fact statement of one myth that were both agreed with, or both disagreed with."""

    myth_statement: str
    fact_statement: str
    agreed: bool


class MythScore(NamedTuple):
    myth: Myth
    score: float | None  # None: not assessed (no statement answered)
    band: Band | None
    mixed_signals: bool
    answered: int
    clash: Clash | None = None  # the two statements that point both ways


class Result(NamedTuple):
    myths: tuple[MythScore, ...]
    overall: float | None
    profile: Profile | None
    priorities: tuple[MythScore, ...]
    second_look: tuple[MythScore, ...]
    clear: tuple[MythScore, ...]
    style: str | None = None  # why the answers cannot tell myth from fact (AGREE_ALL, ...), or None

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


# A change in a score, as every face marks it: toward the myth (worse), away from it (better), or none.
ARROWS = {"worse": "▲", "better": "▼", "same": "="}


def direction_of(points: int) -> str:
    """'worse' for a rise in the hold, 'better' for a fall, 'same' for none."""
    return "worse" if points > 0 else "better" if points < 0 else "same"


def signed(points: int) -> str:
    """Points with their sign, a real minus sign for a fall: "+8", "−12", "0"."""
    return f"{points:+d}".replace("-", "−") if points else "0"


def shown(score: float) -> int:
    """The whole number a person sees for a score, rounded half away from 50.

    Rounding away from the middle keeps bands mirror-symmetric: shown(100 - s) == 100 - shown(s).
    The band is always decided on this shown number, never on the unrounded score.
    It is rounded from the score to one decimal, as a result keeps it (ScoreRecord): a result read back from a
    file or the database then shows the number it showed when it was taken (46.53 kept as 46.5 shows 46, not 47).
    """
    score = round(score, 1)
    return math.floor(score + 0.5) if score >= 50 else math.ceil(score - 0.5)


def points(statement: Statement, answer: int) -> int:
    """Points toward the misconception, 0..4."""
    return answer - 1 if statement.keyed == "myth" else 5 - answer


def score_myth(myth: Myth, answers: Answers, bands: tuple[Band, ...]) -> MythScore:
    given: list[tuple[Statement, int]] = [(s, a) for s in myth.statements if (a := answers.get(s.id)) is not None]
    if not given:
        return MythScore(myth, None, None, False, 0)
    score = 100 * sum(points(s, a) for s, a in given) / (4 * len(given))
    band = find_range(bands, shown(score))
    found = clash(given)
    return MythScore(myth, score, band, found is not None, len(given), found)


def clash(given: list[tuple[Statement, int]]) -> Clash | None:
    """A mixed signal: agreeing with a myth and a fact statement of one myth, or disagreeing with both.

    The two statements named are the first of each kind in bank order; agreeing is named before disagreeing.
    """
    for agreed, side in ((True, lambda a: a >= AGREE), (False, lambda a: a <= DISAGREE)):
        myth_side = next((s.id for s, a in given if s.keyed == "myth" and side(a)), None)
        fact_side = next((s.id for s, a in given if s.keyed == "fact" and side(a)), None)
        if myth_side and fact_side:
            return Clash(myth_side, fact_side, agreed)
    return None


# The answers cannot tell myth from fact: why, decided here once for every face.
AGREE_ALL, DISAGREE_ALL, MIXED_MANY = "agree_all", "disagree_all", "mixed_many"
ONE_WAY_SHARE = 0.75  # agreeing (or disagreeing) with this share of both kinds of statement is a response style
MIXED_LIMIT = 5  # mixed signals in this many myths: the answers point both ways too often to read
NEUTRAL_SHARE = 0.80  # this share of neutral or no-opinion answers, with no myth outside the middle: undecided


def response_style(bank: Bank, answers: Answers, myths: tuple[MythScore, ...]) -> str | None:
    """AGREE_ALL, DISAGREE_ALL or MIXED_MANY when the answers cannot tell myth from fact, else None."""
    kinds: dict[str, list[int]] = {"myth": [], "fact": []}
    for statement in bank.statements:
        value = answers.get(statement.id)
        if value is not None:
            kinds[statement.keyed].append(value)
    mine, facts = kinds["myth"], kinds["fact"]
    if mine and facts:
        for style, side in ((AGREE_ALL, lambda a: a >= AGREE), (DISAGREE_ALL, lambda a: a <= DISAGREE)):
            if all(sum(map(side, values)) >= ONE_WAY_SHARE * len(values) for values in (mine, facts)):
                return style
    if sum(m.mixed_signals for m in myths) >= MIXED_LIMIT:
        return MIXED_MANY
    return None


def score_attempt(bank: Bank, answers: Answers) -> Result:
    myths = tuple(score_myth(m, answers, bank.bands) for m in bank.myths)
    assessed = [(m, m.score) for m in myths if m.score is not None]
    overall = sum(score for _, score in assessed) / len(assessed) if assessed else None
    top, bottom = bank.bands[-1], bank.bands[0]
    style = response_style(bank, answers, myths) if assessed else None
    profile = None if overall is None else choose_profile(bank, answers, overall, myths, style)

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
        style=style if profile is not None and profile is bank.unclear else None,
    )


HELD_LIMIT = 3  # this many held myths never read as one of the two best profiles


def choose_profile(
    bank: Bank, answers: Answers, overall: float, myths: tuple[MythScore, ...], style: str | None
) -> Profile:
    """The overall verdict: answers that cannot tell myth from fact are unclear, nearly all neutral are
    undecided; otherwise by the mean score, weighing held myths."""
    if style is not None and bank.unclear is not None:
        return bank.unclear
    assessed = [m for m in myths if m.band is not None]
    top, middle = bank.bands[-1], bank.bands[1:-1]
    if bank.undecided is not None and _nearly_all_neutral(answers) and all(m.band in middle for m in assessed):
        return bank.undecided
    held = sum(m.band == top for m in assessed)
    if held and held == len(assessed):
        return bank.profiles[-1]
    profile = find_range(bank.profiles, shown(overall))
    rank = bank.profiles.index(profile)
    if held >= HELD_LIMIT and rank < 2 and len(bank.profiles) > 2:
        return bank.profiles[2]
    return profile


def _nearly_all_neutral(answers: Answers) -> bool:
    values = list(answers.values())
    return bool(values) and sum(a is None or a == NEUTRAL for a in values) >= NEUTRAL_SHARE * len(values)
