"""A bank changed mid-workshop: `serve` refuses it for a round that has attempts on another bank version, unless
--force; with --force a participant whose statements all still exist goes on where they were, and one whose
statements changed starts afresh and is counted once."""

from __future__ import annotations

import copy
import re
import sqlite3
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from misquiz.cli import main
from misquiz.core import catalogue
from misquiz.core.model import Bank
from misquiz.files.bank import load_bank, shipped_bank_path
from misquiz.storage import open_store
from misquiz.storage.sqlite import SQLiteStore
from misquiz.web.app import build_app
from misquiz.web.pages import COOKIE, WORKSHOP
from misquiz.web.workshop import Workshop, WorkshopConfig
from support.postgres import Place, place_fixture  # noqa: F401  (the fixture)
from support.serving import Visitor

CONFIG = WorkshopConfig("ws", "before")
FORCED = WorkshopConfig("ws", "before", force_bank=True)


def changed_bank(tmp_path: Path, name: str, change: Callable[[dict], object]) -> Path:
    """A copy of the shipped bank with one change, as a trainer would edit it: its content hash differs."""
    data = yaml.safe_load(shipped_bank_path().read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    change(data)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def reworded(data: dict) -> None:
    data["myths"][0]["statements"][0]["text"]["en"] = "Social media is a side issue, reworded."


def removed(data: dict) -> None:
    data["myths"][0]["statements"].pop(3)


def added(data: dict) -> None:
    data["myths"][0]["statements"].append(
        {"id": "side-issue-5", "keyed": "myth", "text": {"nl": "Nieuw.", "en": "New.", "fr": "Nouveau."}}
    )


@asynccontextmanager
async def serving(bank: Bank, db: Path, config: WorkshopConfig = CONFIG, token: str | None = None):
    store = SQLiteStore(db)
    app = build_app(bank, store, config)
    client = TestClient(TestServer(app))
    await client.start_server()
    if token is not None:  # the same browser, back after the restart
        client.session.cookie_jar.update_cookies({COOKIE: token})
    try:
        yield Visitor(client, f"http://127.0.0.1:{client.server.port}"), app[WORKSHOP]
    finally:
        await client.close()
        store.close()


def cookie_of(person: Visitor) -> str:
    client = person.client
    return client.session.cookie_jar.filter_cookies(client.make_url("/"))[COOKIE].value


def rows(db: Path, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


async def three_answers(bank: Bank, db: Path) -> tuple[str, list[str]]:
    """A participant answers three statements and the server stops: their token and the statements answered."""
    async with serving(bank, db) as (person, _):
        await person.start()
        answered = []
        for value in (4, 2, 5):
            answered.append(person.statement)
            await person.answer(value)
        assert person.url.endswith("/quiz/4")
        return cookie_of(person), answered


def joined(workshop: Workshop) -> int:
    return next(p.joined for p in workshop.store.room_counts("ws").people if p.round == "before")


def serve_cli(db: Path, bank_file: Path, *extra: str) -> object:
    return CliRunner().invoke(
        main,
        ["serve", "--workshop", "ws", "--round", "before", "--db", str(db), "--bank", str(bank_file), *extra],
    )


# -- the refusal ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl", "fr"])
async def test_a_changed_bank_is_refused_with_what_why_and_what_to_do(bank, tmp_path, lang):
    db = tmp_path / "w.db"
    await three_answers(bank, db)
    edited = changed_bank(tmp_path, "edited", reworded)
    before = dump(db)
    result = serve_cli(db, edited, "--lang", lang)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    new = load_bank(edited)
    expected = catalogue.t(
        lang,
        "cli_serve_bank_changed",
        round=catalogue.t(lang, "cli_bank_round_before"),
        code="ws",
        count=1,
        versions=catalogue.t(
            lang, "cli_bank_version_attempts", count=1, version=bank.version, hash=bank.content_hash[7:19]
        ),  # one other version: no separator
        version=new.version,
        hash=new.content_hash[7:19],
    )
    assert result.output.strip() == expected  # on stderr: click's runner shows both
    assert "--force" in expected and "--bank" in expected
    assert dump(db) == before  # nothing changed in the database


def test_the_refusal_reads_as_written(bank, tmp_path):
    """Attempts on two other versions: each named with its count, in the language's own punctuation."""
    db = tmp_path / "w.db"
    store = SQLiteStore(db)
    order = [s.id for s in bank.statements]
    for person, (version, content) in enumerate(
        [("3.0.0", "sha256:" + "a" * 64)] * 2 + [("3.0.1", "sha256:" + "b" * 64)]
    ):
        store.start_attempt(
            bank_id=bank.id,
            bank_version=version,
            bank_hash=content,
            language="en",
            seed=1,
            order=order,
            workshop="ws",
            round="before",
            person=f"p{person}",
        )
    store.close()
    en = serve_cli(db, shipped_bank_path(), "--lang", "en").output
    assert en.startswith(
        "misquiz: the “Before” round of workshop 'ws' already has 3 results made with another version of the bank "
        f"than the one given now (version {bank.version}, fingerprint {bank.content_hash[7:19]}): "
        "2 with version 3.0.0, fingerprint aaaaaaaaaaaa; 1 with version 3.0.1, fingerprint bbbbbbbbbbbb. "
        "Served with this version, those participants would not go on where they were, and each of them would count "
        "twice."
    )
    fr = serve_cli(db, shipped_bank_path(), "--lang", "fr").output
    assert fr.startswith("misquiz\u00a0: le tour «\u00a0Avant\u00a0» de l'atelier «\u00a0ws\u00a0» compte déjà 3 ")
    assert "aaaaaaaaaaaa\u00a0; 1 avec la version 3.0.1" in fr and "continuer\u00a0:" in fr
    assert "’" not in fr  # straight apostrophes in French
    nl = serve_cli(db, shipped_bank_path(), "--lang", "nl").output
    assert nl.startswith("misquiz: de ronde ‘Vooraf’ van workshop ‘ws’ heeft al 3 deelnames")
    store = SQLiteStore(db)
    store.start_attempt(
        bank_id=bank.id,
        bank_version="3.0.0",
        bank_hash="sha256:" + "c" * 64,
        language="en",
        seed=1,
        order=order,
        workshop="ws",
        person="p9",
    )
    store.close()
    no_round = CliRunner().invoke(
        main, ["serve", "--workshop", "ws", "--db", str(db), "--bank", str(shipped_bank_path()), "--lang", "en"]
    )
    assert no_round.exit_code == 1
    assert no_round.output.startswith("misquiz: the part without a round of workshop 'ws' already has 1 result made")


async def test_the_same_bank_is_served_and_another_round_is_not_refused(bank, tmp_path, monkeypatch):
    db = tmp_path / "w.db"
    await three_answers(bank, db)
    served: list[WorkshopConfig] = []

    def pretend(bank, store, config, **_):  # the refusal comes first; past it, serving is not what is tested
        served.append(config)
        return 0

    monkeypatch.setattr("misquiz.web.server.serve", pretend)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert serve_cli(db, shipped_bank_path()).exit_code == 0
    edited = changed_bank(tmp_path, "edited", reworded)
    after = CliRunner().invoke(
        main, ["serve", "--workshop", "ws", "--round", "after", "--db", str(db), "--bank", str(edited)]
    )
    assert after.exit_code == 0, after.output  # the after round has no attempts on another bank
    forced = serve_cli(db, edited, "--force")
    assert forced.exit_code == 0, forced.output
    assert [c.force_bank for c in served] == [False, False, True]


# -- with --force ------------------------------------------------------------------------------------


async def test_with_force_a_reworded_bank_goes_on_where_they_were(bank, tmp_path):
    db = tmp_path / "w.db"
    token, answered = await three_answers(bank, db)
    ((attempt_id, order),) = rows(db, "SELECT id, statement_order FROM attempts")
    new = load_bank(changed_bank(tmp_path, "edited", reworded))
    async with serving(new, db, FORCED, token) as (person, workshop):
        await person.get("/")
        assert person.url.endswith("/quiz/4")  # the same statement, not the welcome
        for n, statement in enumerate(answered, 1):
            await person.get(f"/quiz/{n}")
            assert person.statement == statement
        await person.get("/quiz/2")
        assert re.search(r'value="2"[^>]*\n?[^>]*aria-current="true"', person.page)  # their answer, marked
        assert workshop.joined == 1 and joined(workshop) == 1
        await person.get("/quiz/4")
        await person.answer(3)
        assert person.url.endswith("/quiz/5")
    assert rows(db, "SELECT id, bank_hash, statement_order FROM attempts") == [(attempt_id, new.content_hash, order)]
    assert rows(db, "SELECT COUNT(*) FROM answers WHERE attempt_id = ?", attempt_id) == [(4,)]


async def test_with_force_a_finished_attempt_keeps_its_bank_and_shows_its_results(bank, tmp_path):
    db = tmp_path / "w.db"
    async with serving(bank, db) as (person, _):
        await person.start()
        await person.finish(4, total=len(bank.statements))
        token = cookie_of(person)
    stored = rows(db, "SELECT id, bank_hash, result FROM attempts")
    new = load_bank(changed_bank(tmp_path, "edited", reworded))
    async with serving(new, db, FORCED, token) as (person, workshop):
        await person.get("/")
        assert person.url.endswith("/results") and person.status == 200
        await person.post("/start", {"csrf": person.csrf, "lang": "en"})  # Start again: still the same person
        assert person.url.endswith("/results")
        assert workshop.joined == 1 and workshop.finished == 1
    assert rows(db, "SELECT id, bank_hash, result FROM attempts") == stored  # kept as it was scored


@pytest.mark.parametrize("change", [removed, added], ids=["removed", "added"])
async def test_with_force_other_statements_start_afresh_counted_once(bank, tmp_path, change):
    db = tmp_path / "w.db"
    token, _ = await three_answers(bank, db)
    (old_id,) = rows(db, "SELECT id FROM attempts")[0]
    new = load_bank(changed_bank(tmp_path, change.__name__, change))
    async with serving(new, db, FORCED, token) as (person, workshop):
        assert workshop.joined == 1  # the old attempt still holds its seat until they start afresh
        await person.get("/")
        assert person.url.endswith("/") and "/start" in person.page  # the welcome: a fresh start
        await person.post("/start", {"csrf": person.csrf, "lang": "en"})
        assert person.url.endswith("/quiz/1")
        await person.answer(3)
        assert workshop.joined == 1 and joined(workshop) == 1  # one person, one seat
        await workshop.recount()
        assert workshop.joined == 1
    attempts = rows(db, "SELECT id, bank_hash, abandoned_at IS NOT NULL FROM attempts ORDER BY id")
    assert attempts[0] == (old_id, bank.content_hash, 1)  # set aside, not deleted
    assert attempts[1][1:] == (new.content_hash, 0)
    assert rows(db, "SELECT COUNT(*) FROM answers WHERE attempt_id = ?", old_id) == [(3,)]  # its answers kept


# -- on either store -------------------------------------------------------------------------------


@asynccontextmanager
async def serving_at(bank: Bank, where: str, config: WorkshopConfig = CONFIG, token: str | None = None):
    store = open_store(where)
    app = build_app(bank, store, config)
    client = TestClient(TestServer(app))
    await client.start_server()
    if token is not None:
        client.session.cookie_jar.update_cookies({COOKIE: token})
    try:
        yield Visitor(client, f"http://127.0.0.1:{client.server.port}"), app[WORKSHOP]
    finally:
        await client.close()
        store.close()


async def test_with_force_on_either_store_one_goes_on_and_one_starts_afresh(bank, tmp_path, place: Place):
    """Two participants answered three statements each; the bank is reworded, then a statement is removed. On
    PostgreSQL (a shared store) every page also checks the database's copy, which must follow the adopted bank."""
    tokens = []
    for _ in range(2):
        async with serving_at(bank, place.where) as (person, _):
            await person.start()
            for value in (4, 2, 5):
                await person.answer(value)
            tokens.append(cookie_of(person))
    reword = load_bank(changed_bank(tmp_path, "edited", reworded))
    async with serving_at(reword, place.where, FORCED, tokens[0]) as (person, workshop):
        await person.get("/")
        assert person.url.endswith("/quiz/4")
        await person.answer(1)
        await person.get("/quiz/4")
        assert re.search(r'value="1"[^>]*\n?[^>]*aria-current="true"', person.page)
        assert workshop.joined == 2
    fewer = load_bank(changed_bank(tmp_path, "fewer", removed))
    async with serving_at(fewer, place.where, FORCED, tokens[1]) as (person, workshop):
        await person.get("/")
        assert "/start" in person.page and not person.url.endswith("/quiz/4")
        await person.post("/start", {"csrf": person.csrf, "lang": "en"})
        await person.answer(3)
        assert workshop.joined == 2
        await workshop.recount()
        assert workshop.joined == 2  # as the store counts: the old attempt set aside, the new one seated
    store = open_store(place.where)
    try:
        assert store.round_banks("ws", "before") == {
            reword.content_hash: (reword.version, 1),
            fewer.content_hash: (fewer.version, 1),
        }
        assert [p.joined for p in store.room_counts("ws").people if p.round == "before"] == [2]
        first = store.participant_attempt(reword.content_hash, "ws", "before", tokens[0])
        assert first is not None and len(first.answers) == 4
        old = store.participant_attempt(bank.content_hash, "ws", "before", tokens[1])
        assert old is None  # set aside: not resumed, not counted
        assert int(place.sql("SELECT COUNT(*) FROM answers")[0][0]) == 3 + 4 + 1  # every answer kept
    finally:
        store.close()
