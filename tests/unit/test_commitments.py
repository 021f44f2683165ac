"""Commitments (issue 24): chosen from the person's own plan or one line of their own, validated in the core,
kept with the attempt on both backends, changed later, and followed up."""

from __future__ import annotations

import pytest

from misquiz.core.attempt import ScoreRecord
from misquiz.core.commitments import (
    DONE,
    MAX_OWN,
    NOT_YET,
    STARTED,
    Commitment,
    CommitmentError,
    choose,
    follow_up,
    is_open,
    plan_actions,
)
from misquiz.core.model import Bank
from misquiz.core.scoring import score_attempt
from support.postgres import Place, place_fixture  # noqa: F401  (the fixture)
from support.quiz import answers_holding

HOSTILE = '\x1b[31mred\x1b[0m [bold]x[/bold] <script>alert(1)</script> *y* | a,b;"c" \u202e\\n'


def result_holding(bank: Bank, *myth_ids: str):
    return score_attempt(bank, answers_holding(bank, dict.fromkeys(myth_ids, (5, 1))))


def test_the_plan_offers_the_actions_of_the_myths_it_asks_to_work_on(bank: Bank):
    first, second = bank.myths[0], bank.myths[3]
    actions = plan_actions(bank, result_holding(bank, first.id, second.id))
    assert {a.myth for a in actions} == {first.id, second.id}
    assert [a.key for a in actions if a.myth == first.id] == [
        f"{first.id}.{n}" for n in range(1, len(first.actions) + 1)
    ]
    assert plan_actions(bank, result_holding(bank)) == ()  # every myth seen clearly: nothing to work on


def test_choose_up_to_three_actions_or_a_line_of_ones_own(bank: Bank):
    myth = bank.myths[0]
    result = result_holding(bank, myth.id)
    chosen = choose(bank, result, [f"{myth.id}.1", f"{myth.id}.2", f"{myth.id}.1"], "  Call   two clients\n ")
    assert chosen == (Commitment(myth.id, 1), Commitment(myth.id, 2), Commitment(None, None, "Call two clients"))
    assert chosen[0].text(bank, "fr") == myth.actions[0]["fr"]
    assert chosen[0].myth_title(bank, "nl") == myth.title["nl"]
    assert chosen[2].text(bank, "en") == "Call two clients" and chosen[2].key == "own"
    assert choose(bank, result, [], "") == ()


def test_bad_choices_say_why_in_the_persons_language(bank: Bank):
    held, clear = bank.myths[0], bank.myths[1]
    result = result_holding(bank, held.id)
    with pytest.raises(CommitmentError) as too_many:
        choose(bank, result_holding(bank, held.id, clear.id), [f"{held.id}.1", f"{held.id}.2", f"{clear.id}.1"], "one")
    assert "up to 3 actions (you chose 4)" in str(too_many.value)
    with pytest.raises(CommitmentError) as not_in_plan:
        choose(bank, result, [f"{clear.id}.1"])
    assert clear.id in not_in_plan.value.message("nl") and "plan" in not_in_plan.value.message("nl")
    with pytest.raises(CommitmentError, match="99"):
        choose(bank, result, [f"{held.id}.99"])
    with pytest.raises(CommitmentError) as too_long:
        choose(bank, result, [], "x" * (MAX_OWN + 1))
    assert f"{MAX_OWN}\u00a0" not in too_long.value.message("fr") and str(MAX_OWN) in too_long.value.message("fr")
    assert choose(bank, result, [], "x" * MAX_OWN)[0].own == "x" * MAX_OWN


def test_hostile_own_line_is_kept_on_one_line_without_controls(bank: Bank):
    (mine,) = choose(bank, result_holding(bank), [], HOSTILE)
    assert mine.own is not None
    assert "\x1b" not in mine.own and "\u202e" not in mine.own and "\n" not in mine.own
    assert "<script>" in mine.own  # harmless here: every sink escapes it for itself


def test_follow_up_per_commitment_and_only_for_those_that_exist():
    mine = (Commitment("a", 1), Commitment(None, None, "mine"))
    assert is_open(mine)
    done = follow_up(mine, {1: DONE})
    assert [c.status for c in done] == [DONE, None] and is_open(done)
    assert not is_open(follow_up(done, {2: NOT_YET}))
    with pytest.raises(CommitmentError, match="no commitment number 3"):
        follow_up(mine, {3: STARTED})
    with pytest.raises(CommitmentError):
        follow_up(mine, {1: "maybe"})


def test_commitments_are_kept_with_the_attempt_changed_and_followed_up(place: Place, bank: Bank):
    store = place.open()
    attempt = store.start_attempt(
        bank_id=bank.id, bank_version=bank.version, bank_hash=bank.content_hash, language="en", seed=1, order=[]
    )
    other = store.start_attempt(
        bank_id=bank.id,
        bank_version=bank.version,
        bank_hash=bank.content_hash,
        language="en",
        seed=1,
        order=[],
        workshop="ws",
        round="before",
        person="token",
    )
    assert store.commitments(attempt) == ()
    first = (Commitment("no-plan", 1), Commitment(None, None, HOSTILE.replace("\x1b", "")))
    store.set_commitments(attempt, first)
    store.set_commitments(other, (Commitment("no-plan", 2),))
    assert store.commitments(attempt) == first
    store.set_commitments(attempt, first[1:])  # a change of mind
    assert store.commitments(attempt) == first[1:]
    store.set_commitments(attempt, follow_up(store.commitments(attempt), {1: STARTED}))
    store.close()
    again = place.open()
    assert [c.status for c in again.commitments(attempt)] == [STARTED]
    assert again.commitments(other) == (Commitment("no-plan", 2),)
    assert again.commitment_counts("ws") == []  # only finished attempts count
    again.finish_attempt(other, ScoreRecord.from_json({"overall": {"score": 10.0, "profile": "p"}, "myths": []}))
    [counted] = again.commitment_counts("ws")  # on both backends, the same grouped count
    assert (counted.round, counted.myth, counted.action, counted.people) == ("before", "no-plan", 2, 1)
    assert again.delete_workshop("ws") == 1
    assert again.commitments(other) == ()  # they go with their attempt
    assert [c.status for c in again.commitments(attempt)] == [STARTED]
