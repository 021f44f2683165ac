"""The trainer's room: counts in SQL, the anonymity threshold, rounds, reports, and the live view."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.scoring import score_attempt
from misquiz.render.room import room_csv, room_html, room_markdown
from misquiz.storage import read_room
from misquiz.storage.sqlite import SQLiteStore
from misquiz.tui.room_app import RoomApp
from misquiz.tui.screens.discuss import DiscussScreen
from misquiz.tui.widgets.room_bar import RoomBar
from support.quiz import answers_holding

HOLD = {
    "sales-goal": (5, 1),  # held by everyone below
}


def add(store: SQLiteStore, bank, answers, *, name="", workshop="ws", round=None, finished=True) -> int:
    attempt = store.start_attempt(
        bank_id=bank.id,
        bank_version=bank.version,
        bank_hash=bank.content_hash,
        language="en",
        seed=1,
        order=[s.id for s in bank.statements],
        name=name,
        workshop=workshop,
        round=round,
    )
    for sid, value in answers.items():
        store.save_answer(attempt, sid, value)
    if finished:
        store.finish_attempt(attempt, score_attempt(bank, answers).record())
    return attempt


@pytest.fixture
def filled(tmp_path, bank):
    store = SQLiteStore(tmp_path / "room.db")
    people = [
        answers_holding(bank, {"sales-goal": (5, 1), "more-posts": (5, 1)}),
        answers_holding(bank, {"sales-goal": (5, 1), "more-posts": (1, 5)}),
        answers_holding(bank, {"sales-goal": (4, 2), "no-plan": (3, 3)}),
        answers_holding(bank, {"sales-goal": (5, 1)}),
    ]
    for n, answers in enumerate(people):
        add(store, bank, answers, name=f"<b>Person {n}</b>", round="before")
    add(store, bank, {}, name="Late", round="before", finished=False)
    return store


def test_counts_mean_what_they_say_and_the_order_is_fair(filled, bank):
    add(filled, bank, {bank.statements[0].id: 3}, round="before", finished=False)  # answering now
    rnd = read_room(filled, bank, "ws").rounds["before"]
    # joined: answered at least one statement (the "Late" start without an answer is nobody yet)
    assert (rnd.joined, rnd.in_progress, rnd.finished) == (5, 1, 4)
    assert rnd.myth("sales-goal").counts == {"clear": 0, "doubt": 0, "myth": 4}
    assert rnd.myth("more-posts").counts == {"clear": 3, "doubt": 0, "myth": 1}
    # everyone holds sales-goal; more-posts is held by one and seen clearly by three; the rest are clear
    assert rnd.discussion_order[:2] == ("sales-goal", "more-posts")
    assert rnd.myth("side-issue").mean == 0


def test_json_keeps_rounds_apart_and_never_sums_them(filled, bank):
    for _ in range(3):
        add(filled, bank, answers_holding(bank, {"sales-goal": (3, 3)}), round="after")
    data = read_room(filled, bank, "ws").as_dict()
    assert set(data) == {"workshop", "round", "rounds", "shift", "commitments"} and data["round"] == "after"
    assert data["rounds"]["before"]["finished"] == 4 and data["rounds"]["after"]["finished"] == 3
    before = data["rounds"]["before"]
    assert before["myths"][0] == {"id": "side-issue", "counts": {"clear": 4, "doubt": 0, "myth": 0}, "mean": 0.0}


def test_below_the_minimum_group_only_counts_are_shown(tmp_path, bank):
    store = SQLiteStore(tmp_path / "few.db")
    add(store, bank, answers_holding(bank, {"sales-goal": (5, 1)}))
    add(store, bank, answers_holding(bank, {}))
    data = read_room(store, bank, "ws").as_dict()
    shown = data["rounds"]["none"]
    assert shown["finished"] == 2 and shown["myths"] == [] and shown["discussion_order"] == []
    assert "hidden" in shown
    assert read_room(store, bank, "ws", min_group=2).as_dict()["rounds"]["none"]["myths"]


def test_before_and_after_side_by_side_in_one_order(filled, bank):
    for _ in range(3):
        add(filled, bank, answers_holding(bank, {"sales-goal": (3, 3)}), round="after")
    room = read_room(filled, bank, "ws")
    assert room.has_both_rounds and room.current == "after"
    assert room.order() == room.rounds["after"].discussion_order  # the debrief walks the after round's order
    # before: three at 100 and one at 75; after: three at 50
    assert room.rounds["before"].myth("sales-goal").mean == pytest.approx(93.75)
    assert room.shift("sales-goal") == 50 - 94  # shown room scores, whole numbers
    assert read_room(filled, bank, "ws", round="before").current == "before"


def test_reports_hold_no_name_and_no_live_formula(filled, bank):
    room = read_room(filled, bank, "ws")
    text = room_csv(room, bank, "en")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["workshop", "round", "myth", "title"]
    assert len(rows) == 1 + 9
    for report in (text, room_markdown(room, bank, "en"), room_html(room, bank, "en")):
        assert "Person" not in report and "Late" not in report
    assert "<script" not in room_html(room, bank, "en")


def test_csv_cells_never_start_a_formula(tmp_path, bank):
    from misquiz.render.room import cell

    for hostile in ('=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)", "\tx"):
        assert cell(hostile).startswith("'")
    assert cell("plain") == "plain"


def test_room_cli_json_and_export(filled, bank, tmp_path):
    db = str(filled.path)
    result = CliRunner().invoke(main, ["room", "ws", "--json", "--db", db])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["rounds"]["before"]["finished"] == 4
    for suffix in ("csv", "md", "html"):
        out = tmp_path / f"report.{suffix}"
        assert CliRunner().invoke(main, ["room", "ws", "--export", str(out), "--db", db]).exit_code == 0
        assert out.stat().st_size > 100
    bad = CliRunner().invoke(main, ["room", "ws", "--export", str(tmp_path / "r.pdf"), "--db", db])
    assert bad.exit_code == 2
    assert CliRunner().invoke(main, ["room", "bad code!", "--json", "--db", db]).exit_code == 2


def test_the_live_room_is_never_drawn_into_a_pipe(filled):
    result = CliRunner().invoke(main, ["room", "ws", "--db", str(filled.path)])  # output is not a terminal
    assert result.exit_code == 1 and result.stdout == ""
    assert "the live room needs a terminal" in result.stderr and "misquiz room ws --json" in result.stderr


def test_the_live_room_opens_its_database_to_write_the_session(filled, monkeypatch):
    """The live view reveals, discusses and closes: its store is not the read-only one the reports use (a
    trainer's 'r' had ended in 'cannot write to the database here (attempt to write a readonly database)')."""
    from dataclasses import replace

    from misquiz.tui import launch, room_app

    monkeypatch.setattr(launch, "full_screen_refused", lambda: "")
    seen = {}

    def run(app) -> None:
        seen["state"] = app.store.change_session("ws", "before", lambda s: replace(s, revealed_all=True))

    monkeypatch.setattr(room_app.RoomApp, "run", run)
    result = CliRunner().invoke(main, ["room", "ws", "--round", "before", "--db", str(filled.path)])
    assert result.exit_code == 0, result.output
    assert seen["state"].revealed_all


async def test_the_room_view_refreshes_reveals_and_never_shows_a_name(filled, bank):
    app = RoomApp(filled, bank, "ws", lang="en", round=None, min_group=3, join="http://10.0.0.5:8000/")
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        # answer first, reveal later: the titles in bank order, no bars, no ranking
        assert not list(app.screen.query(RoomBar))
        body = [str(w.render()) for w in app.screen.query("#room-body > *")]
        titles = [line[2:] for line in body if line.startswith("· ")]
        assert titles == [m.title["en"] for m in bank.myths]
        head = str(app.screen.query_one("#room-head").content)
        assert "joined 4 · in progress 0 · finished 4" in head and "Join at http://10.0.0.5:8000/" in head
        everything = "\n".join(str(w.render()) for w in app.screen.query("*") if hasattr(w, "render"))
        assert "Person" not in everything
        await pilot.press("r")
        await pilot.pause()
        bars = list(app.screen.query(RoomBar))
        assert [b.m.id for b in bars][:2] == ["sales-goal", "more-posts"] and all(b.revealed for b in bars)
        assert filled.session_state("ws", "before").revealed_all  # in the store: every projector follows
        await pilot.press("c")  # close the round, from the room view
        await pilot.pause()
        assert filled.session_state("ws", "before").closed
        assert "Round closed" in str(app.screen.query_one("#room-head").content)
        add(filled, bank, answers_holding(bank, {}), round="before")
        await pilot.pause(2.0)  # the view refreshes itself
        assert "joined 5 · in progress 0 · finished 5" in str(app.screen.query_one("#room-head").content)
        await pilot.press("escape")
        assert not isinstance(app.screen, DiscussScreen)


async def test_discuss_mode_freezes_the_order_while_late_finishers_come_in(filled, bank):
    app = RoomApp(filled, bank, "ws", lang="en", round=None, min_group=3)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        screen = app.screen
        assert isinstance(screen, DiscussScreen) and "1 / 9" in str(screen.query_one("#discuss-title").content)
        await pilot.press("pagedown")  # a clicker's next
        await pilot.pause()
        on_screen = screen.myth_id
        assert on_screen == bank.myths[1].id  # before the reveal the walk is the bank's order, not the ranking
        assert screen.order == tuple(m.id for m in bank.myths)
        assert "hidden until you reveal it" in str(screen.query_one("#discuss-bar").content)
        assert "Why" not in str(screen.query_one("#discuss-text").content)  # no explanation before the bars
        await pilot.press("r")  # reveal this myth only
        await pilot.pause()
        assert "Seen through: 3" in str(screen.query_one("#discuss-bar").content)
        for _ in range(6):  # enough late finishers holding another myth to reorder the room
            add(filled, bank, answers_holding(bank, {"every-platform": (5, 1)}), round="before")
        await pilot.pause(2.0)
        assert screen.myth_id == on_screen and "2 / 9" in str(screen.query_one("#discuss-title").content)
        assert "Seen through: 9" in str(screen.query_one("#discuss-bar").content)  # the counts follow, the myth stays
        live = read_room(filled, bank, "ws").rounds["before"].discussion_order
        assert live[0] == "every-platform" and live != screen.order  # the room moved on; the screen did not


def test_an_unknown_code_says_which_codes_come_close(filled, bank):
    db = str(filled.path)
    result = CliRunner().invoke(main, ["room", "WS", "--json", "--db", db])
    assert result.exit_code == 1 and "did you mean ws?" in result.stderr
    retag = ["workshop", "retag", "WS", "--from", "none", "--to", "before"]
    for command in (["items", "WS"], ["workshop", "delete", "WS", "--yes"], retag):
        result = CliRunner().invoke(main, [*command, "--db", db])
        assert result.exit_code == 1 and "no workshop 'WS' in this database; did you mean ws?" in result.stderr
    assert read_room(filled, bank, "ws").rounds["before"].finished == 4  # nothing was deleted
    far = CliRunner().invoke(main, ["workshop", "delete", "nosuch", "--db", db], input="y\n")
    assert far.exit_code == 1 and "(see misquiz workshop list)" in far.stderr and "Delete" not in far.stdout


def test_housekeeping_lists_retags_and_deletes(tmp_path, bank):
    store = SQLiteStore(tmp_path / "h.db")
    for _ in range(3):
        add(store, bank, answers_holding(bank, {}), workshop="mon", round=None)
    add(store, bank, answers_holding(bank, {}), workshop="test", round="before")
    db = ["--db", str(tmp_path / "h.db")]
    listed = CliRunner().invoke(main, ["workshop", "list", *db]).stdout
    assert "mon" in listed and "test" in listed and "none" in listed
    moved = CliRunner().invoke(main, ["workshop", "retag", "mon", "--from", "none", "--to", "before", *db])
    assert moved.exit_code == 0 and "Moved 3" in moved.stdout
    assert read_room(store, bank, "mon").rounds["before"].finished == 3
    kept = CliRunner().invoke(main, ["workshop", "delete", "test", *db], input="n\n")
    assert "Nothing was deleted" in kept.stdout and read_room(store, bank, "test").rounds
    gone = CliRunner().invoke(main, ["workshop", "delete", "test", "--yes", *db])
    assert "Deleted 1" in gone.stdout and read_room(store, bank, "test").empty


async def test_the_room_view_below_the_threshold(tmp_path, bank):
    store = SQLiteStore(tmp_path / "few.db")
    add(store, bank, answers_holding(bank, {"sales-goal": (5, 1)}), name="Solo")
    app = RoomApp(store, bank, "ws", lang="en", round=None)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert not list(app.screen.query(RoomBar))
        assert "Waiting for at least 3 people" in str(app.screen.query_one(".note").content)


def test_room_snapshot(snap_compare, tmp_path, bank):
    store = SQLiteStore(tmp_path / "snap.db")
    for answers in (
        answers_holding(bank, {"sales-goal": (5, 1), "more-posts": (5, 1)}),
        answers_holding(bank, {"sales-goal": (5, 1), "no-plan": (3, 3)}),
        answers_holding(bank, {"just-a-fad": (4, 2)}),
    ):
        add(store, bank, answers, round="before")
    for answers in (answers_holding(bank, {"sales-goal": (3, 3)}),) * 3:
        add(store, bank, answers, round="after")
    app = RoomApp(store, bank, "ws", lang="en", round=None, reveal=True, join="http://192.168.1.20:8000/")
    assert snap_compare(app, terminal_size=(120, 35))


@pytest.mark.parametrize(("lang", "size"), [("nl", (80, 24)), ("fr", (50, 30)), ("en", (160, 50))])
async def test_the_room_view_never_cuts_a_title(filled, bank, lang, size):
    """At any size every title is there in full (wrapped where it must), and the shift stays visible."""
    app = RoomApp(filled, bank, "ws", lang=lang, round=None, min_group=3, reveal=True)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        bars = list(app.screen.query(RoomBar))
        assert len(bars) == len(bank.myths)
        for bar in bars:
            shown = " ".join(str(bar.render()).split())  # the lines as one text
            assert " ".join(bar.title_text.split()) in shown and "…" not in shown
            assert bar.size.width <= size[0] and bar.size.height == len(str(bar.render()).splitlines())


async def test_a_worsening_in_the_list_says_so_in_words_arrow_and_colour(tmp_path, bank):
    store = SQLiteStore(tmp_path / "worse.db")
    for _ in range(3):
        add(store, bank, answers_holding(bank, {}), round="before")
        add(store, bank, answers_holding(bank, {"more-posts": (5, 1)}), round="after")
    app = RoomApp(store, bank, "ws", lang="en", round=None, min_group=3, reveal=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        bars = {b.m.id: b for b in app.screen.query(RoomBar)}
        worse, better = bars["more-posts"], bars["sales-goal"]
        assert worse.direction == "worse" and worse.shift.startswith("▲+") and worse.shift.endswith(" worse")
        text = worse.render()
        assert any("red" in str(span.style) for span in text.spans if "worse" in text.plain[span.start : span.end])
        assert better.direction == "same" and better.shift == "= no change"


async def test_a_change_from_elsewhere_shows_within_a_second(filled, bank):
    from misquiz.core.session import change

    app = RoomApp(filled, bank, "ws", lang="en", round=None, min_group=3)
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert not list(app.screen.query(RoomBar))
        # another server's projector, or `misquiz workshop reveal`, writes the store
        filled.change_session("ws", "before", lambda s: change(s, "reveal_all", bank, ()))
        await pilot.pause(1.0)
        assert len(list(app.screen.query(RoomBar))) == len(bank.myths)
