"""Answers that arrive together are committed together, and each waits for its commit; on a shared
database, the checks of the participants of one moment are one statement."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from misquiz.storage import StoreError
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.app import build_app
from misquiz.web.pages import WORKSHOP
from misquiz.web.workshop import GroupCommit, GroupRead, WorkshopConfig
from support.serving import Visitor

CONFIG = WorkshopConfig("ws", "before")


def make(store, **extra) -> int:
    fields = dict(bank_id="b", bank_version="1", bank_hash="h", language="en", seed=1, order=["a"])
    return store.start_attempt(**(fields | extra))


async def test_answers_given_in_the_same_turn_share_one_commit_and_each_waits_for_it(tmp_path):
    store = SQLiteStore(tmp_path / "g.db")
    try:
        attempts = [make(store) for _ in range(5)]
        commits = GroupCommit(store)
        waiting = [commits.save(attempt, "a", 3) for attempt in attempts]
        assert not any(done.done() for done in waiting)  # nothing is claimed before the commit
        await asyncio.gather(*waiting)
        assert commits.commits == 1
        assert all(store.attempt(attempt).answers == {"a": 3} for attempt in attempts)
    finally:
        store.close()


async def test_an_answer_that_cannot_be_stored_fails_alone(tmp_path, monkeypatch):
    store = SQLiteStore(tmp_path / "g.db")
    try:
        good, bad = make(store), make(store)
        commits = GroupCommit(store)

        def batch(answers):
            raise StoreError("one of them is refused")

        saved = store.save_answer

        def one(attempt_id, statement_id, value):
            if attempt_id == bad:
                raise StoreError("refused")
            saved(attempt_id, statement_id, value)

        monkeypatch.setattr(store, "save_answers", batch)
        monkeypatch.setattr(store, "save_answer", one)
        outcomes = await asyncio.gather(commits.save(good, "a", 2), commits.save(bad, "a", 2), return_exceptions=True)
        assert outcomes[0] is None and isinstance(outcomes[1], StoreError)
        assert store.attempt(good).answers == {"a": 2} and store.attempt(bad).answers == {}

        def out_of_descriptors(*args):
            raise OSError(24, "Too many open files")

        monkeypatch.setattr(store, "save_answers", out_of_descriptors)
        outcomes = await asyncio.gather(commits.save(good, "a", 1), commits.save(bad, "a", 1), return_exceptions=True)
        assert all(isinstance(outcome, OSError) for outcome in outcomes)  # each request fails; none waits for ever
    finally:
        store.close()


@pytest.mark.parametrize("people", [12])
async def test_a_crowd_answering_at_once_has_every_answer_stored_and_shown_as_saved(bank, tmp_path, people):
    db = tmp_path / "w.db"
    store = SQLiteStore(db)
    app = build_app(bank, store, replace(CONFIG, joins_per_client=(100, 10.0)))
    server = TestServer(app)
    await server.start_server()
    origin = f"http://127.0.0.1:{server.port}"
    clients = [aiohttp.ClientSession(base_url=origin, cookie_jar=aiohttp.CookieJar(unsafe=True)) for _ in range(people)]
    try:
        visitors = [Visitor(client, origin) for client in clients]
        await asyncio.gather(*(v.start() for v in visitors))
        for n in range(1, 4):
            await asyncio.gather(*(v.answer(n) for v in visitors))
            assert all(f"{n} of 36 answers saved" in v.page for v in visitors)
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 3 * people
        assert app[WORKSHOP].commits.commits <= 3 * people
    finally:
        for client in clients:
            await client.close()
        await server.close()
        store.close()


async def test_the_checks_of_one_moment_are_one_statement_and_each_gets_its_own_answer(tmp_path, monkeypatch):
    store = SQLiteStore(tmp_path / "g.db")
    try:
        people = ["p" * 32, "q" * 32, "r" * 32]
        attempts = [make(store, workshop="ws", round="before", person=person) for person in people]
        store.save_answer(attempts[1], "a", 2)
        reads = GroupRead(store, "h", "ws", "before")
        asked = [reads.state(attempt, person) for attempt, person in zip(attempts, people, strict=True)]
        asked.append(reads.state(attempts[0], "x" * 32))  # not this person's attempt
        assert await asyncio.gather(*asked) == [("en", {}), ("en", {"a": 2}), ("en", {}), None]
        assert reads.reads == 1

        def broken(*args):
            raise StoreError("the server went away")

        monkeypatch.setattr(store, "participant_states", broken)
        outcomes = await asyncio.gather(
            reads.state(attempts[0], people[0]), reads.state(attempts[1], people[1]), return_exceptions=True
        )
        assert all(isinstance(outcome, StoreError) for outcome in outcomes)
        assert reads.reads == 2
    finally:
        store.close()


async def test_a_double_submit_while_the_first_waits_for_its_commit_counts_once(bank, tmp_path, monkeypatch):
    db = tmp_path / "w.db"
    store = SQLiteStore(db)
    app = build_app(bank, store, CONFIG)
    server = TestServer(app)
    await server.start_server()
    origin = f"http://127.0.0.1:{server.port}"
    client = aiohttp.ClientSession(base_url=origin, cookie_jar=aiohttp.CookieJar(unsafe=True))
    try:
        person = Visitor(client, origin)
        await person.start()
        for _ in range(35):
            await person.answer(4)
        finishes = []
        monkeypatch.setattr(store, "finish_attempt", lambda *args: finishes.append(args))
        commits = app[WORKSHOP].commits
        save = commits.save

        async def slow_save(*answer):
            await asyncio.sleep(0.2)  # a slow disk: the second submit arrives while the first waits
            await save(*answer)

        monkeypatch.setattr(commits, "save", slow_save)
        form = {"csrf": person.csrf, "statement": person.statement, "answer": "2"}
        pages = await asyncio.gather(
            *(client.post(f"/quiz/{person.number}", data=form, headers=person.headers) for _ in range(2))
        )
        assert [page.status for page in pages] == [200, 200]
        assert all(str(page.url).endswith("/results") for page in pages)
        workshop = app[WORKSHOP]
        assert (workshop.joined, workshop.finished) == (1, 1) and len(finishes) == 1
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT COUNT(*), SUM(value = 2) FROM answers").fetchone() == (36, 1)
    finally:
        await client.close()
        await server.close()
        store.close()
