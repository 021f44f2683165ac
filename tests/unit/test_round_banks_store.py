"""Which banks a workshop round's attempts were made on, and an unfinished attempt carried on under another bank
(serve refuses a changed bank mid-round unless --force). Each test runs against SQLite and a real PostgreSQL."""

from __future__ import annotations

from misquiz.core.attempt import ScoreRecord
from support.postgres import Place, place_fixture  # noqa: F401  (the fixture)


def make(store, **extra) -> int:
    fields = dict(bank_id="b", bank_version="1", bank_hash="h1", language="en", seed=1, order=["a", "b"])
    return store.start_attempt(**(fields | extra))


def test_round_banks_counts_a_rounds_attempts_per_bank(place: Place):
    store = place.open()
    try:
        assert store.round_banks("ws", "before") == {}
        make(store, workshop="ws", round="before", person="p1")
        make(store, workshop="ws", round="before", person="p2")
        make(store, workshop="ws", round="before", person="p3", bank_version="2", bank_hash="h2")
        make(store, workshop="ws", round="after", person="p1", bank_hash="h3")  # another round
        make(store, workshop="other", round="before", person="p1", bank_hash="h4")  # another workshop
        store.abandon_attempt(make(store, workshop="ws", round="before", person="p4", bank_hash="h5"))  # set aside
        make(store, workshop="ws", person="p5", bank_hash="h6")  # no round
        assert store.round_banks("ws", "before") == {"h1": ("1", 2), "h2": ("2", 1)}
        assert store.round_banks("ws", "after") == {"h3": ("1", 1)}
        assert store.round_banks("ws", None) == {"h6": ("1", 1)}
        assert store.round_banks("nowhere", "before") == {}
    finally:
        store.close()


def test_an_unfinished_attempt_adopts_another_bank_a_finished_one_keeps_its_own(place: Place):
    store = place.open()
    try:
        going = make(store, workshop="ws", round="before", person="p1")
        store.save_answer(going, "a", 4)
        done = make(store, workshop="ws", round="before", person="p2")
        store.save_answer(done, "a", 1)
        store.save_answer(done, "b", 2)
        store.finish_attempt(done, ScoreRecord(None, "low", (), ()))
        assert store.adopt_bank(going, "b", "1.1", "h9") is True
        assert store.adopt_bank(done, "b", "1.1", "h9") is False
        moved, kept = store.attempt(going), store.attempt(done)
        assert moved is not None and kept is not None
        assert (moved.bank_id, moved.bank_version, moved.bank_hash) == ("b", "1.1", "h9")
        assert moved.answers == {"a": 4} and moved.order == ["a", "b"]  # its answers and order go with it
        assert (kept.bank_version, kept.bank_hash, kept.answers) == ("1", "h1", {"a": 1, "b": 2})
        assert store.participant_attempt("h9", "ws", "before", "p1") == moved
        assert store.round_banks("ws", "before") == {"h1": ("1", 1), "h9": ("1.1", 1)}
        assert store.adopt_bank(10_000, "b", "1.1", "h9") is False  # no such attempt
    finally:
        store.close()
