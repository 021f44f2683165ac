"""Seats that mean people (issue 25, point 2): a seat is taken by a first answer, not by pressing Start."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
import time

import aiohttp
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.app import build_app
from misquiz.web.pages import COOKIE, WORKSHOP
from misquiz.web.workshop import Workshop, WorkshopConfig
from support.postgres import postgres_server_fixture, postgres_url_fixture  # noqa: F401  (fixtures)
from support.serving import Visitor, free_port, start_server

SEATS = 200
CONFIG = WorkshopConfig("ws", "before", max_participants=SEATS, joins_per_client=(1e9, 1e9))


async def press_start(client: TestClient, workshop: Workshop, token: str) -> aiohttp.ClientResponse:
    """Start pressed with this participant's cookie and form token, the redirect not followed."""
    return await client.post(
        "/start",
        data={"csrf": workshop.csrf(token), "lang": "en"},
        headers={"Origin": f"http://127.0.0.1:{client.server.port}", "Cookie": f"{COOKIE}={token}"},
        allow_redirects=False,
    )


async def answer_first(client: TestClient, workshop: Workshop, token: str) -> aiohttp.ClientResponse:
    """The first statement answered (4) by this participant, the redirect not followed."""
    session = workshop.participant(token).session
    return await client.post(
        "/quiz/1",
        data={"csrf": workshop.csrf(token), "statement": session.order[0], "answer": "4"},
        headers={"Origin": f"http://127.0.0.1:{client.server.port}", "Cookie": f"{COOKIE}={token}"},
        allow_redirects=False,
    )


async def test_200_start_presses_without_answers_leave_a_seat_for_the_next_real_person(bank, tmp_path):
    store = SQLiteStore(tmp_path / "s.db")
    client = TestClient(TestServer(build_app(bank, store, CONFIG)), cookie_jar=aiohttp.DummyCookieJar())
    await client.start_server()
    workshop = client.server.app[WORKSHOP]

    async def start(token: str) -> int:
        return (await press_start(client, workshop, token)).status

    async def first_answer(token: str) -> aiohttp.ClientResponse:
        return await answer_first(client, workshop, token)

    try:
        pressers = [workshop.new_token() for _ in range(SEATS)]
        assert [await start(token) for token in pressers] == [303] * SEATS
        assert workshop.joined == 0  # Start alone takes no seat

        person = workshop.new_token()  # the next real person: joins and answers
        assert await start(person) == 303
        answered = await first_answer(person)
        assert answered.status == 303 and answered.headers["Location"] == "/quiz/2"
        assert workshop.joined == 1

        for token in pressers[: SEATS - 1]:  # the room fills with people who answer
            assert (await first_answer(token)).status == 303
        assert workshop.joined == SEATS
        late = await first_answer(pressers[-1])  # pressed Start early, answered too late: the room is full
        assert late.status == 503 and "full" in (await late.text()).lower()
        assert workshop.joined == SEATS and workshop.refused == 1
    finally:
        await client.close()

    again = Workshop(bank, store, CONFIG)  # a restart counts seats as the store does: by first answers
    assert again.joined == SEATS
    [summary] = store.workshops()
    assert (summary.joined, summary.started) == (SEATS, SEATS + 1)
    listed = CliRunner().invoke(main, ["workshop", "list", "--db", str(tmp_path / "s.db")])
    assert "started, never answered" in listed.stdout, listed.stdout
    assert re.search(rf"Before\s+{SEATS}\s+1\s+0\s", listed.stdout), listed.stdout  # joined, never answered, finished
    store.close()


def test_workshop_delete_frees_the_seats_of_a_running_server_within_5_seconds(tmp_path):
    port = free_port()
    db = str(tmp_path / "d.db")
    server = start_server(
        port, "--workshop", "mon", "--max-participants", "1", "--db", db,
        env={"XDG_CACHE_HOME": str(tmp_path / "c")}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    async def run() -> tuple[float, int, str]:
        jar = aiohttp.CookieJar(unsafe=True)
        async with (
            aiohttp.ClientSession(cookie_jar=jar) as one,
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as two,
        ):
            first, second = Visitor(one, base), Visitor(two, base)
            await first.get(base + "/")
            await first.post(base + "/start", {"csrf": first.csrf, "lang": "en"})
            await first.post(f"{base}/quiz/1", {"csrf": first.csrf, "statement": first.statement, "answer": "3"})
            await second.get(base + "/")
            assert second.status == 503, second.status  # one seat, taken
            deleted = subprocess.run(
                [sys.executable, "-m", "misquiz", "workshop", "delete", "mon", "--yes", "--db", db],
                capture_output=True, text=True, timeout=30,
            )  # fmt: skip
            assert deleted.returncode == 0 and "Deleted 1" in deleted.stdout, deleted
            began = time.monotonic()
            while time.monotonic() - began < 10:
                await second.get(base + "/")
                if second.status == 200:
                    break
                await asyncio.sleep(0.2)
            freed_after = time.monotonic() - began
            await second.post(base + "/start", {"csrf": second.csrf, "lang": "en"})
            await second.post(f"{base}/quiz/1", {"csrf": second.csrf, "statement": second.statement, "answer": "3"})
            await first.get(base + "/quiz/2")  # the deleted participant's next page: never an error
            return freed_after, second.status, first.url

    try:
        freed_after, status, where_first_went = asyncio.run(run())
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=15)
    print(f"a seat freed by workshop delete was free again after {freed_after:.1f} s")
    assert freed_after < 5, freed_after
    assert status == 200
    assert where_first_went.endswith("/"), where_first_went  # starts afresh at the welcome page, which is full
    assert "Traceback" not in out + err and "failed" not in out


def test_both_stores_count_started_never_answered_alike(bank, tmp_path, postgres_url):
    from misquiz.core.quiz import QuizOptions
    from misquiz.storage.protocol import open_store
    from support.quiz import stored_attempt

    for where in (str(tmp_path / "c.db"), postgres_url):
        store = open_store(where)
        for n, answers in enumerate([0, 0, 1, None]):  # two pressed Start only, one answered, one finished
            stored_attempt(
                store,
                bank,
                QuizOptions("en", seed=n, workshop="ws", round="before", person=f"p{n}"),
                3,
                answers=answers,
            )
        [summary] = store.workshops()
        assert (summary.started, summary.joined, summary.finished) == (4, 2, 1), where
        store.close()


async def test_a_recount_while_a_first_answer_is_being_stored_keeps_its_seat(bank, tmp_path):
    """A recount reads the store's seats; a first answer that took its seat but is not stored yet was missing
    from that read, and the count fell by one until the next recount: the next person got the welcome page of
    a full room, or a seat past --max-participants (seen once as test_web_crowd failing under load)."""
    store = SQLiteStore(tmp_path / "s.db")
    client = TestClient(TestServer(build_app(bank, store, CONFIG)), cookie_jar=aiohttp.DummyCookieJar())
    await client.start_server()
    workshop = client.server.app[WORKSHOP]
    try:
        token = workshop.new_token()
        assert (await press_start(client, workshop, token)).status == 303
        held, save = asyncio.Event(), workshop.commits.save

        async def slow_save(*args):  # the store takes its time with this first answer
            await held.wait()
            return await save(*args)

        workshop.commits.save = slow_save
        answering = asyncio.create_task(answer_first(client, workshop, token))
        for _ in range(200):
            await asyncio.sleep(0.01)
            if workshop.seating:
                break
        assert workshop.seating == 1 and workshop.joined == 1
        await workshop.recount()  # the store has not counted it yet
        assert workshop.joined == 1
        held.set()
        assert (await answering).status == 303
        await workshop.recount()
        assert workshop.joined == 1 and workshop.seating == 0
    finally:
        await client.close()
        store.close()
