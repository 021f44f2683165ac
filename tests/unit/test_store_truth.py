"""One participant, one truth, in the store itself (issue 25, point 7): the stored result is always the score
of the stored answers, whichever server or process writes, because the store checks under the attempt's lock.

Tests that take `place` run twice: against SQLite and against a real PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest

from misquiz.core.model import Bank
from misquiz.core.quiz import QuizOptions
from misquiz.core.scoring import score_attempt
from misquiz.storage.protocol import AnswersChanged, AttemptFinished, StoreError
from support.postgres import Place, place_fixture  # noqa: F401  (the fixture)
from support.quiz import stored_attempt

RACES = 20


def started(store, bank: Bank, answers: dict[str, int | None]) -> int:
    """An attempt in workshop ws with these answers stored (1 to every statement: all), not finished yet."""
    options = QuizOptions(lang="en", seed=1, workshop="ws", round="before", person="tok")
    attempt = stored_attempt(store, bank, options, 1, answers=0).attempt_id
    store.save_answers([(attempt, sid, value) for sid, value in answers.items()])
    return attempt


def all_ones(bank: Bank) -> dict[str, int | None]:
    return {s.id: 1 for s in bank.statements}


def test_an_answer_to_a_finished_attempt_is_refused_and_nothing_changes(place: Place, tiny: Bank):
    store = place.open()
    answers = all_ones(tiny)
    attempt = started(store, tiny, answers)
    store.finish_attempt(attempt, score_attempt(tiny, answers).record(), answers=answers)
    before = store.attempt(attempt)
    first = tiny.statements[0].id
    with pytest.raises(AttemptFinished, match=f"quiz {attempt}: already finished"):
        store.save_answer(attempt, first, 5)
    with pytest.raises(AttemptFinished):
        store.save_answers([(attempt, first, 5)])
    after = store.attempt(attempt)
    assert after is not None and before is not None
    assert after.answers == answers and after.result == before.result and after.finished_at == before.finished_at


def test_a_batch_with_one_finished_attempt_stores_none_of_it(place: Place, tiny: Bank):
    store = place.open()
    answers = all_ones(tiny)
    done, going = started(store, tiny, answers), started(store, tiny, {})
    store.finish_attempt(done, score_attempt(tiny, answers).record(), answers=answers)
    first = tiny.statements[0].id
    with pytest.raises(AttemptFinished, match=f"quiz {done}"):
        store.save_answers([(going, first, 3), (done, first, 5)])
    assert store.answers(going) == {} and store.answers(done) == answers
    store.save_answer(going, first, 3)  # alone, as the web's group commit tries it, the open one is taken
    assert store.answers(going) == {first: 3}


def test_a_finish_scored_from_other_answers_is_refused_and_writes_nothing(place: Place, tiny: Bank):
    store = place.open()
    answers = all_ones(tiny)
    attempt = started(store, tiny, answers)
    first = tiny.statements[0].id
    scored = answers | {first: 5}  # another tab changed it here, the store still holds 1
    with pytest.raises(AnswersChanged, match=f"quiz {attempt}: its stored answers are not those"):
        store.finish_attempt(attempt, score_attempt(tiny, scored).record(), answers=scored)
    stored = store.attempt(attempt)
    assert stored is not None and stored.finished_at is None and stored.result is None
    assert store.room_counts("ws").bands == ()  # no myth scores written either


def test_finishing_again_is_a_no_op_with_the_same_result_and_refused_with_another(place: Place, tiny: Bank):
    store = place.open()
    answers = all_ones(tiny)
    attempt = started(store, tiny, answers)
    record = score_attempt(tiny, answers).record()
    store.finish_attempt(attempt, record, "2026-01-01T10:00:00+00:00", answers)
    store.finish_attempt(attempt, record, "2026-01-01T11:00:00+00:00", answers)  # a retry: nothing changes
    stored = store.attempt(attempt)
    assert stored is not None and stored.finished_at == "2026-01-01T10:00:00+00:00"
    other = score_attempt(tiny, answers | {tiny.statements[0].id: 5}).record()
    with pytest.raises(AttemptFinished, match="already finished with another result"):
        store.finish_attempt(attempt, other)
    again = store.attempt(attempt)
    assert again is not None and again.result == record


def test_the_owner_changes_an_answer_after_finishing_and_the_result_follows(place: Place, tiny: Bank):
    store = place.open()
    answers = all_ones(tiny)
    attempt = started(store, tiny, answers)
    store.finish_attempt(attempt, score_attempt(tiny, answers).record(), "2026-01-01T10:00:00+00:00", answers)
    first = tiny.statements[0].id
    changed = answers | {first: 5}
    store.rescore(attempt, first, 5, score_attempt(tiny, changed).record(), changed)
    stored = store.attempt(attempt)
    assert stored is not None and stored.answers == changed and stored.finished_at == "2026-01-01T10:00:00+00:00"
    assert stored.result == score_attempt(tiny, changed).record()
    wrong = changed | {tiny.statements[1].id: 4}  # scored from an answer the store does not hold
    with pytest.raises(AnswersChanged):
        store.rescore(attempt, first, 2, score_attempt(tiny, wrong).record(), wrong)
    assert store.attempt(attempt).answers == changed  # type: ignore[union-attr]


def test_an_answer_to_an_attempt_that_is_gone_is_a_store_error(place: Place):
    store = place.open()
    with pytest.raises(StoreError):
        store.save_answer(12345, "a", 3)
    with pytest.raises(StoreError):
        store.save_answers([(12345, "a", 3), (12346, "b", 3)])


def test_the_recorder_re_scores_an_answer_changed_after_finishing(place: Place, tiny: Bank):
    from misquiz.storage.recording import open_quiz

    store = place.open()
    errors: list[StoreError] = []
    session = open_quiz(tiny, QuizOptions(lang="en", seed=3), store, errors.append)
    session.begin("Anna")
    while not session.answer(2):
        pass
    session.back()
    session.answer(5)  # back from the results, a change of mind
    stored = store.attempt(session.attempt_id)  # type: ignore[arg-type]
    assert errors == [] and stored is not None and stored.finished_at is not None
    assert stored.answers == session.answers and stored.result == session.result().record()


def race_once(finish, change, *, finish_first: bool) -> dict[str, str]:
    """Both at the same moment, each in a thread: what happened to each ("stored", or the error's class)."""
    gate = threading.Barrier(2)
    happened: dict[str, str] = {}

    def run(what: str, write) -> None:
        gate.wait()
        try:
            write()
            happened[what] = "stored"
        except StoreError as exc:
            happened[what] = type(exc).__name__

    threads = [
        threading.Thread(target=run, args=("finish", finish)),
        threading.Thread(target=run, args=("change", change)),
    ]
    for thread in threads if finish_first else reversed(threads):
        thread.start()
    for thread in threads:
        thread.join(30)
    return happened


def test_the_last_answer_raced_against_a_change_on_another_server(place: Place, tiny: Bank):
    """Two store objects on one database (two connections: two servers, or two processes on SQLite): one
    finishes while the other changes an answer, at the same moment, again and again."""
    finisher, changer = place.open(), place.open()
    first = tiny.statements[0].id
    outcomes: dict[str, int] = {}
    attempts = []
    for race in range(RACES):
        answers = all_ones(tiny)
        attempt = started(finisher, tiny, answers)
        attempts.append(attempt)
        happened = race_once(
            lambda: finisher.finish_attempt(attempt, score_attempt(tiny, answers).record(), None, answers),  # noqa: B023
            lambda: changer.save_answer(attempt, first, 5),  # noqa: B023
            finish_first=bool(race % 2),
        )
        key = f"finish {happened['finish']}, change {happened['change']}"
        outcomes[key] = outcomes.get(key, 0) + 1
        assert (happened["finish"], happened["change"]) in {
            ("stored", "AttemptFinished"),  # the finish came first: the change is refused
            ("AnswersChanged", "stored"),  # the change came first: the finish is refused
        }, key
    for attempt in attempts:
        stored = finisher.attempt(attempt)
        assert stored is not None
        if stored.finished_at is not None:
            assert stored.result == score_attempt(tiny, stored.answers).record()
            assert stored.answers == all_ones(tiny)  # no answer was stored after finishing
        else:
            assert stored.result is None and stored.answers[first] == 5
    print(f"{RACES} races of a finish against a change on another connection ({place.kind}): {outcomes}")
