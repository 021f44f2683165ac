"""The projector page through aiohttp's test client: the secret address, refusals, reveal, discuss mode, the stream."""

from __future__ import annotations

import asyncio
import json
import re
from contextlib import asynccontextmanager
from dataclasses import replace

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape

from misquiz.core import catalogue
from misquiz.core.scoring import score_attempt
from misquiz.storage import read_room
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.app import build_app
from misquiz.web.pages import WORKSHOP
from misquiz.web.projector import Projector, projector_token, qr_svg
from misquiz.web.workshop import WorkshopConfig
from support.quiz import answers_holding
from support.serving import Visitor

CONFIG = WorkshopConfig("ws", "before", min_group=2)
PCSRF = re.compile(r'data-csrf="([0-9a-f]+)"')


@asynccontextmanager
async def serving(bank, db, config: WorkshopConfig = CONFIG):
    store = SQLiteStore(db)
    app = build_app(bank, store, config)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield client, app[WORKSHOP].projector, store
    finally:
        await client.close()
        store.close()


def add(store, bank, held, *, round="before", finished=True) -> int:
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
    )
    for sid, value in answers.items():
        store.save_answer(attempt, sid, value)
    if finished:
        store.finish_attempt(attempt, score_attempt(bank, answers).record())
    return attempt


def fill(store, bank, round="before", people=3) -> None:
    for n in range(people):
        add(store, bank, {"sales-goal": (5, 1)} if n % 2 == 0 else {"more-posts": (5, 1)}, round=round)


async def page_of(client: TestClient, projector: Projector, lang: str | None = None) -> str:
    response = await client.get(f"/projector/{projector.token}" + (f"?lang={lang}" if lang else ""))
    assert response.status == 200
    return await response.text()


async def act(client: TestClient, projector: Projector, do: str, myth: str = "", **headers: str):
    data = {"csrf": projector.csrf, "do": do, "lang": "en"}
    if myth:
        data["myth"] = myth
    origin = f"http://127.0.0.1:{client.server.port}"
    return await client.post(
        f"/projector/{projector.token}", data=data, headers={"Origin": origin, **headers}, allow_redirects=False
    )


def revealed_bars(page: str) -> int:
    return page.count('class="stack"')


# -- the address ------------------------------------------------------------------------


async def test_each_round_has_its_own_address_and_participants_keep_their_tokens(bank, tmp_path):
    """Issue 25, point 5: the before round's projector address does not open the after round's page (nor the
    other way round), while a participant's token, sealed under the same secret, is good in both rounds."""
    db = tmp_path / "p.db"
    async with (
        serving(bank, db) as (before_client, before, _),
        serving(bank, db, replace(CONFIG, round="after")) as (after_client, after, _),
    ):
        assert before.token != after.token and before.round == "before" and after.round == "after"
        assert (await after_client.get(f"/projector/{before.token}")).status == 404
        assert (await before_client.get(f"/projector/{after.token}")).status == 404
        assert (await after_client.get(f"/projector/{after.token}")).status == 200
        assert (await before_client.get(f"/projector/{before.token}")).status == 200
        first, second = before_client.server.app[WORKSHOP], after_client.server.app[WORKSHOP]
        token = first.new_token()
        assert second.issued(token) and first.csrf(token) == second.csrf(token)


async def test_the_page_opens_only_at_its_long_random_address(bank, tmp_path):
    async with serving(bank, tmp_path / "p.db") as (client, projector, store):
        secret = store.server_secret()
        assert len(projector.token) == 43 and projector.token == projector_token(secret, "ws", "before")
        assert projector.token != projector_token(secret, "other", "before")
        assert projector.token != projector_token(secret, "ws", "after") != projector_token(secret, "ws", None)
        page = await page_of(client, projector)
        join = f"http://127.0.0.1:{client.server.port}/"
        assert join in page and '<svg class="qr"' in page and f'aria-label="QR code for {join}"' in page
        assert "<script>" not in page and "style=" not in page  # the CSP allows nothing inline
        assert not re.search(r'(src|href|action)="(https?:)?//', page), "the page loads nothing from elsewhere"
        assert '<noscript><meta http-equiv="refresh"' in page and 'src="/static/projector.js?v=' in page
        wrong = projector.token[:-1] + ("A" if projector.token[-1] != "A" else "B")
        for path in (f"/projector/{wrong}", "/projector/", "/projector/x", f"/projector/{wrong}/events"):
            response = await client.get(path)
            assert response.status == 404, path
            assert projector.token not in await response.text()
        origin = {"Origin": f"http://127.0.0.1:{client.server.port}"}
        response = await client.post(
            f"/projector/{wrong}", data={"csrf": projector.csrf, "do": "reveal_all"}, headers=origin
        )
        assert response.status == 404


async def test_a_participants_cookie_and_form_token_open_nothing(bank, tmp_path):
    async with serving(bank, tmp_path / "p.db") as (client, projector, store):
        fill(store, bank)
        person = Visitor(client, f"http://127.0.0.1:{client.server.port}")
        await person.start()
        assert projector.token not in person.page
        cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))["misquiz"].value
        assert (await client.get(f"/projector/{cookie}")).status == 404
        response = await client.post(
            f"/projector/{projector.token}", data={"csrf": person.csrf, "do": "reveal_all"}, headers=person.headers
        )
        assert response.status == 403
        assert revealed_bars(await page_of(client, projector)) == 0
        response = await client.post(
            f"/projector/{cookie}", data={"csrf": person.csrf, "do": "reveal_all"}, headers=person.headers
        )
        assert response.status == 404


async def test_another_origin_is_refused_even_with_the_address(bank, tmp_path):
    async with serving(bank, tmp_path / "p.db") as (client, projector, store):
        fill(store, bank)
        path = f"/projector/{projector.token}"
        assert (await client.get(path, headers={"Sec-Fetch-Site": "cross-site"})).status == 403
        assert (await client.get(path + "/events", headers={"Sec-Fetch-Site": "same-site"})).status == 403
        assert (await client.get(path, headers={"Origin": "http://evil.test"})).status == 403
        response = await act(client, projector, "reveal_all", Origin="http://evil.test")
        assert response.status == 403
        response = await client.post(path, data={"csrf": projector.csrf, "do": "reveal_all"})  # no Origin at all
        assert response.status == 403
        response = await client.get(path, headers={"Host": "evil.test"})
        assert response.status == 421
        assert revealed_bars(await page_of(client, projector)) == 0


# -- answer first, reveal later ----------------------------------------------------------


async def test_bars_stay_hidden_until_revealed_one_myth_or_all(bank, tmp_path):
    async with serving(bank, tmp_path / "p.db") as (client, projector, store):
        fill(store, bank)
        page = await page_of(client, projector)
        order = read_room(store, bank, "ws", "before", 2).order()
        assert list(order) != [m.id for m in bank.myths][: len(order)]  # a room whose order differs from the bank's
        in_bank = [str(escape(m.title["en"])) for m in bank.myths]
        # until a reveal: titles in bank order, unnumbered, nothing of how the room answered
        assert [page.index(t) for t in in_bank] == sorted(page.index(t) for t in in_bank)
        assert revealed_bars(page) == 0 and "<ol" not in page.split('class="live"')[1]
        assert "Secret Name" not in page
        titles = [str(escape(bank.myths_by_id[m].title["en"])) for m in order]
        missing = await client.post(
            f"/projector/{projector.token}",
            data={"do": "reveal_all"},
            headers={"Origin": f"http://127.0.0.1:{client.server.port}"},
        )
        assert missing.status == 403
        assert (await act(client, projector, "reveal", "no-such-myth")).status == 400
        assert (await act(client, projector, "explode")).status == 400
        response = await act(client, projector, "reveal", order[0])
        assert response.status == 303 and response.headers["Location"] == f"/projector/{projector.token}?lang=en"
        page = await page_of(client, projector)
        assert revealed_bars(page) == 1 and page.index(titles[0]) < page.index('class="stack"') < page.index(titles[1])
        assert [page.index(t) for t in titles] == sorted(page.index(t) for t in titles)  # now in discussion order
        assert page.count(catalogue.t("en", "room_not_revealed")) == len(order) - 1
        response = await act(client, projector, "reveal_all", **{"X-Misquiz-Fetch": "1"})
        update = await response.json()
        assert update["html"].count('class="stack"') == len(order) and update["title"].startswith("Projector")
        assert revealed_bars(await page_of(client, projector, "fr")) == len(order)  # every tab agrees


async def test_discuss_mode_freezes_the_order_and_shows_the_explanation(bank, tmp_path):
    async with serving(bank, tmp_path / "p.db") as (client, projector, store):
        fill(store, bank)
        order = read_room(store, bank, "ws", "before", 2).order()
        walk = [m.id for m in bank.myths]  # before the reveal: the bank's order, nothing of the ranking
        assert list(order) != walk
        await act(client, projector, "discuss")
        page = await page_of(client, projector)
        first = bank.myths_by_id[walk[0]]
        assert 'data-mode="discuss"' in page and str(escape(first.title["en"])) in page
        explanation = str(escape(" ".join(first.explanation["en"].split())))
        assert explanation not in page  # the explanation comes with the bars, not before
        assert catalogue.t("en", "projector_statements", n=len(first.statements)) in page
        assert catalogue.t("en", "projector_position", n=1, total=len(walk)) in page
        assert revealed_bars(page) == 0
        await act(client, projector, "reveal")  # the myth on screen
        assert explanation in await page_of(client, projector)
        await act(client, projector, "next")
        for _ in range(4):  # late finishers who all hold another myth would move it up the order
            add(store, bank, {"no-plan": (5, 1), "more-posts": (5, 1)})
        assert read_room(store, bank, "ws", "before", 2).order() != order
        page = await page_of(client, projector)
        assert (
            f'data-myth="{walk[1]}"' in page and catalogue.t("en", "projector_position", n=2, total=len(walk)) in page
        )
        await act(client, projector, "back")
        page = await page_of(client, projector)
        assert f'data-myth="{walk[0]}"' in page and revealed_bars(page) == 1
        await act(client, projector, "back")
        assert f'data-myth="{walk[-1]}"' in await page_of(client, projector)  # round and round
        await act(client, projector, "leave")
        page = await page_of(client, projector)
        assert 'data-mode="room"' in page and ">7<" in page  # 7 finished now
        await act(client, projector, "reveal_all")  # once everything is revealed, the walk is the discussion order
        await act(client, projector, "discuss")
        now = read_room(store, bank, "ws", "before", 2).order()
        page = await page_of(client, projector)
        assert f'data-myth="{now[0]}"' in page and now[0] != walk[0]


async def test_below_the_minimum_group_only_counts_of_people(bank, tmp_path):
    async with serving(bank, tmp_path / "p.db", replace(CONFIG, min_group=3)) as (client, projector, store):
        fill(store, bank, people=2)
        add(store, bank, {}, finished=False)
        await act(client, projector, "reveal_all")
        await act(client, projector, "discuss")
        page = await page_of(client, projector)
        assert catalogue.t("en", "projector_too_few", n=3) in page
        assert 'data-count="joined">3<' in page and 'data-count="finished">2<' in page
        assert 'data-count="in_progress">1<' in page
        assert revealed_bars(page) == 0 and 'data-mode="room"' in page
        assert not any(str(escape(m.title["en"])) in page for m in bank.myths)


async def test_before_and_after_side_by_side_with_the_shift_in_the_chosen_language(bank, tmp_path):
    config = replace(CONFIG, round="after", lang="nl")
    async with serving(bank, tmp_path / "p.db", config) as (client, projector, store):
        fill(store, bank, "before", 3)
        for _ in range(3):
            add(store, bank, {}, round="after")
        await act(client, projector, "reveal_all")
        page = await page_of(client, projector)
        assert '<html lang="nl">' in page and catalogue.t("nl", "projector_join") in page
        assert page.count('class="rounds two"') == len(bank.myths)
        assert catalogue.t("nl", "round_before") in page and catalogue.t("nl", "round_after") in page
        room = read_room(store, bank, "ws", "after", 2)
        shift = room.shift("sales-goal")
        from misquiz.core.report import shift_line
        from misquiz.core.session import shift_of

        change = shift_of(room, "sales-goal", bank.bands[-1].id)
        assert shift is not None and change is not None and change.points == shift
        assert str(escape(shift_line("nl", change))) in page  # the same number as the report's
        page = await page_of(client, projector, "fr")
        assert '<html lang="fr">' in page and catalogue.t("fr", "projector_join") in page


# -- the stream --------------------------------------------------------------------------


async def next_event(stream: aiohttp.StreamReader, timeout: float = 3.0) -> dict:
    async def read() -> dict:
        name = None
        while True:
            line = (await stream.readline()).decode().rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name == "room":
                return json.loads(line[6:])

    return await asyncio.wait_for(read(), timeout)


async def test_the_stream_sends_an_update_when_someone_finishes(bank, tmp_path):
    async with serving(bank, tmp_path / "p.db") as (client, projector, store):
        fill(store, bank, people=2)
        add(store, bank, {}, finished=False)
        response = await client.get(f"/projector/{projector.token}/events?lang=en")
        assert response.status == 200 and response.headers["Content-Type"] == "text/event-stream"
        first = await next_event(response.content)
        assert 'data-count="finished">2<' in first["html"]
        loop = asyncio.get_running_loop()
        started = loop.time()
        add(store, bank, {"sales-goal": (5, 1)})
        update = await next_event(response.content)
        assert 'data-count="finished">3<' in update["html"] and loop.time() - started < 1.5
        await act(client, projector, "reveal_all")  # a choice of the trainer's is pushed at once
        update = await next_event(response.content, timeout=0.4)
        assert update["html"].count('class="stack"') == len(bank.myths)
        other = await client.get(f"/projector/{projector.token}/events")
        await next_event(other.content)
        assert projector.watchers == 2  # two streams, one reader of the room
        response.close()
        other.close()


async def test_a_finish_on_this_server_is_pushed_at_once_not_at_the_next_poll(bank, tmp_path, monkeypatch):
    monkeypatch.setattr("misquiz.web.projector.POLL_SECONDS", 30.0)  # only the nudge can be in time
    async with serving(bank, tmp_path / "p.db") as (client, projector, store):
        fill(store, bank, people=2)
        response = await client.get(f"/projector/{projector.token}/events?lang=en")
        assert 'data-count="finished">2<' in (await next_event(response.content))["html"]
        person = Visitor(client, f"http://127.0.0.1:{client.server.port}")
        await person.start()
        await person.finish(4)
        loop = asyncio.get_running_loop()
        finished, deadline = loop.time(), loop.time() + 2
        while 'data-count="finished">3<' not in (await next_event(response.content, timeout=2))["html"]:
            assert loop.time() < deadline, "the finish never reached the stream"
        assert loop.time() - finished < 1.0
        response.close()


async def test_the_stream_ends_when_the_server_stops(bank, tmp_path):
    async with serving(bank, tmp_path / "p.db") as (client, projector, _):
        response = await client.get(f"/projector/{projector.token}/events")
        await next_event(response.content)
        projector.close()
        rest = await asyncio.wait_for(response.content.read(), 2)  # the stream ends: read() returns
        assert response.content.at_eof() and b"retry" not in rest


# -- the QR code -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/", "https://quiz.example.org/"])
def test_the_qr_code_is_every_module_of_the_matrix_with_a_quiet_zone(url):
    import qrcode

    code = qrcode.QRCode(border=4)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    svg = qr_svg(url, "<label>")
    assert 'aria-label="&lt;label&gt;"' in svg
    drawn = [[False] * len(matrix) for _ in matrix]
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg):
        for dx in range(int(run)):
            drawn[int(y)][int(x) + dx] = True
    assert drawn == [list(row) for row in matrix]
    assert not any(drawn[y][x] for y in range(4) for x in range(len(matrix)))  # quiet zone


# -- closing the round ----------------------------------------------------------------------


async def test_a_closed_round_stores_no_answer_and_says_so_and_reopening_undoes_it(bank, tmp_path):
    async with serving(bank, tmp_path / "p.db") as (client, projector, store):
        origin = f"http://127.0.0.1:{client.server.port}"
        mid = Visitor(client, origin)
        await mid.start(lang="fr")
        await mid.answer(4)
        assert (await act(client, projector, "close")).status == 303
        assert 'data-closed="yes"' in await page_of(client, projector)
        before = store.room_counts("ws")
        await mid.answer(5)
        assert mid.status == 409 and str(escape(catalogue.t("fr", "round_closed_kept"))) in mid.page
        assert store.room_counts("ws") == before  # nothing stored
        client.session.cookie_jar.clear()  # someone new
        late = Visitor(client, origin)
        page = await late.get("/")
        assert late.status == 409 and catalogue.t("en", "round_closed_new") in page
        await act(client, projector, "open")
        assert 'data-closed="no"' in await page_of(client, projector)
        await late.start()
        assert late.status == 200 and "/quiz/1" in late.url
        # a stale projector form token or another origin changes nothing
        stale = await client.post(
            f"/projector/{projector.token}", data={"csrf": "0" * 40, "do": "close"}, headers={"Origin": origin}
        )
        assert stale.status == 403 and not store.session_state("ws", "before").closed
        assert (await act(client, projector, "close", Origin="http://evil.test")).status == 403
        assert not store.session_state("ws", "before").closed
