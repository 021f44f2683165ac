"""The discussion order keeps the promises listed in PRODUCT.md ("Discussion order")."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from misquiz.core.room import MythRoom, discussion_order, priority

HELD, DOUBT, CLEAR = "myth", "doubt", "clear"


def myth(name: str, held: int, doubt: int, clear: int, mean: float = 50.0) -> MythRoom:
    return MythRoom(name, {CLEAR: clear, DOUBT: doubt, HELD: held}, mean)


rooms = st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)).filter(lambda c: sum(c) > 0)


def p(m: MythRoom) -> float:
    return priority(m, HELD, CLEAR)


@given(st.integers(1, 40))
def test_a_myth_everyone_holds_comes_first_level_only_with_an_even_split(n):
    everyone = myth("all", n, 0, 0)
    split = myth("split", n, 0, n)
    assert p(everyone) == 1.0 == p(split)


@given(rooms, st.integers(0, 2))
def test_moving_one_person_into_the_held_band_never_lowers_the_priority(counts, source):
    held, doubt, clear = counts
    before = myth("m", held, doubt, clear)
    moved = [held + 1, doubt, clear]
    if source == 1 and doubt:
        moved[1] -= 1
    elif source == 2 and clear:
        moved[2] -= 1
    elif source != 0:
        return
    assert p(myth("m", *moved)) >= p(before) - 1e-12


@given(st.integers(1, 30), rooms)
def test_an_even_split_ranks_above_every_myth_fewer_than_half_hold(n, other):
    held, doubt, clear = other
    if held * 2 >= held + doubt + clear:
        return
    split = myth("split", n, 0, n, mean=0.0)
    fewer = myth("fewer", held, doubt, clear, mean=100.0)
    assert discussion_order((fewer, split), HELD, CLEAR)[0] == "split"


@given(st.integers(1, 40))
def test_a_room_entirely_in_doubt_or_entirely_clear_ranks_last(n):
    assert p(myth("doubt", 0, n, 0)) == 0 == p(myth("clear", 0, 0, n))
    order = discussion_order((myth("doubt", 0, n, 0), myth("one", 1, 0, n)), HELD, CLEAR)
    assert order == ("one", "doubt")


def test_ties_go_to_the_higher_mean_then_bank_order():
    a, b, c = myth("a", 1, 1, 0, 60.0), myth("b", 1, 1, 0, 70.0), myth("c", 1, 1, 0, 70.0)
    assert discussion_order((a, b, c), HELD, CLEAR) == ("b", "c", "a")
