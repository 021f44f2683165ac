"""What the web server's busy path asks of a store, in SQLite and in PostgreSQL: several answers in one
transaction (its group commit), and one statement that says whether its copy of a participant is current."""

from __future__ import annotations

import pytest

from misquiz.storage import StoreError
from support.postgres import Place, place_fixture  # noqa: F401  (the fixture)


def make(store, **extra) -> int:
    fields = dict(bank_id="b", bank_version="1", bank_hash="h", language="en", seed=1, order=["a", "b"])
    return store.start_attempt(**(fields | extra))


def test_answers_saved_together_are_stored_and_replace_earlier_ones(place: Place):
    store = place.open()
    try:
        first, second = make(store), make(store)
        store.save_answer(first, "a", 1)
        store.save_answers([(first, "a", 4), (first, "b", None), (second, "a", 5)])
        assert store.attempt(first).answers == {"a": 4, "b": None}
        assert store.attempt(second).answers == {"a": 5}
    finally:
        store.close()


def test_answers_saved_together_are_all_stored_or_none(place: Place):
    store = place.open()
    try:
        attempt = make(store)
        with pytest.raises(StoreError):
            store.save_answers([(attempt, "a", 3), (attempt + 1000, "a", 3)])  # no such attempt: refused
        assert store.attempt(attempt).answers == {}
        store.save_answer(attempt, "b", 2)  # and the store goes on
        assert store.attempt(attempt).answers == {"b": 2}
    finally:
        store.close()


def participant(store, person="p" * 32, round="before", **extra) -> int:
    return make(store, workshop="ws", round=round, person=person, **extra)


def test_the_state_of_a_participant_is_what_participant_attempt_finds(place: Place):
    store = place.open()
    try:
        attempt = participant(store)
        assert store.participant_state(attempt, "h", "ws", "before", "p" * 32) == ("en", {})
        store.save_answers([(attempt, "a", 4), (attempt, "b", None)])
        store.set_language(attempt, "nl")
        found = store.participant_attempt("h", "ws", "before", "p" * 32)
        state = store.participant_state(attempt, "h", "ws", "before", "p" * 32)
        assert state == (found.language, found.answers) == ("nl", {"a": 4, "b": None})
        other = participant(store, person="q" * 32, round=None)
        assert store.participant_state(other, "h", "ws", None, "q" * 32) == ("en", {})
    finally:
        store.close()


def test_an_attempt_that_is_no_longer_the_participants_has_no_state(place: Place):
    store = place.open()
    try:
        me = "p" * 32
        attempt = participant(store)
        assert store.participant_state(attempt, "h", "ws", "before", "q" * 32) is None  # another person's
        assert store.participant_state(attempt, "other-bank", "ws", "before", me) is None
        assert store.participant_state(attempt, "h", "ws", "after", me) is None
        store.retag("ws", "before", "after")
        assert store.participant_state(attempt, "h", "ws", "before", me) is None  # moved to another round
        assert store.participant_state(attempt, "h", "ws", "after", me) == ("en", {})
        newer = participant(store, round="after", started_at="2999-01-01T00:00:00+00:00")
        assert store.participant_state(attempt, "h", "ws", "after", me) is None  # a newer one is theirs now
        assert store.participant_state(newer, "h", "ws", "after", me) == ("en", {})
        store.abandon_attempt(newer)
        assert store.participant_state(newer, "h", "ws", "after", me) is None  # set aside
        assert store.participant_state(attempt, "h", "ws", "after", me) == ("en", {})
        store.delete_workshop("ws")
        assert store.participant_state(attempt, "h", "ws", "after", me) is None
    finally:
        store.close()
