"""Answers that arrive together are committed together, and each waits for its commit."""

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
from misquiz.web.workshop import GroupCommit, WorkshopConfig
from support.serving import Visitor

CONFIG = WorkshopConfig("ws", "before")


def make(store) -> int:
    return store.start_attempt(bank_id="b", bank_version="1", bank_hash="h", language="en", seed=1, order=["a"])


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
