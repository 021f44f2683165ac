"""Several answers in one transaction (the web server's group commit), in SQLite and in PostgreSQL."""

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
