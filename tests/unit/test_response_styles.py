"""Honest verdicts for every way of answering (PRODUCT.md, "Scoring"): response styles, the neutral
answerer, random answers and consistent holders, as properties and as a seeded simulation."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from misquiz.core.advice import PRIORITIES, advice_plan
from misquiz.core.scoring import AGREE_ALL, DISAGREE_ALL, MIXED_MANY, score_attempt, shown
from misquiz.files.bank import load_bank, shipped_bank_path

BANK = load_bank(shipped_bank_path())
STATEMENTS = BANK.statements
FAVOURABLE = BANK.profiles[:2]
MYTH_IDS = [m.id for m in BANK.myths]
WHEN = "2026-12-07T10:00:00+00:00"


def plan_of(answers, lang="en"):
    return advice_plan(BANK, score_attempt(BANK, answers), lang, name="", progress=None, taken_at=WHEN)


def test_the_shipped_bank_has_both_verdicts_that_replace_a_profile():
    assert BANK.unclear is not None and BANK.undecided is not None
    for verdict in (BANK.unclear, BANK.undecided):
        assert set(verdict.title) == set(verdict.text) == set(BANK.languages)


@pytest.mark.parametrize(
    ("value", "style"), [(5, AGREE_ALL), (4, AGREE_ALL), (2, DISAGREE_ALL), (1, DISAGREE_ALL)], ids=str
)
def test_one_answer_to_everything_is_unclear(value, style):
    result = score_attempt(BANK, {s.id: value for s in STATEMENTS})
    assert result.profile == BANK.unclear and result.style == style
    plan = plan_of({s.id: value for s in STATEMENTS})
    assert plan.style_note and plan.profile_title == BANK.unclear.title["en"]
    # "nothing has a hold on you" is never said to them: not every myth is clear
    assert "has a hold on you" not in (plan.section(PRIORITIES).note or "")


@pytest.mark.parametrize("lang", ["nl", "en", "fr"])
def test_the_unclear_verdict_says_why_in_every_language(lang):
    for value in (5, 1):
        plan = plan_of({s.id: value for s in STATEMENTS}, lang)
        assert plan.style_note and "{" not in plan.style_note


def test_all_neutral_and_all_neutral_but_one_are_undecided():
    neutral = {s.id: 3 for s in STATEMENTS}
    assert score_attempt(BANK, neutral).profile == BANK.undecided
    for statement in STATEMENTS:
        for value in (1, 2, 4, 5, None):
            result = score_attempt(BANK, neutral | {statement.id: value})
            assert result.profile == BANK.undecided, (statement.id, value)
            assert not result.priorities


def test_mixed_signals_in_five_myths_are_unclear():
    answers = {s.id: 3 for s in STATEMENTS}
    for m in BANK.myths[:5]:  # agree with one statement of each kind: a mixed signal per myth
        mine = next(s for s in m.statements if s.keyed == "myth")
        fact = next(s for s in m.statements if s.keyed == "fact")
        answers |= {mine.id: 4, fact.id: 4}
    result = score_attempt(BANK, answers)
    assert sum(m.mixed_signals for m in result.myths) == 5
    assert result.profile == BANK.unclear and result.style == MIXED_MANY
    four = answers | {s.id: 3 for s in BANK.myths[4].statements}
    assert score_attempt(BANK, four).profile != BANK.unclear


def _holder(held: set[str], rng: random.Random | None = None) -> dict[str, int | None]:
    """Agrees with the myth statements of the myths held and disagrees with their facts; the reverse elsewhere.

    With a generator, agreeing is 4 or 5 and disagreeing 1 or 2, at random.
    """

    def agree() -> int:
        return rng.choice((4, 5)) if rng else 5

    def disagree() -> int:
        return rng.choice((1, 2)) if rng else 1

    return {
        s.id: (agree() if s.keyed == "myth" else disagree())
        if m.id in held
        else (disagree() if s.keyed == "myth" else agree())
        for m in BANK.myths
        for s in m.statements
    }


@settings(max_examples=200)
@given(st.sets(st.sampled_from(MYTH_IDS), min_size=3, max_size=3), st.randoms(use_true_random=False))
def test_a_consistent_holder_of_three_myths_gets_exactly_those_as_priorities(held, rng):
    result = score_attempt(BANK, _holder(held, rng))
    assert {m.myth.id for m in result.priorities} == held
    assert result.profile not in FAVOURABLE and result.profile != BANK.unclear


@given(st.sets(st.sampled_from(MYTH_IDS)))
def test_held_myths_are_priorities_under_any_profile(held):
    result = score_attempt(BANK, _holder(held))
    assert {m.myth.id for m in result.priorities} == held


answer = st.one_of(st.none(), st.integers(1, 5))
answer_sets = st.fixed_dictionaries({s.id: answer for s in STATEMENTS})


@given(answer_sets)
def test_the_mirror_of_any_answer_set_mirrors_the_bands(answers):
    mirrored = {k: None if v is None else 6 - v for k, v in answers.items()}
    bands = list(BANK.bands)
    for m, r in zip(score_attempt(BANK, answers).myths, score_attempt(BANK, mirrored).myths, strict=True):
        if m.band is None:
            assert r.band is None
        else:
            assert bands.index(r.band) == len(bands) - 1 - bands.index(m.band)


@given(answer_sets)
def test_the_profile_ranges_mirror_and_fifty_is_never_favourable(answers):
    result = score_attempt(BANK, answers)
    if result.overall is not None and shown(result.overall) >= 50:
        assert result.profile not in FAVOURABLE
    profiles = list(BANK.profiles)
    for score in range(101):
        here = next(p for p in profiles if score <= p.max)
        there = next(p for p in profiles if 100 - score <= p.max)
        assert profiles.index(here) == len(profiles) - 1 - profiles.index(there), score


@given(answer_sets)
def test_nothing_has_a_hold_only_when_every_assessed_myth_is_clear(answers):
    result = score_attempt(BANK, answers)
    plan = advice_plan(BANK, result, "en", name="", progress=None, taken_at=WHEN)
    section = plan.section(PRIORITIES)
    said = section is not None and section.note is not None and "has a hold on you" in section.note
    assessed = [m for m in result.myths if m.band is not None]
    assert said == (bool(assessed) and all(m.band == BANK.bands[0] for m in assessed) and not result.priorities)


def test_random_answers_rarely_get_a_favourable_profile():
    """10,000 uniformly random answer sets (1-5 on every statement, seeded): at most 10% favourable."""
    rng = random.Random(20261207)
    runs = 10_000
    favourable = sum(
        score_attempt(BANK, {s.id: rng.randint(1, 5) for s in STATEMENTS}).profile in FAVOURABLE for _ in range(runs)
    )
    assert favourable / runs <= 0.10, favourable
