"""You and the room on the participant's results page, the results so far of a closed round, and discuss mode's
walk before the reveal; through aiohttp's test client."""

from __future__ import annotations

import asyncio
import html
from contextlib import asynccontextmanager
from dataclasses import replace

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape

from misquiz.core import catalogue
from misquiz.core.scoring import score_attempt, shown
from misquiz.core.session import SessionState, change, results_so_far
from misquiz.storage import read_room
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.app import build_app
from misquiz.web.pages import COOKIE, WORKSHOP
from misquiz.web.workshop import WorkshopConfig
from support.quiz import answers_holding
from support.serving import Visitor

CONFIG = WorkshopConfig("ws", "before", min_group=3)


@asynccontextmanager
async def serving(bank, db, config: WorkshopConfig = CONFIG):
    store = SQLiteStore(db)
    app = build_app(bank, store, config)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield client, app[WORKSHOP].projector, store, Visitor(client, f"http://127.0.0.1:{client.server.port}")
    finally:
        await client.close()
        store.close()


def add(store, bank, held, *, round="before", person=None) -> None:
    answers = answers_holding(bank, held)
    attempt = store.start_attempt(
        bank_id=bank.id,
        bank_version=bank.version,
        bank_hash=bank.content_hash,
        language="en",
        seed=1,
        order=[s.id for s in bank.statements],
        name="Secret Name",
        workshop="ws",
        round=round,
        person=person,
    )
    for sid, value in answers.items():
        store.save_answer(attempt, sid, value)
    store.finish_attempt(attempt, score_attempt(bank, answers).record())


async def act(client: TestClient, projector, do: str, myth: str = "") -> None:
    data = {"csrf": projector.csrf, "do": do, "lang": "en", **({"myth": myth} if myth else {})}
    origin = f"http://127.0.0.1:{client.server.port}"
    response = await client.post(
        f"/projector/{projector.token}", data=data, headers={"Origin": origin}, allow_redirects=False
    )
    assert response.status == 303


def room_line(lang: str, held: int, total: int, clear: int) -> str:
    return str(
        escape(catalogue.t(lang, "beside_room", held=held, total=total, doubt=total - held - clear, clear=clear))
    )


async def next_block(stream: aiohttp.StreamReader, timeout: float = 3.0) -> str:
    async def read() -> str:
        name, data = None, []
        while True:
            line = (await stream.readline()).decode().rstrip("\n")
            if line.startswith("event: "):
                name, data = line[7:], []
            elif line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and name == "beside" and data:
                return "\n".join(data)

    return await asyncio.wait_for(read(), timeout)


async def test_the_room_appears_beside_yours_after_the_reveal_and_not_before(bank, tmp_path):
    async with serving(bank, tmp_path / "b.db") as (client, projector, store, person):
        for _ in range(3):
            add(store, bank, {"sales-goal": (5, 1)})
        await person.start(lang="fr")
        await finish_with(person, person_answers(bank))
        page = await person.get("/results")
        assert 'id="room-beside"' in page and 'data-shown="no"' in page
        assert html.unescape(page).count(catalogue.t("fr", "beside_waiting")) == 1
        room = read_room(store, bank, "ws", "before", 3).rounds["before"].myth("sales-goal")
        held = room.counts[bank.bands[-1].id]
        assert (held, room.assessed) == (3, 4)
        assert room_line("fr", held, 4, 1) not in page  # nothing of the room before the reveal
        assert "Secret Name" not in page

        stream = await client.get("/results/room/events")
        assert stream.status == 200 and stream.headers["Content-Type"] == "text/event-stream"
        assert 'data-shown="no"' in await next_block(stream.content)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await act(client, projector, "reveal", "sales-goal")  # that myth only
        pushed = await next_block(stream.content, timeout=1.0)
        assert loop.time() - started < 1.0
        assert 'data-shown="yes"' in pushed and room_line("fr", 3, 4, 1) in pushed
        assert pushed.count('class="beside-myth"') == 1 and 'data-myth="sales-goal"' in pushed
        mine = next(m for m in score_attempt(bank, person_answers(bank)).myths if m.myth.id == "sales-goal")
        assert mine.band is not None and mine.score is not None
        you = catalogue.t("fr", "beside_you", band=mine.band.label["fr"], score=shown(mine.score))
        assert "\u00a0:" in you and str(escape(you)) in pushed
        stream.close()

        page = await person.get("/results")  # without JavaScript: the next load
        assert room_line("fr", 3, 4, 1) in page and "Secret Name" not in page
        await act(client, projector, "reveal_all")
        page = await person.get("/results")
        assert page.count('class="beside-myth"') == len(bank.myths)
        await act(client, projector, "hide")
        page = await person.get("/results")
        assert 'data-shown="no"' in page and room_line("fr", 3, 4, 1) not in page


def person_answers(bank) -> dict[str, int]:
    return answers_holding(bank, {})  # clear on every myth


async def finish_with(person: Visitor, answers: dict[str, int], count: int | None = None) -> str:
    for _ in range(len(answers) if count is None else count):
        await person.answer(answers[person.statement])
    return person.page


async def test_below_the_minimum_group_the_room_is_too_small_to_show(bank, tmp_path):
    async with serving(bank, tmp_path / "s.db", replace(CONFIG, min_group=5)) as (client, projector, store, person):
        add(store, bank, {"sales-goal": (5, 1)})
        await person.start()
        await finish_with(person, person_answers(bank))
        await act(client, projector, "reveal_all")
        page = await person.get("/results")
        assert str(escape(catalogue.t("en", "beside_too_small", n=5))) in page
        assert 'class="beside-myth"' not in page and room_line("en", 1, 2, 1) not in page


async def test_in_the_after_round_your_shift_beside_the_rooms(bank, tmp_path):
    db = tmp_path / "a.db"
    async with serving(bank, db) as (client, _, store, person):
        await person.start()
        await finish_with(person, answers_holding(bank, {m.id: (5, 1) for m in bank.myths}))  # holds all before
        token = client.session.cookie_jar.filter_cookies(client.make_url("/"))[COOKIE].value
        for _ in range(3):
            add(store, bank, {"sales-goal": (5, 1)})
    async with serving(bank, db, replace(CONFIG, round="after")) as (client, projector, store, person):
        client.session.cookie_jar.update_cookies({COOKIE: token}, client.make_url("/"))
        for _ in range(3):
            add(store, bank, {}, round="after")
        await person.start()
        await finish_with(person, person_answers(bank))  # and nothing after
        await act(client, projector, "reveal_all")
        page = html.unescape(await person.get("/results"))
        held = answers_holding(bank, {m.id: (5, 1) for m in bank.myths})
        before = {m.myth.id: m.score for m in score_attempt(bank, held).myths}
        after = {m.myth.id: m.score for m in score_attempt(bank, person_answers(bank)).myths}
        points = shown(after["sales-goal"]) - shown(before["sales-goal"])
        assert points < 0
        mine = catalogue.t("en", "beside_you_shift_better", arrow="▼", points=f"{points:+d}".replace("-", "−"))
        assert mine in page
        room = read_room(store, bank, "ws", "after", 3)
        from misquiz.core.report import shift_line
        from misquiz.core.session import shift_of

        shift = shift_of(room, "sales-goal", bank.bands[-1].id)
        assert shift is not None and shift.direction == "better"
        assert catalogue.t("en", "beside_room_shift", shift=shift_line("en", shift)) in page


async def test_a_closed_round_shows_results_so_far_to_who_answered_enough(bank, tmp_path):
    async with serving(bank, tmp_path / "c.db") as (client, projector, _, person):
        await person.start()
        await person.finish(5, len(bank.statements) - 1)  # every myth assessed, one statement short
        few = Visitor(TestClient(client.server), person.origin)
        await few.client.start_server()
        try:
            await few.start()
            await few.finish(5, 2)
            await act(client, projector, "close")
            page = await person.answer(5)
            assert person.status == 409 and catalogue.t("en", "round_closed_kept") in page
            assert catalogue.t("en", "closed_so_far") in page
            title = str(escape(bank.myths[0].title["en"]))
            assert title in page and "/100)" in page
            page = await few.answer(5)
            assert few.status == 409 and catalogue.t("en", "closed_so_far") not in page
            assert catalogue.t("en", "round_closed_kept") in page
        finally:
            await few.client.close()


def test_results_so_far_needs_every_myth_assessed(bank):
    everything = {s.id: 4 for s in bank.statements}
    assert results_so_far(bank, everything)
    one_short = {k: v for k, v in everything.items() if k not in {s.id for s in bank.myths[0].statements}}
    assert not results_so_far(bank, one_short)
    no_opinion = {**everything, **{s.id: None for s in bank.myths[0].statements}}
    assert not results_so_far(bank, no_opinion)


def test_discuss_mode_walks_the_bank_before_the_reveal_and_the_ranking_after(bank):
    ranking = tuple(reversed([m.id for m in bank.myths]))
    walk = change(SessionState(), "discuss", bank, ranking)
    assert walk.discuss == tuple(m.id for m in bank.myths)  # nothing of the ranking before the reveal
    one = change(SessionState(), "reveal", bank, ranking, bank.myths[0].id)
    assert change(one, "discuss", bank, ranking).discuss == tuple(m.id for m in bank.myths)
    revealed = change(SessionState(), "reveal_all", bank, ranking)
    assert change(revealed, "discuss", bank, ranking).discuss == ranking
    every = SessionState(revealed=tuple(m.id for m in bank.myths))
    assert change(every, "discuss", bank, ranking).discuss == ranking
