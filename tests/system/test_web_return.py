"""The participant's return: in the after round, the phone that took the before round is greeted back."""

from __future__ import annotations

import sqlite3
from contextlib import asynccontextmanager

from aiohttp.test_utils import TestClient, TestServer
from markupsafe import escape

from misquiz.core import catalogue
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.app import build_app
from misquiz.web.pages import COOKIE
from misquiz.web.workshop import WorkshopConfig
from support.serving import Visitor


@asynccontextmanager
async def serving(bank, db, round: str):
    store = SQLiteStore(db)
    client = TestClient(TestServer(build_app(bank, store, WorkshopConfig("ws", round))))
    await client.start_server()
    try:
        yield client, Visitor(client, f"http://127.0.0.1:{client.server.port}")
    finally:
        await client.close()
        store.close()


async def test_the_after_round_welcomes_back_the_same_phone_with_its_name_and_language(bank, tmp_path):
    db = tmp_path / "r.db"
    name = "Zoë <b>"
    async with serving(bank, db, "before") as (client, person):
        await person.start(name=name, lang="fr")
        await person.finish(4, len(bank.statements))
        token = client.session.cookie_jar.filter_cookies(client.make_url("/"))[COOKIE].value
    async with serving(bank, db, "after") as (client, person):
        client.session.cookie_jar.update_cookies({COOKIE: token}, client.make_url("/"))
        page = await person.get("/", headers={"Accept-Language": "en"})  # the language chosen before wins
        assert '<html lang="fr">' in page
        assert catalogue.t("fr", "web_welcome_back") in page and catalogue.t("fr", "web_before_kept") in page
        assert f'value="{escape(name)}"' in page
        asked = await person.get("/?lang=nl")  # a language asked for now wins over the one kept
        assert catalogue.t("nl", "web_welcome_back") in asked and f'value="{escape(name)}"' in asked
        await person.get("/")
        await person.post("/start", {"csrf": person.csrf, "lang": "fr", "name": name})
        assert person.status == 200 and "/quiz/1" in person.url
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT round, name, language, person FROM attempts ORDER BY id").fetchall()
    assert rows == [("before", name, "fr", token), ("after", name, "fr", token)]


async def test_a_new_phone_in_the_after_round_is_not_greeted_back(bank, tmp_path):
    db = tmp_path / "n.db"
    async with serving(bank, db, "before") as (_, person):
        await person.start(name="Ann")
    async with serving(bank, db, "after") as (client, person):
        client.session.cookie_jar.clear()
        page = await person.get("/")
        assert catalogue.t("en", "web_welcome_back") not in page and 'value="Ann"' not in page
    async with serving(bank, db, "before") as (_, person):  # the before round itself greets no one back
        page = await person.get("/")
        assert catalogue.t("en", "web_welcome_back") not in page
