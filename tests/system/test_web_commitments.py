"""Commitments and the calendar file on the workshop's results page, through aiohttp's test client (issue 24)."""

from __future__ import annotations

import html
import re
import sqlite3
from contextlib import asynccontextmanager
from urllib.parse import urlencode

import icalendar
import vobject
from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape

from misquiz.core import catalogue
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.app import build_app
from misquiz.web.pages import COOKIE, WORKSHOP
from misquiz.web.workshop import WorkshopConfig
from support.quiz import answers_holding
from support.serving import Visitor

CONFIG = WorkshopConfig("ws", "before", public_url="http://quiz.example:8080/")
HELD = {"sales-goal": (5, 1), "no-plan": (5, 1)}
HOSTILE = '<script>alert(1)</script> & "x"'


@asynccontextmanager
async def finished(bank, db, name: str = "Anna"):
    store = SQLiteStore(db)
    app = build_app(bank, store, CONFIG)
    client = TestClient(TestServer(app))
    await client.start_server()
    person = Visitor(client, f"http://127.0.0.1:{client.server.port}")
    try:
        await person.start(name)
        answers = answers_holding(bank, HELD)
        for _ in range(len(answers)):
            await person.answer(answers[person.statement])
        assert person.url.endswith("/results")
        yield person, store, app[WORKSHOP]
    finally:
        await client.close()
        store.close()


def stored(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT * FROM commitments ORDER BY 1, 2").fetchall()


def offered(page: str) -> list[str]:
    return re.findall(r'name="action" value="([^"]+)"', page)


def checked(page: str) -> list[str]:
    return re.findall(r'name="action" value="([^"]+)" checked', page)


async def choose(person: Visitor, keys: list[str], own: str = "", **kwargs) -> str:
    body = [("csrf", person.csrf), *(("action", k) for k in keys), ("own", own)]
    headers = {**kwargs.pop("headers", person.headers), "Content-Type": "application/x-www-form-urlencoded"}
    async with person.client.post("/results/commitments", data=urlencode(body), headers=headers) as response:
        return await person._took(response)


async def test_choose_change_and_refuse(bank, tmp_path):
    async with finished(bank, tmp_path / "c.db") as (person, _store, _):
        actions = offered(person.page)
        assert actions and all(a.split(".")[0] in HELD for a in actions)
        assert 'action="/results/commitments"' in person.page and 'name="csrf"' in person.page

        await choose(person, actions[:2], "Ask <b>Bob</b> & co")
        assert person.status == 200 and person.url.endswith("/results?kept=1")
        assert catalogue.t("en", "commit_saved") in person.page
        assert checked(person.page) == actions[:2]
        assert "Ask &lt;b&gt;Bob&lt;/b&gt; &amp; co" in person.page and "<b>Bob</b>" not in person.page
        assert catalogue.t("en", "commitments_title") in person.page
        assert len(stored(tmp_path / "c.db")) == 3

        await choose(person, [actions[2]])  # a change of mind replaces the earlier choice
        assert checked(person.page) == [actions[2]] and len(stored(tmp_path / "c.db")) == 1

        await choose(person, actions[:3], "a fourth")  # four: refused, said on the page, nothing changed
        assert person.status == 400
        assert html.escape(catalogue.t("en", "commit_error_too_many", max=3, n=4), quote=False) in person.page
        assert checked(person.page) == actions[:3]  # what was sent stays ticked, to take one away
        assert len(stored(tmp_path / "c.db")) == 1

        await choose(person, ["not-a-myth.1"])
        assert person.status == 400
        assert (
            html.escape(catalogue.t("en", "commit_error_not_in_plan", action="not-a-myth.1"), quote=False)
            in person.page
        )
        clear = next(m.id for m in bank.myths if m.id not in HELD)
        await choose(person, [f"{clear}.1"])  # a myth the person already sees clearly: not in their plan
        assert person.status == 400 and len(stored(tmp_path / "c.db")) == 1

        await choose(person, [], "x" * 141)
        assert person.status == 400 and "141" in person.page


async def test_a_stale_token_or_another_origin_is_refused(bank, tmp_path):
    async with finished(bank, tmp_path / "c.db") as (person, _, _):
        actions = offered(person.page)
        person.csrf = "0" * len(person.csrf)
        await choose(person, actions[:1])
        assert person.status == 403 and catalogue.t("en", "web_stale") in person.page
        await person.get("/results")
        await choose(person, actions[:1], headers={"Origin": "http://evil.example"})
        assert person.status == 403
        assert stored(tmp_path / "c.db") == []


async def test_the_calendar_file_reads_back(bank, tmp_path):
    async with finished(bank, tmp_path / "c.db") as (person, _, _):
        assert 'href="/results/check-back.ics"' in person.page
        await choose(person, offered(person.page)[:1], "Call the bank; then, maybe, me")
        async with person.client.get("/results/check-back.ics") as response:
            assert response.status == 200
            assert response.content_type == "text/calendar"
            assert "attachment" in response.headers["Content-Disposition"]
            assert ".ics" in response.headers["Content-Disposition"]
            body = await response.read()
        assert b"\r\n" in body
        event = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
        description = str(event["DESCRIPTION"])
        assert "Call the bank; then, maybe, me" in description
        assert "http://quiz.example:8080/" in description and "Anna" not in body.decode()
        card = vobject.readOne(body.decode())
        assert card.vevent.description.value == description
        assert card.vevent.summary.value == catalogue.t("en", "ics_summary")


async def test_no_results_no_commitments(bank, tmp_path):
    store = SQLiteStore(tmp_path / "n.db")
    client = TestClient(TestServer(build_app(bank, store, CONFIG)))
    await client.start_server()
    try:
        response = await client.post("/results/commitments", data={"csrf": "x"}, allow_redirects=False,
                                     headers={"Origin": f"http://127.0.0.1:{client.server.port}"})  # fmt: skip
        assert response.status in (303, 403)
        response = await client.get("/results/check-back.ics", allow_redirects=False)
        assert response.status == 303
    finally:
        await client.close()
        store.close()


@asynccontextmanager
async def round_of(bank, db, round: str, token: str | None = None):
    store = SQLiteStore(db)
    client = TestClient(TestServer(build_app(bank, store, WorkshopConfig("ws", round))))
    await client.start_server()
    if token:
        client.session.cookie_jar.update_cookies({COOKIE: token}, client.make_url("/"))
    try:
        yield client, Visitor(client, f"http://127.0.0.1:{client.server.port}"), store
    finally:
        await client.close()
        store.close()


async def before_with_commitments(bank, db, own: str) -> str:
    async with round_of(bank, db, "before") as (client, person, _):
        await person.start("Anna")
        answers = answers_holding(bank, HELD)
        for _ in range(len(answers)):
            await person.answer(answers[person.statement])
        await choose(person, offered(person.page)[:1], own)
        return client.session.cookie_jar.filter_cookies(client.make_url("/"))[COOKIE].value


async def test_the_after_round_asks_first_what_they_did(bank, tmp_path):
    db = tmp_path / "a.db"
    token = await before_with_commitments(bank, db, HOSTILE)
    async with round_of(bank, db, "after", token) as (_, person, store):
        await person.start("Anna")
        assert person.url.endswith("/follow-up") and person.status == 200
        assert catalogue.t("en", "follow_up_heading", count=2) in person.page  # two commitments: "these"
        assert str(escape(HOSTILE)) in person.page and HOSTILE not in person.page
        assert person.page.count('type="radio"') == 6 and "<script>alert" not in person.page
        await person.post("/follow-up", {"csrf": person.csrf, "status-1": "done", "status-2": "started"})
        assert person.url.endswith("/quiz/1")
        before = store.previous_finished(store.participant_attempt(bank.content_hash, "ws", "after", token).id)
        assert [c.status for c in store.commitments(before.id)] == ["done", "started"]
        await person.get("/follow-up")  # answered: not asked again
        assert person.url.endswith("/quiz/1")
        for _ in range(len(bank.statements)):
            await person.answer(1)
        assert catalogue.t("en", "status_done") in person.page and "What you have done since" in person.page


async def test_the_after_rounds_question_can_be_skipped_and_refuses_nonsense(bank, tmp_path):
    db = tmp_path / "s.db"
    token = await before_with_commitments(bank, db, "")
    async with round_of(bank, db, "after", token) as (_, person, store):
        await person.start("Anna")
        assert person.url.endswith("/follow-up")
        await person.post("/follow-up", {"csrf": person.csrf, "status-1": "finished it"})
        assert person.status == 400 and "Traceback" not in person.page
        await person.get("/follow-up")
        await person.post("/follow-up", {"csrf": "0" * 64, "status-1": "done"})
        assert person.status == 403
        await person.get("/follow-up")
        await person.post("/follow-up", {"csrf": person.csrf, "status-1": "done", "skip": "1"})
        assert person.url.endswith("/quiz/1")
        attempt = store.participant_attempt(bank.content_hash, "ws", "after", token)
        assert [c.status for c in store.commitments(store.previous_finished(attempt.id).id)] == [None]
