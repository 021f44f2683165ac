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
        store.save_answers([(first, "b", 3), (second, "b", 1), (first, "b", None)])  # the same one twice: the later
        assert store.attempt(first).answers == {"a": 4, "b": None}
        assert store.attempt(second).answers == {"a": 5, "b": 1}
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


def state(store, attempt, person="p" * 32, round="before", bank_hash="h"):
    """The state of one pair, asked alone and among others (the store may answer the two differently)."""
    alone = store.participant_states([(attempt, person)], bank_hash, "ws", round).get((attempt, person))
    among = store.participant_states([(attempt, person), (attempt + 9999, "x" * 32)], bank_hash, "ws", round)
    assert among.get((attempt, person)) == alone and len(among) <= 1
    return alone


def test_the_state_of_a_participant_is_what_participant_attempt_finds(place: Place):
    store = place.open()
    try:
        attempt = participant(store)
        assert state(store, attempt) == ("en", {})
        store.save_answers([(attempt, "a", 4), (attempt, "b", None)])
        store.set_language(attempt, "nl")
        found = store.participant_attempt("h", "ws", "before", "p" * 32)
        assert state(store, attempt) == (found.language, found.answers) == ("nl", {"a": 4, "b": None})
        other = participant(store, person="q" * 32)
        store.save_answer(other, "b", 1)
        both = store.participant_states([(attempt, "p" * 32), (other, "q" * 32)], "h", "ws", "before")
        assert both == {(attempt, "p" * 32): ("nl", {"a": 4, "b": None}), (other, "q" * 32): ("en", {"b": 1})}
        no_round = participant(store, person="r" * 32, round=None)
        assert state(store, no_round, "r" * 32, round=None) == ("en", {})
        assert store.participant_states([], "h", "ws", None) == {}
    finally:
        store.close()


def test_an_attempt_that_is_no_longer_the_participants_has_no_state(place: Place):
    store = place.open()
    try:
        attempt = participant(store)
        assert state(store, attempt, person="q" * 32) is None  # another person's
        assert state(store, attempt, bank_hash="other-bank") is None
        assert state(store, attempt, round="after") is None
        store.retag("ws", "before", "after")
        assert state(store, attempt) is None  # moved to another round
        assert state(store, attempt, round="after") == ("en", {})
        newer = participant(store, round="after", started_at="2999-01-01T00:00:00+00:00")
        assert state(store, attempt, round="after") is None  # a newer one is theirs now
        assert state(store, newer, round="after") == ("en", {})
        pairs = [(attempt, "p" * 32), (newer, "p" * 32), (newer, "q" * 32)]  # several at once: the same rules
        assert store.participant_states(pairs, "h", "ws", "after") == {(newer, "p" * 32): ("en", {})}
        store.abandon_attempt(newer)
        assert state(store, newer, round="after") is None  # set aside
        assert state(store, attempt, round="after") == ("en", {})
        store.delete_workshop("ws")
        assert state(store, attempt, round="after") is None
    finally:
        store.close()
