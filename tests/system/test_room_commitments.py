"""The room's commitments (issue 24, point 5): per action, how many people of a round committed to it and, in an
after round, how many of the before round say they did it; never who; nothing below the minimum group."""

from __future__ import annotations

import json

from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core.commitments import OWN, Commitment, CommitmentCount, tally_commitments
from misquiz.core.scoring import score_attempt
from misquiz.storage.protocol import read_room
from misquiz.storage.sqlite import SQLiteStore
from support.quiz import answers_holding

HOSTILE = '=HYPERLINK("http://evil"),<script>x</script>|## no'


def add(store, bank, commitments, *, round="before", person=None, name="Secret Name") -> int:
    answers = answers_holding(bank, {"sales-goal": (5, 1), "no-plan": (5, 1)})
    attempt = store.start_attempt(
        bank_id=bank.id,
        bank_version=bank.version,
        bank_hash=bank.content_hash,
        language="en",
        seed=1,
        order=[s.id for s in bank.statements],
        name=name,
        workshop="ws",
        round=round,
        person=person,
    )
    for sid, value in answers.items():
        store.save_answer(attempt, sid, value)
    store.finish_attempt(attempt, score_attempt(bank, answers).record())
    store.set_commitments(attempt, commitments)
    return attempt


def test_counts_per_action_and_what_the_before_round_did(bank, tmp_path):
    store = SQLiteStore(tmp_path / "r.db")
    one, two, own = Commitment("sales-goal", 1), Commitment("no-plan", 2), Commitment(None, None, HOSTILE)
    add(store, bank, (one, two), person="a")
    add(store, bank, (one._replace(status="done"), own._replace(status="done")), person="b")
    add(store, bank, (one._replace(status="not_yet"),), person="c")
    add(store, bank, (two,), round="after", person="a")
    add(store, bank, (one,), round="after", person="b")
    add(store, bank, (), round="after", person="c")
    room = read_room(store, bank, "ws", min_group=3)
    before, after = room.commitments["before"], room.commitments["after"]
    assert before.shown and [(a.key, a.committed, a.did) for a in before.actions] == [
        ("sales-goal.1", 3, None),
        ("no-plan.2", 1, None),
        (OWN, 1, None),
    ]
    assert [(a.key, a.committed, a.did) for a in after.actions] == [
        ("sales-goal.1", 1, 1),
        ("no-plan.2", 1, 0),
        (OWN, 0, 1),
    ]
    data = room.as_dict()["commitments"]
    assert data["after"]["actions"][0] == {"action": "sales-goal.1", "committed": 1, "did": 1}
    text = json.dumps(room.as_dict(), ensure_ascii=False)
    assert "Secret Name" not in text and "HYPERLINK" not in text and "script" not in text  # never who, never what


def test_nothing_below_the_minimum_group(bank, tmp_path):
    store = SQLiteStore(tmp_path / "r.db")
    add(store, bank, (Commitment("sales-goal", 1),), person="a")
    add(store, bank, (Commitment("sales-goal", 1),), person="b")
    room = read_room(store, bank, "ws", min_group=3)
    assert not room.commitments["before"].shown and room.commitments["before"].actions == ()
    assert room.as_dict()["commitments"]["before"] == {"shown": False, "actions": []}
    assert read_room(store, bank, "ws", min_group=2).commitments["before"].actions[0].committed == 2


def test_a_changed_bank_action_is_not_counted_under_another_name(bank):
    counts = [CommitmentCount("before", "gone-myth", 1, None, 5), CommitmentCount("before", "sales-goal", 99, None, 5)]
    assert tally_commitments(bank, counts, "before", 5, 3).actions == ()


def test_room_json_carries_it(bank, tmp_path):
    db = tmp_path / "j.db"
    store = SQLiteStore(db)
    for person in "abc":
        add(store, bank, (Commitment("sales-goal", 1),), person=person)
    store.close()
    result = CliRunner().invoke(main, ["room", "ws", "--json", "--db", str(db), "--min-group", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["commitments"]["before"]["actions"] == [{"action": "sales-goal.1", "committed": 3, "did": None}]


async def test_misquiz_room_shows_them_after_the_reveal(bank, tmp_path):
    from misquiz.tui.room_app import RoomApp

    store = SQLiteStore(tmp_path / "t.db")
    one, own = Commitment("sales-goal", 1), Commitment(None, None, HOSTILE)
    add(store, bank, (one._replace(status="done"),), person="a")
    add(store, bank, (one, own._replace(status="done")), person="b")
    add(store, bank, (own,), person="c")
    for person in "abc":
        add(store, bank, (one,), round="after", person=person)

    def body(app) -> str:
        return "\n".join(str(w.render()) for w in app.screen.query("#room-body > *"))

    app = RoomApp(store, bank, "ws", lang="en", round=None, min_group=3)
    async with app.run_test(size=(140, 60)) as pilot:
        await pilot.pause()
        assert "What the room will do" not in body(app)  # answer first, reveal later
        await pilot.press("r")
        await pilot.pause()
        text = body(app)
        action = Commitment("sales-goal", 1).text(bank, "en")
        assert "What the room will do" in text and f"{action} (" in text
        assert "3 committed, 1 did it" in text and "Something of their own  0 committed, 1 did it" in text
        assert "HYPERLINK" not in text and "Secret Name" not in text
    app = RoomApp(store, bank, "ws", lang="fr", round=None, min_group=4, reveal=True)
    async with app.run_test(size=(140, 60)) as pilot:
        await pilot.pause()
        assert "Ce que le groupe va faire" not in body(app)  # below the minimum group: nothing
