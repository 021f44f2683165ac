"""The room's commitments (issue 24, point 5): per action, how many people of a round committed to it and, in an
after round, how many of the before round say they did it; never who; nothing below the minimum group."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from misquiz.cli import main
from misquiz.core.catalogue import t
from misquiz.core.commitments import OWN, Commitment, CommitmentCount, tally_commitments
from misquiz.core.scoring import score_attempt
from misquiz.render.room import room_csv, room_html, room_markdown
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
        assert "What the group will do" not in body(app)  # answer first, reveal later
        await pilot.press("r")
        await pilot.pause()
        text = body(app)
        action = Commitment("sales-goal", 1).text(bank, "en")
        assert "What the group will do" in text and f"{action} (" in text
        assert "done since the “Before” round: 1 · chosen now: 3" in text
        assert "Something of their own  done since the “Before” round: 1 · chosen now: 0" in text
        assert "HYPERLINK" not in text and "Secret Name" not in text
    app = RoomApp(store, bank, "ws", lang="fr", round=None, min_group=4, reveal=True)
    async with app.run_test(size=(140, 60)) as pilot:
        await pilot.pause()
        assert "Ce que le groupe va faire" not in body(app)  # below the minimum group: nothing


# -- hostile commitment text through the room's sinks --------------------------------------------------------

OWN_LINES = [  # each carries "ownmark": a person's own line is counted, never shown, so it must not appear at all
    "<script>alert('ownmark')</script>",
    "# ownmark **bold** [a](https://evil.example) | cell |",
    "=cmd|' /C calc'!A0 ownmark",
    "+ownmark",
    "own\x1b[31mmark\x1b]8;;https://evil.example\x1b\\ownmark\x07\r",
    "\u202eownmark\u2066 bidi \u2069\u200f",
]
ACTION = "=cmd|' /C calc'!A0 <script>alert(1)</script> **bold** [a](javascript:x) | \x1b[31m\u202eevil"


def hostile_bank(bank):
    """The bank with a hostile text for sales-goal's first action, in every language."""
    myths = tuple(
        m._replace(actions=({lang: ACTION for lang in m.actions[0]}, *m.actions[1:])) if m.id == "sales-goal" else m
        for m in bank.myths
    )
    return bank._replace(myths=myths)


@pytest.fixture
def hostile_room(bank, tmp_path):
    store = SQLiteStore(tmp_path / "h.db")
    for n, line in enumerate(OWN_LINES):
        mine = (Commitment("sales-goal", 1, status="done"), Commitment(None, None, line, status="done"))
        add(store, bank, mine, person=f"p{n}", name=f"<b>Name {n}</b>")
        add(store, bank, mine[:1] if n % 2 else mine[1:], round="after", person=f"p{n}", name=f"<b>Name {n}</b>")
    yield store
    store.close()


def no_trace_of_anyone(text: str) -> None:
    assert "ownmark" not in text and "Name" not in text and "calc'!A0 ownmark" not in text
    for byte in ("\x1b", "\x07", "\r", "\x00", "\u202e", "\u2066", "\u200f"):
        assert byte not in text, f"{byte!r} reached the output"


@pytest.mark.parametrize("lang", ["nl", "en", "fr"])
def test_hostile_commitments_through_the_group_report_and_room_json(hostile_room, bank, lang):
    evil = hostile_bank(bank)
    room = read_room(hostile_room, evil, "ws", min_group=3)
    assert room.commitments["before"].shown and room.commitments["after"].shown
    html = room_html(room, evil, lang)
    markdown = room_markdown(room, evil, lang)
    sheet = room_csv(room, evil, lang)
    data = json.dumps(room.as_dict(), ensure_ascii=False)
    for text in (html, markdown, sheet, data):
        no_trace_of_anyone(text)
    own = t(lang, "room_commit_own")
    assert own in html and own in markdown and own in sheet  # counted together, never shown
    # the action's title: escaped in HTML, literal in Markdown, never a formula in a sheet
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    rendered = MarkdownIt().render(markdown)
    assert "<script>" not in rendered and "<strong>bold</strong>" not in rendered and "<a " not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    rows = list(csv.reader(io.StringIO(sheet)))
    header = rows[0]
    actions = [dict(zip(header, r, strict=True)) for r in rows[1:] if r[header.index("action")]]
    assert {a["action"] for a in actions} == {"sales-goal.1", OWN}
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows[1:] for cell in r if not cell.isdigit())
    titles = [a["title"] for a in actions if a["action"] == "sales-goal.1"]
    assert titles and all(title.startswith("'=cmd") for title in titles)
    assert [(a["round"], a["committed"], a["did"]) for a in actions if a["action"] == OWN] == [
        ("before", "6", ""),
        ("after", "3", "6"),
    ]
    # room --json: the actions by key and the counts, nothing anyone typed
    assert json.loads(data)["commitments"]["after"]["actions"][0]["action"] in ("sales-goal.1", OWN)


def test_hostile_own_lines_stay_out_of_room_json_from_the_command_line(hostile_room, tmp_path):
    hostile_room.close()
    result = CliRunner().invoke(main, ["room", "ws", "--json", "--db", str(tmp_path / "h.db"), "--min-group", "3"])
    assert result.exit_code == 0, result.output
    no_trace_of_anyone(result.stdout)
    assert {a["action"] for a in json.loads(result.stdout)["commitments"]["before"]["actions"]} == {
        "sales-goal.1",
        OWN,
    }


@pytest.mark.parametrize("min_group", [3, 7])
async def test_the_projector_shows_them_after_the_reveal_and_never_an_own_line(hostile_room, bank, tmp_path, min_group):
    from aiohttp.test_utils import TestClient, TestServer

    from misquiz.web.app import build_app
    from misquiz.web.pages import WORKSHOP
    from misquiz.web.workshop import WorkshopConfig

    hostile_room.close()
    store = SQLiteStore(tmp_path / "h.db")
    app = build_app(hostile_bank(bank), store, WorkshopConfig("ws", "before", min_group=min_group))
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        projector = app[WORKSHOP].projector
        address = f"/projector/{projector.token}"
        page = await (await client.get(address)).text()
        assert 'id="room-commitments"' not in page  # answer first, reveal later
        origin = {"Origin": f"http://127.0.0.1:{client.server.port}"}
        data = {"csrf": projector.csrf, "do": "reveal_all", "lang": "en"}
        response = await client.post(address, data=data, headers=origin, allow_redirects=False)
        assert response.status == 303
        page = await (await client.get(address)).text()
        no_trace_of_anyone(page)
        assert "<script>alert" not in page
        if min_group > 6:  # six finished: below the minimum group nothing is counted out
            assert 'id="room-commitments"' not in page and "committed" not in page
            return
        assert 'id="room-commitments"' in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert 'Something of their own</span> <strong class="commit-counts">6 committed</strong>' in page
    finally:
        await client.close()
        store.close()


async def test_misquiz_room_shows_a_hostile_action_harmlessly_and_no_own_line(hostile_room, bank):
    from misquiz.tui.room_app import RoomApp

    app = RoomApp(hostile_room, hostile_bank(bank), "ws", lang="en", round="before", min_group=3, reveal=True)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.pause()
        text = "\n".join(str(w.render()) for w in app.screen.query("#room-body > *"))
        assert "What the group will do" in text and "Something of their own  6 committed" in text
        assert "<script>alert(1)</script> **bold** [a](javascript:x) | \\x1b[31m\\u202eevil" in text  # as written
        no_trace_of_anyone(text)
