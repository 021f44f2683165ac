"""The live session of a workshop round in the store, on both backends, and what the core lets each view show."""

from __future__ import annotations

import threading

import pytest

from misquiz.core.model import Bank
from misquiz.core.room import BandCount, PeopleCount, RoomCounts, tally_room
from misquiz.core.session import SessionRefused, SessionState, change, live_view, room_beside, shift_of
from support.postgres import Place, place_fixture  # noqa: F401  (the fixture)


def test_a_round_is_hidden_and_open_until_changed_and_a_restart_keeps_it(place: Place, bank: Bank):
    store = place.open()
    assert store.session_state("ws", "before") == SessionState()
    order = tuple(m.id for m in bank.myths)
    store.change_session("ws", "before", lambda s: change(s, "close", bank, order))
    store.change_session("ws", "before", lambda s: change(s, "reveal", bank, order, bank.myths[2].id))
    store.change_session("ws", "before", lambda s: change(s, "discuss", bank, order))
    store.change_session("ws", "before", lambda s: change(s, "next", bank, order))
    store.close()
    again = place.open()
    state = again.session_state("ws", "before")
    assert state.closed and state.revealed == (bank.myths[2].id,) and state.discuss == order
    assert state.discussed == order[1]
    assert again.session_state("ws", "after") == SessionState()  # one state per round
    assert again.session_state("other", "before") == SessionState()  # and per workshop
    again.change_session("ws", "before", lambda s: change(s, "open", bank, order))
    assert not again.session_state("ws", "before").closed
    again.change_session("ws", None, lambda s: change(s, "close", bank, order))
    assert again.session_state("ws", None).closed  # a workshop served without --round has its own


def test_two_writers_lose_no_change(place: Place, bank: Bank):
    ids = [m.id for m in bank.myths]
    stores = [place.open() for _ in ids]

    def reveal(store, myth_id: str) -> None:
        store.change_session("ws", "after", lambda s: change(s, "reveal", bank, (), myth_id))

    threads = [threading.Thread(target=reveal, args=pair) for pair in zip(stores, ids, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(place.open().session_state("ws", "after").revealed) == sorted(ids)


def test_deleting_a_workshop_forgets_its_session(place: Place, bank: Bank):
    store = place.open()
    store.change_session("ws", "before", lambda s: change(s, "close", bank, ()))
    store.delete_workshop("ws")
    assert store.session_state("ws", "before") == SessionState()


def test_a_refused_change_changes_nothing(place: Place, bank: Bank):
    store = place.open()
    with pytest.raises(SessionRefused) as refused:
        store.change_session("ws", "before", lambda s: change(s, "reveal", bank, (), "no-such-myth"))
    assert refused.value.key == "session_unknown_myth"
    assert store.session_state("ws", "before") == SessionState()


def test_an_unreadable_stored_state_is_the_fresh_one():
    assert SessionState.from_json("{not json") == SessionState()
    assert SessionState.from_json('{"discuss": ["a"], "position": 7}').position == 0


# -- the core's decisions ------------------------------------------------------------------------


def room_of(bank: Bank, rounds: dict[str, dict[str, tuple[int, int, int]]], people: int = 12):
    """A room from people per band (clear, doubt, held) per myth per round; scores at band middles."""
    bands = [b.id for b in bank.bands]
    middle = {bands[0]: 10.0, bands[1]: 50.0, bands[-1]: 90.0}
    rows = []
    for name, myths in rounds.items():
        for myth_id, counts in myths.items():
            for band, n in zip((bands[0], bands[1], bands[-1]), counts, strict=True):
                if n:
                    rows.append(BandCount(name, myth_id, band, n, middle[band] * n))
    counts = RoomCounts(tuple(PeopleCount(name, people, people, people) for name in rounds), tuple(rows))
    return tally_room(bank, counts, "ws")


def designed(bank: Bank) -> dict[str, tuple[int, int, int]]:
    """Bank order reversed in discussion order: the last myth is held most."""
    return {m.id: (12 - n, 0, n) for n, m in enumerate(bank.myths, 1)}


def test_hidden_lines_are_in_bank_order_with_nothing_of_the_room(bank: Bank):
    room = room_of(bank, {"before": designed(bank)})
    assert room.order()[0] == bank.myths[-1].id  # the discussion order differs from the bank's
    view = live_view(room, bank, SessionState())
    assert [line.id for line in view.lines] == [m.id for m in bank.myths]
    assert not view.ranked and all(not line.shown and not line.rounds for line in view.lines)
    discussing = change(SessionState(), "discuss", bank, room.order())
    view = live_view(room, bank, discussing)
    assert view.discuss is not None and not view.discuss.shown and view.discuss.rounds == ()
    assert view.discuss.statements == len(bank.myths_by_id[view.discuss.id].statements)
    revealed = live_view(room, bank, change(SessionState(), "reveal_all", bank, ()))
    assert [line.id for line in revealed.lines] == list(room.order()) and revealed.ranked


def test_the_debrief_of_an_after_round_walks_its_order_and_shifts_in_whole_points(bank: Bank):
    ids = [m.id for m in bank.myths]
    before = {m: (2, 1, 9) if m == ids[0] else (12, 0, 0) for m in ids}
    after = {m: (10, 0, 2) if m == ids[0] else (12, 0, 0) for m in ids}
    after[ids[1]] = (6, 0, 6)  # a worsening
    room = room_of(bank, {"before": before, "after": after})
    assert room.order()[0] == ids[1]  # the after round's order
    held = bank.bands[-1].id
    better, worse = shift_of(room, ids[0], held), shift_of(room, ids[1], held)
    assert better is not None and (better.held_before, better.held_after) == (9, 2) and better.direction == "better"
    assert worse is not None and worse.worse and worse.arrow == "▲" and worse.points > 0
    assert room.shift(ids[0]) == better.points  # one number everywhere


def test_you_and_the_room_only_after_the_reveal_and_at_the_minimum_group(bank: Bank):
    room = room_of(bank, {"before": designed(bank)})
    assert not room_beside(room, bank, "before", SessionState()).shown
    one = change(SessionState(), "reveal", bank, (), bank.myths[0].id)
    beside = room_beside(room, bank, "before", one)
    assert beside.shown and [m.myth_id for m in beside.myths] == [bank.myths[0].id]
    small = room_of(bank, {"before": designed(bank)}, people=2)
    assert room_beside(small, bank, "before", one).too_small
