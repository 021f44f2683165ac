"""One participant, one truth (issue 25, point 7): a participant's requests are taken one at a time, so the
stored result is always the score of the stored answers, whatever two tabs send at the same moment."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp.test_utils import TestClient, TestServer

from misquiz.core.scoring import score_attempt
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.app import build_app
from misquiz.web.pages import COOKIE, WORKSHOP
from misquiz.web.workshop import WorkshopConfig

RACES = 12
CONFIG = WorkshopConfig("ws", "before", joins_per_client=(1e9, 1e9), answers_per_participant=(1e9, 1e9))


async def test_the_last_answer_raced_against_a_change_from_a_second_tab(bank, tmp_path):
    store = SQLiteStore(tmp_path / "t.db")
    client = TestClient(TestServer(build_app(bank, store, CONFIG)), cookie_jar=aiohttp.DummyCookieJar())
    await client.start_server()
    workshop = client.server.app[WORKSHOP]
    origin = f"http://127.0.0.1:{client.server.port}"
    outcomes: dict[tuple[int, int], int] = {}

    async def post(token: str, path: str, data: dict[str, str]) -> int:
        response = await client.post(
            path,
            data={"csrf": workshop.csrf(token), **data},
            headers={"Origin": origin, "Cookie": f"{COOKIE}={token}"},
            allow_redirects=False,
        )
        await response.read()
        return response.status

    try:
        for race in range(RACES):
            token = workshop.new_token()
            assert await post(token, "/start", {"lang": "en"}) == 303
            order = workshop.participant(token).session.order
            for n in range(len(order) - 1):
                assert await post(token, f"/quiz/{n + 1}", {"statement": order[n], "answer": "1"}) == 303
            last = post(token, f"/quiz/{len(order)}", {"statement": order[-1], "answer": "1"})
            other_tab = post(token, "/quiz/1", {"statement": order[0], "answer": "5"})
            first, second = (last, other_tab) if race % 2 else (other_tab, last)
            statuses = await asyncio.gather(first, second)
            outcomes[tuple(statuses)] = outcomes.get(tuple(statuses), 0) + 1
            [stored] = [a for a in store.attempts() if a.person == token]
            assert stored.result is not None and len(stored.answers) == len(order)
            expected = {m.myth.id: m.score for m in score_attempt(bank, stored.answers).myths}
            assert stored.result.scores() == expected, (race, statuses)
    finally:
        await client.close()
        store.close()
    print(f"{RACES} races of the last answer against a second tab: {outcomes}")
