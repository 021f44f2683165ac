"""One participant, one truth across servers (issue 25, point 7): two servers on one PostgreSQL, a proxy that
sends one person's requests to either. The last answer, given on one server, races a change from a second tab
on the other; whichever wins, the stored result is the score of the stored answers."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from misquiz.core.scoring import score_attempt
from misquiz.storage import open_store
from misquiz.web.app import build_app
from misquiz.web.pages import COOKIE, WORKSHOP
from misquiz.web.workshop import WorkshopConfig
from support.postgres import postgres_server_fixture, postgres_url_fixture  # noqa: F401  (fixtures)

RACES = 12
CONFIG = WorkshopConfig("ws", "before", joins_per_client=(1e9, 1e9), answers_per_participant=(1e9, 1e9))


async def test_the_last_answer_on_one_server_raced_against_a_change_on_another(bank, postgres_url):
    stores = [open_store(postgres_url), open_store(postgres_url)]
    clients = [
        TestClient(TestServer(build_app(bank, store, CONFIG)), cookie_jar=aiohttp.DummyCookieJar()) for store in stores
    ]
    for client in clients:
        await client.start_server()
    one, other = clients
    workshop = one.server.app[WORKSHOP]
    outcomes: dict[tuple[int, int], int] = {}

    async def post(client: TestClient, token: str, path: str, data: dict[str, str]) -> int:
        origin = f"http://127.0.0.1:{client.server.port}"
        response = await client.post(
            path,
            data={"csrf": workshop.csrf(token), **data},  # one database, one secret: the form token of both
            headers={"Origin": origin, "Cookie": f"{COOKIE}={token}"},
            allow_redirects=False,
        )
        await response.read()
        return response.status

    try:
        for race in range(RACES):
            token = workshop.new_token()
            assert await post(one, token, "/start", {"lang": "en"}) == 303
            order = (await workshop.find(token)).session.order
            for n in range(len(order) - 1):
                assert await post(one, token, f"/quiz/{n + 1}", {"statement": order[n], "answer": "1"}) == 303
            last = post(one, token, f"/quiz/{len(order)}", {"statement": order[-1], "answer": "1"})
            second_tab = post(other, token, "/quiz/1", {"statement": order[0], "answer": "5"})
            first, second = (last, second_tab) if race % 2 else (second_tab, last)
            statuses = await asyncio.gather(first, second)
            outcomes[tuple(statuses)] = outcomes.get(tuple(statuses), 0) + 1
            assert all(status < 500 or status == 503 for status in statuses), statuses
            [stored] = [a for a in stores[0].attempts() if a.person == token]
            if stored.result is None:  # the finish lost the race: the last answer, given again, finishes it
                assert await post(one, token, f"/quiz/{len(order)}", {"statement": order[-1], "answer": "1"}) == 303
                [stored] = [a for a in stores[0].attempts() if a.person == token]
            assert stored.result is not None and len(stored.answers) == len(order), (race, statuses)
            expected = {m.myth.id: m.score for m in score_attempt(bank, stored.answers).myths}
            assert stored.result.scores() == expected, (race, statuses, stored.answers.get(order[0]))
    finally:
        for client in clients:
            await client.close()
        for store in stores:
            store.close()
    print(f"{RACES} races of the last answer on one server against a second tab on another: {outcomes}")
